"""snapshot/validations.py gives Beancount's balance check's errors, in its order."""

from __future__ import annotations

import datetime
import decimal
import random
from decimal import Decimal

import pytest
from beancount import loader
from beancount.core import amount, data, interpolate, position
from beancount.ops import validation
from beancount.parser import options, printer

from mtqgledger.snapshot.validations import (
    beancount_validating_quickly,
    check_transaction_balances,
    validations,
)

OPTIONS = dict(options.OPTIONS_DEFAULTS)
NUMBERS = ["0", "1", "-1", "10", "-10", "0.4", "-0.4", "0.01", "1.50", "-1.5", "1E+3",
           "-1000", "12345678901234567890123456789", "-12345678901234567890123456789",
           "99999999999999999999999999999999", "-0", "0.0000000000000000000000000001",
           "25000000000000", "-25000000000000"]


def _posting(rng: random.Random, forced: str | None = None) -> data.Posting:
    number = Decimal(forced if forced is not None else rng.choice(NUMBERS))
    currency = rng.choice(["VND", "VND", "VND", "USD"])
    units = amount.Amount(number, currency)
    cost = position.Cost(Decimal("2"), "VND", None, None) if rng.random() < 0.05 else None
    price = amount.Amount(Decimal("3"), "VND") if rng.random() < 0.05 else None
    meta = {interpolate.AUTOMATIC_RESIDUAL: True} if rng.random() < 0.03 else None
    return data.Posting("Assets:A" if rng.random() < 0.5 else "Assets:B", units, cost, price,
                        None, meta)


def _transaction(rng: random.Random, number: int) -> data.Transaction:
    postings = [_posting(rng) for _ in range(rng.randint(0, 4))]
    if postings and rng.random() < 0.6:  # mostly balanced, as books are
        total = sum((p.units.number for p in postings
                     if p.units.currency == "VND" and type(p.units.number) is Decimal),
                    Decimal(0))
        if total.is_finite():
            postings.append(data.Posting("Assets:C", amount.Amount(-total, "VND"), None, None,
                                         None, None))
    return data.Transaction(data.new_metadata("books.beancount", number),
                            datetime.date(2026, 1, 1), "*", None, f"t{number}", frozenset(),
                            frozenset(), postings)


@pytest.mark.parametrize("seed", range(8))
def test_the_same_errors_as_beancount_on_random_transactions(seed: int) -> None:
    rng = random.Random(seed)
    entries = [_transaction(rng, number) for number in range(400)]
    entries.insert(5, data.Open(data.new_metadata("books.beancount", 0),
                                datetime.date(2026, 1, 1), "Assets:A", None, None))
    with decimal.localcontext() as context:
        context.prec = rng.choice([28, 40])
        expected = validation.validate_check_transaction_balances(entries, OPTIONS)
        found = check_transaction_balances(entries, OPTIONS)
    assert [printer.format_error(e) for e in found] == \
        [printer.format_error(e) for e in expected]
    assert [e.entry for e in found] == [e.entry for e in expected]
    assert expected, "the random entries hold unbalanced ones"


def test_sums_that_would_round_are_left_to_beancount() -> None:
    big = Decimal("1" + "0" * 27)  # 28 digits: + 1 rounds in a 28-digit context
    postings = [data.Posting("Assets:A", amount.Amount(n, "VND"), None, None, None, None)
                for n in (big, Decimal(1), -big)]
    entry = data.Transaction(data.new_metadata("x", 1), datetime.date(2026, 1, 1), "*", None,
                             "t", frozenset(), frozenset(), postings)
    expected = validation.validate_check_transaction_balances([entry], OPTIONS)
    assert len(check_transaction_balances([entry], OPTIONS)) == len(expected) == 1


BOOKS = """
option "operating_currency" "VND"
2026-01-01 open Assets:A
2026-01-01 open Assets:B
2026-01-02 * "balanced"
  Assets:A   25000000000000 VND
  Assets:B  -25000000000000 VND
2026-01-03 * "off by one đồng"
  Assets:A   10 VND
  Assets:B   -9 VND
2026-01-04 * "within the tolerance"
  Assets:A   10.004 USD
  Assets:B  -10.00 USD
2026-01-05 * "at a price"
  Assets:A   2 USD @ 25000 VND
  Assets:B  -50001 VND
"""


def test_a_load_gives_what_beancount_gives(tmp_path) -> None:
    ledger = tmp_path / "books.beancount"
    ledger.write_text(BOOKS, encoding="utf-8")
    kept = validation.VALIDATIONS
    plain = loader._load([(str(ledger), True)], None, None, None)
    with beancount_validating_quickly():
        assert check_transaction_balances in validation.VALIDATIONS
        quick = loader._load([(str(ledger), True)], None, None, None)
    assert validation.VALIDATIONS is kept
    assert [printer.format_error(e) for e in quick[1]] == \
        [printer.format_error(e) for e in plain[1]]
    assert len(plain[1]) == 2 and quick[0] == plain[0]
    assert validation.validate_check_transaction_balances not in validations()
    assert len(validations()) == len(validation.VALIDATIONS)


@pytest.mark.parametrize("amounts", [("1001", "-1000"), ("1000.004", "-1000.00"),
                                     ("1000.4", "-1000")],
                         ids=["one-dong", "tolerated", "fraction"])
def test_appended_text_that_does_not_add_up_errs_as_in_a_full_load(
        tmp_path, amounts: tuple[str, str]) -> None:
    import shutil
    from pathlib import Path

    from mtqgledger.snapshot import load_books

    books = tmp_path / "books"
    shutil.copytree(Path(__file__).resolve().parents[1] / "ledgers", books)
    main = books / "main.beancount"
    load_books(main)  # the snapshot
    line = "LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2025"
    with (books / "laichau" / "2026.beancount").open("a", encoding="utf-8") as file:
        file.write(f'\n2026-11-20 * "Thanh toán gõ tay"\n  voucher: "KB-TAY"\n'
                   f'  kind: "thanh-toan"\n'
                   f"  Expenses:Disbursed:{line}  {amounts[0]} VND\n"
                   f"  Assets:Appropriation:{line}  {amounts[1]} VND\n")
    loaded = load_books(main)  # in full, by the quick validations: errors are not appended
    want = loader._load([(str(main), True)], None, None, None)
    assert [printer.format_error(e) for e in loaded.errors] == \
        [printer.format_error(e) for e in want[1]]
    balance_errors = [e for e in want[1] if "does not balance" in e.message]
    assert len(balance_errors) == (0 if amounts[0] == "1000.004" else 1)
