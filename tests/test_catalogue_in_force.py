"""The catalogue the books name is the one every command reads (issue 9, §1).

Books whose budget-rule plugin line names a user catalogue (``catalogue=catalogue.toml``,
as ``mtqg init`` writes it) that adds GNBV Dự án 4 Tiểu dự án 9: a decision row for it
imports, and the disbursement report, the quarterly form, the audit
workbook and the Fava page all print its title, not "chưa có trong danh mục".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from clirun import mtqg
from openpyxl import load_workbook
from test_fava_ext import Fava
from workbooks import DA4, GNBV, decision_workbook

TITLE = "Tiểu dự án 9: Hỗ trợ thí điểm mô hình việc làm cho thanh niên"
USER_CATALOGUE = f"""
[[programs]]
code = "GNBV"
  [[programs.projects]]
  code = "DA4"
    [[programs.projects.subprojects]]
    code = "TDA9"
    title_vi = "{TITLE}"
"""


def run(*args: object) -> str:
    return mtqg(*args).output


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("in-force")
    run("init", folder / "so", "--province", "LaiChau", "--year", "2025", "--program", "GNBV")
    ledger = folder / "so" / "main.beancount"
    # mtqg init named the books' own catalogue file on the plugin line: the user adds there.
    assert 'plugin "mtqgledger.plugins.budget_rules" "catalogue=catalogue.toml,units.toml"' in \
        ledger.read_text(encoding="utf-8")
    with open(ledger.parent / "catalogue.toml", "a", encoding="utf-8") as handle:
        handle.write(USER_CATALOGUE)
    # TỔNG SỐ, I GNBV, 1 DA4, a TDA9: 12,5 triệu NSTW SN.
    rows = [[None, "TỔNG SỐ", 12.5, 0, 12.5, 0, 0], ["I", GNBV, 12.5, 0, 12.5, 0, 0],
            ["1", DA4, 12.5, 0, 12.5, 0, 0], ["a", TITLE, 12.5, 0, 12.5, 0, 0]]
    run("import", decision_workbook(folder / "qd.xlsx", rows), "--ledger", ledger)
    return ledger


def test_the_import_reads_the_books_catalogue(books: Path, tmp_path: Path) -> None:
    entries, errors, _ = loader.load_file(str(books))
    assert errors == []
    booked = [posting.units.number for entry in entries if isinstance(entry, data.Transaction)
              for posting in entry.postings
              if posting.account == "Assets:Appropriation:LaiChau:GNBV:DA4:TDA9:NSTW:SN:Y2025"]
    assert booked == [12_500_000]
    # Books that do not name the file know no Tiểu dự án 9: the same row is refused.
    run("init", tmp_path / "plain", "--province", "LaiChau", "--year", "2025")
    refused = mtqg("import", books.parent.parent / "qd.xlsx", "--ledger",
                   tmp_path / "plain" / "main.beancount", code=1)
    assert "Tiểu dự án 9" in refused.output


def test_the_disbursement_report_prints_its_title(books: Path) -> None:
    rows = json.loads(run("report", "disbursement", books, "--format", "json", "--plan-year",
                          "2025", "--no-cache"))
    (tda9,) = [row for row in rows if row["subproject"] == "TDA9" and row["source"] is None
               and row["capital"] is None and row["plan_year"] is None]
    assert tda9["title"] == TITLE and tda9["plan"] == 12_500_000
    table = run("report", "disbursement", books, "--plan-year", "2025")
    assert "chưa có trong danh mục" not in table


def test_the_quarterly_form_prints_its_title(books: Path, tmp_path: Path) -> None:
    target = tmp_path / "q.xlsx"
    run("report", "quarterly", books, "--quarter", "2025Q1", "-o", target)
    titles = [cell.value for cell in load_workbook(target)["Báo cáo quý"]["B"]]
    assert TITLE in titles


def test_the_audit_workbook_prints_its_title(books: Path, tmp_path: Path) -> None:
    target = tmp_path / "audit.xlsx"
    run("export", "audit", books, "-o", target)
    book = load_workbook(target)
    assert any(str(cell.value).startswith(TITLE) for cell in book["Giải ngân"]["K"])
    # The catalogue file that gave the title is listed with its hash, as the ledger files are.
    import hashlib

    listed = [row for row in book["Thông tin"].iter_rows(values_only=True)
              if str(row[0]).startswith("Tệp danh mục của sổ")]
    assert [(row[1], row[2]) for row in listed] == [
        (name, hashlib.sha256((books.parent / name).read_bytes()).hexdigest())
        for name in ("catalogue.toml", "units.toml")]


def test_the_fava_page_prints_its_title(books: Path) -> None:
    page = Fava(books).page("as_of=31/03/2025&year=2025")
    assert TITLE in page and "chưa có trong danh mục" not in page
