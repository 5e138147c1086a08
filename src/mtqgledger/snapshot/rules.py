"""The budget rules of books with new entries, run only where the new entries can matter.

Every rule follows one line (its roots' balances, its units, its deadline and
extensions): what the rules say about a line depends only on the transactions
that post to it. New entries touch some lines; a transaction that posts to a
touched line and to another (an extension, a correction) ties the other in
too. The rules run on the directives that are not transactions (the accounts'
opens, whose lines the catalogue checks) and the transactions of the touched
lines, closed under that tie; on books without errors or warnings before, the
errors and warnings that gives are exactly those of a run on everything, in the
same order (the run visits the same entries of those lines in the same order).
"""

from __future__ import annotations

import os

from beancount.core import data

from mtqgledger.model.accounts import AccountError, Line, parse_account
from mtqgledger.model.catalogue import Catalogue, CatalogueError
from mtqgledger.model.catalogue_files import load_catalogue
from mtqgledger.plugins import budget_rules
from mtqgledger.plugins.rule_options import RuleConfig
from mtqgledger.snapshot.sources import Overlay, read_bytes

PLUGIN = budget_rules.__name__


class _Lines:
    """The model lines of accounts, parsed once per account."""

    def __init__(self) -> None:
        self.known: dict[str, Line | None] = {}

    def of(self, account: str) -> Line | None:
        try:
            return self.known[account]
        except KeyError:
            pass
        try:
            parsed = parse_account(account)
        except AccountError:
            parsed = None
        line = self.known[account] = parsed[1] if parsed is not None else None
        return line

    def of_entry(self, entry: data.Directive) -> set[Line]:
        if isinstance(entry, data.Transaction):
            found = {self.of(posting.account) for posting in entry.postings}
        elif isinstance(entry, data.Open):
            found = {self.of(entry.account)}
        else:
            return set()
        found.discard(None)
        return found


def touched_entries(entries: list, added: list) -> list:
    """The directives the rules must see to judge the lines ``added`` touches."""
    lines = _Lines()
    touched: set[Line] = set()
    for entry in added:
        touched |= lines.of_entry(entry)
    posting_lines = [(entry, lines.of_entry(entry)) for entry in entries
                     if isinstance(entry, data.Transaction)]
    widened = True
    while widened:  # a transaction posting to a touched line ties in its other lines
        widened = False
        for _, found in posting_lines:
            if len(found) > 1 and found & touched and not found <= touched:
                touched |= found
                widened = True
    tied = {id(entry) for entry, found in posting_lines if found & touched}
    return [entry for entry in entries
            if not isinstance(entry, data.Transaction) or id(entry) in tied]


def _catalogue(files: tuple[str, ...], overlay: Overlay | None) -> Catalogue | None:
    """The catalogue the plugin would load, with the overlay's contents of its files (all
    passed as texts then, so that they merge in the plugin line's order)."""
    if overlay is None or not any(name in overlay for name in files):
        return load_catalogue(files)
    texts = []
    for name in files:
        contents = read_bytes(name, overlay)
        if contents is None:
            return None
        texts.append((name, contents.decode("utf-8")))
    return load_catalogue((), texts)


def rules_on(entries: list, added: list, options: dict, overlay: Overlay | None,
             everything: bool) -> tuple[list, list | None] | None:
    """The budget rules' errors and warnings on books ``entries`` that gained ``added``
    (warnings None when the books do not run the rules); None when the plugin line or a
    catalogue file is one the plugin would report as an error (a full load says how)."""
    plugins = options.get("plugin", [])
    if not plugins:
        return [], None
    (_, config_text), = plugins
    base_dir = os.path.dirname(options.get("filename") or ".")
    try:
        config = RuleConfig.parse(config_text, base_dir)
        catalogue = _catalogue(config.catalogue_files, overlay)
    except (ValueError, CatalogueError, UnicodeDecodeError):
        return None
    if catalogue is None:
        return None
    checked = entries if everything else touched_entries(entries, added)
    errors, warnings = budget_rules.check_rules(checked, catalogue, config)
    return list(errors), list(warnings)
