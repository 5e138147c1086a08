"""Figures of the quarterly disbursement report, from the one disbursement function.

Each row of :func:`quarterly_rows` is a row of :func:`disbursement_report` at the
quarter's end (plan of the year, payments, advances, cumulative disbursed), with
what the quarterly form adds: the plan extended from earlier years, the amount
disbursed within the quarter and the same quarter's cumulative ratio a year
earlier. No figure is computed a second way.

The extended share comes from DisbursementReport.extended_plan (see its limits).
:func:`quarterly_report` shapes those rows into the form a province sends up:
one numbered line per programme / project / sub-project with its plan split by
source and capital type, and the pace of :mod:`mtqgledger.figures.pace`.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from mtqgledger.figures.disbursement import DisbursementReport, ReportRow, disbursement_report
from mtqgledger.figures.extension import Extensions
from mtqgledger.figures.movements import Movement
from mtqgledger.figures.pace import TARGET, Pace, pace_of
from mtqgledger.model.catalogue import Catalogue
from mtqgledger.model.titles import committee_title, quarter_title


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1..4

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """'2025Q3' (also '2025-Q3', 'Q3/2025')."""
        match = re.fullmatch(r"\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*|\s*[Qq]([1-4])\s*/\s*(\d{4})\s*",
                             text)
        if match is None:
            raise ValueError(f"expected a quarter such as 2025Q3, not {text!r}")
        year, number = (match.group(1), match.group(2)) if match.group(1) else \
            (match.group(4), match.group(3))
        return cls(int(year), int(number))

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> datetime.date:
        following = datetime.date(self.year + self.number // 4, 3 * self.number % 12 + 1, 1)
        return following - datetime.timedelta(days=1)

    @property
    def title(self) -> str:
        return quarter_title(self.year, self.number)

    def a_year_earlier(self) -> Quarter:
        return Quarter(self.year - 1, self.number)


def _key(row: ReportRow) -> tuple:
    return (row.level, row.province, row.item_path, row.source, row.capital, row.plan_year,
            row.spending_unit)


@dataclass(frozen=True)
class QuarterRow:
    """A report row at the quarter's end, with the quarterly form's extra columns."""

    row: ReportRow
    extended_plan: int  # of the plan: money of earlier years extended into this one
    disbursed_in_quarter: int
    ratio_a_year_earlier: Decimal | None


def quarterly_rows(table: Iterable[Movement], catalogue: Catalogue, quarter: Quarter, *,
                   province: str | None = None, program: str | None = None,
                   by: str = "content", extensions: Extensions | None = None,
                   ) -> list[QuarterRow]:
    """The quarterly report's rows for plan year ``quarter.year``, in report order."""
    report = _reporter(table, catalogue, province, program, by, extensions)
    return _rows_of(report(quarter.end, quarter.year), report, quarter)


Reporter = Callable[[datetime.date, int], DisbursementReport]


def _reporter(table: Iterable[Movement], catalogue: Catalogue, province: str | None,
              program: str | None, by: str, extensions: Extensions | None,
              merged_apart: bool = False) -> Reporter:
    """The disbursement report of these books and filters, as of a day, for a plan year."""
    table = list(table)

    def report(as_of: datetime.date, year: int) -> DisbursementReport:
        return disbursement_report(table, catalogue, as_of=as_of, budget_year=year,
                                   province=province, program=program, by=by,
                                   extensions=extensions, merged_apart=merged_apart)

    return report


def _rows_of(at_end: DisbursementReport, report: Reporter, quarter: Quarter,
             ) -> list[QuarterRow]:
    before = {_key(row): row for row in
              report(quarter.start - datetime.timedelta(days=1), quarter.year).rows}
    earlier = quarter.a_year_earlier()
    last_year = {_key(row): row for row in report(earlier.end, earlier.year).rows}
    result = []
    for row in at_end.rows:
        start = before.get(_key(row))
        previous = last_year.get(_key(row))
        result.append(QuarterRow(row, at_end.extended_plan(row),
                                 row.disbursed - (start.disbursed if start else 0),
                                 previous.ratio if previous else None))
    return result


_LETTERS = "abcdefghiklmnopqrstuvxy"  # Vietnamese forms skip j, w and z
_ROMANS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII",
           "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX")


def _roman(number: int) -> str:
    return _ROMANS[number - 1] if number <= len(_ROMANS) else str(number)


def _letter(number: int) -> str:
    return _LETTERS[number - 1] if number <= len(_LETTERS) else str(number)


@dataclass(frozen=True)
class FormLine:
    """One numbered line of the quarterly form: a programme, project or sub-project (or total)."""

    number: str  # STT: "" for the total, A/B provinces, I/II programmes, 1/2 projects, a/b subs
    figures: QuarterRow
    plan_by_source: dict[str, int | None]  # None on a plan-year row of the total
    plan_by_capital: dict[str, int | None]
    ratio_by_capital: dict[str, Decimal | None]
    pace: Pace

    @property
    def row(self) -> ReportRow:
        return self.figures.row


@dataclass(frozen=True)
class QuarterlyReport:
    """The quarterly disbursement form, as every output (xlsx, html, Fava) shows it."""

    quarter: Quarter
    province: str | None
    committee: str
    target: Decimal
    sources: tuple[str, ...]  # source columns: the default sources, then any other present
    capitals: tuple[str, ...]  # capital-type columns, in catalogue order
    lines: tuple[FormLine, ...]
    catalogue: Catalogue = field(repr=False, compare=False)
    # "Chi tiết theo đơn vị": the same lines with each item's spending units below it
    unit_lines: tuple[FormLine, ...] = ()

    @property
    def as_of(self) -> datetime.date:
        return self.quarter.end

    @property
    def total(self) -> FormLine:
        return self.lines[0]


def _numbering(row: ReportRow, counters: dict[str, int]) -> str:
    """Advance the counter of the row's level and reset those below it."""
    order = ("province", "program", "project", "subproject", "content")
    if row.level == "unit":
        return "+"
    if row.level not in order:
        return ""
    counters[row.level] = counters.get(row.level, 0) + 1
    for deeper in order[order.index(row.level) + 1:]:
        counters.pop(deeper, None)
    count = counters[row.level]
    return {"province": chr(ord("A") + count - 1) if count <= 26 else str(count),
            "program": _roman(count), "project": str(count),
            "subproject": _letter(count), "content": "-"}[row.level]


def quarterly_report(table: Iterable[Movement], catalogue: Catalogue, quarter: Quarter, *,
                     province: str | None = None, program: str | None = None,
                     target: Decimal = TARGET,
                     extensions: Extensions | None = None,
                     merged_apart: bool = False) -> QuarterlyReport:
    """The quarterly form for plan year ``quarter.year``, figures to the quarter's end.

    Where the year holds money extended from earlier years, the total is followed by
    "Trong đó" rows: the year's own plan, and each earlier year's money, apart. The
    unit lines repeat the form with each item's spending units below it.
    """
    return quarterly_form(_reporter(table, catalogue, province, program, "unit", extensions,
                                    merged_apart), catalogue, quarter, province=province,
                          target=target)


def quarterly_form(report_by_unit: Reporter, catalogue: Catalogue, quarter: Quarter, *,
                   province: str | None = None, target: Decimal = TARGET) -> QuarterlyReport:
    """:func:`quarterly_report` of the reports ``report_by_unit`` gives (by unit, as of a day,
    for a plan year): the books' movement table's, or the national roll-up's."""
    by_unit = functools.cache(report_by_unit)

    def by_item(as_of: datetime.date, year: int) -> DisbursementReport:
        # The report by item is the report by unit without its unit rows: worked out once.
        report = by_unit(as_of, year)
        return dataclasses.replace(report, rows=tuple(row for row in report.rows
                                                      if row.level != "unit"))

    capitals = tuple(catalogue.capitals)
    lines: dict[str, tuple[FormLine, ...]] = {}
    sources: tuple[str, ...] = ()
    for by, report in (("content", by_item), ("unit", by_unit)):
        at_end = report(quarter.end, quarter.year)
        sources = sources or _sources(at_end, catalogue)
        lines[by] = _form_lines(at_end, report, quarter, sources, capitals, target)
    provinces = {line.row.province for line in lines["content"] if line.row.province}
    only = province or (next(iter(provinces)) if len(provinces) == 1 else None)
    return QuarterlyReport(quarter, only, committee_title(catalogue, only), target, sources,
                           capitals, lines["content"], catalogue, lines["unit"])


def _sources(at_end: DisbursementReport, catalogue: Catalogue) -> tuple[str, ...]:
    """The source columns: the default sources, then any other the report holds."""
    main = tuple(code for code, source in catalogue.sources.items() if source.default)
    present = {row.source for row in at_end.rows if row.source and row.is_split}
    return main + tuple(sorted(present - set(main)))


def _form_lines(at_end: DisbursementReport, report: Reporter, quarter: Quarter,
                sources: tuple[str, ...], capitals: tuple[str, ...], target: Decimal,
                ) -> tuple[FormLine, ...]:
    counters: dict[str, int] = {}
    lines = []
    for item in _rows_of(at_end, report, quarter):
        row = item.row
        if not at_end.shown_in_forms(row):
            continue
        # A plan-year row of the total has no split by source or capital type of its own.
        parts = [] if row.is_split else at_end.splits(row)
        by_capital = {part.capital: part for part in parts if part.capital}
        lines.append(FormLine(
            number=_numbering(row, counters),
            figures=item,
            plan_by_source={code: sum(part.plan for part in parts if part.source == code)
                            if parts else None for code in sources},
            plan_by_capital={code: by_capital[code].plan if code in by_capital else
                             (0 if parts else None) for code in capitals},
            ratio_by_capital={code: by_capital[code].ratio if code in by_capital else None
                              for code in capitals},
            pace=pace_of(at_end, row, quarter.end, target)))
    return tuple(lines)
