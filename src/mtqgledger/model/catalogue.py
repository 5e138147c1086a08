"""The catalogue: programmes and their items, budget sources, capital types and provinces.

It is data (``data/catalogue.toml`` merged with the user's files, see
:mod:`mtqgledger.model.catalogue_files`); this module holds its types and the
look-ups every part of the project makes. Look-ups accept codes, Vietnamese or
English titles and fragments of them, ignoring accents, case and punctuation.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from mtqgledger.model.text import bilingual, matching_key, normalise

CODE_PATTERN = re.compile(r"[A-Z][A-Za-z0-9]*")
"""Every code (programme, project, source, province...) must match this in full."""

LEVELS: tuple[str, ...] = ("program", "project", "subproject")
_SUGGESTIONS = 5


class CatalogueError(ValueError):
    """A catalogue file is malformed; the message names the file and the entry."""


class LookupFailed(LookupError):
    """A look-up matched nothing or several entries; the message lists candidates."""

    def __init__(self, message: str, query: str = "", candidates: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.query = query
        self.candidates: tuple[Any, ...] = tuple(candidates)


@dataclass(frozen=True)
class Node:
    """A programme, project or sub-project."""

    code: str
    path: tuple[str, ...]
    title_vi: str
    title_en: str
    capitals: frozenset[str]
    children: tuple[Node, ...]
    note: str = ""
    period: str = ""

    @property
    def level(self) -> str:
        """``"program"``, ``"project"`` or ``"subproject"``."""
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
    enforced: bool = False  # the budget rules refuse spending after spend_until

    @property
    def heading(self) -> str:
        return self.label or self.title_vi


@dataclass(frozen=True)
class Province:
    """A province or centrally-run city; ``successor`` is set when it was merged away."""

    code: str
    title_vi: str
    successor: str | None
    note: str = ""
    city: bool = False  # a centrally-run city: "UBND THÀNH PHỐ …", not "UBND TỈNH …"


_PERIOD_SUFFIX = re.compile(r"[\s,;(]*giai\s+đoạn\s+(\d{4})\s*[-–]\s*(\d{4})\)?\s*$",
                            re.IGNORECASE)


def as_path(path: Sequence[str] | str) -> tuple[str, ...]:
    """Accept a sequence of codes or one string such as ``"GNBV/DA4"`` or ``"GNBV:DA4"``."""
    if isinstance(path, str):
        return tuple(part for part in re.split(r"\s*[/:]\s*", path.strip()) if part)
    return tuple(path)


def _descendants(node: Node) -> Iterator[Node]:
    for child in node.children:
        yield child
        yield from _descendants(child)


def _describe(node: Node) -> str:
    return f"{node.ref} ({node.title_vi})"


@dataclass(frozen=True)
class Catalogue:
    """The merged catalogue; :func:`mtqgledger.model.catalogue_files.load_catalogue` builds it."""

    programs: dict[str, Node]
    sources: dict[str, Source]
    capitals: dict[str, Capital]
    provinces: dict[str, Province]
    files: tuple[str, ...] = field(default=())

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
    def _keys(self) -> dict[tuple[str, ...], _Keys]:
        return {node.path: _Keys.of(node) for node in self.walk()}

    def find(self, query: str, within: Sequence[str] | str = ()) -> Node:
        """Resolve a code, a code path, a title or a title fragment to one node.

        ``within`` limits the search to the descendants of that path. Matching ignores
        accents, case and punctuation; the first rule that matches wins: exact code, code
        path (``"DA4/TDA2"``), exact title, title beginning (``"Tiểu dự án 2"``, whole
        words only), words contained in the title, then any substring of the title.
        Raises LookupFailed when nothing or several nodes match.
        """
        # Documents often append the period: "… giảm nghèo bền vững giai đoạn 2021-2025".
        # It is no part of the title; it picks between programmes of different periods.
        period = None
        if match := _PERIOD_SUFFIX.search(query):
            period = f"{match.group(1)}-{match.group(2)}"
            query = query[: match.start()]
        pool, where = self._pool(query, as_path(within))
        wanted = matching_key(query)
        if not wanted:
            raise LookupFailed(bilingual("không có gì để tra", "empty catalogue query"), query)
        for rule, test in self._rules(query, wanted):
            hits = [n for n in pool if test(n, self._keys[n.path])]
            if len(hits) > 1 and period:
                hits = [n for n in hits if self.programs[n.path[0]].period == period] or hits
            if len(hits) == 1:
                return hits[0]
            if hits:
                listed = "\n  ".join(_describe(n) for n in hits)
                raise LookupFailed(
                    bilingual(f"'{query.strip()}' khớp {len(hits)} mục trong danh mục",
                              f"{query!r}{where} is ambiguous ({len(hits)} entries match by "
                              f"{rule})") + f":\n  {listed}",
                    query,
                    hits,
                )
        closest = self._closest(wanted, pool)
        listed = "\n  ".join(_describe(n) for n in closest)
        raise LookupFailed(
            bilingual(f"không có mục nào trong danh mục khớp '{query.strip()}'",
                      f"no catalogue entry matches {query!r}{where}; closest")
            + f":\n  {listed}",
            query,
            closest,
        )

    def _pool(self, query: str, scope: tuple[str, ...]) -> tuple[list[Node], str]:
        """The nodes a look-up may return, and how to say where it looked."""
        if scope:
            root = self.node(scope)
            if root is None:
                raise LookupFailed(bilingual(f"không có mục {'/'.join(scope)} trong danh mục",
                                             "no catalogue entry there"), query)
            pool, where = list(_descendants(root)), f" within {root.ref}"
        else:
            pool, where = list(self.walk()), ""
        if not pool:
            raise LookupFailed(bilingual(f"{'/'.join(scope)} không có mục con",
                                         "no entries below it"), query)
        return pool, where

    @staticmethod
    def _rules(query: str, wanted: str) -> list[tuple[str, Any]]:
        """The look-up rules in the order they are tried: (name, test of a node and its keys)."""
        plain = query.strip()
        parts = as_path(plain) if re.search(r"[/:]", plain) else ()
        part_keys = tuple(matching_key(p) for p in parts)
        return [
            ("code", lambda n, k: n.code == plain),
            ("code", lambda n, k: k.code == wanted),
            (
                "code path",
                lambda n, k: (
                    len(parts) > 1
                    and len(n.path) >= len(parts)
                    and tuple(matching_key(c) for c in n.path[-len(parts) :]) == part_keys
                ),
            ),
            ("title", lambda n, k: wanted in k.titles),
            ("title beginning", lambda n, k: any(_starts(t, wanted) for t in k.titles)),
            ("title words", lambda n, k: any(f" {wanted} " in f" {t} " for t in k.titles)),
            ("title fragment", lambda n, k: any(wanted in t for t in k.titles)),
        ]

    def _closest(self, wanted: str, pool: Sequence[Node]) -> list[Node]:
        keys = self._keys

        def score(node: Node) -> float:
            k = keys[node.path]
            texts = (k.code, *k.titles, *(t[: len(wanted)] for t in k.titles))
            whole = max(_similarity(wanted, t) for t in texts)
            words = max(_word_similarity(wanted, t) for t in k.titles)
            return max(whole, words)

        ranked = sorted(pool, key=lambda n: (-score(n), n.path))
        return ranked[:_SUGGESTIONS]

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
        close = difflib.get_close_matches(wanted, list(names), n=_SUGGESTIONS, cutoff=0.0)
        listed = ", ".join(f"{names[n].code} ({names[n].title_vi})" for n in close)
        raise LookupFailed(
            bilingual(f"không có tỉnh nào khớp '{query}'", f"no province matches; closest: "
                                                           f"{listed}"),
            query,
            [names[n] for n in close],
        )


_LABEL = re.compile(r"[^:]*\d\s*:\s*")


@dataclass(frozen=True)
class _Keys:
    """Matching keys of one node: its code and its titles with and without the label."""

    code: str
    titles: tuple[str, ...]

    @classmethod
    def of(cls, node: Node) -> _Keys:
        titles = []
        for title in (node.title_vi, node.title_en):
            label = _LABEL.match(title)
            # "Tiểu dự án 2: Cải thiện dinh dưỡng" also matches as "Cải thiện dinh dưỡng".
            for text in (title, title[label.end() :] if label else ""):
                key = matching_key(text)
                if key and key not in titles:
                    titles.append(key)
        return cls(matching_key(node.code), tuple(titles))


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def _word_similarity(wanted: str, title: str) -> float:
    """Mean, over the query's words, of each word's best similarity to a title word."""
    title_words = title.split()
    if not title_words:
        return 0.0
    query_words = wanted.split()
    best = [max(_similarity(q, t) for t in title_words) for q in query_words]
    return sum(best) / len(best)


def _starts(title: str, prefix: str) -> bool:
    return title == prefix or title.startswith(prefix + " ")
