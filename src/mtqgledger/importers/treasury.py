"""State Treasury (KBNN) statements: one transaction per advance, payment, settlement or return.

A statement workbook has title lines (the treasury or province, the plan year or
the period, the unit line), one or two header rows and one row per movement.
Columns are recognised by keywords (:mod:`.statement_columns`); the programme
item is given either by text columns (Chương trình, Dự án, Tiểu dự án) or by one
code column whose values are item paths (``GNBV/DA4/TDA2``) or codes mapped
through a code table file::

    [codes]
    "0061" = "GNBV/DA4/TDA2"

Each row becomes one transaction moving money between the line's accounts as
described in docs/accounts.md (Tạm ứng, Thanh toán, Thu hồi tạm ứng, Nộp trả /
giảm chi), citing the voucher, the file, the sheet and the row
(:mod:`.statement_rows`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from beancount.core import data

from mtqgledger.importers.base import WorkbookImporter
from mtqgledger.importers.notes import NameRead
from mtqgledger.importers.statement_columns import AMOUNT, KIND, VOUCHER, find_header, read_columns
from mtqgledger.importers.statement_info import read_info
from mtqgledger.importers.statement_lines import Resolver, extended_segments, load_codes
from mtqgledger.importers.statement_rows import SheetReader, number_style_of
from mtqgledger.importers.workbook import ImportProblem, Sheet, any_sheet, read_workbook
from mtqgledger.model.accounts import Root, parse_account
from mtqgledger.model.catalogue import Catalogue, LookupFailed, Node
from mtqgledger.model.text import bilingual


@dataclass
class StatementResult:
    """What one statement workbook gave: its entries, the sheets read and those ignored."""

    file: Path
    entries: list[data.Transaction]
    sheets: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # where the province came from
    names: list[NameRead] = field(default_factory=list)  # names read loosely, new items
    new_items: list[Node] = field(default_factory=list)


def _province_option(path: str | Path, province: str | None, catalogue: Catalogue,
                     ) -> str | None:
    if province is None:
        return None
    try:
        return catalogue.find_province(province).code
    except LookupFailed as problem:
        raise ImportProblem(path, str(problem)) from None


def read_statement(path: str | Path, catalogue: Catalogue, *,
                   province: str | None = None, plan_year: int | None = None,
                   codes: Path | None = None, existing: Sequence[data.Directive] = (),
                   ) -> StatementResult:
    """Read every statement sheet of a treasury workbook into one transaction per row."""
    province = _province_option(path, province, catalogue)
    code_table = load_codes(Path(codes), catalogue) if codes is not None else {}
    sheets = read_workbook(path)
    opened = frozenset(entry.account for entry in existing if isinstance(entry, data.Open))
    books = frozenset(found[1].province for account in opened
                      if (found := parse_account(account)) is not None)
    resolver = Resolver(catalogue, code_table, *extended_segments(existing))
    result = StatementResult(Path(path), [])
    for sheet in sheets:
        header = find_header(sheet)
        if header is None:
            result.ignored.append(sheet.name)
            continue
        columns = read_columns(sheet, *header)
        info = read_info(sheet, columns, catalogue, province=province, plan_year=plan_year,
                         books=books)
        reader = SheetReader(sheet, columns, info, resolver, number_style_of(sheet, columns))
        result.entries.extend(reader.entries())
        result.sheets.append(sheet.name)
        if info.note:
            result.notes.append(f"{Path(path).name}, sheet '{sheet.name}': {info.note}")
    if not result.sheets:
        raise ImportProblem(path, bilingual(
            "không có bảng kê chứng từ kho bạc nào",
            "no sheet has a statement header with Ngày and Số tiền / Số chứng từ columns"))
    result.names = [NameRead(Path(path).name, match) for match in resolver.noted.values()]
    result.new_items = list(resolver.new_items.values())
    return result


def _statement_table(sheet: Sheet) -> bool:
    header = find_header(sheet)
    if header is None:
        return False
    index = read_columns(sheet, *header).index
    return AMOUNT in index and (KIND in index or VOUCHER in index)


def looks_like_statement(path: str | Path) -> bool:
    """Cheap test used by identify(): a header with Ngày, Số tiền and a kind or voucher."""
    return any_sheet(path, _statement_table)


class TreasuryImporter(WorkbookImporter):
    """beangulp importer for State Treasury (KBNN) statements."""

    code = "treasury"
    root = Root.DISBURSED

    def identify(self, filepath: str) -> bool:
        return looks_like_statement(filepath)

    def read(self, filepath: str, existing: data.Entries = ()) -> StatementResult:
        return read_statement(filepath, self.catalogue, existing=existing, **self.options)
