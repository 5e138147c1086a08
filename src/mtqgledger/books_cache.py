"""The movement table of unchanged books, kept between runs.

Loading a province's whole history through Beancount takes seconds; the
movement table reports run on is small. A second report on unchanged books
reads the table back from here instead of parsing the ledger again. The cache
is keyed by the SHA-256 of every file the load read (includes and catalogue
files), what each ``include`` pattern in them matches (so a file newly matched
by a glob is noticed) and this package's version.
"""

from __future__ import annotations

import contextlib
import datetime
import glob
import hashlib
import os
import pickle
import re
from dataclasses import dataclass
from pathlib import Path

from mtqgledger import __version__
from mtqgledger.figures.movements import Movement
from mtqgledger.files import cache_dir, code_stamp, file_stamp, settled, write_atomically
from mtqgledger.model.catalogue_files import ENV_VAR
from mtqgledger.model.units import UnitRef

CACHE_FORMAT = 8  # raised whenever what is cached changes shape or meaning


@dataclass(frozen=True)
class Cached:
    """What the cache keeps of loaded books."""

    movements: list[Movement]
    messages: list[str]  # every error of the load, formatted
    catalogue_files: list[str]  # named on the books' budget-rule plugin line
    extensions: dict  # (plan year, year extended into) -> the decisions that extended it
    warnings: list[str]  # the budget rules the plugin line set to warn, formatted
    # When read from the cache: every file the table was made from, and what each include
    # pattern in them matched, as read now
    inputs: dict[str, dict[str, list[str]]] | None = None


_INCLUDE = re.compile(rb'^include\s+"([^"]*)"', re.MULTILINE)


# SHA-256 of files this process has read, by path, size, inode and times: a command checks
# the same books' files more than once (the snapshot, then the movement table). The change
# time is in the key because no program can set it (an edit that puts the modification time
# back still changes it). A file not yet settled (files.settled) is hashed every time.
_HASHED: dict[tuple, tuple[str, list[bytes]]] = {}
# Each file's stamp (files.file_stamp) as it was when this process last hashed it.
STAMPS: dict[str, tuple[int, int, int, int]] = {}


def hashed(path: str) -> tuple[str, list[bytes]] | None:
    """A file's SHA-256 and its include patterns; None if it cannot be read."""
    try:
        status = os.stat(path)
        key = (path, *file_stamp(status))
        STAMPS[path] = key[1:]
        if key in _HASHED:
            return _HASHED[key]
        with open(path, "rb") as handle:
            contents = handle.read()
    except OSError:
        return None
    found = (hashlib.sha256(contents).hexdigest(), include_patterns(contents))
    if settled(key[1:]):
        _HASHED[key] = found
    return found


def include_patterns(contents: bytes) -> list[bytes]:
    """The patterns of a Beancount file's ``include`` lines, in order."""
    # Most files (one per plan year) include nothing: skip the regex over them.
    return _INCLUDE.findall(contents) if b"include" in contents else []


def _file_state(path: str) -> tuple[str | None, dict[str, list[str]]]:
    """A file's SHA-256 and, for each include pattern in it, the files it matches now."""
    found = hashed(path)
    if found is None:
        return None, {}
    folder = os.path.dirname(path)
    matches = {}
    for pattern in found[1]:
        full = os.path.join(folder, pattern.decode("utf-8", "replace"))
        matches[full] = sorted(glob.glob(full))
    return found[0], matches


def fingerprint(files: list[str]) -> dict:
    """What the cache is keyed by: this package, the environment, and each of ``files``
    (SHA-256 and what each include pattern in it matches), as they are now."""
    return {
        "format": CACHE_FORMAT,
        "version": __version__,
        "code": code_stamp(),
        "env": os.environ.get(ENV_VAR, ""),
        "files": {name: _file_state(name) for name in files},
    }


def _cache_file(ledger: Path) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    key = hashlib.sha256(str(ledger.resolve()).encode()).hexdigest()[:32]
    return folder / f"{key}.pickle"


def read_cache(ledger: Path) -> Cached | None:
    """The cached table of ``ledger`` if none of the files it was made from changed (one
    whose write was put off, files.write_later, is not read: it is made again)."""
    cache = _cache_file(ledger)
    if cache is None or not cache.exists():
        return None
    try:
        with open(cache, "rb") as handle:
            stored = pickle.load(handle)
        if stored["fingerprint"] != fingerprint(list(stored["fingerprint"]["files"])):
            return None
        lines, units = stored["lines"], [UnitRef(*unit) for unit in stored["units"]]
        table = [Movement(lines[number], datetime.date.fromordinal(day), plan, paid, advanced,
                          units[unit])
                 for number, day, plan, paid, advanced, unit in stored["rows"]]
        return Cached(table, stored["messages"], stored["catalogue_files"],
                      stored["extensions"], stored["warnings"],
                      {name: state[1] for name, state in stored["fingerprint"]["files"].items()})
    except Exception:  # a stale or damaged cache is only a missed shortcut
        return None


def write_cache(ledger: Path, key: dict, cached: Cached) -> None:
    """Keep ``cached`` for ``ledger`` under ``key`` (:func:`fingerprint` of the files it was
    made from); a folder it cannot write costs speed."""
    cache = _cache_file(ledger)
    if cache is None:
        return
    # The distinct lines once, then plain rows: several times faster to pickle
    # and unpickle than the Movement tuples themselves.
    numbers: dict = {}
    units: dict = {}
    rows = [(numbers.setdefault(move.line, len(numbers)), move.date.toordinal(),
             move.plan, move.payments, move.advances, units.setdefault(move.unit, len(units)))
            for move in cached.movements]
    stored = {"fingerprint": key, "lines": list(numbers), "rows": rows,
              "units": [tuple(unit) for unit in units],
              "messages": cached.messages, "catalogue_files": cached.catalogue_files,
              "extensions": cached.extensions, "warnings": cached.warnings}

    def dump(path: Path) -> None:
        with open(path, "wb") as handle:
            pickle.dump(stored, handle, protocol=pickle.HIGHEST_PROTOCOL)

    with contextlib.suppress(OSError):
        write_atomically(cache, dump)
