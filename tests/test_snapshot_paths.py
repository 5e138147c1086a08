"""Which way load_books takes, and that each way costs what changed: the budget rules go on
from their kept state for entries appended after all others, and run over everything
otherwise; ``mtqg check --full`` and MTQG_CACHE=0 always load in full. (That every way
gives a full load's result is tests/test_snapshot_equivalence.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from beancount.parser import printer
from booktext import HEADER, TDA1_SN, TDA2_SN, allocate, opens, pay
from clirun import mtqg

from mtqgledger.books import Books
from mtqgledger.plugins import budget_rules
from mtqgledger.snapshot import DELTA, FULL, SNAPSHOT, full_load, load_books
from mtqgledger.snapshot.delta import loader_name

BIG = 25_000_000_000_000  # above 10^13 đồng


@pytest.fixture
def books(tmp_path: Path) -> Path:
    folder = tmp_path / "books"
    (folder / "imports").mkdir(parents=True)
    (folder / "imports" / "treasury.beancount").write_text(
        pay("2025-03-01", TDA1_SN, 10**9) + "\n", encoding="utf-8")
    main = folder / "main.beancount"
    main.write_text(HEADER + opens(TDA1_SN, TDA2_SN) + allocate("2025-01-10", TDA1_SN, BIG)
                    + allocate("2025-01-10", TDA2_SN, 10**9)
                    + 'include "imports/treasury.beancount"\n', encoding="utf-8")
    return main


@pytest.fixture
def rule_runs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, bool]]:
    """(entries seen, went on from a kept state) of every budget-rule run."""
    runs = []
    check = budget_rules.check_rules

    def counting(entries, catalogue, config=None, *, state=None, keep=None):
        runs.append((len(entries), state is not None))
        return check(entries, catalogue, config, state=state, keep=keep)

    monkeypatch.setattr(budget_rules, "check_rules", counting)
    return runs


def append(books: Path, text: str) -> None:
    with (books.parent / "imports" / "treasury.beancount").open("a", encoding="utf-8") as file:
        file.write("\n" + text)


def same_as_full(loaded, books: Path) -> None:
    entries, errors, options = full_load(loader_name(books))
    assert loaded.entries == entries
    assert [printer.format_error(e) for e in loaded.errors] == \
        [printer.format_error(e) for e in errors]
    assert loaded.options["input_hash"] == options["input_hash"]


def test_unchanged_books_are_read_back(books: Path) -> None:
    assert load_books(books).how == FULL
    again = load_books(books)
    assert again.how == SNAPSHOT
    same_as_full(again, books)


def test_entries_appended_after_all_others_go_on_from_the_rules_state(
        books: Path, rule_runs: list) -> None:
    load_books(books)
    rule_runs.clear()
    append(books, pay("2025-04-01", TDA1_SN, BIG - 10**9) + pay("2025-04-02", TDA2_SN, 10**8))
    loaded = load_books(books)
    assert loaded.how == DELTA
    assert rule_runs == [(2, True)]  # the two new entries only
    assert loaded.errors == []
    same_as_full(loaded, books)
    assert load_books(books).how == SNAPSHOT  # the delta was logged


def test_a_breach_appended_after_all_others_is_found_from_the_state(
        books: Path, rule_runs: list) -> None:
    load_books(books)
    rule_runs.clear()
    append(books, pay("2025-04-01", TDA2_SN, 10**9 + 1))
    loaded = load_books(books)
    assert loaded.how == DELTA and rule_runs == [(1, True)]
    (message,) = [printer.format_error(error) for error in loaded.errors]
    assert "Vượt kế hoạch vốn còn lại" in message and "vượt 1 đ" in message
    same_as_full(loaded, books)
    fixed = load_books(books)  # books with errors are never extended: the next load is full
    assert fixed.how in (SNAPSHOT, FULL)


def test_a_back_dated_entry_runs_the_rules_over_everything(books: Path,
                                                           rule_runs: list) -> None:
    load_books(books)
    rule_runs.clear()
    append(books, pay("2025-02-01", TDA2_SN, 10**8))
    loaded = load_books(books)
    assert loaded.how == DELTA
    assert rule_runs == [(len(loaded.entries), False)]
    same_as_full(loaded, books)


def test_an_edit_in_the_middle_loads_in_full(books: Path) -> None:
    load_books(books)
    text = books.read_text(encoding="utf-8")
    books.write_text(text.replace(str(10**9), str(2 * 10**9), 1), encoding="utf-8")
    loaded = load_books(books)
    assert loaded.how == FULL
    same_as_full(loaded, books)


def test_check_full_never_uses_the_snapshot(books: Path) -> None:
    load_books(books)
    unopened = Books.open(books)
    assert unopened.how == ""  # nothing is loaded until asked
    assert unopened.load_errors == [] and unopened.how == SNAPSHOT
    opened = Books.open(books, full=True)
    assert opened.entries and opened.how == FULL
    assert "hợp lệ" in mtqg("check", "--full", books).output


def test_no_cache_no_snapshot(books: Path, monkeypatch: pytest.MonkeyPatch,
                              tmp_path: Path) -> None:
    monkeypatch.setenv("MTQG_CACHE", "0")
    assert load_books(books).how == FULL
    assert load_books(books).how == FULL


def test_a_damaged_snapshot_is_only_a_missed_shortcut(books: Path, tmp_path: Path) -> None:
    load_books(books)
    for kept in (tmp_path / "cache").glob("*.books"):
        kept.write_bytes(b"not a snapshot")
    loaded = load_books(books)
    assert loaded.how == FULL
    same_as_full(loaded, books)


def test_mtqg_serve_loads_fava_through_the_snapshot(books: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from mtqgledger.web import serve

    seen = []
    original = serve.load_books

    def recording(path):
        loaded = original(path)
        seen.append(loaded.how)
        return loaded

    monkeypatch.setattr(serve, "load_books", recording)
    load_books(books)
    app = serve.make_app(books)
    assert seen == [SNAPSHOT]
    ledger = app.config["LEDGERS"][app.config["LEDGERS"].first_slug()]
    assert ledger.all_entries == full_load(loader_name(books))[0]
    append(books, pay("2025-04-01", TDA2_SN, 10**8))
    ledger.load_file()  # what Fava does when it sees the files changed
    assert seen == [SNAPSHOT, DELTA]
    assert ledger.all_entries == full_load(loader_name(books))[0]


def test_a_server_reloads_from_the_books_it_holds(books: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """mtqg serve (snapshot.reuse_loads): a reload after an import starts from the loaded
    state in memory, not from the snapshot's entries on disk, with a full load's result."""
    from mtqgledger import snapshot
    from mtqgledger.snapshot import store

    load_books(books)
    snapshot.reuse_loads()
    assert load_books(books).how == SNAPSHOT  # entries read once, from disk
    monkeypatch.setattr(store, "_base_entries", lambda *args: pytest.fail("read from disk"))
    append(books, pay("2025-04-01", TDA2_SN, 10**8))
    loaded = load_books(books)
    assert loaded.how == DELTA
    same_as_full(loaded, books)
    append(books, pay("2025-04-02", TDA2_SN, 10**8))
    again = load_books(books)
    assert again.how == DELTA
    same_as_full(again, books)
