"""A command that answers and leaves keeps the books' snapshot after answering
(files.defer_writes): in a child process once it has printed, in order, and never so
that a later load reads half of it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from booktext import pay

from mtqgledger import files
from mtqgledger.snapshot import DELTA, FULL, SNAPSHOT, load_books

SAMPLE = Path(__file__).resolve().parents[1] / "ledgers"
EXTENDED = "LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2025:K2026"


@pytest.fixture
def books(tmp_path: Path) -> Path:
    shutil.copytree(SAMPLE, tmp_path / "books")
    return tmp_path / "books" / "main.beancount"


@pytest.fixture
def deferring():
    files.defer_writes()
    yield
    files.defer_writes(False)


def heads(cache: Path) -> list[Path]:
    return list(cache.glob("*.books")) if cache.exists() else []


def test_deferred_writes_wait_and_a_read_writes_them_first(books: Path, tmp_path: Path,
                                                           deferring) -> None:
    assert load_books(books).how == FULL
    assert heads(tmp_path / "cache") == []  # put off
    with (books.parent / "laichau" / "2026.beancount").open("a", encoding="utf-8") as file:
        file.write("\n" + pay("2026-10-20", EXTENDED, 1_000_000_000))
    appended = load_books(books)  # reads the snapshot: what was pending is written first
    assert appended.how == DELTA
    assert len(heads(tmp_path / "cache")) == 1
    assert files.has_deferred()  # the log of the new entries, put off in its turn
    files.defer_writes(False)
    again = load_books(books)
    assert again.how == SNAPSHOT and again.entries == appended.entries


def test_the_command_answers_before_its_child_keeps_the_snapshot(books: Path,
                                                                  tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    command = [sys.executable, "-m", "mtqgledger.cli", "check", str(books)]
    done = subprocess.run(command, env={**os.environ, "MTQG_CACHE_DIR": str(cache)},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "hợp lệ" in done.stdout and done.stderr == ""
    waited = time.monotonic()
    while not heads(cache) and time.monotonic() - waited < 60:
        time.sleep(0.1)
    time.sleep(0.5)  # the log is written after the head
    assert len(heads(cache)) == 1
    loaded = load_books(books)
    assert loaded.how == SNAPSHOT
    assert len(loaded.entries) == len(load_books(books, full=True).entries)


def test_a_server_keeps_each_snapshot_at_once(books: Path, tmp_path: Path, deferring) -> None:
    from mtqgledger.web.serve import use_snapshots

    assert load_books(books).how == FULL
    use_snapshots()  # mtqg serve does not leave: nothing may wait for its end
    assert not files.has_deferred() and len(heads(tmp_path / "cache")) == 1
    assert load_books(books).how == SNAPSHOT


def test_the_movement_table_is_kept_after_the_answer_too(books: Path, tmp_path: Path,
                                                         deferring) -> None:
    from mtqgledger.books import Books

    first = Books.open(books)
    moves = first.movements  # worked out: its write put off with the snapshot's
    assert moves and not list((tmp_path / "cache").glob("*.pickle"))
    assert files.has_deferred()
    files.write_deferred()
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 1
    again = Books.open(books)
    assert again.movements == moves and again.from_cache
