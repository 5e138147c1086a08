"""The rows of an appendix: read, hung into a tree, every sum checked, each line found.

Every parent row must equal the sum of its additive children and every total
column the sum of its parts; structural rows ("Dự án 4: …", "Tiểu dự án 1: …")
name catalogue items; the amounts booked are those of each item's row, or of
its unit rows (departments, project boards, communes) where it has them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from mtqgledger.importers.cells import CellError, parse_number, unit_factor
from mtqgledger.importers.decision_columns import Layout
from mtqgledger.importers.hierarchy import RANK_TOTAL, Row, marker_rank, walk
from mtqgledger.importers.workbook import Sheet, number_style
from mtqgledger.model.catalogue import Node
from mtqgledger.model.names import Match, NameProblem, Names
from mtqgledger.model.text import bilingual, normalise

FOOTER = ("ghi chu", "luu y", "noi nhan", "tm uy ban", "tm ubnd", "kt chu tich", "chu tich",
          "nguoi lap", "thu truong")


def unit_of(sheet: Sheet, layout: Layout) -> int:
    if layout.unit_factor is not None:
        return layout.unit_factor
    for row in range(1, layout.first_data_row):
        for text in sheet.row_texts(row):
            if text and (factor := unit_factor(text)) is not None:
                return factor
    raise sheet.problem(bilingual("không thấy dòng đơn vị",
                                  "expected a unit line such as 'Đơn vị: triệu đồng'"),
                        layout.header_row)


def read_rows(sheet: Sheet, layout: Layout) -> tuple[list[Row], Row | None, int]:
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


def _structural(folded: str, names: Names, context: tuple[str, ...]) -> bool:
    """True for a row that names a programme or an item: 'Chương trình …', 'Dự án 4: …'."""
    if folded.startswith("chuong trinh"):
        return True
    programs = [names.catalogue.programs[context[0]]] if context else \
        list(names.catalogue.programs.values())
    for program in programs:
        for level in program.levels:
            name = normalise(level.name)
            if folded.startswith(name + " "):
                after = folded[len(name) + 1:].split(" ", 1)[0]
                # The open level ("Nội dung") also begins ordinary texts: only with a number.
                if not level.open or after.isdigit():
                    return True
    return False


def _resolve(row: Row, names: Names, context: tuple[str, ...], plan_year: int, sheet: Sheet,
             column: int) -> Match | None:
    """The programme or item a structural row names, looked up below ``context``."""
    folded = names.fold(row.title)
    if not _structural(folded, names, context):
        return None
    try:
        if not context and not folded.startswith("chuong trinh"):
            # "Hợp phần thứ nhất" first, under a title naming no programme: the programme
            # whose levels the row names
            context = names.program_of_levels(row.title, plan_year)
        if folded.startswith("chuong trinh") or not context:
            # A programme row names a programme, whatever the sheet's title said.
            return names.program(row.title, plan_year)
        return names.item(row.title, context)
    except NameProblem as problem:
        raise sheet.problem(str(problem), row.number, column) from None


def check_sums(parent: Row, layout: Layout, factor: int, decimals: int, sheet: Sheet,
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
            raise sheet.problem(bilingual(
                f"'{title}' cột '{column.label}': dòng cha ghi {stated}, tổng các dòng con "
                f"(dòng {', '.join(str(c.number) for c in children)}) là {summed}",
                "the parent row must equal the sum of its children"), parent.number)


def check_row_totals(row: Row, layout: Layout, decimals: int, factor: int,
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
            raise sheet.problem(bilingual(
                f"cột '{total.label}' ghi {row.amounts[total.index]}, tổng các cột thành phần "
                f"là {summed}", "a total column must equal the sum of its parts"), row.number)


@dataclass
class LineRow:
    row: Row
    match: Match  # the item the row (or the row above its unit rows) names
    unit: str | None  # the spending unit a row below the item names, as written
    named_at: int  # the Excel row that names the item

    @property
    def node(self) -> Node:
        return self.match.node


def line_rows(root: Row, names: Names, program: tuple[str, ...], plan_year: int,
              sheet: Sheet, column: int) -> list[LineRow]:
    """The rows whose amounts are booked: each line row, or its unit rows if it has any."""
    matches: dict[int, Match] = {}

    def context_of(row: Row) -> tuple[str, ...]:
        parent = row.parent
        while parent is not None:
            if id(parent) in matches:
                return matches[id(parent)].node.path
            parent = parent.parent
        return program

    for row in walk(root):
        if row is root or row.of_which:
            continue
        match = _resolve(row, names, context_of(row), plan_year, sheet, column)
        if match is not None:
            matches[id(row)] = match
    booked: list[LineRow] = []
    for row in walk(root):
        match = matches.get(id(row))
        if match is None or row.of_which:
            continue
        if any(id(child) in matches for child in walk(row) if child is not row):
            continue  # a programme or project row: its items below are the lines
        if len(match.node.path) < 2:
            raise sheet.problem(bilingual(f"'{row.title}' là chương trình, không có dự án bên "
                                          "dưới", "a programme row needs its items below it"),
                                row.number, column)
        units = [d for d in walk(row) if d is not row and not d.of_which and d.has_amounts
                 and not d.additive_children()]
        if units:
            booked.extend(LineRow(d, match, d.title.strip(), row.number) for d in units)
        elif row.has_amounts:
            booked.append(LineRow(row, match, None, row.number))
    if not matches:
        raise sheet.problem(bilingual("không thấy dòng chương trình / dự án / tiểu dự án nào",
                                      "no row names a catalogue item, e.g. 'Tiểu dự án 2: …'"))
    return booked
