"""Rows of an appendix as a tree, from their STT markers (A, I, 1, 1.1, a, -, +).

Appendices number their rows by level: roman numerals for programmes, numbers
for projects, letters for sub-projects, dashes for communes or units, in
whatever mix the office prefers. A row's rank says how deep its marker kind
is; each row hangs under the nearest earlier row of a shallower rank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

_ROMAN = re.compile(r"^(X{0,3})(IX|IV|V?I{0,3})$")
_UPPER = re.compile(r"^[A-Z]$")
_ARABIC = re.compile(r"^\d+$")
_DOTTED = re.compile(r"^\d+(\.\d+)+$")
_LOWER = re.compile(r"^[a-zđ]$")

RANK_TOTAL = -1
RANK_NONE = 9


def _clean(marker: str) -> str:
    return marker.strip().rstrip(".)").lstrip("(").strip()


def marker_rank(marker: str) -> int:
    """Depth of a marker kind: A-B 0, I-II 1, 1-2 2, 1.1 3, 1.1.1 4, a-b 5, - 6, + 7, * 8.

    A single I, V or X is read as a roman numeral; other single capitals
    (including C, D, L, M, never used as roman STT numbers) as letters.
    """
    text = _clean(marker)
    if not text:
        return RANK_NONE
    if _UPPER.match(text) and text not in "IVX":
        return 0
    if _ROMAN.match(text):
        return 1
    if _ARABIC.match(text):
        return 2
    if _DOTTED.match(text):
        return 2 + text.count(".")
    if _LOWER.match(text):
        return 5
    return {"-": 6, "–": 6, "+": 7, "*": 8}.get(text, RANK_NONE)


@dataclass
class Row:
    """A data row of an appendix, with its amounts by column index (in the table's unit)."""

    number: int  # Excel row number
    marker: str
    title: str
    amounts: dict[int, Decimal]
    rank: int = RANK_NONE
    parent: Row | None = None
    children: list[Row] = field(default_factory=list)
    of_which: bool = False  # a "Trong đó" row, or inside one: not additive

    @property
    def has_amounts(self) -> bool:
        return bool(self.amounts)

    def additive_children(self) -> list[Row]:
        return [child for child in self.children if not child.of_which]


def build_tree(rows: list[Row], total: Row | None = None) -> Row:
    """Hang each row under the nearest earlier row of a shallower rank; returns the root."""
    root = total or Row(0, "", "", {}, RANK_TOTAL)
    root.rank = RANK_TOTAL
    stack = [root]
    for row in rows:
        while len(stack) > 1 and stack[-1].rank >= row.rank:
            stack.pop()
        row.parent = stack[-1]
        stack[-1].children.append(row)
        if row.parent.of_which:
            row.of_which = True
        stack.append(row)
    return root


def walk(row: Row):
    """The row and its descendants, depth first."""
    yield row
    for child in row.children:
        yield from walk(child)
