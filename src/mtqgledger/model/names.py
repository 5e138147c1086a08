"""Names as documents write them: abbreviations read, numbers first, words that confirm.

Officers write "CTMTQG Giảm nghèo bền vững", "DTTS và MN", "TDA3", "Tiểu dự án 3 -
Dự án 5", "Dự án 5.3", "Hợp phần thứ nhất", "Nội dung thành phần 04". A name is
read in three steps:

1. **Folded and expanded.** Accents, case and punctuation go; the catalogue's
   abbreviations become their long forms ("TDA3" → "tiểu dự án 3", "KT-XH" →
   "kinh tế - xã hội"); ordinals and Roman numerals after a level's name become
   numbers ("Hợp phần thứ nhất" → "hợp phần 1").
2. **Numbers first.** An item is found by its number within its parent, through
   the programme's level names ("Dự án", "Tiểu dự án"; "Hợp phần", "Nội dung thành
   phần", "Nội dung"). The words then only confirm it: close enough (rapidfuzz on the
   folded words) is accepted, and the caller keeps the title as written; words that
   point to another item, or two items that fit, are refused.
3. **Words alone**, where a name carries no number: the code, the exact title, its
   beginning or words, then the closest title by rapidfuzz.

Every refusal names the closest items and the lines that teach the spelling: added
to the books' catalogue file (``[[spellings]]``), they make the next import accept it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from rapidfuzz import fuzz

from mtqgledger.model.catalogue import (
    SUGGESTIONS,
    Catalogue,
    Level,
    LookupFailed,
    Node,
    as_path,
    describe,
)
from mtqgledger.model.name_labels import Folding, Labels, parse_labels
from mtqgledger.model.text import bilingual, matching_key, normalise

CONFIRM = 70  # token_sort_ratio: the words are the item's, reworded
CONFIRM_SUBSET = 90  # token_set_ratio: the words are the item's, shortened or extended
ELSEWHERE = 80  # another item's words fit at least this well…
MARGIN = 15  # …and this much better than the numbered item's
WORDS_ALONE = 85  # a name without a number: its closest title must fit this well
_PERIOD = re.compile(r"\bgiai doan (\d{4}) (\d{4})\b")
_PROGRAMME_WORDS = ("chuong trinh muc tieu quoc gia", "chuong trinh")


@dataclass(frozen=True)
class Match:
    """What a name resolved to, and how.

    ``how``: "code", "spelling" (taught by the user), "title" (the catalogue's words),
    "number" (its number alone), "number+words" (its number, confirmed by words close to
    the catalogue's), "words" (by words alone, close but not equal), "new" (an item of an
    open level the catalogue did not list, titled as the document writes it).
    """

    node: Node
    written: str
    how: str

    @property
    def approximate(self) -> bool:
        """True when the words are not the catalogue's: the title as written is kept."""
        return self.how in ("number+words", "words")


class NameProblem(LookupFailed):
    """A name refused: the message lists the closest items and how to teach the spelling."""


class Names:
    """Resolves names against one catalogue (``catalogue.names``)."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.fold = Folding([abbreviation for abbreviation in catalogue.abbreviations
                             if not abbreviation.units_only])
        self.spellings = {self.fold(spelling.text): spelling for spelling in catalogue.spellings}
        self.aliases = {code: tuple(self.fold(alias) for alias in node.aliases)
                        for code, node in catalogue.programs.items()}

    # -- folding ---------------------------------------------------------------------------

    @cached_property
    def _titles(self) -> dict[tuple[str, ...], str]:
        """Each node's folded title without its label ("Tiểu dự án 2: …" → "…")."""
        return {node.path: self.words_of(node) for node in self.catalogue.walk()}

    def words_of(self, node: Node) -> str:
        folded = self.fold(node.title_vi)
        levels = self._levels(node.path[0]) if len(node.path) > 1 else ()
        if len(node.path) == 1:
            return _bare_programme(_PERIOD.sub(" ", folded).strip())
        return parse_labels(folded, levels).rest

    @staticmethod
    def in_period(node: Node, year: int) -> bool:
        """True if a programme's period (e.g. 2021-2025) holds the year."""
        return _in_period(node, year)

    def _levels(self, program: str) -> tuple[Level, ...]:
        node = self.catalogue.programs.get(program)
        return node.levels if node is not None else ()

    # -- programmes ------------------------------------------------------------------------

    def program(self, text: str, plan_year: int | None = None,
                levels: Sequence[str] = ()) -> Match:
        """The programme a name (code, alias, full or shortened title) names.

        ``levels``: the row's item names below it ("Hợp phần 1", "Dự án 4"); of the
        programmes the name fits, those whose level names they use are preferred.
        """
        found = self._known(text, ())
        if found is not None:
            return found
        whole = folded = self.fold(text)
        period = _PERIOD.search(folded)
        if period:  # the period the officer wrote decides over the document's plan year
            plan_year = int(period.group(1))
            folded = _PERIOD.sub(" ", folded).strip()
        bare = _bare_programme(folded)
        if period and not bare.strip():  # "CTMTQG giai đoạn 2026-2035": the period alone
            named = [node for node in self.catalogue.programs.values()
                     if _period_of(node) == (int(period.group(1)), int(period.group(2)))]
            if len(named) == 1:
                return Match(named[0], text, "words")
        scored = []
        by_alias = set()
        for node in self.catalogue.programs.values():
            if any(f" {alias} " in f" {folded} " or f" {alias} " in f" {whole} "
                   for alias in self.aliases[node.code]):
                scored.append((100.0, 100.0, node))
                by_alias.add(node.code)
                continue
            key = self._titles[node.path]
            if bare and key:
                scored.append((fuzz.token_set_ratio(bare, key), fuzz.token_sort_ratio(bare, key),
                               node))
        fitting = [item for item in scored if item[0] >= CONFIRM_SUBSET]
        if levels:  # "Giảm nghèo bền vững" with "Hợp phần 1" below it: the merged programme
            fitting = [item for item in fitting if self._uses_levels(item[2], levels)] \
                or fitting
        fitting.sort(key=lambda item: (-item[1], item[2].path))
        # Of the names that fit about as well, the programme of the plan year: "Giảm nghèo
        # bền vững" is GNBV's title, not the merged programme's that contains it, whatever
        # the year; but a name both fit alike goes to the programme running that year.
        close = [item for item in fitting if fitting[0][1] - item[1] < MARGIN / 3]
        if plan_year is not None:
            close = [item for item in close if _in_period(item[2], plan_year)] or close
        if len(close) == 1:
            node = close[0][2]
            exact = bare == self._titles[node.path] or node.code in by_alias
            return Match(node, text, "title" if exact else "words")
        closest = [node for _, _, node in sorted(scored, key=lambda item: (-item[1], -item[0]))]
        raise self._problem(text, (), closest[:SUGGESTIONS], several=len(fitting) > 1)

    def program_of_levels(self, text: str, plan_year: int | None = None) -> tuple[str, ...]:
        """The programme a row names by its level alone ("Hợp phần thứ nhất" under a title
        that names no programme: only the 2026–2035 programme has Hợp phần), when exactly
        one programme running in the plan year has that level; else ()."""
        found = [node for node in self.catalogue.programs.values()
                 if self._uses_levels(node, [text])
                 and (plan_year is None or _in_period(node, plan_year))]
        return found[0].path if len(found) == 1 else ()

    def _uses_levels(self, program: Node, texts: Sequence[str]) -> bool:
        """True if a text names an item by one of the programme's level names and a number."""
        levels = self._levels(program.code)
        return any(parse_labels(self.fold(text), levels).numbers for text in texts)

    # -- items -----------------------------------------------------------------------------

    def item(self, text: str, parent: Sequence[str]) -> Match:
        """The item below ``parent`` (a programme or any item) a document's name names."""
        parent = tuple(parent)
        found = self._known(text, parent)
        if found is not None:
            return found
        levels = self._levels(parent[0])
        labels = parse_labels(self.fold(text), levels)
        if labels.numbers:
            return self._numbered_item(text, parent, levels, labels)
        return self._by_words(text, parent, labels.rest)

    def _known(self, text: str, parent: tuple[str, ...]) -> Match | None:
        """A code, a code path or a taught spelling naming a node below ``parent``."""
        plain = text.strip()
        spelling = self.spellings.get(self.fold(plain))
        if spelling is not None and spelling.item and spelling.item[:len(parent)] == parent:
            node = self.catalogue.node(spelling.item)
            if node is not None:
                return Match(node, text, "spelling")
        scope = [self.catalogue.node(parent)] if parent else []
        candidates = [*(scope[0].children if scope and scope[0] else
                        self.catalogue.programs.values())]
        for node in candidates:
            if node.code == plain or matching_key(node.code) == matching_key(plain):
                return Match(node, text, "code")
        if re.search(r"[/:]", plain):
            node = self._path_of(parent, as_path(plain))
            if node is not None:
                return Match(node, text, "code")
        return None

    def _path_of(self, parent: tuple[str, ...], codes: Sequence[str]) -> Node | None:
        """The node a code path names below ``parent`` (codes compared as keys: "da04" = DA4)."""
        children = self.catalogue.node(parent).children if parent else \
            tuple(self.catalogue.programs.values())
        node = None
        for code in codes:
            node = next((child for child in children
                         if matching_key(child.code) == matching_key(code)), None)
            if node is None:
                return None
            children = node.children
        return node

    def _numbered_item(self, text: str, parent: tuple[str, ...], levels: Sequence[Level],
                       labels: Labels) -> Match:
        deepest = max(labels.numbers)
        if deepest < len(parent) or any(
                levels[depth - 1].number_of(parent[depth]) != number
                for depth, number in labels.numbers.items() if depth < len(parent)):
            raise self._problem(text, parent, self._closest(labels.rest, parent),
                                elsewhere=True)
        candidates = [node for node in self.catalogue.descendants(parent)
                      if len(node.path) - 1 == deepest and all(
                          levels[depth - 1].number_of(node.path[depth]) == number
                          for depth, number in labels.numbers.items())]
        if not candidates:
            return self._new_item(text, parent, levels, labels)
        if not labels.rest:
            if len(candidates) == 1:
                return Match(candidates[0], text, "number")
            raise self._problem(text, parent, candidates, several=True)
        confirmed = [node for node in candidates if self._confirms(labels.rest, node)]
        others = [node for node in self.catalogue.descendants(parent[:1])
                  if len(node.path) - 1 == deepest and node not in candidates]
        best = max((fuzz.token_sort_ratio(labels.rest, self._titles[node.path]), node.path)
                   for node in candidates)
        elsewhere = [node for node in others if fuzz.token_sort_ratio(
            labels.rest, self._titles[node.path]) >= max(ELSEWHERE, best[0] + MARGIN)]
        if len(confirmed) == 1 and not elsewhere:
            node = confirmed[0]
            return Match(node, text, "title" if labels.rest == self._titles[node.path]
                         else "number+words")
        closest = [*elsewhere, *confirmed, *candidates]
        raise self._problem(text, parent, list(dict.fromkeys(closest))[:SUGGESTIONS],
                            several=len(confirmed) > 1, elsewhere=bool(elsewhere))

    def _confirms(self, words: str, node: Node) -> bool:
        key = self._titles[node.path]
        return fuzz.token_sort_ratio(words, key) >= CONFIRM or \
            fuzz.token_set_ratio(words, key) >= CONFIRM_SUBSET

    def _new_item(self, text: str, parent: tuple[str, ...], levels: Sequence[Level],
                  labels: Labels) -> Match:
        """An item of an open level, one level below ``parent``, named by its number."""
        depth = len(parent)
        level = levels[depth - 1] if depth - 1 < len(levels) else None
        if level is None or not level.open or max(labels.numbers) != depth \
                or self.catalogue.node(parent) is None:
            raise self._problem(text, parent, self._closest(labels.rest, parent))
        code = level.code_of(labels.numbers[depth])
        title = text.strip()
        node = Node(code, (*parent, code), title, "", self.catalogue.node(parent).capitals, ())
        return Match(node, text, "new")

    def _by_words(self, text: str, parent: tuple[str, ...], words: str) -> Match:
        """A name without a number: exact words, their beginning, whole words, then close."""
        pool = self.catalogue.descendants(parent)
        keys = [(node, self._keys_of(node)) for node in pool]
        rules = (lambda key: key == words, lambda key: key.startswith(words + " "),
                 lambda key: f" {words} " in f" {key} ")
        for number, rule in enumerate(rules):
            hits = [node for node, own in keys if words and any(rule(key) for key in own)]
            if len(hits) == 1:
                return Match(hits[0], text, "title" if number == 0 else "words")
            if hits:
                raise self._problem(text, parent, hits[:SUGGESTIONS], several=True)
        scored = sorted(((fuzz.token_sort_ratio(words, self._titles[node.path]), node)
                         for node in pool), key=lambda item: (-item[0], item[1].path))
        if scored and scored[0][0] >= WORDS_ALONE and (
                len(scored) == 1 or scored[0][0] - scored[1][0] >= MARGIN / 3):
            return Match(scored[0][1], text, "words")
        several = len(scored) > 1 and scored[1][0] >= WORDS_ALONE
        raise self._problem(text, parent, [node for _, node in scored[:SUGGESTIONS]],
                            several=several)

    def _keys_of(self, node: Node) -> tuple[str, ...]:
        """The node's words in Vietnamese and in English, without and with their labels."""
        english = normalise(node.title_en)
        keys = (self._titles[node.path], normalise(node.title_en.split(":", 1)[-1]),
                self.fold(node.title_vi), english)
        return tuple(dict.fromkeys(key for key in keys if key))

    def _closest(self, words: str, parent: tuple[str, ...]) -> list[Node]:
        pool = self.catalogue.descendants(parent) or self.catalogue.descendants(parent[:1])
        return sorted(pool, key=lambda node: (
            -fuzz.token_sort_ratio(words, self._titles[node.path]), node.path))[:SUGGESTIONS]

    # -- refusals --------------------------------------------------------------------------

    def _problem(self, text: str, parent: tuple[str, ...], closest: Sequence[Node], *,
                 several: bool = False, elsewhere: bool = False) -> NameProblem:
        where = f" trong {'/'.join(parent)}" if parent else ""
        if several:
            why = bilingual(f"'{text.strip()}' khớp nhiều mục{where}",
                            "ambiguous: two or more items fit this name")
        elif elsewhere:
            why = bilingual(f"số và chữ của '{text.strip()}' chỉ tới các mục khác nhau{where}",
                            "the number and the words point to different items")
        else:
            why = bilingual(f"không có mục nào trong danh mục khớp '{text.strip()}'{where}",
                            "no catalogue item fits this name")
        listed = "".join(f"\n  {describe(node)}" for node in closest)
        guess = closest[0].ref if closest else "/".join(parent) or "MÃ/CHƯƠNG/TRÌNH"
        message = f"{why}; gần nhất (closest):{listed}\n{teach(text, item=guess)}"
        return NameProblem(message, text, closest)

    # -- the command line's look-up --------------------------------------------------------

    def find(self, query: str, within: Sequence[str] | str = ()) -> Node:
        """A node from a code, a code path, a programme or item name, below ``within``."""
        scope = as_path(within)
        if scope and self.catalogue.node(scope) is None:
            raise NameProblem(bilingual(f"không có mục {'/'.join(scope)} trong danh mục",
                                        "no catalogue entry there"), query)
        if not normalise(query):
            raise NameProblem(bilingual("không có gì để tra", "empty catalogue query"), query)
        if not scope:
            found = self._known(query, ())
            if found is not None:
                return found.node
            try:
                return self.program(query).node
            except NameProblem:
                pass
            return self._anywhere(query)
        return self.item(query, scope).node

    def _anywhere(self, query: str) -> Node:
        """An item of any programme, by its code path or its words."""
        matches = []
        for program in self.catalogue.programs:
            try:
                matches.append(self.item(query, (program,)).node)
            except NameProblem:
                continue
        if len(matches) == 1:
            return matches[0]
        words = parse_labels(self.fold(query), ()).rest
        raise self._problem(query, (), matches or self._closest(words, ()),
                            several=len(matches) > 1)


TEACHING = "[[spellings]]"  # how a refusal's teaching lines begin


def teach(text: str, **target: str) -> str:
    """The lines that teach a spelling, for the books' catalogue file."""
    lines = "".join(f'\n{key} = "{_toml(value)}"' for key, value in target.items())
    return (bilingual("Để chấp nhận cách viết này, thêm vào tệp danh mục của sổ",
                      "to accept this spelling, add to the books' catalogue file")
            + f":\n{TEACHING}\ntext = \"{_toml(text.strip())}\"{lines}")


def _toml(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _bare_programme(folded: str) -> str:
    for words in _PROGRAMME_WORDS:
        if folded.startswith(words + " "):
            return folded[len(words) + 1:]
    return folded


def _period_of(node: Node) -> tuple[int, int] | None:
    match = re.fullmatch(r"(\d{4})\s*[-–]\s*(\d{4})", node.period.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def _in_period(node: Node, year: int) -> bool:
    period = _period_of(node)
    return period is not None and period[0] <= year <= period[1]
