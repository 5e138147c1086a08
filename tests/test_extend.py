"""``mtqg extend``: 2025 money carried into 2026 (NQ 257/2025/QH15), and what follows it.

Books written here: a DTPT and an SN line of 2025 with payments and an advance,
then the extension on 31/01/2026, then 2026 treasury statements that pay the
extended money, settle the 2025 advance, and pay too late in January 2027.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from beancount import loader
from booktext import HEADER, advance, allocate, opens, pay
from clirun import mtqg as run
from clirun import snapshot
from test_treasury import HEADER as STATEMENT_HEADER
from test_treasury import movement, statement

from mtqgledger.figures.disbursement import disbursement_report
from mtqgledger.figures.movements import movements
from mtqgledger.ingest.extend import ExtensionOrder, extend
from mtqgledger.ingest.writing import ImportFailed
from mtqgledger.model.catalogue_files import load_catalogue

D = datetime.date
SN = "LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2025"
DTPT = "LaiChau:GNBV:DA4:TDA3:NSTW:DTPT:Y2025"
NTM = "LaiChau:NTM:ND04:NSDP:SN:Y2025"
# Above 10^13 đồng: exact to the last đồng.
SN_PLAN, SN_PAID, SN_ADVANCED = 12_345_678_901_234_567, 1_000_000_000_001, 2_000_000_000_003
DTPT_PLAN, DTPT_PAID = 900_000_000, 899_999_999
NTM_PLAN = 50_000_000
NQ257 = ["--from", "2025", "--into", "2026", "--decision", "257/2025/QH15",
         "--decision-date", "2025-12-11", "--date", "2026-01-31"]


@pytest.fixture
def books(tmp_path: Path) -> Path:
    folder = tmp_path / "so"
    folder.mkdir()
    main_file = folder / "main.beancount"
    main_file.write_text(
        HEADER + opens(SN, DTPT, NTM, day="2025-01-01")
        + allocate("2025-01-15", SN, SN_PLAN) + allocate("2025-01-15", DTPT, DTPT_PLAN)
        + allocate("2025-01-15", NTM, NTM_PLAN)
        + pay("2025-06-02", SN, SN_PAID) + advance("2025-09-09", SN, SN_ADVANCED)
        + pay("2025-12-30", DTPT, DTPT_PAID)
        # January of the next year: the treasury's chỉnh lý month pays 2025's work
        + pay("2026-01-20", SN, 7), encoding="utf-8")
    return main_file


def entries_of(ledger: Path):
    entries, errors, _ = loader.load_file(str(ledger))
    assert errors == [], errors
    return entries


def test_extension_moves_what_remains_at_the_end_of_the_day(books: Path) -> None:
    result = run("extend", books, *NQ257)
    entries = entries_of(books)
    extensions = [e for e in entries if getattr(e, "meta", {}).get("kind") == "keo-dai"]
    moved = {posting.account: int(posting.units.number) for entry in extensions
             for posting in entry.postings if posting.account.startswith("Assets:Appropriation")
             and posting.units.number > 0}
    # plan − payments (including the chỉnh lý payment of 20/01/2026) − outstanding advance
    assert moved == {
        f"Assets:Appropriation:{SN}:K2026": SN_PLAN - SN_PAID - 7 - SN_ADVANCED,
        f"Assets:Appropriation:{DTPT}:K2026": 1,
        f"Assets:Appropriation:{NTM}:K2026": NTM_PLAN}
    for entry in extensions:
        assert entry.date == D(2026, 1, 31)
        assert entry.meta["decision"] == "257/2025/QH15"
        assert entry.meta["decision_date"] == D(2025, 12, 11)
        assert entry.meta["extend_to"] == D(2026, 12, 31)
        assert "NQ 257/2025/QH15" in entry.narration
        assert entry.payee == "UBND tỉnh Lai Châu"
    assert "Đã kéo dài" in result.output and "31/12/2026" in result.output
    # The 2025 line keeps the outstanding advance, to be settled there.
    table, problems = movements(entries)
    assert problems == []
    report = disbursement_report(table, load_catalogue(), as_of=D(2026, 1, 31),
                                 budget_year=None, by="line")
    sn_2025 = next(row for row in report.rows if row.level == "line"
                   and row.line.name() == SN)
    assert (sn_2025.advances, sn_2025.remaining) == (SN_ADVANCED, 0)


def test_a_second_run_adds_nothing(books: Path) -> None:
    run("extend", books, *NQ257)
    before = snapshot(books.parent)
    result = run("extend", books, *NQ257)
    assert "không thêm gì" in result.output
    assert snapshot(books.parent) == before


def test_program_province_and_until_narrow_the_extension(books: Path) -> None:
    run("extend", books, *NQ257, "--program", "GNBV", "--until", "30/06/2026",
        "--province", "LaiChau")
    extensions = [e for e in entries_of(books) if getattr(e, "meta", {}).get("kind") == "keo-dai"]
    assert {e.meta["extend_to"] for e in extensions} == {D(2026, 6, 30)}
    assert not any(":NTM:" in p.account for e in extensions for p in e.postings)
    # NTM's turn comes later, by its own decision: the first run did not touch it.
    run("extend", books, *NQ257, "--program", "NTM")
    ntm = [e for e in entries_of(books) if getattr(e, "meta", {}).get("kind") == "keo-dai"
           and any(":NTM:" in p.account for p in e.postings)]
    assert len(ntm) == 1


def test_dry_run_prints_and_writes_nothing(books: Path) -> None:
    before = snapshot(books.parent)
    result = run("extend", books, *NQ257, "--dry-run")
    assert "Sẽ kéo dài" in result.output and 'kind: "keo-dai"' in result.output
    assert snapshot(books.parent) == before


@pytest.mark.parametrize("change, expected", [
    (["--into", "2025"], "phải sau --from"),
    (["--decision-date", "2026-02-01"], "trước ngày quyết định"),
    (["--until", "2026-01-30"], "trước --date"),
    (["--program", "GNBX"], "không có chương trình GNBX"),
    (["--province", "Atlantis"], "không có tỉnh Atlantis"),
])
def test_a_bad_order_is_refused_and_changes_nothing(books: Path, change, expected) -> None:
    before = snapshot(books.parent)
    result = run("extend", books, *NQ257, *change, code=1)
    assert expected in result.output
    assert snapshot(books.parent) == before


def test_books_with_errors_are_refused(books: Path) -> None:
    books.write_text(books.read_text(encoding="utf-8") + pay("2025-07-01", NTM, NTM_PLAN + 1),
                     encoding="utf-8")
    before = snapshot(books.parent)
    with pytest.raises(ImportFailed, match="sổ đang có"):
        extend(books, ExtensionOrder(2025, 2026, "257/2025/QH15", D(2025, 12, 11),
                                     D(2026, 1, 31)))
    assert snapshot(books.parent) == before


def test_report_for_2026_shows_the_extended_money_apart(books: Path) -> None:
    run("extend", books, *NQ257)
    shown = run("report", "disbursement", books, "--plan-year", "2026", "--as-of",
                "2026-11-30").output
    assert "Vốn năm 2025 kéo dài sang 2026 (NQ 257/2025/QH15)" in shown
    rows = json.loads(run("report", "disbursement", books, "--plan-year", "2026",
                          "--as-of", "2026-11-30", "--format", "json").output)
    part = next(row for row in rows if row["level"] == "total" and row["plan_year"] == 2025)
    assert part["title"] == "Vốn năm 2025 kéo dài sang 2026 (NQ 257/2025/QH15)"
    assert part["plan"] == SN_PLAN - SN_PAID - 7 - SN_ADVANCED + 1 + NTM_PLAN


# --- the treasury after the extension ----------------------------------------------

TITLE_2026 = [["KHO BẠC NHÀ NƯỚC LAI CHÂU"], ["BẢNG KÊ CHỨNG TỪ THANH TOÁN VỐN CTMTQG"],
              ["Năm 2026"], ["Đơn vị: đồng"]]
HEADER_WITH_YEAR = [*STATEMENT_HEADER[:-1], "Năm KH", "Số tiền"]


def row(day: datetime.date, voucher: str, kind: str, amount: int, year: int,
        sub: str = "Tiểu dự án 1") -> list:
    return [*movement(day, voucher, sub, kind, amount)[:-1], year, amount]


def test_2026_movements_of_2025_money_find_their_segment(books: Path, tmp_path: Path) -> None:
    run("extend", books, *NQ257)
    path = statement(tmp_path, [
        row(D(2026, 3, 2), "KB-26-1", "Thanh toán", 5_000_000_000, 2025),
        row(D(2026, 3, 3), "KB-26-2", "Thu hồi tạm ứng", SN_ADVANCED, 2025),
    ], title=TITLE_2026, header=HEADER_WITH_YEAR)
    run("import", path, "--ledger", books)
    by_voucher = {e.meta["voucher"]: e for e in entries_of(books)
                  if "voucher" in getattr(e, "meta", {})}
    paid = {p.account: int(p.units.number) for p in by_voucher["KB-26-1"].postings}
    assert paid == {f"Expenses:Disbursed:{SN}:K2026": 5_000_000_000,
                    f"Assets:Appropriation:{SN}:K2026": -5_000_000_000}
    settled = {p.account: int(p.units.number) for p in by_voucher["KB-26-2"].postings}
    assert settled == {f"Expenses:Disbursed:{SN}": SN_ADVANCED,
                       f"Assets:Advance:{SN}": -SN_ADVANCED}


def test_a_payment_of_2025_money_in_january_2027_is_refused(books: Path,
                                                             tmp_path: Path) -> None:
    run("extend", books, *NQ257)
    before = snapshot(books.parent)
    path = statement(tmp_path, [row(D(2027, 1, 5), "KB-27-1", "Thanh toán", 1_000, 2025)],
                     title=[["KHO BẠC NHÀ NƯỚC LAI CHÂU"], ["BẢNG KÊ CHỨNG TỪ"], ["Năm 2027"]],
                     header=HEADER_WITH_YEAR)
    result = run("import", path, "--ledger", books, code=1)
    assert f"{SN}:K2026" in result.output and "31/12/2026" in result.output
    assert snapshot(books.parent) == before


def test_2025_money_paid_in_2026_without_an_extension_is_refused_with_the_way_out(
        books: Path, tmp_path: Path) -> None:
    before = snapshot(books.parent)
    path = statement(tmp_path, [row(D(2026, 3, 2), "KB-26-1", "Thanh toán", 1_000, 2025)],
                     title=TITLE_2026, header=HEADER_WITH_YEAR)
    result = run("import", path, "--ledger", books, code=1)
    assert "31/01/2026" in result.output and "mtqg extend" in result.output
    assert snapshot(books.parent) == before


OLD = "LaiChau:GNBV:DA1:TDA1:NSTW:DTPT:Y2024"


def test_2024_money_already_carried_into_2025_is_carried_on(tmp_path: Path) -> None:
    """NQ 257 covers 2025 money 'including earlier money already carried into 2025': the
    K2025 segment's remainder moves on to K2026; an advance made on K2025 is settled
    there in 2026, not on the 2024 line."""
    from booktext import extend as extend_text

    ledger = tmp_path / "main.beancount"
    ledger.write_text(
        HEADER + opens(OLD, f"{OLD}:K2025")
        + allocate("2024-02-01", OLD, 1_000_000_000)
        + pay("2024-10-01", OLD, 400_000_000)
        + extend_text("2025-02-20", OLD, 2025, 600_000_000, extend_to="2025-12-31")
        + advance("2025-06-01", f"{OLD}:K2025", 250_000_000)
        + pay("2025-07-01", f"{OLD}:K2025", 50_000_000), encoding="utf-8")
    run("extend", ledger, *NQ257)
    moved = {p.account: int(p.units.number) for e in entries_of(ledger)
             if getattr(e, "meta", {}).get("decision") == "257/2025/QH15" for p in e.postings}
    assert moved[f"Assets:Appropriation:{OLD}:K2026"] == 600_000_000 - 250_000_000 - 50_000_000
    assert moved[f"Assets:Appropriation:{OLD}:K2025"] == -300_000_000
    def old_row(day: datetime.date, voucher: str, kind: str, amount: int) -> list:
        return [*movement(day, voucher, "Tiểu dự án 1", kind, amount, project="Dự án 1",
                          capital="Vốn ĐTPT")[:-1], 2024, amount]

    path = statement(tmp_path, [
        old_row(D(2026, 4, 1), "KB-26-9", "Thu hồi tạm ứng", 250_000_000),
        old_row(D(2026, 4, 2), "KB-26-10", "Thanh toán", 300_000_000),
    ], title=TITLE_2026, header=HEADER_WITH_YEAR)
    run("import", path, "--ledger", ledger)
    by_voucher = {e.meta["voucher"]: e for e in entries_of(ledger)
                  if "voucher" in getattr(e, "meta", {})}
    assert {p.account for p in by_voucher["KB-26-9"].postings} == {
        f"Expenses:Disbursed:{OLD}:K2025", f"Assets:Advance:{OLD}:K2025"}
    assert {p.account for p in by_voucher["KB-26-10"].postings} == {
        f"Expenses:Disbursed:{OLD}:K2026", f"Assets:Appropriation:{OLD}:K2026"}
