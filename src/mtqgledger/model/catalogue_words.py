"""The catalogue's tables about words: abbreviations, spellings, levels, treasuries, units.

Read from the same TOML files as the programmes (see catalogue_files.py)::

    [[abbreviations]]                [[spellings]]                     [[treasuries]]
    short = "TDA"                    text = "Tiểu dự án 3: Dự án …"    region = "IX"
    long = "tiểu dự án"              item = "DTTS/DA5/TDA3"            provinces = ["LaoCai", …]
    before_number = true                                               from = 2025-07-01

the spending units' kinds and the units themselves (``model/units.py``), and, on a
programme, ``levels`` (what documents call each level of its items and
how their codes are made) and ``aliases`` (other names of the programme).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from mtqgledger.model.catalogue import (
    CODE_PATTERN,
    Abbreviation,
    CatalogueError,
    Level,
    Spelling,
    Treasury,
    Unit,
    UnitKind,
    as_path,
)
from mtqgledger.model.text import bilingual, normalise

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9,
          "X": 10, "XI": 11, "XII": 12, "XIII": 13, "XIV": 14, "XV": 15, "XVI": 16,
          "XVII": 17, "XVIII": 18, "XIX": 19, "XX": 20}
Fail = Callable[[str, str], CatalogueError]  # (vietnamese, english) -> error naming the entry


def roman(number: int) -> str:
    """9 -> 'IX', as regions are named."""
    return next((text for text, value in _ROMAN.items() if value == number), str(number))


def region_number(text: str) -> int | None:
    """'IX', 'ix' or '9' -> 9."""
    text = text.strip().upper()
    if text.isdigit():
        return int(text)
    return _ROMAN.get(text)


def _string(entry: Mapping[str, Any], key: str, fail: Fail, required: bool = True) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise fail(f"{key} phải là chuỗi không rỗng", f"{key} must be a non-empty string")
    return value.strip()


def _keys(entry: Mapping[str, Any], allowed: set[str], fail: Fail) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise fail(f"khóa không hợp lệ: {', '.join(unknown)}",
                   f"unknown key(s); allowed: {', '.join(sorted(allowed))}")


def abbreviation(entry: Mapping[str, Any], fail: Fail) -> Abbreviation:
    _keys(entry, {"short", "long", "before_number", "units_only"}, fail)
    flags = [entry.get(key, False) for key in ("before_number", "units_only")]
    if not all(isinstance(flag, bool) for flag in flags):
        raise fail("before_number, units_only phải là true hoặc false", "expected a boolean")
    short, long = normalise(_string(entry, "short", fail)), normalise(_string(entry, "long", fail))
    if not short or not long:
        raise fail("short và long phải có chữ", "short and long need letters")
    return Abbreviation(short, long, *flags)


def spelling(entry: Mapping[str, Any], fail: Fail) -> Spelling:
    """A taught spelling; its text is folded by the catalogue's Names when it is read."""
    targets = ("item", "source", "capital", "province")
    _keys(entry, {"text", *targets}, fail)
    text = _string(entry, "text", fail)
    given = [key for key in targets if key in entry]
    if len(given) != 1:
        raise fail("cần đúng một trong item, source, capital, province",
                   "a spelling names exactly one of item, source, capital, province")
    value = _string(entry, given[0], fail)
    if given[0] == "item":
        return Spelling(text, item=as_path(value))
    if not CODE_PATTERN.fullmatch(value):
        raise fail(f"mã '{value}' không hợp lệ", "expected a code of the catalogue")
    return Spelling(text, **{given[0]: value})


def treasury(entry: Mapping[str, Any], fail: Fail) -> Treasury:
    _keys(entry, {"region", "provinces", "from", "until"}, fail)
    number = region_number(str(entry.get("region", "")))
    provinces = entry.get("provinces")
    if number is None:
        raise fail("region phải là số La Mã hoặc số", "region must be e.g. 'IX' or 9")
    if not isinstance(provinces, list) or not provinces or \
            not all(isinstance(code, str) and CODE_PATTERN.fullmatch(code) for code in provinces):
        raise fail("provinces phải là danh sách mã tỉnh", "provinces must list province codes")
    dates = [entry.get(key) for key in ("from", "until")]
    if any(day is not None and not isinstance(day, datetime.date) for day in dates):
        raise fail("from / until phải là ngày", "from and until must be dates (YYYY-MM-DD)")
    return Treasury(number, tuple(provinces), *dates)


def unit_kind(entry: Mapping[str, Any], fail: Fail) -> UnitKind:
    _keys(entry, {"code", "title_vi", "starts"}, fail)
    code = _string(entry, "code", fail)
    return UnitKind(code, _string(entry, "title_vi", fail), _strings(entry, "starts", fail))


def unit(entry: Mapping[str, Any], fail: Fail) -> Unit:
    _keys(entry, {"province", "name", "code", "kind", "aliases"}, fail)
    province = _string(entry, "province", fail)
    if not CODE_PATTERN.fullmatch(province):
        raise fail(f"mã tỉnh '{province}' không hợp lệ", "province must be a province code")
    code = entry.get("code", "")
    if isinstance(code, int):
        code = str(code)  # a Mã ĐVQHNS written without quotes
    if not isinstance(code, str):
        raise fail("code phải là chuỗi (mã ĐVQHNS)", "code must be a string")
    return Unit(province, _string(entry, "name", fail), code.strip(),
                _string(entry, "kind", fail, required=False), _strings(entry, "aliases", fail))


def _strings(entry: Mapping[str, Any], key: str, fail: Fail) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise fail(f"{key} phải là danh sách chuỗi", f"{key} must be a list of strings")
    return tuple(item.strip() for item in value if item.strip())


def merged_units(units: Iterable[Unit]) -> tuple[Unit, ...]:
    """Entries naming the same unit (province and name) merged in order: a later entry
    gives the code or kind an earlier one lacked and adds its aliases."""
    found: dict[tuple[str, str], Unit] = {}
    for given in units:
        key = (given.province, given.name.casefold())
        known = found.get(key)
        if known is None:
            found[key] = given
            continue
        found[key] = replace(known, code=given.code or known.code, kind=given.kind or known.kind,
                             aliases=tuple(dict.fromkeys((*known.aliases, *given.aliases))))
    return tuple(found.values())


def levels(value: Any, fail: Fail) -> tuple[Level, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
        raise fail("levels phải là danh sách bảng", "levels must be a list of tables")
    found = []
    for entry in value:
        _keys(entry, {"name", "code", "open"}, fail)
        code = _string(entry, "code", fail)
        if "#" not in code or not CODE_PATTERN.fullmatch(code.replace("#", "0")):
            raise fail(f"mẫu mã '{code}' không hợp lệ", "a level's code is a pattern like 'TDA#'")
        found.append(Level(_string(entry, "name", fail), code, bool(entry.get("open", False))))
    return tuple(found)


def aliases(value: Any, fail: Fail) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise fail("aliases phải là danh sách chuỗi", "aliases must be a list of strings")
    return tuple(dict.fromkeys(folded for item in value if (folded := normalise(item))))


def error_for(where: str) -> Fail:
    def fail(vietnamese: str, english: str) -> CatalogueError:
        return CatalogueError(f"{where}: {bilingual(vietnamese, english)}")

    return fail
