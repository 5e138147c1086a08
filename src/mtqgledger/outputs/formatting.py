"""Numbers and dates as a Vietnamese reader expects them: ``1.234.567``, ``54,1 %``, dd/mm/yyyy.

The conventions come from Babel's ``vi_VN`` locale, as Fava takes them for the
same books: the group and decimal symbols, the minus sign and the grouping of
the decimal pattern. Amounts are rounded half-up first, for display only. A
page of the Fava extension formats some 12,000 numbers, so the locale's symbols
are applied to Python's own exact Decimal formatting rather than through
``NumberPattern.apply`` (about ten times slower); tests/test_formatting.py
checks both give the same text.
"""

from __future__ import annotations

import datetime
import functools
from decimal import ROUND_HALF_UP, Decimal

LOCALE = "vi_VN"
UNITS = {
    "dong": (1, "đồng"),
    "trieu": (10**6, "triệu đồng"),
    "ty": (10**9, "tỷ đồng"),
}


@functools.cache
def _to_locale() -> dict[int, str]:
    """Python's separators and minus sign -> the locale's (Babel imported on first use)."""
    from babel import Locale
    from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

    locale = Locale.parse(LOCALE)
    if locale.decimal_formats[None].grouping != (3, 3):  # pragma: no cover - CLDR data
        raise RuntimeError(f"{LOCALE} no longer groups digits by three: format through Babel")
    return str.maketrans({",": get_group_symbol(locale), ".": get_decimal_symbol(locale),
                          "-": get_minus_sign_symbol(locale)})


def _rounded(value: Decimal, decimals: int) -> Decimal:
    rounded = value.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded  # never "-0"


def format_number(value: Decimal, decimals: int = 0, grouped: bool = True) -> str:
    """A number in vi_VN's symbols, rounded half-up to ``decimals`` places."""
    return format(_rounded(value, decimals), f"{',' if grouped else ''}.{decimals}f") \
        .translate(_to_locale())


def format_amount(amount: int, unit: str = "dong", decimals: int | None = None) -> str:
    """Group thousands with dots and use a decimal comma: 1234567 -> '1.234.567'.

    In a unit larger than đồng the value is rounded half-up for display only
    (3 decimals for triệu, 3 for tỷ unless ``decimals`` says otherwise).
    """
    divisor, _ = UNITS[unit]
    if decimals is None:
        decimals = 0 if divisor == 1 else 3
    return format_number(Decimal(amount) / divisor, decimals)


def format_ratio(ratio: Decimal | None, decimals: int = 1) -> str:
    """A fraction as a Vietnamese percentage: Decimal('0.5412') -> '54,1 %'; None -> '–'."""
    if ratio is None:
        return "–"
    return format_number(ratio * 100, decimals, grouped=False) + " %"


def format_date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")
