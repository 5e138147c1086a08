"""Three sheets of the auditor's workbook: Cân đối, Giải ngân and Đối chiếu.

Their figures come from :mod:`mtqgledger.figures` (balances, disbursement);
here they become rows with live formulas. Also the helpers every sheet of
:mod:`mtqgledger.outputs.audit` shares: file names as the auditor reads them,
exact amounts and account titles.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from decimal import Decimal

from beancount.core import data

from mtqgledger.figures.balances import Period, assertions, trial_balance
from mtqgledger.figures.disbursement import disbursement_report
from mtqgledger.figures.extension import Extensions, plan_year_heading
from mtqgledger.figures.movements import Movement
from mtqgledger.model.accounts import AccountError, parse_account
from mtqgledger.model.catalogue import Catalogue
from mtqgledger.model.titles import line_title, lower_first
from mtqgledger.outputs.xlsx_rows import Column, Formula, Sheet


class Places:
    """Ledger file names as the auditor reads them: relative to the main ledger's folder."""

    def __init__(self, options_map: dict):
        main = options_map.get("filename") or ""
        self.base = os.path.dirname(os.path.abspath(main)) if os.path.isfile(main) else None
        self.names: dict[str, str] = {}

    def name(self, filename: str | None) -> str:
        if filename is None:
            return ""
        known = self.names.get(filename)
        if known is None:
            known = filename
            if self.base and os.path.isabs(filename) and \
                    os.path.commonpath([self.base, filename]) == self.base:
                known = os.path.relpath(filename, self.base)
            self.names[filename] = known
        return known

    def where(self, meta: dict | None) -> str:
        """'file:line' of an entry's or error's metadata."""
        if not meta:
            return ""
        return f"{self.name(meta.get('filename'))}:{meta.get('lineno', '')}"


def exact(number: Decimal) -> int | Decimal:
    """Whole đồng as an int (an integer cell); anything finer stays an exact Decimal."""
    whole = int(number)
    return whole if whole == number else number


def account_title(catalogue: Catalogue, account: str) -> str:
    """The Vietnamese title of a model account's line; "" for any other account."""
    try:
        parsed = parse_account(account)
    except AccountError:
        return ""
    return line_title(catalogue, parsed[1]) if parsed else ""


def message_sheet(name: str, columns: Sequence[Column], column: int, text: str) -> Sheet:
    """A sheet whose only row says why it has nothing else."""
    row = [None] * len(columns)
    row[column] = text
    return Sheet(name, columns, lambda _cells: [row], 1)


# ------------------------------------------------------------------ Cân đối

TRIAL_COLUMNS = (
    Column("Tài khoản (account)", 52), Column("Nội dung dòng vốn (line title)", 60),
    Column("Tiền tệ", 8), Column("Số dư đầu kỳ (opening)", 22, "amount"),
    Column("Phát sinh Nợ (debits)", 22, "amount"), Column("Phát sinh Có (credits)", 22, "amount"),
    Column("Số dư cuối kỳ (closing)", 22, "amount"))


def _trial_totals(rows: list[Sequence[object]]) -> list[Sequence[object]]:
    """A blank row, then SUM formulas per column (SUMIF by currency if there are several)."""
    last = len(rows) + 1
    currencies = sorted({row[2] for row in rows})
    totals: list[Sequence[object]] = [()]
    for currency in currencies:
        if len(currencies) == 1:
            sums = [Formula(f"SUM({c}2:{c}{last})") for c in "DEFG"]
        else:
            sums = [Formula(f'SUMIF($C$2:$C${last},"{currency}",{c}2:{c}{last})')
                    for c in "DEFG"]
        totals.append((f"Tổng cộng {currency} (total)", "", currency, *sums))
    return totals


def trial_balance_sheet(entries: Sequence[data.Directive], period: Period,
                        catalogue: Catalogue) -> Sheet:
    rows: list[Sequence[object]] = []
    for (account, currency), (opening, debits, credits) in \
            sorted(trial_balance(entries, period).items()):
        rows.append((account, account_title(catalogue, account), currency, exact(opening),
                     exact(debits), exact(credits), exact(opening + debits - credits)))
    if not rows:
        return message_sheet("Cân đối", TRIAL_COLUMNS, 0, "Không có bút toán (no postings)")
    accounts = len(rows)
    rows.extend(_trial_totals(rows))
    return Sheet("Cân đối", TRIAL_COLUMNS, lambda _cells: rows, len(rows), accounts)


# ------------------------------------------------------------------ Giải ngân

DISBURSEMENT_COLUMNS = (
    Column("Tỉnh", 10), Column("Chương trình", 12), Column("Dự án / Hợp phần", 10),
    Column("Tiểu dự án / ND thành phần", 12), Column("Mã nội dung (content)", 9),
    Column("Nguồn", 8), Column("Loại vốn", 9),
    Column("Năm KH", 8, "integer"), Column("Kéo dài sang", 9, "integer"),
    Column("Dòng vốn (line)", 44), Column("Nội dung (title)", 60),
    Column("Kế hoạch (plan)", 20, "amount"), Column("Đã thanh toán (payments)", 20, "amount"),
    Column("Tạm ứng chưa thu hồi (advances)", 20, "amount"),
    Column("Giải ngân (disbursed)", 20, "amount"), Column("Tỷ lệ GN (ratio)", 10, "ratio"),
    Column("Còn lại (remaining)", 20, "amount"))
TITLE_COLUMN = 10  # K; then L plan, M payments, N advances, O disbursed, P ratio, Q remaining
PLAN, PAID, ADVANCED, DISBURSED, RATIO, REMAINING = "LMNOPQ"
YEAR, EXTENDED = "H", "I"


def _line_formulas(row: int) -> list[Formula]:
    """Disbursed, ratio and remaining of a line's sheet row."""
    return [Formula(f"{PAID}{row}+{ADVANCED}{row}"), _ratio(row),
            Formula(f"{PLAN}{row}-{DISBURSED}{row}")]


def _ratio(row: int) -> Formula:
    return Formula(f'IF({PLAN}{row}=0,"",{DISBURSED}{row}/{PLAN}{row})')


def _total_formulas(row: int, first: int, last: int) -> list[Formula]:
    """A total row: the sums of the line rows first..last, and its own ratio."""
    sums = [Formula(f"SUM({c}{first}:{c}{last})") for c in (PLAN, PAID, ADVANCED, DISBURSED)]
    return [*sums, _ratio(row), Formula(f"SUM({REMAINING}{first}:{REMAINING}{last})")]


def _year_formulas(row: int, last: int, plan_year: int, extended_into: int | None,
                   ) -> list[Formula]:
    """The lines of one plan year (extended into a year, or not), summed with SUMIFS."""
    into = '""' if extended_into is None else str(extended_into)

    def summed(column: str) -> Formula:
        return Formula(f"SUMIFS({column}$2:{column}${last},{YEAR}$2:{YEAR}${last},{plan_year},"
                       f"{EXTENDED}$2:{EXTENDED}${last},{into})")

    return [*(summed(c) for c in (PLAN, PAID, ADVANCED, DISBURSED)), _ratio(row),
            summed(REMAINING)]


def disbursement_sheet(table: Sequence[Movement], catalogue: Catalogue,
                       until: datetime.date | None, extensions: Extensions) -> Sheet:
    """Per line: plan, payments and advances from disbursement_report; the rest as formulas.

    Below the lines, a total row per programme, a row per plan year (the year's own
    money and each year's money extended into a later one, apart), and a grand
    total, as formulas over the line rows.
    """
    report = disbursement_report(table, catalogue, as_of=until, budget_year=None, by="line")
    lines = [row for row in report.rows if row.level == "line"]
    if not lines:
        return message_sheet("Giải ngân", DISBURSEMENT_COLUMNS, TITLE_COLUMN,
                             "Không có dòng vốn (no lines)")
    rows: list[Sequence[object]] = []
    for number, row in enumerate(lines, start=2):
        rows.append((row.province, row.program, row.project, row.subproject, row.content,
                     row.source, row.capital, row.plan_year, row.extended_into, row.line.name(),
                     line_title(catalogue, row.line), row.plan, row.payments, row.advances,
                     *_line_formulas(number)))
    last = len(lines) + 1
    rows.append(())
    # Lines come in catalogue order, so each programme's lines are one block of rows.
    first = 2
    for number, row in enumerate(lines, start=2):
        following = lines[number - 1] if number - 1 < len(lines) else None
        if following is None or \
                (following.province, following.program) != (row.province, row.program):
            title = catalogue.title([row.program]) or row.program
            rows.append((row.province, row.program, *[None] * 8,
                         f"Cộng {row.province} – {title}",
                         *_total_formulas(len(rows) + 2, first, number)))
            first = number + 1
    for plan_year, extended_into in sorted({(row.plan_year, row.extended_into or 0)
                                            for row in lines}):
        into = extended_into or None
        label = plan_year_heading(extensions, plan_year, into)
        rows.append((*[None] * 7, plan_year, into, None, f"Cộng {lower_first(label)}",
                     *_year_formulas(len(rows) + 2, last, plan_year, into)))
    rows.append((*[None] * 10, "Tổng số (total)", *_total_formulas(len(rows) + 2, 2, last)))
    return Sheet("Giải ngân", DISBURSEMENT_COLUMNS, lambda _cells: rows, len(rows), len(lines))


# ------------------------------------------------------------------ Đối chiếu

RECONCILIATION_COLUMNS = (
    Column("Ngày (date)", 11, "date"), Column("Tài khoản (account)", 52),
    Column("Tiền tệ", 8), Column("Số dư khẳng định (asserted)", 22, "amount"),
    Column("Số dư theo sổ (books)", 22, "amount"),
    Column("Chênh lệch (books − asserted)", 20, "amount"),
    Column("Kết quả", 10), Column("Sổ: tệp:dòng (ledger file:line)", 32))


def reconciliation_sheet(entries: Sequence[data.Directive], period: Period,
                         places: Places) -> Sheet:
    """Each balance assertion of the period beside the books' balance at that moment."""
    if not any(isinstance(entry, data.Balance) for entry in entries):
        return message_sheet("Đối chiếu", RECONCILIATION_COLUMNS, 1,
                             "Không có lệnh balance trong sổ (no balance assertions)")
    rows: list[Sequence[object]] = []
    for entry, books in assertions(entries, period):
        # Beancount's verdict, within its tolerance: a failed check carries diff_amount.
        verdict = "Lệch" if entry.diff_amount is not None else "Khớp"
        rows.append((entry.date, entry.account, entry.amount.currency,
                     exact(entry.amount.number), exact(books),
                     exact(books - entry.amount.number), verdict, places.where(entry.meta)))
    if not rows:
        return message_sheet("Đối chiếu", RECONCILIATION_COLUMNS, 1,
                             "Không có lệnh balance trong kỳ (no balance assertions in the period)")
    return Sheet("Đối chiếu", RECONCILIATION_COLUMNS, lambda _cells: rows, len(rows))
