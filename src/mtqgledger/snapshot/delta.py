"""Books that changed only by appended text: parse, book and check only that text.

Beancount's loader parses every file, sorts, books, runs the plugins and
validates. When the files of a snapshot have only grown at their ends, the same
result is the snapshot plus the appended text parsed (with its real line
numbers), booked and put in its place in the loader's order, provided the
appended text and the books cannot change anything else. :func:`extend` proves
that or returns None, and the caller loads in full. It returns None when:

* the snapshot has errors, or its parse order is unknown;
* a file was edited, shortened, removed or renamed; a file's old text did not
  end with a newline, used pushtag / pushmeta or set options (they apply to the
  file's later text: the main file's appended text is always loaded in full); an
  include pattern matches other files than before; or the environment (versions,
  ``MTQG_CATALOGUE``) changed;
* the books run plugins other than the budget rules, process documents, or
  hold pad or balance directives (their results depend on the whole history);
* the appended text sets options or plugins, includes files, has a parse or
  booking error, closes an account, holds pads, balances or documents, books at a
  cost or a price, or writes a number with a precision the books never had;
* Beancount's validations fail on the new entries.

The budget rules go on from their state after the snapshot's entries when the
new entries all come after those, else run over everything (rules.py); their
errors are the result's errors, exactly as a full load reports them.
"""

from __future__ import annotations

import copy
import io
import os

from beancount.core import data
from beancount.parser import booking, parser

from mtqgledger.plugins.budget_rules import WARNINGS_OPTION
from mtqgledger.snapshot.rules import PLUGIN, rules_on
from mtqgledger.snapshot.sources import (
    FileState,
    Overlay,
    Sources,
    catalogue_states,
    globs_unchanged,
    growth,
)
from mtqgledger.snapshot.store import (
    Appended,
    Snapshot,
    entry_order,
    index_of,
    merged,
    with_entries,
)
from mtqgledger.snapshot.validations import new_entry_errors

# What appended text may hold: directives whose checks look at the entry itself
# (and at the accounts' open directives), never at the rest of the history.
APPENDABLE = (data.Transaction, data.Open, data.Commodity, data.Note, data.Event, data.Price,
              data.Custom, data.Query)
# Options every parse sets for itself; any other option set in appended text means no fast path.
_OWN_OPTIONS = frozenset({"filename", "dcontext", "include"})


def plain_books(entries: list, options: dict) -> bool:
    """Books whose load is the sum of its entries' own loads: only the budget rules as a
    plugin, no documents folder, no pad or balance directives."""
    plugins = options.get("plugin", [])
    if [name for name, _ in plugins] != [PLUGIN] and plugins:
        return False
    if options.get("plugin_processing_mode") != "default" or options.get("documents"):
        return False
    return not any(isinstance(entry, (data.Pad, data.Balance, data.Document))
                   for entry in entries)


def _changed_files(sources: Sources, overlay: Overlay | None,
                   ) -> tuple[list[tuple[str, int, bytes]], dict[str, FileState]] | None:
    """The text appended to each file (name, first line, text) and the files' new states."""
    appended = []
    states = dict(sources.files)
    for name, before in sources.files.items():
        found = growth(name, before, overlay)
        if found is None:
            return None
        text, states[name] = found
        if text:
            appended.append((name, before.lines + 1, text))
    return appended, states


def _parse(name: str, first_line: int, text: bytes) -> tuple[list, object] | None:
    """The directives of appended text and its display context, if it may be appended."""
    entries, errors, options = parser.parse_file(io.BytesIO(text), report_filename=name,
                                                 report_firstline=first_line)
    if errors or any(options[key] != _DEFAULTS[key] for key in _DEFAULTS
                     if key not in _OWN_OPTIONS) or options["include"]:
        return None
    for entry in entries:
        if not isinstance(entry, APPENDABLE):
            return None
        if isinstance(entry, data.Transaction) and any(
                posting.cost is not None or posting.price is not None
                for posting in entry.postings):
            return None
    return entries, options["dcontext"]


_DEFAULTS = parser.parse_string("")[2]


def _display_context(before: object, chunks: list[object]) -> object | None:
    """The books' display context with the appended numbers, merged as the loader merges
    each file's. (The main file's numbers of a currency with a fixed display precision
    never count in a full load; the main file sets options, so its text is never
    appended here.) A new count of digits after the point could change which of two
    equal counts is the most common: it means no fast path."""
    result = copy.deepcopy(before)
    for dcontext in chunks:
        for currency, context in dcontext.ccontexts.items():
            target = result.ccontexts.get(currency)
            dist = getattr(context, "fractional_dist", None)
            known = getattr(target, "fractional_dist", None)
            if dist is not None and known is not None and set(dist.hist) - set(known.hist):
                return None
            result.ccontexts[currency].update_from(context)
    return result


def _booked(snapshot: Snapshot, appended: list[tuple[str, int, bytes]],
            sources: Sources) -> tuple[list, object] | None:
    """The appended text's entries, booked and in the loader's order, and the books' display
    context with them; None if the text may not be appended so."""
    parsed = [(name, _parse(name, first, text)) for name, first, text in appended]
    if any(result is None for _, result in parsed):
        return None
    added = [entry for _, (entries, _) in parsed for entry in entries]
    added.sort(key=entry_order(sources.index()))  # as the loader sorts them
    booked, booking_errors = booking.book(added, snapshot.options)
    if booking_errors:
        return None
    dcontext = _display_context(snapshot.options["dcontext"],
                                [result[1] for _, result in parsed])
    return None if dcontext is None else (booked, dcontext)


def extend(snapshot: Snapshot, catalogue_files: list[str],
           overlay: Overlay | None = None) -> tuple[Snapshot, Appended | None] | None:
    """The books as they are now, from ``snapshot`` and what was appended to their files
    (with ``overlay``: as they would be with those contents); the record to log (None
    when nothing changed); None when only a full load can tell."""
    if snapshot.errors or not snapshot.sources.order_known or not snapshot.plain:
        return None
    if overlay is not None and any(name not in snapshot.sources.files
                                   and name not in catalogue_files for name in overlay):
        return None  # a new file: an include line or glob may read it
    found = _changed_files(snapshot.sources, overlay)
    if found is None or not globs_unchanged(snapshot.sources):
        return None
    appended, states = found
    catalogues = catalogue_states(catalogue_files, overlay)
    if not appended and catalogues == snapshot.catalogues:
        return snapshot, None
    sources = Sources(states, snapshot.sources.globs, True)
    order = sources.index()
    made = _booked(snapshot, appended, sources)
    if made is None:
        return None
    booked, dcontext = made
    options = {**snapshot.options, "dcontext": dcontext}
    index = index_of(booked, order, snapshot.index)
    if new_entry_errors(index.structure, [entry for entry in booked
                                          if isinstance(entry, data.Transaction)], options):
        return None
    at_the_end = snapshot.index.last is None or not booked or \
        entry_order(order)(booked[0]) > snapshot.index.last
    checked = rules_on(lambda: merged(snapshot.entries, booked, order), booked, options,
                       overlay, snapshot.rule_state,
                       resume=at_the_end and catalogues == snapshot.catalogues)
    if checked is None:
        return None
    errors, warnings, rule_state = checked
    if warnings is not None:
        options[WARNINGS_OPTION] = warnings
    record = Appended(booked, errors, sources, catalogues, dcontext, warnings, rule_state)
    return with_entries(snapshot, booked, order, index, errors=errors, options=options,
                        sources=sources, catalogues=catalogues, rule_state=rule_state), record


def loader_name(path: str | os.PathLike) -> str:
    """The main file's name as Beancount's loader spells it in every entry's metadata."""
    name = os.path.expandvars(os.path.expanduser(os.fspath(path)))
    return os.path.normpath(name if os.path.isabs(name) else os.path.join(os.getcwd(), name))
