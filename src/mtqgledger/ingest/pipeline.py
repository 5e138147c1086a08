"""``mtqg import``: source documents into the books, checked, atomically, without duplicates.

1. Each file is identified (allocation decision or treasury statement) and read.
2. What the books already hold is dropped: an allocation is the same if it has
   the same decision, line and detail row; a treasury movement if it has the same
   voucher, kind, line and amount (not beangulp's ±2-day similarity); see
   importers/identity.py.
3. The rest, with ``open`` directives for lines not yet open, is appended to
   include files beside the ledger (``imports/decisions.beancount``,
   ``imports/treasury.beancount``, ``imports/accounts.beancount``).
4. The result is checked in full before anything is written (Beancount's
   validations and the budget rules over the books plus the new entries); then
   each file is replaced atomically.

On any error nothing on disk changes.
"""

from __future__ import annotations

import contextlib
import datetime
import heapq
import os
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from beancount import loader
from beancount.core import data
from beancount.ops import balance, validation
from beancount.parser import printer

from mtqgledger.books import paused_gc
from mtqgledger.importers.decision import looks_like_decision, read_decision
from mtqgledger.importers.identity import drop_duplicates, known_keys, reference
from mtqgledger.importers.treasury import looks_like_statement, read_statement
from mtqgledger.importers.workbook import ImportProblem, read_workbook
from mtqgledger.model.accounts import ROOT_TITLES, Root, parse_account
from mtqgledger.model.catalogue import Catalogue, load_catalogue
from mtqgledger.model.titles import line_title
from mtqgledger.outputs.beancount_text import format_entries
from mtqgledger.plugins import budget_rules

IMPORT_DIR = "imports"
TARGETS = {"decision": "decisions.beancount", "treasury": "treasury.beancount"}
ACCOUNTS_FILE = "accounts.beancount"
KIND_TITLES = {"decision": "quyết định giao / điều chỉnh vốn",
               "treasury": "bảng kê chứng từ Kho bạc"}


class ImportFailed(Exception):
    """The import was refused; the books are unchanged. The message says why and where."""


@dataclass
class SourceDocument:
    path: Path
    kind: str  # decision | treasury
    entries: list[data.Transaction]
    ignored_sheets: list[str] = field(default_factory=list)


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


def identify(path: Path) -> str:
    """'decision' or 'treasury'; anything else is refused with the reason."""
    read_workbook(path)  # raises a clear ImportProblem for a file that is not a workbook
    if looks_like_decision(path):
        return "decision"
    if looks_like_statement(path):
        return "treasury"
    raise ImportProblem(path, "không nhận ra loại tài liệu: không phải phụ lục quyết định "
                              "giao vốn (STT, Nội dung, cột theo nguồn vốn / loại vốn, tiêu "
                              "đề 'Quyết định số …') cũng không phải bảng kê Kho bạc (Ngày, "
                              "Số chứng từ, Nghiệp vụ, Số tiền) (unrecognised document)")


def read_document(path: Path, existing: Sequence[data.Directive], catalogue: Catalogue,
                  options: dict) -> SourceDocument:
    kind = identify(path)
    if kind == "decision":
        keys = ("number", "date", "province", "plan_year", "source", "capital", "mapping")
        result = read_decision(path, catalogue, **{k: options[k] for k in keys
                                                   if options.get(k) is not None})
        return SourceDocument(path, kind, result.entries, result.ignored)
    keys = ("province", "plan_year", "codes")
    statement = read_statement(path, catalogue, existing=existing,
                               **{k: options[k] for k in keys if options.get(k) is not None})
    return SourceDocument(path, kind, statement.entries, statement.ignored)


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
        if parsed is None:
            continue
        root, line = parsed
        start = datetime.date(line.budget_year, 1, 1)
        meta = data.new_metadata("<mtqg import>", 0,
                                 {"name": line_title(catalogue, line),
                                  "role": ROOT_TITLES[root]})
        result.append(data.Open(meta, min(start, used), account, ["VND"], None))
    return result


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
                 added: list[data.Directive]) -> list[str]:
    """Errors of the books with the new entries added: Beancount's checks and the budget rules.

    The existing books were loaded and checked already. Beancount's validations
    of a transaction need only the accounts' directives, so they run on those
    plus the new entries; balance assertions and the budget rules follow running
    balances, so they run on everything. The new entries are complete (every
    posting has its amount) and need no booking; the text written for them
    parses back to them (tests/test_entrytext.py).
    """
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
            errors += budget_rules.budget_rules(combined, options_map, config)[1]
            break
    return [printer.format_error(error) for error in errors]


def _include_lines(main_text: str, targets: Iterable[Path], loaded: Iterable[str]) -> str:
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


class _Staged:
    """Files written beside their targets under temporary names, renamed only on commit."""

    def __init__(self, targets: Sequence[Path]):
        self.files: list[tuple[str, Path]] = []
        try:
            for target in targets:
                target.parent.mkdir(parents=True, exist_ok=True)
                descriptor, temporary = tempfile.mkstemp(dir=target.parent,
                                                         prefix=f".{target.name}.")
                os.close(descriptor)
                if target.exists():
                    mode = target.stat().st_mode & 0o777
                else:  # mkstemp makes 0600 files; a new file gets what the umask allows
                    umask = os.umask(0)
                    os.umask(umask)
                    mode = 0o666 & ~umask
                os.chmod(temporary, mode)
                self.files.append((temporary, target))
        except BaseException:
            self.discard()
            raise

    def fill(self, texts: dict[Path, str]) -> None:
        for temporary, target in self.files:
            with open(temporary, "w", encoding="utf-8") as handle:
                handle.write(texts[target])

    def commit(self) -> None:
        # In order: included files first, the main file (gaining include lines) last.
        for temporary, target in self.files:
            os.replace(temporary, target)
        self.files = []

    def discard(self) -> None:
        for temporary, _ in self.files:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        self.files = []


# Below this many entries formatting is quick and a second process is not worth it.
PARALLEL_FROM = 20_000


def _fill_while(staged: _Staged, make_texts: Callable[[], dict[Path, str]],
                work: Callable[[], list[str]], parallel: bool) -> list[str]:
    """Run ``work`` (the check) while the staged files are formatted and written.

    With ``parallel`` on a POSIX system a forked child formats and writes, using
    the second core; it shares the parent's entries instead of receiving copies.
    Returns ``work``'s result; raises ImportFailed if writing failed.
    """
    if not (parallel and hasattr(os, "fork")):
        staged.fill(make_texts())
        return work()
    child = os.fork()
    if child == 0:  # the child: format, write, and leave without running any cleanup
        code = 1
        try:
            staged.fill(make_texts())
            code = 0
        finally:
            os._exit(code)
    try:
        problems = work()
    finally:
        _, status = os.waitpid(child, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise ImportFailed("không ghi được các tệp tạm (could not write the staged files); "
                           "không ghi gì (nothing written)")
    return problems


def import_files(ledger: Path, files: Sequence[Path], *, dry_run: bool = False,
                 options: dict | None = None,
                 progress: Callable[[str], None] | None = None) -> ImportResult:
    """Import source documents into the books at ``ledger``; see the module docstring."""
    with paused_gc():
        return _import_files(Path(ledger), files, dry_run, options or {},
                             progress or (lambda _label: None))


def _import_files(ledger: Path, files: Sequence[Path], dry_run: bool, options: dict,
                  step: Callable[[str], None]) -> ImportResult:
    if not ledger.is_file():
        raise ImportFailed(f"{ledger}: không tìm thấy sổ (ledger file not found)")
    step("đọc sổ (loading the books)")
    existing, errors, options_map = loader.load_file(str(ledger))
    if errors:
        detail = "\n".join(printer.format_error(error) for error in errors[:10])
        raise ImportFailed(f"{ledger}: sổ đang có {len(errors)} lỗi, sửa trước khi nhập "
                           f"(the books have errors; fix them first)\n{detail}")
    catalogue = load_catalogue()
    documents = []
    for path in files:
        step(f"đọc {Path(path).name}")
        documents.append(read_document(Path(path), existing, catalogue, options))
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
    new = [entry for batch in batches.values() for entry in batch]
    opened = opens_for(new, existing, catalogue)
    folder = ledger.parent / IMPORT_DIR
    result = ImportResult(documents, new, opened, duplicates, [])
    if not new or dry_run:
        return result
    # Which files change, and their new texts (made in a second process when large).
    sources = {kind: ", ".join(d.path.name for d in documents if d.kind == kind)
               for kind in TARGETS}
    targets = ([folder / ACCOUNTS_FILE] if opened else []) + \
        [folder / TARGETS[kind] for kind, batch in batches.items() if batch]
    main_text = ledger.read_text(encoding="utf-8")
    updated_main = _include_lines(main_text, sorted(targets), options_map.get("include", []))
    if updated_main != main_text:
        targets.append(ledger)

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
        texts[ledger] = updated_main
        return texts

    step("kiểm tra và ghi (checking and writing)")
    staged = _Staged(targets)
    try:

        def check_and_sum() -> list[str]:
            problems = check_result(list(existing), options_map, [*opened, *new])
            if not problems:
                result.totals()  # for the summary, while the child may still be writing
            return problems

        problems = _fill_while(staged, make_texts, check_and_sum,
                               parallel=len(new) >= PARALLEL_FROM)
        if problems:
            raise ImportFailed(f"{len(problems)} lỗi khi kiểm tra sổ sau khi nhập; không ghi "
                               "gì (the result fails the checks; nothing written):\n"
                               + "\n".join(problems[:20]))
        staged.commit()
    finally:
        staged.discard()
    result.written = targets
    return result
