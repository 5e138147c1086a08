"""Plan, payments, advances and disbursement ratios by programme → project → sub-project.

With ``by="unit"`` the spending units of each item's lines follow the item's row,
each with its plan and figures on those lines (level ``"unit"``).

This is the one implementation of every disbursement figure: the CLI, the
Excel and HTML reports, the audit workbook and the Fava page all call
:func:`disbursement_report` over the movement table (:mod:`.movements`)::

    disbursed  = payments + outstanding advances
    ratio      = disbursed / plan
    ratio_paid = payments / plan          (reported beside it)
    remaining  = plan - disbursed
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from mtqgledger.figures.extension import Extensions, plan_year_heading
from mtqgledger.figures.movements import (
    Figures,
    Movement,
    figures_by_line,
    figures_by_unit,
    ratio,
)
from mtqgledger.model.accounts import Line
from mtqgledger.model.catalogue import LEVELS as ITEM_LEVELS
from mtqgledger.model.catalogue import Capital, Catalogue
from mtqgledger.model.titles import (
    TOTAL,
    capital_title,
    item_title,
    line_title,
    province_row_title,
    source_title,
    unit_title,
)
from mtqgledger.model.units import NO_UNIT, UnitRef

LEVELS = (*ITEM_LEVELS, "line", "unit")
SPLITS = ("capital", "source", "plan_year")
KEYS = ("province", "program", "project", "subproject", "content", "source", "capital",
        "plan_year")
# A row as data (JSON, CSV): its level, keys, titles and figures, in this order.
ROW_KEYS = ("level", *KEYS, "unit", "unit_code", "phase", "extended_into", "title", "plan",
            "payments", "advances", "disbursed", "remaining", "ratio", "ratio_paid")


@dataclass(frozen=True)
class ReportRow:
    """One row of the disbursement report; a None key means the row adds up over it."""

    level: str  # total | province | program | project | subproject | content | line | unit
    province: str | None
    item_path: tuple[str, ...]  # the row's programme item; () above programme level
    source: str | None
    capital: str | None
    plan_year: int | None
    title: str
    figures: Figures = field(compare=False)
    budget_year: int | None = None
    line: Line | None = None  # the line of a line row
    spending_unit: UnitRef | None = None  # the unit of a unit row (NO_UNIT: none written)

    plan = property(lambda self: self.figures.plan)
    payments = property(lambda self: self.figures.payments)
    advances = property(lambda self: self.figures.advances)
    disbursed = property(lambda self: self.figures.disbursed)
    remaining = property(lambda self: self.figures.remaining)

    def _item(self, depth: int) -> str | None:
        return self.item_path[depth] if len(self.item_path) > depth else None

    program = property(lambda self: self._item(0))
    project = property(lambda self: self._item(1))
    subproject = property(lambda self: self._item(2))
    content = property(lambda self: self._item(3))

    @property
    def unit(self) -> str | None:
        """The unit's name as the decision writes it; None on a unit row of money no unit
        was named for."""
        return (self.spending_unit.name or None) if self.spending_unit is not None else None

    @property
    def unit_code(self) -> str | None:
        """The unit's Mã ĐVQHNS, None when unknown."""
        return (self.spending_unit.code or None) if self.spending_unit is not None else None

    @property
    def extended_into(self) -> int | None:
        return self.line.extended_into if self.line is not None else None

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
        return (self.level, self.province, self.item_path, self.spending_unit)

    @property
    def is_split(self) -> bool:
        """True for a capital / source / plan-year breakdown row of a node."""
        return self.level != "line" and any(
            value is not None for value in (self.source, self.capital, self.plan_year))

    def as_dict(self) -> dict[str, object]:
        return {key: getattr(self, key) for key in ROW_KEYS}


@dataclass(frozen=True)
class DisbursementReport:
    as_of: datetime.date | None
    budget_year: int | None
    rows: tuple[ReportRow, ...]
    capitals: dict[str, Capital] = field(default_factory=dict, repr=False)  # their rules

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

    def shown_in_forms(self, row: ReportRow) -> bool:
        """Whether the table and the quarterly form show the row: every node, and, when
        earlier years' money is extended into the year, the total's plan-year rows (the
        year's own plan and each extended year's money apart, as NQ 257 reports ask)."""
        return not row.is_split or (self.has_extended and row.level == "total"
                                    and row.plan_year is not None)

    def find(self, **keys: object) -> ReportRow:
        """The unique row whose keys equal ``keys`` and whose other keys are None."""
        wanted = {name: keys.get(name) for name in KEYS}
        level = keys.get("level")
        matches = [row for row in self.rows
                   if all(getattr(row, name) == value for name, value in wanted.items())
                   and (level is None or row.level == level)]
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} rows match {keys}")
        return matches[0]


def _sum(figures: Iterable[Figures]) -> Figures:
    total = Figures()
    for item in figures:
        total += item
    return total


Pairs = list[tuple[Line, Figures]]


class _Builder:
    def __init__(self, catalogue: Catalogue, depth: str, split_years: bool,
                 budget_year: int | None, extensions: Extensions,
                 titles: Callable[[str], Catalogue] | None = None):
        self.catalogue = catalogue
        self.titles = titles or (lambda _province: catalogue)
        self.depth = LEVELS.index(depth)
        self.split_years = split_years
        self.budget_year = budget_year
        self.rows: list[ReportRow] = []
        self.unit_figures: dict[Line, list[tuple[UnitRef, Figures]]] = {}

        self.split_titles: dict[str, Callable[[object], str]] = {
            "capital": lambda code: capital_title(catalogue, code),
            "source": lambda code: source_title(catalogue, code),
            "plan_year": lambda year: plan_year_heading(extensions, year, budget_year),
        }

    def node(self, level: str, province: str | None, path: tuple[str, ...], title: str,
             lines: Pairs, unit: UnitRef | None = None) -> None:
        """Emit a node's total row and its capital / source / plan-year breakdown."""
        def row(title: str, figures: Figures, **split: object) -> ReportRow:
            return ReportRow(level, province, path, source=split.get("source"),
                             capital=split.get("capital"), plan_year=split.get("plan_year"),
                             title=title, figures=figures, budget_year=self.budget_year,
                             spending_unit=unit)

        self.rows.append(row(title, _sum(f for _, f in lines)))
        for split in SPLITS[:3 if self.split_years else 2]:
            def key(pair: tuple[Line, Figures], split: str = split) -> object:
                return getattr(pair[0], split)

            for value, group in groupby(sorted(lines, key=key), key=key):
                label = self.split_titles[split](value)
                self.rows.append(row(label, _sum(f for _, f in group), **{split: value}))

    def line(self, line: Line, figures: Figures) -> None:
        self.rows.append(ReportRow(
            "line", line.province, line.item_path, line.source, line.capital, line.plan_year,
            line_title(self.titles(line.province), line, with_item=False), figures,
            self.budget_year,
            line))

    def units(self, province: str, path: tuple[str, ...], lines: list[Line]) -> None:
        """The spending units of an item's own lines, each with its figures on them."""
        by_unit: dict[UnitRef, Pairs] = {}
        for line in lines:
            for unit, figures in self.unit_figures.get(line, ()):
                by_unit.setdefault(unit, []).append((line, figures))
        # By name; money no unit was named for last.
        for unit in sorted(by_unit, key=lambda unit: (unit == NO_UNIT, unit)):
            self.node("unit", province, path, unit_title(unit.name), by_unit[unit], unit)

    def tree(self, lines: Pairs, home: Callable[[Line], str]) -> None:
        """The total, then per province (if several) each programme's tree; a line is under
        ``home(line)``, its own province or the one that took it over."""
        self.node("total", None, (), TOTAL, lines)
        several_provinces = len({home(line) for line, _ in lines}) > 1
        for province, group in groupby(lines, key=lambda pair: home(pair[0])):
            province_lines = list(group)
            if several_provinces:
                self.node("province", province, (), province_row_title(self.catalogue, province),
                          province_lines)
            for program, program_lines in groupby(province_lines, key=lambda p: p[0].program):
                self.item(province, (program,), list(program_lines))

    def item(self, province: str, path: tuple[str, ...], lines: Pairs) -> None:
        """A programme item's node, its own lines, then the items below it."""
        level = LEVELS[len(path) - 1]
        self.node(level, province, path, item_title(self.titles(province), path), lines)
        if self.depth <= LEVELS.index(level):
            return
        depth = len(path)
        if self.depth == LEVELS.index("line"):
            for line, figures in lines:
                if len(line.item_path) == depth:
                    self.line(line, figures)
        elif self.depth == LEVELS.index("unit"):
            self.units(province, path, [line for line, _ in lines
                                        if len(line.item_path) == depth])
        deeper = [pair for pair in lines if len(pair[0].item_path) > depth]
        for code, group in groupby(deeper, key=lambda pair: pair[0].item_path[depth]):
            self.item(province, (*path, code), list(group))


def disbursement_report(
    table: Iterable[Movement],
    catalogue: Catalogue,
    *,
    as_of: datetime.date | None = None,
    budget_year: int | None = None,
    province: str | None = None,
    program: str | None = None,
    by: str = "content",
    extensions: Extensions | None = None,
    merged_apart: bool = False,
) -> DisbursementReport:
    """The disbursement report as rows: total, then programme → project → sub-project → line
    (or, ``by="unit"``, each item's spending units).

    ``budget_year`` keeps the money that may be disbursed in that year: the
    year's own plan and earlier years' money extended or carried into it
    (shown apart by the ``plan_year`` breakdown rows, titled with the decisions in
    ``extensions`` that extended it). ``None`` keeps all.

    Books of a province merged away on 1/7/2025 belong to its successor: ``province``
    TuyenQuang keeps the lines booked under HaGiang too, added up with Tuyên Quang's
    unless ``merged_apart`` shows them as a province of their own, "Hà Giang (cũ)".
    """
    if by not in LEVELS:
        raise ValueError(f"by must be one of {', '.join(LEVELS)}, not {by!r}")
    table = table if isinstance(table, list | tuple) else list(table)
    return arranged_report(
        LineFigures(figures_by_line(table, as_of=as_of),
                    figures_by_unit(table, as_of=as_of) if by == "unit" else {}),
        catalogue, as_of=as_of, budget_year=budget_year, province=province, program=program,
        by=by, extensions=extensions, merged_apart=merged_apart)


@dataclass(frozen=True)
class LineFigures:
    """Every line's figures as of a day (and, for a report by unit, each unit's on it): what
    the report adds up. From the movement table (figures_by_line, figures_by_unit) or from
    the same sums in SQL (movements.LINE_FIGURES_SQL, over Parquet)."""

    by_line: dict[Line, Figures]
    by_unit: dict[tuple[Line, UnitRef], Figures] = field(default_factory=dict)


def arranged_report(
    figures: LineFigures,
    catalogue: Catalogue,
    *,
    as_of: datetime.date | None = None,
    budget_year: int | None = None,
    province: str | None = None,
    program: str | None = None,
    by: str = "content",
    extensions: Extensions | None = None,
    merged_apart: bool = False,
    titles: Callable[[str], Catalogue] | None = None,
) -> DisbursementReport:
    """:func:`disbursement_report` of lines already added up (``titles``: the catalogue whose
    titles a province's rows take, when provinces' books name items of their own)."""
    @functools.cache
    def current(code: str) -> str:
        known = catalogue.provinces.get(code)
        return catalogue.current_province(code).code if known is not None else code

    def home(line: Line) -> str:
        return line.province if merged_apart else current(line.province)

    selected = [
        (line, line_figures)
        for line, line_figures in figures.by_line.items()
        if (budget_year is None or line.budget_year == budget_year)
        and (province is None or line.province == province
             or current(line.province) == province)
        and (program is None or line.program == program)
    ]
    # A merged province's lines join its successor's items, in catalogue order.
    selected.sort(key=lambda pair: (home(pair[0]), pair[0].sort_key[1:], pair[0].province))
    builder = _Builder(catalogue, by, budget_year=budget_year,
                       # extended money is shown apart even when it is all there is
                       split_years=len({line.plan_year for line, _ in selected}) > 1
                       or any(line.is_extended for line, _ in selected),
                       extensions=extensions or {}, titles=titles)
    if by == "unit":
        kept = {line for line, _ in selected}
        for (line, unit), unit_figures in figures.by_unit.items():
            if line in kept:
                builder.unit_figures.setdefault(line, []).append((unit, unit_figures))
    builder.tree(selected, home)
    return DisbursementReport(as_of, budget_year, tuple(builder.rows), catalogue.capitals)
