"""The check ``mtqg import`` runs before it writes: the books with the new entries added.

The existing books were loaded and checked already. Beancount's validations
of a transaction need only the accounts' directives, so they run on those plus
the new entries; balance assertions and the budget rules follow running
balances, so they run on everything. The new entries are complete (every
posting has its amount) and need no booking; the text written for them parses
back to them (tests/test_entrytext.py).
"""

from __future__ import annotations

import heapq
import os
from decimal import Decimal

from beancount.core import data
from beancount.ops import balance, validation
from beancount.parser import printer

from mtqgledger.model.catalogue import Catalogue
from mtqgledger.plugins import budget_rules
from mtqgledger.plugins.rule_options import RuleConfig


def unbalanced(entries: list[data.Directive], options_map: dict) -> list:
    """Transactions that do not balance.

    Imported entries post whole amounts with no cost or price, so each
    currency's postings must sum to exactly zero: stricter than Beancount's
    tolerance, and a fraction of its time on 100,000 entries. Anything else
    goes through Beancount's own check.
    """
    errors, others = [], []
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        if any(p.cost is not None or p.price is not None or p.units is None
               for p in entry.postings):
            others.append(entry)
            continue
        sums: dict[str, Decimal] = {}
        for posting in entry.postings:
            currency = posting.units.currency
            sums[currency] = sums.get(currency, 0) + posting.units.number
        if any(total != 0 for total in sums.values()):
            errors.append(validation.ValidationError(
                entry.meta, f"Transaction does not balance: {sums}", entry))
    return errors + validation.validate_check_transaction_balances(others, options_map)


def check_result(existing: list[data.Directive], options_map: dict,
                 added: list[data.Directive], catalogue: Catalogue) -> list[str]:
    """Errors of the books with the new entries added: Beancount's checks and the budget rules
    (with ``catalogue``: the books' own, with the items the import adds to it)."""
    added = sorted(added, key=data.entry_sortkey)
    structure = [entry for entry in existing if not isinstance(entry, data.Transaction)]
    merged = list(heapq.merge(structure, added, key=data.entry_sortkey))
    errors = [error for check in validation.VALIDATIONS
              if check is not validation.validate_check_transaction_balances
              for error in check(merged, options_map)]
    errors += unbalanced(added, options_map)
    # Both lists are in date order already (the loader sorts the books).
    combined = list(heapq.merge(existing, added, key=data.entry_sortkey))
    if any(isinstance(entry, data.Balance) for entry in structure):
        errors += balance.check(combined, options_map)[1]
    for name, config in options_map.get("plugin", []):
        if name == budget_rules.__name__:  # the books' own rules, with their options
            base = os.path.dirname(options_map.get("filename") or ".")
            rules = RuleConfig.parse(config, base)
            errors += budget_rules.check_rules(combined, catalogue, rules)[0]
            break
    return [printer.format_error(error) for error in errors]
