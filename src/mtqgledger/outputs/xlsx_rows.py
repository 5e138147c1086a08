"""Excel workbooks with very long sheets: openpyxl writes the frame, rows go in as XML.

xlsxwriter (even in ``constant_memory`` mode) and openpyxl's write-only mode
spend 10–15 µs on each cell; an audit journal of 300,000 postings has millions
of cells. Here openpyxl (mtqgledger.outputs.xlsx) writes everything but the data
rows: the styles, each sheet's bold header row, column widths, frozen header
and autofilter. The data rows are rendered straight to SpreadsheetML (inline
strings, so no shared-string table) and streamed into the zip in place of the
frame's empty sheet body, compressed by a second thread.

Formulas are written without a cached value, so a spreadsheet program computes
them on opening; LibreOffice would otherwise trust a cached 0.
"""

from __future__ import annotations

import datetime
import io
import queue
import re
import threading
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from openpyxl.utils import column_index_from_string, get_column_letter

from mtqgledger.model.text import bilingual
from mtqgledger.outputs.xlsx import NUMBER_FORMATS, header_row, set_widths

MAX_ROWS = 1_048_576  # Excel's limit, header included
MAX_TEXT = 32_767  # characters Excel keeps in one cell
_EXCEL_EPOCH = datetime.date(1899, 12, 30).toordinal()
_CHUNK = 2000  # rows joined into one write into the zip


@dataclass(frozen=True)
class Column:
    """A column: its header, width in characters and kind (a key of NUMBER_FORMATS)."""

    title: str
    width: float
    kind: str = "text"


class Formula(str):
    """A cell formula without its leading '=', e.g. ``Formula("K2+L2")``."""


# A row: its values, or its cells already rendered by CellWriter and UTF-8 encoded.
Row = Sequence[object] | bytes


@dataclass
class Sheet:
    """A sheet's columns and data rows.

    ``rows`` receives the :class:`CellWriter`, so a long sheet can render (and
    encode) the cells it repeats only once. ``row_count`` sizes the autofilter before the
    rows are written; ``filtered_rows`` (default: all) keeps total rows below
    the filtered table. An empty row is written as a blank line.
    """

    name: str
    columns: Sequence[Column]
    rows: Callable[[CellWriter], Iterable[Row]]
    row_count: int
    filtered_rows: int | None = None


_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "_": "_x005F_"}


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    # Control characters are not allowed in XML; OOXML spells them _xHHHH_ (and a
    # literal "_xHHHH_" in the text must then be told apart: "_x005F_xHHHH_").
    return _ESCAPES.get(char) or f"_x{ord(char):04X}_"


def escape(text: str) -> str:
    """Text as SpreadsheetML character data."""
    return _SPECIAL.sub(_escape_char, text)


class CellWriter:
    """Renders cells as SpreadsheetML, styled by their column's kind.

    Cells carry no ``r`` reference (the schema makes it optional): they are
    placed one after another, so a rendered cell can be reused in any row.
    A date outside a date column is written as dd/mm/yyyy text, and "" as an
    empty cell.
    """

    def __init__(self, styles: dict[str, int]):
        self.styles = {kind: f' s="{index}"' if index else "" for kind, index in styles.items()}
        self.empty = "<c/>"
        self._dates: dict[datetime.date, str] = {}

    def cell(self, value: object, kind: str = "text") -> str:
        if value is None:
            return self.empty
        if type(value) is str:  # the common case first
            return self.text(value, kind)
        style = self.styles[kind]
        if isinstance(value, Formula):
            return f"<c{style}><f>{escape(value)}</f></c>"
        if isinstance(value, bool):
            return f'<c{style} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int):
            return f"<c{style}><v>{value}</v></c>"
        if isinstance(value, Decimal):
            return f"<c{style}><v>{value:f}</v></c>"
        if isinstance(value, datetime.datetime):
            if kind != "datetime":
                return self.text(value.strftime("%d/%m/%Y %H:%M"), kind)
            midnight = value.replace(hour=0, minute=0, second=0, microsecond=0)
            serial = value.toordinal() - _EXCEL_EPOCH + (value - midnight) / datetime.timedelta(1)
            return f"<c{style}><v>{serial!r}</v></c>"
        if isinstance(value, datetime.date):
            return self.date(value) if kind == "date" else \
                self.text(value.strftime("%d/%m/%Y"), kind)
        return self.text(str(value), kind)

    def date(self, day: datetime.date) -> str:
        rendered = self._dates.get(day)
        if rendered is None:
            rendered = self._dates[day] = \
                f'<c{self.styles["date"]}><v>{day.toordinal() - _EXCEL_EPOCH}</v></c>'
        return rendered

    def text(self, value: str, kind: str = "text") -> str:
        if not value:
            return self.empty
        if len(value) > MAX_TEXT:
            value = value[:MAX_TEXT]
        # Cheaper than the escaping regex on the plain text most cells hold.
        if "&" in value or "<" in value or ">" in value or "_" in value or \
                not value.isprintable():
            value = escape(value)
        space = "" if value.strip() == value else ' xml:space="preserve"'
        return f'<c{self.styles[kind]} t="inlineStr"><is><t{space}>{value}</t></is></c>'

    def amount(self, number: Decimal) -> str:
        """A posting's number: whole đồng as an integer, anything finer exactly."""
        whole = int(number)
        return f'<c{self.styles["amount"]}><v>{whole if whole == number else number}</v></c>'

    def row(self, number: int, values: Row, columns: Sequence[Column]) -> bytes:
        """A whole ``<row>`` element, sheet row ``number``."""
        if not isinstance(values, bytes):
            values = "".join(self.cell(value, column.kind) for value, column
                             in zip(values, columns, strict=False)).encode()
        return b'<row r="%d">%b</row>' % (number, values)


_STYLE_ROW = re.compile(rb'<row r="2"[^>]*>.*?</row>', re.DOTALL)
_STYLED_CELL = re.compile(rb'<c r="([A-Z]+)2"(?: s="(\d+)")?')


def _frame(sheets: Sequence[Sheet], title: str) -> tuple[dict[str, bytes], dict[str, int]]:
    """Each sheet's XML without data rows, by zip member, the rest of the workbook under
    the other names; and the style index of each column kind.

    The frame is written by openpyxl with a row 2 whose cells carry each column's
    number format: the style index openpyxl gave each is read back, and that row
    taken out again.
    """
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    book.properties.title = title
    for sheet in sheets:
        if sheet.row_count + 1 > MAX_ROWS:
            raise ValueError(bilingual(f"sheet {sheet.name}: {sheet.row_count} dòng, quá giới "
                                       f"hạn {MAX_ROWS - 1} dòng của Excel",
                                       "more rows than Excel allows"))
        page = book.create_sheet(sheet.name)
        header_row(page, 1, [column.title for column in sheet.columns], fill=True)
        set_widths(page, [column.width for column in sheet.columns])
        for number, column in enumerate(sheet.columns, start=1):
            page.cell(2, number).number_format = NUMBER_FORMATS[column.kind]
        page.row_dimensions[1].height = 32
        page.freeze_panes = "A2"
        filtered = sheet.row_count if sheet.filtered_rows is None else sheet.filtered_rows
        page.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{filtered + 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    styles: dict[str, int] = {}
    members: dict[str, bytes] = {}
    with zipfile.ZipFile(buffer) as frame:
        for info in frame.infolist():
            members[info.filename] = frame.read(info)
    for number, sheet in enumerate(sheets, start=1):
        name = f"xl/worksheets/sheet{number}.xml"
        row = _STYLE_ROW.search(members[name])
        for letter, style in _STYLED_CELL.findall(row.group(0)) if row else ():
            kind = sheet.columns[column_index_from_string(letter.decode()) - 1].kind
            styles[kind] = int(style or 0)
        members[name] = _STYLE_ROW.sub(b"", members[name], count=1)
    return members, {kind: styles.get(kind, 0) for kind in NUMBER_FORMATS}


class _Compressor:
    """Writes chunks into a zip member on a second thread: zlib releases the GIL."""

    def __init__(self, handle: BinaryIO):
        self.handle = handle
        self.chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=8)
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (chunk := self.chunks.get()) is not None:
            if self.failure is None:
                try:
                    self.handle.write(chunk)
                except BaseException as problem:  # re-raised on the caller's thread
                    self.failure = problem

    def write(self, chunk: bytes) -> None:
        if self.failure is not None:
            raise self.failure
        self.chunks.put(chunk)

    def close(self) -> None:
        self.chunks.put(None)
        self.thread.join()
        if self.failure is not None:
            raise self.failure


def _write_sheet(target: zipfile.ZipFile, name: str, frame: bytes, sheet: Sheet,
                 cells: CellWriter) -> None:
    """The frame's sheet XML with the data rows streamed in after the header row."""
    head, tail = frame.split(b"</sheetData>")
    last = f"{get_column_letter(len(sheet.columns))}{sheet.row_count + 1}"
    head = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>'.encode(), head)
    written = 0
    with target.open(name, "w") as handle:
        compressor = _Compressor(handle)
        try:
            compressor.write(head)
            chunk: list[bytes] = []
            for written, values in enumerate(sheet.rows(cells), start=1):
                chunk.append(cells.row(written + 1, values, sheet.columns))
                if len(chunk) == _CHUNK:
                    compressor.write(b"".join(chunk))
                    chunk.clear()
            compressor.write(b"".join([*chunk, b"</sheetData>", tail]))
        finally:
            compressor.close()
    if written != sheet.row_count:
        raise RuntimeError(f"sheet {sheet.name}: {written} rows written, {sheet.row_count} "
                           "announced")


def write_workbook(sheets: Sequence[Sheet], output: Path | BinaryIO, title: str = "") -> None:
    """Write ``sheets`` to ``output`` (a path or a binary file object)."""
    members, styles = _frame(sheets, title)
    cells = CellWriter(styles)
    bodies = {f"xl/worksheets/sheet{number}.xml": sheet
              for number, sheet in enumerate(sheets, start=1)}
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            sheet = bodies.get(name)
            if sheet is None:
                target.writestr(name, data, zipfile.ZIP_DEFLATED)
            else:
                _write_sheet(target, name, data, sheet, cells)
