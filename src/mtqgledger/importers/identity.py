"""When an imported figure is one the books already hold.

An allocation is the same figure if it cites the same decision for the same
line and unit row; a treasury movement if it has the same voucher, kind,
line and amount. This replaces beangulp's default, which calls entries within
±2 days with similar postings duplicates: two equal payments on one day are
not. Rows of one document are never duplicates of each other: a voucher may
carry two movements on one line.
"""

from __future__ import annotations

from collections.abc import Iterable

from beancount.core import data

from mtqgledger.model.accounts import root_of
from mtqgledger.model.postings import cited_reference
from mtqgledger.model.units import UNIT_KEY, unit_written

DUPLICATE = "__duplicate__"  # beangulp's marker


def identity_keys(entry: data.Transaction) -> set[tuple]:
    """What makes an imported figure the same figure, once per line it touches."""
    meta = entry.meta
    reference = meta.get("voucher") or meta.get("decision")
    if reference is None:
        return set()
    # A voucher's movement is also told apart by its amount; a decision's line is
    # not, so that a changed figure under the same decision is never booked twice.
    # A decision's unit row tells its figures apart; a voucher's unit is the registry's name
    # once imported, so it is left out rather than compared as the statement writes it.
    voucher = "voucher" in meta
    size = str(max(abs(p.units.number) for p in entry.postings)) if voucher else ""
    kind, unit = str(meta.get("kind", "")), "" if voucher else unit_written(meta)[0]
    if not voucher and not unit:  # a handover: the units on its postings, giver first
        unit = " → ".join(dict.fromkeys(unit_written(p.meta)[0] for p in entry.postings
                                        if p.meta and UNIT_KEY in p.meta))
    return {(str(reference), kind, posting.account.split(":", 2)[-1], unit, size)
            for posting in entry.postings if root_of(posting.account) is not None}


def reference(entry: data.Transaction) -> str | None:
    """The voucher or decision an entry cites."""
    return cited_reference(entry.meta)


def known_keys(existing: Iterable[data.Directive], among: set[str] | None = None,
               ) -> set[tuple]:
    """The identities of the transactions the books hold (only those citing ``among``)."""
    seen: set[tuple] = set()
    for entry in existing:
        if isinstance(entry, data.Transaction) and (
                among is None or reference(entry) in among):
            seen |= identity_keys(entry)
    return seen


def drop_duplicates(new: Iterable[data.Transaction], seen: set[tuple],
                    ) -> tuple[list[data.Transaction], int]:
    """The entries of one document whose identity is not in ``seen`` (the books so far)."""
    cited = {key[0] for key in seen}
    kept, dropped = [], 0
    for entry in new:
        # Most imported entries cite a voucher the books have never seen: no key needed.
        if reference(entry) in cited and (keys := identity_keys(entry)) and keys <= seen:
            dropped += 1
        else:
            kept.append(entry)
    return kept, dropped


def mark_duplicates(entries: list[data.Directive], existing: Iterable[data.Directive]) -> None:
    """beangulp's deduplicate(): flag the entries of one document the books already hold."""
    seen = known_keys(existing)
    for entry in entries:
        if isinstance(entry, data.Transaction):
            keys = identity_keys(entry)
            if keys and keys <= seen:
                entry.meta[DUPLICATE] = True
