"""Row texts of a statement turned into lines of the books, remembering every answer.

A statement names each movement's kind, programme item, source, capital type
and plan year in words (or the item by a code of a code table); a 100,000-row
statement repeats the same few texts, so each is resolved once. Advances are
not moved by an extension: whether a settlement of extended money goes to the
``K<year>`` segment or to the plan-year line depends on the advance outstanding
there, which the resolver follows as the rows go by.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from beancount.core import data

from mtqgledger.importers.money import read_capital, read_source
from mtqgledger.importers.workbook import ImportProblem
from mtqgledger.model.accounts import Line, Root
from mtqgledger.model.catalogue import Catalogue, LookupFailed, Node
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
        raise RowProblem(bilingual(f"'{node.ref}' là chương trình, cần dự án / tiểu dự án",
                                   "a line needs a project, and a sub-project where the "
                                   "project has them"))
    if node.children:
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
            _leaf_check(node)
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
            given = "" if self.codes else "; no code table was given (--codes)"
            raise RowProblem(bilingual(f"mã dòng vốn '{code}' không có trong bảng mã và không "
                                       "phải đường dẫn danh mục",
                                       "expected an item path such as GNBV/DA4/TDA2 or a code of "
                                       f"the code table{given}"))
        return _leaf_check(node).path

    def _by_titles(self, program: str, project: str, subproject: str,
                   context: tuple[str, ...], plan_year: int) -> tuple[str, ...]:
        try:
            if program:
                path = self._programme(program, plan_year)
            elif context:
                path = context
            else:
                raise RowProblem(bilingual("không xác định được chương trình",
                                           "no Chương trình column or value, and the title "
                                           "names no programme"))
            if not project:
                raise RowProblem(bilingual("thiếu dự án", "the Dự án cell is empty"))
            node = self.projects.find(project, within=path)
            if subproject:
                node = self.catalogue.find(subproject, within=node.path)
            else:
                node = self.catalogue.node(node.path)
        except LookupFailed as problem:
            raise RowProblem(str(problem)) from None
        return _leaf_check(node).path

    def money(self, source: str, capital: str) -> tuple[str, str]:
        key = (source, capital)
        found = self._money.get(key)
        if found is None:
            try:
                found = (read_source(source, self.catalogue),
                         read_capital(capital, self.catalogue))
            except ValueError as problem:
                raise RowProblem(str(problem)) from None
            self._money[key] = found
        return found

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
                raise RowProblem(bilingual(f"'{node.title_vi}' không nhận vốn {capital}",
                                           f"the catalogue allows {allowed}"))
            line = Line(province, path, source, capital, plan_year)
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
                return line.unextended()
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


def advance_balances(existing: Sequence[data.Directive]) -> dict[str, Decimal]:
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
