"""Load books and their derived movement table, cached by the contents of every input file.

Loading a province's whole history through Beancount takes seconds; the
movement table reports run on is small. A second report on unchanged books
reads the table back from the cache instead of parsing the ledger again. The
cache is keyed by the SHA-256 of every file the load read (includes and extra
catalogue files), what each ``include`` pattern in them matches (so a file newly
matched by a glob is noticed) and this package's version.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import glob
import hashlib
import os
import pickle
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from beancount import loader
from beancount.parser import printer

from mtqgledger import __version__
from mtqgledger.figures.disbursement import Movement, ReportError, movements
from mtqgledger.plugins.budget_rules import catalogue_files

CACHE_FORMAT = 3


@dataclass
class LoadedBooks:
    """What reports need from a ledger: the movement table and the load's errors."""

    path: Path
    movements: list[Movement]
    errors: list[str]
    from_cache: bool = False


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a whole ledger is in memory.

    Loading builds millions of objects that all live until the work is done;
    the collector would walk them again and again (a third of the time of
    movements() at 300k transactions) without freeing any.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def cache_dir() -> Path | None:
    """Where derived tables are kept; None when caching is switched off (MTQG_CACHE=0)."""
    if os.environ.get("MTQG_CACHE", "1") == "0":
        return None
    base = os.environ.get("MTQG_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "mtqgledger")
    return Path(base)


_INCLUDE = re.compile(rb'^include\s+"([^"]*)"', re.MULTILINE)


def _file_state(path: str) -> tuple[str | None, dict[str, list[str]]]:
    """A file's SHA-256 and, for each include pattern in it, the files it matches now."""
    try:
        with open(path, "rb") as handle:
            contents = handle.read()
    except OSError:
        return None, {}
    folder = os.path.dirname(path)
    matches = {}
    # Most files (one per plan year) include nothing: skip the regex over them.
    for pattern in _INCLUDE.findall(contents) if b"include" in contents else ():
        full = os.path.join(folder, pattern.decode("utf-8", "replace"))
        matches[full] = sorted(glob.glob(full))
    return hashlib.sha256(contents).hexdigest(), matches


def _fingerprint(files: list[str]) -> dict:
    return {
        "format": CACHE_FORMAT,
        "version": __version__,
        "env": os.environ.get("MTQG_CATALOGUE", ""),
        "files": {name: _file_state(name) for name in files},
    }


def _cache_file(ledger: Path) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    key = hashlib.sha256(str(ledger.resolve()).encode()).hexdigest()[:32]
    return folder / f"{key}.pickle"


def _read_cache(ledger: Path) -> LoadedBooks | None:
    cache = _cache_file(ledger)
    if cache is None or not cache.exists():
        return None
    try:
        with open(cache, "rb") as handle:
            stored = pickle.load(handle)
        if stored["fingerprint"] != _fingerprint(list(stored["fingerprint"]["files"])):
            return None
        lines = stored["lines"]
        table = [Movement(lines[number], datetime.date.fromordinal(day), plan, paid, advanced)
                 for number, day, plan, paid, advanced in stored["rows"]]
        return LoadedBooks(ledger, table, stored["errors"], from_cache=True)
    except Exception:  # a stale or damaged cache is only a missed shortcut
        return None


def _write_cache(ledger: Path, files: list[str], books: LoadedBooks) -> None:
    cache = _cache_file(ledger)
    if cache is None:
        return
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        # The distinct lines once, then plain rows: several times faster to pickle
        # and unpickle than the Movement tuples themselves.
        numbers: dict = {}
        rows = [(numbers.setdefault(move.line, len(numbers)), move.date.toordinal(),
                 move.plan, move.payments, move.advances) for move in books.movements]
        stored = {"fingerprint": _fingerprint(files), "lines": list(numbers), "rows": rows,
                  "errors": books.errors}
        with tempfile.NamedTemporaryFile("wb", dir=cache.parent, delete=False) as handle:
            pickle.dump(stored, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, cache)
    except OSError:
        pass  # an unwritable cache folder only costs speed


def _input_files(ledger: Path, options_map: dict) -> list[str]:
    """Every file whose contents the load depended on."""
    files = [str(Path(name).resolve()) for name in options_map.get("include", [])]
    if not files:
        files = [str(ledger.resolve())]
    base_dir = os.path.dirname(options_map.get("filename") or str(ledger))
    files.extend(catalogue_files(options_map, base_dir))
    files.extend(filter(None, os.environ.get("MTQG_CATALOGUE", "").split(os.pathsep)))
    return files


def load_books(path: str | Path, *, use_cache: bool = True) -> LoadedBooks:
    """Load a ledger's movement table and errors, from the cache when nothing changed."""
    ledger = Path(path)
    if not ledger.is_file():
        raise FileNotFoundError(f"{ledger}: không tìm thấy sổ (ledger file not found)")
    if use_cache and (cached := _read_cache(ledger)) is not None:
        return cached
    with paused_gc():
        entries, errors, options_map = loader.load_file(str(ledger))
        messages = [printer.format_error(e) for e in errors]
        try:
            table = movements(entries)
        except ReportError as problem:
            table, messages = [], [*messages, str(problem)]
        del entries
    books = LoadedBooks(ledger, table, messages)
    if use_cache:
        _write_cache(ledger, _input_files(ledger, options_map), books)
    return books
