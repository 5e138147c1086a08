"""Fava's own indexes of books loaded from a snapshot, kept beside it (``mtqg serve``).

After every load Fava ranks every posting's account, currency and payee for its
forms (AttributesModule) and groups every entry by account (AccountDict): some
2.5 s at 100,000 transactions, each time the server starts on unchanged books.
Both are functions of the entries alone (and Fava's options), and books read back
from the same snapshot state are the same entries: their results are kept under
that state's identity (the snapshot's base and the length of its log) and set
again instead of worked out. Books that changed, or were not loaded through a
snapshot, are indexed by Fava as always, and the result kept for the next start.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import pickle
from collections.abc import Callable
from pathlib import Path

from mtqgledger.files import cache_dir, write_atomically
from mtqgledger.snapshot import state_of
from mtqgledger.web.fava_attributes import load_attributes, mirrors_this_fava

FORMAT = 1  # raised whenever what is kept changes
# What AttributesModule.load_file sets (fava <1.31); AccountDict keeps its items.
ATTRIBUTES = ("accounts", "currencies", "payees", "links", "tags", "years")


def _identity(ledger: object, part: str) -> tuple[Path, tuple] | None:
    """Where ``part`` of a Fava ledger's indexes is kept, and what it must have been made
    of; None when the entries are not a snapshot state's."""
    import fava

    path = ledger.beancount_file_path
    state = state_of(path, ledger.all_entries)
    folder = cache_dir()
    if state is None or folder is None:
        return None
    key = hashlib.sha256(str(path).encode()).hexdigest()[:32]
    made_of = (FORMAT, fava.__version__, state.snapshot.base_id, len(state.log),
               str(ledger.fava_options.fiscal_year_end))
    return folder / f"{key}.fava-{part}", made_of


def _read(found: tuple[Path, tuple] | None) -> object | None:
    if found is None:
        return None
    path, made_of = found
    try:
        with open(path, "rb") as handle:
            kept_of, value = pickle.load(handle)
    except Exception:  # missing or damaged: Fava works it out
        return None
    return value if kept_of == made_of else None


def _keep(found: tuple[Path, tuple] | None, value: object) -> None:
    if found is None:
        return
    path, made_of = found

    def write(target: Path) -> None:
        with open(target, "wb") as handle:
            pickle.dump((made_of, value), handle, protocol=pickle.HIGHEST_PROTOCOL)

    with contextlib.suppress(OSError, pickle.PicklingError):
        write_atomically(path, write)


def _kept(part: str, taken: Callable, restored: Callable) -> Callable[[Callable], Callable]:
    """A Fava module's ``load_file`` that restores ``part`` (``restored(module, kept)``) when it
    was kept for the books' snapshot state, else works it out and keeps ``taken(module)``."""
    def wrap(load_file: Callable) -> Callable:
        @functools.wraps(load_file)
        def load(module) -> None:
            found = _identity(module.ledger, part)
            kept = _read(found)
            if isinstance(kept, dict):
                restored(module, kept)
                return
            load_file(module)
            _keep(found, taken(module))

        return load

    return wrap


def _set_accounts(accounts: dict, kept: dict) -> None:
    accounts.clear()
    accounts.update(kept)


_kept_attributes = _kept("attributes",
                         lambda module: {name: getattr(module, name) for name in ATTRIBUTES},
                         lambda module, kept: module.__dict__.update(kept))
_kept_accounts = _kept("accounts", dict, _set_accounts)


def keep_fava_indexes() -> None:
    """Make Fava's attributes and accounts of books read back from a snapshot state come
    from what was kept for that state, and its attributes of other books be worked out
    faster (fava_attributes.py), once per process."""
    from fava.core.accounts import AccountDict
    from fava.core.attributes import AttributesModule

    if getattr(AttributesModule.load_file, "__wrapped__", None) is None:
        work_out = load_attributes if mirrors_this_fava() else AttributesModule.load_file
        AttributesModule.load_file = _kept_attributes(work_out)
    if getattr(AccountDict.load_file, "__wrapped__", None) is None:
        AccountDict.load_file = _kept_accounts(AccountDict.load_file)
