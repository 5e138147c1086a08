"""``mtqg extend``: a year's unused money carried into a later year, by a decision.

NQ 257/2025/QH15 lets the 2025 money of the 2021–2025 programmes (with earlier
money already carried into 2025) be disbursed until 31/12/2026. On the day given,
every matching line whose money may be disbursed in ``from`` moves what remains of
it at the end of that day (plan − payments − outstanding
advances; docs/accounts.md) into its ``K<into>`` segment, citing the decision;
outstanding advances stay on the line and are settled there; on a line divided among
spending units each unit's remaining money moves and stays the unit's. The entries are
written like an import's (writing.py): checked in full, then atomically, to
``imports/extensions.beancount``. Lines with nothing left are skipped, so a
second run adds nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from beancount.core import amount, data

from mtqgledger.books import Books, paused_gc
from mtqgledger.figures.extension import Remaining, cite, remaining_to_extend
from mtqgledger.ingest.writing import (
    IMPORT_DIR,
    Batch,
    ImportFailed,
    Writing,
    open_books,
    opens_for,
    write_checked,
)
from mtqgledger.model.deadlines import extension_end
from mtqgledger.model.postings import EXTENSION_CODE, extension
from mtqgledger.model.text import bilingual
from mtqgledger.model.titles import committee_name
from mtqgledger.model.units import UNIT_KEY
from mtqgledger.outputs.formatting import format_date

EXTENSIONS_FILE = "extensions.beancount"


@dataclass(frozen=True)
class ExtensionOrder:
    """What to extend: the money of year ``from_year`` into ``into``, by ``decision``, on
    ``date``."""

    from_year: int
    into: int
    decision: str
    decision_date: datetime.date
    date: datetime.date
    until: datetime.date | None = None  # default 31/12 of ``into``
    programs: tuple[str, ...] = ()
    province: str | None = None

    @property
    def extend_to(self) -> datetime.date:
        return self.until or extension_end(self.into)

    def problems(self) -> list[str]:
        found = []
        if self.into <= self.from_year:
            found.append(bilingual(f"--into {self.into} phải sau --from {self.from_year}",
                                   "money is extended into a later year"))
        if self.date < self.decision_date:
            found.append(bilingual(
                f"--date {format_date(self.date)} trước ngày quyết định "
                f"{format_date(self.decision_date)}", "the extension follows its decision"))
        if self.extend_to < self.date:
            found.append(bilingual(f"--until {format_date(self.extend_to)} trước --date "
                                   f"{format_date(self.date)}", "the deadline is before the day"))
        return found


@dataclass
class ExtensionResult:
    """What an extension added (or, with dry_run, would add)."""

    remaining: list[Remaining]
    added: list[data.Transaction]
    opened: list[data.Open]
    written: list[Path]

    @property
    def total(self) -> int:
        return sum(item.amount for item in self.remaining)


def extend(ledger: Path, order: ExtensionOrder, *, dry_run: bool = False) -> ExtensionResult:
    """Extend the books at ``ledger`` as ``order`` says; see the module docstring."""
    problems = order.problems()
    if problems:
        raise ImportFailed("\n".join(problems))
    with paused_gc():
        books = open_books(Path(ledger))
        _check_codes(books, order)
        remaining = remaining_to_extend(books.movements, order.from_year, order.date,
                                        programs=order.programs, province=order.province)
        added = [_entry(books, order, item) for item in remaining]
        opened = opens_for(added, books.entries, books.catalogue)
        result = ExtensionResult(remaining, added, opened, [])
        if added and not dry_run:
            heading = (f"; Kéo dài vốn năm {order.from_year} sang {order.into} theo "
                       f"{cite(order.decision)} (mtqg extend, ngày {format_date(order.date)})")
            result.written = write_checked(
                books, Writing([Batch(_target(books), heading, list(added))], opened,
                               books.catalogue, tool="mtqg extend"))
        return result


def _target(books: Books) -> Path:
    return books.path.parent / IMPORT_DIR / EXTENSIONS_FILE


def _check_codes(books: Books, order: ExtensionOrder) -> None:
    catalogue = books.catalogue
    unknown = [code for code in order.programs if code not in catalogue.programs]
    if unknown:
        raise ImportFailed(bilingual(
            f"không có chương trình {', '.join(unknown)} trong danh mục",
            f"unknown programme; known: {', '.join(catalogue.programs)}"))
    if order.province is not None and order.province not in catalogue.provinces:
        raise ImportFailed(bilingual(f"không có tỉnh {order.province} trong danh mục",
                                     "unknown province (see mtqg provinces)"))


def _entry(books: Books, order: ExtensionOrder, item: Remaining) -> data.Transaction:
    line = item.line
    meta = data.new_metadata(str(_target(books)), 0, {
        "decision": order.decision, "decision_date": order.decision_date,
        "kind": EXTENSION_CODE, "extend_to": order.extend_to})
    shares = item.units or ((None, item.amount),)
    postings = [data.Posting(account, amount.Amount(Decimal(number), "VND"), None, None, None,
                             {UNIT_KEY: unit.name} if unit and unit.name else None)
                for unit, share in shares
                for account, number in extension(line, order.into, share)]
    narration = (f"Kéo dài thời gian thực hiện và giải ngân kế hoạch vốn năm "
                 f"{order.from_year} sang năm {order.into} theo {cite(order.decision)}")
    return data.Transaction(meta, order.date, "*", committee_name(books.catalogue, line.province),
                            narration, frozenset(), frozenset(), postings)
