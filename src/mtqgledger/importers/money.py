"""Budget sources, capital types and programmes as documents name them.

The words come from the catalogue (each source's and capital type's
``aliases``, each programme's title), so a user who meets a new spelling adds
it to their catalogue file. Both importers read column headers, title lines
and cells through these functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from mtqgledger.model.catalogue import Capital, Catalogue, Source
from mtqgledger.model.text import bilingual, matches, normalise

Words = Mapping[str, tuple[str, ...]]  # code -> folded words naming it


def source_words(catalogue: Catalogue) -> Words:
    return {code: source.aliases for code, source in catalogue.sources.items() if source.aliases}


def capital_words(catalogue: Catalogue) -> Words:
    return {code: capital.aliases for code, capital in catalogue.capitals.items()
            if capital.aliases}


def all_words(*tables: Words) -> tuple[str, ...]:
    return tuple(word for table in tables for words in table.values() for word in words)


def first_named(labels: Iterable[str], words: Words) -> str | None:
    """The code the first label naming one names (labels most general first)."""
    for label in labels:
        for code, keywords in words.items():
            if matches(label, keywords):
                return code
    return None


def named_in_title(lines: Sequence[str], words: Words) -> str | None:
    """The one source (or capital type) the title lines name, or None if none or several."""
    found = {code for code, keywords in words.items() if any(matches(t, keywords) for t in lines)}
    return found.pop() if len(found) == 1 else None


def program_in_title(lines: Sequence[str], catalogue: Catalogue,
                     plan_year: int | None = None) -> tuple[str, ...]:
    """The programme a sheet's title names, so rows or columns may leave it out.

    Its title's words (abbreviations read) or one of its other names, in a title
    line; of several, one whose period holds the plan year, the longest title first
    (the 2026-2035 programme's title contains the older ones').
    """
    names = catalogue.names
    folded = [f" {names.fold(text)} " for text in lines]
    found = []
    for program in sorted(catalogue.programs.values(), key=lambda p: -len(p.title_vi)):
        words = [names.words_of(program), *names.aliases[program.code]]
        if any(f" {word} " in line for word in words if word for line in folded):
            found.append(program)
    if plan_year is not None:
        found = [node for node in found if names.in_period(node, plan_year)] or found
    return found[0].path if found else ()


def _read_code(text: str, entries: Mapping[str, Source | Capital], words: Words) -> str | None:
    """The code a cell names: the code itself, one of its words, or its title."""
    folded = normalise(text)
    for code in entries:
        if folded == code.lower():
            return code
    hits = {code for code, keywords in words.items() if matches(text, keywords)}
    if len(hits) == 1:
        return hits.pop()
    for code, entry in entries.items():
        if folded in (normalise(entry.title_vi), normalise(entry.title_en)):
            return code
    return None


def read_source(text: str, catalogue: Catalogue) -> str:
    """The source a cell names."""
    if not text:
        raise ValueError(bilingual("thiếu nguồn vốn",
                                   "the Nguồn vốn cell is empty and the title names no source"))
    found = _read_code(text, catalogue.sources, source_words(catalogue))
    if found is None:
        known = ", ".join(f"{code} ({s.title_vi})" for code, s in catalogue.sources.items())
        raise ValueError(bilingual(f"nguồn vốn '{text}' không rõ",
                                   f"unknown source; known: {known}"))
    return found


def read_capital(text: str, catalogue: Catalogue) -> str:
    """The capital type a cell names."""
    if not text:
        raise ValueError(bilingual("thiếu loại vốn", "the Loại vốn cell is empty and the title "
                                                    "names no capital type"))
    found = _read_code(text, catalogue.capitals, capital_words(catalogue))
    if found is None:
        known = ", ".join(f"{capital.short or code} / {capital.title_vi}"
                          for code, capital in catalogue.capitals.items())
        raise ValueError(bilingual(f"loại vốn '{text}' không rõ",
                                   f"unknown capital type; expected {known}"))
    return found
