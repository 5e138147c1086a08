"""web/fava_attributes.py sets what Fava's own AttributesModule.load_file sets, with every
ranking score equal to the last bit."""

from __future__ import annotations

import datetime
import importlib.util
import random
from pathlib import Path
from types import SimpleNamespace

import pytest
from fava.core import FavaLedger
from fava.util.ranking import DEFAULT_RATE, ExponentialDecayRanker

from mtqgledger.outputs.beancount_text import quote
from mtqgledger.web.fava_attributes import _scores, load_attributes, mirrors_this_fava
from mtqgledger.web.fava_state import ATTRIBUTES

ROOT = Path(__file__).resolve().parents[1]
ACCOUNTS = ["Assets:Bank", "Assets:Cash", "Expenses:Food", "Expenses:Rent", "Income:Pay",
            "Liabilities:Card", "Assets:Stock"]
PAYEES = ["UBND xã Bum Nưa", "Ban QLDA huyện Mường Tè", "Cửa hàng \"A\"", ""]


def favas_own_load_file():
    """Fava's AttributesModule.load_file as Fava ships it (the class in use may be wrapped)."""
    spec = importlib.util.find_spec("fava.core.attributes")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.AttributesModule.load_file


def random_books(path: Path, seed: int, transactions: int) -> Path:
    rng = random.Random(seed)
    lines = ['option "operating_currency" "VND"', ""]
    lines += [f"2000-01-01 open {account}" for account in ACCOUNTS]
    start = datetime.date(2019, 1, 1)
    for number in range(transactions):
        # a few days only, so many updates of an item share a day and some scores tie
        day = start + datetime.timedelta(days=rng.choice([0, 1, 365, 366, 2000, 2500]))
        payee = rng.choice(PAYEES)
        head = f'{day} * {quote(payee)} "Thanh toán {number}"' if payee else \
            f'{day} * "Thanh toán {number}"'
        if rng.random() < 0.2:
            head += f" #tag{rng.randrange(3)} ^link-{rng.randrange(4)}"
        debit, credit = rng.sample(ACCOUNTS[:-1], 2)
        lines.append(head)
        if rng.random() < 0.15:
            lines.append(f"  Assets:Stock  2 ACME {{{rng.randrange(1, 9)} USD}}")
            lines.append(f"  {credit}")  # the USD it costs, interpolated
        else:
            currency = rng.choice(["VND", "VND", "USD"])
            amount = rng.randrange(1, 10**6)
            lines.append(f"  {debit}  {amount} {currency}")
            lines.append(f"  {credit}  -{amount} {currency}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def attributes_by(load_file, ledger: FavaLedger) -> dict:
    module = SimpleNamespace(ledger=ledger)
    load_file(module)
    return {name: getattr(module, name) for name in ATTRIBUTES}


@pytest.mark.skipif(not mirrors_this_fava(), reason="mtqg serve runs Fava's own method for "
                    "a Fava this module was not written against")
@pytest.mark.parametrize("books", ["sample", "random"])
def test_the_attributes_are_favas_own(books: str, tmp_path: Path) -> None:
    path = ROOT / "ledgers" / "main.beancount" if books == "sample" else \
        random_books(tmp_path / "main.beancount", seed=3, transactions=3000)
    ledger = FavaLedger(str(path))
    assert not ledger.errors
    expected = attributes_by(favas_own_load_file(), ledger)
    assert attributes_by(load_attributes, ledger) == expected
    assert len(expected["accounts"]) >= 5 and expected["payees"]
    if books == "random":
        assert expected["links"] and expected["tags"] and "USD" in expected["currencies"]


@pytest.mark.parametrize("seed", [1, 2])
def test_every_score_is_the_rankers_to_the_last_bit(seed: int, tmp_path: Path) -> None:
    ledger = FavaLedger(str(random_books(tmp_path / "main.beancount", seed, 2000)))
    transactions = ledger.all_entries_by_type.Transaction
    rankers = [ExponentialDecayRanker() for _ in range(3)]
    for transaction in transactions:
        if transaction.payee:
            rankers[2].update(transaction.payee, transaction.date)
        for posting in transaction.postings:
            rankers[0].update(posting.account, transaction.date)
            rankers[1].update(posting.units.currency, transaction.date)
            if posting.cost and posting.cost.currency is not None:
                rankers[1].update(posting.cost.currency, transaction.date)
    found = _scores(transactions, DEFAULT_RATE)
    assert [ranker.scores for ranker in rankers] == list(found)
    assert found[1]["USD"] > 0 and len(found[0]) == len(ACCOUNTS)
