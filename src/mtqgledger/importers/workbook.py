"""Workbooks as grids of cells, and their header rows found by keywords.

Both importers read ``.xlsx`` and ``.xls`` through python-calamine (about 6×
faster than openpyxl's read-only mode here). A grid keeps Excel's numbering:
``sheet.cell(row, column)`` takes the 1-based row and column a user sees, so
every message can point at the cell in Excel.
"""

from __future__ import annotations

import contextlib
import functools
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mtqgledger.importers.cells import NumberStyle, infer_style
from mtqgledger.model.text import bilingual, matches

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


class ImportProblem(ValueError):
    """Bad input: the message names the file, sheet, row and cell, and what was expected."""

    def __init__(self, file: str | Path, message: str, sheet: str | None = None,
                 row: int | None = None, column: int | None = None):
        self.file, self.sheet, self.row, self.problem = str(file), sheet, row, message
        self.column = column
        where = Path(self.file).name
        if sheet is not None:
            where += f", sheet '{sheet}'"
        if row is not None:
            where += f", dòng (row) {row}"
            if column is not None:
                where += f", ô (cell) {cell_name(row, column)}"
        super().__init__(f"{where}: {message}")


def cell_name(row: int, column: int) -> str:
    """The cell a user finds in Excel: (14, 2) -> 'B14'."""
    from openpyxl.utils import get_column_letter  # only for messages

    return f"{get_column_letter(column)}{row}"


def cell_text(value: object) -> str:
    """A cell as the user reads it: whole-number floats without '.0', no outer spaces."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class Sheet:
    """One worksheet's cells; rows and columns are numbered from 1, as in Excel."""

    file: Path
    name: str
    rows: list[list[object]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)

    @property
    def height(self) -> int:
        return len(self.rows)

    def cell(self, row: int, column: int) -> object:
        if 1 <= row <= len(self.rows) and 1 <= column <= len(self.rows[row - 1]):
            return self.rows[row - 1][column - 1]
        return ""

    def text(self, row: int, column: int) -> str:
        """The cell as the user reads it: whole-number floats without '.0'."""
        return cell_text(self.cell(row, column))

    def row(self, number: int) -> list[object]:
        """Row ``number``'s cells as read (as many as the row has)."""
        return self.rows[number - 1] if 1 <= number <= len(self.rows) else []

    def row_texts(self, row: int) -> list[str]:
        return [self.text(row, column) for column in range(1, self.width + 1)]

    @functools.cached_property
    def width(self) -> int:
        return max(map(len, self.rows), default=0)

    def problem(self, message: str, row: int | None = None,
                column: int | None = None) -> ImportProblem:
        return ImportProblem(self.file, message, self.name, row, column)


def read_workbook(path: str | Path) -> list[Sheet]:
    """Every sheet of a workbook; anything unreadable is an ImportProblem.

    Identifying a file and extracting it both read it: the parsed sheets are
    kept for the few most recent files, keyed by path, size and modification
    time, so a 100,000-row statement is parsed once per import.
    """
    path = Path(path)
    if not path.is_file():
        raise ImportProblem(path, bilingual("không tìm thấy tệp", "file not found"))
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise ImportProblem(path, bilingual("không phải bảng tính Excel",
                                            f"expected one of {', '.join(WORKBOOK_SUFFIXES)}"))
    key = _key(path)
    parsing = _PREFETCHING.pop(key, None)
    if parsing is not None:
        parsing.join()
    return list(_parse_workbook(*key))


def _key(path: Path) -> tuple[Path, int, int]:
    status = path.stat()
    return path.resolve(), status.st_size, status.st_mtime_ns


# Workbooks being parsed in a thread (prefetch_workbook), by _parse_workbook's arguments.
_PREFETCHING: dict[tuple, threading.Thread] = {}


def prefetch_workbook(path: str | Path) -> bool:
    """Start parsing a workbook in a thread; :func:`read_workbook` waits for it.

    python-calamine lets go of the interpreter while it parses (seconds of a
    100,000-row statement), so what the caller does meanwhile, such as loading
    the books, costs no time. A file that is no workbook is left to read_workbook;
    returns whether ``path`` names a workbook file (then it is being parsed).
    """
    path = Path(path)
    if path.suffix.lower() not in WORKBOOK_SUFFIXES or not path.is_file():
        return False
    key = _key(path)
    if key not in _PREFETCHING:
        _PREFETCHING[key] = thread = threading.Thread(target=_parse_quietly, args=key,
                                                      daemon=True)
        thread.start()
    return True


def _parse_quietly(*key: object) -> None:
    with contextlib.suppress(Exception):  # read_workbook parses again and says what is wrong
        _parse_workbook(*key)


def any_sheet(path: str | Path, test: Callable[[Sheet], bool]) -> bool:
    """True if the file is a readable workbook with a sheet that passes ``test``."""
    try:
        sheets = read_workbook(path)
    except ImportProblem:
        return False
    return any(test(sheet) for sheet in sheets)


def forget_workbooks() -> None:
    """Drop the parsed sheets kept for identify() and read(): once a document is read, its
    cells (millions of objects for a large statement) need not outlive it."""
    for parsing in _PREFETCHING.values():
        parsing.join()
    _PREFETCHING.clear()
    _parse_workbook.cache_clear()


@functools.lru_cache(maxsize=3)
def _parse_workbook(path: Path, size: int, modified: int) -> tuple[Sheet, ...]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets = []
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            merged = [((a + 1, b + 1), (c + 1, d + 1))
                      for (a, b), (c, d) in (sheet.merged_cell_ranges or [])]
            sheets.append(Sheet(path, name, sheet.to_python(skip_empty_area=False), merged))
    except Exception as error:  # calamine raises several kinds for a damaged file
        raise ImportProblem(path, bilingual("không đọc được bảng tính",
                                            f"not a readable workbook: {type(error).__name__}: "
                                            f"{error}")) from None
    return tuple(sheets)


def title_lines(sheet: Sheet, before_row: int) -> list[str]:
    """Non-empty texts of the rows above the table, top to bottom, left to right."""
    return [text for number in range(1, before_row)
            for text in map(cell_text, sheet.row(number)) if text]


def find_header_row(sheet: Sheet, required: Sequence[Iterable[str]], search_rows: int = 40,
                    ) -> int | None:
    """The first row having, in some cell, a keyword of each required group."""
    for row in range(1, min(sheet.height, search_rows) + 1):
        texts = [text for text in sheet.row_texts(row) if text]
        if all(any(matches(text, group) for text in texts) for group in required):
            return row
    return None


def header_labels(sheet: Sheet, first: int, last: int) -> list[tuple[str, ...]]:
    """Per column, the labels of header rows first..last, merged cells filled in.

    A label merged across columns (a source group over its capital columns)
    applies to every column it spans; one merged down applies to the rows below.
    """
    width = sheet.width
    grid = [[sheet.text(row, column) for column in range(1, width + 1)]
            for row in range(first, last + 1)]
    spans = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in sheet.merged
             if r1 >= first and r0 <= last]
    for r0, c0, r1, c1 in spans:
        value = sheet.text(r0, c0)
        for row in range(max(r0, first), min(r1, last) + 1):
            for column in range(c0, min(c1, width) + 1):
                grid[row - first][column - 1] = value
    if not spans:
        # No merge information (some .xls writers): a group label spans the empty
        # cells to its right in every header row but the last.
        for labels in grid[:-1]:
            for column in range(1, width):
                if not labels[column] and labels[column - 1] and grid[-1][column]:
                    labels[column] = labels[column - 1]
    columns = []
    for column in range(width):
        path: list[str] = []
        for labels in grid:
            if labels[column] and (not path or path[-1] != labels[column]):
                path.append(labels[column])
        columns.append(tuple(path))
    return columns


_NUMBERING_CELL = re.compile(r"^\(?[0-9]{1,2}\)?$|^\(?[A-Z]\)?$|^\(?\d+\s*[=+\-*/x].*\)?$")


def is_numbering_row(texts: Sequence[str]) -> bool:
    """A row of column numbers under a header: '1 2 3 4=5+6' or '(A) (B) (1)'."""
    cells = [text for text in texts if text]
    return len(cells) >= 3 and all(_NUMBERING_CELL.match(text) for text in cells)


def number_style(sheet: Sheet, first_row: int, columns: Iterable[int]) -> NumberStyle:
    """How the numbers typed as text in these columns, from ``first_row`` down, are written."""
    wanted = [column - 1 for column in columns]
    texts = [row[column] for row in sheet.rows[first_row - 1:] for column in wanted
             if column < len(row) and isinstance(row[column], str) and row[column].strip()]
    return infer_style(texts)
