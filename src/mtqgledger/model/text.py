"""Text as documents write it, folded for matching: no accents, đ → d, lower case.

Every look-up of a name an officer typed (catalogue items, provinces, column
headers, movement kinds) compares folded text, so "Tiểu dự án 2", "TIEU DU AN 2"
and "tiểu  dự án 2:" are the same words.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

# Đ/đ (and the look-alike Ð/ð found in converted legacy text) do not decompose.
_D_MAP = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})
_WORD = re.compile(r"[^\W_]+")
_LEADING_ZEROS = re.compile(r"(?<!\d)0+(?=\d)")


# Header keywords are matched against the same few cells many times over (each importer's
# identify() tries every row and column of the top of a sheet): fold each text once.
@functools.lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """Fold text for matching: no accents, đ → d, lower case, single spaces.

    Punctuation and other separators become one space, so ``"Tiểu dự án 2: Hỗ trợ"``
    gives ``"tieu du an 2 ho tro"``.
    """
    text = text.translate(_D_MAP)
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_WORD.findall(bare.casefold()))


def matching_key(text: str) -> str:
    """Folded text with leading zeros dropped, so ``04`` equals ``4``."""
    return _LEADING_ZEROS.sub("", normalise(text))


def matches(text: str, keywords: Iterable[str]) -> bool:
    """True if the folded text contains one of the folded keywords as whole words."""
    folded = f" {normalise(text)} "
    return any(f" {keyword} " in folded for keyword in keywords)


def bilingual(vietnamese: str, english: str) -> str:
    """A message as every error of the project is written: Vietnamese first, then English."""
    return f"{vietnamese} — {english}"
