"""A report asked again of unchanged books is answered with what it printed (cli/answers.py),
and never once anything it was made from changed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from booktext import pay
from clirun import mtqg

from mtqgledger import files
from mtqgledger.cli import answers

SAMPLE = Path(__file__).resolve().parents[1] / "ledgers"
EXTENDED = "LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2025:K2026"  # 35,26 tỷ left to spend in 2026


@pytest.fixture
def books(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(SAMPLE, tmp_path / "books")
    monkeypatch.setattr(files, "RACY_NS", 0)  # the copies are seconds old
    monkeypatch.setattr(answers, "_arguments", None)
    return tmp_path / "books" / "main.beancount"


def report(books: Path, *more: str) -> tuple[list[str], str]:
    """Run the report as the installed command would: (its arguments, its text)."""
    arguments = ["report", "disbursement", str(books), "--as-of", "2026-11-30", *more]
    answers.remember_arguments(arguments)
    return arguments, mtqg(*arguments).output


def replayed(arguments: list[str], capsys: pytest.CaptureFixture) -> str | None:
    capsys.readouterr()
    return capsys.readouterr().out if answers.replay(arguments) else None


def test_the_second_report_is_the_firsts_text(books: Path, capsys) -> None:
    arguments, cold = report(books)  # a full load of exactly the files hashed: kept
    assert replayed(arguments, capsys) == cold
    _, warm = report(books)  # the movement table from the cache: kept again
    assert warm == cold
    assert replayed(arguments, capsys) == warm


def test_a_report_of_books_changed_while_loading_is_not_kept(books: Path, capsys,
                                                             monkeypatch) -> None:
    from mtqgledger import snapshot

    full_load = snapshot.full_load

    def changing(main: str):  # an import lands while the report loads
        loaded = full_load(main)
        with (books.parent / "laichau" / "2026.beancount").open("a", encoding="utf-8") as file:
            file.write("\n" + pay("2026-10-20", EXTENDED, 1_000_000_000))
        return loaded

    monkeypatch.setattr(snapshot, "full_load", changing)
    arguments, _ = report(books)
    assert replayed(arguments, capsys) is None
    assert not list((books.parent.parent / "cache").glob("*.pickle"))  # nor the table


def test_an_appended_transaction_is_never_answered_from_before(books: Path, capsys) -> None:
    arguments, _ = report(books)
    _, before = report(books)
    with (books.parent / "laichau" / "2026.beancount").open("a", encoding="utf-8") as file:
        file.write("\n" + pay("2026-10-20", EXTENDED, 1_000_000_000))
    assert replayed(arguments, capsys) is None
    _, after = report(books)
    assert after != before


def test_a_file_matched_by_an_include_pattern_is_noticed(books: Path, capsys) -> None:
    (books.parent / "more").mkdir()
    (books.parent / "more" / "a.beancount").write_text("", encoding="utf-8")
    with books.open("a", encoding="utf-8") as file:
        file.write('include "more/*.beancount"\n')
    arguments, _ = report(books)
    _, warm = report(books)
    assert replayed(arguments, capsys) == warm
    (books.parent / "more" / "b.beancount").write_text(
        pay("2026-10-20", EXTENDED, 1_000_000_000), encoding="utf-8")
    assert replayed(arguments, capsys) is None


def test_other_arguments_or_a_file_output_are_not_answered(books: Path, capsys,
                                                           tmp_path: Path) -> None:
    arguments, _ = report(books)
    report(books)
    assert replayed([*arguments, "--format", "json"], capsys) is None
    written = tmp_path / "giai-ngan.csv"
    arguments, _ = report(books, "--format", "csv", "-o", str(written))
    report(books, "--format", "csv", "-o", str(written))
    assert answers._key(arguments) is None


def test_no_answers_without_the_cache(books: Path, capsys,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MTQG_CACHE", "0")
    arguments, _ = report(books)
    report(books)
    assert replayed(arguments, capsys) is None


def test_the_installed_command_answers_the_same_text(tmp_path: Path) -> None:
    shutil.copytree(SAMPLE, tmp_path / "books")
    time.sleep(3.2)  # files changed in the last seconds are never answered from before
    command = [sys.executable, "-m", "mtqgledger.cli", "report", "disbursement",
               str(tmp_path / "books" / "main.beancount"), "--as-of", "2025-11-14"]
    env = {**os.environ, "MTQG_CACHE_DIR": str(tmp_path / "cache")}
    texts = [subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
             for _ in range(3)]
    assert texts[0] == texts[1] == texts[2] and "Tổng số" in texts[0]
    assert len(list((tmp_path / "cache" / "answers").iterdir())) == 1
