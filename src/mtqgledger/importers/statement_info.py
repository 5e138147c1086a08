"""What a statement's title lines say about all its rows: province, plan year, unit, money.

A statement names its treasury ("KHO BẠC NHÀ NƯỚC LAI CHÂU") or the province's
committee, often the plan year ("năm ngân sách 2025"), sometimes the unit, the
source or the capital type of every row, or the programme.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mtqgledger.importers.cells import unit_factor
from mtqgledger.importers.money import (
    capital_words,
    named_in_title,
    program_in_title,
    source_words,
)
from mtqgledger.importers.statement_columns import AMOUNT, Columns
from mtqgledger.importers.workbook import Sheet, title_lines
from mtqgledger.model.catalogue import Catalogue, LookupFailed
from mtqgledger.model.text import bilingual, normalise

_TREASURY = re.compile(r"\b(?:kho bac nha nuoc|kbnn|ubnd|uy ban nhan dan)\s+"
                       r"(?:tinh\s+|thanh pho\s+|tp\s+)?(.+)")
_DATE_IN_WORDS = re.compile(r"ngay \d{1,2} thang \d{1,2} nam \d{4}")
_PLAN_YEAR_TITLE = re.compile(r"\bnam (?:ke hoach |ngan sach |kh |ns )?(20\d\d)\b")
_PARENTHESES = re.compile(r"\(([^)]*)\)")


@dataclass(frozen=True)
class SheetInfo:
    """What the title lines (or the options) say about every row of a sheet."""

    province: str
    plan_year: int | None
    factor: int
    source: str | None
    capital: str | None
    program: tuple[str, ...]


def _province_in(line: str, catalogue: Catalogue) -> str | None:
    match = _TREASURY.search(normalise(line))
    if match is None:
        return None
    words = match.group(1).split()
    for count in range(len(words), 0, -1):  # "lai chau phong kiem soat chi" -> "lai chau"
        try:
            return catalogue.find_province(" ".join(words[:count])).code
        except LookupFailed:
            continue
    return None


def _amount_unit(columns: Columns) -> int | None:
    """A unit written in the amount header, e.g. 'Số tiền (triệu đồng)'."""
    for inside in _PARENTHESES.findall(columns.labels.get(AMOUNT, "")):
        if (factor := unit_factor(f"Đơn vị: {inside}")) is not None:
            return factor
    return None


def read_info(sheet: Sheet, columns: Columns, programmes: Catalogue, catalogue: Catalogue, *,
              province: str | None, plan_year: int | None) -> SheetInfo:
    lines = title_lines(sheet, columns.header_row)
    if province is None:
        province = next((code for line in lines
                         if (code := _province_in(line, catalogue)) is not None), None)
        if province is None:
            raise sheet.problem(bilingual(
                "không thấy tên tỉnh trong tiêu đề; ghi rõ bằng --province",
                "expected 'KHO BẠC NHÀ NƯỚC <TỈNH>' or 'UBND TỈNH …' above the table"),
                columns.header_row)
    if plan_year is None:
        text = _DATE_IN_WORDS.sub(" ", "\n".join(normalise(line) for line in lines))
        if match := _PLAN_YEAR_TITLE.search(text):
            plan_year = int(match.group(1))
    factor = next((f for line in lines if (f := unit_factor(line)) is not None), None)
    factor = factor or _amount_unit(columns) or 1  # treasury vouchers are kept in đồng
    return SheetInfo(province, plan_year, factor,
                     named_in_title(lines, source_words(catalogue)),
                     named_in_title(lines, capital_words(catalogue)),
                     program_in_title(lines, programmes))
