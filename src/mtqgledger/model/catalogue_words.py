"""The catalogue's tables about words: abbreviations, taught spellings, levels, treasuries.

Read from the same TOML files as the programmes (see catalogue_files.py)::

    [[abbreviations]]                [[spellings]]                     [[treasuries]]
    short = "TDA"                    text = "Tiểu dự án 3: Dự án …"    region = "IX"
    long = "tiểu dự án"              item = "DTTS/DA5/TDA3"            provinces = ["LaoCai", …]
    before_number = true                                               from = 2025-07-01

and, on a programme, ``levels`` (what documents call each level of its items and
how their codes are made) and ``aliases`` (other names of the programme).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from mtqgledger.model.catalogue import (
    CODE_PATTERN,
    Abbreviation,
    CatalogueError,
    Level,
    Spelling,
    Treasury,
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
    _keys(entry, {"short", "long", "before_number"}, fail)
    before = entry.get("before_number", False)
    if not isinstance(before, bool):
        raise fail("before_number phải là true hoặc false", "before_number must be a boolean")
    short, long = normalise(_string(entry, "short", fail)), normalise(_string(entry, "long", fail))
    if not short or not long:
        raise fail("short và long phải có chữ", "short and long need letters")
    return Abbreviation(short, long, before)


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
