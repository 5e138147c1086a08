"""The catalogue: programmes and their items, budget sources, capital types and provinces.

It is data (``data/catalogue.toml`` merged with the user's files, see
:mod:`mtqgledger.model.catalogue_files`); this module holds its types and the
look-ups every part of the project makes. Look-ups accept codes, Vietnamese or
English titles and fragments of them, ignoring accents, case and punctuation.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from rapidfuzz import fuzz, process

from mtqgledger.model.text import bilingual, normalise

CODE_PATTERN = re.compile(r"[A-Z][A-Za-z0-9]*")
"""Every code (programme, project, source, province...) must match this in full."""

LEVELS: tuple[str, ...] = ("program", "project", "subproject", "content")
"""Levels of the catalogue's items; what documents call each is the programme's ``levels``."""
SUGGESTIONS = 5


class CatalogueError(ValueError):
    """A catalogue file is malformed; the message names the file and the entry."""


class LookupFailed(LookupError):
    """A look-up matched nothing or several entries; the message lists candidates."""

    def __init__(self, message: str, query: str = "", candidates: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.query = query
        self.candidates: tuple[Any, ...] = tuple(candidates)


@dataclass(frozen=True)
class Level:
    """What documents call the items of one level of a programme, and how they are coded.

    ``code`` is the code of item number n with ``#`` for its digits: ``"TDA#"`` gives
    TDA3, ``"TP##"`` TP04. ``open`` levels take items the catalogue does not list, by
    number, with the title the decision gives them.
    """

    name: str
    code: str
    open: bool = False

    def code_of(self, number: int) -> str:
        digits = self.code.count("#")
        return self.code.replace("#" * digits, f"{number:0{digits}d}")

    def number_of(self, code: str) -> int | None:
        prefix = self.code.split("#", 1)[0]
        rest = code[len(prefix):] if code.startswith(prefix) else ""
        return int(rest) if rest.isdigit() else None


DEFAULT_LEVELS = (Level("Dự án", "DA#"), Level("Tiểu dự án", "TDA#"), Level("Nội dung", "ND##"))


@dataclass(frozen=True)
class Node:
    """A programme or one of its items (project, sub-project, content)."""

    code: str
    path: tuple[str, ...]
    title_vi: str
    title_en: str
    capitals: frozenset[str]
    children: tuple[Node, ...]
    note: str = ""
    period: str = ""
    levels: tuple[Level, ...] = DEFAULT_LEVELS  # a programme's levels below it
    aliases: tuple[str, ...] = ()  # a programme's other names, folded

    @property
    def level(self) -> str:
        """``"program"``, ``"project"``, ``"subproject"`` or ``"content"``."""
        return LEVELS[len(self.path) - 1]

    @property
    def ref(self) -> str:
        """The path as text, e.g. ``"GNBV/DA4/TDA2"``."""
        return "/".join(self.path)

    def child(self, code: str) -> Node | None:
        """The direct child with this exact code, or None."""
        for node in self.children:
            if node.code == code:
                return node
        return None


@dataclass(frozen=True)
class Source:
    """A budget source (nguồn vốn)."""

    code: str
    title_vi: str
    title_en: str
    default: bool  # accepted unless configured otherwise; a column of the quarterly form
    short: str = ""  # as column headings write it: "NSĐP"
    aliases: tuple[str, ...] = ()  # folded words documents use for it

    @property
    def label(self) -> str:
        return self.short or self.code


@dataclass(frozen=True)
class Capital:
    """A capital type (loại vốn) and the rule of the last day its money may be spent."""

    code: str
    title_vi: str
    title_en: str
    short: str = ""  # "ĐTPT"
    label: str = ""  # "Vốn ĐTPT"
    aliases: tuple[str, ...] = ()  # folded words documents use for it
    spend_until: str = "31/12 N"  # see mtqgledger.model.deadlines
    # Payments (and settlements) for work done by spend_until may follow until this day
    # (the treasury's "chỉnh lý" month); "" means spend_until.
    pay_until: str = ""
    enforced: bool = False  # the budget rules refuse spending after these days

    @property
    def heading(self) -> str:
        return self.label or self.title_vi


@dataclass(frozen=True)
class Abbreviation:
    """A short form documents use, and the words it stands for (both folded)."""

    short: str
    long: str
    before_number: bool = False  # only when a number follows: "TDA3", "Dự án 5"
    units_only: bool = False  # read in units' names only: "H." is huyện there, not elsewhere


@dataclass(frozen=True)
class UnitKind:
    """A kind of spending unit (sở, ban QLDA, UBND xã …) and the words its names start with."""

    code: str
    title_vi: str
    starts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unit:
    """One spending unit of a province, as the registry keeps it (``model/units.py``)."""

    province: str
    name: str  # as the first decision that allocated to it wrote it
    code: str = ""  # Mã ĐVQHNS at the State Treasury
    kind: str = ""
    aliases: tuple[str, ...] = ()  # other spellings, as written


@dataclass(frozen=True)
class Spelling:
    """A way of writing a name the user taught: the folded text and what it names."""

    text: str
    item: tuple[str, ...] = ()  # a catalogue path
    source: str = ""
    capital: str = ""
    province: str = ""


@dataclass(frozen=True)
class Treasury:
    """A regional State Treasury and the provinces it serves over a period."""

    region: int
    provinces: tuple[str, ...]
    start: datetime.date | None = None
    end: datetime.date | None = None

    def serves_between(self, first: datetime.date, last: datetime.date) -> bool:
        """True if it served the provinces on any day from ``first`` to ``last``."""
        return (self.start is None or last >= self.start) and \
            (self.end is None or first <= self.end)


@dataclass(frozen=True)
class Province:
    """A province or centrally-run city; ``successor`` is set when it was merged away."""

    code: str
    title_vi: str
    successor: str | None
    note: str = ""
    city: bool = False  # a centrally-run city: "UBND THÀNH PHỐ …", not "UBND TỈNH …"


def as_path(path: Sequence[str] | str) -> tuple[str, ...]:
    """Accept a sequence of codes or one string such as ``"GNBV/DA4"`` or ``"GNBV:DA4"``."""
    if isinstance(path, str):
        return tuple(part for part in re.split(r"\s*[/:]\s*", path.strip()) if part)
    return tuple(path)


def _descendants(node: Node) -> Iterator[Node]:
    for child in node.children:
        yield child
        yield from _descendants(child)


def describe(node: Node) -> str:
    return f"{node.ref} ({node.title_vi})"


@dataclass(frozen=True)
class Catalogue:
    """The merged catalogue; :func:`mtqgledger.model.catalogue_files.load_catalogue` builds it."""

    programs: dict[str, Node]
    sources: dict[str, Source]
    capitals: dict[str, Capital]
    provinces: dict[str, Province]
    files: tuple[str, ...] = field(default=())
    abbreviations: tuple[Abbreviation, ...] = ()
    spellings: tuple[Spelling, ...] = ()
    treasuries: tuple[Treasury, ...] = ()
    unit_kinds: tuple[UnitKind, ...] = ()
    units: tuple[Unit, ...] = ()

    def node(self, path: Sequence[str] | str) -> Node | None:
        """The node at this exact code path, or None."""
        codes = as_path(path)
        if not codes:
            return None
        found = self.programs.get(codes[0])
        for code in codes[1:]:
            if found is None:
                return None
            found = found.child(code)
        return found

    def title(self, path: Sequence[str] | str) -> str:
        """The Vietnamese title at this path, or ``""``."""
        found = self.node(path)
        return found.title_vi if found else ""

    def walk(self) -> Iterator[Node]:
        """Every node, depth-first, programmes in catalogue order."""
        for program in self.programs.values():
            yield program
            yield from _descendants(program)

    def default_sources(self) -> frozenset[str]:
        """Codes of the sources accepted unless configured otherwise."""
        return frozenset(code for code, source in self.sources.items() if source.default)

    def province_title(self, code: str) -> str:
        known = self.provinces.get(code)
        return known.title_vi if known else code

    @cached_property
    def names(self):  # -> mtqgledger.model.names.Names (imported late: it imports this)
        """Names as documents write them, resolved against this catalogue."""
        from mtqgledger.model.names import Names

        return Names(self)

    @cached_property
    def unit_registry(self):  # -> mtqgledger.model.units.Units (imported late, as names)
        """The spending units' registry: look-ups by code, name and spelling."""
        from mtqgledger.model.units import Units

        return Units(self)

    def find(self, query: str, within: Sequence[str] | str = ()) -> Node:
        """Resolve a code, a code path, a title or words of a title to one node
        (see :meth:`mtqgledger.model.names.Names.find`)."""
        return self.names.find(query, within)

    def descendants(self, path: Sequence[str]) -> list[Node]:
        """The nodes below ``path``, depth first (every node for the empty path)."""
        if not path:
            return list(self.walk())
        root = self.node(path)
        return list(_descendants(root)) if root is not None else []

    def current_province(self, code: str) -> Province:
        """The province in force today for ``code`` (its successor if merged away)."""
        province = self.provinces.get(code)
        if province is None:
            raise LookupFailed(bilingual(f"không có mã tỉnh '{code}'", "unknown province code"),
                               code)
        if province.successor:
            return self.provinces[province.successor]
        return province

    def find_province(self, query: str) -> Province:
        """Resolve a province code or Vietnamese name (accents optional)."""
        if query.strip() in self.provinces:
            return self.provinces[query.strip()]
        wanted = re.sub(r"^(tinh|thanh pho|tp)\s+", "", normalise(query))
        compact = wanted.replace(" ", "")
        for province in self.provinces.values():
            title = re.sub(r"^thanh pho\s+", "", normalise(province.title_vi))
            if wanted == title or compact == province.code.lower():
                return province
        names = {normalise(p.title_vi): p for p in self.provinces.values()}
        close = [name for name, _, _ in process.extract(wanted, list(names), scorer=fuzz.WRatio,
                                                          limit=SUGGESTIONS)]
        listed = ", ".join(f"{names[n].code} ({names[n].title_vi})" for n in close)
        raise LookupFailed(
            bilingual(f"không có tỉnh nào khớp '{query}'", f"no province matches; closest: "
                                                           f"{listed}"),
            query,
            [names[n] for n in close],
        )
