"""Allocation decisions (giao, bổ sung, điều chỉnh) from their Excel appendices.

One workbook may hold several appendix sheets; each is read, and sheets that
are not appendices are named in the summary. For every line and source ×
capital cell the importer emits one dated transaction citing the decision,
file, sheet and row. Every parent row must equal the sum of its children.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from beancount.core import data

from mtqgledger.importers.base import WorkbookImporter
from mtqgledger.importers.cells import CellError, to_dong
from mtqgledger.importers.decision_columns import STT, TITLE, Layout, find_layout
from mtqgledger.importers.decision_info import DecisionInfo, read_info
from mtqgledger.importers.decision_rows import (
    LineRow,
    check_row_totals,
    check_sums,
    line_rows,
    read_rows,
    unit_of,
)
from mtqgledger.importers.hierarchy import build_tree, walk
from mtqgledger.importers.money import program_in_title
from mtqgledger.importers.notes import NameRead, noted
from mtqgledger.importers.workbook import (
    ImportProblem,
    Sheet,
    any_sheet,
    find_header_row,
    read_workbook,
    title_lines,
)
from mtqgledger.model.accounts import Line, Root
from mtqgledger.model.catalogue import Catalogue, Node
from mtqgledger.model.postings import ADJUSTMENT_CODE, ALLOCATION
from mtqgledger.model.text import bilingual, matches
from mtqgledger.model.titles import DECISION_TITLES, committee_name
from mtqgledger.model.units import UNIT_KEY

_AMOUNT = data.Amount


@dataclass
class SheetResult:
    name: str
    entries: list[data.Transaction]
    lines: int
    names: list[NameRead] = field(default_factory=list)


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

    @property
    def names(self) -> list[NameRead]:
        """Names read loosely and items new to the catalogue, each once."""
        return list({(read.match.node.path, read.match.written): read
                     for sheet in self.sheets for read in sheet.names}.values())

    @property
    def new_items(self) -> list[Node]:
        return list({read.match.node.path: read.match.node for read in self.names
                     if read.match.how == "new"}.values())

    notes: list[str] = field(default_factory=list)


def parse_sheet(sheet: Sheet, layout: Layout, info: DecisionInfo, catalogue: Catalogue,
                ) -> SheetResult:
    """Entries of one appendix sheet, after every sum in it has been checked."""
    factor = unit_of(sheet, layout)
    rows, total, decimals = read_rows(sheet, layout)
    root = build_tree(rows, total)
    # Each row's own total columns first, so a wrong cell is blamed on its own row.
    for row in walk(root):
        check_row_totals(row, layout, decimals, factor, sheet)
    for row in walk(root):
        if not row.of_which:
            check_sums(row, layout, factor, decimals, sheet, row.title or "TỔNG SỐ")
    program = program_in_title(title_lines(sheet, layout.header_row), catalogue, info.plan_year)
    booked = line_rows(root, catalogue.names, program, info.plan_year, sheet,
                       layout.title_column)
    entries = [entry for line_row in booked
               for entry in _entries_for(line_row, layout, factor, info, sheet, catalogue)]
    names = [NameRead(f"{sheet.file.name}, sheet '{sheet.name}', dòng {line_row.named_at}",
                      line_row.match) for line_row in booked if noted(line_row.match)]
    return SheetResult(sheet.name, entries, len({line_row.node.path for line_row in booked}),
                       names)


def _entries_for(booked: LineRow, layout: Layout, factor: int, info: DecisionInfo,
                 sheet: Sheet, catalogue: Catalogue) -> list[data.Transaction]:
    node, row = booked.node, booked.row
    registered = booked.unit and catalogue.unit_registry.find(info.province, booked.unit)
    unit = registered.name if registered else booked.unit
    entries = []
    for column in layout.cells:
        value = row.amounts.get(column.index)
        if value is None or value == 0:
            continue
        if value < 0 and info.kind != ADJUSTMENT_CODE:
            raise sheet.problem(bilingual(
                f"cột '{column.label}': số âm {value} trong quyết định "
                f"{DECISION_TITLES[info.kind].lower()}",
                "a negative amount is only allowed in an adjustment"), row.number)
        if column.capital not in node.capitals:
            raise sheet.problem(bilingual(f"'{node.title_vi}' không nhận vốn {column.capital}",
                                          "the catalogue allows "
                                          + ", ".join(sorted(node.capitals))), row.number)
        try:
            dong = to_dong(value, factor) * column.sign
        except CellError as problem:
            raise sheet.problem(f"cột '{column.label}': {problem}", row.number) from None
        line = Line(info.province, node.path, column.source, column.capital, info.plan_year)
        meta = data.new_metadata(str(sheet.file), row.number, {
            "decision": info.number, "decision_date": info.date, "kind": info.kind,
            "source_file": sheet.file.name, "sheet": sheet.name, "row": Decimal(row.number),
        })
        if unit:
            meta[UNIT_KEY] = unit
        if booked.match.approximate:
            meta["written_as"] = booked.match.written.strip()
        postings = [data.Posting(account, _AMOUNT(Decimal(number), "VND"), None, None, None,
                                 None) for account, number in ALLOCATION.postings(line, dong)]
        narration = f"{DECISION_TITLES[info.kind]} năm {info.plan_year} – {node.title_vi}"
        if unit:
            narration += f" – {unit}"
        entries.append(data.Transaction(meta, info.date, "*",
                                        committee_name(catalogue, info.province), narration,
                                        frozenset(), frozenset(), postings))
    return entries


def read_decision(path: str | Path, catalogue: Catalogue, *,
                  number: str | None = None, date: datetime.date | None = None,
                  province: str | None = None, plan_year: int | None = None,
                  source: str | None = None, capital: str | None = None,
                  mapping: Path | None = None) -> DecisionResult:
    """Read every appendix sheet of a decision workbook into entries."""
    sheets = read_workbook(path)
    result = DecisionResult(Path(path), None)
    for sheet in sheets:
        layout = find_layout(sheet, catalogue, source=source, capital=capital, mapping=mapping)
        if layout is None:
            result.ignored.append(sheet.name)
            continue
        info = read_info(title_lines(sheet, layout.header_row), catalogue, sheet,
                         number=number, date=date, province=province, plan_year=plan_year)
        result.info = result.info or info
        result.sheets.append(parse_sheet(sheet, layout, info, catalogue))
    if not result.sheets:
        raise ImportProblem(path, bilingual(
            "không có phụ lục quyết định nào",
            "no sheet has an allocation table with STT, Nội dung and amount columns by source "
            "and capital type"))
    return result


def _titled_appendix(sheet: Sheet) -> bool:
    header = find_header_row(sheet, [STT, TITLE])
    return bool(header) and any(matches(line, ("quyet dinh", "qd"))
                                for line in title_lines(sheet, header))


def looks_like_decision(path: str | Path) -> bool:
    """Cheap test used by identify(): a workbook with a 'Quyết định' title and a table."""
    return any_sheet(path, _titled_appendix)


class DecisionImporter(WorkbookImporter):
    """beangulp importer for allocation decisions (Excel appendices)."""

    code = "decision"
    root = Root.ALLOCATED

    def identify(self, filepath: str) -> bool:
        return looks_like_decision(filepath)

    def date(self, filepath: str) -> datetime.date | None:
        result = self.read(filepath)
        return result.info.date if result.info else None

    def read(self, filepath: str, existing: data.Entries = ()) -> DecisionResult:
        return read_decision(filepath, self.catalogue, **self.options)
