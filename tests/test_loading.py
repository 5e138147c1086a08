"""Tests for loading books and the cache of their movement table (mtqgledger.books)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mtqgledger.books import cache_dir, load_books

SAMPLE = Path(__file__).resolve().parents[1] / "ledgers"

# A valid payment on GNBV DA4 TDA2 (NSTW, SN, 2025): the line has 8.120.000.000 đ planned and
# 560.000.000 đ used in ledgers/laichau/2025.beancount, so 100.000.000 đ more breaks no rule.
EXTRA_PAYMENT = 100_000_000
EXTRA_TRANSACTION = f"""
2025-11-10 * "Trung tâm Dịch vụ việc làm tỉnh" "Thanh toán bổ sung (test)"
  voucher: "KBLC-25-TEST-1"
  kind: "thanh-toan"
  Expenses:Disbursed:LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025      {EXTRA_PAYMENT} VND
  Assets:Appropriation:LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025   -{EXTRA_PAYMENT} VND
"""

LINE = "LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025"
OPENS = "".join(f"2025-01-01 open {root}:{LINE} VND\n" for root in (
    "Income:Allocated", "Assets:Appropriation", "Assets:Advance", "Expenses:Disbursed"))


def _allocation(day: str, amount: int) -> str:
    return (f'{day} * "UBND tỉnh" "Giao dự toán"\n'
            f'  decision: "1/QĐ-UBND"\n  decision_date: {day}\n'
            f"  Assets:Appropriation:{LINE}   {amount} VND\n"
            f"  Income:Allocated:{LINE}      -{amount} VND\n")


@pytest.fixture(autouse=True)
def _cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("MTQG_CACHE_DIR", str(folder))
    monkeypatch.delenv("MTQG_CACHE", raising=False)
    monkeypatch.delenv("MTQG_CATALOGUE", raising=False)
    return folder


@pytest.fixture
def books(tmp_path: Path) -> Path:
    """A private copy of the sample books, so edits never touch the repository."""
    shutil.copytree(SAMPLE, tmp_path / "ledgers")
    return tmp_path / "ledgers" / "main.beancount"


def _totals(loaded) -> tuple[int, int, int]:
    moves = loaded.movements
    return (sum(m.plan for m in moves), sum(m.payments for m in moves),
            sum(m.advances for m in moves))


def test_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    assert cache_dir() == tmp_path / "cache"
    monkeypatch.setenv("MTQG_CACHE", "0")
    assert cache_dir() is None


def test_load_sample_books_gives_movements_and_no_errors(books: Path) -> None:
    loaded = load_books(books)
    assert loaded.errors == []
    assert loaded.from_cache is False
    assert loaded.path == books
    assert loaded.movements
    tda1 = [m for m in loaded.movements
            if (m.line.program, m.line.project, m.line.subproject) == ("GNBV", "DA4", "TDA1")]
    # Plan of GNBV DA4 TDA1: 129.46 + 17.84 + 25 + 4.915 billion (ledgers/laichau/2025.beancount)
    assert sum(m.plan for m in tda1) == 177_215_000_000
    assert all(isinstance(m.plan, int) and isinstance(m.payments, int) for m in loaded.movements)


def test_second_load_comes_from_the_cache(books: Path, _cache: Path) -> None:
    first = load_books(books)
    assert list(_cache.glob("*.pickle")), "the first load wrote a cache file"
    second = load_books(books)
    assert second.from_cache is True
    assert second.movements == first.movements
    assert second.errors == first.errors == []


def test_editing_an_included_file_invalidates_the_cache(books: Path) -> None:
    first = load_books(books)
    assert load_books(books).from_cache is True
    included = books.parent / "laichau" / "2025.beancount"
    with open(included, "a", encoding="utf-8") as handle:
        handle.write(EXTRA_TRANSACTION)
    after = load_books(books)
    assert after.from_cache is False
    assert after.errors == []
    plan, payments, advances = _totals(first)
    assert _totals(after) == (plan, payments + EXTRA_PAYMENT, advances)
    again = load_books(books)
    assert again.from_cache is True
    assert again.movements == after.movements


def test_cache_matches_a_fresh_parse(books: Path) -> None:
    load_books(books)
    cached = load_books(books)
    fresh = load_books(books, use_cache=False)
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
    first = load_books(main)
    assert first.errors == []
    assert _totals(first) == (1_000_000_000, 0, 0)
    assert load_books(main).from_cache is True
    (main.parent / "parts" / "b.beancount").write_text(
        _allocation("2025-02-10", 500_000_000), encoding="utf-8")
    second = load_books(main)
    assert second.from_cache is False
    assert _totals(second) == (1_500_000_000, 0, 0)


def test_first_file_in_an_empty_glob_folder_invalidates_the_cache(tmp_path: Path) -> None:
    main = _glob_books(tmp_path)
    first = load_books(main)
    assert any("does not match any files" in message for message in first.errors)
    (main.parent / "parts" / "a.beancount").write_text(
        _allocation("2025-01-10", 1_000_000_000), encoding="utf-8")
    second = load_books(main)
    assert second.errors == []
    assert _totals(second) == (1_000_000_000, 0, 0)


def test_mtqg_cache_0_disables_the_cache(books: Path, monkeypatch: pytest.MonkeyPatch,
                                         _cache: Path) -> None:
    monkeypatch.setenv("MTQG_CACHE", "0")
    first = load_books(books)
    second = load_books(books)
    assert first.from_cache is False
    assert second.from_cache is False
    assert second.movements == first.movements
    assert not _cache.exists() or not any(_cache.iterdir())


def test_use_cache_false_neither_reads_nor_writes(books: Path, _cache: Path) -> None:
    loaded = load_books(books, use_cache=False)
    assert loaded.from_cache is False
    assert not _cache.exists() or not any(_cache.iterdir())


@pytest.mark.parametrize("garbage", [b"", b"not a pickle at all", b"\x80\x05K\x01."])
def test_damaged_cache_file_is_ignored(books: Path, _cache: Path, garbage: bytes) -> None:
    first = load_books(books)
    (cache_file,) = _cache.glob("*.pickle")
    cache_file.write_bytes(garbage)
    second = load_books(books)
    assert second.from_cache is False
    assert second.errors == []
    assert second.movements == first.movements
    third = load_books(books)
    assert third.from_cache is True, "the damaged file was replaced by a good one"


def test_missing_ledger_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="không tìm thấy"):
        load_books(tmp_path / "nowhere.beancount")


def test_directory_is_not_a_ledger(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_books(tmp_path)


def test_errors_are_cached_too(tmp_path: Path) -> None:
    main = tmp_path / "bad.beancount"
    # An allocation without provenance breaks a budget rule (plugin budget_rules).
    main.write_text('option "operating_currency" "VND"\n'
                    'plugin "mtqgledger.plugins.budget_rules"\n' + OPENS
                    + f'2025-01-10 * "UBND tỉnh" "Giao dự toán"\n'
                      f"  Assets:Appropriation:{LINE}   1000 VND\n"
                      f"  Income:Allocated:{LINE}      -1000 VND\n", encoding="utf-8")
    first = load_books(main)
    assert first.errors
    assert any("10/01/2025" in message for message in first.errors)
    second = load_books(main)
    assert second.from_cache is True
    assert second.errors == first.errors
