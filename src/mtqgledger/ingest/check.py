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
import itertools
import os
from collections.abc import Iterable

from beancount.core import data
from beancount.ops import balance, validation
from beancount.parser import printer

from mtqgledger.model.catalogue import Catalogue
from mtqgledger.plugins import budget_rules
from mtqgledger.plugins.rule_options import RuleConfig
from mtqgledger.snapshot.validations import check_transaction_balances

_Transaction = data.Transaction
# The validations whose look at a transaction to_validate() knows; any other one (say
# validate_data_types, if a program adds it) sees every entry.
_PER_POSTING = frozenset({
    validation.validate_open_close, validation.validate_active_accounts,
    validation.validate_currency_constraints, validation.validate_duplicate_balances,
    validation.validate_duplicate_commodities, validation.validate_documents_paths,
    validation.validate_check_transaction_balances})


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


def to_validate(structure: list[data.Directive], added: list[data.Directive],
                ) -> list[data.Directive]:
    """The directives Beancount's validations (but the balance check) must see: the accounts'
    directives and the new ones, less the transactions that cannot fail them.

    A transaction only meets the active-account and currency checks, each posting on its
    own; one whose accounts were each opened once on an earlier day, never closed, in a
    currency they take, passes both whatever else is in the list, so leaving it out changes
    no error and the order of none.
    """
    if not set(validation.VALIDATIONS) <= _PER_POSTING:
        return list(heapq.merge(structure, added, key=data.entry_sortkey))
    accounts = _open_accounts(itertools.chain(structure, added))
    kept = []
    for entry in added:
        if type(entry) is _Transaction:
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


def check_result(existing: list[data.Directive], options_map: dict,
                 added: list[data.Directive], catalogue: Catalogue) -> list[str]:
    """Errors of the books with the new entries added: Beancount's checks and the budget rules
    (with ``catalogue``: the books' own, with the items the import adds to it)."""
    added = sorted(added, key=data.entry_sortkey)
    structure = [entry for entry in existing if not isinstance(entry, _Transaction)]
    merged = to_validate(structure, added)
    errors = [error for check in validation.VALIDATIONS
              if check is not validation.validate_check_transaction_balances
              for error in check(merged, options_map)]
    errors += check_transaction_balances(added, options_map)
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
