"""Writing files so that no reader ever sees half of one: the one atomic-write helper; and
the folder derived files are kept in (:func:`cache_dir`), and the writes of those put off
until a command has answered (:func:`defer_writes`).

Each file is written under a temporary name beside its target, then renamed
over it. File modes follow one rule: a file that exists keeps its own mode; a
new file gets what the umask allows (``0666 & ~umask``), as ``open()`` would
give it. ``mtqg import`` stages several files and renames them only once all
of them are written and the books checked; reports, workbooks and the cache
write one.
"""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path


def cache_dir() -> Path | None:
    """Where derived files are kept (the movement table, snapshots, answers of commands);
    None when caching is switched off (MTQG_CACHE=0)."""
    if os.environ.get("MTQG_CACHE", "1") == "0":
        return None
    base = os.environ.get("MTQG_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "mtqgledger")
    return Path(base)


def file_stamp(status: os.stat_result) -> tuple[int, int, int, int]:
    """A file's identity as git's index records it: size, inode, modification and change
    time. An edit changes the change time, which no program can set back."""
    return status.st_size, status.st_ino, status.st_mtime_ns, status.st_ctime_ns


@functools.cache
def code_stamp() -> str:
    """A digest of this package's files' sizes and modification times, and of the installed
    libraries' folder: what a derived file kept in the cache also depends on (an edited
    catalogue or rule in a checkout changes it without a new version number). Worked out
    once per process."""
    import hashlib
    import sysconfig

    package = Path(__file__).resolve().parent
    names = sorted(str(path) for pattern in ("**/*.py", "**/*.toml")
                   for path in package.glob(pattern))
    names.append(sysconfig.get_paths()["purelib"])
    digest = hashlib.sha256()
    for name in names:
        with contextlib.suppress(OSError):
            status = os.stat(name)
            digest.update(f"{name}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()


# A file changed this recently may change again within the clock's resolution keeping its
# size and times: its stamp does not yet tell its contents (git's "racily clean" files).
RACY_NS = 3_000_000_000


def settled(stamp: tuple[int, int, int, int]) -> bool:
    """Whether a file with this :func:`file_stamp` changed long enough ago that the stamp
    identifies its contents."""
    return max(stamp[2], stamp[3]) < time.time_ns() - RACY_NS


def _mode_for(target: Path) -> int:
    if target.exists():
        return target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _temporary(target: Path) -> str:
    """An empty file beside ``target``, with the mode ``target`` will have."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                             suffix=target.suffix)
    os.close(descriptor)
    os.chmod(temporary, _mode_for(target))  # mkstemp makes 0600 files
    return temporary


class StagedFiles:
    """Files written beside their targets under temporary names, renamed only on commit."""

    def __init__(self, targets: Sequence[Path]):
        self.files: list[tuple[str, Path]] = []
        try:
            for target in targets:
                self.files.append((_temporary(target), target))
        except BaseException:
            self.discard()
            raise

    def write(self, texts: dict[Path, str]) -> None:
        for temporary, target in self.files:
            with open(temporary, "w", encoding="utf-8") as handle:
                handle.write(texts[target])

    def commit(self) -> None:
        """Rename every file over its target, in the order the targets were given."""
        for temporary, target in self.files:
            os.replace(temporary, target)
        self.files = []

    def discard(self) -> None:
        for temporary, _ in self.files:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        self.files = []


def write_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Call ``write`` with a temporary path beside ``target``, then rename it over ``target``.

    If ``write`` fails, ``target`` is left as it was.
    """
    staged = StagedFiles([target])
    try:
        write(Path(staged.files[0][0]))
        staged.commit()
    finally:
        staged.discard()


# Writes of derived files put off until the command has answered (defer_writes), in the
# order asked: the books' snapshot, their movement table.
_DEFERRED: list[Callable[[], None]] | None = None


def defer_writes(defer: bool = True) -> None:
    """Put off the writes :func:`write_later` is given until :func:`write_deferred` (a
    command that answers and leaves: its reader need not wait for the books to be kept);
    ``False``: write what is pending and write at once from now on. Reading what is kept
    writes what is pending first."""
    global _DEFERRED
    if not defer:
        write_deferred()
        _DEFERRED = None
    elif _DEFERRED is None:
        _DEFERRED = []


def has_deferred() -> bool:
    return bool(_DEFERRED)


def write_deferred() -> bool:
    """Write what :func:`defer_writes` put off; whether there was anything."""
    global _DEFERRED
    pending, _DEFERRED = _DEFERRED or [], ([] if _DEFERRED is not None else None)
    for write in pending:
        write()
    return bool(pending)


def write_later(write: Callable[[], None]) -> None:
    """``write()`` now, or once the command has answered when writes are put off."""
    if _DEFERRED is None:
        write()
    else:
        _DEFERRED.append(write)
