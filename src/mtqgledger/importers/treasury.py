"""State Treasury (KBNN) statements: one transaction per advance, payment, settlement or return.

A statement workbook has title lines (the treasury or province, the plan year or
the period, the unit line), one or two header rows and one row per movement.
Columns are recognised by keywords; the programme item is given either by text
columns (Chương trình, Dự án, Tiểu dự án) or by one code column whose values are
item paths (``GNBV/DA4/TDA2``) or codes mapped through a code table file::

    [codes]
    "0061" = "GNBV/DA4/TDA2"

Each row becomes one transaction moving money between the line's accounts as
described in docs/accounts.md (Tạm ứng, Thanh toán, Thu hồi tạm ứng, Nộp trả /
giảm chi), citing the voucher, the file, the sheet and the row.
"""

from __future__ import annotations

import dataclasses
import datetime
import operator
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from beancount.core import amount, data

from mtqgledger.importers.base import WorkbookImporter
from mtqgledger.importers.cells import (
    CellError,
    NumberStyle,
    parse_date,
    parse_number,
    to_dong,
    unit_factor,
)
from mtqgledger.importers.layout import CAPITALS, SOURCES, default_from_title, program_in_title
from mtqgledger.importers.workbook import (
    ImportProblem,
    Sheet,
    header_labels,
    is_numbering_row,
    matches,
    number_style,
    read_workbook,
)
from mtqgledger.model.accounts import Line, Root
from mtqgledger.model.catalogue import Catalogue, LookupFailed, Node, load_catalogue, normalise

# ---------------------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------------------

DATE = "date"
VOUCHER = "voucher"
UNIT_CODE = "unit_code"
UNIT = "unit"
NARRATION = "narration"
PROGRAM = "program"
PROJECT = "project"
SUBPROJECT = "subproject"
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
    (SUBPROJECT, ("tieu du an",)),
    (PROJECT, ("du an", "noi dung thanh phan", "hop phan")),
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
}
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


def _text(value: object) -> str:
    """A cell as the user reads it (whole-number floats without '.0')."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _row(sheet: Sheet, number: int) -> list[object]:
    return sheet.rows[number - 1] if 1 <= number <= sheet.height else []


def _header_cells(cells: Sequence[object]) -> list[str]:
    """The texts of a row that may be header labels: short, with no digits."""
    return [text for text in map(_text, cells)
            if text and len(text) <= 80 and not _DIGIT.search(text)]


def _title_lines(sheet: Sheet, before_row: int) -> list[str]:
    """Non-empty texts above the table (tables.title_lines without measuring the sheet)."""
    return [text for number in range(1, before_row)
            for text in map(_text, _row(sheet, number)) if text]


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
    texts = [_text(value) for value in cells if _text(value)]
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
        cells = _header_cells(_row(sheet, number))
        roles = _roles_in(cells)
        if len(cells) < 2 or not roles & {DATE, AMOUNT}:
            continue  # title lines are one cell each; the header names a date or an amount
        last = number
        below = _row(sheet, number + 1)
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
    for column, path in enumerate(header_labels(sheet, first, last), start=1):
        role = classify_label(path) if path else None
        if role is None:
            continue
        text = " / ".join(path)
        accounting_date = role == DATE and matches(text, ("hach toan",))
        if role not in index or accounting_date:
            index[role], labels[role] = column, text
    data_row = last + 1
    if data_row <= sheet.height and is_numbering_row([_text(v) for v in _row(sheet, data_row)]):
        data_row += 1
    return Columns(first, last, data_row, index, labels)


# ---------------------------------------------------------------------------------------
# Movement kinds
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A movement kind: the roots debited and credited, and its ``kind`` metadata."""

    code: str
    label: str
    debit: Root
    credit: Root

    @property
    def consumes_advance(self) -> bool:
        """True if the movement takes money out of an outstanding advance."""
        return self.credit is Root.ADVANCE


ADVANCE = Kind("tam-ung", "Tạm ứng", Root.ADVANCE, Root.APPROPRIATION)
PAYMENT = Kind("thanh-toan", "Thanh toán", Root.DISBURSED, Root.APPROPRIATION)
SETTLEMENT = Kind("thu-hoi-tam-ung", "Thu hồi tạm ứng", Root.DISBURSED, Root.ADVANCE)
RETURN = Kind("giam-chi", "Nộp trả / giảm chi", Root.APPROPRIATION, Root.DISBURSED)
RETURN_ADVANCE = Kind("giam-chi", "Nộp trả tạm ứng", Root.APPROPRIATION, Root.ADVANCE)
KNOWN_KINDS = ("Tạm ứng", "Thanh toán", "Thu hồi tạm ứng / Thanh toán tạm ứng",
               "Nộp trả / Giảm chi", "Nộp trả tạm ứng")


def classify_kind(text: str) -> Kind | None:
    """The kind named by a kind cell (accents and case ignored), or None."""
    folded = f" {normalise(text)} "
    advance = " tam ung " in folded
    if " nop tra " in folded or " giam chi " in folded:
        return RETURN_ADVANCE if advance else RETURN
    if " thu hoi " in folded or " thanh toan tam ung " in folded:
        return SETTLEMENT
    if advance:
        return ADVANCE
    if " thanh toan " in folded:
        return PAYMENT
    return None


# ---------------------------------------------------------------------------------------
# Title lines
# ---------------------------------------------------------------------------------------

_TREASURY = re.compile(r"\b(?:kho bac nha nuoc|kbnn|ubnd|uy ban nhan dan)\s+"
                       r"(?:tinh\s+|thanh pho\s+|tp\s+)?(.+)")
_DATE_IN_WORDS = re.compile(r"ngay \d{1,2} thang \d{1,2} nam \d{4}")
_PLAN_YEAR_TITLE = re.compile(r"\bnam (?:ke hoach |ngan sach |kh |ns )?(20\d\d)\b")
_YEAR_CELL = re.compile(r"(?:nam |kh |nam ke hoach )?(\d{4})")
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
    lines = _title_lines(sheet, columns.header_row)
    if province is None:
        province = next((code for line in lines
                         if (code := _province_in(line, catalogue)) is not None), None)
        if province is None:
            raise sheet.problem("không thấy tên tỉnh trong tiêu đề (expected 'KHO BẠC NHÀ NƯỚC "
                                "<TỈNH>' or 'UBND TỈNH …' above the table); give it with "
                                "--province", columns.header_row)
    if plan_year is None:
        text = _DATE_IN_WORDS.sub(" ", "\n".join(normalise(line) for line in lines))
        if match := _PLAN_YEAR_TITLE.search(text):
            plan_year = int(match.group(1))
    factor = next((f for line in lines if (f := unit_factor(line)) is not None), None)
    factor = factor or _amount_unit(columns) or 1  # treasury vouchers are kept in đồng
    return SheetInfo(province, plan_year, factor, default_from_title(lines, SOURCES),
                     default_from_title(lines, CAPITALS), program_in_title(lines, programmes))


# ---------------------------------------------------------------------------------------
# Resolving lines, with caches: a statement repeats the same few texts many times
# ---------------------------------------------------------------------------------------


class _Bad(ValueError):
    """A row value that cannot be resolved; the caller adds sheet and row."""


def _shallow(catalogue: Catalogue, depth: int) -> Catalogue:
    """The catalogue cut below ``depth`` levels, so a look-up sees one level only."""

    def cut(node: Node, level: int) -> Node:
        children = tuple(cut(c, level + 1) for c in node.children) if level < depth else ()
        return dataclasses.replace(node, children=children)

    return dataclasses.replace(catalogue, programs={code: cut(node, 1) for code, node in
                                                    catalogue.programs.items()})


def _leaf_check(node: Node) -> Node:
    if len(node.path) < 2:
        raise _Bad(f"'{node.ref}' là chương trình, cần dự án / tiểu dự án (a line needs a "
                   "project, and a sub-project where the project has them)")
    if node.children:
        codes = ", ".join(child.code for child in node.children)
        raise _Bad(f"dự án {node.ref} có tiểu dự án ({codes}) nhưng dòng không ghi tiểu dự án "
                   "(the project has sub-projects: name one)")
    return node


def load_codes(path: Path, catalogue: Catalogue) -> dict[str, tuple[str, ...]]:
    """A code table file: ``[codes]`` mapping treasury codes to catalogue item paths."""
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise ImportProblem(path, f"không đọc được bảng mã (cannot read the code table: "
                                  f"{error.strerror})") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ImportProblem(path, f"bảng mã không phải TOML hợp lệ (invalid TOML: {error})") \
            from None
    table = document.get("codes")
    if not isinstance(table, dict) or not table:
        raise ImportProblem(path, "bảng mã cần bảng [codes] (expected a [codes] table such as "
                                  "'\"0061\" = \"GNBV/DA4/TDA2\"')")
    codes: dict[str, tuple[str, ...]] = {}
    for code, target in table.items():
        node = catalogue.node(target) if isinstance(target, str) else None
        if node is None:
            raise ImportProblem(path, f"mã '{code}': '{target}' không có trong danh mục "
                                      "(expected a catalogue item path such as GNBV/DA4/TDA2)")
        try:
            _leaf_check(node)
        except _Bad as problem:
            raise ImportProblem(path, f"mã '{code}': {problem}") from None
        codes[code.strip()] = node.path
        codes.setdefault(code.strip().lstrip("0") or "0", node.path)
    return codes


@dataclass
class _Resolver:
    """Turns row texts into lines and accounts, remembering every answer."""

    catalogue: Catalogue
    codes: dict[str, tuple[str, ...]]
    open_accounts: frozenset[str]
    advances: dict[str, Decimal]  # outstanding advances on extended (K) segments
    programmes: Catalogue = field(init=False)
    projects: Catalogue = field(init=False)
    _items: dict[tuple, tuple[str, ...]] = field(default_factory=dict)
    _money: dict[tuple, tuple[str, str]] = field(default_factory=dict)
    _kinds: dict[str, Kind | None] = field(default_factory=dict)
    _lines: dict[tuple, Line] = field(default_factory=dict)
    _accounts: dict[Line, dict[Root, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.programmes = _shallow(self.catalogue, 1)
        self.projects = _shallow(self.catalogue, 2)

    def kind(self, text: str) -> Kind | None:
        if text not in self._kinds:
            self._kinds[text] = classify_kind(text)
        return self._kinds[text]

    def item(self, code: str, program: str, project: str, subproject: str,
             context: tuple[str, ...], plan_year: int) -> tuple[str, ...]:
        key = (code, program, project, subproject, context, plan_year)
        found = self._items.get(key)
        if found is None:
            found = self._items[key] = (
                self._by_code(code) if code else
                self._by_titles(program, project, subproject, context, plan_year))
        return found

    def _programme(self, text: str, plan_year: int) -> tuple[str, ...]:
        """A programme by code or title; of several that match, the one whose period
        holds the plan year ("Giảm nghèo bền vững" names GNBV for 2021-2025 money)."""
        try:
            return self.programmes.find(text).path
        except LookupFailed as problem:
            if " is ambiguous " not in str(problem):
                raise
            current = [node for node in problem.candidates if _in_period(node, plan_year)]
            if len(current) != 1:
                raise
            return current[0].path

    def _by_code(self, code: str) -> tuple[str, ...]:
        path = self.codes.get(code) or self.codes.get(code.lstrip("0") or "0")
        if path is not None:
            return path
        node = self.catalogue.node(code) if re.search(r"[/:]", code) else None
        if node is None:
            table = "bảng mã" if self.codes else "bảng mã (no code table was given)"
            raise _Bad(f"mã dòng vốn '{code}' không có trong {table} và không phải đường dẫn "
                       "danh mục (expected an item path such as GNBV/DA4/TDA2 or a code of "
                       "the code table)")
        return _leaf_check(node).path

    def _by_titles(self, program: str, project: str, subproject: str,
                   context: tuple[str, ...], plan_year: int) -> tuple[str, ...]:
        try:
            if program:
                path = self._programme(program, plan_year)
            elif context:
                path = context
            else:
                raise _Bad("không xác định được chương trình (no Chương trình column or value, "
                           "and the title names no programme)")
            if not project:
                raise _Bad("thiếu dự án (the Dự án cell is empty)")
            node = self.projects.find(project, within=path)
            if subproject:
                node = self.catalogue.find(subproject, within=node.path)
            else:
                node = self.catalogue.node(node.path)
        except LookupFailed as problem:
            raise _Bad(f"không có trong danh mục (not in the catalogue): {problem}") from None
        return _leaf_check(node).path

    def money(self, source: str, capital: str) -> tuple[str, str]:
        key = (source, capital)
        found = self._money.get(key)
        if found is None:
            found = self._money[key] = (self._source(source), self._capital(capital))
        return found

    def _source(self, text: str) -> str:
        if not text:
            raise _Bad("thiếu nguồn vốn (the Nguồn vốn cell is empty and the title names no "
                       "source)")
        folded = normalise(text)
        for code in self.catalogue.sources:
            if folded == code.lower():
                return code
        hits = {code for code, words in SOURCES.items() if matches(text, words)}
        if len(hits) == 1:
            return hits.pop()
        for code, source in self.catalogue.sources.items():
            if folded in (normalise(source.title_vi), normalise(source.title_en)):
                return code
        known = ", ".join(f"{code} ({s.title_vi})" for code, s in self.catalogue.sources.items())
        raise _Bad(f"nguồn vốn '{text}' không rõ (unknown source; known: {known})")

    def _capital(self, text: str) -> str:
        if not text:
            raise _Bad("thiếu loại vốn (the Loại vốn cell is empty and the title names no "
                       "capital type)")
        folded = normalise(text)
        for code in CAPITALS:
            if folded == code.lower():
                return code
        hits = {code for code, words in CAPITALS.items() if matches(text, words)}
        if len(hits) == 1:
            return hits.pop()
        raise _Bad(f"loại vốn '{text}' không rõ (unknown capital type; expected ĐTPT / Vốn đầu "
                   "tư phát triển or SN / Vốn sự nghiệp / Chi thường xuyên)")

    def segment(self, province: str, path: tuple[str, ...], source: str, capital: str,
                plan_year: int, year: int) -> Line:
        """The line money of ``plan_year`` moves on in ``year``: its K<year> segment
        when one is open in the existing entries, else the plan-year line."""
        key = (province, path, source, capital, plan_year, year)
        line = self._lines.get(key)
        if line is None:
            node = self.catalogue.node(path)
            if node is not None and capital not in node.capitals:
                allowed = ", ".join(sorted(node.capitals))
                raise _Bad(f"'{node.title_vi}' không nhận vốn {capital} (the catalogue allows "
                           f"{allowed})")
            line = Line(province, path[0], path[1], path[2] if len(path) > 2 else None,
                        source, capital, plan_year)
            if plan_year < year:
                segment = line.extended(year)
                if segment.account(Root.APPROPRIATION) in self.open_accounts:
                    line = segment
            self._lines[key] = line
        return line

    def settled_on(self, line: Line, kind: Kind, dong: int) -> Line:
        """Advances are not moved by an extension: a settlement or advance return goes to
        the plan-year line unless the extended segment holds enough outstanding advance."""
        if line.is_extended and kind.consumes_advance:
            account = self.accounts(line)[Root.ADVANCE]
            if self.advances.get(account, Decimal(0)) < dong:
                return Line(line.province, line.program, line.project, line.subproject,
                            line.source, line.capital, line.plan_year)
        return line

    def accounts(self, line: Line) -> dict[Root, str]:
        found = self._accounts.get(line)
        if found is None:
            found = self._accounts[line] = {root: line.account(root) for root in Root}
        return found


_PERIOD = re.compile(r"(\d{4})\s*[-–]\s*(\d{4})")


def _in_period(node: Node, year: int) -> bool:
    match = _PERIOD.fullmatch(node.period.strip())
    return match is not None and int(match.group(1)) <= year <= int(match.group(2))


def _advance_balances(existing: Sequence[data.Directive]) -> dict[str, Decimal]:
    """Outstanding advances on extended segments, from the existing entries."""
    balances: dict[str, Decimal] = {}
    prefix = Root.ADVANCE.value + ":"
    for entry in existing:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                account = posting.account
                if account.startswith(prefix) and ":K" in account and posting.units:
                    balances[account] = balances.get(account, Decimal(0)) + posting.units.number
    return balances


# ---------------------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------------------

def _is_total(cells: Sequence[object]) -> bool:
    for value in cells:
        if isinstance(value, str) and value.strip():
            first = normalise(value).split(" ", 1)[0]
            return first in ("tong", "cong")
    return False


def _date(value: object) -> datetime.date:
    if isinstance(value, float | int) and not isinstance(value, bool) and \
            float(value).is_integer() and 20000 < value < 80000:
        return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))  # Excel serial
    return parse_date(value)


def _plan_year(text: str) -> int:
    match = _YEAR_CELL.fullmatch(normalise(text))
    if match is None or not 2000 <= int(match.group(1)) <= 2100:
        raise _Bad(f"năm kế hoạch '{text}' không hợp lệ (expected a year such as 2025)")
    return int(match.group(1))


@dataclass(frozen=True)
class _Target:
    """What a row's kind and line texts resolve to (the same few texts repeat)."""

    kind: Kind
    path: tuple[str, ...]
    source: str
    capital: str
    plan_year: int


@dataclass(frozen=True, slots=True)
class _Booking:
    """A target line's accounts for one kind and year; ``tracked`` when the choice of
    segment depends on the outstanding advance (see _Resolver.settled_on)."""

    line: Line
    kind: Kind
    debit: str
    credit: str
    tracked: bool


_AMOUNT = amount.Amount._make
_EMPTY_SET: frozenset[str] = frozenset()


def _cell(cells: list[object], column: int) -> str:
    """The text at a 0-based column, or "" for a column the sheet does not have (-1)."""
    if column < 0:
        return ""
    value = cells[column]
    return value.strip() if type(value) is str else _text(value)


_KEY_ROLES = (LINE_CODE, PROGRAM, PROJECT, SUBPROJECT, SOURCE, CAPITAL, PLAN_YEAR, KIND)


def _getter(indices: Sequence[int]):
    """A function returning the cells at these 0-based indices of a row as a tuple."""
    if len(indices) == 1:
        only = indices[0]
        return lambda cells: (cells[only],)
    return operator.itemgetter(*indices)


class _SheetReader:
    """Reads the movements of one statement sheet; built per sheet, used once."""

    def __init__(self, sheet: Sheet, columns: Columns, info: SheetInfo, resolver: _Resolver,
                 style: NumberStyle):
        self.sheet, self.columns, self.info = sheet, columns, info
        self.resolver, self.style = resolver, style
        self.check_columns()
        index = columns.index
        self.width = max(index.values())
        self.at = {role: column - 1 for role, column in index.items()}
        roles = [role for role in _KEY_ROLES if role in index]
        if KIND not in index and NARRATION in index:
            roles.append(NARRATION)  # no kind column: the narration names the kind
        self.key_roles = tuple(roles)
        self.key = _getter([self.at[role] for role in roles])
        self.bookings: dict[tuple, _Booking] = {}
        self.dates: dict[object, datetime.date] = {}
        self.filename = str(sheet.file)
        self.date_at = self.at[DATE]
        self.unit_at, self.unit_code_at, self.narration_at = (
            self.at.get(role, -1) for role in (UNIT, UNIT_CODE, NARRATION))
        self.file_name = sheet.file.name

    def fail(self, message: str, row: int) -> ImportProblem:
        return self.sheet.problem(message, row)

    def cell(self, cells: list[object], role: str) -> str:
        return _cell(cells, self.at.get(role, -1))

    def entries(self) -> list[data.Transaction]:
        sheet, width = self.sheet, self.width
        amount_at, voucher_at = self.at[AMOUNT], self.at[VOUCHER]
        padding = [""] * width
        found = []
        first = self.columns.first_data_row
        for number, cells in enumerate(sheet.rows[first - 1:], start=first):
            if len(cells) < width:
                cells = [*cells, *padding[len(cells):]]
            raw_amount = cells[amount_at]
            voucher = cells[voucher_at]
            voucher = voucher.strip() if type(voucher) is str else _text(voucher)
            if type(raw_amount) is str and not raw_amount.strip():
                raw_amount = ""
            if (raw_amount == "" or raw_amount is None) and not voucher:
                continue  # a blank, heading, note or signature row
            if not voucher and self.cell(cells, DATE) == "" and _is_total(cells):
                continue  # Tổng cộng / Cộng rows
            try:
                found.append(self.entry(number, cells, raw_amount, voucher))
            except _Bad as problem:
                raise self.fail(str(problem), number) from None
        return found

    def check_columns(self) -> None:
        index, header = self.columns.index, self.columns.header_row
        missing = [role for role in (DATE, AMOUNT, VOUCHER) if role not in index]
        if LINE_CODE not in index and PROJECT not in index:
            missing.append(f"{PROJECT}|{LINE_CODE}")
        if SOURCE not in index and self.info.source is None:
            missing.append(SOURCE)
        if CAPITAL not in index and self.info.capital is None:
            missing.append(CAPITAL)
        if KIND not in index and NARRATION not in index:
            missing.append(KIND)
        if missing:
            names = ", ".join(" hoặc ".join(ROLE_NAMES[r] for r in role.split("|"))
                              for role in missing)
            raise self.fail(f"không thấy cột {names} trong dòng tiêu đề (missing column(s); "
                            f"the header has: {', '.join(self.columns.labels.values())})", header)

    def entry(self, number: int, cells: list[object], raw_amount: object,
              voucher: str) -> data.Transaction:
        if not voucher:
            raise _Bad(f"thiếu số chứng từ ở cột '{self.columns.label(VOUCHER)}' (every "
                       "movement needs its voucher number)")
        day = cells[self.date_at]
        if type(day) is not datetime.date:
            day = self.date(day)
        year = day.year
        # Without a plan year in the row or the title, the money is of the movement's year.
        key = (self.key(cells), self.info.plan_year or year, year)
        booking = self.bookings.get(key)
        if booking is None:
            booking = self.bookings[key] = self.booking(self.target(key[0], key[1]), year)
        dong = self.amount(raw_amount)
        kind, debit, credit = booking.kind, booking.debit, booking.credit
        if booking.tracked:  # an advance on an extended segment: follow its balance
            resolver = self.resolver
            line = resolver.settled_on(booking.line, kind, dong)
            accounts = resolver.accounts(line)
            debit, credit = accounts[kind.debit], accounts[kind.credit]
            if line.is_extended:
                change = dong if kind.debit is Root.ADVANCE else -dong
                account = accounts[Root.ADVANCE]
                resolver.advances[account] = resolver.advances.get(account, Decimal(0)) + change
        meta = {"filename": self.filename, "lineno": number, "voucher": voucher,
                "kind": kind.code, "source_file": self.file_name, "sheet": self.sheet.name,
                "row": Decimal(number)}  # Decimal, as the parser gives: printable metadata
        if unit_code := _cell(cells, self.unit_code_at):
            meta["unit_code"] = unit_code
        # Amount._make skips Amount's type assertions: the number is a Decimal by construction.
        postings = [
            data.Posting(debit, _AMOUNT((Decimal(dong), "VND")), None, None, None, None),
            data.Posting(credit, _AMOUNT((Decimal(-dong), "VND")), None, None, None, None)]
        return data.Transaction(meta, day, "*", _cell(cells, self.unit_at) or None,
                                _cell(cells, self.narration_at) or kind.label, _EMPTY_SET,
                                _EMPTY_SET, postings)

    def booking(self, target: _Target, year: int) -> _Booking:
        """The accounts a kind of movement on a target line posts to in ``year``."""
        kind = target.kind
        line = self.resolver.segment(self.info.province, target.path, target.source,
                                     target.capital, target.plan_year, year)
        accounts = self.resolver.accounts(line)
        tracked = line.is_extended and Root.ADVANCE in (kind.debit, kind.credit)
        return _Booking(line, kind, accounts[kind.debit], accounts[kind.credit], tracked)

    def target(self, key: tuple, default_year: int) -> _Target:
        """Resolve a row's kind and line texts (once per distinct combination)."""
        texts = dict(zip(self.key_roles, map(_text, key), strict=True))
        kind_text = texts.get(KIND, texts.get(NARRATION, ""))
        kind = self.resolver.kind(kind_text)
        if kind is None:
            raise _Bad(f"nghiệp vụ '{kind_text}' không rõ (unknown movement kind; known: "
                       f"{', '.join(KNOWN_KINDS)})")
        info, year_text = self.info, texts.get(PLAN_YEAR, "")
        plan_year = _plan_year(year_text) if year_text else default_year
        path = self.resolver.item(texts.get(LINE_CODE, ""), texts.get(PROGRAM, ""),
                                  texts.get(PROJECT, ""), texts.get(SUBPROJECT, ""),
                                  info.program, plan_year)
        source, capital = self.resolver.money(texts.get(SOURCE) or info.source or "",
                                              texts.get(CAPITAL) or info.capital or "")
        return _Target(kind, path, source, capital, plan_year)

    def date(self, raw: object) -> datetime.date:
        if type(raw) is datetime.date:
            return raw
        found = self.dates.get(raw)
        if found is None:
            if raw == "" or raw is None:
                raise _Bad(f"thiếu ngày ở cột '{self.columns.label(DATE)}' (expected "
                           "dd/mm/yyyy)")
            try:
                found = self.dates[raw] = _date(raw)
            except CellError as problem:
                raise _Bad(f"cột '{self.columns.label(DATE)}': {problem}") from None
        return found

    def amount(self, raw: object) -> int:
        if type(raw) is float and raw > 0 and raw.is_integer():
            return int(raw) * self.info.factor  # the common case: a whole number cell
        try:
            number = parse_number(raw, self.style)
            if number <= 0:
                raise _Bad(f"cột '{self.columns.label(AMOUNT)}': số tiền phải dương, found "
                           f"{_text(raw) or 'empty'} (an amount must be positive; a return "
                           "is a 'Nộp trả / giảm chi' row)")
            return to_dong(number, self.info.factor)
        except CellError as problem:
            raise _Bad(f"cột '{self.columns.label(AMOUNT)}': {problem}") from None


def _style(sheet: Sheet, columns: Columns) -> NumberStyle:
    column = columns.index.get(AMOUNT)
    if column is None:
        return NumberStyle()
    return number_style(sheet, columns.first_data_row, [column])


# ---------------------------------------------------------------------------------------
# Workbooks
# ---------------------------------------------------------------------------------------


@dataclass
class StatementResult:
    """What one statement workbook gave: its entries, the sheets read and those ignored."""

    file: Path
    entries: list[data.Transaction]
    sheets: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def _province_option(path: str | Path, province: str | None, catalogue: Catalogue,
                     ) -> str | None:
    if province is None:
        return None
    try:
        return catalogue.find_province(province).code
    except LookupFailed as problem:
        raise ImportProblem(path, str(problem)) from None


def read_statement(path: str | Path, catalogue: Catalogue | None = None, *,
                   province: str | None = None, plan_year: int | None = None,
                   codes: Path | None = None, existing: Sequence[data.Directive] = (),
                   ) -> StatementResult:
    """Read every statement sheet of a treasury workbook into one transaction per row."""
    catalogue = catalogue or load_catalogue()
    province = _province_option(path, province, catalogue)
    code_table = load_codes(Path(codes), catalogue) if codes is not None else {}
    sheets = read_workbook(path)
    opened = frozenset(entry.account for entry in existing if isinstance(entry, data.Open))
    resolver = _Resolver(catalogue, code_table, opened, _advance_balances(existing))
    result = StatementResult(Path(path), [])
    for sheet in sheets:
        header = find_header(sheet)
        if header is None:
            result.ignored.append(sheet.name)
            continue
        columns = read_columns(sheet, *header)
        info = read_info(sheet, columns, resolver.programmes, catalogue, province=province,
                         plan_year=plan_year)
        reader = _SheetReader(sheet, columns, info, resolver, _style(sheet, columns))
        result.entries.extend(reader.entries())
        result.sheets.append(sheet.name)
    if not result.sheets:
        raise ImportProblem(path, "không có bảng kê chứng từ kho bạc nào (no sheet has a "
                                  "statement header with Ngày and Số tiền / Số chứng từ "
                                  "columns)")
    return result


def looks_like_statement(path: str | Path) -> bool:
    """Cheap test used by identify(): a header with Ngày, Số tiền and a kind or voucher."""
    try:
        sheets = read_workbook(path)
    except ImportProblem:
        return False
    for sheet in sheets:
        header = find_header(sheet)
        if header is None:
            continue
        index = read_columns(sheet, *header).index
        if AMOUNT in index and (KIND in index or VOUCHER in index):
            return True
    return False


class TreasuryImporter(WorkbookImporter):
    """beangulp importer for State Treasury (KBNN) statements."""

    code = "treasury"
    root = Root.DISBURSED

    def identify(self, filepath: str) -> bool:
        return looks_like_statement(filepath)

    def date(self, filepath: str) -> datetime.date | None:
        entries = self.read(filepath).entries
        return max((entry.date for entry in entries), default=None)

    def read(self, filepath: str, existing: Sequence[data.Directive] = ()) -> StatementResult:
        return read_statement(filepath, self.catalogue, existing=existing,
                              **self.options)

    def extract(self, filepath: str, existing: data.Entries) -> data.Entries:
        return list(self.read(filepath, existing or ()).entries)
