"""Loading books at the cost of what changed: a snapshot of the last load, and what was
appended since.

:func:`load_books` gives exactly what Beancount's loader gives (entries, errors,
options): from the snapshot when no file changed, from the snapshot and the
appended text when files only grew (delta.py), else by a full load, which then
becomes the new snapshot. ``full=True`` always loads in full (``mtqg check
--full``). tests/test_snapshot_equivalence.py compares the three ways over random
sequences of changes.
"""

from __future__ import annotations

import contextlib
import gc
import os
import time
from collections.abc import Iterator
from typing import NamedTuple

from beancount import loader
from beancount.utils import encryption

from mtqgledger.files import cache_dir
from mtqgledger.model.catalogue_files import env_files
from mtqgledger.plugins import rule_state
from mtqgledger.plugins.budget_rules import catalogue_files
from mtqgledger.snapshot import store
from mtqgledger.snapshot.delta import extend, loader_name, plain_books
from mtqgledger.snapshot.sources import Overlay, catalogue_states, parse_order
from mtqgledger.snapshot.store import Appended, Snapshot
from mtqgledger.snapshot.validations import beancount_validating_quickly

FULL, SNAPSHOT, DELTA = "full", "snapshot", "delta"


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a whole ledger is in memory.

    Loading builds millions of objects that all live until the work is done;
    the collector would walk them again and again (a third of the time of
    movements() at 300k transactions, three quarters of reading a snapshot back)
    without freeing any.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


class State(NamedTuple):
    """Loaded books as the snapshot store holds them: the snapshot and its base's log."""

    snapshot: Snapshot
    log: list[Appended]


class Loaded(NamedTuple):
    """Loaded books and how: FULL (Beancount's loader ran), SNAPSHOT (unchanged books read
    back), DELTA (the snapshot and the appended text); ``state`` lets :func:`extend_with`
    start from them (None when they could not be kept). ``entries`` is None when they were
    not asked for (``state.snapshot.entries`` reads them)."""

    entries: list | None
    errors: list
    options: dict
    how: str
    state: State | None = None


def named_catalogues(main: str, options: dict) -> list[str]:
    """Every catalogue file the budget rules of these books read."""
    return [*catalogue_files(options, os.path.dirname(main)), *env_files()]


def full_load(main: str) -> tuple[list, list, dict]:
    """Beancount's own load, without its pickle cache (the same call as Fava's loader), its
    balance check made cheap (validations.py: the same errors)."""
    with beancount_validating_quickly():
        return loader._load([(main, True)], None, None, None)


def _modified_since(name: str, moment: float) -> bool:
    try:
        return os.stat(name).st_mtime >= moment - 0.01  # the kernel's clock is coarse
    except OSError:
        return False


def load_in_full(main: str) -> tuple[tuple[list, list, dict], Snapshot | None]:
    """A full load of the books at ``main``, and its snapshot (None if a file changed while
    it loaded: what was read is then not known)."""
    started = time.time()
    before = parse_order(main, [])
    rule_state.last_run([])  # forget any earlier run's state
    entries, errors, options = full_load(main)
    named = named_catalogues(main, options)
    catalogues = catalogue_states(named)
    after = parse_order(main, options.get("include", []))
    if (after.files, after.globs) != (before.files, before.globs) or not after.order_known \
            or any(_modified_since(name, started) for name in named):
        return (entries, errors, options), None  # what was read, or in what order, unknown
    return (entries, errors, options), Snapshot(
        errors, options, after, catalogues, store.environment(), plain_books(entries, options),
        rule_state.last_run(entries), store.index_of(entries, after.index()), known=entries)


def _loaded(snapshot: Snapshot, log: list[Appended], how: str, entries: bool) -> Loaded:
    # The loader's hash of the files' times and sizes: the same as a full load now would give.
    options = dict(snapshot.options)
    options["input_hash"] = loader.compute_input_hash(options.get("include", []))
    return Loaded(snapshot.entries if entries else None, snapshot.errors, options, how,
                  State(snapshot, log))


# The state of each book's latest load in this process (for Fava's extension, which is
# handed the entries alone: state_of finds their state again).
_LATEST: dict[str, State] = {}


def load_books(path: str | os.PathLike, *, full: bool = False, entries: bool = True) -> Loaded:
    """The books whose main file is ``path``, as Beancount's loader would load them now
    (``entries=False``: their entries only when asked for, from the state)."""
    with paused_gc():
        try:
            loaded = _load_books(path, full, entries)
        except store.SnapshotLost:
            loaded = _load_books(path, True, entries)
    if loaded.state is not None:
        _LATEST[loader_name(path)] = loaded.state
    return loaded


def latest_states() -> dict[str, State]:
    """The state of the latest load of each of the books loaded in this process, by main
    file."""
    return dict(_LATEST)


def state_of(path: str | os.PathLike, entries: list) -> State | None:
    """The state of the latest load of the books at ``path`` in this process, if ``entries``
    are that load's."""
    state = _LATEST.get(loader_name(path))
    return state if state is not None and state.snapshot.known is entries else None


# Whether a load starts from the latest load's state in this process (reuse_loads).
_REUSE: list[bool] = [False]


def reuse_loads() -> None:
    """Let each load of books start from this process's latest load of them when its entries
    are in memory (``mtqg serve``, which reloads the books after every change)."""
    _REUSE[0] = True


def _in_memory(main: str) -> tuple[Snapshot, list] | None:
    """The latest load's state in this process, its entries in memory: as good a start as
    the snapshot on disk (each is a full load's result for the files it records; what grew
    since is loaded on top), without reading the entries again."""
    state = _LATEST.get(main)
    if not _REUSE[0] or state is None or state.snapshot.known is None or cache_dir() is None:
        return None
    return state.snapshot, state.log


def _load_books(path: str | os.PathLike, full: bool, entries: bool) -> Loaded:
    main = loader_name(path)
    if encryption.is_encrypted_file(main):
        return Loaded(*loader.load_file(main), FULL)
    if not full:
        found = _in_memory(main) or store.read(main)
        if found is not None:
            snapshot, log = found
            extended = extend(snapshot, named_catalogues(main, snapshot.options))
            if extended is not None:
                current, record = extended
                if record is None:
                    return _loaded(current, log, SNAPSHOT, entries)
                if entries:
                    current.entries  # noqa: B018 - read before logging: a new base may need them
                return _loaded(*store.append(main, current, record, log), DELTA, entries)
    loaded, snapshot = load_in_full(main)
    if snapshot is None:
        return Loaded(*loaded, FULL)
    store.write_base(main, snapshot)
    return Loaded(*loaded, FULL, State(snapshot, []))


def extend_with(path: str | os.PathLike, state: State | None, overlay: Overlay,
                ) -> tuple[Loaded, object] | None:
    """The books loaded as ``state`` as they would be if their files had the ``overlay``'s
    contents (``mtqg import`` checks its result so, before writing); None when only a full
    load can tell. The second value is what :func:`keep` logs once the overlay is written."""
    if state is None:
        return None
    main = loader_name(path)
    snapshot, log = state
    extended = extend(snapshot, named_catalogues(main, snapshot.options), overlay)
    if extended is None:
        return None
    current, record = extended
    return Loaded(None, current.errors, current.options, DELTA), (current, record, log)


def keep(path: str | os.PathLike, pending: object) -> None:
    """Log the state :func:`extend_with` worked out, once its files are on disk."""
    current, record, log = pending
    if record is not None:
        store.append(loader_name(path), current, record, log)
