"""The movement table: per line and day, the change of plan, payments and advances.

Every figure of every report is a sum over this table, so it is the one place
where the books' postings become numbers. Amounts are whole đồng (``int``);
ratios are exact ``Decimal`` quotients, rounded only when displayed::

    disbursed  = payments + outstanding advances   (as the State Treasury counts giải ngân)
    remaining  = plan - disbursed
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from beancount.core import data

from mtqgledger.model.accounts import Line, Root, parse_account
from mtqgledger.model.text import bilingual
from mtqgledger.model.units import NO_UNIT, UNIT_KEY, UnitRef, Units, posting_unit


@dataclass
class Figures:
    """Plan, payments and outstanding advances of a line or a group of lines."""

    plan: int = 0
    payments: int = 0
    advances: int = 0

    @property
    def disbursed(self) -> int:
        return self.payments + self.advances

    @property
    def remaining(self) -> int:
        return self.plan - self.disbursed

    def __iadd__(self, other: Figures) -> Figures:
        self.plan += other.plan
        self.payments += other.payments
        self.advances += other.advances
        return self

    def __sub__(self, other: Figures) -> Figures:
        return Figures(self.plan - other.plan, self.payments - other.payments,
                       self.advances - other.advances)


def ratio(numerator: int, denominator: int) -> Decimal | None:
    """Exact quotient, or None where there is no plan to measure against."""
    if denominator == 0:
        return None
    return Decimal(numerator) / Decimal(denominator)


class Movement(NamedTuple):
    """The net change of one unit's figures on one line on one day."""

    line: Line
    date: datetime.date
    plan: int
    payments: int
    advances: int
    unit: UnitRef = NO_UNIT  # the spending unit, as the registry names it


class ReportProblem(NamedTuple):
    """An amount the reports cannot add up (a fraction of a đồng, another currency).

    Returned as data beside the table, in the shape of Beancount's errors.
    """

    source: dict | None
    message: str
    entry: data.Directive | None = None


# Which of (plan, payments, advances) a root's postings change, and with which sign.
_COLUMNS = {Root.ALLOCATED: (0, -1), Root.DISBURSED: (1, 1), Root.ADVANCE: (2, 1)}


def whole_dong(posting: data.Posting) -> int | None:
    number = posting.units.number
    if posting.units.currency != "VND" or number != number.to_integral_value():
        return None
    return int(number)


class PostingReader:
    """The postings the reports count, read once per account: each one's line (by number),
    column (plan, payments, advances) and signed whole đồng; an amount that is not whole
    VND is a problem instead."""

    def __init__(self) -> None:
        # account -> (line number, column, sign), or None for accounts reports ignore
        self.accounts: dict[str, tuple[int, int, int] | None] = {}
        self.lines: list[Line] = []
        self.numbers: dict[Line, int] = {}
        self.problems: list[ReportProblem] = []

    def changes(self, entry: data.Transaction) -> Iterator[tuple[int, int, int, data.Posting]]:
        accounts = self.accounts
        for posting in entry.postings:
            target = accounts.get(posting.account, False)
            if target is False:
                target = accounts[posting.account] = account_target(
                    posting.account, self.lines, self.numbers)
            if target is None:
                continue
            number, column, sign = target
            dong = whole_dong(posting)
            if dong is None:
                self.problems.append(ReportProblem(entry.meta, bilingual(
                    f"{posting.account}: số tiền phải là đồng nguyên",
                    f"expected whole VND, found {posting.units}"), entry))
                continue
            yield number, column, sign * dong, posting


def movements(entries: Iterable[data.Directive], units: Units | None = None,
              ) -> tuple[list[Movement], list[ReportProblem]]:
    """Reduce transactions to per-line, per-unit, per-day changes of plan, payments and
    advances (units named by ``units``, the registry; without it, as the entries write them).

    Runs over every posting of a province's history, so each account is parsed
    once and lines are ranked once rather than compared per movement. If any
    amount is not whole VND the table is empty and each such posting is a problem.
    """
    reader = PostingReader()
    lines = reader.lines
    totals: dict[tuple[int, datetime.date, int], list[int]] = {}
    name_unit = unit_namer(units)
    # Units by number, as lines: small integers hash and sort faster than names.
    unit_numbers: dict[UnitRef, int] = {NO_UNIT: 0}
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        entry_unit = None
        for number, column, dong, posting in reader.changes(entry):
            if posting.meta and UNIT_KEY in posting.meta:  # a handover names each side's unit
                unit = unit_numbers.setdefault(
                    name_unit(lines[number].province, *posting_unit(entry, posting)),
                    len(unit_numbers))
            else:
                if entry_unit is None:
                    entry_unit = unit_numbers.setdefault(
                        name_unit(lines[number].province, *posting_unit(entry, posting)),
                        len(unit_numbers))
                unit = entry_unit
            key = (number, entry.date, unit)
            cell = totals.get(key)
            if cell is None:
                cell = totals[key] = [0, 0, 0]
            cell[column] += dong
    if reader.problems:
        return [], reader.problems
    rank = {number: place for place, number in
            enumerate(sorted(range(len(lines)), key=lambda n: lines[n].sort_key))}
    ordered = sorted(totals.items(), key=lambda item: (rank[item[0][0]], item[0][1],
                                                       item[0][2]))
    named = list(unit_numbers)
    return [Movement(lines[number], day, *cell, named[unit])
            for (number, day, unit), cell in ordered], []


def unit_namer(units: Units | None) -> Callable[[str, str, str], UnitRef]:
    if units is not None:
        return units.ref
    known: dict[tuple[str, str], UnitRef] = {}

    def as_written(province: str, name: str, code: str) -> UnitRef:
        found = known.get((name, code))
        if found is None:
            found = known[(name, code)] = UnitRef(name, code) if name or code else NO_UNIT
        return found

    return as_written


def account_target(account: str, lines: list[Line], numbers: dict[Line, int],
            ) -> tuple[int, int, int] | None:
    """(line number, column, sign) of an account's postings; None for accounts reports skip."""
    parsed = parse_account(account)
    # Remaining is derived (plan - payments - advances): appropriation is skipped.
    if parsed is None or parsed[0] is Root.APPROPRIATION:
        return None
    root, line = parsed
    if line not in numbers:
        numbers[line] = len(lines)
        lines.append(line)
    return (numbers[line], *_COLUMNS[root])


def figures_by_line(
    table: Iterable[Movement],
    as_of: datetime.date | None = None,
    since: datetime.date | None = None,
) -> dict[Line, Figures]:
    """Sum the movements dated within [since, as_of] (either end open when None)."""
    sums: dict[Line, list[int]] = {}
    for line, day, plan, payments, advances, _ in table:
        if (as_of is not None and day > as_of) or (since is not None and day < since):
            continue
        cell = sums.get(line)
        if cell is None:
            sums[line] = [plan, payments, advances]
        else:
            cell[0] += plan
            cell[1] += payments
            cell[2] += advances
    return {line: Figures(*cell) for line, cell in sums.items()}


def figures_by_line_through(table: Sequence[Movement], days: Iterable[datetime.date],
                            ) -> Iterator[tuple[datetime.date, dict[Line, Figures]]]:
    """``figures_by_line(table, as_of=day)`` for each of ``days``, in one pass: ``table`` in
    date order, ``days`` in increasing order (a year's chart: its month ends)."""
    totals: dict[Line, Figures] = {}  # each day's own copies are yielded
    done, previous = 0, None
    for day in days:
        if previous is not None and day < previous:
            raise ValueError(f"days must increase: {day} after {previous}")
        previous = day
        end = bisect.bisect_right(table, day, lo=done, key=_date_of)
        for line, figures in figures_by_line(table[done:end]).items():
            if line in totals:
                totals[line] += figures
            else:
                totals[line] = figures
        done = end
        yield day, {line: Figures(figures.plan, figures.payments, figures.advances)
                    for line, figures in totals.items()}


def _date_of(move: Movement) -> datetime.date:
    return move.date


# figures_by_line and figures_by_unit in SQL, over the movement table as Parquet
# (outputs/parquet.py): `mtqg rollup` runs it in DuckDB, docs/parquet.md on Spark or Trino.
# Standard SQL; {movements} is the table, {unit} ", unit, unit_code" for figures by unit,
# {where} the report's filters (date <= as-of, the budget year, provinces, programme).
# tests/test_rollup.py requires both to give every figure of every report to the đồng.
LINE_FIGURES_SQL = """
SELECT province, program, project, subproject, content, source, capital, plan_year,
       extended_into{unit},
       SUM(plan) AS plan, SUM(payments) AS payments, SUM(advances) AS advances
FROM {movements}
WHERE {where}
GROUP BY province, program, project, subproject, content, source, capital, plan_year,
         extended_into{unit}
"""
BUDGET_YEAR_SQL = "COALESCE(extended_into, plan_year)"  # Line.budget_year


def figures_by_unit(
    table: Iterable[Movement],
    as_of: datetime.date | None = None,
) -> dict[tuple[Line, UnitRef], Figures]:
    """Sum the movements dated up to ``as_of`` per line and spending unit."""
    sums: dict[tuple[Line, UnitRef], list[int]] = {}
    for line, day, plan, payments, advances, unit in table:
        if as_of is not None and day > as_of:
            continue
        cell = sums.get((line, unit))
        if cell is None:
            sums[(line, unit)] = [plan, payments, advances]
        else:
            cell[0] += plan
            cell[1] += payments
            cell[2] += advances
    return {key: Figures(*cell) for key, cell in sums.items()}


def default_as_of(table: Sequence[Movement], today: datetime.date) -> datetime.date:
    """The day a report is as of when none is asked for: the books' last movement."""
    return max((move.date for move in table), default=today)


def budget_years(table: Iterable[Movement]) -> list[int]:
    """The years in which the table's money may be disbursed."""
    return sorted({move.line.budget_year for move in table})


def default_budget_year(years: Iterable[int], as_of: datetime.date) -> int:
    """The plan year a report shows when none is asked for, given the books' ``budget_years``.

    The as-of year if the books hold money that may be disbursed in it, else the
    latest such year before it (in January, last year's investment money is
    still being paid), else the as-of year.
    """
    years = set(years)
    if as_of.year in years:
        return as_of.year
    return max((year for year in years if year < as_of.year), default=as_of.year)
