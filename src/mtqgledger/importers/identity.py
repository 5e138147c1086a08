"""When an imported figure is one the books already hold.

An allocation is the same figure if it cites the same decision for the same
line and detail row; a treasury movement if it has the same voucher, kind and
line. This replaces beangulp's default, which calls entries within ±2 days
with similar postings duplicates: two equal payments on one day are not.
"""

from __future__ import annotations

from collections.abc import Iterable

from beancount.core import data

from mtqgledger.accounts import AccountError, parse_account

DUPLICATE = "__duplicate__"  # beangulp's marker


def identity_keys(entry: data.Transaction) -> set[tuple]:
    """What makes an imported figure the same figure, once per line it touches."""
    reference = entry.meta.get("voucher") or entry.meta.get("decision")
    if reference is None:
        return set()
    keys = set()
    for posting in entry.postings:
        try:
            parsed = parse_account(posting.account)
        except AccountError:
            continue
        if parsed is not None:
            keys.add((str(reference), str(entry.meta.get("kind", "")), parsed[1].name(),
                      str(entry.meta.get("detail", ""))))
    return keys


def known_keys(existing: Iterable[data.Directive]) -> set[tuple]:
    """The identities of every transaction the books hold."""
    seen: set[tuple] = set()
    for entry in existing:
        if isinstance(entry, data.Transaction):
            seen |= identity_keys(entry)
    return seen


def drop_duplicates(new: Iterable[data.Transaction], seen: set[tuple],
                    ) -> tuple[list[data.Transaction], int]:
    """New entries whose identity is not in ``seen`` yet; ``seen`` learns the kept ones."""
    kept, dropped = [], 0
    for entry in new:
        keys = identity_keys(entry)
        if keys and keys <= seen:
            dropped += 1
            continue
        seen |= keys
        kept.append(entry)
    return kept, dropped


def mark_duplicates(entries: list[data.Directive], existing: Iterable[data.Directive]) -> None:
    """beangulp's deduplicate(): flag the entries the books (or earlier entries) hold."""
    seen = known_keys(existing)
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        keys = identity_keys(entry)
        if keys and keys <= seen:
            entry.meta[DUPLICATE] = True
        seen |= keys
