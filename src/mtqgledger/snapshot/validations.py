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

New entries added to checked books (an import, appended text) need not be
validated with every old transaction: :func:`new_entry_errors` gives the errors
the validations would give them, with the transactions that cannot fail left out.
"""

from __future__ import annotations

import contextlib
import decimal
import heapq
import itertools
from collections.abc import Iterable, Iterator

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


# The validations whose look at a transaction _to_validate() knows; any other one (say
# validate_data_types, if a program adds it) sees every new entry.
_PER_POSTING = frozenset({
    validation.validate_open_close, validation.validate_active_accounts,
    validation.validate_currency_constraints, validation.validate_duplicate_balances,
    validation.validate_duplicate_commodities, validation.validate_documents_paths,
    check_transaction_balances})


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


def new_entry_errors(structure: list, added: list, options_map: dict) -> list:
    """The errors Beancount's validations give new entries, in its order.

    ``structure`` is the books' directives other than transactions, in the
    loader's order; ``added`` the new entries in that order, not among them. The
    books before were valid, so the old transactions need not be seen again.
    """
    checks = validations()
    merged = _to_validate(structure, added, checks)
    return [error for check in checks
            for error in check(added if check is check_transaction_balances else merged,
                               options_map)]


def _open_accounts(structure: Iterable[data.Directive]) -> dict:
    """Per account opened exactly once and never closed: (open date, currencies)."""
    opens: dict[str, list[data.Open]] = {}
    closed = set()
    for entry in structure:
        if isinstance(entry, data.Open):
            opens.setdefault(entry.account, []).append(entry)
        elif isinstance(entry, data.Close):
            closed.add(entry.account)
    return {account: (found[0].date, found[0].currencies) for account, found in opens.items()
            if len(found) == 1 and account not in closed}


def _to_validate(structure: list, added: list, checks: list) -> list:
    """The directives Beancount's validations (but the balance check) must see: the accounts'
    directives and the new ones, less the transactions that cannot fail them.

    A transaction only meets the active-account and currency checks, each posting on its
    own; one whose accounts were each opened once on an earlier day, never closed, in a
    currency they take, passes both whatever else is in the list, so leaving it out changes
    no error and the order of none.
    """
    if not set(checks) <= _PER_POSTING:
        return list(heapq.merge(structure, added, key=data.entry_sortkey))
    accounts = _open_accounts(itertools.chain(structure, added))
    kept = []
    for entry in added:
        if type(entry) is _TRANSACTION:
            day = entry.date
            for posting in entry.postings:
                known = accounts.get(posting.account)
                if known is None or not known[0] < day or posting.units is None or \
                        (known[1] and posting.units.currency not in known[1]):
                    break
            else:
                continue
        kept.append(entry)
    return list(heapq.merge(structure, kept, key=data.entry_sortkey))
