"""``mtqg serve``: Fava on the books, with the disbursement page, read-only by default.

Fava has no log-in of its own: anyone who reaches the port can read the books,
and in editable mode change them. Serve on 127.0.0.1, or behind a reverse proxy
that authenticates.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from beancount.core import data
from flask import Flask

import mtqgledger
from mtqgledger import files
from mtqgledger.model.text import bilingual
from mtqgledger.snapshot import State, latest_states, load_books, paused_gc, reuse_loads
from mtqgledger.web.fava_state import keep_fava_indexes

EXTENSION = "DisbursementPage"
EXTENSION_MODULE = "mtqgledger.fava_ext"


class ServeError(RuntimeError):
    """The books cannot be served (missing file, no extension, port in use)."""


def sample_ledger() -> Path:
    """The sample books of this package's repository checkout."""
    repository = Path(mtqgledger.__file__).resolve().parents[2]
    ledger = repository / "ledgers" / "main.beancount"
    if not ledger.is_file():
        raise ServeError(bilingual(f"{ledger}: không có sổ mẫu; ghi rõ sổ: mtqg serve SỔ",
                                   "no sample books: mtqgledger is not run from its repository "
                                   "checkout; name the ledger: mtqg serve LEDGER"))
    return ledger


def load_for_fava(path: str, *, is_encrypted: bool) -> tuple[list, list, dict]:
    """Fava's loader, through the books' snapshot: unchanged books are read back and
    appended text is loaded on its own, with exactly a full load's result (snapshot/)."""
    if is_encrypted:
        return _FAVA_LOADER[0](path, is_encrypted=True)
    loaded = load_books(path)
    return loaded.entries, loaded.errors, loaded.options


_FAVA_LOADER: list = []


def use_snapshots() -> None:
    """Make Fava load books through :func:`load_for_fava` in this process (``mtqg serve``;
    plain ``fava`` keeps its own loader). Fava has no hook for its loader: its ledger
    module's name for it is replaced, and its ledger's load wrapped."""
    import fava.core

    files.defer_writes(False)  # a server does not leave: each load keeps its snapshot at once
    reuse_loads()  # and reloads from the books it holds
    if _FAVA_LOADER:
        return
    _FAVA_LOADER.append(fava.core.load_uncached)
    fava.core.load_uncached = load_for_fava
    fava.core.FavaLedger.load_file = _without_collections(fava.core.FavaLedger.load_file)
    keep_fava_indexes()


def _without_collections(load_file: Callable) -> Callable:
    """Fava's load with the cyclic garbage collector paused (Fava then builds its trees and
    indexes over every entry: the collector would walk the books again and again without
    freeing anything), and the loaded books frozen out of later collections."""
    @functools.wraps(load_file)
    def load(ledger) -> None:
        with paused_gc():
            load_file(ledger)
        gc.freeze()

    return load


def _served_here(state: State) -> bool:
    """Whether the books name this package's Fava extension (what `mtqg serve` serves)."""
    return any(type(entry) is data.Custom and entry.type == "fava-extension" and entry.values
               and entry.values[0].value == EXTENSION_MODULE
               for entry in state.snapshot.index.structure)


def keep_for_serving() -> None:
    """Fava's load of each of the books this process kept a snapshot of, and served here: what
    `mtqg serve` would work out first on them (Fava's indexes, the movement table and its
    chart) is then kept beside the snapshot (fava_state.py, books_cache). For the child a
    command leaves after answering (cli.commands.run_and_leave): a server started on the
    books later reads what it would otherwise make before its first page."""
    from fava.core import FavaLedger

    served = [path for path, state in latest_states().items() if _served_here(state)]
    if served:
        use_snapshots()
    for path in served:
        FavaLedger(path, poll_watcher=True)


def make_app(ledger: Path, *, read_only: bool = True) -> Flask:
    """Fava's application on one ledger, loaded now so that the first page is quick."""
    from fava.application import create_app

    use_snapshots()
    return create_app([str(ledger.resolve())], load=True, read_only=read_only)


def page_path(app: Flask) -> str | None:
    """The path of the disbursement page, or None if the books do not enable the extension."""
    ledgers = app.config["LEDGERS"]
    slug = ledgers.first_slug()
    if ledgers[slug].extensions.get_extension(EXTENSION) is None:
        return None
    return f"/{quote(slug)}/extension/{EXTENSION}/"


def serve(app: Flask, host: str, port: int, ready: Callable[[], None] = lambda: None) -> None:
    """Serve until interrupted, with the threaded server Fava's own command uses.

    ``ready`` runs once the port is bound, before the first request is answered.
    """
    from cheroot.wsgi import Server

    server = Server((host, port), app)
    try:
        server.prepare()
    except OSError as error:
        raise ServeError(bilingual(f"không mở được cổng {host}:{port}", str(error))) from error
    ready()
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
