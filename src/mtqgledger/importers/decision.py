"""Allocation decisions (giao, bổ sung, điều chỉnh) from their Excel appendices.

One workbook may hold several appendix sheets; each is read, and sheets that
are not appendices are named in the summary. For every line and source ×
capital cell the importer emits one dated transaction citing the decision,
file, sheet and row. Every parent row must equal the sum of its children.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from beancount.core import amount, data

from mtqgledger.importers.base import WorkbookImporter
from mtqgledger.importers.cells import (
    CellError,
    parse_number,
    to_dong,
    unit_factor,
)
from mtqgledger.importers.hierarchy import RANK_TOTAL, Row, build_tree, marker_rank, walk
from mtqgledger.importers.layout import (
    CAPITALS,
    SOURCES,
    STT,
    TITLE,
    Layout,
    classify_columns,
    default_from_title,
    load_mapping,
    program_in_title,
)
from mtqgledger.importers.workbook import (
    ImportProblem,
    Sheet,
    find_header_row,
    header_labels,
    is_numbering_row,
    matches,
    number_style,
    read_workbook,
    title_lines,
)
from mtqgledger.model.accounts import Line, Root
from mtqgledger.model.catalogue import Catalogue, LookupFailed, Node, load_catalogue, normalise

KINDS = {"giao": "Giao kế hoạch vốn", "bo-sung": "Bổ sung kế hoạch vốn",
         "dieu-chinh": "Điều chỉnh kế hoạch vốn"}
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
STRUCTURAL = ("chuong trinh", "du an", "tieu du an", "hop phan", "noi dung thanh phan")
_MONEY_WORDS = (*SOURCES["NSTW"], *SOURCES["NSDP"], *CAPITALS["DTPT"], *CAPITALS["SN"])
FOOTER = ("ghi chu", "luu y", "noi nhan", "tm uy ban", "tm ubnd", "kt chu tich", "chu tich",
          "nguoi lap", "thu truong")


@dataclass(frozen=True)
class DecisionInfo:
    """Who decided what, when: read from the title lines, overridden by options."""

    number: str
    date: datetime.date
    province: str
    plan_year: int
    kind: str  # giao | bo-sung | dieu-chinh


@dataclass
class SheetResult:
    name: str
    entries: list[data.Transaction]
    lines: int


@dataclass
class DecisionResult:
    """What one workbook gave: entries per appendix sheet and the sheets left alone."""

    file: Path
    info: DecisionInfo | None
    sheets: list[SheetResult] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    @property
    def entries(self) -> list[data.Transaction]:
        return [entry for sheet in self.sheets for entry in sheet.entries]


def read_info(lines: Sequence[str], catalogue: Catalogue, sheet: Sheet, *,
              number: str | None, date: datetime.date | None, province: str | None,
              plan_year: int | None) -> DecisionInfo:
    """Decision number, date, province, plan year and kind from the lines above the table."""
    text = "\n".join(lines)
    if number is None and (match := _DECISION_NUMBER.search(text)):
        number = match.group(1).rstrip(".")
    if date is None:
        for pattern in (_DATE_WORDS, _DATE_NUMERIC):
            if match := pattern.search(text):
                day, month, year = (int(part) for part in match.groups())
                try:
                    date = datetime.date(year, month, day)
                except ValueError:
                    raise sheet.problem(f"ngày quyết định không hợp lệ: {match.group(0)}") \
                        from None
                break
    if number is None or date is None:
        missing = "số quyết định" if number is None else "ngày quyết định"
        raise sheet.problem(f"không thấy {missing} trong tiêu đề (expected a line such as "
                            "'Kèm theo Quyết định số 1234/QĐ-UBND ngày 15/3/2025'); "
                            "give it with --decision NO --date DD/MM/YYYY")
    if province is None:
        match = _PROVINCE.search(text)
        if match is None:
            raise sheet.problem("không thấy tên tỉnh (expected 'UBND TỈNH …' in the title); "
                                "give it with --province")
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
    kind = ("dieu-chinh" if "dieu chinh" in folded else
            "bo-sung" if "bo sung" in folded else "giao")
    return DecisionInfo(number, date, province, plan_year, kind)


def find_layout(sheet: Sheet, *, source: str | None = None, capital: str | None = None,
                mapping: Path | None = None) -> Layout | None:
    """The sheet's table layout, or None if the sheet is not an appendix."""
    if mapping is not None:
        return load_mapping(mapping)
    header = find_header_row(sheet, [STT, TITLE])
    if header is None:
        return None
    # The header's labels span down to the last row before the data: a numbering row
    # (which ends the header without being labels) or a row whose STT cell or title
    # reads like data.
    last = labels_end = header
    for row in range(header + 1, min(header + 4, sheet.height) + 1):
        texts = sheet.row_texts(row)
        if is_numbering_row(texts):
            last = row
            break
        if any(texts[:2]) and not any(matches(t, _MONEY_WORDS) for t in texts if t):
            break
        last = labels_end = row
    labels = header_labels(sheet, header, labels_end)
    above = title_lines(sheet, header)
    return classify_columns(sheet, labels, header, last + 1,
                            source or default_from_title(above, SOURCES),
                            capital or default_from_title(above, CAPITALS))


def _unit(sheet: Sheet, layout: Layout) -> int:
    if layout.unit_factor is not None:
        return layout.unit_factor
    for row in range(1, layout.first_data_row):
        for text in sheet.row_texts(row):
            if text and (factor := unit_factor(text)) is not None:
                return factor
    raise sheet.problem("không thấy dòng đơn vị (expected a unit line such as "
                        "'Đơn vị: triệu đồng')", layout.header_row)


def _read_rows(sheet: Sheet, layout: Layout) -> tuple[list[Row], Row | None, int]:
    """Data rows with their amounts, the TỔNG SỐ row if any, and the decimals in use."""
    style = number_style(sheet, layout.first_data_row, (c.index for c in layout.amounts))
    rows: list[Row] = []
    total = None
    decimals = 0
    for number in range(layout.first_data_row, sheet.height + 1):
        marker = sheet.text(number, layout.stt_column)
        title = sheet.text(number, layout.title_column)
        folded = normalise(title or marker)
        if any(folded.startswith(word) for word in FOOTER):
            break
        amounts = {}
        for column in layout.amounts:
            value = sheet.cell(number, column.index)
            if value in ("", None):
                continue
            try:
                parsed = parse_number(value, style)
            except CellError as problem:
                raise sheet.problem(f"cột '{column.label}': {problem}", number) from None
            amounts[column.index] = parsed
            decimals = max(decimals, -parsed.as_tuple().exponent)
        if not title and not amounts:
            continue  # blank or decorative row
        if not title and len(marker) > 20:
            continue  # a footnote written in the STT column
        row = Row(number, marker, title, amounts, marker_rank(marker))
        if folded.startswith("tong so") or folded.startswith("tong cong") or folded == "tong":
            row.rank = RANK_TOTAL
            total = row
            continue
        row.of_which = folded.startswith("trong do")
        rows.append(row)
    return rows, total, decimals


def _resolve(row: Row, catalogue: Catalogue, context: tuple[str, ...], sheet: Sheet,
             ) -> Node | None:
    """The catalogue item a structural row names, looked up below ``context``."""
    folded = normalise(row.title)
    if not any(folded.startswith(word) for word in STRUCTURAL):
        return None
    if folded.startswith("chuong trinh"):
        context = ()  # a programme row names a programme, whatever the sheet title said
    try:
        node = catalogue.find(row.title, within=context)
    except LookupFailed as problem:
        raise sheet.problem(f"'{row.title}' không có trong danh mục: {problem}", row.number) \
            from None
    if folded.startswith("chuong trinh") and node.level != "program":
        raise sheet.problem(f"'{row.title}' không phải tên chương trình trong danh mục "
                            f"(matched {node.ref})", row.number)
    return node


def _check_sums(parent: Row, layout: Layout, factor: int, decimals: int, sheet: Sheet,
                title: str) -> None:
    """A parent row must equal the sum of its additive children in every amount column."""
    children = [child for child in parent.additive_children() if child.has_amounts]
    if not parent.has_amounts or not children:
        return
    step = Decimal(1).scaleb(-decimals)  # rounding of the last decimal place in use
    tolerance = step * len(children) / 2 if factor > 1 else Decimal(0)
    for column in layout.amounts:
        stated = parent.amounts.get(column.index, Decimal(0))
        summed = sum((child.amounts.get(column.index, Decimal(0)) for child in children),
                     Decimal(0))
        if abs(stated - summed) > tolerance:
            raise sheet.problem(
                f"'{title}' cột '{column.label}': dòng cha ghi {stated}, tổng các dòng con "
                f"(rows {', '.join(str(c.number) for c in children)}) là {summed} "
                "(the parent row must equal the sum of its children)", parent.number)


def _check_row_totals(row: Row, layout: Layout, decimals: int, factor: int,
                      sheet: Sheet) -> None:
    """Within a row, each total column must equal the cell columns it adds up."""
    if not row.has_amounts:
        return
    step = Decimal(1).scaleb(-decimals)
    for total in layout.totals:
        if total.index not in row.amounts:
            continue
        parts = [c for c in layout.cells if total.covers(c)]
        summed = sum((row.amounts.get(c.index, Decimal(0)) for c in parts), Decimal(0))
        tolerance = step * len(parts) / 2 if factor > 1 else Decimal(0)
        if abs(row.amounts[total.index] - summed) > tolerance:
            raise sheet.problem(
                f"cột '{total.label}' ghi {row.amounts[total.index]}, tổng các cột thành phần "
                f"là {summed} (a total column must equal the sum of its parts)", row.number)


@dataclass
class _LineRow:
    row: Row
    node: Node
    detail: str | None


def _line_rows(root: Row, catalogue: Catalogue, program: tuple[str, ...], sheet: Sheet,
               ) -> list[_LineRow]:
    """The rows whose amounts are booked: each line row, or its detail rows if it has any."""
    nodes: dict[int, Node] = {}

    def context_of(row: Row) -> tuple[str, ...]:
        parent = row.parent
        while parent is not None:
            if id(parent) in nodes:
                return nodes[id(parent)].path
            parent = parent.parent
        return program

    for row in walk(root):
        if row is root or row.of_which:
            continue
        node = _resolve(row, catalogue, context_of(row), sheet)
        if node is not None:
            nodes[id(row)] = node
    booked: list[_LineRow] = []
    for row in walk(root):
        node = nodes.get(id(row))
        if node is None or row.of_which:
            continue
        if any(id(child) in nodes for child in walk(row) if child is not row):
            continue  # a programme or project row: its items below are the lines
        details = [d for d in walk(row) if d is not row and not d.of_which and d.has_amounts
                   and not d.additive_children()]
        if details:
            booked.extend(_LineRow(d, node, d.title) for d in details)
        elif row.has_amounts:
            booked.append(_LineRow(row, node, None))
    if not nodes:
        raise sheet.problem("không thấy dòng chương trình / dự án / tiểu dự án nào (no row "
                            "names a catalogue item, e.g. 'Tiểu dự án 2: …')")
    return booked


def parse_sheet(sheet: Sheet, layout: Layout, info: DecisionInfo, catalogue: Catalogue,
                ) -> SheetResult:
    """Entries of one appendix sheet, after every sum in it has been checked."""
    factor = _unit(sheet, layout)
    rows, total, decimals = _read_rows(sheet, layout)
    root = build_tree(rows, total)
    # Each row's own total columns first, so a wrong cell is blamed on its own row.
    for row in walk(root):
        _check_row_totals(row, layout, decimals, factor, sheet)
    for row in walk(root):
        if not row.of_which:
            _check_sums(row, layout, factor, decimals, sheet, row.title or "TỔNG SỐ")
    program = program_in_title(title_lines(sheet, layout.header_row), catalogue)
    booked = _line_rows(root, catalogue, program, sheet)
    entries = [entry for line_row in booked
               for entry in _entries_for(line_row, layout, factor, info, sheet, catalogue)]
    return SheetResult(sheet.name, entries, len({line_row.node.path for line_row in booked}))


def _entries_for(booked: _LineRow, layout: Layout, factor: int, info: DecisionInfo,
                 sheet: Sheet, catalogue: Catalogue) -> list[data.Transaction]:
    node, row = booked.node, booked.row
    _, project, *sub = node.path
    entries = []
    for column in layout.cells:
        value = row.amounts.get(column.index)
        if value is None or value == 0:
            continue
        if value < 0 and info.kind != "dieu-chinh":
            raise sheet.problem(f"cột '{column.label}': số âm {value} trong quyết định "
                                f"{KINDS[info.kind].lower()} (a negative amount is only "
                                "allowed in an adjustment)", row.number)
        if column.capital not in node.capitals:
            raise sheet.problem(f"'{node.title_vi}' không nhận vốn {column.capital} (the "
                                "catalogue allows " + ", ".join(sorted(node.capitals)) + ")",
                                row.number)
        try:
            dong = to_dong(value, factor) * column.sign
        except CellError as problem:
            raise sheet.problem(f"cột '{column.label}': {problem}", row.number) from None
        line = Line(info.province, node.path[0], project, sub[0] if sub else None,
                    column.source, column.capital, info.plan_year)
        meta = data.new_metadata(str(sheet.file), row.number, {
            "decision": info.number, "decision_date": info.date, "kind": info.kind,
            "source_file": sheet.file.name, "sheet": sheet.name, "row": Decimal(row.number),
        })
        if booked.detail:
            meta["detail"] = booked.detail
        units = amount.Amount(Decimal(dong), "VND")
        postings = [data.Posting(line.account(Root.APPROPRIATION), units, None, None, None,
                                 None),
                    data.Posting(line.account(Root.ALLOCATED), -units, None, None, None, None)]
        narration = f"{KINDS[info.kind]} năm {info.plan_year} – {node.title_vi}"
        if booked.detail:
            narration += f" – {booked.detail}"
        payee = catalogue.provinces[info.province].title_vi
        entries.append(data.Transaction(meta, info.date, "*", f"UBND tỉnh {payee}", narration,
                                        frozenset(), frozenset(), postings))
    return entries


def read_decision(path: str | Path, catalogue: Catalogue | None = None, *,
                  number: str | None = None, date: datetime.date | None = None,
                  province: str | None = None, plan_year: int | None = None,
                  source: str | None = None, capital: str | None = None,
                  mapping: Path | None = None) -> DecisionResult:
    """Read every appendix sheet of a decision workbook into entries."""
    catalogue = catalogue or load_catalogue()
    sheets = read_workbook(path)
    result = DecisionResult(Path(path), None)
    for sheet in sheets:
        layout = find_layout(sheet, source=source, capital=capital, mapping=mapping)
        if layout is None:
            result.ignored.append(sheet.name)
            continue
        info = read_info(title_lines(sheet, layout.header_row), catalogue, sheet,
                         number=number, date=date, province=province, plan_year=plan_year)
        result.info = result.info or info
        result.sheets.append(parse_sheet(sheet, layout, info, catalogue))
    if not result.sheets:
        raise ImportProblem(path, "không có phụ lục quyết định nào (no sheet has an "
                                  "allocation table with STT, Nội dung and amount columns by "
                                  "source and capital type)")
    return result


def looks_like_decision(path: str | Path) -> bool:
    """Cheap test used by identify(): a workbook with a 'Quyết định' title and a table."""
    try:
        sheets = read_workbook(path)
    except ImportProblem:
        return False
    for sheet in sheets:
        header = find_header_row(sheet, [STT, TITLE])
        if header and any(matches(line, ("quyet dinh", "qd")) for line in
                          title_lines(sheet, header)):
            return True
    return False


class DecisionImporter(WorkbookImporter):
    """beangulp importer for allocation decisions (Excel appendices)."""

    code = "decision"
    root = Root.ALLOCATED

    def identify(self, filepath: str) -> bool:
        return looks_like_decision(filepath)

    def date(self, filepath: str) -> datetime.date | None:
        result = self.read(filepath)
        return result.info.date if result.info else None

    def read(self, filepath: str) -> DecisionResult:
        return read_decision(filepath, self.catalogue, **self.options)

    def extract(self, filepath: str, existing: data.Entries) -> data.Entries:
        return list(self.read(filepath).entries)
