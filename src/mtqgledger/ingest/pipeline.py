"""``mtqg import``: source documents into the books, checked, atomically, without duplicates.

1. Each file is identified and read by its beangulp importer (documents.py).
2. What the books already hold is dropped: an allocation is the same if it has
   the same decision, line and detail row; a treasury movement if it has the same
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

import datetime
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from beancount.core import data
from beancount.parser import printer

from mtqgledger.books import Books, BooksNotFound, paused_gc
from mtqgledger.files import StagedFiles
from mtqgledger.importers.identity import drop_duplicates, known_keys, reference
from mtqgledger.ingest.check import check_result
from mtqgledger.ingest.documents import SourceDocument, importers_for, read_document
from mtqgledger.ingest.items import ITEMS_FILE, items_path, items_text, naming_the_items
from mtqgledger.model.accounts import Root, parse_account
from mtqgledger.model.catalogue import Catalogue, CatalogueError
from mtqgledger.model.catalogue_files import load_catalogue
from mtqgledger.model.text import bilingual
from mtqgledger.outputs.beancount_text import format_entries, open_entries

IMPORT_DIR = "imports"
TARGETS = {"decision": "decisions.beancount", "treasury": "treasury.beancount"}
ACCOUNTS_FILE = "accounts.beancount"
KIND_TITLES = {"decision": "quyết định giao / điều chỉnh vốn",
               "treasury": "bảng kê chứng từ Kho bạc"}
# Below this many entries formatting is quick and a second process is not worth it.
PARALLEL_FROM = 20_000


class ImportFailed(Exception):
    """The import was refused; the books are unchanged. The message says why and where."""


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
        """By (kind, source, capital): the plan change of decisions, the money moved by vouchers."""
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
            if "decision" in entry.meta:
                sums[key] -= sum(int(p.units.number) for p, (root, _) in parsed
                                 if root is Root.ALLOCATED)
            else:
                sums[key] += sum(int(p.units.number) for p, _ in parsed if p.units.number > 0)
        return dict(sums)


def opens_for(entries: Iterable[data.Transaction], existing: Iterable[data.Directive],
              catalogue: Catalogue) -> list[data.Open]:
    """``open`` directives for the model accounts the new entries use and the books lack."""
    opened = {entry.account for entry in existing if isinstance(entry, data.Open)}
    first_use: dict[str, datetime.date] = {}
    for entry in entries:
        for posting in entry.postings:
            if posting.account not in opened:
                day = first_use.get(posting.account, entry.date)
                first_use[posting.account] = min(day, entry.date)
    result = []
    for account, used in sorted(first_use.items()):
        parsed = parse_account(account)
        if parsed is not None:
            root, line = parsed
            start = datetime.date(line.budget_year, 1, 1)
            result.extend(open_entries(line, catalogue, min(start, used), roots=(root,)))
    return result


def include_lines(main_text: str, targets: Iterable[Path], loaded: Iterable[str]) -> str:
    """The main file's text with an include line for each target the books do not load.

    ``loaded`` is what Beancount actually read, so a commented-out include
    or one spelt another way ("./imports/…") is judged by its effect.
    """
    read = {os.path.realpath(name) for name in loaded}
    lines = [f'include "{IMPORT_DIR}/{target.name}"' for target in targets
             if os.path.realpath(target) not in read]
    if not lines:
        return main_text
    block = "\n; Dữ liệu nhập từ tài liệu nguồn (mtqg import)\n" + "\n".join(lines) + "\n"
    return main_text.rstrip("\n") + "\n" + block


def _write_while(staged: StagedFiles, make_texts: Callable[[], dict[Path, str]],
                 work: Callable[[], list[str]], parallel: bool) -> list[str]:
    """Run ``work`` (the check) while the staged files are formatted and written.

    With ``parallel`` on a POSIX system a forked child formats and writes, using
    the second core; it shares the parent's entries instead of receiving copies.
    Returns ``work``'s result; raises ImportFailed if writing failed.
    """
    if not (parallel and hasattr(os, "fork")):
        staged.write(make_texts())
        return work()
    child = os.fork()
    if child == 0:  # the child: format, write, and leave without running any cleanup
        code = 1
        try:
            staged.write(make_texts())
            code = 0
        finally:
            os._exit(code)
    try:
        problems = work()
    finally:
        _, status = os.waitpid(child, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise ImportFailed(bilingual("không ghi được các tệp tạm; không ghi gì",
                                     "could not write the staged files; nothing written"))
    return problems


def import_files(ledger: Path, files: Sequence[Path], *, dry_run: bool = False,
                 options: dict | None = None,
                 progress: Callable[[str], None] | None = None) -> ImportResult:
    """Import source documents into the books at ``ledger``; see the module docstring."""
    with paused_gc():
        return _import_files(Path(ledger), files, dry_run, options or {},
                             progress or (lambda _label: None))


def _open_books(ledger: Path) -> Books:
    try:
        books = Books.open(ledger, use_cache=False)
    except BooksNotFound as problem:
        raise ImportFailed(str(problem)) from None
    if books.load_errors:
        detail = "\n".join(printer.format_error(error) for error in books.load_errors[:10])
        raise ImportFailed(bilingual(f"{ledger}: sổ đang có {len(books.load_errors)} lỗi, sửa "
                                     "trước khi nhập", "the books have errors; fix them first")
                           + f"\n{detail}")
    return books


def new_entries(documents: Sequence[SourceDocument], existing: Sequence[data.Directive],
                ) -> tuple[dict[str, list[data.Transaction]], int]:
    """The documents' entries the books do not hold yet, by kind; and how many were dropped."""
    cited = {ref for document in documents for entry in document.entries
             if (ref := reference(entry)) is not None}
    seen = known_keys(existing, among=cited)
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
    books = _open_books(ledger)
    existing = books.entries
    try:
        importers = importers_for(books.catalogue, options)
    except ValueError as problem:
        raise ImportFailed(str(problem)) from None
    documents = []
    for path in files:
        step(f"đọc {Path(path).name}")
        documents.append(read_document(Path(path), importers, existing))
    batches, duplicates = new_entries(documents, existing)
    new = [entry for batch in batches.values() for entry in batch]
    items = _Items(books, documents) if new else None
    catalogue = items.catalogue if items else books.catalogue
    opened = opens_for(new, existing, catalogue)
    result = ImportResult(documents, new, opened, duplicates, [])
    if new and not dry_run:
        step("kiểm tra và ghi (checking and writing)")
        result.written = _write(books, documents, batches, result, items)
    return result


class _Items:
    """The items new to the books' catalogue the documents name, and the catalogue with them."""

    def __init__(self, books: Books, documents: Sequence[SourceDocument]) -> None:
        nodes = {node.path: node for document in documents for node in document.new_items}
        self.path = items_path(books.path, IMPORT_DIR)
        self.text = ""
        self.catalogue = books.catalogue
        if not nodes:
            return
        before = self.path.read_text(encoding="utf-8") if self.path.exists() else ""
        cited = ", ".join(sorted({str(entry.meta.get("decision") or entry.meta.get("voucher"))
                                  for document in documents for entry in document.entries}))
        self.text = items_text(before, nodes.values(), f"theo {cited} (mtqg import)")
        named = [name for name in books.catalogue_files()
                 if Path(name).resolve() != self.path.resolve()]
        try:
            self.catalogue = load_catalogue(named, [(str(self.path), self.text)])
        except CatalogueError as problem:
            raise ImportFailed(str(problem)) from None


def _write(books: Books, documents: Sequence[SourceDocument],
           batches: dict[str, list[data.Transaction]], result: ImportResult,
           items: _Items | None) -> list[Path]:
    """Append the new entries to the import files, once the books with them pass the checks."""
    ledger, folder, opened = books.path, books.path.parent / IMPORT_DIR, result.opened
    sources = {kind: ", ".join(d.path.name for d in documents if d.kind == kind)
               for kind in TARGETS}
    targets = ([folder / ACCOUNTS_FILE] if opened else []) + \
        [folder / TARGETS[kind] for kind, batch in batches.items() if batch]
    main_text = ledger.read_text(encoding="utf-8")
    updated_main = include_lines(main_text, sorted(targets), books.options.get("include", []))
    if items is not None and items.text:
        targets.insert(0, items.path)
        try:
            updated_main = naming_the_items(updated_main, f"{IMPORT_DIR}/{ITEMS_FILE}")
        except ValueError as problem:
            raise ImportFailed(f"{ledger}: {problem}") from None
    if updated_main != main_text:
        targets.append(ledger)  # renamed last: the main file gains its include lines

    def make_texts() -> dict[Path, str]:
        added = {folder / ACCOUNTS_FILE: format_entries(opened)} if opened else {}
        for kind, batch in batches.items():
            if batch:
                added[folder / TARGETS[kind]] = (
                    f"\n; Nhập từ {sources[kind]} ({KIND_TITLES[kind]})\n\n"
                    + format_entries(batch))
        texts = {}
        for path, text in added.items():
            before = path.read_text(encoding="utf-8") if path.exists() else \
                "; Tạo bởi mtqg import. Không sửa tay các dòng đã nhập.\n"
            texts[path] = before.rstrip("\n") + "\n" + text
        if items is not None and items.text:
            texts[items.path] = items.text
        texts[ledger] = updated_main
        return texts

    catalogue = items.catalogue if items is not None else books.catalogue

    def check_and_sum() -> list[str]:
        problems = check_result(list(books.entries), books.options, [*opened, *result.added],
                                catalogue)
        if not problems:
            result.totals()  # for the summary, while the child may still be writing
        return problems

    staged = StagedFiles(targets)
    try:
        problems = _write_while(staged, make_texts, check_and_sum,
                                parallel=len(result.added) >= PARALLEL_FROM)
        if problems:
            raise ImportFailed(bilingual(f"{len(problems)} lỗi khi kiểm tra sổ sau khi nhập; "
                                         "không ghi gì",
                                         "the result fails the checks; nothing written")
                               + ":\n" + "\n".join(problems[:20]))
        staged.commit()
    finally:
        staged.discard()
    return targets
