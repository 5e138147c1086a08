"""What the user gets from the sample books, as plain data: for the before/after comparison.

tests/before/*.json were written by this module from the code as it stood before the
package was reorganised by layer (issue 9); tests/test_unchanged.py requires the same
output now. Every figure goes through the ``mtqg`` command, as a user runs it, so the
comparison does not depend on the library's internal layout.

    python tests/snapshot.py        # rewrite tests/before/ (only after an intended change)
"""

from __future__ import annotations

import datetime
import json
import shutil
import sys
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from mtqgledger.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "ledgers" / "main.beancount"
DOCUMENTS = ROOT / "importers" / "samples"
BEFORE = Path(__file__).resolve().parent / "before"

# Rows of the audit's Thông tin sheet that say when and with what the workbook was made.
VARYING_INFO = ("Thời điểm lập", "mtqgledger", "beancount", "fava", "xlsxwriter", "python",
                "openpyxl", "Sổ (ledger)")

REPORTS = {
    "disbursement-as-of-2025-11-14": ["--as-of", "2025-11-14"],
    "disbursement-lines-all-years": ["--by", "line", "--plan-year", "all"],
    "disbursement-lines-2025-03-31": ["--by", "line", "--as-of", "2025-03-31"],
    "disbursement-projects-2024": ["--by", "project", "--plan-year", "2024"],
}
QUARTERLY = {"quarterly-2025Q3-dong": ["--quarter", "2025Q3", "--unit", "dong"],
             "quarterly-2025Q1-trieu": ["--quarter", "2025Q1", "--unit", "trieu"]}
AUDIT = {"audit-whole-books": [], "audit-2025-to-14-11": ["--from", "2025-01-01",
                                                          "--to", "2025-11-14"]}


def run(*args: object) -> str:
    result = CliRunner().invoke(main, [str(arg) for arg in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _plain(value: object) -> object:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def workbook_cells(path: Path) -> dict[str, object]:
    """Every sheet's non-empty cells (value and number format) and merged ranges."""
    book = load_workbook(path)
    sheets = {}
    for sheet in book.worksheets:
        cells = {}
        for row in sheet.iter_rows():
            first = row[0].value if row else None
            if sheet.title == "Thông tin" and isinstance(first, str) and \
                    first.startswith(VARYING_INFO):
                continue
            for cell in row:
                if cell.value is not None:
                    cells[cell.coordinate] = [_plain(cell.value), cell.number_format]
        sheets[sheet.title] = {"cells": cells,
                               "merged": sorted(str(r) for r in sheet.merged_cells.ranges)}
    return sheets


def demo_books(folder: Path) -> Path:
    """New books with the 2025 sample documents imported, as the README's demo makes them
    (the 2026 documents need the 2025 money extended first: tests/test_demo_2026.py)."""
    books = folder / "demo"
    if books.exists():
        shutil.rmtree(books)
    run("init", books, "--province", "LaiChau", "--year", "2025", "--program", "GNBV",
        "--program", "DTTS")
    documents = sorted(p for p in DOCUMENTS.iterdir() if p.suffix in (".xlsx", ".xls")
                       and "2025" in p.name)
    run("import", *documents, "--ledger", books / "main.beancount")
    return books / "main.beancount"


def snapshots(folder: Path) -> dict[str, object]:
    """Name -> output, for every case above, on the sample books and the demo books."""
    found: dict[str, object] = {}
    for name, args in REPORTS.items():
        found[name] = json.loads(run("report", "disbursement", SAMPLE, "--format", "json",
                                     "--no-cache", *args))
    demo = demo_books(folder)
    found["demo-disbursement-lines"] = json.loads(run(
        "report", "disbursement", demo, "--format", "json", "--by", "line",
        "--plan-year", "all", "--no-cache"))
    for name, args in QUARTERLY.items():
        target = folder / f"{name}.xlsx"
        run("report", "quarterly", SAMPLE, *args, "-o", target, "--no-cache")
        found[name] = workbook_cells(target)
    for name, args in AUDIT.items():
        target = folder / f"{name}.xlsx"
        run("export", "audit", SAMPLE, *args, "-o", target)
        found[name] = workbook_cells(target)
    return found


def write_all(folder: Path) -> None:
    BEFORE.mkdir(exist_ok=True)
    for name, value in snapshots(folder).items():
        text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
        (BEFORE / f"{name}.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        write_all(Path(tmp))
    sys.exit(0)
