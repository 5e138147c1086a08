"""The last day money may be advanced or paid: the one home of the deadline rules.

A capital type's rule is data in the catalogue (``spend_until``), written as a
day and a year relative to the plan year N::

    spend_until = "31/01 N+1"   # investment (ĐTPT): Law on Public Investment, art. 72
    spend_until = "31/12 N"     # recurrent money: the budget year

Money extended (kéo dài, chuyển nguồn) into a later year may be spent until the
extension's ``extend_to`` date, by default 31/12 of the year it was extended into.
The budget rules, the pace of disbursement and the report legends all ask here.
"""

from __future__ import annotations

import datetime
import re
from typing import NamedTuple

_RULE = re.compile(r"\s*(\d{1,2})\s*/\s*(\d{1,2})\s+N\s*(?:\+\s*(\d))?\s*")


class DeadlineRule(NamedTuple):
    """A day of the year and how many years after the plan year it falls."""

    day: int
    month: int
    years_after: int

    def for_year(self, plan_year: int) -> datetime.date:
        return datetime.date(plan_year + self.years_after, self.month, self.day)


def parse_rule(text: str) -> DeadlineRule:
    """``"31/01 N+1"`` → DeadlineRule(31, 1, 1); a bad rule raises ValueError."""
    match = _RULE.fullmatch(text)
    rule = None
    if match is not None:
        rule = DeadlineRule(int(match.group(1)), int(match.group(2)), int(match.group(3) or 0))
        try:
            rule.for_year(2024)  # a leap year: any real day of the year is accepted
        except ValueError:
            rule = None
    if rule is None:
        raise ValueError(f"spend_until {text!r}: expected a day and year such as "
                         "'31/01 N+1' or '31/12 N'")
    return rule


def spending_deadline(spend_until: str, plan_year: int) -> datetime.date:
    """The last day money of a capital type with this rule and plan year may be spent."""
    return parse_rule(spend_until).for_year(plan_year)


def extension_end(year: int) -> datetime.date:
    """Default last day of money extended into ``year`` (an extension's ``extend_to``)."""
    return datetime.date(year, 12, 31)
