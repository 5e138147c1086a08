"""``mtqg import``: source documents into the books, checked, atomically, without duplicates.

1. Each file is identified and read by its beangulp importer (documents.py).
2. What the books already hold is dropped: an allocation is the same if it has
   the same decision, line and unit row; a treasury movement if it has the same
   voucher, kind, line and amount (not beangulp's ±2-day similarity); see
   importers/identity.py.
3. The rest, with ``open`` directives for lines not yet open, is appended to
   include files beside the ledger (``imports/decisions.beancount``,
   ``imports/treasury.beancount``, ``imports/accounts.beancount``).
4. The result is checked in full before anything is written (check.py); then
   each file is replaced atomically.

On any error nothing on disk changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from beancount.core import data

from mtqgledger.books import Books, paused_gc
from mtqgledger.importers.identity import drop_duplicates, known_keys, reference
from mtqgledger.importers.workbook import ImportProblem
from mtqgledger.ingest.documents import SourceDocument, importers_for, read_document
from mtqgledger.ingest.items import (
    items_path,
    items_text,
    naming_the_items,
    where_to_teach,
)
from mtqgledger.ingest.units import UnitNames, name_units, units_path
from mtqgledger.ingest.writing import (
    IMPORT_DIR,
    Batch,
    ImportFailed,
    Writing,
    open_books,
    opens_for,
    write_checked,
)
from mtqgledger.model.accounts import Root, parse_account
from mtqgledger.model.catalogue import CatalogueError, Node
from mtqgledger.model.catalogue_files import load_catalogue
from mtqgledger.model.names import TEACHING
from mtqgledger.model.postings import HANDOVER_CODE

TARGETS = {"decision": "decisions.beancount", "treasury": "treasury.beancount",
           "handover": "handovers.beancount"}
KIND_TITLES = {"decision": "quyết định giao / điều chỉnh vốn",
               "treasury": "bảng kê chứng từ Kho bạc",
               "handover": "bảng bàn giao vốn giữa các đơn vị"}


@dataclass
class ImportResult:
    """What an import added (or, with dry_run, would add)."""

    documents: list[SourceDocument]
    added: list[data.Transaction]
    opened: list[data.Open]
    duplicates: int
    written: list[Path]
    _totals: dict[tuple[str, str, str], int] | None = field(default=None, repr=False)

    def totals(self) -> dict[tuple[str, str, str], int]:
        """By (kind, source, capital): the plan change of decisions, the money moved by vouchers
        and the plan handed over between units."""
        if self._totals is None:
            self._totals = self._sum_added()
        return self._totals

    def _sum_added(self) -> dict[tuple[str, str, str], int]:
        sums: dict[tuple[str, str, str], int] = defaultdict(int)
        for entry in self.added:
            parsed = [(posting, found) for posting in entry.postings
                      if (found := parse_account(posting.account)) is not None]
            if not parsed:
                continue
            line = parsed[0][1][1]
            key = (str(entry.meta.get("kind", "")), line.source, line.capital)
            if entry.meta.get("kind") == HANDOVER_CODE:  # the plan moved between units
                sums[key] += sum(int(p.units.number) for p, (root, _) in parsed
                                 if root is Root.ALLOCATED and p.units.number > 0)
            elif "decision" in entry.meta:
                sums[key] -= sum(int(p.units.number) for p, (root, _) in parsed
                                 if root is Root.ALLOCATED)
            else:
                sums[key] += sum(int(p.units.number) for p, _ in parsed if p.units.number > 0)
        return dict(sums)


def import_files(ledger: Path, files: Sequence[Path], *, dry_run: bool = False,
                 options: dict | None = None,
                 progress: Callable[[str], None] | None = None) -> ImportResult:
    """Import source documents into the books at ``ledger``; see the module docstring."""
    with paused_gc():
        return _import_files(Path(ledger), files, dry_run, options or {},
                             progress or (lambda _label: None))


def new_entries(documents: Sequence[SourceDocument], books: Books,
                ) -> tuple[dict[str, list[data.Transaction]], int]:
    """The documents' entries the books do not hold yet, by kind; and how many were dropped."""
    cited = {ref for document in documents for entry in document.entries
             if (ref := reference(entry)) is not None}
    # Books that cite none of them (a new month's vouchers) are not read through.
    seen = known_keys(books.entries, among=cited) if books.may_cite(cited) else set()
    batches: dict[str, list[data.Transaction]] = {kind: [] for kind in TARGETS}
    duplicates = 0
    for number, document in enumerate(documents, start=1):
        kept, dropped = drop_duplicates(document.entries, seen)
        batches[document.kind].extend(kept)
        duplicates += dropped
        if number < len(documents):
            seen |= known_keys(kept)  # a later document repeating this one adds nothing
    return batches, duplicates


def _import_files(ledger: Path, files: Sequence[Path], dry_run: bool, options: dict,
                  step: Callable[[str], None]) -> ImportResult:
    step("đọc sổ (loading the books)")
    books = open_books(ledger)
    existing = books.light_entries()
    try:
        importers = importers_for(books.catalogue, options)
    except ValueError as problem:
        raise ImportFailed(str(problem)) from None
    documents = []
    for path in files:
        step(f"đọc {Path(path).name}")
        try:
            documents.append(read_document(Path(path), importers, existing))
        except ImportProblem as problem:
            if TEACHING in problem.problem:  # say which file the spelling is taught in
                raise ImportProblem(problem.file, problem.problem + "\n" + where_to_teach(
                    books.path, books.catalogue_files(), IMPORT_DIR), problem.sheet,
                    problem.row, problem.column) from None
            raise
    _one_note_per_new_item(documents)
    units = name_units(documents, books.catalogue.unit_registry)
    batches, duplicates = new_entries(documents, books)
    new = [entry for batch in batches.values() for entry in batch]
    items = _Items(books, documents, units) if new else None
    catalogue = items.catalogue if items else books.catalogue
    opened = opens_for(new, existing, catalogue)
    result = ImportResult(documents, new, opened, duplicates, [])
    if new and not dry_run:
        step("kiểm tra và ghi (checking and writing)")
        result.written = _write(books, documents, batches, result, items)
    return result


def _one_note_per_new_item(documents: Sequence[SourceDocument]) -> None:
    """A new item a decision of the import titles is noted once, there, not again where a
    statement names it only by its number."""
    titled = {node.path for document in documents if document.kind == "decision"
              for node in document.new_items}
    for document in documents:
        if document.kind != "decision":
            document.names = [name for name in document.names
                              if not (name.match.how == "new"
                                      and name.match.node.path in titled)]


class _Items:
    """The catalogue files an import rewrites (new items, new units), and the catalogue
    the books will have with them."""

    def __init__(self, books: Books, documents: Sequence[SourceDocument],
                 units: UnitNames) -> None:
        # A decision's title of a new item wins over a statement's bare "Nội dung 01".
        nodes: dict[tuple[str, ...], Node] = {}
        for document in sorted(documents, key=lambda document: document.kind != "decision"):
            for node in document.new_items:
                nodes.setdefault(node.path, node)
        self.texts: dict[Path, str] = {}
        self.catalogue = books.catalogue
        if nodes:
            path = items_path(books.path, IMPORT_DIR)
            before = path.read_text(encoding="utf-8") if path.exists() else ""
            cited = ", ".join(sorted({str(entry.meta.get("decision") or entry.meta.get("voucher"))
                                      for document in documents for entry in document.entries}))
            self.texts[path] = items_text(before, nodes.values(), f"theo {cited} (mtqg import)")
        path = units_path(books.path)
        before = path.read_text(encoding="utf-8") if path.exists() else ""
        if (text := units.text(before)) != before:
            self.texts[path] = text
        if not self.texts:
            return
        rewritten = {path.resolve() for path in self.texts}
        named = [name for name in books.catalogue_files() if Path(name).resolve() not in rewritten]
        try:
            self.catalogue = load_catalogue(named, [(str(path), text)
                                                    for path, text in self.texts.items()])
        except CatalogueError as problem:
            raise ImportFailed(str(problem)) from None

    def naming(self, ledger: Path) -> Callable[[str], str]:
        """The edit of the main file that names the rewritten files on the plugin line."""
        relatives = [path.relative_to(ledger.parent).as_posix() for path in self.texts]

        def edit_main(text: str) -> str:
            try:
                for relative in relatives:
                    text = naming_the_items(text, relative)
                return text
            except ValueError as problem:
                raise ImportFailed(f"{ledger}: {problem}") from None

        return edit_main


def _write(books: Books, documents: Sequence[SourceDocument],
           batches: dict[str, list[data.Transaction]], result: ImportResult,
           items: _Items | None) -> list[Path]:
    """Append the new entries to the import files, once the books with them pass the checks."""
    folder = books.path.parent / IMPORT_DIR
    writing = Writing(
        [Batch(folder / TARGETS[kind],
               f"; Nhập từ {', '.join(d.path.name for d in documents if d.kind == kind)} "
               f"({KIND_TITLES[kind]})", list(batch))
         for kind, batch in batches.items() if batch],
        result.opened, items.catalogue if items is not None else books.catalogue)
    if items is not None and items.texts:
        writing.whole.update(items.texts)
        writing.edit_main = items.naming(books.path)
    # the totals for the summary, while a forked writer may still be busy
    return write_checked(books, writing, after_check=result.totals)
