"""Beancount's validations, with its check that transactions balance made cheap.

`validate_check_transaction_balances` computes every transaction's residual and
tolerances again after the plugins: about a seventh of loading a province's
history. A transaction whose postings carry no cost and no price and whose
amounts add up to exactly zero in each currency leaves an empty residual, and
an empty residual is small whatever the tolerances: Beancount passes it. So
only the others go through Beancount's own check, and the errors are
Beancount's, in its order (tests/test_validations.py compares the two).

"Exactly" is meant literally: the sums are taken in the caller's decimal
context with inexact results trapped. A sum that would round (more digits than
the context holds) is left to Beancount, whose own running sums equal these
whenever these are exact.
"""

from __future__ import annotations

import contextlib
import decimal
from collections.abc import Iterator

from beancount.core import data, interpolate
from beancount.ops import validation

_TRANSACTION = data.Transaction
_RESIDUAL = interpolate.AUTOMATIC_RESIDUAL
_BEANCOUNTS = validation.validate_check_transaction_balances


def _exactly_balanced(entry: data.Transaction) -> bool:
    """Whether each currency's amounts sum to exactly zero, with no cost or price (False
    also when that cannot be told here)."""
    sums: dict = {}
    try:
        for posting in entry.postings:
            if posting.cost is not None or posting.price is not None:
                return False
            if posting.meta and posting.meta.get(_RESIDUAL, False):
                continue  # Beancount leaves the rounding postings out of the residual
            units = posting.units
            number, currency = units.number, units.currency
            if type(number) is not decimal.Decimal:
                return False
            total = sums.get(currency)
            sums[currency] = number if total is None else total + number
    except (ArithmeticError, AttributeError):
        return False
    return not any(sums.values())


def check_transaction_balances(entries: list, options_map: dict) -> list:
    """The errors of Beancount's `validate_check_transaction_balances`, in its order."""
    exact = decimal.getcontext().copy()
    exact.traps[decimal.Inexact] = True
    with decimal.localcontext(exact):
        others = [entry for entry in entries
                  if isinstance(entry, _TRANSACTION) and not _exactly_balanced(entry)]
    return _BEANCOUNTS(others, options_map)


def _replaced(checks: list) -> list:
    return [check_transaction_balances if check is _BEANCOUNTS else check for check in checks]


def validations() -> list:
    """Beancount's validations in force, the balance check among them this module's."""
    return _replaced(validation.VALIDATIONS)


@contextlib.contextmanager
def beancount_validating_quickly() -> Iterator[None]:
    """Beancount's loader, while in this block, validates with :func:`validations`."""
    kept = validation.VALIDATIONS
    validation.VALIDATIONS = _replaced(kept)
    try:
        yield
    finally:
        validation.VALIDATIONS = kept
