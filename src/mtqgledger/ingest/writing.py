"""The one way new entries reach the books: checked in full, then written atomically.

``mtqg import`` and ``mtqg extend`` both append their entries to include files
beside the ledger (``imports/…``), add the include lines the main file lacks,
check the books with the new entries (check.py), and only then rename each
staged file over its target. On any error nothing on disk changes.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from beancount.core import data
from beancount.parser import printer

from mtqgledger.books import Books, BooksNotFound
from mtqgledger.files import StagedFiles
from mtqgledger.ingest.check import check_result
from mtqgledger.model.accounts import parse_account
from mtqgledger.model.catalogue import Catalogue
from mtqgledger.model.text import bilingual
from mtqgledger.outputs.beancount_text import format_entries, open_entries
from mtqgledger.snapshot import extend_with, keep
from mtqgledger.snapshot.delta import loader_name

IMPORT_DIR = "imports"
ACCOUNTS_FILE = "accounts.beancount"
NEW_FILE_HEADER = "; Tạo bởi {tool}. Không sửa tay các dòng đã nhập.\n"
# Below this many entries formatting is quick and a second process is not worth it.
PARALLEL_FROM = 20_000


class ImportFailed(Exception):
    """The import was refused; the books are unchanged. The message says why and where."""


@dataclass
class Batch:
    """Entries for one include file, under a comment saying where they came from."""

    target: Path
    heading: str
    entries: list[data.Directive]


@dataclass
class Writing:
    """What to write: the batches, the opens they need, and files rewritten whole."""

    batches: list[Batch]
    opened: list[data.Open]
    catalogue: Catalogue  # the budget rules check against this one
    whole: dict[Path, str] = field(default_factory=dict)  # e.g. imports/catalogue.toml
    edit_main: Callable[[str], str] = lambda text: text  # e.g. the plugin line
    tool: str = "mtqg import"  # named in the head of a new file


def open_books(ledger: Path) -> Books:
    """The books to add to: loaded afresh, and refused while they have errors."""
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


def write_while(staged: StagedFiles, make_texts: Callable[[], dict[Path, str]],
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


def _checked_from_snapshot(books: Books, staged: StagedFiles, texts: dict[Path, str],
                           check: Callable[[], list[str]]) -> tuple[object, list[str]]:
    """Write the staged files and check the books they make: from the books' snapshot and
    the appended text when it can tell (the same errors as a full load, snapshot/), else
    with ``check``. Returns what to log once the files are in place, and the errors."""
    staged.write(texts)
    fast = extend_with(books.path, books.state, {loader_name(path): text.encode("utf-8")
                                    for path, text in texts.items()})
    if fast is None:
        return None, check()
    loaded, pending = fast
    if loaded.errors:  # said again by the full check, which names the documents' rows
        return None, check() or [printer.format_error(error) for error in loaded.errors]
    return pending, []


def write_checked(books: Books, writing: Writing,
                  after_check: Callable[[], object] = lambda: None) -> list[Path]:
    """Append the batches (and the opens) to their files once the books with them pass the
    checks; ``after_check`` runs while a forked writer may still be busy."""
    ledger, folder = books.path, books.path.parent / IMPORT_DIR
    opened = writing.opened
    added = [entry for batch in writing.batches for entry in batch.entries]
    appended = ([Batch(folder / ACCOUNTS_FILE, "", list(opened))] if opened else []) + \
        [batch for batch in writing.batches if batch.entries]
    targets = [batch.target for batch in appended]
    main_text = ledger.read_text(encoding="utf-8")
    updated_main = writing.edit_main(
        include_lines(main_text, sorted(targets), books.options.get("include", [])))
    targets = [*writing.whole, *targets]
    if updated_main != main_text:
        targets.append(ledger)  # renamed last: the main file gains its include lines

    def make_texts() -> dict[Path, str]:
        texts = dict(writing.whole)
        for batch in appended:
            path = batch.target
            before = path.read_text(encoding="utf-8") if path.exists() else \
                NEW_FILE_HEADER.format(tool=writing.tool)
            text = format_entries(batch.entries)
            if batch.heading:
                text = f"\n{batch.heading}\n\n{text}"
            texts[path] = before.rstrip("\n") + "\n" + text
        texts[ledger] = updated_main
        return texts

    def check() -> list[str]:
        problems = check_result(list(books.entries), books.options, [*opened, *added],
                                writing.catalogue)
        if not problems:
            after_check()
        return problems

    staged = StagedFiles(targets)
    try:
        if len(added) >= PARALLEL_FROM:
            pending, problems = None, write_while(staged, make_texts, check, parallel=True)
        else:
            pending, problems = _checked_from_snapshot(books, staged, make_texts(), check)
        if problems:
            raise ImportFailed(bilingual(f"{len(problems)} lỗi khi kiểm tra sổ có thêm các bút "
                                         f"toán mới ({writing.tool}); không ghi gì",
                                         "the result fails the checks; nothing written")
                               + ":\n" + "\n".join(problems[:20]))
        staged.commit()
    finally:
        staged.discard()
    if pending is not None:
        keep(books.path, pending)
    return targets

