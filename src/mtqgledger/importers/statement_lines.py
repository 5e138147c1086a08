"""Row texts of a statement turned into lines of the books, remembering every answer.

A statement names each movement's kind, programme item, source, capital type
and plan year in words (or the item by a code of a code table); a 100,000-row
statement repeats the same few texts, so each is resolved once. Advances are
not moved by an extension: whether a settlement of extended money goes to the
``K<year>`` segment or to the plan-year line depends on the advance outstanding
there, which the resolver follows as the rows go by.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from beancount.core import data

from mtqgledger.importers.money import read_capital, read_source
from mtqgledger.importers.notes import noted
from mtqgledger.importers.statement_columns import (
    CAPITAL,
    ITEM_ROLES,
    LINE_CODE,
    PROGRAM,
    PROJECT,
    SOURCE,
)
from mtqgledger.importers.workbook import ImportProblem
from mtqgledger.model.accounts import Line, Root, parse_account
from mtqgledger.model.catalogue import Catalogue, Node
from mtqgledger.model.names import Match, NameProblem
from mtqgledger.model.postings import (
    ADVANCE,
    PAYMENT,
    RETURN,
    RETURN_ADVANCE,
    SETTLEMENT,
    Kind,
)
from mtqgledger.model.text import bilingual, normalise

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


class RowProblem(ValueError):
    """A row value that cannot be resolved; the caller adds sheet, row and the role's cell."""

    def __init__(self, message: str, role: str | None = None) -> None:
        super().__init__(message)
        self.role = role


def _leaf_check(node: Node | None, catalogue: Catalogue) -> Node:
    """A line's item: below its programme, and without items of its own (an open level's
    items aside: money may be allocated to the level above them)."""
    if node is None or len(node.path) < 2:
        raise RowProblem(bilingual(f"'{node.ref if node else ''}' là chương trình, cần dự án / "
                                   "tiểu dự án",
                                   "a line needs a project, and a sub-project where the "
                                   "project has them"))
    if node.children and not _open_below(node, catalogue):
        codes = ", ".join(child.code for child in node.children)
        raise RowProblem(bilingual(f"dự án {node.ref} có tiểu dự án ({codes}) nhưng dòng không "
                                   "ghi tiểu dự án", "the project has sub-projects: name one"))
    return node


def load_codes(path: Path, catalogue: Catalogue) -> dict[str, tuple[str, ...]]:
    """A code table file: ``[codes]`` mapping treasury codes to catalogue item paths."""
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise ImportProblem(path, bilingual("không đọc được bảng mã",
                                            f"cannot read the code table: {error.strerror}")
                            ) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ImportProblem(path, bilingual("bảng mã không phải TOML hợp lệ",
                                            f"invalid TOML: {error}")) from None
    table = document.get("codes")
    if not isinstance(table, dict) or not table:
        raise ImportProblem(path, bilingual("bảng mã cần bảng [codes]",
                                            "expected a [codes] table such as "
                                            "'\"0061\" = \"GNBV/DA4/TDA2\"'"))
    codes: dict[str, tuple[str, ...]] = {}
    for code, target in table.items():
        node = catalogue.node(target) if isinstance(target, str) else None
        if node is None:
            raise ImportProblem(path, bilingual(f"mã '{code}': '{target}' không có trong danh mục",
                                                "expected a catalogue item path such as "
                                                "GNBV/DA4/TDA2"))
        try:
            _leaf_check(node, catalogue)
        except RowProblem as problem:
            raise ImportProblem(path, f"mã '{code}': {problem}") from None
        codes[code.strip()] = node.path
        codes.setdefault(code.strip().lstrip("0") or "0", node.path)
    return codes


@dataclass
class Resolver:
    """Turns row texts into lines and accounts, remembering every answer."""

    catalogue: Catalogue
    codes: dict[str, tuple[str, ...]]
    # the dated changes of the advance outstanding on each extended (K) segment
    advances: dict[str, list[tuple[datetime.date, Decimal]]]
    extended: dict[Line, tuple[tuple[datetime.date, Line], ...]]  # see segments()
    noted: dict[tuple, Match] = field(default_factory=dict)  # names read loosely, new items
    new_items: dict[tuple[str, ...], Node] = field(default_factory=dict)
    _items: dict[tuple, tuple[str, ...]] = field(default_factory=dict)
    _money: dict[tuple, tuple[str, str]] = field(default_factory=dict)
    _kinds: dict[str, Kind | None] = field(default_factory=dict)
    _lines: dict[tuple, Line] = field(default_factory=dict)
    _accounts: dict[Line, dict[Root, str]] = field(default_factory=dict)

    def kind(self, text: str) -> Kind | None:
        if text not in self._kinds:
            self._kinds[text] = classify_kind(text)
        return self._kinds[text]

    def item(self, code: str, texts: tuple[str, ...], context: tuple[str, ...],
             plan_year: int) -> tuple[str, ...]:
        """The item path a row names: by its code, or by its programme and level texts
        (programme, then each level below it; empty cells are skipped)."""
        key = (code, texts, context, plan_year)
        found = self._items.get(key)
        if found is None:
            found = self._items[key] = (
                self._by_code(code) if code else self._by_titles(texts, context, plan_year))
        return found

    def _by_code(self, code: str) -> tuple[str, ...]:
        path = self.codes.get(code) or self.codes.get(code.lstrip("0") or "0")
        if path is not None:
            return path
        node = self.catalogue.node(code) if re.search(r"[/:]", code) else None
        if node is None:
            given = "" if self.codes else "; no code table was given (--codes)"
            raise RowProblem(bilingual(f"mã dòng vốn '{code}' không có trong bảng mã và không "
                                       "phải đường dẫn danh mục",
                                       "expected an item path such as GNBV/DA4/TDA2 or a code of "
                                       f"the code table{given}"), LINE_CODE)
        return _leaf_check(node, self.catalogue).path

    def _by_titles(self, texts: tuple[str, ...], context: tuple[str, ...],
                   plan_year: int) -> tuple[str, ...]:
        program, *levels = texts
        names = self.catalogue.names
        if program:
            try:
                path = self._note(names.program(program, plan_year,
                                                 levels=tuple(filter(None, levels)))).node.path
            except NameProblem as problem:
                raise RowProblem(str(problem), PROGRAM) from None
        elif context:
            path = context
        else:
            raise RowProblem(bilingual("không xác định được chương trình",
                                       "no Chương trình column or value, and the title names "
                                       "no programme"), PROGRAM)
        if not any(levels):
            raise RowProblem(bilingual("thiếu dự án / hợp phần",
                                       "the Dự án (Hợp phần) cell is empty"), PROJECT)
        node = None
        for role, text in zip(ITEM_ROLES[1:], levels, strict=True):
            if text:
                try:
                    node = self._note(names.item(text, path)).node
                except NameProblem as problem:
                    raise RowProblem(str(problem), role) from None
                path = node.path
        try:
            return _leaf_check(node, self.catalogue).path
        except RowProblem as problem:
            raise RowProblem(str(problem), next(role for role, text in zip(
                reversed(ITEM_ROLES[1:]), reversed(levels), strict=True) if text)) from None

    def written(self, texts: tuple[str, ...]) -> str:
        """The row's names as written, where they were read loosely ("" when exact)."""
        loose = {written for (_, written), match in self.noted.items() if match.approximate}
        return " / ".join(text.strip() for text in texts if text in loose)

    def _note(self, match: Match) -> Match:
        """Keep the names read loosely and the new items, for the summary."""
        if noted(match):
            self.noted.setdefault((match.node.path, match.written), match)
            if match.how == "new":
                self.new_items[match.node.path] = match.node
        return match

    def money(self, source: str, capital: str) -> tuple[str, str]:
        key = (source, capital)
        found = self._money.get(key)
        if found is None:
            try:
                found = (read_source(source, self.catalogue), "")
            except ValueError as problem:
                raise RowProblem(str(problem), SOURCE) from None
            try:
                found = (found[0], read_capital(capital, self.catalogue))
            except ValueError as problem:
                raise RowProblem(str(problem), CAPITAL) from None
            self._money[key] = found
        return found

    def line(self, province: str, path: tuple[str, ...], source: str, capital: str,
             plan_year: int) -> Line:
        """The plan-year line of a row, its capital type checked against the item."""
        key = (province, path, source, capital, plan_year)
        line = self._lines.get(key)
        if line is None:
            node = self.catalogue.node(path)
            if node is not None and capital not in node.capitals:
                allowed = ", ".join(sorted(node.capitals))
                raise RowProblem(bilingual(f"'{node.title_vi}' không nhận vốn {capital}",
                                           f"the catalogue allows {allowed}"), CAPITAL)
            line = self._lines[key] = Line(province, path, source, capital, plan_year)
        return line

    def segments(self, line: Line) -> tuple[tuple[datetime.date, Line], ...]:
        """The line's extended segments in the books, latest first, each with the day its
        money arrived: from that day on, the line's money moves there."""
        return self.extended.get(line, ())

    def settled_on(self, line: Line, kind: Kind, dong: int, day: datetime.date) -> Line:
        """Advances are not moved by an extension: a settlement or advance return goes to
        the segment that holds enough outstanding advance on its day — the one the money
        is on now, then earlier ones — else to the plan-year line."""
        if not (line.is_extended and kind.consumes_advance):
            return line
        home = line.unextended()
        for candidate in (line, *(segment for _, segment in self.segments(home)
                                  if segment.budget_year < line.budget_year)):
            if self.advance_on(self.accounts(candidate)[Root.ADVANCE], day) >= dong:
                return candidate
        return home

    def advance_on(self, account: str, day: datetime.date) -> Decimal:
        """The advance a settlement on ``day`` may take: outstanding at the end of the day
        before, and advanced on the day itself (whatever order the rows come in)."""
        return sum((change for when, change in self.advances.get(account, ())
                    if when < day or (when == day and change > 0)), Decimal(0))

    def advanced(self, account: str, day: datetime.date, change: Decimal) -> None:
        self.advances.setdefault(account, []).append((day, change))

    def accounts(self, line: Line) -> dict[Root, str]:
        found = self._accounts.get(line)
        if found is None:
            found = self._accounts[line] = {root: line.account(root) for root in Root}
        return found


def extended_segments(existing: Sequence[data.Directive],
                      ) -> tuple[dict[str, list[tuple[datetime.date, Decimal]]],
                                 dict[Line, tuple[tuple[datetime.date, Line], ...]]]:
    """From the existing entries: the dated changes of the advances on extended segments,
    and each plan-year line's extended segments with the day money first moved into them."""
    balances: dict[str, list[tuple[datetime.date, Decimal]]] = {}
    starts: dict[Line, datetime.date] = {}
    advance, appropriation = Root.ADVANCE.value + ":", Root.APPROPRIATION.value + ":"
    for entry in existing:
        if not isinstance(entry, data.Transaction):
            continue
        for posting in entry.postings:
            account = posting.account
            if ":K" not in account or not posting.units:
                continue
            if account.startswith(advance):
                balances.setdefault(account, []).append((entry.date, posting.units.number))
            elif account.startswith(appropriation) and posting.units.number > 0:
                found = parse_account(account)
                if found is not None:
                    starts[found[1]] = min(starts.get(found[1], entry.date), entry.date)
    segments: dict[Line, list[tuple[datetime.date, Line]]] = {}
    for segment, day in starts.items():
        segments.setdefault(segment.unextended(), []).append((day, segment))
    return balances, {line: tuple(sorted(found, key=lambda item: item[0], reverse=True))
                      for line, found in segments.items()}


def _open_below(node: Node, catalogue: Catalogue) -> bool:
    """True if the level below the node is open ("Nội dung NN" of the 2026-2035 programme)."""
    levels = catalogue.programs[node.path[0]].levels
    return len(node.path) - 1 < len(levels) and levels[len(node.path) - 1].open
