"""Tests for loading books and the cache of their movement table (mtqgledger.books)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mtqgledger.books import Books
from mtqgledger.books_cache import cache_dir

SAMPLE = Path(__file__).resolve().parents[1] / "ledgers"

# A valid payment on GNBV DA4 TDA2 (NSTW, SN, 2025): the line has 8.120.000.000 đ planned and
# 560.000.000 đ used in ledgers/laichau/2025.beancount, so 100.000.000 đ more breaks no rule.
EXTRA_PAYMENT = 100_000_000
EXTRA_TRANSACTION = f"""
2026-11-10 * "Trung tâm Dịch vụ việc làm tỉnh" "Thanh toán bổ sung (test)"
  voucher: "KB9-26-TEST-1"
  kind: "thanh-toan"
  Expenses:Disbursed:LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025:K2026      {EXTRA_PAYMENT} VND
  Assets:Appropriation:LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025:K2026   -{EXTRA_PAYMENT} VND
"""

LINE = "LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025"
OPENS = "".join(f"2025-01-01 open {root}:{LINE} VND\n" for root in (
    "Income:Allocated", "Assets:Appropriation", "Assets:Advance", "Expenses:Disbursed"))


def _allocation(day: str, amount: int) -> str:
    return (f'{day} * "UBND tỉnh" "Giao dự toán"\n'
            f'  decision: "1/QĐ-UBND"\n  decision_date: {day}\n'
            f"  Assets:Appropriation:{LINE}   {amount} VND\n"
            f"  Income:Allocated:{LINE}      -{amount} VND\n")


@pytest.fixture
def books(tmp_path: Path) -> Path:
    """A private copy of the sample books, so edits never touch the repository."""
    shutil.copytree(SAMPLE, tmp_path / "ledgers")
    return tmp_path / "ledgers" / "main.beancount"


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    """The cache folder tests/conftest.py gives each test."""
    return tmp_path / "cache"


def loaded(path: Path, **options: bool) -> Books:
    """Books opened and their movement table read (from the cache if it is there)."""
    books = Books.open(path, **options)
    assert books.movements is not None
    return books


def _totals(books: Books) -> tuple[int, int, int]:
    moves = books.movements
    return (sum(m.plan for m in moves), sum(m.payments for m in moves),
            sum(m.advances for m in moves))


def test_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    assert cache_dir() == tmp_path / "cache"
    monkeypatch.setenv("MTQG_CACHE", "0")
    assert cache_dir() is None


def test_load_sample_books_gives_movements_and_no_errors(books: Path) -> None:
    opened = loaded(books)
    assert opened.messages == []
    assert opened.from_cache is False
    assert opened.path == books
    assert opened.movements
    tda1 = [m for m in opened.movements
            if (m.line.program, m.line.project, m.line.subproject) == ("GNBV", "DA4", "TDA1")]
    # Plan of GNBV DA4 TDA1: 129.46 + 17.84 + 25 + 4.915 billion (ledgers/laichau/2025.beancount)
    assert sum(m.plan for m in tda1) == 177_215_000_000
    assert all(isinstance(m.plan, int) and isinstance(m.payments, int) for m in opened.movements)


def test_nothing_is_parsed_until_asked(books: Path, cache: Path) -> None:
    opened = Books.open(books)
    assert not cache.exists()
    assert opened.catalogue.title("GNBV/DA4/TDA1").startswith("Tiểu dự án 1")
    assert list(cache.glob("*.pickle")), "asking for the catalogue loaded and cached the books"


def test_second_load_comes_from_the_cache(books: Path, tmp_path: Path) -> None:
    first = loaded(books)
    assert list((tmp_path / "cache").glob("*.pickle")), "the first load wrote a cache file"
    second = loaded(books)
    assert second.from_cache is True
    assert second.movements == first.movements
    assert second.messages == first.messages == []


def test_editing_an_included_file_invalidates_the_cache(books: Path) -> None:
    first = loaded(books)
    assert loaded(books).from_cache is True
    included = books.parent / "laichau" / "2026.beancount"
    with open(included, "a", encoding="utf-8") as handle:
        handle.write(EXTRA_TRANSACTION)
    after = loaded(books)
    assert after.from_cache is False
    assert after.messages == []
    plan, payments, advances = _totals(first)
    assert _totals(after) == (plan, payments + EXTRA_PAYMENT, advances)
    again = loaded(books)
    assert again.from_cache is True
    assert again.movements == after.movements


def test_cache_matches_a_fresh_parse(books: Path) -> None:
    loaded(books)
    cached = loaded(books)
    fresh = loaded(books, use_cache=False)
    assert cached.from_cache is True
    assert fresh.from_cache is False
    assert cached.movements == fresh.movements


def _glob_books(tmp_path: Path) -> Path:
    main = tmp_path / "globbed" / "main.beancount"
    (main.parent / "parts").mkdir(parents=True)
    main.write_text('option "operating_currency" "VND"\n' + OPENS
                    + 'include "parts/*.beancount"\n', encoding="utf-8")
    return main


def test_new_file_matched_by_an_include_glob_invalidates_the_cache(tmp_path: Path) -> None:
    main = _glob_books(tmp_path)
    (main.parent / "parts" / "a.beancount").write_text(
        _allocation("2025-01-10", 1_000_000_000), encoding="utf-8")
    first = loaded(main)
    assert first.messages == []
    assert _totals(first) == (1_000_000_000, 0, 0)
    assert loaded(main).from_cache is True
    (main.parent / "parts" / "b.beancount").write_text(
        _allocation("2025-02-10", 500_000_000), encoding="utf-8")
    second = loaded(main)
    assert second.from_cache is False
    assert _totals(second) == (1_500_000_000, 0, 0)


def test_first_file_in_an_empty_glob_folder_invalidates_the_cache(tmp_path: Path) -> None:
    main = _glob_books(tmp_path)
    first = loaded(main)
    assert any("does not match any files" in message for message in first.messages)
    (main.parent / "parts" / "a.beancount").write_text(
        _allocation("2025-01-10", 1_000_000_000), encoding="utf-8")
    second = loaded(main)
    assert second.messages == []
    assert _totals(second) == (1_000_000_000, 0, 0)


def test_mtqg_cache_0_disables_the_cache(books: Path, monkeypatch: pytest.MonkeyPatch,
                                         cache: Path) -> None:
    monkeypatch.setenv("MTQG_CACHE", "0")
    first = loaded(books)
    second = loaded(books)
    assert first.from_cache is False
    assert second.from_cache is False
    assert second.movements == first.movements
    assert not cache.exists() or not any(cache.iterdir())


def test_use_cache_false_neither_reads_nor_writes(books: Path, cache: Path) -> None:
    opened = loaded(books, use_cache=False)
    assert opened.from_cache is False
    assert not list(cache.glob("*.pickle"))  # the movement table's; the snapshot is apart


@pytest.mark.parametrize("garbage", [b"", b"not a pickle at all", b"\x80\x05K\x01."])
def test_damaged_cache_file_is_ignored(books: Path, cache: Path, garbage: bytes) -> None:
    first = loaded(books)
    (cache_file,) = cache.glob("*.pickle")
    cache_file.write_bytes(garbage)
    second = loaded(books)
    assert second.from_cache is False
    assert second.messages == []
    assert second.movements == first.movements
    third = loaded(books)
    assert third.from_cache is True, "the damaged file was replaced by a good one"


def test_missing_ledger_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="không tìm thấy"):
        Books.open(tmp_path / "nowhere.beancount")


def test_directory_is_not_a_ledger(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        Books.open(tmp_path)


def test_errors_are_cached_too(tmp_path: Path) -> None:
    main = tmp_path / "bad.beancount"
    # An allocation without provenance breaks a budget rule (plugin budget_rules).
    main.write_text('option "operating_currency" "VND"\n'
                    'plugin "mtqgledger.plugins.budget_rules"\n' + OPENS
                    + f'2025-01-10 * "UBND tỉnh" "Giao dự toán"\n'
                      f"  Assets:Appropriation:{LINE}   1000 VND\n"
                      f"  Income:Allocated:{LINE}      -1000 VND\n", encoding="utf-8")
    first = loaded(main)
    assert first.messages
    assert any("10/01/2025" in message for message in first.messages)
    second = loaded(main)
    assert second.from_cache is True
    assert second.messages == first.messages
