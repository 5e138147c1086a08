"""Figures of the quarterly disbursement report, from the one disbursement function.

Each row of :func:`quarterly_rows` is a row of :func:`disbursement_report` at the
quarter's end (plan of the year, payments, advances, cumulative disbursed), with
what the quarterly form adds: the plan extended from earlier years, the amount
disbursed within the quarter and the same quarter's cumulative ratio a year
earlier. No figure is computed a second way.

The extended share comes from DisbursementReport.extended_plan (see its limits).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from mtqgledger.catalogue import Catalogue
from mtqgledger.disbursement import DisbursementReport, Movement, ReportRow, disbursement_report

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


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
        return f"QUÝ {ROMAN[self.number]} NĂM {self.year}"

    def a_year_earlier(self) -> Quarter:
        return Quarter(self.year - 1, self.number)


def _key(row: ReportRow) -> tuple:
    return (row.level, row.province, row.program, row.project, row.subproject, row.source,
            row.capital, row.plan_year)


@dataclass(frozen=True)
class QuarterRow:
    """A report row at the quarter's end, with the quarterly form's extra columns."""

    row: ReportRow
    extended_plan: int  # of the plan: money of earlier years extended into this one
    disbursed_in_quarter: int
    ratio_a_year_earlier: Decimal | None


def quarterly_rows(table: Iterable[Movement], catalogue: Catalogue, quarter: Quarter, *,
                   province: str | None = None, program: str | None = None,
                   by: str = "subproject") -> list[QuarterRow]:
    """The quarterly report's rows for plan year ``quarter.year``, in report order."""
    table = list(table)

    def report(as_of: datetime.date, year: int) -> DisbursementReport:
        return disbursement_report(table, catalogue, as_of=as_of, budget_year=year,
                                   province=province, program=program, by=by)

    at_end = report(quarter.end, quarter.year)
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
