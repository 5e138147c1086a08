"""Numbers and dates as a Vietnamese reader expects them: ``1.234.567``, ``54,1 %``, dd/mm/yyyy.

Numbers go through Babel's ``vi_VN`` locale, as Fava formats the same books;
amounts are rounded half-up first, for display only, so Babel only places the
separators of an exact Decimal.
"""

from __future__ import annotations

import datetime
import functools
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

LOCALE = Locale.parse("vi_VN")
UNITS = {
    "dong": (1, "đồng"),
    "trieu": (10**6, "triệu đồng"),
    "ty": (10**9, "tỷ đồng"),
}


@functools.lru_cache(maxsize=16)
def _pattern(text: str) -> NumberPattern:
    return parse_pattern(text)


def _rounded(value: Decimal, decimals: int) -> Decimal:
    rounded = value.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded  # never "-0"


def format_amount(amount: int, unit: str = "dong", decimals: int | None = None) -> str:
    """Group thousands with dots and use a decimal comma: 1234567 -> '1.234.567'.

    In a unit larger than đồng the value is rounded half-up for display only
    (3 decimals for triệu, 3 for tỷ unless ``decimals`` says otherwise).
    """
    divisor, _ = UNITS[unit]
    if decimals is None:
        decimals = 0 if divisor == 1 else 3
    value = _rounded(Decimal(amount) / divisor, decimals)
    return _pattern("#,##0" + ("." + "0" * decimals if decimals else "")).apply(value, LOCALE)


def format_ratio(ratio: Decimal | None, decimals: int = 1) -> str:
    """A fraction as a Vietnamese percentage: Decimal('0.5412') -> '54,1 %'; None -> '–'."""
    if ratio is None:
        return "–"
    pattern = _pattern("0" + ("." + "0" * decimals if decimals else ""))
    return pattern.apply(_rounded(ratio * 100, decimals), LOCALE) + " %"


def format_date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")
