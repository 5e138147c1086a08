"""Fava's filters of the current request, and their errors as Fava words them.

Fava reports a filter it cannot read by raising :class:`fava.core.filters.FilterError`
(``Failed to parse filter: …``, ``Illegal character …``, ``Failed to parse date: …``);
its own pages show that message in place of the report. Some bad values escape
as other exceptions in Fava 1.30: a time filter naming a month or day that does
not exist (``2025-13``, ``2025-02-30``) or ending before it begins (``2025 to
2024``) raises ``ValueError`` from ``fava.util.date``, and an account filter that is not a regular
expression (``[``) raises ``re.error`` from Beancount's ``has_component``. Fava's
own pages then fail with a bare "HTTP 500"; here they become FilterErrors too, so
that the page and its downloads report every bad filter the same way.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from fava.core.filters import FilterError, TimeFilter, TimeFilterParseError
from fava.util.date import DateRange, parse_date

from mtqgledger.fava_ext.tables import FilterState
from mtqgledger.model.text import bilingual

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Mapping

    from fava.core import FavaLedger, FilteredLedger

FILTERS = ("account", "filter", "time")
# Fava's filter fields by FilterError.filter_type, in Vietnamese and in Fava's English.
FILTER_TITLES = {"time": ("bộ lọc thời gian", "time filter"),
                 "account": ("bộ lọc tài khoản", "account filter"),
                 "filter": ("bộ lọc nâng cao", "advanced filter")}


def filter_state(args: Mapping[str, str]) -> FilterState:
    """The filter state of a request's parameters."""
    return FilterState(*(args.get(name, "") for name in FILTERS))


def filtered(ledger: FavaLedger, state: FilterState) -> FilteredLedger:
    """Fava's filtered ledger for ``state``; a bad filter raises FilterError, never another error.

    Fava's ``g.filtered`` does the same filtering, but lets the errors above through.
    """
    try:
        return ledger.get_filtered(account=state.account, filter=state.filter,
                                   time=state.time)
    except FilterError:
        raise
    except (ValueError, re.error) as problem:
        error = _as_filter_error(ledger, state)
        if error is None:  # not a filter's fault: a defect to see in full
            raise
        raise error from problem


def time_range(ledger: FavaLedger, state: FilterState) -> DateRange | None:
    """The dates of the time filter, as Fava's filtered ledger has them, without filtering.

    For a state :func:`filtered` has accepted.
    """
    if not state.time:
        return None
    begin, end = parse_date(state.time, ledger.fava_options.fiscal_year_end)
    return DateRange(begin, end) if begin and end else None


def _as_filter_error(ledger: FavaLedger, state: FilterState) -> FilterError | None:
    """The FilterError of the filter Fava failed on, if one of them is to blame.

    Each filter is tried alone, as Fava reads it, to tell which one is bad: only
    parsing is repeated, not the pass over the entries.
    """
    if state.time:
        try:
            # Reads the dates only; the entries are filtered by its apply().
            TimeFilter(ledger.options, ledger.fava_options, state.time)
        except ValueError as reason:  # also "2025 to 2024": Fava's InvalidDateRangeError
            # Fava's own words for a time filter it cannot read, and why.
            error = TimeFilterParseError(state.time)
            error.message += f" ({reason})"
            return error
    if state.account:
        try:
            # The pattern Beancount's account.has_component builds from the filter.
            re.compile(f"(^|:){state.account}(:|$)")
        except re.error as reason:
            return FilterError("account", bilingual(
                f"không phải biểu thức chính quy: {state.account}",
                f"not a regular expression ({reason.msg})"))
    return None


def filter_title(problem: FilterError) -> tuple[str, str]:
    """(Vietnamese, English) name of the filter a FilterError is about."""
    return FILTER_TITLES.get(problem.filter_type, ("bộ lọc", "filter"))


def describe(problem: FilterError) -> str:
    """One line for a download refused for a bad filter: which filter, then Fava's message."""
    vietnamese, english = filter_title(problem)
    return f"{bilingual(f'{vietnamese} không hợp lệ', f'invalid {english}')}: {problem.message}"
