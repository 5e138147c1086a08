"""The auditor's workbook (``mtqg export audit``), read back with openpyxl."""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import zipfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data, realization
from booktext import HEADER, TDA1_SN, TDA2_SN, advance, allocate, load, opens, pay
from click.testing import CliRunner
from openpyxl import load_workbook
from system import recalculate

from mtqgledger.cli import main
from mtqgledger.figures.disbursement import disbursement_report
from mtqgledger.figures.movements import movements
from mtqgledger.model.catalogue_files import load_catalogue
from mtqgledger.outputs import audit
from mtqgledger.outputs.xlsx_rows import Column, Formula, Sheet, write_workbook

SAMPLE = Path(__file__).resolve().parents[1] / "ledgers" / "main.beancount"
AS_OF = datetime.date(2025, 11, 14)  # the day of the published figures the sample reproduces
SHEETS = ["Thông tin", "Nhật ký", "Cân đối", "Giải ngân", "Đối chiếu", "Cảnh báo"]
# Published for 14/11/2025 (README, tests/test_disbursement.py): GNBV DA4 TDA1, plan year 2025.
TDA1_PLAN, TDA1_DISBURSED = 177_215_000_000, 95_900_000_000


@pytest.fixture(scope="module")
def sample():
    entries, errors, options_map = loader.load_file(str(SAMPLE))
    assert errors == []
    return entries, errors, options_map


def build(books, path: Path | None = None, **options):
    """Write the workbook of (entries, errors, options_map) and open it with openpyxl."""
    target = io.BytesIO() if path is None else path
    options.setdefault("catalogue", load_catalogue())
    audit.write_audit_workbook(*books, target, **options)
    return load_workbook(target)


@pytest.fixture(scope="module")
def sample_book(sample, tmp_path_factory):
    path = tmp_path_factory.mktemp("audit") / "audit.xlsx"
    return build(sample, path, until=AS_OF, ledger=SAMPLE)


def records(sheet) -> list[dict[str, object]]:
    """Data rows as {heading: value}, up to the first blank row (totals come after it)."""
    header = [cell.value for cell in sheet[1]]
    found = []
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if all(value is None for value in row):
            break
        found.append(dict(zip(header, row, strict=True)))
    return found


def label(heading: object) -> str:
    """A heading without its English gloss: 'Số tiền (đồng)' -> 'Số tiền'."""
    return str(heading).split(" (")[0]


def column(sheet, heading: str) -> int:
    """1-based index of the column headed ``heading`` (English gloss left out)."""
    (index,) = [cell.column for cell in sheet[1] if label(cell.value) == heading]
    return index


def value(record: dict[str, object], heading: str) -> object:
    (found,) = [v for key, v in record.items() if label(key) == heading]
    return found


def line_number(text: str, first_line: str) -> int:
    """1-based line of ``first_line`` in the books text (what Beancount reports as lineno)."""
    return text.splitlines().index(first_line) + 1


def postings_in(entries, since=None, until=None) -> list[data.Posting]:
    return [posting for entry in entries if isinstance(entry, data.Transaction)
            and (since is None or entry.date >= since) and (until is None or entry.date <= until)
            for posting in entry.postings]


# ------------------------------------------------------------------ layout


def test_sheets_headings_filters_and_frozen_headers(sample_book):
    assert sample_book.sheetnames == SHEETS
    for sheet in sample_book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        last = sheet.cell(1, sheet.max_column).column_letter
        assert sheet.auto_filter.ref.startswith("A1:") and sheet.auto_filter.ref.split(":")[1] \
            .startswith(last), sheet.title
        assert all(cell.value and cell.font.b for cell in sheet[1]), sheet.title
        assert all(sheet.column_dimensions[cell.column_letter].width >= 5 for cell in sheet[1])
    journal = sample_book["Nhật ký"]
    for heading in ("Ngày", "Cờ", "Diễn giải", "Tài khoản", "Nội dung dòng vốn", "Số tiền",
                    "Tiền tệ", "Số quyết định", "Ngày quyết định", "Chứng từ kho bạc",
                    "Tệp nguồn", "Sheet", "Dòng nguồn", "Sổ: tệp:dòng", "Khác"):
        column(journal, heading)
    for heading in ("Số dư đầu kỳ", "Phát sinh Nợ", "Phát sinh Có", "Số dư cuối kỳ"):
        column(sample_book["Cân đối"], heading)


def test_number_and_date_formats(sample_book):
    journal = sample_book["Nhật ký"]
    amount = journal.cell(2, column(journal, "Số tiền"))
    day = journal.cell(2, column(journal, "Ngày"))
    assert amount.number_format == "#,##0" and isinstance(amount.value, int)
    assert day.is_date and day.number_format == "dd/mm/yyyy"
    lines = sample_book["Giải ngân"]
    assert lines.cell(2, column(lines, "Kế hoạch")).number_format == "#,##0"
    assert lines.cell(2, column(lines, "Tỷ lệ GN")).number_format == "0.0%"
    trial = sample_book["Cân đối"]
    assert trial.cell(2, column(trial, "Số dư cuối kỳ")).number_format == "#,##0"


def test_information_sheet(sample_book, sample):
    rows = list(sample_book["Thông tin"].iter_rows(min_row=2, values_only=True))
    info = {row[0]: row[1:] for row in rows}
    files = [row[1:] for row in rows if row[0].startswith("Tệp sổ")]
    included = sample[2]["include"]
    assert len(files) == len(included) == 5
    for (name, digest), path in zip(files, included, strict=True):
        assert Path(path).name == Path(name).name
        assert digest == hashlib.sha256(Path(path).read_bytes()).hexdigest()
    by_label = {label.split(" (")[0]: values[0] for label, values in info.items()}
    assert by_label["Sổ"] == str(SAMPLE)
    assert by_label["Đến ngày"] == "14/11/2025"
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", by_label["Thời điểm lập"])
    for package in ("mtqgledger", "beancount", "fava", "openpyxl", "python"):
        assert by_label[package]
    assert by_label["Số bút toán trong kỳ = số dòng Nhật ký"] == \
        len(postings_in(sample[0], until=AS_OF))
    assert by_label["Số lỗi khi nạp sổ = số dòng Cảnh báo"] == 0


# ------------------------------------------------------------------ Nhật ký


def test_journal_has_each_posting_once_and_each_transaction_balances(sample_book, sample):
    rows = records(sample_book["Nhật ký"])
    expected = postings_in(sample[0], until=AS_OF)
    assert len(rows) == len(expected) > 50
    assert [(value(r, "Tài khoản"), value(r, "Số tiền")) for r in rows] == \
        [(p.account, int(p.units.number)) for p in expected]
    sums: dict[str, int] = defaultdict(int)
    for row in rows:
        sums[value(row, "Sổ: tệp:dòng")] += value(row, "Số tiền")
    assert len(sums) == len({id(e) for e in sample[0] if isinstance(e, data.Transaction)
                             and e.date <= AS_OF})
    assert set(sums.values()) == {0}
    titled = [r for r in rows if value(r, "Tài khoản").endswith(TDA1_SN)]
    assert titled and all(value(r, "Nội dung dòng vốn").startswith("Tiểu dự án 1") and
                          "KH 2025" in value(r, "Nội dung dòng vốn") for r in titled)


ACCOUNT_LINE = "2025-01-01 open Equity:Opening VND"
DECISION_HEAD = '2025-03-01 * "UBND tỉnh Lai Châu" "Giao kế hoạch vốn theo phụ lục"'
VOUCHER_HEAD = '2025-03-05 * "Trung tâm DVVL" "Tạm ứng & thanh toán <đợt 1>"'
PROVENANCE = f"""{DECISION_HEAD}
  decision: "77/QĐ-UBND"
  decision_date: 2025-02-28
  kind: "giao"
  source_file: "QD77.xlsx"
  sheet: "PL01"
  row: 14
  Assets:Appropriation:{TDA1_SN}  5000000000 VND
  Income:Allocated:{TDA1_SN}  -5000000000 VND

{VOUCHER_HEAD}
  voucher: "KBLC-25-00042"
  kind: "tam-ung"
  source_file: "bang-ke-kbnn.xlsx"
  sheet: "Sheet1"
  row: 7
  unit_code: "1234567"
  Assets:Advance:{TDA1_SN}  300000000 VND
    note: "đợt 1"
  Assets:Appropriation:{TDA1_SN}  -300000000 VND
  Equity:Opening  0 VND
"""


def test_a_postings_decision_voucher_and_source_columns():
    books = load(opens(TDA1_SN), ACCOUNT_LINE, PROVENANCE)
    assert books[1] == []
    text = HEADER + "\n".join([opens(TDA1_SN), ACCOUNT_LINE, PROVENANCE])
    rows = records(build(books)["Nhật ký"])
    decision = next(r for r in rows if value(r, "Tài khoản") == f"Income:Allocated:{TDA1_SN}")
    assert value(decision, "Số quyết định") == "77/QĐ-UBND"
    assert value(decision, "Ngày quyết định") == datetime.datetime(2025, 2, 28)
    assert value(decision, "Chứng từ kho bạc") is None
    assert (value(decision, "Tệp nguồn"), value(decision, "Sheet"),
            value(decision, "Dòng nguồn")) == ("QD77.xlsx", "PL01", 14)
    assert value(decision, "Sổ: tệp:dòng") == f"<string>:{line_number(text, DECISION_HEAD)}"
    assert value(decision, "Khác") == "kind=giao"
    advanced = next(r for r in rows if value(r, "Tài khoản") == f"Assets:Advance:{TDA1_SN}")
    assert value(advanced, "Ngày") == datetime.datetime(2025, 3, 5)
    assert value(advanced, "Diễn giải") == "Tạm ứng & thanh toán <đợt 1>"
    assert value(advanced, "Đơn vị") == "Trung tâm DVVL"
    assert value(advanced, "Chứng từ kho bạc") == "KBLC-25-00042"
    assert value(advanced, "Số quyết định") is None
    assert (value(advanced, "Tệp nguồn"), value(advanced, "Sheet"),
            value(advanced, "Dòng nguồn")) == ("bang-ke-kbnn.xlsx", "Sheet1", 7)
    assert value(advanced, "Sổ: tệp:dòng") == f"<string>:{line_number(text, VOUCHER_HEAD)}"
    # The spending unit (here the payee of a voucher without a unit) and its code.
    assert (value(advanced, "Đơn vị sử dụng vốn"), value(advanced, "Mã ĐVQHNS")) == \
        ("Trung tâm DVVL", "1234567")
    # Entry metadata without a column of its own, then the posting's own metadata.
    assert value(advanced, "Khác") == 'kind=tam-ung; note=đợt 1'
    outside = next(r for r in rows if value(r, "Tài khoản") == "Equity:Opening")
    assert not value(outside, "Nội dung dòng vốn") and value(outside, "Số tiền") == 0


def test_the_period_limits_journal_and_trial_balance(sample):
    since, until = datetime.date(2025, 1, 1), datetime.date(2025, 6, 30)
    book = build(sample, since=since, until=until)
    rows = records(book["Nhật ký"])
    days = {value(r, "Ngày").date() for r in rows}
    assert days and min(days) >= since and max(days) <= until
    assert len(rows) == len(postings_in(sample[0], since, until))
    assert len(rows) < len(postings_in(sample[0]))
    opening = [value(r, "Số dư đầu kỳ") for r in records(book["Cân đối"])]
    assert any(opening), "2024 money must show as opening balances of 2025"


# ------------------------------------------------------------------ Cân đối


def beancount_balances(entries, before: datetime.date | None) -> dict[str, int]:
    """Each account's own VND balance from Beancount's realization (dated < before)."""
    kept = [e for e in entries if before is None or e.date < before]
    root = realization.realize(kept)
    return {real.account: int(real.balance.get_currency_units("VND").number)
            for real in realization.iter_children(root) if not real.balance.is_empty()}


@pytest.mark.parametrize("period", [(None, AS_OF), (datetime.date(2025, 2, 20), AS_OF),
                                    (None, None)])
def test_trial_balance_adds_up_to_beancounts_balances(sample, period):
    since, until = period
    trial = build(sample, since=since, until=until)["Cân đối"]
    rows = records(trial)
    closing_day = until + datetime.timedelta(days=1) if until else None
    closing = beancount_balances(sample[0], closing_day)
    opening = beancount_balances(sample[0], since) if since else {}
    assert {value(r, "Tài khoản") for r in rows} >= set(closing)
    for row in rows:
        account = value(row, "Tài khoản")
        first, debits, credits, last = (value(row, h) for h in (
            "Số dư đầu kỳ", "Phát sinh Nợ", "Phát sinh Có", "Số dư cuối kỳ"))
        assert first + debits - credits == last, account
        assert debits >= 0 and credits >= 0
        assert last == closing.get(account, 0) and first == opening.get(account, 0), account
    total = next(r for r in trial.iter_rows(min_row=len(rows) + 2, values_only=True) if any(r))
    assert total[0].startswith("Tổng cộng VND")
    assert total[3:] == tuple(f"=SUM({c}2:{c}{len(rows) + 1})" for c in "DEFG")


# ------------------------------------------------------------------ Giải ngân


def report_lines(entries, until):
    report = disbursement_report(movements(entries)[0], load_catalogue(), as_of=until,
                                 budget_year=None, by="line")
    return report, [row for row in report.rows if row.level == "line"]


def test_disbursement_values_come_from_the_report_and_the_rest_are_formulas(sample_book,
                                                                             sample):
    sheet = sample_book["Giải ngân"]
    _, lines = report_lines(sample[0], AS_OF)
    rows = records(sheet)
    assert len(rows) == len(lines)
    for number, (row, line) in enumerate(zip(rows, lines, strict=True), start=2):
        assert (value(row, "Tỉnh"), value(row, "Chương trình"), value(row, "Dự án / Hợp phần"),
                value(row, "Tiểu dự án / ND thành phần"), value(row, "Mã nội dung"),
                value(row, "Nguồn"), value(row, "Loại vốn"),
                value(row, "Năm KH"), value(row, "Kéo dài sang")) == \
            (line.province, line.program, line.project, line.subproject, line.content,
             line.source,
             line.capital, line.plan_year, line.extended_into)
        assert (value(row, "Kế hoạch"), value(row, "Đã thanh toán"),
                value(row, "Tạm ứng chưa thu hồi")) == (line.plan, line.payments, line.advances)
        assert value(row, "Giải ngân") == f"=M{number}+N{number}"
        assert value(row, "Tỷ lệ GN") == f'=IF(L{number}=0,"",O{number}/L{number})'
        assert value(row, "Còn lại") == f"=L{number}-O{number}"
        assert value(row, "Nội dung").endswith(f"KH {line.plan_year}"
                                               + (f" kéo dài sang {line.extended_into}"
                                                  if line.extended_into else ""))
    # The published TDA1 figures, added up from the sheet's own line cells.
    tda1 = [r for r in rows if (value(r, "Chương trình"), value(r, "Dự án / Hợp phần"),
                                value(r, "Tiểu dự án / ND thành phần"), value(r, "Năm KH")) ==
            ("GNBV", "DA4", "TDA1", 2025)]
    assert sum(value(r, "Kế hoạch") for r in tda1) == TDA1_PLAN
    assert sum(value(r, "Đã thanh toán") + value(r, "Tạm ứng chưa thu hồi")
               for r in tda1) == TDA1_DISBURSED


def test_disbursement_totals_sum_the_right_rows(sample_book):
    sheet = sample_book["Giải ngân"]
    lines = records(sheet)
    last_line = len(lines) + 1
    totals = [row for row in sheet.iter_rows(min_row=last_line + 1) if row[10].value]
    *programs, grand = [row for row in totals if row[7].value is None]
    assert grand[10].value.startswith("Tổng số")
    here = grand[0].row
    assert [cell.value for cell in grand[11:]] == [
        f"=SUM(L2:L{last_line})", f"=SUM(M2:M{last_line})", f"=SUM(N2:N{last_line})",
        f"=SUM(O2:O{last_line})", f'=IF(L{here}=0,"",O{here}/L{here})',
        f"=SUM(Q2:Q{last_line})"]
    assert {row[1].value for row in programs} == {value(r, "Chương trình") for r in lines}
    # One row per plan year, the money extended into a later year apart.
    years = [row for row in totals if row[7].value is not None]
    assert [(row[7].value, row[8].value) for row in years] == \
        [(2024, None), (2024, 2025), (2025, None)]
    assert [row[10].value for row in years] == [
        "Cộng kế hoạch năm 2024", "Cộng vốn năm 2024 kéo dài sang 2025 (245/QĐ-UBND)",
        "Cộng kế hoạch năm 2025"]
    assert years[1][11].value == (f"=SUMIFS(L$2:L${last_line},H$2:H${last_line},2024,"
                                  f"I$2:I${last_line},2025)")
    assert years[2][11].value == (f'=SUMIFS(L$2:L${last_line},H$2:H${last_line},2025,'
                                  f'I$2:I${last_line},"")')
    for row in programs:
        program = row[1].value
        members = [n for n, r in enumerate(lines, start=2)
                   if value(r, "Chương trình") == program]
        assert members == list(range(members[0], members[-1] + 1))  # one block of rows
        assert row[11].value == f"=SUM(L{members[0]}:L{members[-1]})"
        assert row[14].value == f"=SUM(O{members[0]}:O{members[-1]})"


def test_libreoffice_recomputes_the_ledgers_figures(sample, tmp_path):
    path = tmp_path / "in" / "audit.xlsx"
    path.parent.mkdir()
    audit.write_audit_workbook(*sample, path, until=AS_OF, catalogue=load_catalogue())
    book = load_workbook(recalculate(path, tmp_path / "lo"), data_only=True)
    sheet = book["Giải ngân"]
    report, lines = report_lines(sample[0], AS_OF)
    for number, line in enumerate(lines, start=2):
        disbursed, ratio, remaining = (sheet.cell(number, c).value for c in (15, 16, 17))
        assert (disbursed, remaining) == (line.disbursed, line.remaining)
        if line.ratio is None:
            assert ratio in (None, "")
        else:
            assert abs(Decimal(str(ratio)) - line.ratio) < Decimal("1e-12")
    after = [row for row in sheet.iter_rows(min_row=len(lines) + 2, values_only=True)
             if row[10]]
    *programs, grand = [row for row in after if row[7] is None]
    figures = lambda node: (node.plan, node.payments, node.advances, node.disbursed,  # noqa: E731
                            node.remaining)
    assert grand[11:15] + grand[16:17] == figures(report.total)
    assert abs(Decimal(str(grand[15])) - report.total.ratio) < Decimal("1e-12")
    for row in programs:
        node = report.find(level="program", province=row[0], program=row[1])
        assert row[11:15] + row[16:17] == figures(node)
    # The SUMIFS rows recompute to the plan-year breakdown of the lines.
    for row in (row for row in after if row[7] is not None):
        members = [line for line in lines
                   if (line.plan_year, line.extended_into) == (row[7], row[8])]
        assert row[11:15] + row[16:17] == tuple(
            sum(getattr(line, name) for line in members)
            for name in ("plan", "payments", "advances", "disbursed", "remaining"))
    # Cells written without references land in the right columns in LibreOffice too.
    journal = records(book["Nhật ký"])
    assert [value(r, "Số tiền") for r in journal] == \
        [int(p.units.number) for p in postings_in(sample[0], until=AS_OF)]
    trial = book["Cân đối"]
    total = next(r for r in trial.iter_rows(min_row=2, values_only=True)
                 if str(r[0]).startswith("Tổng cộng"))
    assert total[6] == 0  # double entry: every balance of the books adds up to nothing


# ------------------------------------------------------------------ Đối chiếu, Cảnh báo

BALANCES = f"""
2025-02-01 balance Assets:Appropriation:{TDA1_SN}  700000000 VND
2025-03-01 balance Assets:Advance:{TDA1_SN}  0 VND
"""


def test_reconciliation_shows_passed_and_failed_assertions():
    books = load(opens(TDA1_SN), allocate("2025-01-10", TDA1_SN, 1_000_000_000),
                 advance("2025-01-20", TDA1_SN, 300_000_000), BALANCES,
                 pay("2025-02-01", TDA1_SN, 50_000_000))
    failures = [e for e in books[1] if type(e).__name__ == "BalanceError"]
    assert len(failures) == len(books[1]) == 1
    book = build(books)
    summary = [(value(r, "Ngày").date(), value(r, "Tài khoản"), value(r, "Số dư khẳng định"),
                value(r, "Số dư theo sổ"), value(r, "Chênh lệch"), value(r, "Kết quả"))
               for r in records(book["Đối chiếu"])]
    assert summary == [
        # The books at the start of the day: the payment of 01/02 is not yet counted.
        (datetime.date(2025, 2, 1), f"Assets:Appropriation:{TDA1_SN}", 700_000_000,
         700_000_000, 0, "Khớp"),
        (datetime.date(2025, 3, 1), f"Assets:Advance:{TDA1_SN}", 0, 300_000_000,
         300_000_000, "Lệch"),
    ]
    warnings = records(book["Cảnh báo"])
    assert [value(r, "Loại") for r in warnings] == ["BalanceError"]


def test_an_assertion_on_a_parent_account_covers_its_sub_accounts():
    books = loader.load_string("""
2025-01-01 open Assets:KhoBac VND
2025-01-01 open Assets:KhoBac:TinhLaiChau VND
2025-01-01 open Equity:Opening VND
2025-01-02 * "Số dư đầu"
  Assets:KhoBac:TinhLaiChau  500 VND
  Assets:KhoBac  20 VND
  Equity:Opening
2025-01-03 balance Assets:KhoBac  520 VND
2025-01-03 balance Assets:KhoBac:TinhLaiChau  499 VND
""")
    assert [type(e).__name__ for e in books[1]] == ["BalanceError"]
    rows = records(build(books)["Đối chiếu"])
    assert [(value(r, "Số dư theo sổ"), value(r, "Kết quả")) for r in rows] == \
        [(520, "Khớp"), (500, "Lệch")]


def test_reconciliation_sheet_without_assertions(sample_book):
    (row,) = records(sample_book["Đối chiếu"])
    assert value(row, "Tài khoản").startswith("Không có lệnh balance")


def test_warnings_list_a_budget_rule_breach():
    text = [opens(TDA2_SN), allocate("2025-01-10", TDA2_SN, 1_000_000_000),
            pay("2025-03-05", TDA2_SN, 1_500_000_000)]
    books = load(*text)
    assert books[1]
    rows = records(build(books)["Cảnh báo"])
    assert len(rows) == len(books[1])
    breach = next(r for r in rows if value(r, "Loại") == "BudgetRuleError")
    assert value(breach, "Thông báo").startswith("Vượt kế hoạch vốn còn lại")
    assert value(breach, "Nhóm").startswith("Quy tắc ngân sách")
    assert value(breach, "Ngày") == datetime.datetime(2025, 3, 5)
    full = HEADER + "\n".join(text)
    head = next(line for line in full.splitlines() if line.startswith("2025-03-05"))
    assert value(breach, "Vị trí: tệp:dòng") == f"<string>:{line_number(full, head)}"


def test_no_warnings_says_so(sample_book):
    (row,) = records(sample_book["Cảnh báo"])
    assert value(row, "Thông báo") == "Không có cảnh báo (no warnings)"


def test_an_amount_the_report_cannot_add_up_is_a_warning():
    half_dong = advance("2025-01-20", TDA1_SN, 1000).replace("1000 VND", "1000.5 VND")
    books = load(opens(TDA1_SN), allocate("2025-01-10", TDA1_SN, 1_000_000_000), half_dong)
    book = build(books)
    kinds = [value(r, "Loại") for r in records(book["Cảnh báo"])]
    assert "ReportProblem" in kinds and "BudgetRuleError" in kinds
    (row,) = records(book["Giải ngân"])
    assert value(row, "Nội dung").startswith("Không tính được giải ngân")  # the title column
    journal = records(book["Nhật ký"])
    assert Decimal(str(value(journal[-2], "Số tiền"))) == Decimal("1000.5")


# ------------------------------------------------------------------ exactness, output


def test_national_amounts_stay_exact():
    huge = 98_765_432_109_876  # about 10^14 đồng, beyond where float rounding starts to bite
    books = load(opens(TDA1_SN), allocate("2025-01-10", TDA1_SN, huge),
                 pay("2025-05-10", TDA1_SN, huge - 1))
    book = build(books)
    amounts = [value(r, "Số tiền") for r in records(book["Nhật ký"])]
    assert amounts == [huge, -huge, huge - 1, -(huge - 1)]
    assert all(type(a) is int for a in amounts)
    (line,) = records(book["Giải ngân"])
    assert (value(line, "Kế hoạch"), value(line, "Đã thanh toán")) == (huge, huge - 1)
    closing = {value(r, "Tài khoản"): value(r, "Số dư cuối kỳ") for r in records(book["Cân đối"])}
    assert closing[f"Assets:Appropriation:{TDA1_SN}"] == 1
    assert closing[f"Income:Allocated:{TDA1_SN}"] == -huge


def test_writes_to_a_binary_file_object(sample):
    buffer = io.BytesIO()
    audit.write_audit_workbook(*sample, buffer, catalogue=load_catalogue())
    assert buffer.getvalue()[:2] == b"PK"
    assert load_workbook(io.BytesIO(buffer.getvalue())).sheetnames == SHEETS


def test_an_empty_period_is_refused(sample):
    with pytest.raises(ValueError, match="--from"):
        audit.write_audit_workbook(*sample, io.BytesIO(), catalogue=load_catalogue(), since=AS_OF,
                                   until=AS_OF - datetime.timedelta(days=1))


def test_text_is_escaped_and_kept_as_written():
    texts = ["A & B <c> \"d\"", " padded ", "tab\tand\nnewline", "ký tự tiếng Việt – đồng",
             "=not a formula", "_x0041_ is not an escape here"]
    buffer = io.BytesIO()
    rows = [[text] for text in texts] + [[Formula("1+1")], [""]]
    write_workbook([Sheet("S", [Column("Văn bản", 20)], lambda _cells: rows, len(rows))],
                   buffer)
    sheet = load_workbook(buffer)["S"]
    # openpyxl does not decode OOXML's _xHHHH_ escapes in inline strings; Excel does.
    assert [sheet.cell(n, 1).value for n in range(2, len(texts) + 1)] == texts[:-1]
    assert sheet.cell(len(texts) + 2, 1).value == "=1+1"
    assert sheet.cell(len(texts) + 3, 1).value is None
    xml = zipfile.ZipFile(buffer).read("xl/worksheets/sheet1.xml").decode()
    assert "<t>_x005F_x0041_ is not an escape here</t>" in xml
    assert '<t xml:space="preserve"> padded </t>' in xml


# ------------------------------------------------------------------ command line


def test_cli_writes_the_workbook(tmp_path):
    target = tmp_path / "out" / "kiem-toan.xlsx"
    result = CliRunner().invoke(main, ["export", "audit", str(SAMPLE), "-o", str(target),
                                       "--from", "2025-01-01", "--to", "14/11/2025"])
    assert result.exit_code == 0, result.output
    assert f"Đã ghi {target}" in result.stdout
    book = load_workbook(target)
    assert book.sheetnames == SHEETS
    days = {value(r, "Ngày").date() for r in records(book["Nhật ký"])}
    assert min(days) >= datetime.date(2025, 1, 1) and max(days) <= AS_OF


def test_cli_default_output_and_books_with_errors(tmp_path, monkeypatch):
    ledger = tmp_path / "main.beancount"
    ledger.write_text(HEADER + opens(TDA2_SN)
                      + allocate("2025-01-10", TDA2_SN, 1000) + pay("2025-03-05", TDA2_SN, 2000),
                      encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["export", "audit", str(ledger)])
    assert result.exit_code == 0, result.output
    assert "1 lỗi" in result.stderr
    warnings = records(load_workbook(tmp_path / "audit.xlsx")["Cảnh báo"])
    assert [value(r, "Loại") for r in warnings] == ["BudgetRuleError"]
    assert value(warnings[0], "Vị trí: tệp:dòng").startswith("main.beancount:")


def test_cli_leaves_nothing_behind_when_writing_fails(tmp_path, monkeypatch):
    def broken(catalogue, account):
        raise RuntimeError("disk full")  # fails in the middle of writing Nhật ký

    monkeypatch.setattr(audit, "account_title", broken)
    folder = tmp_path / "out"
    folder.mkdir()
    result = CliRunner().invoke(main, ["export", "audit", str(SAMPLE), "-o",
                                       str(folder / "audit.xlsx")])
    assert result.exit_code != 0
    assert isinstance(result.exception, RuntimeError)
    assert list(folder.iterdir()) == []


def test_cli_refuses_from_after_to(tmp_path):
    result = CliRunner().invoke(main, ["export", "audit", str(SAMPLE), "-o",
                                       str(tmp_path / "a.xlsx"), "--from", "2025-02-01",
                                       "--to", "2025-01-01"])
    assert result.exit_code == 2 and "--from" in result.output
    assert not (tmp_path / "a.xlsx").exists()
