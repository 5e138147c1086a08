"""Golden output: what each importer makes of each sample document, kept next to the document.

For every sample in ``importers/samples/`` (``*.xlsx``, ``*.xls``) the importer that
identifies it is run through ``beangulp.testing`` as beangulp's own ``test``
command runs it: its ``account``, ``date`` and ``filename`` go into the header of
``importers/samples/<file name>.beancount``, its sorted entries below. A mismatch
prints a unified diff.

After an intended change of the importers or the samples, regenerate the golden files
and read the diff before committing them::

    MTQG_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from beangulp import testing

from mtqgledger.importers.decision import DecisionImporter
from mtqgledger.importers.treasury import TreasuryImporter
from mtqgledger.model.catalogue_files import load_catalogue

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "importers" / "samples"
DOCUMENTS = sorted(path for pattern in ("*.xlsx", "*.xls") for path in SAMPLES.glob(pattern))
UPDATE = os.environ.get("MTQG_UPDATE_GOLDEN") == "1"


def golden_path(document: Path) -> Path:
    return document.with_name(document.name + ".beancount")


# A regional treasury's statement names no province: extracted alone (no books to take it
# from), it is read for the province its books keep, as `--province` or an importer
# option would say.
OPTIONS = {"KBNN-KV9-bang-ke-2026.xlsx": {"province": "LaiChau"}}


def importer_of(document: Path):
    """The one importer that identifies the document."""
    catalogue = load_catalogue()
    options = OPTIONS.get(document.name, {})
    found = [importer for importer in (DecisionImporter(catalogue, **options),
                                       TreasuryImporter(catalogue, **options))
             if importer.identify(str(document))]
    assert len(found) == 1, f"{document.name}: identified by {found}"
    return found[0]


def test_every_sample_is_covered() -> None:
    # make_samples.py writes six documents; each needs its golden file.
    assert [path.name for path in DOCUMENTS] == [
        "KBNN-KV9-bang-ke-2026.xlsx", "KBNN-bang-ke-2025.xlsx", "QD-1128-bo-sung-2025.xls",
        "QD-1390-dieu-chinh-2025.xlsx", "QD-215-giao-von-2026.xlsx", "QD-35-giao-von-2025.xlsx"]
    if not UPDATE:
        missing = [golden_path(path).name for path in DOCUMENTS
                   if not golden_path(path).is_file()]
        assert not missing, f"golden files missing (MTQG_UPDATE_GOLDEN=1 writes them): {missing}"


@pytest.mark.parametrize("document", DOCUMENTS, ids=[path.name for path in DOCUMENTS])
def test_extracted_entries_match_golden_file(document: Path) -> None:
    account, date, name, entries = testing.run_importer(importer_of(document), str(document))
    assert entries, f"{document.name}: no entries extracted"
    golden = golden_path(document)
    if UPDATE:
        testing.write_expected_file(str(golden), account, date, name, entries, force=True)
        return
    diff = testing.compare_expected(str(golden), account, date, name, entries)
    if diff:
        pytest.fail(f"{document.name}: extracted entries differ from {golden.name} "
                    f"(MTQG_UPDATE_GOLDEN=1 rewrites it):\n{''.join(diff)}", pytrace=False)


def test_golden_files_carry_no_local_paths() -> None:
    for document in DOCUMENTS:
        golden = golden_path(document)
        if golden.is_file():
            text = golden.read_text(encoding="utf-8")
            assert str(ROOT) not in text and "/home/" not in text and "/tmp/" not in text, golden


def test_headers_name_account_date_and_file_name() -> None:
    decision = golden_path(SAMPLES / "QD-35-giao-von-2025.xlsx").read_text(encoding="utf-8")
    assert decision.splitlines()[:3] == [";; Account: Income:Allocated", ";; Date: 2025-01-08",
                                         ";; Name: "]
    statement = golden_path(SAMPLES / "KBNN-bang-ke-2025.xlsx").read_text(encoding="utf-8")
    assert statement.splitlines()[0] == ";; Account: Expenses:Disbursed"
