"""Catalogue of programmes, projects and sub-projects, budget sources, capital types and
provinces.

The bundled catalogue (``data/catalogue.toml``) is read once and cached; user files of
the same shape are merged on top of it, either passed to :func:`load_catalogue` or
listed in the ``MTQG_CATALOGUE`` environment variable. Look-ups accept codes, Vietnamese
or English titles and fragments of them, ignoring accents, case and punctuation.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import tomllib
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = [
    "CAPITAL_CODES",
    "CODE_PATTERN",
    "ENV_VAR",
    "Catalogue",
    "CatalogueError",
    "LookupFailed",
    "Node",
    "Province",
    "Source",
    "load_catalogue",
    "normalise",
]

CODE_PATTERN = re.compile(r"[A-Z][A-Za-z0-9]*")
"""Every code (programme, project, source, province...) must match this in full."""

CAPITAL_CODES: tuple[str, ...] = ("DTPT", "SN")
"""The capital types (loại vốn) a node may carry."""

ENV_VAR = "MTQG_CATALOGUE"
"""Environment variable listing extra catalogue files, separated by ``os.pathsep``."""

LEVELS: tuple[str, ...] = ("program", "project", "subproject")

# Key under which each level lists its children in the TOML file.
_CHILD_KEYS: tuple[str | None, ...] = ("projects", "subprojects", None)
_NODE_KEYS = frozenset({"code", "title_vi", "title_en", "capitals", "note", "period"})
_TOP_KEYS = ("programs", "sources", "capitals", "provinces")
_SOURCE_KEYS = frozenset({"code", "title_vi", "title_en", "default"})
_CAPITAL_KEYS = frozenset({"code", "title_vi", "title_en"})
_PROVINCE_KEYS = frozenset({"code", "title_vi", "successor", "note"})
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
    default: bool


@dataclass(frozen=True)
class Province:
    """A province or centrally-run city; ``successor`` is set when it was merged away."""

    code: str
    title_vi: str
    successor: str | None
    note: str = ""


def normalise(text: str) -> str:
    """Fold text for matching: no accents, đ → d, lower case, single spaces.

    Punctuation and other separators become one space, so ``"Tiểu dự án 2: Hỗ trợ"``
    gives ``"tieu du an 2 ho tro"``.
    """
    # Đ/đ (and the look-alike Ð/ð found in converted legacy text) do not decompose.
    text = text.translate(_D_MAP)
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_WORD.findall(bare.casefold()))


_PERIOD_SUFFIX = re.compile(r"[\s,;(]*giai\s+đoạn\s+(\d{4})\s*[-–]\s*(\d{4})\)?\s*$",
                            re.IGNORECASE)
_D_MAP = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})
_WORD = re.compile(r"[^\W_]+")
_LEADING_ZEROS = re.compile(r"(?<!\d)0+(?=\d)")


def _key(text: str) -> str:
    """Matching key: normalised, with leading zeros dropped so ``04`` equals ``4``."""
    return _LEADING_ZEROS.sub("", normalise(text))


def _as_path(path: Sequence[str] | str) -> tuple[str, ...]:
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
    """The merged catalogue. Build it with :func:`load_catalogue`."""

    programs: dict[str, Node]
    sources: dict[str, Source]
    capitals: dict[str, tuple[str, str]]
    provinces: dict[str, Province]
    files: tuple[str, ...] = field(default=())

    def node(self, path: Sequence[str] | str) -> Node | None:
        """The node at this exact code path, or None."""
        codes = _as_path(path)
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
        scope = _as_path(within)
        if scope:
            root = self.node(scope)
            if root is None:
                raise LookupFailed(f"no catalogue entry at {'/'.join(scope)}", query)
            pool = list(_descendants(root))
            where = f" within {root.ref}"
        else:
            pool = list(self.walk())
            where = ""
        if not pool:
            raise LookupFailed(f"{'/'.join(scope)} has no entries below it", query)
        wanted = _key(query)
        if not wanted:
            raise LookupFailed("empty catalogue query", query)

        keys = self._keys
        plain = query.strip()
        parts = _as_path(plain) if re.search(r"[/:]", plain) else ()
        part_keys = tuple(_key(p) for p in parts)
        rules = [
            ("code", lambda n, k: n.code == plain),
            ("code", lambda n, k: k.code == wanted),
            (
                "code path",
                lambda n, k: (
                    len(parts) > 1
                    and len(n.path) >= len(parts)
                    and tuple(_key(c) for c in n.path[-len(parts) :]) == part_keys
                ),
            ),
            ("title", lambda n, k: wanted in k.titles),
            ("title beginning", lambda n, k: any(_starts(t, wanted) for t in k.titles)),
            ("title words", lambda n, k: any(f" {wanted} " in f" {t} " for t in k.titles)),
            ("title fragment", lambda n, k: any(wanted in t for t in k.titles)),
        ]
        for rule, test in rules:
            hits = [n for n in pool if test(n, keys[n.path])]
            if len(hits) > 1 and period:
                hits = [n for n in hits if self.programs[n.path[0]].period == period] or hits
            if len(hits) == 1:
                return hits[0]
            if hits:
                listed = "\n  ".join(_describe(n) for n in hits)
                raise LookupFailed(
                    f"{query!r}{where} is ambiguous ({len(hits)} entries match by {rule}):"
                    f"\n  {listed}",
                    query,
                    hits,
                )
        closest = self._closest(wanted, pool)
        listed = "\n  ".join(_describe(n) for n in closest)
        raise LookupFailed(
            f"no catalogue entry matches {query!r}{where}; closest:\n  {listed}",
            query,
            closest,
        )

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
            raise LookupFailed(f"unknown province code {code!r}", code)
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
            f"no province matches {query!r}; closest: {listed}",
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
                key = _key(text)
                if key and key not in titles:
                    titles.append(key)
        return cls(_key(node.code), tuple(titles))


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


# ---------------------------------------------------------------------------------------
# Loading and merging
# ---------------------------------------------------------------------------------------


@dataclass
class _Draft:
    """A node while files are being merged; fields left None were never given."""

    code: str
    title_vi: str | None = None
    title_en: str | None = None
    capitals: frozenset[str] | None = None
    note: str | None = None
    period: str | None = None
    children: dict[str, _Draft] = field(default_factory=dict)


class _Builder:
    """Merges catalogue documents in order, then freezes the result."""

    def __init__(self) -> None:
        self.programs: dict[str, _Draft] = {}
        self.sources: dict[str, dict[str, Any]] = {}
        self.capitals: dict[str, dict[str, str]] = {}
        self.provinces: dict[str, dict[str, Any]] = {}
        self.successor_origin: dict[str, str] = {}
        self.files: list[str] = []

    # -- documents ----------------------------------------------------------------------

    def merge(self, doc: Mapping[str, Any], name: str) -> None:
        for key in doc:
            if key not in _TOP_KEYS:
                raise CatalogueError(
                    f"{name}: unknown top-level key {key!r} (expected one of {_TOP_KEYS})"
                )
        self._merge_nodes(doc, "programs", self.programs, 0, "", (), name)
        for index, entry in enumerate(_tables(doc, "sources", name, "")):
            self._merge_source(entry, f"sources[{index}]", name)
        for index, entry in enumerate(_tables(doc, "capitals", name, "")):
            self._merge_capital(entry, f"capitals[{index}]", name)
        for index, entry in enumerate(_tables(doc, "provinces", name, "")):
            self._merge_province(entry, f"provinces[{index}]", name)
        self.files.append(name)

    def _merge_nodes(
        self,
        table: Mapping[str, Any],
        key: str,
        siblings: dict[str, _Draft],
        depth: int,
        prefix: str,
        parent: tuple[str, ...],
        name: str,
    ) -> None:
        seen: set[str] = set()
        for index, entry in enumerate(_tables(table, key, name, prefix)):
            where = f"{prefix}{key}[{index}]"
            code = _code(entry, where, name)
            path = (*parent, code)
            where = f"{where} ({'/'.join(path)})"
            if code in seen:
                raise CatalogueError(f"{name}: {where}: duplicate code {code!r} among siblings")
            seen.add(code)
            child_key = _CHILD_KEYS[depth]
            allowed = _NODE_KEYS | ({child_key} if child_key else set())
            _check_keys(entry, allowed, where, name)
            draft = siblings.get(code)
            if draft is None:
                if "title_vi" not in entry:
                    raise CatalogueError(f"{name}: {where}: title_vi missing for a new entry")
                draft = siblings[code] = _Draft(code)
            draft.title_vi = _text(entry, "title_vi", where, name, draft.title_vi, required=True)
            draft.title_en = _text(entry, "title_en", where, name, draft.title_en)
            draft.note = _text(entry, "note", where, name, draft.note)
            draft.period = _text(entry, "period", where, name, draft.period)
            if "capitals" in entry:
                draft.capitals = _capitals(entry["capitals"], where, name)
            if child_key:
                self._merge_nodes(
                    entry, child_key, draft.children, depth + 1, f"{where}.", path, name
                )

    def _merge_source(self, entry: Mapping[str, Any], where: str, name: str) -> None:
        code = _code(entry, where, name)
        where = f"{where} ({code})"
        _check_keys(entry, _SOURCE_KEYS, where, name)
        current = self.sources.get(code)
        if current is None:
            if "title_vi" not in entry:
                raise CatalogueError(f"{name}: {where}: title_vi missing for a new source")
            current = self.sources[code] = {"title_en": "", "default": False}
        current["title_vi"] = _text(entry, "title_vi", where, name, current.get("title_vi"), True)
        current["title_en"] = _text(entry, "title_en", where, name, current["title_en"])
        if "default" in entry:
            if not isinstance(entry["default"], bool):
                raise CatalogueError(f"{name}: {where}: default must be true or false")
            current["default"] = entry["default"]

    def _merge_capital(self, entry: Mapping[str, Any], where: str, name: str) -> None:
        code = _code(entry, where, name)
        where = f"{where} ({code})"
        _check_keys(entry, _CAPITAL_KEYS, where, name)
        if code not in CAPITAL_CODES:
            raise CatalogueError(f"{name}: {where}: capital must be one of {CAPITAL_CODES}")
        current = self.capitals.setdefault(code, {"title_vi": code, "title_en": ""})
        current["title_vi"] = _text(entry, "title_vi", where, name, current["title_vi"], True)
        current["title_en"] = _text(entry, "title_en", where, name, current["title_en"])

    def _merge_province(self, entry: Mapping[str, Any], where: str, name: str) -> None:
        code = _code(entry, where, name)
        where = f"{where} ({code})"
        _check_keys(entry, _PROVINCE_KEYS, where, name)
        current = self.provinces.get(code)
        if current is None:
            if "title_vi" not in entry:
                raise CatalogueError(f"{name}: {where}: title_vi missing for a new province")
            current = self.provinces[code] = {"successor": "", "note": ""}
        current["title_vi"] = _text(entry, "title_vi", where, name, current.get("title_vi"), True)
        current["note"] = _text(entry, "note", where, name, current["note"])
        if "successor" in entry:
            successor = _text(entry, "successor", where, name, "")
            if successor and not CODE_PATTERN.fullmatch(successor):
                raise CatalogueError(f"{name}: {where}: bad successor code {successor!r}")
            current["successor"] = successor
            self.successor_origin[code] = f"{name}: {where}"

    # -- result -------------------------------------------------------------------------

    def build(self) -> Catalogue:
        for code, data in self.provinces.items():
            successor = data["successor"]
            if not successor:
                continue
            origin = self.successor_origin.get(code, code)
            target = self.provinces.get(successor)
            if successor == code or target is None:
                raise CatalogueError(f"{origin}: successor {successor!r} is not a province")
            if target["successor"]:
                raise CatalogueError(
                    f"{origin}: successor {successor!r} was itself merged away; "
                    "point to the province in force"
                )
        everything = frozenset(CAPITAL_CODES)
        return Catalogue(
            programs={c: _freeze(d, (), everything) for c, d in self.programs.items()},
            sources={
                c: Source(c, d["title_vi"], d["title_en"], d["default"])
                for c, d in self.sources.items()
            },
            capitals={c: (d["title_vi"], d["title_en"]) for c, d in self.capitals.items()},
            provinces={
                c: Province(c, d["title_vi"], d["successor"] or None, d["note"])
                for c, d in self.provinces.items()
            },
            files=tuple(self.files),
        )


def _freeze(draft: _Draft, parent: tuple[str, ...], inherited: frozenset[str]) -> Node:
    path = (*parent, draft.code)
    capitals = draft.capitals if draft.capitals is not None else inherited
    return Node(
        code=draft.code,
        path=path,
        title_vi=draft.title_vi or "",
        title_en=draft.title_en or "",
        capitals=capitals,
        children=tuple(_freeze(c, path, capitals) for c in draft.children.values()),
        note=draft.note or "",
        period=draft.period or "",
    )


def _tables(table: Mapping[str, Any], key: str, name: str, prefix: str) -> list[Mapping[str, Any]]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise CatalogueError(f"{name}: {prefix}{key} must be an array of tables ([[{key}]])")
    return value


def _code(entry: Mapping[str, Any], where: str, name: str) -> str:
    code = entry.get("code")
    if not isinstance(code, str) or not CODE_PATTERN.fullmatch(code):
        raise CatalogueError(
            f"{name}: {where}: code {code!r} must match {CODE_PATTERN.pattern} "
            "(ASCII, starting with an uppercase letter)"
        )
    return code


def _check_keys(
    entry: Mapping[str, Any], allowed: frozenset[str] | set[str], where: str, name: str
) -> None:
    unknown = sorted(set(entry) - set(allowed))
    if unknown:
        raise CatalogueError(
            f"{name}: {where}: unknown key(s) {', '.join(unknown)} "
            f"(allowed: {', '.join(sorted(allowed))})"
        )


def _text(
    entry: Mapping[str, Any],
    key: str,
    where: str,
    name: str,
    current: str | None,
    required: bool = False,
) -> str | None:
    if key not in entry:
        return current
    value = entry[key]
    if not isinstance(value, str) or (required and not value.strip()):
        raise CatalogueError(f"{name}: {where}: {key} must be a non-empty string")
    return value.strip()


def _capitals(value: Any, where: str, name: str) -> frozenset[str]:
    if not isinstance(value, list) or not value:
        raise CatalogueError(f"{name}: {where}: capitals must be a non-empty list")
    for item in value:
        if item not in CAPITAL_CODES:
            raise CatalogueError(
                f"{name}: {where}: capital {item!r} is not one of {', '.join(CAPITAL_CODES)}"
            )
    return frozenset(value)


def _parse(data: bytes, name: str) -> dict[str, Any]:
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"{name}: not UTF-8 text ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{name}: TOML syntax error: {exc}") from exc


@functools.lru_cache(maxsize=1)
def _bundled_document() -> tuple[str, dict[str, Any]]:
    """The parsed bundled catalogue (cached; never mutated)."""
    resource = resources.files(__package__ or "mtqgledger").joinpath("data/catalogue.toml")
    name = str(resource)
    return name, _parse(resource.read_bytes(), name)


def _read_file(path: str | Path) -> tuple[str, dict[str, Any]]:
    file = Path(path).expanduser()
    name = str(file)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise CatalogueError(f"{name}: cannot read catalogue file ({exc.strerror})") from exc
    return name, _parse(data, name)


def _env_files() -> list[str]:
    value = os.environ.get(ENV_VAR, "")
    return [part for part in value.split(os.pathsep) if part.strip()]


def load_catalogue(extra: Sequence[str | Path] = ()) -> Catalogue:
    """Load the bundled catalogue merged with user files.

    Files are merged in this order: the bundled catalogue, the files listed in
    ``MTQG_CATALOGUE`` (``os.pathsep``-separated), then ``extra``. An entry whose code
    path already exists updates the fields it gives and adds children; new codes are
    appended. Raises CatalogueError for a malformed file.
    """
    if isinstance(extra, str | Path):
        extra = [extra]
    builder = _Builder()
    name, doc = _bundled_document()
    builder.merge(doc, name)
    for path in [*_env_files(), *extra]:
        name, doc = _read_file(path)
        builder.merge(doc, name)
    return builder.build()
