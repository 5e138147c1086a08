"""Balances of the books over a period: the trial balance and the balance assertions.

The auditor's workbook (mtqgledger.outputs.audit) shows these beside the
disbursement figures; amounts are the books' own Decimals, whatever their currency.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from beancount.core import data


@dataclass(frozen=True)
class Period:
    """The audited period; either end open when None."""

    since: datetime.date | None = None
    until: datetime.date | None = None

    def __contains__(self, day: datetime.date) -> bool:
        return (self.since is None or day >= self.since) and \
            (self.until is None or day <= self.until)

    def transactions(self, entries: Sequence[data.Directive]) -> Iterator[data.Transaction]:
        for entry in entries:
            if isinstance(entry, data.Transaction) and entry.date in self:
                yield entry


def trial_balance(entries: Sequence[data.Directive], period: Period,
                  ) -> dict[tuple[str, str], list[Decimal]]:
    """(account, currency) -> [opening, debits, credits], credits counted positive."""
    totals: dict[tuple[str, str], list[Decimal]] = {}
    zero = Decimal(0)
    for entry in entries:
        if not isinstance(entry, data.Transaction) or \
                (period.until is not None and entry.date > period.until):
            continue
        before = period.since is not None and entry.date < period.since
        for posting in entry.postings:
            number = posting.units.number
            if number is None:  # an incomplete posting, already reported by Beancount
                continue
            cell = totals.get((posting.account, posting.units.currency))
            if cell is None:
                cell = totals[(posting.account, posting.units.currency)] = [zero, zero, zero]
            if before:
                cell[0] += number
            elif number >= 0:
                cell[1] += number
            else:
                cell[2] -= number
    return totals


class Assertion(NamedTuple):
    """A balance assertion and the books' balance of its account at that moment."""

    entry: data.Balance
    books: Decimal


def assertions(entries: Sequence[data.Directive], period: Period) -> list[Assertion]:
    """Each balance assertion of the period beside the books' balance at the start of its day.

    Like Beancount's own check, an assertion covers the account and its
    sub-accounts. Balance directives sort before the transactions of their
    day, so the running sums met on the way are the balances at that moment.
    """
    asserted = {entry.account for entry in entries if isinstance(entry, data.Balance)}
    covering: dict[str, list[str]] = {}  # account -> the asserted accounts it counts in
    running: dict[tuple[str, str], Decimal] = {}
    found: list[Assertion] = []
    for entry in entries:
        if isinstance(entry, data.Transaction) and asserted:
            for posting in entry.postings:
                names = covering.get(posting.account)
                if names is None:
                    parts = posting.account.split(":")
                    names = covering[posting.account] = [
                        name for name in (":".join(parts[:n]) for n in range(1, len(parts) + 1))
                        if name in asserted]
                if posting.units.number is None:
                    continue
                for name in names:
                    key = (name, posting.units.currency)
                    running[key] = running.get(key, Decimal(0)) + posting.units.number
        elif isinstance(entry, data.Balance) and entry.date in period:
            found.append(Assertion(entry, running.get((entry.account, entry.amount.currency),
                                                      Decimal(0))))
    return found
