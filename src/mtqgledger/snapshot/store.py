"""Where snapshots of loaded books are kept: a base and a log of what was appended since.

The base is the result of a full load in two files: its head (errors, options,
the record of its inputs (sources.py), the rules' state and the :class:`Index` an
import asks for) and its entries (codec.py), read only when asked for. Each fast
load that added entries appends a record to the log (the new entries, the files'
new states, the errors, the display context, the rules' warnings and state of the
new state) instead of writing the whole books again: a monthly statement costs a
few hundred entries on disk, not the province's history. When the log holds more
than a fifth of the base, the next load that has the entries in memory writes a
new base. The files live in the cache folder (files.cache_dir, ``MTQG_CACHE=0``
switches them off) and are written atomically; a missing, stale or damaged file
is only a missed shortcut.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import beancount
from beancount.core import data

from mtqgledger import __version__
from mtqgledger.files import cache_dir, code_stamp, write_atomically, write_deferred, write_later
from mtqgledger.model.catalogue_files import ENV_VAR
from mtqgledger.model.postings import cited_reference
from mtqgledger.plugins.budget_rules import WARNINGS_OPTION
from mtqgledger.plugins.rule_state import RuleState
from mtqgledger.snapshot import codec
from mtqgledger.snapshot.sources import Sources

SNAPSHOT_FORMAT = 4  # raised whenever what is kept changes shape or meaning
NEW_BASE_SHARE = 5  # a new base once the log holds more than base / NEW_BASE_SHARE entries
BULK_MERGE = 2_000  # above this many new entries one sort beats inserting each


def environment() -> dict:
    """What besides the files a load depends on: this package (its version and its files:
    the bundled catalogue, the rules), Beancount, the catalogue environment variable."""
    return {"format": SNAPSHOT_FORMAT, "version": __version__, "code": code_stamp(),
            "beancount": beancount.__version__, "env": os.environ.get(ENV_VAR, "")}


@dataclass(frozen=True)
class Index:
    """What an import asks of the books, kept apart from their transactions so that it
    can be read without them."""

    structure: list  # every directive that is not a transaction, in the books' order
    extended: list  # the transactions posting to an extended segment (…:K<year>), in order
    references: frozenset[str]  # the vouchers and decisions the transactions cite
    last: tuple | None  # entry_order key of the last entry
    count: int  # entries


def index_of(entries: list, order: dict[str, int], before: Index | None = None) -> Index:
    """The index of ``entries`` (in the books' order), or of ``before``'s books with them."""
    structure = [entry for entry in entries if not isinstance(entry, data.Transaction)]
    extended = [entry for entry in entries if isinstance(entry, data.Transaction)
                and any(":K" in posting.account for posting in entry.postings)]
    references = {cited for entry in entries if isinstance(entry, data.Transaction)
                  and (cited := cited_reference(entry.meta)) is not None}
    last = entry_order(order)(entries[-1]) if entries else None
    if before is None:
        return Index(structure, extended, frozenset(references), last, len(entries))
    return Index(merged(before.structure, structure, order),
                 merged(before.extended, extended, order), before.references | references,
                 max(filter(None, (before.last, last)), default=None),
                 before.count + len(entries))


@dataclass
class Snapshot:
    """Loaded books and the inputs they were loaded from. The entries are read (and the
    log's merged in) only when asked for: an import needs the index and the state."""

    errors: list
    options: dict
    sources: Sources
    catalogues: dict[str, str | None]  # catalogue file -> SHA-256 (rules read them)
    environment: dict
    plain: bool  # delta.plain_books: a load that is the sum of its entries' loads
    rule_state: RuleState | None  # the budget rules' state before the last day's end
    index: Index
    base_id: str = field(default_factory=lambda: secrets.token_hex(8))
    logged: int = 0  # entries in the log on top of the base
    # The entries, or how to get them (not kept in the snapshot's head)
    known: list | None = field(default=None, compare=False, repr=False)
    make: Callable[[], list] | None = field(default=None, compare=False, repr=False)

    @property
    def entries(self) -> list:
        if self.known is None:
            self.known = self.make() if self.make is not None else []
            self.make = None
        return self.known

    def __getstate__(self) -> dict:
        return {**self.__dict__, "known": None, "make": None}


@dataclass(frozen=True)
class Appended:
    """One fast load's record in the log."""

    entries: list  # booked, in the books' order
    errors: list  # every error of the new state
    sources: Sources
    catalogues: dict[str, str | None]
    dcontext: object
    warnings: list | None  # the rules' warnings of the new state (WARNINGS_OPTION), or None
    rule_state: RuleState | None


def _paths(ledger: str) -> tuple[Path, Path, Path] | None:
    """The snapshot's head, its entries, and the log."""
    folder = cache_dir()
    if folder is None:
        return None
    key = hashlib.sha256(ledger.encode()).hexdigest()[:32]
    return folder / f"{key}.books", folder / f"{key}.entries", folder / f"{key}.appended"


def _dump(path: Path, value: object) -> None:
    def write(target: Path) -> None:
        with open(target, "wb") as handle:
            if isinstance(value, bytes):
                handle.write(value)
            else:
                codec.dump(value, handle)

    with contextlib.suppress(OSError):
        write_atomically(path, write)


def _read(path: Path) -> object | None:
    try:
        with open(path, "rb") as handle:
            return codec.load(handle)
    except Exception:  # missing or damaged: no shortcut
        return None


def write_base(ledger: str, snapshot: Snapshot) -> None:
    """Keep the result of a full load as the new base (the log starts empty)."""
    paths = _paths(ledger)
    if paths is None:
        return
    snapshot.logged = 0
    entries, base_id = snapshot.entries, snapshot.base_id
    head = codec.dumps(snapshot)  # now: what reads the books may change the options they share

    def write() -> None:
        _dump(paths[1], (base_id, codec.encoded(entries)))
        _dump(paths[0], head)
        _dump(paths[2], (base_id, []))

    write_later(write)


def append(ledger: str, snapshot: Snapshot, record: Appended, log: list[Appended],
           ) -> tuple[Snapshot, list[Appended]]:
    """Log ``record`` (which made ``snapshot``) after ``log``, the log of the snapshot's base;
    a log grown past a fifth of the base makes a new base instead, when the entries are in
    memory already. Returns the snapshot and log as kept."""
    if snapshot.logged * NEW_BASE_SHARE > snapshot.index.count and snapshot.known is not None:
        snapshot = replace(snapshot, base_id=secrets.token_hex(8))
        write_base(ledger, snapshot)
        return snapshot, []
    paths = _paths(ledger)
    if paths is not None:
        kept = (snapshot.base_id, [*log, record])
        write_later(lambda: _dump(paths[2], kept))
    return snapshot, [*log, record]


def read(ledger: str) -> tuple[Snapshot, list[Appended]] | None:
    """The latest snapshot of the books at ``ledger`` and the log it was rebuilt from (its
    entries are read when first asked for)."""
    paths = _paths(ledger)
    if paths is None:
        return None
    write_deferred()
    base = _read(paths[0])
    if not isinstance(base, Snapshot) or base.environment != environment():
        return None
    base.make = functools.partial(_base_entries, paths[1], base.base_id)
    stored = _read(paths[2])
    log: list[Appended] = []
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == base.base_id:
        log = stored[1]
    for record in log:
        base = applied(base, record)
    return base, log


def _base_entries(path: Path, base_id: str) -> list:
    stored = _read(path)
    if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == base_id):
        raise SnapshotLost(path)
    return codec.decoded(stored[1])


class SnapshotLost(Exception):
    """A snapshot's entries went missing after its head was read (another process wrote a
    new base meanwhile): load in full."""


def entry_order(index: dict[str, int]):
    """The key of the loader's order: date, kind, line, then the file's place in the parse."""
    from beancount.core.data import SORT_ORDER

    def key(entry) -> tuple:
        meta = entry.meta
        return (entry.date, SORT_ORDER.get(type(entry), 0), meta["lineno"],
                index[meta["filename"]])

    return key


def merged(entries: list, added: list, index: dict[str, int]) -> list:
    """``entries`` with ``added`` (both in the loader's order) put in their places."""
    key = entry_order(index)
    if len(added) > BULK_MERGE:
        combined = [*entries, *added]
        combined.sort(key=key)
        return combined
    combined = list(entries)
    for entry in added:
        combined.insert(bisect.bisect_right(combined, key(entry), key=key), entry)
    return combined


def applied(snapshot: Snapshot, record: Appended) -> Snapshot:
    """The snapshot with a logged record's entries and state."""
    options = dict(snapshot.options)
    options["dcontext"] = record.dcontext
    if record.warnings is None:
        options.pop(WARNINGS_OPTION, None)
    else:
        options[WARNINGS_OPTION] = record.warnings
    order = record.sources.index()
    return with_entries(snapshot, record.entries, order, None, errors=record.errors,
                        options=options, sources=record.sources, catalogues=record.catalogues,
                        rule_state=record.rule_state)


def with_entries(snapshot: Snapshot, added: list, order: dict[str, int], index: Index | None,
                 **changes) -> Snapshot:
    """The snapshot with ``added`` (booked, in the books' order) among its entries, merged
    in when they are asked for (``index``: of the result, if known)."""
    return replace(snapshot, index=index or index_of(added, order, snapshot.index),
                   logged=snapshot.logged + len(added), known=None,
                   make=lambda: merged(snapshot.entries, added, order), **changes)
