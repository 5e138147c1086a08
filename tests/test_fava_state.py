"""Fava's attributes and accounts of books read back from a snapshot come from what was kept
for that snapshot state (web/fava_state.py), and are exactly what Fava works out itself."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fava.core import FavaLedger
from fava.core.accounts import AccountDict
from fava.core.attributes import AttributesModule

from mtqgledger.web import serve
from mtqgledger.web.fava_state import ATTRIBUTES

SAMPLE = Path(__file__).resolve().parents[1] / "ledgers"


@pytest.fixture
def books(tmp_path: Path) -> Path:
    shutil.copytree(SAMPLE, tmp_path / "books")
    return tmp_path / "books" / "main.beancount"


def indexes(ledger: FavaLedger) -> tuple[dict, dict]:
    return ({name: list(getattr(ledger.attributes, name)) for name in ATTRIBUTES},
            dict(ledger.accounts))


def fava_itself(books: Path) -> tuple[dict, dict]:
    """Fava's own load and indexes, without snapshots or anything kept."""
    loader = serve._FAVA_LOADER[0]
    attributes, accounts = AttributesModule.load_file, AccountDict.load_file
    try:
        AttributesModule.load_file = attributes.__wrapped__
        AccountDict.load_file = accounts.__wrapped__
        import fava.core

        fava.core.load_uncached, kept = loader, fava.core.load_uncached
        try:
            return indexes(FavaLedger(str(books)))
        finally:
            fava.core.load_uncached = kept
    finally:
        AttributesModule.load_file, AccountDict.load_file = attributes, accounts


def kept_files(tmp_path: Path) -> list[str]:
    return sorted(path.suffix for path in (tmp_path / "cache").glob("*.fava-*"))


def test_kept_indexes_are_favas_own(books: Path, tmp_path: Path, monkeypatch) -> None:
    serve.use_snapshots()
    first = FavaLedger(str(books))  # a full load: Fava works its indexes out, and keeps them
    assert kept_files(tmp_path) == [".fava-accounts", ".fava-attributes"]
    import fava.core.attributes

    calls = []
    years = fava.core.attributes.get_active_years
    monkeypatch.setattr(fava.core.attributes, "get_active_years",
                        lambda *args: calls.append(1) or years(*args))
    second = FavaLedger(str(books))  # the snapshot: the kept indexes, not worked out
    assert calls == []
    assert indexes(second) == indexes(first) == fava_itself(books)
    assert calls == [1]  # Fava itself did work them out
    assert second.accounts["Income:Allocated:LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2025"].last_entry \
        == first.accounts["Income:Allocated:LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2025"].last_entry


def test_books_that_changed_are_indexed_again(books: Path) -> None:
    serve.use_snapshots()
    FavaLedger(str(books))
    with (books.parent / "laichau" / "2026.beancount").open("a", encoding="utf-8") as file:
        file.write('\n2026-11-20 * "UBND xã Mới Lập" "Thanh toán"\n  voucher: "KB-99"\n'
                   "  Expenses:Disbursed:LaiChau:MTQG2635:HP2:TP01:ND01:NSTW:DTPT:Y2026"
                   "  1000 VND\n"
                   "  Assets:Appropriation:LaiChau:MTQG2635:HP2:TP01:ND01:NSTW:DTPT:Y2026"
                   "  -1000 VND\n")
    changed = FavaLedger(str(books))
    assert "UBND xã Mới Lập" in changed.attributes.payees
    assert indexes(changed) == fava_itself(books)


def test_a_commands_child_keeps_what_a_server_makes_first(books: Path, tmp_path: Path,
                                                         monkeypatch) -> None:
    import os
    import subprocess
    import sys
    import time

    import fava.core.attributes

    cache = tmp_path / "cache"
    done = subprocess.run([sys.executable, "-m", "mtqgledger.cli", "check", str(books)],
                          env={**os.environ, "MTQG_CACHE_DIR": str(cache)},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    waited = time.monotonic()
    while len(kept_files(tmp_path)) < 2 or not list(cache.glob("*.pickle")):
        assert time.monotonic() - waited < 60, sorted(cache.iterdir())
        time.sleep(0.1)
    time.sleep(0.5)  # renamed into place one after the other
    calls = []
    years = fava.core.attributes.get_active_years
    monkeypatch.setattr(fava.core.attributes, "get_active_years",
                        lambda *args: calls.append(1) or years(*args))
    serve.use_snapshots()
    served = FavaLedger(str(books))  # a server's start: what the child kept, not worked out
    assert calls == []
    assert indexes(served) == fava_itself(books)
