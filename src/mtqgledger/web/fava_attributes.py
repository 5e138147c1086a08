"""Fava's attributes for its forms (``AttributesModule.load_file``), worked out faster.

Fava ranks every posting's account and currency, and every payee, by a score
that decays with age (``fava.util.ranking.ExponentialDecayRanker``): half a
million method calls at 100,000 transactions, about 1.3 s of each load that
cannot use what fava_state.py kept. An item's score depends only on its own
updates, in order: here the days each item is liked on are gathered first, then
each item's updates are the ranker's float operations in one loop, so every
score is equal to the last bit, and Fava's own sort ranks them.
tests/test_fava_attributes.py compares the result with Fava's; for a Fava this
module was not written against, Fava's own method runs.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

# The Fava versions whose AttributesModule.load_file and ranking this mirrors.
MIRRORED_FAVA = ("1.30.",)


def mirrors_this_fava() -> bool:
    import fava

    return fava.__version__.startswith(MIRRORED_FAVA)


def load_attributes(module) -> None:
    """Set what Fava's ``AttributesModule.load_file`` sets on ``module``."""
    from fava.core.attributes import get_active_years
    from fava.util.ranking import DEFAULT_RATE

    ledger = module.ledger
    entries = ledger.all_entries
    links: set[str] = set()
    tags: set[str] = set()
    for entry in entries:
        if (found := getattr(entry, "links", None)) is not None:
            links.update(found)
        if (found := getattr(entry, "tags", None)) is not None:
            tags.update(found)
    module.links, module.tags = sorted(links), sorted(tags)
    module.years = get_active_years(entries, ledger.fava_options.fiscal_year_end)
    accounts, currencies, payees = _scores(ledger.all_entries_by_type.Transaction, DEFAULT_RATE)
    module.accounts = _ranked(accounts, sorted(ledger.accounts.keys()))
    module.currencies = _ranked(currencies)
    module.payees = _ranked(payees)


def _ranked(scores: dict[str, float], items: list[str] | None = None) -> list[str]:
    from fava.util.ranking import ExponentialDecayRanker

    ranker = ExponentialDecayRanker(items)
    ranker.scores = scores
    return ranker.sort()


def _score(days: list[int], rate: float) -> float:
    """The ranker's score of an item liked on these days (ordinals), in this order: each
    update is log(exp(score) + exp(day * rate)), the larger term taken outside."""
    exp, log1p = math.exp, math.log1p
    score = 0.0
    for day in days:
        time = day * rate
        if score < time:
            score = time + log1p(exp(score - time))
        else:
            score = score + log1p(exp(time - score))
    return score


def _scores(transactions: Iterable, rate: float,
            ) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """The ranking scores of accounts, currencies and payees, each updated in Fava's order."""
    accounts: dict[str, list[int]] = defaultdict(list)
    currencies: dict[str, list[int]] = defaultdict(list)
    payees: dict[str, list[int]] = defaultdict(list)
    for transaction in transactions:
        day = transaction.date.toordinal()
        if transaction.payee:
            payees[transaction.payee].append(day)
        for posting in transaction.postings:
            accounts[posting.account].append(day)
            currencies[posting.units.currency].append(day)
            cost = posting.cost
            if cost and cost.currency is not None:
                currencies[cost.currency].append(day)
    return tuple({item: _score(days, rate) for item, days in liked.items()}
                 for liked in (accounts, currencies, payees))
