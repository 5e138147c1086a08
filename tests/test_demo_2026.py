"""The README's main job in 2026: the 2025 samples, NQ 257's extension, the 2026 samples.

New books get the 2025 documents, `mtqg extend` carries the 2025 money into 2026,
then the 2026 decision of the merged programme and the regional treasury's
statement are imported in one go. The 2026 report must equal the bundled sample
books' (ledgers/laichau/2026.beancount) for every line both hold, and the
quarterly form of 2026 must number the merged programme I / 1 / a / -.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clirun import mtqg
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "importers" / "samples"
DOCUMENTS_2025 = sorted(p for p in SAMPLES.glob("*2025.xls*") if p.suffix in (".xls", ".xlsx"))
DOCUMENTS_2026 = sorted(SAMPLES.glob("*2026.xlsx"))
SAMPLE_BOOKS = ROOT / "ledgers" / "main.beancount"
NQ257 = ["--from", "2025", "--into", "2026", "--decision", "257/2025/QH15",
         "--decision-date", "2025-12-11", "--date", "2026-01-31"]


def run(*args: object) -> str:
    return mtqg(*args).output


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("demo") / "books"
    ledger = folder / "main.beancount"
    run("init", folder, "--province", "LaiChau", "--year", "2025", "--program", "GNBV",
        "--program", "DTTS")
    run("import", *DOCUMENTS_2025, "--ledger", ledger)
    extended = run("extend", ledger, *NQ257)
    imported = run("import", *DOCUMENTS_2026, "--ledger", ledger)
    return {"ledger": ledger, "extended": extended, "imported": imported}


def lines(ledger: Path) -> dict[str, dict]:
    rows = json.loads(run("report", "disbursement", ledger, "--plan-year", "2026", "--as-of",
                          "30/11/2026", "--by", "line", "--format", "json"))
    return {"/".join(filter(None, (row["program"], row["project"], row["subproject"],
                                   row["content"], row["source"], row["capital"],
                                   str(row["plan_year"])))): row
            for row in rows if row["level"] == "line"}


def test_the_2026_documents_import_after_the_extension(demo: dict) -> None:
    assert "Đã kéo dài 101.560.000.000 đ của 7 dòng vốn năm 2025" in demo["extended"]
    out = demo["imported"]
    assert "Đã thêm 38 giao dịch" in out
    assert "tỉnh Lai Châu lấy từ sổ (Kho bạc Nhà nước khu vực IX không ghi tỉnh)" in out
    # each new "Nội dung" is noted once, with the decision's title, not again by number
    assert out.count("new catalogue item) MTQG2635/HP1/TP04/ND01") == 1
    assert "ND01: Nội dung 01: Hỗ trợ đào tạo nghề" in out


def test_the_2026_report_equals_the_sample_books(demo: dict) -> None:
    imported, bundled = lines(demo["ledger"]), lines(SAMPLE_BOOKS)
    # the bundled books also carry 2024 money (GNBV DA1) the documents never mention
    assert set(imported) == {key for key in bundled if not key.startswith("GNBV/DA1/")}
    for key, row in imported.items():
        figures = ("plan", "payments", "advances", "phase", "extended_into", "title")
        assert {name: row[name] for name in figures} == \
            {name: bundled[key][name] for name in figures}, key
    assert sum(row["plan"] for row in imported.values()) == 101_560_000_000 + 133_120_000_000


def test_the_2025_report_still_gives_the_published_ratios(demo: dict) -> None:
    rows = json.loads(run("report", "disbursement", demo["ledger"], "--plan-year", "2025",
                          "--as-of", "14/11/2025", "--format", "json"))
    ratios = {row["subproject"]: round(row["ratio"] * 100, 1) for row in rows
              if row["level"] == "subproject" and row["project"] == "DA4"
              and row["source"] is None and row["capital"] is None and row["plan_year"] is None}
    assert ratios == {"TDA1": 54.1, "TDA2": 6.9, "TDA3": 68.4}


def test_the_2026_quarterly_form(demo: dict, tmp_path: Path) -> None:
    target = tmp_path / "q3.xlsx"
    run("report", "quarterly", demo["ledger"], "--quarter", "2026Q3", "-o", target)
    sheet = load_workbook(target)["Báo cáo quý"]
    rows = [(row[0], row[1]) for row in sheet.iter_rows(min_row=12, max_col=2,
                                                         values_only=True) if row[1]]
    assert rows[1] == (None, "Trong đó: Vốn năm 2025 kéo dài sang 2026 (NQ 257/2025/QH15)")
    assert rows[2] == (None, "Trong đó: Kế hoạch năm 2026")
    merged = [number for number, title in rows if title.startswith(
        ("Chương trình mục tiêu quốc gia xây dựng", "Hợp phần", "Nội dung"))]
    assert merged == ["III", "1", "a", "-", "-", "-", "2", "a", "-", "b", "-"]
