"""Handover tables (bàn giao): a unit's remaining plan and outstanding advances to another.

Districts were abolished on 1/7/2025 and handed their MTQG money to communes or
the province by a handover record (biên bản bàn giao) or decision. Its table
lists, per line, the unit that hands over, the unit that receives, the plan it
had not spent and the advances not yet recovered::

    UBND TỈNH LAI CHÂU
    BẢNG BÀN GIAO VỐN CHƯƠNG TRÌNH MTQG
    (Kèm theo Biên bản bàn giao số 05/BB-BG ngày 30/6/2025)
    Đơn vị: đồng
    STT | Đơn vị giao | Đơn vị nhận | Chương trình | Dự án | Tiểu dự án | Nguồn vốn |
        Loại vốn | Năm KH | Kế hoạch vốn còn lại | Tạm ứng chưa thu hồi

Items, sources and capital types are read as a treasury statement's are; each
row becomes one transaction of kind ``ban-giao`` (model/postings.handover) whose
postings name their unit. The budget rules then check that the giver had that
much plan and advance left on the line that day.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from beancount.core import data

from mtqgledger.importers.base import WorkbookImporter
from mtqgledger.importers.cells import CellError, parse_number, to_dong, unit_factor
from mtqgledger.importers.decision_info import date_in
from mtqgledger.importers.notes import NameRead
from mtqgledger.importers.statement_columns import (
    CAPITAL,
    CONTENT,
    ITEM_ROLES,
    LINE_CODE,
    PLAN_YEAR,
    PROGRAM,
    PROJECT,
    SOURCE,
    SUBPROJECT,
    Columns,
)
from mtqgledger.importers.statement_info import read_info
from mtqgledger.importers.statement_lines import Resolver, RowProblem, extended_segments
from mtqgledger.importers.workbook import (
    ImportProblem,
    Sheet,
    any_sheet,
    cell_text,
    header_labels,
    is_numbering_row,
    read_workbook,
    title_lines,
)
from mtqgledger.model.accounts import Root, parse_account
from mtqgledger.model.catalogue import Catalogue
from mtqgledger.model.postings import HANDOVER_CODE, handover
from mtqgledger.model.text import bilingual, matches, normalise
from mtqgledger.model.titles import committee_name, item_title
from mtqgledger.model.units import UNIT_CODE_KEY, UNIT_KEY

GIVER, RECEIVER = "giver", "receiver"
GIVER_CODE, RECEIVER_CODE = "giver_code", "receiver_code"
PLAN, ADVANCE = "plan", "advance"
_CODE_WORDS = ("ma dvqhns", "ma dv qhns", "ma qhns", "ma don vi", "ma dv")
# Checked in this order: "Tạm ứng" is not the plan, "Tiểu dự án" not "Dự án".
_ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (GIVER, ("don vi giao", "ben giao", "don vi ban giao", "dv giao")),
    (RECEIVER, ("don vi nhan", "ben nhan", "don vi tiep nhan", "dv nhan")),
    (ADVANCE, ("tam ung chua thu hoi", "so du tam ung", "tam ung")),
    (PLAN, ("ke hoach von con lai", "ke hoach con lai", "du toan con lai", "von con lai",
            "so von ban giao", "von ban giao", "ke hoach von", "du toan", "chua giai ngan")),
    (LINE_CODE, ("ma dong von", "ma ctmt")),
    (PLAN_YEAR, ("nam ke hoach", "nam kh", "nam ngan sach", "nam von")),
    (SUBPROJECT, ("tieu du an", "noi dung thanh phan", "ndtp")),
    (PROJECT, ("du an", "hop phan")),
    (PROGRAM, ("chuong trinh", "ctmtqg")),
    (SOURCE, ("nguon von", "nguon")),
    (CAPITAL, ("loai von", "tinh chat von")),
    (CONTENT, ("noi dung",)),
)
_NUMBER = re.compile(r"(?:Biên\s+bản|BB|Quyết\s+định|QĐ)(?:\s+bàn\s+giao)?\s*(?:số)?\s*[:.]?\s*"
                     r"(\d+[^\s,;]*/[^\s,;]+)", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)  # the same header cells are read for each candidate row
def _role(labels: tuple[str, ...]) -> str | None:
    joined = " ".join(labels)
    # A code column, whether "Mã ĐVQHNS bên giao" or "Mã ĐVQHNS" over "Bên giao".
    if matches(joined, _CODE_WORDS):
        if matches(joined, ("giao",)):
            return GIVER_CODE
        if matches(joined, ("nhan",)):
            return RECEIVER_CODE
    for text in ([labels[-1], joined] if labels else []):
        for role, keywords in _ROLES:
            if matches(text, keywords):
                return role
    return None


def _columns(sheet: Sheet, first: int, last: int) -> Columns | None:
    index: dict[str, int] = {}
    labels: dict[str, str] = {}
    for column, path in enumerate(header_labels(sheet, first, last), start=1):
        role = _role(path) if path else None
        if role is not None and role not in index:
            index[role], labels[role] = column, " / ".join(path)
    if not ({GIVER, RECEIVER} <= set(index) and index.keys() & {PLAN, ADVANCE}):
        return None
    data_row = last + 1
    if data_row <= sheet.height and is_numbering_row(
            [cell_text(value) for value in sheet.row(data_row)]):
        data_row += 1
    return Columns(first, last, data_row, index, labels)


def find_columns(sheet: Sheet) -> Columns | None:
    """The handover table's header (one row, or two under group labels), or None.

    A title line (one cell: the unit, the record) is never a header row, so a table
    right under "Đơn vị tính: triệu đồng" keeps that line as its title.
    """
    for first in range(1, min(sheet.height, 40) + 1):
        if sum(1 for value in sheet.row(first) if cell_text(value)) < 2:
            continue
        for last in (first, first + 1):
            if last <= sheet.height and (found := _columns(sheet, first, last)) is not None:
                return found
    return None


def looks_like_handover(path: str | Path) -> bool:
    """A sheet titled "bàn giao" with a table of giving and receiving units."""
    def test(sheet: Sheet) -> bool:
        columns = find_columns(sheet)
        return columns is not None and any(
            "ban giao" in normalise(line) for line in title_lines(sheet, columns.header_row))
    return any_sheet(path, test)


@dataclass
class HandoverResult:
    file: Path
    entries: list[data.Transaction] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    names: list[NameRead] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    new_items: list = field(default_factory=list)  # a handover names only known items


def read_handover(path: str | Path, catalogue: Catalogue, *, province: str | None = None,
                  plan_year: int | None = None, existing: data.Entries = ()) -> HandoverResult:
    """Every handover table of a workbook, one transaction per row."""
    opened = {entry.account for entry in existing if isinstance(entry, data.Open)}
    books = frozenset(found[1].province for account in opened
                      if (found := parse_account(account)) is not None)
    resolver = Resolver(catalogue, {}, *extended_segments(existing))
    result = HandoverResult(Path(path))
    for sheet in read_workbook(path):
        columns = find_columns(sheet)
        if columns is None:
            result.ignored.append(sheet.name)
            continue
        result.entries += _SheetReader(sheet, columns, catalogue, resolver, province,
                                       plan_year, books).entries()
        result.sheets.append(sheet.name)
    if not result.sheets:
        raise ImportProblem(path, bilingual(
            "không có bảng bàn giao nào",
            "no sheet has a table with 'Đơn vị giao', 'Đơn vị nhận' and amounts"))
    result.names = [NameRead(Path(path).name, match) for match in resolver.noted.values()]
    return result


_TOTALS = ("tong cong", "tong so", "cong", "tong")


def _not_a_handover(giver: str, receiver: str, amounts: bool) -> bool:
    """A row that hands nothing over: blank, a total ("Tổng cộng", under either unit's
    column), or the signatures' block ("ĐẠI DIỆN BÊN GIAO") below the table."""
    if not giver and not receiver:
        return True
    label = normalise(giver or receiver)
    if any(label == total or label.startswith(total + " ") for total in _TOTALS):
        return True
    return not (giver and receiver) and not amounts


class _SheetReader:
    def __init__(self, sheet: Sheet, columns: Columns, catalogue: Catalogue,
                 resolver: Resolver, province: str | None, plan_year: int | None,
                 books: frozenset[str]) -> None:
        self.sheet, self.columns, self.resolver = sheet, columns, resolver
        self.catalogue = catalogue
        self.info = read_info(sheet, columns, catalogue, province=province,
                              plan_year=plan_year, books=books)
        text = "\n".join(title_lines(sheet, columns.header_row))
        number = _NUMBER.search(text)
        day = date_in(text, sheet, "ngày bàn giao")
        if number is None or day is None:
            raise sheet.problem(bilingual(
                "không thấy số và ngày của biên bản / quyết định bàn giao trong tiêu đề",
                "expected a line such as 'Kèm theo Biên bản bàn giao số 05/BB-BG ngày "
                "30/6/2025'"), columns.header_row)
        self.number, self.date = number.group(1).rstrip("."), day
        lines = title_lines(sheet, columns.header_row)
        in_title = any(unit_factor(line) is not None for line in lines)
        # "Kế hoạch vốn còn lại (triệu đồng)": the unit written in the amounts' header
        in_header = [factor for role in (PLAN, ADVANCE)
                     for inside in re.findall(r"\(([^)]*)\)", columns.labels.get(role, ""))
                     if (factor := unit_factor(f"Đơn vị: {inside}")) is not None]
        self.factor = self.info.factor if in_title or not in_header else in_header[0]

    def cell(self, cells: list[object], role: str) -> str:
        column = self.columns.index.get(role)
        return cell_text(cells[column - 1]) if column and column <= len(cells) else ""

    def entries(self) -> list[data.Transaction]:
        found = []
        first = self.columns.first_data_row
        for number, cells in enumerate(self.sheet.rows[first - 1:], start=first):
            giver, receiver = self.cell(cells, GIVER), self.cell(cells, RECEIVER)
            if _not_a_handover(giver, receiver, self.amounts_written(cells)):
                continue  # a blank, total, note or signature row
            try:
                found.append(self.entry(number, cells, giver, receiver))
            except RowProblem as problem:
                raise self.sheet.problem(str(problem), number,
                                         self.columns.index.get(problem.role)) from None
        return found

    def amounts_written(self, cells: list[object]) -> bool:
        return any(self.cell(cells, role) not in ("", "-", "–", "0") for role in (PLAN, ADVANCE))

    def amount(self, cells: list[object], role: str) -> int:
        column = self.columns.index.get(role)
        raw = cells[column - 1] if column and column <= len(cells) else ""
        if cell_text(raw) in ("", "-", "–"):
            return 0
        try:
            number = parse_number(raw)
            if number < 0:
                raise CellError(bilingual("số tiền bàn giao phải không âm",
                                          "a handed-over amount is not negative"))
            return to_dong(number, self.factor)
        except CellError as problem:
            raise RowProblem(f"cột '{self.columns.label(role)}': {problem}", role) from None

    def entry(self, number: int, cells: list[object], giver: str,
              receiver: str) -> data.Transaction:
        if not giver or not receiver:
            missing = GIVER if not giver else RECEIVER
            raise RowProblem(bilingual("thiếu đơn vị giao hoặc đơn vị nhận",
                                       "a handover names both units"), missing)
        plan, advance = self.amount(cells, PLAN), self.amount(cells, ADVANCE)
        year_text = self.cell(cells, PLAN_YEAR)
        plan_year = int(year_text) if year_text.strip().isdigit() else \
            self.info.plan_year or self.date.year
        texts = tuple(self.cell(cells, role) for role in ITEM_ROLES)
        path = self.resolver.item(self.cell(cells, LINE_CODE), texts, self.info.program,
                                  plan_year)
        source, capital = self.resolver.money(self.cell(cells, SOURCE) or self.info.source or "",
                                              self.cell(cells, CAPITAL) or self.info.capital
                                              or "")
        line = self.resolver.line(self.info.province, path, source, capital, plan_year)
        codes = {GIVER: self.cell(cells, GIVER_CODE), RECEIVER: self.cell(cells, RECEIVER_CODE)}
        postings = []
        for account, amount, unit in handover(line, giver, receiver, plan, advance):
            meta = {UNIT_KEY: unit}
            if code := codes[GIVER if unit == giver else RECEIVER]:
                meta[UNIT_CODE_KEY] = code
            postings.append(data.Posting(account, data.Amount(Decimal(amount), "VND"), None,
                                         None, None, meta))
        if not postings:
            raise RowProblem(bilingual("dòng bàn giao không có số tiền",
                                       "a handover row hands over some plan or advance"), PLAN)
        meta = data.new_metadata(str(self.sheet.file), number, {
            "decision": self.number, "decision_date": self.date, "kind": HANDOVER_CODE,
            "source_file": self.sheet.file.name, "sheet": self.sheet.name,
            "row": Decimal(number)})
        narration = (f"Bàn giao vốn – {item_title(self.catalogue, path)} – {giver} → "
                     f"{receiver}")
        return data.Transaction(meta, self.date, "*",
                                committee_name(self.catalogue, self.info.province), narration,
                                frozenset(), frozenset(), postings)


class HandoverImporter(WorkbookImporter):
    """beangulp importer for handover tables between spending units (bàn giao)."""

    code = "handover"
    root = Root.ALLOCATED

    def identify(self, filepath: str) -> bool:
        return looks_like_handover(filepath)

    def read(self, filepath: str, existing: data.Entries = ()) -> HandoverResult:
        return read_handover(filepath, self.catalogue, existing=existing, **self.options)
