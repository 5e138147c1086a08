"""What the reader of the page chose: plan year, as-of date, unit, province, items opened."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mtqgledger.figures.movements import default_budget_year
from mtqgledger.model.dates import parse_day
from mtqgledger.model.text import bilingual
from mtqgledger.outputs.formatting import UNITS, format_date


@dataclass(frozen=True)
class Settings:
    """What the reader chose: plan year, as-of date, unit, province."""

    year: int | None
    as_of: datetime.date
    unit: str | None  # None: đồng, or triệu đồng for books of 10^12 đồng and more
    province: str | None = None
    problems: tuple[str, ...] = ()
    # Items whose spending units the page shows (item_key), opened one by one: a
    # province's books have thousands of unit rows, too many to send at once.
    opened: frozenset[str] = frozenset()

    def params(self, **changes: str | None) -> dict[str, str]:
        """Query parameters of this page with ``changes``; a None change drops the key."""
        values: dict[str, str | None] = {
            "year": "all" if self.year is None else str(self.year),
            "as_of": format_date(self.as_of), "unit": self.unit, "province": self.province,
            "units": ",".join(sorted(self.opened)) or None}
        values.update(changes)
        return {key: value for key, value in values.items() if value}


def settings_from(args: Mapping[str, str], *, latest: datetime.date | None,
                  years: Sequence[int], provinces: Sequence[str],
                  today: datetime.date) -> Settings:
    """Read the page's parameters; a bad value is reported and replaced by the default.

    The defaults are the books' (figures.movements): as of the last movement, for
    the as-of year if the books hold its money, else the latest year before it.
    """
    problems = []
    as_of = latest or today
    if args.get("as_of", "").strip():
        try:
            as_of = parse_day(args["as_of"])
        except ValueError as problem:
            problems.append(str(problem))
    text = args.get("year", "").strip()
    year: int | None = default_budget_year(years, as_of)
    if text == "all":
        year = None
    elif re.fullmatch(r"\d{4}", text):
        year = int(text)
    elif text:
        problems.append(bilingual(f"năm kế hoạch không hợp lệ: {text!r}",
                                  "expected e.g. 2025 or all"))
    unit = args.get("unit") if args.get("unit") in UNITS else None
    province = args.get("province") if args.get("province") in provinces else None
    opened = frozenset(key for key in args.get("units", "").split(",") if key.strip())
    return Settings(year, as_of, unit, province, tuple(problems), opened)


def item_key(province: str | None, item_path: Sequence[str]) -> str:
    """How the page's ``units`` parameter names an item: "LaiChau.GNBV.DA4.TDA1"."""
    return ".".join([*([province] if province else []), *item_path])


def month_ends(year: int, before: datetime.date) -> list[datetime.date]:
    """Month ends of the plan year, and 31/01 of the next, that come before ``before``."""
    days = [datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
            for month in range(1, 13)]
    days.append(datetime.date(year + 1, 1, 31))
    return [day for day in days if day < before]
