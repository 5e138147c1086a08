"""Reading the catalogue: the bundled ``data/catalogue.toml`` merged with the user's files.

The bundled file is parsed once and cached. User files of the same shape are
merged on top of it in order: the files listed in ``MTQG_CATALOGUE``, then the
files the books name (``catalogue=`` on the budget-rule plugin line, see
:class:`mtqgledger.books.Books`). An entry whose code path already exists updates
the fields it gives and adds children; new codes are appended.
"""

from __future__ import annotations

import functools
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from mtqgledger.model import catalogue_words
from mtqgledger.model.catalogue import (
    CODE_PATTERN,
    DEFAULT_LEVELS,
    Capital,
    Catalogue,
    CatalogueError,
    Level,
    Node,
    Province,
    Source,
)
from mtqgledger.model.catalogue_words import error_for
from mtqgledger.model.deadlines import parse_rule
from mtqgledger.model.text import bilingual, normalise

ENV_VAR = "MTQG_CATALOGUE"
"""Environment variable listing extra catalogue files, separated by ``os.pathsep``."""

# Key under which each level lists its children in the TOML file.
_CHILD_KEYS: tuple[str | None, ...] = ("projects", "subprojects", "contents", None)
_NODE_KEYS = frozenset({"code", "title_vi", "title_en", "capitals", "note", "period"})
_PROGRAM_KEYS = frozenset({"levels", "aliases"})
_TOP_KEYS = ("programs", "sources", "capitals", "provinces", "abbreviations", "spellings",
             "treasuries", "unit_kinds", "units")
_WORD_TABLES = {"abbreviations": catalogue_words.abbreviation,
                "spellings": catalogue_words.spelling, "treasuries": catalogue_words.treasury,
                "unit_kinds": catalogue_words.unit_kind, "units": catalogue_words.unit}
_SOURCE_FIELDS = {"title_en": "", "default": False, "short": "", "aliases": ()}
_CAPITAL_FIELDS = {"title_en": "", "short": "", "label": "", "aliases": (),
                   "spend_until": "31/12 N", "pay_until": "", "enforced": False}
_PROVINCE_KEYS = frozenset({"code", "title_vi", "successor", "note", "city"})


def _error(where: str, vietnamese: str, english: str) -> CatalogueError:
    return CatalogueError(f"{where}: {bilingual(vietnamese, english)}")


@dataclass
class _Draft:
    """A node while files are being merged; fields left None were never given."""

    code: str
    title_vi: str | None = None
    title_en: str | None = None
    capitals: frozenset[str] | None = None
    capitals_origin: str = ""
    note: str | None = None
    period: str | None = None
    levels: tuple[Level, ...] | None = None
    aliases: tuple[str, ...] = ()
    children: dict[str, _Draft] = field(default_factory=dict)


class _Builder:
    """Merges catalogue documents in order, then freezes the result."""

    def __init__(self) -> None:
        self.programs: dict[str, _Draft] = {}
        self.sources: dict[str, dict[str, Any]] = {}
        self.capitals: dict[str, dict[str, Any]] = {}
        self.provinces: dict[str, dict[str, Any]] = {}
        self.successor_origin: dict[str, str] = {}
        self.files: list[str] = []
        self.words: dict[str, list] = {key: [] for key in _WORD_TABLES}

    # -- documents ----------------------------------------------------------------------

    def merge(self, doc: Mapping[str, Any], name: str) -> None:
        for key in doc:
            if key not in _TOP_KEYS:
                raise _error(name, f"khóa '{key}' không hợp lệ",
                             f"unknown top-level key; expected one of {', '.join(_TOP_KEYS)}")
        self._merge_nodes(doc, "programs", self.programs, 0, "", (), name)
        for index, entry in enumerate(_tables(doc, "sources", name, "")):
            self._merge_money(entry, f"sources[{index}]", name, self.sources, _SOURCE_FIELDS)
        for index, entry in enumerate(_tables(doc, "capitals", name, "")):
            self._merge_money(entry, f"capitals[{index}]", name, self.capitals, _CAPITAL_FIELDS)
        for index, entry in enumerate(_tables(doc, "provinces", name, "")):
            self._merge_province(entry, f"provinces[{index}]", name)
        for key, read in _WORD_TABLES.items():
            for index, entry in enumerate(_tables(doc, key, name, "")):
                self.words[key].append(read(entry, error_for(f"{name}: {key}[{index}]")))
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
                raise _error(f"{name}: {where}", f"mã '{code}' bị trùng",
                             "duplicate code among siblings")
            seen.add(code)
            child_key = _CHILD_KEYS[depth]
            allowed = _NODE_KEYS | ({child_key} if child_key else set()) | \
                (_PROGRAM_KEYS if depth == 0 else set())
            _check_keys(entry, allowed, where, name)
            draft = siblings.get(code)
            if draft is None:
                if "title_vi" not in entry:
                    raise _error(f"{name}: {where}", "thiếu title_vi",
                                 "a new entry needs its title")
                draft = siblings[code] = _Draft(code)
            draft.title_vi = _text(entry, "title_vi", where, name, draft.title_vi, required=True)
            draft.title_en = _text(entry, "title_en", where, name, draft.title_en)
            draft.note = _text(entry, "note", where, name, draft.note)
            draft.period = _text(entry, "period", where, name, draft.period)
            if "capitals" in entry:
                draft.capitals = _capitals(entry["capitals"], where, name)
                draft.capitals_origin = f"{name}: {where}"
            if "levels" in entry:
                draft.levels = catalogue_words.levels(entry["levels"],
                                                      error_for(f"{name}: {where}"))
            if "aliases" in entry:
                draft.aliases += catalogue_words.aliases(entry["aliases"],
                                                         error_for(f"{name}: {where}"))
            if child_key:
                self._merge_nodes(
                    entry, child_key, draft.children, depth + 1, f"{where}.", path, name
                )

    def _merge_money(self, entry: Mapping[str, Any], where: str, name: str,
                     known: dict[str, dict[str, Any]], fields: dict[str, Any]) -> None:
        """A source or capital type: its code, titles and the optional fields it has."""
        code = _code(entry, where, name)
        where = f"{where} ({code})"
        _check_keys(entry, frozenset({"code", "title_vi", *fields}), where, name)
        current = known.get(code)
        if current is None:
            if "title_vi" not in entry:
                raise _error(f"{name}: {where}", "thiếu title_vi", "a new entry needs its title")
            current = known[code] = dict(fields)
        current["title_vi"] = _text(entry, "title_vi", where, name, current.get("title_vi"), True)
        for key, default in fields.items():
            if key not in entry:
                continue
            if isinstance(default, bool):
                if not isinstance(entry[key], bool):
                    raise _error(f"{name}: {where}", f"{key} phải là true hoặc false",
                                 f"{key} must be true or false")
                current[key] = entry[key]
            elif isinstance(default, tuple):
                current[key] = _words(entry[key], key, where, name)
            else:
                current[key] = _text(entry, key, where, name, current[key])
        for key in ("spend_until", "pay_until"):
            if entry.get(key):
                try:
                    parse_rule(current[key])
                except ValueError as problem:
                    raise _error(f"{name}: {where}", f"quy tắc hạn giải ngân {key} không hợp lệ",
                                 str(problem)) from None

    def _merge_province(self, entry: Mapping[str, Any], where: str, name: str) -> None:
        code = _code(entry, where, name)
        where = f"{where} ({code})"
        _check_keys(entry, _PROVINCE_KEYS, where, name)
        current = self.provinces.get(code)
        if current is None:
            if "title_vi" not in entry:
                raise _error(f"{name}: {where}", "thiếu title_vi", "a new province needs its name")
            current = self.provinces[code] = {"successor": "", "note": "", "city": False}
        current["title_vi"] = _text(entry, "title_vi", where, name, current.get("title_vi"), True)
        current["note"] = _text(entry, "note", where, name, current["note"])
        if "city" in entry:
            if not isinstance(entry["city"], bool):
                raise _error(f"{name}: {where}", "city phải là true hoặc false",
                             "city must be true or false")
            current["city"] = entry["city"]
        if "successor" in entry:
            successor = _text(entry, "successor", where, name, "")
            if successor and not CODE_PATTERN.fullmatch(successor):
                raise _error(f"{name}: {where}", f"mã tỉnh kế thừa '{successor}' không hợp lệ",
                             "bad successor code")
            current["successor"] = successor
            self.successor_origin[code] = f"{name}: {where}"

    # -- result -------------------------------------------------------------------------

    def _check_successors(self) -> None:
        for code, data in self.provinces.items():
            successor = data["successor"]
            if not successor:
                continue
            origin = self.successor_origin.get(code, code)
            target = self.provinces.get(successor)
            if successor == code or target is None:
                raise _error(origin, f"tỉnh kế thừa '{successor}' không có trong danh mục",
                             "the successor is not a province")
            if target["successor"]:
                raise _error(origin, f"tỉnh kế thừa '{successor}' cũng đã được sáp nhập",
                             "point to the province in force")

    def build(self) -> Catalogue:
        self._check_successors()
        everything = frozenset(self.capitals)
        return Catalogue(
            programs={c: _freeze(d, (), everything) for c, d in self.programs.items()},
            sources={c: Source(c, **d) for c, d in self.sources.items()},
            capitals={c: Capital(c, **d) for c, d in self.capitals.items()},
            provinces={
                c: Province(c, d["title_vi"], d["successor"] or None, d["note"], d["city"])
                for c, d in self.provinces.items()
            },
            files=tuple(self.files),
            abbreviations=tuple(self.words["abbreviations"]),
            spellings=tuple(self.words["spellings"]),
            treasuries=tuple(self.words["treasuries"]),
            unit_kinds=tuple(self.words["unit_kinds"]),
            units=catalogue_words.merged_units(self.words["units"]),
        )


def _freeze(draft: _Draft, parent: tuple[str, ...], defined: frozenset[str],
            inherited: frozenset[str] | None = None) -> Node:
    path = (*parent, draft.code)
    capitals = draft.capitals if draft.capitals is not None else (inherited or defined)
    unknown = sorted(capitals - defined)
    if unknown:
        raise _error(draft.capitals_origin, f"loại vốn '{unknown[0]}' không có trong danh mục",
                     f"expected one of {', '.join(sorted(defined))} (the [[capitals]])")
    return Node(
        code=draft.code,
        path=path,
        title_vi=draft.title_vi or "",
        title_en=draft.title_en or "",
        capitals=capitals,
        children=tuple(_freeze(c, path, defined, capitals) for c in draft.children.values()),
        note=draft.note or "",
        period=draft.period or "",
        levels=draft.levels or DEFAULT_LEVELS,
        aliases=draft.aliases,
    )


def _tables(table: Mapping[str, Any], key: str, name: str, prefix: str) -> list[Mapping[str, Any]]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _error(f"{name}: {prefix}{key}", "phải là một mảng bảng",
                     f"must be an array of tables ([[{key}]])")
    return value


def _code(entry: Mapping[str, Any], where: str, name: str) -> str:
    code = entry.get("code")
    if not isinstance(code, str) or not CODE_PATTERN.fullmatch(code):
        raise _error(f"{name}: {where}", f"mã {code!r} không hợp lệ",
                     f"a code must match {CODE_PATTERN.pattern}: ASCII, starting with an "
                     "uppercase letter")
    return code


def _check_keys(
    entry: Mapping[str, Any], allowed: frozenset[str] | set[str], where: str, name: str
) -> None:
    unknown = sorted(set(entry) - set(allowed))
    if unknown:
        raise _error(f"{name}: {where}", f"khóa không hợp lệ: {', '.join(unknown)}",
                     f"unknown key(s); allowed: {', '.join(sorted(allowed))}")


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
        raise _error(f"{name}: {where}", f"{key} phải là chuỗi không rỗng",
                     f"{key} must be a non-empty string")
    return value.strip()


def _words(value: Any, key: str, where: str, name: str) -> tuple[str, ...]:
    """A list of words as documents write them, kept folded for matching."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _error(f"{name}: {where}", f"{key} phải là danh sách chuỗi",
                     f"{key} must be a list of strings")
    return tuple(dict.fromkeys(folded for item in value if (folded := normalise(item))))


def _capitals(value: Any, where: str, name: str) -> frozenset[str]:
    if not isinstance(value, list) or not value or \
            not all(isinstance(item, str) and CODE_PATTERN.fullmatch(item) for item in value):
        raise _error(f"{name}: {where}", "capitals phải là danh sách mã loại vốn",
                     "capitals must be a non-empty list of codes")
    return frozenset(value)


def _parse(data: bytes, name: str) -> dict[str, Any]:
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise _error(name, "tệp không phải văn bản UTF-8", str(exc)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise _error(name, "lỗi cú pháp TOML", f"TOML syntax error: {exc}") from exc


@functools.lru_cache(maxsize=1)
def _bundled_document() -> tuple[str, dict[str, Any]]:
    """The parsed bundled catalogue (cached; never mutated)."""
    resource = resources.files("mtqgledger.model").joinpath("data/catalogue.toml")
    name = str(resource)
    return name, _parse(resource.read_bytes(), name)


def _read_file(path: str | Path) -> tuple[str, dict[str, Any]]:
    file = Path(path).expanduser()
    name = str(file)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise _error(name, "không đọc được tệp danh mục",
                     f"cannot read the catalogue file: {exc.strerror}") from exc
    return name, _parse(data, name)


def env_files() -> list[str]:
    """The catalogue files named in ``MTQG_CATALOGUE``."""
    value = os.environ.get(ENV_VAR, "")
    return [part for part in value.split(os.pathsep) if part.strip()]


def load_catalogue(extra: Sequence[str | Path] | str | Path = (),
                   texts: Sequence[tuple[str, str]] = ()) -> Catalogue:
    """Load the bundled catalogue merged with user files.

    Files are merged in this order: the bundled catalogue, the files listed in
    ``MTQG_CATALOGUE`` (``os.pathsep``-separated), ``extra``, then ``texts``: (name,
    TOML text) pairs not yet on disk (what an import is about to write). Raises
    CatalogueError for a malformed file.
    """
    if isinstance(extra, str | Path):
        extra = [extra]
    builder = _Builder()
    name, doc = _bundled_document()
    builder.merge(doc, name)
    for path in [*env_files(), *extra]:
        name, doc = _read_file(path)
        builder.merge(doc, name)
    for name, text in texts:
        builder.merge(_parse(text.encode("utf-8"), name), name)
    return builder.build()
