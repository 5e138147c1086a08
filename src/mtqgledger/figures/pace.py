"""Disbursement pace: where a row ends up at its deadline if it goes on as it has so far.

For a row of a plan-year report as of a day:

- the deadline is the latest last day of spending (mtqgledger.model.deadlines) of
  the plan year's own money the row holds, by capital type: 31/01 of the next
  year for investment (ĐTPT), 31/12 of the plan year for recurrent money; money
  of earlier years extended into the year, and a row without a plan, 31/12;
- the projected ratio assumes the rest of the time goes as the time since
  1 January did: disbursed × (days from 1/1 to deadline) / (days from 1/1 to
  as-of), over the plan;
- the monthly amount needed is what is still missing to the target
  (default 95 %), spread over the months left (at least one month);
- a row is behind when its projected ratio falls short of the target;
- a unit's "điểm chậm" is the share of the year elapsed minus its ratio: a unit
  that has disbursed 30 % when 75 % of the year is gone is 45 points behind.

Figures come from :class:`~mtqgledger.figures.disbursement.ReportRow`; nothing is summed here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from mtqgledger.figures.disbursement import DisbursementReport, ReportRow
from mtqgledger.model.deadlines import extension_end, spending_deadline

TARGET = Decimal("0.95")
DAYS_PER_MONTH = Decimal("365.25") / 12


@dataclass(frozen=True)
class Pace:
    deadline: datetime.date
    projected_ratio: Decimal | None  # None where there is no plan
    monthly_needed: int  # đồng a month from as-of to the deadline to reach the target
    behind: bool


def _current_capitals(report: DisbursementReport, row: ReportRow) -> set[str]:
    """The capital types of the budget year's own money the row holds."""
    if row.level == "line":
        return set() if row.extended_into is not None else {row.capital}
    if row.plan_year is not None and row.plan_year != report.budget_year:
        return set()  # a plan-year breakdown row of extended money
    if row.capital is not None and row.plan > 0:
        return {row.capital}
    # A node, or a source / plan-year breakdown row: as far as the report splits (there
    # is no capital × plan-year split), the capitals its node holds.
    return {other.capital for other in report.splits(row)
            if other.capital is not None and other.plan > 0
            and (row.capital is None or other.capital == row.capital)}


def deadline_of(report: DisbursementReport, row: ReportRow) -> datetime.date:
    year = report.budget_year if report.budget_year is not None else row.plan_year
    if year is None:
        raise ValueError("pace needs a report for one plan year (budget_year)")
    rules = report.capitals
    return max((spending_deadline(rules[code].spend_until, year)
                for code in _current_capitals(report, row) if code in rules),
               default=extension_end(year))


def pace_of(report: DisbursementReport, row: ReportRow, as_of: datetime.date,
            target: Decimal = TARGET) -> Pace:
    """The row's projected ratio at its deadline and the monthly amount the target needs."""
    deadline = deadline_of(report, row)
    if row.plan <= 0:
        return Pace(deadline, None, 0, False)
    start = datetime.date(deadline.year if deadline.month == 12 else deadline.year - 1, 1, 1)
    if as_of >= deadline:
        projected = Decimal(row.disbursed) / row.plan
    else:
        elapsed = max((as_of - start).days + 1, 1)
        whole = (deadline - start).days + 1
        projected = Decimal(row.disbursed) * whole / elapsed / row.plan
    wanted = int((target * row.plan).to_integral_value(ROUND_CEILING))
    missing = max(wanted - row.disbursed, 0)
    months = max(Decimal((deadline - as_of).days) / DAYS_PER_MONTH, Decimal(1))
    monthly = int((missing / months).to_integral_value(ROUND_CEILING))
    return Pace(deadline, projected, monthly, projected < target)


def year_elapsed(year: int, as_of: datetime.date) -> Decimal:
    """The share of the plan year gone by ``as_of`` (0 before it starts, 1 after it ends)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if as_of < start:
        return Decimal(0)
    if as_of >= end:
        return Decimal(1)
    return Decimal((as_of - start).days + 1) / ((end - start).days + 1)


@dataclass(frozen=True)
class Slow:
    """A unit row, its pace and how far its ratio lags the year (điểm chậm, a fraction)."""

    row: ReportRow
    pace: Pace
    behind_by: Decimal


def units_behind(report: DisbursementReport) -> list[Slow]:
    """The unit rows of a plan-year report whose ratio lags the share of the year elapsed,
    worst first (money no unit was named for is not a unit)."""
    if report.budget_year is None or report.as_of is None:
        return []
    elapsed = year_elapsed(report.budget_year, report.as_of)
    found = [Slow(row, pace_of(report, row, report.as_of), elapsed - row.ratio)
             for row in report.rows
             if row.level == "unit" and row.unit and not row.is_split and row.ratio is not None
             and row.ratio < elapsed]
    return sorted(found, key=lambda slow: (-slow.behind_by, slow.row.unit or ""))
