"""The labels in a written name: abbreviations read, level names and their numbers.

"TDA3" is "tiểu dự án 3", "KT-XH" is "kinh tế - xã hội", "Hợp phần thứ nhất" is
"hợp phần 1", "Dự án 5.3" is project 5, sub-project 3. ``model/names.py`` finds the
items these labels point to; this module only reads the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mtqgledger.model.catalogue import Abbreviation, Level
from mtqgledger.model.text import normalise

_ORDINALS = {"nhat": 1, "mot": 1, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5, "sau": 6,
             "bay": 7, "tam": 8, "chin": 9, "muoi": 10}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9,
          "x": 10, "xi": 11, "xii": 12}
_LETTERS_DIGITS = re.compile(r"^([a-z]+)(\d+)$")


@dataclass(frozen=True)
class Labels:
    numbers: dict[int, int]  # level depth (1 = first level below the programme) -> number
    rest: str  # the words that are not level names or numbers


class Folding:
    """Folds text (accents, case, punctuation) and reads the catalogue's abbreviations."""

    def __init__(self, abbreviations: Sequence[Abbreviation]) -> None:
        table: dict[tuple[str, ...], tuple[tuple[str, ...], bool]] = {}
        for abbreviation in abbreviations:
            table[tuple(abbreviation.short.split())] = (tuple(abbreviation.long.split()),
                                                        abbreviation.before_number)
        # By first word, longest first, so that "ct mtqg" wins over "ct".
        self._by_first: dict[str, list[tuple[tuple[str, ...], tuple[str, ...], bool]]] = {}
        for short, (long, before) in sorted(table.items(), key=lambda item: -len(item[0])):
            self._by_first.setdefault(short[0], []).append((short, long, before))
        self._numbered = {short[0] for short, (_, before) in table.items()
                          if before and len(short) == 1}

    def __call__(self, text: str) -> str:
        """Folded text with abbreviations read as their long forms."""
        tokens: list[str] = []
        for token in normalise(text).split():
            split = _LETTERS_DIGITS.match(token)
            if split and split.group(1) in self._numbered:
                tokens += [split.group(1), split.group(2)]
            else:
                tokens.append(token)
        out: list[str] = []
        index = 0
        while index < len(tokens):
            for short, long, before_number in self._by_first.get(tokens[index], ()):
                end = index + len(short)
                if tuple(tokens[index:end]) == short and (
                        not before_number or (end < len(tokens) and _numberish(tokens[end]))):
                    out += long
                    index = end
                    break
            else:
                out.append(tokens[index])
                index += 1
        return " ".join(out)


def parse_labels(folded: str, levels: Sequence[Level]) -> Labels:
    """Level names followed by numbers, by depth; and the other words."""
    names = sorted(((tuple(normalise(level.name).split()), depth)
                    for depth, level in enumerate(levels, start=1)),
                   key=lambda item: -len(item[0]))
    tokens = folded.split()
    numbers: dict[int, int] = {}
    rest: list[str] = []
    index = 0
    while index < len(tokens):
        for name, depth in names:
            end = index + len(name)
            if tuple(tokens[index:end]) != name:
                continue
            number, end = _number_at(tokens, end)
            if number is not None and depth not in numbers:
                numbers[depth] = number
                # "Dự án 5.3": a second number belongs to the next level down.
                if end < len(tokens) and tokens[end].isdigit() and depth + 1 <= len(levels):
                    numbers.setdefault(depth + 1, int(tokens[end]))
                    end += 1
                index = end
                break
        else:
            rest.append(tokens[index])
            index += 1
    return Labels(numbers, " ".join(rest))


def _number_at(tokens: list[str], index: int) -> tuple[int | None, int]:
    """The number written at ``tokens[index]`` ("3", "03", "so 3", "thu nhat", "ii")."""
    if index < len(tokens) and tokens[index] == "so":
        index += 1
    if index >= len(tokens):
        return None, index
    token = tokens[index]
    if token.isdigit():
        return int(token), index + 1
    if token == "thu" and index + 1 < len(tokens) and tokens[index + 1] in _ORDINALS:
        return _ORDINALS[tokens[index + 1]], index + 2
    if token in _ROMAN:
        return _ROMAN[token], index + 1
    return None, index


def _numberish(token: str) -> bool:
    """A token that starts a number: digits, a Roman numeral, or 'thứ' (an ordinal)."""
    return token.isdigit() or token in _ROMAN or token == "thu"
