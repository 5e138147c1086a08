"""A regional treasury's 2026 statement mixing the two kinds of money a province keeps.

2026 money of the 2026–2035 programme, and 2025 money of GNBV and DTTS carried into
2026 by `mtqg extend` (NQ 257/2025/QH15, until 31/12/2026): payments of the 2025 money
land on its K2026 segment, settlements of 2025 advances on the 2025 line, and the
disbursement report's totals add up to the đồng, above 10^13 đồng.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from booktext import advance, allocate, opens, pay
from clirun import mtqg as run
from clirun import snapshot
from test_regional_treasury import (
    ND01,
    PLAN,
    REGION_TITLE,
    D,
    append,
    booked,
    new_books,
    paid_on,
    statement,
    voucher,
)

GNBV = "LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2025"
DTTS = "LaiChau:DTTS:DA5:TDA3:NSTW:SN:Y2025"
WORKS = "LaiChau:MTQG2635:HP2:TP01:NSTW:DTPT:Y2026"
GNBV_PLAN, GNBV_PAID, GNBV_ADVANCED = 12_345_678_901_234, 345_678_901_234, 2_000_000_000
DTTS_PLAN, WORKS_PLAN = 800_000_000, 40_000_000_000
BIG = 10_000_000_000_007  # above 10^13 đồng, written "10.000.000.000.007" in its cell
NQ257 = ["--from", "2025", "--into", "2026", "--decision", "257/2025/QH15",
         "--decision-date", "2025-12-11", "--date", "2026-01-31"]
TITLE = (*REGION_TITLE[:4], "Từ ngày 01/03/2026 đến ngày 31/03/2026", "Đơn vị tính: đồng")
FIELDS = ("plan", "payments", "advances", "disbursed", "remaining")


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    """Lai Châu's books: 2026 money of MTQG2635; 2025 money of GNBV (an advance still out)
    and of DTTS, extended into 2026 on 31/01/2026."""
    ledger = new_books(tmp_path / "so")
    append(ledger, opens(GNBV, DTTS, day="2025-01-01")
           + allocate("2025-01-15", GNBV, GNBV_PLAN, "35/QĐ-UBND")
           + allocate("2025-01-15", DTTS, DTTS_PLAN, "35/QĐ-UBND")
           + advance("2025-09-09", GNBV, GNBV_ADVANCED) + pay("2025-10-10", GNBV, GNBV_PAID)
           + allocate("2026-02-10", WORKS, WORKS_PLAN, "125/QĐ-UBND"))
    run("extend", ledger, *NQ257)
    return ledger


def old(number: int, kind: str, amount: object, **cells: object) -> dict[str, object]:
    """A movement of GNBV's 2025 money, written as the treasury writes it."""
    return voucher(number, kind, amount, **{
        "program": "CTMTQG Giảm nghèo bền vững", "project": "Dự án 4", "sub": "Tiểu dự án 1",
        "content": None, "year": 2025, "unit": "UBND phường Tân Phong", "code": "1123456",
        "text": "Chi hỗ trợ đào tạo nghề (vốn năm 2025 kéo dài)"} | cells)


def mixed_rows() -> list[dict[str, object]]:
    works = {"project": "Hợp phần thứ hai", "sub": "Nội dung thành phần 1", "content": None,
             "capital": "Vốn ĐTPT", "code": "7701234", "text": "Đường giao thông bản Pa Cheo",
             "unit": "Ban Quản lý dự án đầu tư xây dựng tỉnh Lai Châu"}
    return [
        old(1, "Thanh toán", "10.000.000.000.007"),
        old(2, "Thu hồi tạm ứng", GNBV_ADVANCED, program="GNBV", project="DA4", sub="TDA1"),
        voucher(3, "Thanh toán", 2_345_678_901),
        voucher(4, "Tạm ứng", 12_000_000_000, **works),
        old(5, "Thanh toán", 300_000_000, program="DTTS và miền núi", project="Dự án 5",
            sub="Tiểu dự án 3"),
        old(6, "Tạm ứng", 900_000_000_000),
        old(7, "Thanh toán tạm ứng", 400_000_000_000),
        voucher(8, "Nộp trả (giảm chi)", 45_678_901, text="Nộp trả kinh phí chi sai chế độ"),
        voucher(9, "Thu hồi tạm ứng", 5_000_000_000, **works),
        old(10, "Thanh toán", 100_000_000, program="Chương trình MTQG 1719",
            project="Dự án 5.3", sub=None, year="Năm 2025", unit="UBND xã Phong Thổ"),
    ]


def moved(debit: str, credit: str, line: str, amount: int) -> dict[str, int]:
    return {f"{debit}:{line}": amount, f"{credit}:{line}": -amount}


def test_each_kind_of_money_lands_on_its_segment(ledger: Path, tmp_path: Path) -> None:
    path = statement(tmp_path, mixed_rows(), title=TITLE)
    shown = run("import", path, "--ledger", ledger).output
    assert "Đã thêm 10 giao dịch" in shown and "tỉnh Lai Châu lấy từ sổ" in shown
    gnbv, dtts = f"{GNBV}:K2026", f"{DTTS}:K2026"
    assert booked(ledger) == {
        "KV9-PGD3-00001": paid_on(gnbv, BIG),  # extended money is paid from its segment
        # the 2025 advance was not moved by the extension: it is settled on the 2025 line
        "KV9-PGD3-00002": moved("Expenses:Disbursed", "Assets:Advance", GNBV, GNBV_ADVANCED),
        "KV9-PGD3-00003": paid_on(ND01, 2_345_678_901),
        "KV9-PGD3-00004": moved("Assets:Advance", "Assets:Appropriation", WORKS,
                                12_000_000_000),
        "KV9-PGD3-00005": paid_on(dtts, 300_000_000),
        # an advance of extended money in 2026 is out on the segment, and settled there
        "KV9-PGD3-00006": moved("Assets:Advance", "Assets:Appropriation", gnbv,
                                900_000_000_000),
        "KV9-PGD3-00007": moved("Expenses:Disbursed", "Assets:Advance", gnbv, 400_000_000_000),
        "KV9-PGD3-00008": moved("Assets:Appropriation", "Expenses:Disbursed", ND01, 45_678_901),
        "KV9-PGD3-00009": moved("Expenses:Disbursed", "Assets:Advance", WORKS, 5_000_000_000),
        "KV9-PGD3-00010": paid_on(dtts, 100_000_000),
    }


def figures(**values: int) -> dict[str, int]:
    return values | {"disbursed": values["payments"] + values["advances"],
                     "remaining": values["plan"] - values["payments"] - values["advances"]}


def test_the_report_adds_up_to_the_dong(ledger: Path, tmp_path: Path) -> None:
    run("import", statement(tmp_path, mixed_rows(), title=TITLE), "--ledger", ledger)
    rows = json.loads(run("report", "disbursement", ledger, "--plan-year", "2026", "--as-of",
                          "2026-11-30", "--format", "json").output)
    totals = {(row["title"], row["plan_year"]): {key: row[key] for key in FIELDS}
              for row in rows if row["level"] == "total" and row["capital"] is None
              and row["source"] is None}
    extended = figures(plan=GNBV_PLAN - GNBV_PAID - GNBV_ADVANCED + DTTS_PLAN,
                       payments=BIG + 300_000_000 + 100_000_000 + 400_000_000_000,
                       advances=900_000_000_000 - 400_000_000_000)
    current = figures(plan=PLAN + WORKS_PLAN,
                      payments=2_345_678_901 - 45_678_901 + 5_000_000_000,
                      advances=12_000_000_000 - 5_000_000_000)
    assert totals == {
        ("Tổng số", None): {key: extended[key] + current[key] for key in FIELDS},
        ("Vốn năm 2025 kéo dài sang 2026 (NQ 257/2025/QH15)", 2025): extended,
        ("Kế hoạch năm 2026", 2026): current}
    assert extended == {"plan": 11_998_800_000_000, "payments": 10_400_400_000_007,
                        "advances": 500_000_000_000, "disbursed": 10_900_400_000_007,
                        "remaining": 1_098_399_999_993}
    programs = {row["program"]: row["plan"] for row in rows
                if row["level"] == "program" and row["title"].startswith("Chương trình")}
    assert programs == {"GNBV": GNBV_PLAN - GNBV_PAID - GNBV_ADVANCED, "DTTS": DTTS_PLAN,
                        "MTQG2635": PLAN + WORKS_PLAN}
    for key in FIELDS:  # the capital-type and source rows of the total add up as well
        assert sum(row[key] for row in rows if row["level"] == "total"
                   and row["capital"] is not None) == totals[("Tổng số", None)][key]


def test_a_dry_run_prints_the_entries_and_writes_nothing(ledger: Path, tmp_path: Path) -> None:
    before = snapshot(ledger.parent)
    shown = run("import", statement(tmp_path, mixed_rows(), title=TITLE), "--ledger", ledger,
                "--dry-run").output
    assert "Sẽ thêm 10 giao dịch" in shown and "bỏ qua 0 đã có trong sổ" in shown
    assert f"Expenses:Disbursed:{GNBV}:K2026" in shown and "10000000000007 VND" in shown
    assert snapshot(ledger.parent) == before


def test_a_second_import_of_the_statement_adds_nothing(ledger: Path, tmp_path: Path) -> None:
    path = statement(tmp_path, mixed_rows(), title=TITLE)
    run("import", path, "--ledger", ledger)
    after = snapshot(ledger.parent)
    shown = run("import", path, "--ledger", ledger).output
    assert "Đã thêm 0 giao dịch" in shown and "bỏ qua 10 đã có trong sổ" in shown
    assert snapshot(ledger.parent) == after


@pytest.mark.parametrize("files", [1, 2])
def test_rows_out_of_date_order_settle_where_the_advance_is(ledger: Path, tmp_path: Path,
                                                             files: int) -> None:
    # An April advance of extended money listed (or imported) before the March settlement
    # of the 2025 advance: a statement grouped by unit, or March's statement arriving late.
    april = old(1, "Tạm ứng", 900_000_000_000, day=D(2026, 4, 2), voucher="KV9-T04-0001")
    march = old(2, "Thu hồi tạm ứng", GNBV_ADVANCED, day=D(2026, 3, 2), voucher="KV9-T03-0001")
    if files == 1:
        run("import", statement(tmp_path, [april, march], title=TITLE), "--ledger", ledger)
    else:
        for number, row in enumerate((april, march)):
            path = statement(tmp_path, [row], title=TITLE, name=f"bang-ke-{number}.xlsx")
            run("import", path, "--ledger", ledger)
    assert booked(ledger) == {
        "KV9-T04-0001": moved("Assets:Advance", "Assets:Appropriation", f"{GNBV}:K2026",
                              900_000_000_000),
        "KV9-T03-0001": moved("Expenses:Disbursed", "Assets:Advance", GNBV, GNBV_ADVANCED)}


@pytest.mark.parametrize("day, program, project, sub", [
    (D(2027, 1, 5), "CTMTQG Giảm nghèo bền vững", "Dự án 4", "Tiểu dự án 1"),
    (D(2027, 1, 1), "DTTS và miền núi", "Dự án 5", "Tiểu dự án 3"),
])
def test_2025_money_paid_in_2027_is_refused(ledger: Path, tmp_path: Path, day, program,
                                            project, sub) -> None:
    before = snapshot(ledger.parent)
    cells = {"program": program, "project": project, "sub": sub}
    rows = [old(1, "Thanh toán", 2_000_000, **cells),  # in time: March 2026
            old(2, "Thanh toán", 1_000_000, day=day, **cells)]
    path = statement(tmp_path, rows, title=(*REGION_TITLE[:4], "Tháng 01 năm 2027"),
                     name="KBNN-KV9-PGD3-T01-2027.xlsx")
    result = run("import", path, "--ledger", ledger, code=1)
    assert f"{path.name}:8:" in result.output  # the file and the row of the late payment
    assert f"giải ngân ngày {day:%d/%m/%Y} quá hạn" in result.output
    assert "hạn kéo dài đến 31/12/2026" in result.output
    assert snapshot(ledger.parent) == before


def test_2025_money_paid_on_31_december_2026_is_accepted(ledger: Path, tmp_path: Path) -> None:
    path = statement(tmp_path, [old(1, "Thanh toán", BIG, day=D(2026, 12, 31))],
                     title=(*REGION_TITLE[:4], "Tháng 12 năm 2026"))
    run("import", path, "--ledger", ledger)
    assert booked(ledger) == {"KV9-PGD3-00001": paid_on(f"{GNBV}:K2026", BIG)}
