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

from beancount.core import data
from beancount.ops import balance
from beancount.parser import printer

from mtqgledger.model.catalogue import Catalogue
from mtqgledger.plugins import budget_rules
from mtqgledger.plugins.rule_options import RuleConfig
from mtqgledger.snapshot.validations import new_entry_errors

_Transaction = data.Transaction


def check_result(existing: list[data.Directive], options_map: dict,
                 added: list[data.Directive], catalogue: Catalogue) -> list[str]:
    """Errors of the books with the new entries added: Beancount's checks and the budget rules
    (with ``catalogue``: the books' own, with the items the import adds to it)."""
    added = sorted(added, key=data.entry_sortkey)
    structure = [entry for entry in existing if not isinstance(entry, _Transaction)]
    errors = new_entry_errors(structure, added, options_map)
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
