"""Cell values of Vietnamese finance workbooks: amounts, units and dates, converted exactly.

Spreadsheet readers hand whole numbers back as floats, and offices type numbers
as text in two styles (``1.234.567,5`` and ``1,234,567.5``). Everything here
ends in ``Decimal`` or whole đồng, never in float arithmetic.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from mtqgledger.model.dates import parse_day
from mtqgledger.model.text import bilingual, normalise


class CellError(ValueError):
    """A cell whose value cannot be read as what its column needs."""


# First word(s) of the unit after accent folding -> đồng per unit ("Tr.đồng" folds to "tr dong").
UNIT_WORDS = (
    (("trieu",), 1_000_000), (("tr",), 1_000_000),
    (("ty",), 1_000_000_000), (("ti",), 1_000_000_000),
    (("nghin",), 1_000), (("ngan",), 1_000), (("ng", "dong"), 1_000),
    (("dong",), 1), (("vnd",), 1), (("d",), 1),
)
UNIT_NAMES = {1: "đồng", 1_000: "nghìn đồng", 1_000_000: "triệu đồng",
              1_000_000_000: "tỷ đồng"}
_UNIT_LINE = re.compile(r"^(?:don vi tinh|don vi|dvt)\b\s*(.+)$")
_EMPTY = {"", "-", "–", "—", "x"}


def unit_factor(text: str) -> int | None:
    """The đồng per unit named by a unit line such as 'Đơn vị: triệu đồng', or None."""
    match = _UNIT_LINE.match(normalise(str(text)))
    if not match:
        return None
    words = match.group(1).split()
    for prefix, factor in UNIT_WORDS:
        if tuple(words[: len(prefix)]) == prefix:
            return factor
    return None


@dataclass(frozen=True)
class NumberStyle:
    """Which separator groups thousands in a document's text numbers."""

    thousands: str = "."  # Vietnamese by default; "," for English-style documents

    @property
    def decimal(self) -> str:
        return "," if self.thousands == "." else "."


def infer_style(texts: list[str]) -> NumberStyle:
    """The document's style, from its text numbers that can only be read one way."""
    votes = {".": 0, ",": 0}
    for text in texts:
        compact = text.strip().lstrip("-+").replace(" ", "")
        if "." in compact and "," in compact:
            votes["." if compact.rfind(",") > compact.rfind(".") else ","] += 1
        elif compact.count(".") > 1:
            votes["."] += 1
        elif compact.count(",") > 1:
            votes[","] += 1
        elif re.fullmatch(r"\d+,\d{1,2}|\d+,\d{4,}", compact):
            votes["."] += 1  # a decimal comma
        elif re.fullmatch(r"\d+\.\d{1,2}|\d+\.\d{4,}", compact):
            votes[","] += 1  # a decimal point
    return NumberStyle("," if votes[","] > votes["."] else ".")


def _not_a_number(value: object) -> CellError:
    return CellError(bilingual(f"không phải số: {value!r}", "expected a number"))


def parse_number(value: object, style: NumberStyle = NumberStyle()) -> Decimal:
    """A cell as an exact Decimal; empty, '-' and 'x' are zero.

    Floats from the reader are taken at their shortest repr, which is the
    decimal the user typed (92057.861 stays 92057.861, not a binary tail).
    """
    if value is None or isinstance(value, bool):
        raise _not_a_number(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _not_a_number(value)
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, datetime.date):
        raise CellError(bilingual(f"ô chứa ngày {value:%d/%m/%Y}, không phải số",
                                  "expected a number, found a date"))
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if text in _EMPTY:
        return Decimal(0)
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    try:
        number = Decimal(_plain_digits(text, style))
    except InvalidOperation:
        raise _not_a_number(value) from None
    if not number.is_finite():
        raise _not_a_number(value)
    return -number if negative else number


def _plain_digits(text: str, style: NumberStyle) -> str:
    """Rewrite a text number with '.' as its only, decimal, separator."""
    if "." in text and "," in text:
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
    elif text.count(".") > 1 or text.count(",") > 1:
        thousands = "." if text.count(".") > 1 else ","
    elif re.search(r"[.,]\d{3}$", text):
        thousands = style.thousands  # "1.234": only the document's style can tell
    else:
        thousands = "," if "." in text else "."  # "1,5" or "1.5": a decimal mark
    decimal = "," if thousands == "." else "."
    return text.replace(thousands, "").replace(decimal, ".")


def to_dong(amount: Decimal, factor: int) -> int:
    """An amount in the document's unit as whole đồng; a fraction of a đồng is an error."""
    dong = amount * factor
    if dong != dong.to_integral_value():
        unit = UNIT_NAMES.get(factor, f"× {factor}")
        raise CellError(bilingual(f"{amount} {unit} = {dong} đồng, không phải số đồng nguyên",
                                  "not a whole number of đồng"))
    return int(dong)


def parse_date(value: object) -> datetime.date:
    """A date cell, or text as dd/mm/yyyy (also with '.' or '-') or yyyy-mm-dd."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return parse_day(str(value))
    except ValueError as problem:
        raise CellError(str(problem)) from None
