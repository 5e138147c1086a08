"""A report asked again of unchanged books is answered with the text it printed before.

Starting Python and importing Beancount alone take longer than a warm report's
work, so ``mtqg report disbursement`` printing to the terminal keeps what it
printed in the cache folder, under a key of everything the text depends on: the
command's arguments and folder, the day (the default as-of date follows the
books and today), the environment the commands read, this package's files and
the installed libraries. The books' files (every file the load read, the
catalogue files, what each include pattern matched) are recorded by size,
inode, modification and change time, the way git's index records them: an
edit changes the change time, which no program can set back. A file changed in
the seconds before the report ran may change again within the clock's
resolution, so no answer is kept for it. This module imports nothing of the
library: a repeated report costs a Python start and a few stat calls.
"""

from __future__ import annotations

import datetime
import glob
import hashlib
import os
import pickle
import sys
from pathlib import Path

from mtqgledger.files import cache_dir, code_stamp, file_stamp, settled, write_atomically

ANSWERED = (("report", "disbursement"),)  # commands whose printed text is kept
_WRITES_A_FILE = ("-o", "--output", "--no-cache", "--help", "-h")
_ENVIRONMENT = ("MTQG_CATALOGUE", "MTQG_CACHE", "MTQG_CACHE_DIR", "COLUMNS", "LANG", "LC_ALL")
_FORMAT = 1

_arguments: list[str] | None = None  # the installed command's, once run() has them


def remember_arguments(arguments: list[str]) -> None:
    """The arguments of the command this process runs (``mtqg``, not a test's CliRunner)."""
    global _arguments
    _arguments = list(arguments)


def _stamp(path: str) -> tuple | None:
    try:
        return file_stamp(os.stat(path))
    except OSError:
        return None


def _key(arguments: list[str]) -> str | None:
    """The key of a command whose text is kept; None for any other."""
    if tuple(arguments[:2]) not in ANSWERED or any(
            argument.split("=")[0] in _WRITES_A_FILE for argument in arguments) or \
            "xlsx" in arguments:
        return None
    what = (_FORMAT, arguments, os.getcwd(), datetime.date.today().isoformat(),
            [os.environ.get(name) for name in _ENVIRONMENT], sys.version, sys.stdout.isatty(),
            code_stamp())
    return hashlib.sha256(repr(what).encode()).hexdigest()[:40]


def _path(key: str) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / "answers" / f"{key}.pickle"


def replay(arguments: list[str]) -> bool:
    """Print the kept text of this command if its books are unchanged; whether it did."""
    key = _key(arguments)
    path = _path(key) if key else None
    if path is None:
        return False
    try:
        with open(path, "rb") as handle:
            kept = pickle.load(handle)
        files, patterns, text = kept["files"], kept["patterns"], kept["text"]
    except Exception:  # none kept, or damaged: answer the usual way
        return False
    if any(_stamp(name) != stamp for name, stamp in files.items()) or any(
            sorted(glob.glob(pattern)) != matched for pattern, matched in patterns.items()):
        return False
    sys.stdout.write(text)
    sys.stdout.flush()
    return True


def keep(text: str, stamps: dict[str, tuple | None], patterns: dict[str, list[str]]) -> None:
    """Keep the text the command printed from files with these stamps (as they were when
    read; each include pattern in them matching ``patterns``), if this is the installed
    command and no file is racily new."""
    key = _key(_arguments) if _arguments is not None else None
    path = _path(key) if key else None
    if path is None:
        return
    if any(stamp is None or not settled(stamp) for stamp in stamps.values()):
        return
    kept = {"files": stamps, "patterns": patterns, "text": text}

    def write(target: Path) -> None:
        with open(target, "wb") as handle:
            pickle.dump(kept, handle, protocol=pickle.HIGHEST_PROTOCOL)

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, write)
    except OSError:
        pass
