"""Plan, payments, advances and disbursement ratios by programme → project → sub-project.

This is the one implementation of every disbursement figure: the CLI, the
Excel and HTML reports and the Fava page all call :func:`disbursement_report`.

Headline definition (as the State Treasury counts giải ngân)::

    disbursed  = payments + outstanding advances
    ratio      = disbursed / plan
    ratio_paid = payments / plan          (reported beside it)
    remaining  = plan - disbursed

Amounts are whole đồng (``int``); ratios are exact ``Decimal`` quotients,
rounded only when displayed.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from typing import NamedTuple

from beancount.core import data

from mtqgledger.model.accounts import Line, Root, parse_account
from mtqgledger.model.catalogue import Catalogue
from mtqgledger.model.titles import capital_title, line_title, source_title

LEVELS = ("program", "project", "subproject", "line")


class ReportError(ValueError):
    """The books hold something the report cannot add up (e.g. fractional đồng)."""


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
    """The net change of one line's figures on one day: the derived table reports run on."""

    line: Line
    date: datetime.date
    plan: int
    payments: int
    advances: int


def _whole_dong(posting: data.Posting, entry: data.Transaction) -> int:
    number = posting.units.number
    if posting.units.currency != "VND" or number != number.to_integral_value():
        where = f"{entry.meta.get('filename')}:{entry.meta.get('lineno')}"
        raise ReportError(f"{where}: {posting.account}: expected whole VND, found {posting.units}")
    return int(number)


# Which of (plan, payments, advances) a root's postings change, and with which sign.
_COLUMNS = {Root.ALLOCATED: (0, -1), Root.DISBURSED: (1, 1), Root.ADVANCE: (2, 1)}


def movements(entries: Iterable[data.Directive]) -> list[Movement]:
    """Reduce transactions to per-line, per-day changes of plan, payments and advances.

    Runs over every posting of a province's history, so each account is
    parsed once and lines are ranked once rather than compared per movement.
    """
    # account -> (line number, column, sign), or None for accounts reports ignore
    accounts: dict[str, tuple[int, int, int] | None] = {}
    lines: list[Line] = []
    numbers: dict[Line, int] = {}
    totals: dict[tuple[int, datetime.date], list[int]] = {}
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        for posting in entry.postings:
            target = accounts.get(posting.account, False)
            if target is False:
                parsed = parse_account(posting.account)
                target = None
                # Remaining is derived (plan - payments - advances): appropriation is skipped.
                if parsed is not None and parsed[0] is not Root.APPROPRIATION:
                    root, line = parsed
                    if line not in numbers:
                        numbers[line] = len(lines)
                        lines.append(line)
                    target = (numbers[line], *_COLUMNS[root])
                accounts[posting.account] = target
            if target is None:
                continue
            number, column, sign = target
            key = (number, entry.date)
            cell = totals.get(key)
            if cell is None:
                cell = totals[key] = [0, 0, 0]
            cell[column] += sign * _whole_dong(posting, entry)
    rank = {number: place for place, number in
            enumerate(sorted(range(len(lines)), key=lambda n: lines[n].sort_key))}
    ordered = sorted(totals.items(), key=lambda item: (rank[item[0][0]], item[0][1]))
    return [Movement(lines[number], day, *cell) for (number, day), cell in ordered]


def figures_by_line(
    table: Iterable[Movement],
    as_of: datetime.date | None = None,
    since: datetime.date | None = None,
) -> dict[Line, Figures]:
    """Sum the movements dated within [since, as_of] (either end open when None)."""
    sums: dict[Line, list[int]] = {}
    for line, day, plan, payments, advances in table:
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


@dataclass(frozen=True)
class ReportRow:
    """One row of the disbursement report; a None key means the row adds up over it."""

    level: str  # total | province | program | project | subproject | line
    province: str | None
    program: str | None
    project: str | None
    subproject: str | None
    source: str | None
    capital: str | None
    plan_year: int | None
    title: str
    figures: Figures = field(compare=False)
    budget_year: int | None = None
    extended_into: int | None = None

    plan = property(lambda self: self.figures.plan)
    payments = property(lambda self: self.figures.payments)
    advances = property(lambda self: self.figures.advances)
    disbursed = property(lambda self: self.figures.disbursed)
    remaining = property(lambda self: self.figures.remaining)

    @property
    def ratio(self) -> Decimal | None:
        return ratio(self.figures.disbursed, self.figures.plan)

    @property
    def ratio_paid(self) -> Decimal | None:
        return ratio(self.figures.payments, self.figures.plan)

    @property
    def phase(self) -> str | None:
        """'current' for a year's own money, 'extended' for money extended past its plan year."""
        if self.level == "line":
            return "current" if self.extended_into is None else "extended"
        if self.plan_year is None or self.budget_year is None:
            return None
        return "current" if self.plan_year == self.budget_year else "extended"

    @property
    def node(self) -> tuple:
        """The hierarchy node a row belongs to (its breakdown rows share it)."""
        return (self.level, self.province, self.program, self.project, self.subproject)

    @property
    def is_split(self) -> bool:
        """True for a capital / source / plan-year breakdown row of a node."""
        return self.level != "line" and any(
            value is not None for value in (self.source, self.capital, self.plan_year))

    def as_dict(self) -> dict[str, object]:
        return {
            "level": self.level, "province": self.province, "program": self.program,
            "project": self.project, "subproject": self.subproject, "source": self.source,
            "capital": self.capital, "plan_year": self.plan_year, "phase": self.phase,
            "extended_into": self.extended_into,
            "title": self.title, "plan": self.plan, "payments": self.payments,
            "advances": self.advances, "disbursed": self.disbursed,
            "remaining": self.remaining, "ratio": self.ratio, "ratio_paid": self.ratio_paid,
        }


@dataclass(frozen=True)
class DisbursementReport:
    as_of: datetime.date | None
    budget_year: int | None
    rows: tuple[ReportRow, ...]

    @property
    def total(self) -> ReportRow:
        return self.rows[0]

    @functools.cached_property
    def _extended_by_node(self) -> dict[tuple, int]:
        totals: dict[tuple, int] = {}
        for row in self.rows:
            if row.level != "line" and row.phase == "extended":
                totals[row.node] = totals.get(row.node, 0) + row.plan
        return totals

    @functools.cached_property
    def _splits_by_node(self) -> dict[tuple, list[ReportRow]]:
        splits: dict[tuple, list[ReportRow]] = {}
        for row in self.rows:
            if row.is_split:
                splits.setdefault(row.node, []).append(row)
        return splits

    def splits(self, row: ReportRow) -> list[ReportRow]:
        """The capital, source and plan-year breakdown rows of the row's node."""
        return self._splits_by_node.get(row.node, [])

    @property
    def has_extended(self) -> bool:
        """True if earlier years' money extended into the budget year is in the report."""
        return bool(self._extended_by_node)

    def extended_plan(self, row: ReportRow) -> int:
        """Of a row's plan, the money of earlier years extended into the budget year.

        Known per node and for plan-year breakdown rows; capital and source
        breakdown rows carry 0, as the report has no capital × plan-year split.
        """
        own = row.plan if row.phase == "extended" else 0
        return own if row.is_split else self._extended_by_node.get(row.node, own)

    def find(self, **keys: object) -> ReportRow:
        """The unique row whose keys equal ``keys`` and whose other keys are None."""
        names = ("province", "program", "project", "subproject", "source", "capital",
                 "plan_year")
        wanted = {name: keys.get(name) for name in names}
        level = keys.get("level")
        matches = [row for row in self.rows
                   if all(getattr(row, name) == value for name, value in wanted.items())
                   and (level is None or row.level == level)]
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} rows match {keys}")
        return matches[0]


class _Titles:
    """Vietnamese titles for codes, from the catalogue."""

    def __init__(self, catalogue: Catalogue, budget_year: int | None):
        self.catalogue = catalogue
        self.budget_year = budget_year

    def source(self, code: str) -> str:
        return source_title(self.catalogue, code)

    def capital(self, code: str) -> str:
        return capital_title(self.catalogue, code)

    def province(self, code: str) -> str:
        known = self.catalogue.provinces.get(code)
        return known.title_vi if known else code

    def item(self, path: Sequence[str]) -> str:
        return self.catalogue.title(path) or f"{'/'.join(path)} (chưa có trong danh mục)"

    def plan_year(self, year: int) -> str:
        if self.budget_year is None or year == self.budget_year:
            return f"Kế hoạch năm {year}"
        return f"Vốn năm {year} kéo dài sang {self.budget_year}"

    def line(self, line: Line) -> str:
        return line_title(self.catalogue, line, with_item=False)


def _sum(figures: Iterable[Figures]) -> Figures:
    total = Figures()
    for item in figures:
        total += item
    return total


_KEY_FIELDS = ("province", "program", "project", "subproject")


class _Builder:
    def __init__(self, titles: _Titles, depth: str, split_years: bool, budget_year: int | None):
        self.titles = titles
        self.depth = LEVELS.index(depth)
        self.split_years = split_years
        self.budget_year = budget_year
        self.rows: list[ReportRow] = []

    def node(self, level: str, keys: dict[str, str | None], title: str,
             lines: list[tuple[Line, Figures]]) -> None:
        """Emit a node's total row and its capital / source / plan-year breakdown."""
        def row(title: str, figures: Figures, **split: object) -> ReportRow:
            values = {name: keys.get(name) for name in _KEY_FIELDS}
            return ReportRow(level, **values, source=split.get("source"),
                             capital=split.get("capital"), plan_year=split.get("plan_year"),
                             title=title, figures=figures, budget_year=self.budget_year)

        self.rows.append(row(title, _sum(f for _, f in lines)))
        splits = ["capital", "source"] + (["plan_year"] if self.split_years else [])
        for split in splits:
            def key(pair: tuple[Line, Figures], split: str = split) -> object:
                return getattr(pair[0], split)

            for value, group in groupby(sorted(lines, key=key), key=key):
                label = getattr(self.titles, split)(value)
                self.rows.append(row(label, _sum(f for _, f in group), **{split: value}))

    def line(self, line: Line, figures: Figures) -> None:
        self.rows.append(ReportRow(
            "line", line.province, line.program, line.project, line.subproject, line.source,
            line.capital, line.plan_year, self.titles.line(line), figures, self.budget_year,
            line.extended_into))

    def tree(self, lines: list[tuple[Line, Figures]], several_provinces: bool) -> None:
        self.node("total", {}, "Tổng số", lines)
        by_province = groupby(lines, key=lambda pair: pair[0].province)
        for province, province_lines in by_province:
            province_lines = list(province_lines)
            if several_provinces:
                self.node("province", {"province": province}, self.titles.province(province),
                          province_lines)
            for program, program_lines in groupby(province_lines, key=lambda p: p[0].program):
                self._program(province, program, list(program_lines))

    def _program(self, province: str, program: str, lines: list[tuple[Line, Figures]]) -> None:
        keys = {"province": province, "program": program}
        self.node("program", keys, self.titles.item([program]), lines)
        if self.depth < LEVELS.index("project"):
            return
        for project, project_lines in groupby(lines, key=lambda p: p[0].project):
            project_lines = list(project_lines)
            project_keys = {**keys, "project": project}
            self.node("project", project_keys, self.titles.item([program, project]),
                      project_lines)
            for sub, sub_lines in groupby(project_lines, key=lambda p: p[0].subproject or ""):
                sub_lines = list(sub_lines)
                if sub and self.depth >= LEVELS.index("subproject"):
                    self.node("subproject", {**project_keys, "subproject": sub},
                              self.titles.item([program, project, sub]), sub_lines)
                if self.depth >= LEVELS.index("line"):
                    for line, figures in sub_lines:
                        self.line(line, figures)


def disbursement_report(
    table: Iterable[Movement],
    catalogue: Catalogue,
    *,
    as_of: datetime.date | None = None,
    budget_year: int | None = None,
    province: str | None = None,
    program: str | None = None,
    by: str = "subproject",
) -> DisbursementReport:
    """The disbursement report as rows: total, then programme → project → sub-project → line.

    ``budget_year`` keeps the money that may be disbursed in that year: the
    year's own plan and earlier years' money extended or carried into it
    (shown apart by the ``plan_year`` breakdown rows). ``None`` keeps all.
    """
    if by not in LEVELS:
        raise ValueError(f"by must be one of {', '.join(LEVELS)}, not {by!r}")
    selected = [
        (line, figures)
        for line, figures in figures_by_line(table, as_of=as_of).items()
        if (budget_year is None or line.budget_year == budget_year)
        and (province is None or line.province == province)
        and (program is None or line.program == program)
    ]
    selected.sort(key=lambda pair: pair[0].sort_key)
    builder = _Builder(_Titles(catalogue, budget_year), by,
                       split_years=len({line.plan_year for line, _ in selected}) > 1,
                       budget_year=budget_year)
    builder.tree(selected, several_provinces=len({line.province for line, _ in selected}) > 1)
    return DisbursementReport(as_of, budget_year, tuple(builder.rows))
