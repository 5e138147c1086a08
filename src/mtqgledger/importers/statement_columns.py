"""The columns of a State Treasury statement: which holds the date, the voucher, the amount…

Found from the header labels by keywords, accent- and case-insensitive; the
header is one row, or two where a group label ("Chứng từ") stands over its
columns ("Số", "Ngày").
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

from mtqgledger.importers.workbook import Sheet, cell_text, header_labels, is_numbering_row
from mtqgledger.model.text import matches, normalise

DATE = "date"
VOUCHER = "voucher"
UNIT_CODE = "unit_code"
UNIT = "unit"
NARRATION = "narration"
PROGRAM = "program"
PROJECT = "project"
SUBPROJECT = "subproject"
CONTENT = "content"
LINE_CODE = "line_code"
SOURCE = "source"
CAPITAL = "capital"
PLAN_YEAR = "plan_year"
KIND = "kind"
AMOUNT = "amount"

# Checked in this order, so that "Mã chương trình" is a code column and not the
# programme, "Ngày chứng từ" a date and not the voucher, "Tiểu dự án" not "Dự án".
ROLE_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (UNIT_CODE, ("ma dvqhns", "ma dv qhns", "ma qhns", "ma dvsdns", "ma don vi", "ma dv")),
    (LINE_CODE, ("ma dong von", "ma ctmt", "ma ctmtqg", "ma ct mtqg", "ma chuong trinh")),
    (DATE, ("ngay", "ngay chung tu", "ngay hach toan", "ngay ct", "ngay ht")),
    (AMOUNT, ("so tien", "thanh tien")),
    (PLAN_YEAR, ("nam ke hoach", "nam kh", "nam ngan sach", "nam ns", "nam von")),
    (KIND, ("nghiep vu", "hinh thuc", "loai nghiep vu", "loai chung tu", "loai giao dich")),
    (VOUCHER, ("so chung tu", "so ct", "chung tu", "so hieu chung tu")),
    # 2021-2025: Dự án / Tiểu dự án; 2026-2035: Hợp phần / Nội dung thành phần / Nội dung
    (SUBPROJECT, ("tieu du an", "noi dung thanh phan", "ndtp")),
    (PROJECT, ("du an", "hop phan")),
    (PROGRAM, ("chuong trinh", "ctmtqg")),
    (SOURCE, ("nguon von", "nguon")),
    (CAPITAL, ("loai von", "tinh chat von")),
    (KIND, ("loai",)),
    (UNIT, ("don vi", "chu dau tu", "ten don vi", "don vi thu huong", "don vi su dung")),
    (NARRATION, ("noi dung", "dien giai", "trich yeu")),
)
ROLE_NAMES = {
    DATE: "Ngày", VOUCHER: "Số chứng từ", AMOUNT: "Số tiền", KIND: "Nghiệp vụ",
    SOURCE: "Nguồn vốn", CAPITAL: "Loại vốn", PROJECT: "Dự án", PROGRAM: "Chương trình",
    SUBPROJECT: "Tiểu dự án", LINE_CODE: "Mã dòng vốn", PLAN_YEAR: "Năm kế hoạch",
    CONTENT: "Nội dung",
}
ITEM_ROLES = (PROGRAM, PROJECT, SUBPROJECT, CONTENT)  # the programme, then each level below
_HEADER_SEARCH_ROWS = 40
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Columns:
    """Where a statement's table is: its header rows and the column of each role."""

    header_row: int
    last_header_row: int
    first_data_row: int
    index: dict[str, int]  # role -> 1-based column
    labels: dict[str, str]  # role -> header text, for messages

    def label(self, role: str) -> str:
        return self.labels.get(role, ROLE_NAMES.get(role, role))


def _header_cells(cells: Sequence[object]) -> list[str]:
    """The texts of a row that may be header labels: short, with no digits."""
    return [text for text in map(cell_text, cells)
            if text and len(text) <= 80 and not _DIGIT.search(text)]


def _roles_in(texts: Sequence[str]) -> set[str]:
    return {role for text in texts if (role := classify_label((text,))) is not None}


def classify_label(labels: Sequence[str]) -> str | None:
    """The role of a column from its header labels (most specific label first)."""
    candidates = [labels[-1], " ".join(labels)] if labels else []
    for text in candidates:
        for role, keywords in ROLE_KEYWORDS:
            if matches(text, keywords):
                return role
    return None


def _is_header_continuation(cells: Sequence[object]) -> bool:
    """A second header row: labels only (no dates or numbers), at least two of them."""
    texts = [cell_text(value) for value in cells if cell_text(value)]
    if len(texts) < 2 or any(isinstance(v, datetime.date | float | int) for v in cells
                             if v != ""):
        return False
    return all(not _DIGIT.search(text) for text in texts) and bool(_roles_in(texts))


def find_header(sheet: Sheet) -> tuple[int, int] | None:
    """First and last header rows of a statement table, or None.

    The header is the first row with a date column and an amount, voucher or kind
    column, possibly completed by the row below it (a group label such as "Chứng
    từ" over "Số" and "Ngày").
    """
    limit = min(sheet.height, _HEADER_SEARCH_ROWS)
    wanted = {AMOUNT, VOUCHER, KIND}
    for number in range(1, limit + 1):
        cells = _header_cells(sheet.row(number))
        roles = _roles_in(cells)
        if len(cells) < 2 or not roles & {DATE, AMOUNT}:
            continue  # title lines are one cell each; the header names a date or an amount
        last = number
        below = sheet.row(number + 1)
        if number < sheet.height and _is_header_continuation(below):
            roles |= _roles_in(_header_cells(below))
            last = number + 1
        if DATE in roles and roles & wanted:
            return number, last
    return None


def read_columns(sheet: Sheet, first: int, last: int) -> Columns:
    """Classify the header's columns; the first column of each role wins, except that a
    'Ngày hạch toán' (accounting date) column is preferred to other dates."""
    index: dict[str, int] = {}
    labels: dict[str, str] = {}
    texts: list[tuple[int, str, str | None]] = []
    for column, path in enumerate(header_labels(sheet, first, last), start=1):
        role = classify_label(path) if path else None
        if role is not None:
            texts.append((column, " / ".join(path), role))
    data_row = last + 1
    if data_row <= sheet.height and is_numbering_row([cell_text(v) for v in sheet.row(data_row)]):
        data_row += 1
    for column, text, role in texts:
        if role == NARRATION and _content_column(sheet, column, text, texts, data_row):
            role = CONTENT
        accounting_date = role == DATE and matches(text, ("hach toan",))
        if role not in index or accounting_date:
            index[role], labels[role] = column, text
    return Columns(first, last, data_row, index, labels)


_CONTENT_VALUE = re.compile(r"^(noi dung|nd) ?\d")


def _content_column(sheet: Sheet, column: int, text: str,
                    texts: list[tuple[int, str, str | None]], data_row: int) -> bool:
    """True for a 'Nội dung' column that names the third level below a programme (2026:
    Hợp phần / Nội dung thành phần / Nội dung), not what the payment was for.

    So read when another column holds the narration ('Diễn giải', 'Trích yếu'), or
    when its cells read "Nội dung 01…" / "ND01".
    """
    if normalise(text.split(" / ")[-1]) != "noi dung":  # under a group label or not
        return False
    if any(role == NARRATION and other != column for other, _, role in texts):
        return True
    values = [normalise(cell_text(row[column - 1])) for row in sheet.rows[data_row - 1:
                                                                          data_row + 49]
              if len(row) >= column and cell_text(row[column - 1])]
    return bool(values) and sum(bool(_CONTENT_VALUE.match(v)) for v in values) * 2 > len(values)
