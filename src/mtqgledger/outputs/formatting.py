"""Numbers and dates as a Vietnamese reader expects them: ``1.234.567``, ``54,1 %``, dd/mm/yyyy."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

UNITS = {
    "dong": (1, "đồng"),
    "trieu": (10**6, "triệu đồng"),
    "ty": (10**9, "tỷ đồng"),
}


def format_amount(amount: int, unit: str = "dong", decimals: int | None = None) -> str:
    """Group thousands with dots and use a decimal comma: 1234567 -> '1.234.567'.

    In a unit larger than đồng the value is rounded half-up for display only
    (3 decimals for triệu, 3 for tỷ unless ``decimals`` says otherwise).
    """
    divisor, _ = UNITS[unit]
    if decimals is None:
        decimals = 0 if divisor == 1 else 3
    value = (Decimal(amount) / divisor).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(value):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def format_ratio(ratio: Decimal | None, decimals: int = 1) -> str:
    """A fraction as a Vietnamese percentage: Decimal('0.5412') -> '54,1 %'; None -> '–'."""
    if ratio is None:
        return "–"
    percent = (ratio * 100).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return f"{percent:f}".replace(".", ",") + " %"


def format_date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")
