"""Dates as users type them: on the command line, in the Fava page and in document cells.

``14/11/2025``, ``5.3.2025``, ``05-03-2025`` (day first, as
Vietnamese offices write) and ``2025-11-14`` (ISO, optionally followed by a time)
all read the same way everywhere.
"""

from __future__ import annotations

import datetime
import re

from mtqgledger.model.text import bilingual

_DAY_FIRST = re.compile(r"\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*")
_ISO = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?")


def parse_day(text: str) -> datetime.date:
    """The date in ``text``; anything else raises ValueError with a bilingual message."""
    try:
        if match := _DAY_FIRST.fullmatch(text):
            day, month, year = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
        if match := _ISO.fullmatch(text):
            return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        pass
    raise ValueError(bilingual(f"ngày không hợp lệ: {text!r}",
                               "expected a date such as 14/11/2025 or 2025-11-14"))
