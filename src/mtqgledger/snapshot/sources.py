"""The files a load of the books reads, in the order Beancount's loader reads them.

A snapshot is only as good as its record of its inputs. For each Beancount
file this keeps its size, SHA-256, number of lines and whether it ends with a
newline (so that text appended later can be recognised as appended); for each
``include`` pattern, the files it matched, in the order ``glob`` gave them; and
the parse order itself, which decides the order of entries that share a date,
a kind and a line number in different files. The order is worked out the way
``beancount.loader._parse_recursive`` works it out (main file first, then each
file's includes in turn); :func:`parse_order` checks it against the set of files
the loader reports having read, and a mismatch means no fast path.
"""

from __future__ import annotations

import glob
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass

from mtqgledger.books_cache import hashed, include_patterns

Overlay = Mapping[str, bytes]  # path -> contents to use instead of the file on disk


@dataclass(frozen=True)
class FileState:
    """What a snapshot remembers of one file."""

    size: int
    sha256: str
    lines: int  # newlines in the file: the appended text starts on line lines + 1
    ends_with_newline: bool
    # pushtag / pushmeta carry state over a file's end into appended text, and a file's
    # options apply to its later text (account root names, display precision)
    carries_state: bool


def read_bytes(path: str, overlay: Overlay | None = None) -> bytes | None:
    """The file's contents (the overlay's when it has them); None if it cannot be read."""
    if overlay is not None and path in overlay:
        return overlay[path]
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _carries_state(text: bytes) -> bool:
    # Byte searches, not a regular expression: the files are tens of megabytes.
    return b"pushtag" in text or b"pushmeta" in text or text.startswith(b"option") or \
        b"\noption" in text


def state_of(contents: bytes) -> FileState:
    return FileState(len(contents), hashlib.sha256(contents).hexdigest(), contents.count(b"\n"),
                     contents.endswith(b"\n") or not contents, _carries_state(contents))


def growth(name: str, before: FileState, overlay: Overlay | None = None,
           ) -> tuple[bytes, FileState] | None:
    """The text appended to a file since ``before`` (empty if unchanged) and its state now;
    None if it was changed otherwise or cannot be read."""
    if overlay is None or name not in overlay:
        try:
            unchanged = os.stat(name).st_size == before.size
        except OSError:
            return None
        if unchanged:  # hashed once per process (books_cache.hashed)
            found = hashed(name)
            return (b"", before) if found is not None and found[0] == before.sha256 else None
    contents = read_bytes(name, overlay)
    if contents is None or len(contents) < before.size:
        return None
    return _grown(before, contents)


def _grown(before: FileState, contents: bytes) -> tuple[bytes, FileState] | None:
    hasher = hashlib.sha256(memoryview(contents)[:before.size])
    if hasher.hexdigest() != before.sha256:
        return None
    text = contents[before.size:]
    if not text:
        return b"", before
    if not before.ends_with_newline or before.carries_state:
        return None
    hasher.update(text)
    return text, FileState(len(contents), hasher.hexdigest(), before.lines + text.count(b"\n"),
                           contents.endswith(b"\n"), _carries_state(text))


@dataclass(frozen=True)
class Sources:
    """The Beancount files of one load, in parse order, and what each include matched."""

    files: dict[str, FileState]  # in the loader's parse order
    globs: dict[tuple[str, str], list[str]]  # (including file, pattern) -> files matched
    order_known: bool  # the order agrees with the files the loader read

    def index(self) -> dict[str, int]:
        return {name: number for number, name in enumerate(self.files)}


def _includes(path: str, contents: bytes) -> list[tuple[str, list[str]]]:
    """Each include pattern of a file, with the files it matches now (as the loader globs)."""
    folder = os.path.dirname(path)
    found = []
    for raw in include_patterns(contents):
        pattern = raw.decode("utf-8", "replace")
        search = pattern if os.path.isabs(pattern) else os.path.join(folder, pattern)
        found.append((pattern, glob.glob(search, recursive=True)))
    return found


def parse_order(main: str, loaded: list[str], overlay: Overlay | None = None) -> Sources:
    """The files of the books at ``main`` in the loader's order; ``loaded`` is the sorted list
    Beancount put in ``options["include"]``."""
    files: dict[str, FileState] = {}
    globs: dict[tuple[str, str], list[str]] = {}
    queue = [os.path.normpath(main)]
    while queue:
        name = queue.pop(0)
        if name in files:
            continue  # the loader reports a duplicate: an error, so never a fast path
        contents = read_bytes(name, overlay)
        if contents is None:
            continue
        files[name] = state_of(contents)
        for pattern, matched in _includes(name, contents):
            globs[(name, pattern)] = matched
            queue.extend(os.path.normpath(os.path.join(os.path.dirname(name), match))
                         for match in matched)
    return Sources(files, globs, sorted(files) == sorted(loaded))


def globs_unchanged(sources: Sources) -> bool:
    """Every include pattern still matches the same files, in the same order."""
    for (name, pattern), matched in sources.globs.items():
        search = pattern if os.path.isabs(pattern) else os.path.join(os.path.dirname(name),
                                                                     pattern)
        if glob.glob(search, recursive=True) != matched:
            return False
    return True


def catalogue_states(names: list[str], overlay: Overlay | None = None,
                     ) -> dict[str, str | None]:
    """The SHA-256 of each catalogue file (None for one that cannot be read)."""
    states = {}
    for name in names:
        contents = read_bytes(name, overlay)
        states[name] = None if contents is None else hashlib.sha256(contents).hexdigest()
    return states
