"""The movement table of each Fava filter state, computed once per load and kept.

:func:`~mtqgledger.disbursement.movements` walks every posting of the books (about
2 s at 100k transactions); the page needs it on every request. Tables are kept per
filter state (Fava's ``account``, ``filter`` and ``time`` parameters) until the
ledger is loaded again, a few states at most.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from beancount.core import data

from mtqgledger.figures.disbursement import LineFigures, arranged_report
from mtqgledger.figures.movements import (
    Movement,
    ReportProblem,
    budget_years,
    figures_by_line_through,
    movements,
)
from mtqgledger.model.catalogue import Catalogue
from mtqgledger.model.units import Units


class FilterState(NamedTuple):
    """Fava's filter parameters: the key a table is kept under."""

    account: str
    filter: str
    time: str


@dataclass
class YearTable:
    """The movements of lines that may be disbursed in one year, in date order."""

    year: int
    movements: list[Movement]
    dates: list[datetime.date] = field(init=False)

    def __post_init__(self) -> None:
        self.movements.sort(key=lambda move: move.date)
        self.dates = [move.date for move in self.movements]

    def until(self, day: datetime.date) -> list[Movement]:
        """The movements dated up to ``day`` (inclusive)."""
        return self.movements[:bisect.bisect_right(self.dates, day)]


@dataclass
class Table:
    """The movement table of one filter state, and what the page's selectors offer."""

    movements: list[Movement]
    error: str | None = None  # the books hold something the report cannot add up
    # (plan year, province, day) -> (plan, disbursed) of the report's total, for the chart
    totals: dict[tuple, tuple[int, int]] = field(default_factory=dict, repr=False)
    _years: dict[int, YearTable] = field(default_factory=dict, repr=False)

    @functools.cached_property
    def latest(self) -> datetime.date | None:
        """The date of the last movement: the default as-of date."""
        return max((move.date for move in self.movements), default=None)

    @functools.cached_property
    def years(self) -> list[int]:
        """The years in which money of the table may be disbursed."""
        return budget_years(self.movements)

    @functools.cached_property
    def provinces(self) -> list[str]:
        return sorted({move.line.province for move in self.movements})

    def of_year(self, year: int | None) -> list[Movement]:
        """The movements a report for plan year ``year`` adds up (all for None).

        The report keeps the same lines itself; handing it only these makes it
        several times faster on books of many years.
        """
        if year is None:
            return self.movements
        return self.year_table(year).movements

    def year_table(self, year: int) -> YearTable:
        found = self._years.get(year)
        if found is None:
            found = self._years[year] = YearTable(
                year, [move for move in self.movements if move.line.budget_year == year])
        return found


def table_of(entries: Iterable[data.Directive], units: Units | None = None) -> Table:
    return table_with(*movements(entries, units))


def table_with(moves: list[Movement], problems: list[ReportProblem]) -> Table:
    """The table of a movement table and its problems (the reason it is empty, if any)."""
    return Table(moves, "\n".join(problem.message for problem in problems) or None)


class TableCache:
    """Tables by filter state, dropped whenever the ledger is loaded again."""

    def __init__(self, size: int = 8) -> None:
        self._size = size
        self._tables: OrderedDict[FilterState, Table] = OrderedDict()
        self._lock = threading.Lock()
        self._generation = 0

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._tables.clear()

    def get(self, state: FilterState, entries: Callable[[], Iterable[data.Directive]],
            units: Units | None = None, made: Callable[[], Table] | None = None) -> Table:
        """The table of ``state``, computed from ``entries()`` the first time it is asked for
        (or given by ``made()``, e.g. read from the cache).

        One lock for all: two requests for a new state compute it once, and the
        year tables built inside a kept table are shared safely.
        """
        with self._lock:
            table = self._tables.get(state)
            if table is None:
                table = self._tables[state] = made() if made else table_of(entries(), units)
                while len(self._tables) > self._size:
                    self._tables.popitem(last=False)
            else:
                self._tables.move_to_end(state)
            for year in table.years:
                table.year_table(year)
            return table


def cumulative(table: Table, catalogue: Catalogue, year: int, days: Iterable[datetime.date], *,
               province: str | None = None) -> list[tuple[datetime.date, int, int]]:
    """(day, plan, disbursed) of the plan-year report's total as of each of ``days``.

    For the year's chart. Each figure is the total row of
    :func:`~mtqgledger.disbursement.disbursement_report` as of that day (its line figures
    summed up to each day in one pass over the year's movements); it is kept with the
    table, as it depends on nothing else (month ends do not move with the as-of date).
    """
    days = list(days)
    missing = sorted({day for day in days if (year, province, day) not in table.totals})
    through = figures_by_line_through(table.year_table(year).movements, missing)
    for day, by_line in through:
        report = arranged_report(LineFigures(by_line), catalogue, as_of=day, budget_year=year,
                                 province=province, by="program")
        table.totals[(year, province, day)] = (report.total.plan, report.total.disbursed)
    return [(day, *table.totals[(year, province, day)]) for day in days]
