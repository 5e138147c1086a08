"""Who decided what, when: a decision's number, date, province, plan year and kind.

Read from the title lines above an appendix ("Kèm theo Quyết định số
1234/QĐ-UBND ngày 15/3/2025 của UBND tỉnh Lai Châu"), overridden by the
command's options.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

from mtqgledger.importers.workbook import Sheet
from mtqgledger.model.catalogue import Catalogue, LookupFailed
from mtqgledger.model.postings import ADJUSTMENT_CODE, ALLOCATION, TOP_UP
from mtqgledger.model.text import bilingual, normalise

_DECISION_NUMBER = re.compile(r"(?:Quyết\s+định|QĐ)\s*(?:số)?\s*[:.]?\s*(\d+[^\s,;]*/[^\s,;]+)",
                              re.IGNORECASE)
_DATE_NUMERIC = re.compile(r"ngày\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})",
                           re.IGNORECASE)
_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})",
                         re.IGNORECASE)
_YEAR = re.compile(r"năm\s+(20\d\d)", re.IGNORECASE)
_PROVINCE = re.compile(r"(?:UBND|ỦY\s+BAN\s+NHÂN\s+DÂN|UỶ\s+BAN\s+NHÂN\s+DÂN)\s+"
                       r"((?:TỈNH|THÀNH\s+PHỐ|TP\.?)\s+.+)", re.IGNORECASE)
# Row titles that name catalogue items, by the level they name.


def date_in(text: str, sheet: Sheet, what: str) -> datetime.date | None:
    """The first "ngày 15/3/2025" or "ngày 15 tháng 3 năm 2025" of title lines."""
    for pattern in (_DATE_WORDS, _DATE_NUMERIC):
        if match := pattern.search(text):
            day, month, year = (int(part) for part in match.groups())
            try:
                return datetime.date(year, month, day)
            except ValueError:
                raise sheet.problem(bilingual(f"{what} không hợp lệ: {match.group(0)}",
                                              "not a date")) from None
    return None


@dataclass(frozen=True)
class DecisionInfo:
    """Who decided what, when: read from the title lines, overridden by options."""

    number: str
    date: datetime.date
    province: str
    plan_year: int
    kind: str  # giao | bo-sung | dieu-chinh


def read_info(lines: Sequence[str], catalogue: Catalogue, sheet: Sheet, *,
              number: str | None, date: datetime.date | None, province: str | None,
              plan_year: int | None) -> DecisionInfo:
    """Decision number, date, province, plan year and kind from the lines above the table."""
    text = "\n".join(lines)
    if number is None and (match := _DECISION_NUMBER.search(text)):
        number = match.group(1).rstrip(".")
    if date is None:
        date = date_in(text, sheet, "ngày quyết định")
    if number is None or date is None:
        missing = "số quyết định" if number is None else "ngày quyết định"
        raise sheet.problem(bilingual(
            f"không thấy {missing} trong tiêu đề; ghi rõ bằng --decision SỐ --date NGÀY",
            "expected a line such as 'Kèm theo Quyết định số 1234/QĐ-UBND ngày 15/3/2025'"))
    if province is None:
        match = _PROVINCE.search(text)
        if match is None:
            raise sheet.problem(bilingual("không thấy tên tỉnh; ghi rõ bằng --province",
                                          "expected 'UBND TỈNH …' in the title"))
        name = re.sub(r"^(tỉnh|thành phố|tp\.?)\s+", "", match.group(1).strip(),
                      flags=re.IGNORECASE)
        try:
            province = catalogue.find_province(name).code
        except LookupFailed as problem:
            raise sheet.problem(str(problem)) from None
    if plan_year is None:
        undated = _DATE_WORDS.sub(" ", text)
        years = [int(year) for year in _YEAR.findall(undated)]
        plan_year = years[0] if years else date.year
    folded = normalise(text)
    kind = (ADJUSTMENT_CODE if "dieu chinh" in folded else
            TOP_UP.code if "bo sung" in folded else ALLOCATION.code)
    return DecisionInfo(number, date, province, plan_year, kind)
