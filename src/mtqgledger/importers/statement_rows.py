"""The rows of a statement sheet: one transaction per advance, payment, settlement or return.

Each row moves money between a line's accounts by the posting pattern of its
kind (mtqgledger.model.postings) and cites its voucher, the file, the sheet and
the row. Reading is the hot path of a 100,000-row import: the same kind and
line texts are resolved once, and whole-number cells skip the text parser.
"""

from __future__ import annotations

import dataclasses
import datetime
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from beancount.core import amount, data

from mtqgledger.importers.cells import CellError, NumberStyle, parse_date, parse_number, to_dong
from mtqgledger.importers.statement_columns import (
    AMOUNT,
    CAPITAL,
    CONTENT,
    DATE,
    ITEM_ROLES,
    KIND,
    LINE_CODE,
    NARRATION,
    PLAN_YEAR,
    PROGRAM,
    PROJECT,
    ROLE_NAMES,
    SOURCE,
    SUBPROJECT,
    UNIT,
    UNIT_CODE,
    VOUCHER,
    Columns,
)
from mtqgledger.importers.statement_info import SheetInfo
from mtqgledger.importers.statement_lines import KNOWN_KINDS, Resolver, RowProblem
from mtqgledger.importers.workbook import ImportProblem, Sheet, cell_text, number_style
from mtqgledger.model.accounts import Line, Root
from mtqgledger.model.postings import Kind
from mtqgledger.model.text import bilingual, normalise
from mtqgledger.model.titles import KIND_TITLES
from mtqgledger.model.units import UNIT_CODE_KEY, UNIT_KEY

_YEAR_CELL = re.compile(r"(?:nam |kh |nam ke hoach )?(\d{4})")


def _is_total(cells: Sequence[object]) -> bool:
    for value in cells:
        if isinstance(value, str) and value.strip():
            first = normalise(value).split(" ", 1)[0]
            return first in ("tong", "cong")
    return False


def _date(value: object) -> datetime.date:
    if isinstance(value, float | int) and not isinstance(value, bool) and \
            float(value).is_integer() and 20000 < value < 80000:
        return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))  # Excel serial
    return parse_date(value)


def _plan_year(text: str) -> int:
    match = _YEAR_CELL.fullmatch(normalise(text))
    if match is None or not 2000 <= int(match.group(1)) <= 2100:
        raise RowProblem(bilingual(f"năm kế hoạch '{text}' không hợp lệ",
                                   "expected a year such as 2025"), PLAN_YEAR)
    return int(match.group(1))


@dataclass(frozen=True)
class _Target:
    """What a row's kind and line texts resolve to (the same few texts repeat)."""

    kind: Kind
    path: tuple[str, ...]
    source: str
    capital: str
    plan_year: int
    written: str = ""  # the names as written, where they are not the catalogue's


@dataclass(frozen=True, slots=True)
class _Booking:
    """A target line's accounts for one kind and year; ``tracked`` when the choice of
    segment depends on the outstanding advance (see Resolver.settled_on)."""

    line: Line
    kind: Kind
    debit: str
    credit: str
    tracked: bool
    written: str
    # The line's extended segments, latest first, and the day from which each takes
    # the line's movements; empty for most lines.
    later: tuple[tuple[datetime.date, _Booking], ...] = ()

    def on(self, day: datetime.date) -> _Booking:
        """The booking of a movement on ``day``: the latest segment its money has reached."""
        for start, booking in self.later:
            if start <= day:
                return booking
        return self


_new = tuple.__new__
_Amount, _Posting, _Transaction = amount.Amount, data.Posting, data.Transaction
_EMPTY_SET: frozenset[str] = frozenset()


def _cell(cells: list[object], column: int) -> str:
    """The text at a 0-based column, or "" for a column the sheet does not have (-1)."""
    if column < 0:
        return ""
    value = cells[column]
    return value.strip() if type(value) is str else cell_text(value)


_KEY_ROLES = (LINE_CODE, PROGRAM, PROJECT, SUBPROJECT, CONTENT, SOURCE, CAPITAL, PLAN_YEAR,
              KIND)


def _getter(indices: Sequence[int]):
    """A function returning the cells at these 0-based indices of a row as a tuple."""
    if len(indices) == 1:
        only = indices[0]
        return lambda cells: (cells[only],)
    return operator.itemgetter(*indices)


class SheetReader:
    """Reads the movements of one statement sheet; built per sheet, used once."""

    def __init__(self, sheet: Sheet, columns: Columns, info: SheetInfo, resolver: Resolver,
                 style: NumberStyle):
        self.sheet, self.columns, self.info = sheet, columns, info
        self.resolver, self.style = resolver, style
        self.check_columns()
        index = columns.index
        self.width = max(index.values())
        self.at = {role: column - 1 for role, column in index.items()}
        roles = [role for role in _KEY_ROLES if role in index]
        if KIND not in index and NARRATION in index:
            roles.append(NARRATION)  # no kind column: the narration names the kind
        self.key_roles = tuple(roles)
        self.key = _getter([self.at[role] for role in roles])
        self.bookings: dict[tuple, _Booking] = {}
        self.dates: dict[object, datetime.date] = {}
        self.filename = str(sheet.file)
        self.date_at = self.at[DATE]
        self.unit_at, self.unit_code_at, self.narration_at = (
            self.at.get(role, -1) for role in (UNIT, UNIT_CODE, NARRATION))
        self.file_name, self.sheet_name = sheet.file.name, sheet.name
        self.plan_year, self.factor = info.plan_year, info.factor

    def fail(self, message: str, row: int) -> ImportProblem:
        return self.sheet.problem(message, row)

    def cell(self, cells: list[object], role: str) -> str:
        return _cell(cells, self.at.get(role, -1))

    def entries(self) -> list[data.Transaction]:
        sheet, width = self.sheet, self.width
        amount_at, voucher_at = self.at[AMOUNT], self.at[VOUCHER]
        padding = [""] * width
        found = []
        first = self.columns.first_data_row
        for number, cells in enumerate(sheet.rows[first - 1:], start=first):
            if len(cells) < width:
                cells = [*cells, *padding[len(cells):]]
            raw_amount = cells[amount_at]
            voucher = cells[voucher_at]
            voucher = voucher.strip() if type(voucher) is str else cell_text(voucher)
            if type(raw_amount) is str and not raw_amount.strip():
                raw_amount = ""
            if (raw_amount == "" or raw_amount is None) and not voucher:
                continue  # a blank, heading, note or signature row
            if not voucher and self.cell(cells, DATE) == "" and _is_total(cells):
                continue  # Tổng cộng / Cộng rows
            try:
                found.append(self.entry(number, cells, raw_amount, voucher))
            except RowProblem as problem:
                raise self.sheet.problem(str(problem), number,
                                         self.columns.index.get(problem.role)) from None
        return found

    def check_columns(self) -> None:
        index, header = self.columns.index, self.columns.header_row
        missing = [role for role in (DATE, AMOUNT, VOUCHER) if role not in index]
        if LINE_CODE not in index and PROJECT not in index:
            missing.append(f"{PROJECT}|{LINE_CODE}")
        if SOURCE not in index and self.info.source is None:
            missing.append(SOURCE)
        if CAPITAL not in index and self.info.capital is None:
            missing.append(CAPITAL)
        if KIND not in index and NARRATION not in index:
            missing.append(KIND)
        if missing:
            names = ", ".join(" hoặc ".join(ROLE_NAMES[r] for r in role.split("|"))
                              for role in missing)
            raise self.fail(bilingual(f"không thấy cột {names} trong dòng tiêu đề",
                                      "missing column(s); the header has: "
                                      f"{', '.join(self.columns.labels.values())}"), header)

    def entry(self, number: int, cells: list[object], raw_amount: object,
              voucher: str) -> data.Transaction:
        if not voucher:
            raise RowProblem(bilingual(f"thiếu số chứng từ ở cột '{self.columns.label(VOUCHER)}'",
                                       "every movement needs its voucher number"), VOUCHER)
        day = cells[self.date_at]
        if type(day) is not datetime.date:
            day = self.date(day)
        year = day.year
        # Without a plan year in the row or the title, the money is of the movement's year.
        key = (self.key(cells), self.plan_year or year, year)
        booking = self.bookings.get(key)
        if booking is None:
            booking = self.bookings[key] = self.booking(self.target(key[0], key[1]))
        if booking.later:
            booking = booking.on(day)
        if type(raw_amount) is float and raw_amount > 0 and raw_amount.is_integer():
            dong = int(raw_amount) * self.factor  # the common case: a whole number cell
        else:
            dong = self.amount(raw_amount)
        kind, debit, credit = booking.kind, booking.debit, booking.credit
        if booking.tracked:  # an advance on an extended segment: follow its balance
            debit, credit = self.settle(booking, dong, day)
        meta = {"filename": self.filename, "lineno": number, "voucher": voucher,
                "kind": kind.code, "source_file": self.file_name, "sheet": self.sheet_name,
                "row": Decimal(number)}  # Decimal, as the parser gives: printable metadata
        unit = _cell(cells, self.unit_at)
        if unit:
            meta[UNIT_KEY] = unit  # as written; mtqg import puts the registry's name
        if unit_code := _cell(cells, self.unit_code_at):
            meta[UNIT_CODE_KEY] = unit_code
        if booking.written:
            meta["written_as"] = booking.written
        # Built as the named tuples' own constructors build them, without their Python-level
        # __new__ (nor Amount's type assertions: the number is a Decimal by construction).
        postings = [
            _new(_Posting, (debit, _new(_Amount, (Decimal(dong), "VND")), None, None, None,
                            None)),
            _new(_Posting, (credit, _new(_Amount, (Decimal(-dong), "VND")), None, None, None,
                            None))]
        return _new(_Transaction, (meta, day, "*", unit or None,
                                   _cell(cells, self.narration_at) or KIND_TITLES[kind.name],
                                   _EMPTY_SET, _EMPTY_SET, postings))

    def settle(self, booking: _Booking, dong: int, day: datetime.date) -> tuple[str, str]:
        """The debit and credit accounts of an advance or settlement on an extended segment,
        following the advance outstanding on each segment."""
        resolver, kind = self.resolver, booking.kind
        line = resolver.settled_on(booking.line, kind, dong, day)
        accounts = resolver.accounts(line)
        if line.is_extended:
            resolver.advanced(accounts[Root.ADVANCE], day,
                              Decimal(dong if kind.debit is Root.ADVANCE else -dong))
        return accounts[kind.debit], accounts[kind.credit]

    def booking(self, target: _Target) -> _Booking:
        """The accounts a kind of movement on a target line posts to: the plan-year line's,
        and those of its extended segments (Kéo dài), which take its money from the day of
        the extension."""
        kind, resolver = target.kind, self.resolver
        line = resolver.line(self.info.province, target.path, target.source, target.capital,
                             target.plan_year)

        def on(line: Line) -> _Booking:
            accounts = resolver.accounts(line)
            tracked = line.is_extended and Root.ADVANCE in (kind.debit, kind.credit)
            return _Booking(line, kind, accounts[kind.debit], accounts[kind.credit], tracked,
                            target.written)

        later = tuple((start, on(segment)) for start, segment in resolver.segments(line))
        return dataclasses.replace(on(line), later=later) if later else on(line)

    def target(self, key: tuple, default_year: int) -> _Target:
        """Resolve a row's kind and line texts (once per distinct combination)."""
        texts = dict(zip(self.key_roles, map(cell_text, key), strict=True))
        kind_text = texts.get(KIND, texts.get(NARRATION, ""))
        kind = self.resolver.kind(kind_text)
        if kind is None:
            raise RowProblem(bilingual(f"nghiệp vụ '{kind_text}' không rõ",
                                       f"unknown movement kind; known: {', '.join(KNOWN_KINDS)}"),
                             KIND if KIND in texts else NARRATION)
        info, year_text = self.info, texts.get(PLAN_YEAR, "")
        plan_year = _plan_year(year_text) if year_text else default_year
        item_texts = tuple(texts.get(role, "") for role in ITEM_ROLES)
        path = self.resolver.item(texts.get(LINE_CODE, ""), item_texts, info.program, plan_year)
        source, capital = self.resolver.money(texts.get(SOURCE) or info.source or "",
                                              texts.get(CAPITAL) or info.capital or "")
        return _Target(kind, path, source, capital, plan_year,
                       self.resolver.written(item_texts))

    def date(self, raw: object) -> datetime.date:
        if type(raw) is datetime.date:
            return raw
        found = self.dates.get(raw)
        if found is None:
            if raw == "" or raw is None:
                raise RowProblem(bilingual(f"thiếu ngày ở cột '{self.columns.label(DATE)}'",
                                           "expected dd/mm/yyyy"), DATE)
            try:
                found = self.dates[raw] = _date(raw)
            except CellError as problem:
                raise RowProblem(f"cột '{self.columns.label(DATE)}': {problem}", DATE) from None
        return found

    def amount(self, raw: object) -> int:
        if type(raw) is float and raw > 0 and raw.is_integer():
            return int(raw) * self.info.factor  # the common case: a whole number cell
        try:
            number = parse_number(raw, self.style)
            if number <= 0:
                raise RowProblem(bilingual(
                    f"cột '{self.columns.label(AMOUNT)}': số tiền phải dương, ô ghi "
                    f"{cell_text(raw) or 'trống'}",
                    "an amount must be positive; a return is a 'Nộp trả / giảm chi' row"),
                    AMOUNT)
            return to_dong(number, self.info.factor)
        except CellError as problem:
            raise RowProblem(f"cột '{self.columns.label(AMOUNT)}': {problem}", AMOUNT) from None


def number_style_of(sheet: Sheet, columns: Columns) -> NumberStyle:
    column = columns.index.get(AMOUNT)
    if column is None:
        return NumberStyle()
    return number_style(sheet, columns.first_data_row, [column])
