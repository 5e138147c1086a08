"""Golden output: the entries each sample document gives, kept next to the document.

For every sample in ``importers/samples/`` (``*.xlsx``, ``*.xls``) the entries that
``read_decision`` / ``read_statement`` extract with default options (and no existing
books) are printed with ``beancount.parser.printer.format_entry``, separated by blank
lines, and compared with ``importers/samples/<file name>.beancount``
(e.g. ``QD-35-giao-von-2025.xlsx.beancount``). A mismatch prints a unified diff.

After an intended change of the importers or the samples, regenerate the golden files
and read the diff before committing them::

    MTQG_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
from beancount.parser import printer

from mtqgledger.importers.decision import read_decision
from mtqgledger.importers.treasury import read_statement
from mtqgledger.ingest.pipeline import identify
from mtqgledger.model.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "importers" / "samples"
DOCUMENTS = sorted(path for pattern in ("*.xlsx", "*.xls") for path in SAMPLES.glob(pattern))
UPDATE = os.environ.get("MTQG_UPDATE_GOLDEN") == "1"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MTQG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MTQG_CATALOGUE", raising=False)  # the bundled catalogue only


def golden_path(document: Path) -> Path:
    return document.with_name(document.name + ".beancount")


def extracted_text(document: Path) -> str:
    """The document's entries as Beancount text, with no machine-specific paths."""
    catalogue = load_catalogue()
    if identify(document) == "decision":
        entries = read_decision(document, catalogue).entries
    else:
        entries = read_statement(document, catalogue, existing=()).entries
    text = "\n".join(printer.format_entry(entry) for entry in entries)
    # format_entry leaves out filename / lineno; should any other value carry a path,
    # keep the golden files independent of where the clone lives.
    for folder, placeholder in ((SAMPLES, "<samples>"), (ROOT, "<root>")):
        text = text.replace(str(folder), placeholder)
    return text


def test_every_sample_is_covered() -> None:
    # make_samples.py writes four documents; each needs its golden file.
    assert [path.name for path in DOCUMENTS] == [
        "KBNN-bang-ke-2025.xlsx", "QD-1128-bo-sung-2025.xls", "QD-1390-dieu-chinh-2025.xlsx",
        "QD-35-giao-von-2025.xlsx"]
    if not UPDATE:
        missing = [golden_path(path).name for path in DOCUMENTS
                   if not golden_path(path).is_file()]
        assert not missing, f"golden files missing (MTQG_UPDATE_GOLDEN=1 writes them): {missing}"


@pytest.mark.parametrize("document", DOCUMENTS, ids=[path.name for path in DOCUMENTS])
def test_extracted_entries_match_golden_file(document: Path) -> None:
    actual = extracted_text(document)
    assert actual.strip(), f"{document.name}: no entries extracted"
    golden = golden_path(document)
    if UPDATE:
        golden.write_text(actual, encoding="utf-8")
        return
    assert golden.is_file(), f"{golden} missing; run with MTQG_UPDATE_GOLDEN=1 to write it"
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True),
            fromfile=f"{golden.name} (golden)", tofile=f"{document.name} (extracted now)"))
        pytest.fail(f"{document.name}: extracted entries differ from {golden.name} "
                    f"(MTQG_UPDATE_GOLDEN=1 rewrites it):\n{diff}", pytrace=False)


def test_golden_files_carry_no_local_paths() -> None:
    for document in DOCUMENTS:
        golden = golden_path(document)
        if golden.is_file():
            text = golden.read_text(encoding="utf-8")
            assert str(ROOT) not in text and "/home/" not in text and "/tmp/" not in text, golden
