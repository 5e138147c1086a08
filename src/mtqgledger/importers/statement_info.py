"""What a statement's title lines say about all its rows: province, plan year, unit, money.

A statement names its treasury ("KHO BẠC NHÀ NƯỚC LAI CHÂU") or the province's
committee, often the plan year ("năm ngân sách 2025"), sometimes the unit, the
source or the capital type of every row, or the programme.
"""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

from mtqgledger.importers.cells import unit_factor
from mtqgledger.importers.money import (
    capital_words,
    named_in_title,
    program_in_title,
    source_words,
)
from mtqgledger.importers.statement_columns import AMOUNT, DATE, NARRATION, UNIT, Columns
from mtqgledger.importers.workbook import Sheet, cell_text, title_lines
from mtqgledger.model.catalogue import Catalogue, LookupFailed
from mtqgledger.model.catalogue_words import region_number, roman
from mtqgledger.model.dates import parse_day
from mtqgledger.model.text import bilingual, normalise

_TREASURY = re.compile(r"\b(?:kho bac nha nuoc|kbnn|ubnd|uy ban nhan dan)\s+"
                       r"(?:tinh\s+|thanh pho\s+|tp\s+)?(.+)")
_DATE_IN_WORDS = re.compile(r"ngay \d{1,2} thang \d{1,2} nam \d{4}")
_PLAN_YEAR_TITLE = re.compile(r"\bnam (?:ke hoach |ngan sach |kh |ns )?(20\d\d)\b")
_PARENTHESES = re.compile(r"\(([^)]*)\)")
_REGION = re.compile(r"\bkho bac nha nuoc khu vuc ([ivxl]+|\d+)\b")


@dataclass(frozen=True)
class SheetInfo:
    """What the title lines (or the options) say about every row of a sheet."""

    province: str
    plan_year: int | None
    factor: int
    source: str | None
    capital: str | None
    program: tuple[str, ...]
    note: str = ""  # where the province came from, when the title does not name it


def _province_in(line: str, catalogue: Catalogue) -> str | None:
    match = _TREASURY.search(normalise(line))
    if match is None or match.group(1).startswith("khu vuc"):
        return None
    words = match.group(1).split()
    for count in range(len(words), 0, -1):  # "lai chau phong kiem soat chi" -> "lai chau"
        try:
            return catalogue.find_province(" ".join(words[:count])).code
        except LookupFailed:
            continue
    return None


def _region_in(lines: Sequence[str], catalogue: Catalogue) -> int | None:
    """The regional treasury a title names: 'KHO BẠC NHÀ NƯỚC KHU VỰC IX', 'KBNN khu vực 9'."""
    for line in lines:
        if match := _REGION.search(catalogue.names.fold(line)):
            return region_number(match.group(1))
    return None


def _province(lines: Sequence[str], catalogue: Catalogue, books: frozenset[str],
              sheet: Sheet, columns: Columns) -> tuple[str, str]:
    """The province of a statement's rows, and a note on where it came from.

    A provincial treasury or the province's committee names it; a regional treasury
    serves several provinces (those of the statement's dates: regions were remapped on
    1/7/2025), so it comes from the books (those the region serves, or the only one
    the books keep), else from the units that name their province; failing that the
    statement is refused, listing the provinces it could be.
    """
    named = next((code for line in lines if (code := _province_in(line, catalogue))), None)
    if named is not None:
        return named, ""
    region = _region_in(lines, catalogue)
    serving: set[str] = set()
    if region:
        days = _days_of(sheet, columns)
        serving = {code for treasury in catalogue.treasuries if treasury.region == region
                   and (days is None or treasury.serves_between(*days))
                   for code in treasury.provinces}
    candidates = sorted((serving & books) or serving or books)
    where = f"Kho bạc Nhà nước khu vực {roman(region)}" if region else "bảng kê"
    if len(candidates) == 1:
        source = "sổ" if candidates[0] in books else "danh mục kho bạc khu vực"
        return candidates[0], bilingual(
            f"tỉnh {catalogue.province_title(candidates[0])} lấy từ {source} ({where} không "
            "ghi tỉnh)", "province taken from the books" if source == "sổ" else
            "the only province the region serves")
    by_units = _named_by_units(sheet, columns, catalogue, candidates)
    if by_units is not None:
        return by_units, bilingual(
            f"tỉnh {catalogue.province_title(by_units)} lấy từ tên đơn vị ({where} không "
            "ghi tỉnh)", "province taken from the units' names")
    listed = ", ".join(f"{code} ({catalogue.province_title(code)})" for code in candidates)
    raise sheet.problem(bilingual(
        f"không xác định được tỉnh của bảng kê ({where}); ghi rõ bằng --province",
        "the statement names no province" + (f"; it could be: {listed}" if listed else
                                             "; expected 'KHO BẠC NHÀ NƯỚC <TỈNH>' above "
                                             "the table")), columns.header_row)


def _cells_of(sheet: Sheet, columns: Columns, role: str) -> list[object]:
    at = columns.index.get(role)
    if at is None:
        return []
    return [row[at - 1] for row in sheet.rows[columns.first_data_row - 1:] if len(row) >= at]


def _days_of(sheet: Sheet, columns: Columns) -> tuple[datetime.date, datetime.date] | None:
    """The first and last day of a statement's rows, from the cells that are dates."""
    days = []
    for value in _cells_of(sheet, columns, DATE):
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, str) and value.strip():
            with contextlib.suppress(ValueError):
                value = parse_day(value.strip())
        if isinstance(value, datetime.date):
            days.append(value)
    return (min(days), max(days)) if days else None


def _named_by_units(sheet: Sheet, columns: Columns, catalogue: Catalogue,
                    candidates: Sequence[str]) -> str | None:
    """The one candidate province the units name ("Sở Nông nghiệp và Môi trường tỉnh Lai
    Châu"), or None."""
    texts = {f" {normalise(cell_text(value))} " for role in (UNIT, NARRATION)
             for value in _cells_of(sheet, columns, role)}
    named = [code for code in candidates
             if any(f" {normalise(catalogue.province_title(code))} " in text for text in texts)]
    return named[0] if len(named) == 1 else None


def _amount_unit(columns: Columns) -> int | None:
    """A unit written in the amount header, e.g. 'Số tiền (triệu đồng)'."""
    for inside in _PARENTHESES.findall(columns.labels.get(AMOUNT, "")):
        if (factor := unit_factor(f"Đơn vị: {inside}")) is not None:
            return factor
    return None


def read_info(sheet: Sheet, columns: Columns, catalogue: Catalogue, *,
              province: str | None, plan_year: int | None,
              books: frozenset[str] = frozenset()) -> SheetInfo:
    """What the title says of every row; ``books``: the provinces the books keep."""
    lines = title_lines(sheet, columns.header_row)
    note = ""
    if province is None:
        province, note = _province(lines, catalogue, books, sheet, columns)
    if plan_year is None:
        text = _DATE_IN_WORDS.sub(" ", "\n".join(normalise(line) for line in lines))
        if match := _PLAN_YEAR_TITLE.search(text):
            plan_year = int(match.group(1))
    factor = next((f for line in lines if (f := unit_factor(line)) is not None), None)
    factor = factor or _amount_unit(columns) or 1  # treasury vouchers are kept in đồng
    return SheetInfo(province, plan_year, factor,
                     named_in_title(lines, source_words(catalogue)),
                     named_in_title(lines, capital_words(catalogue)),
                     program_in_title(lines, catalogue, plan_year), note)
