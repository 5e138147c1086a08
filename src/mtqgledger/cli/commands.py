"""The ``mtqg`` commands: a thin click layer over the library (``mtqgledger.cli.main``)."""

from __future__ import annotations

import contextlib
import datetime
import gc
import os
import sys
from pathlib import Path

import click

from mtqgledger import __version__, files
from mtqgledger.cli.extending import extend_money
from mtqgledger.cli.importing import import_documents
from mtqgledger.cli.national import export_parquet, rollup
from mtqgledger.cli.options import LEDGER, open_books
from mtqgledger.cli.reports import export, report
from mtqgledger.model.catalogue import LookupFailed
from mtqgledger.model.text import bilingual


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="mtqg")
def main() -> None:
    """Sổ vốn các chương trình mục tiêu quốc gia (MTQG) trên Beancount.

    Budget and disbursement ledger for Vietnam's national target programmes.

    \b
    Ví dụ / examples:
      mtqg init books --province LaiChau --year 2025
      mtqg check ledgers/main.beancount
      mtqg report disbursement ledgers/main.beancount --as-of 2025-11-14
      mtqg report quarterly ledgers/main.beancount --quarter 2025Q3
      mtqg export audit ledgers/main.beancount -o kiem-toan.xlsx
      mtqg extend so/main.beancount --from 2025 --into 2026 --decision 257/2025/QH15 \\
        --decision-date 2025-12-11 --date 2026-01-31
      mtqg serve
    """


@main.command()
@click.argument("ledger", type=LEDGER)
@click.option("--full", is_flag=True,
              help="Đọc lại toàn bộ sổ (always Beancount's full load, never the snapshot).")
def check(ledger: Path, full: bool) -> None:
    """Kiểm tra sổ: Beancount và các quy tắc ngân sách (budget rules).

    Exits non-zero when the books have any error; breaches of rules the plugin line
    sets to warn (warn=…) are shown as warnings. Books that only grew since the last
    load are checked from its snapshot and the new text, with the same result;
    --full reads everything again.

    \b
    Ví dụ: mtqg check ledgers/main.beancount
           mtqg check --full ledgers/main.beancount
    """
    from beancount.core import data

    books = open_books(ledger, no_cache=True, ignore_errors=True, full=full)
    for warning in books.warnings:
        click.echo(f"Cảnh báo (warning): {warning}")
    if books.messages:
        raise click.ClickException(bilingual(f"{ledger}: {len(books.messages)} lỗi", "errors"))
    count = sum(1 for entry in books.entries if isinstance(entry, data.Transaction))
    warned = f", {len(books.warnings)} cảnh báo" if books.warnings else ""
    click.echo(f"{ledger}: hợp lệ – {count} giao dịch, không có lỗi{warned} (OK)")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--province", required=True, help="Mã tỉnh, e.g. LaiChau (see `mtqg provinces`).")
@click.option("--year", type=int, default=lambda: datetime.date.today().year,
              show_default="this year", help="Năm kế hoạch of the opened lines.")
@click.option("--program", "programs", multiple=True,
              help="Programme code, repeatable. Default: every programme in the catalogue.")
def init(directory: Path, province: str, year: int, programs: tuple[str, ...]) -> None:
    """Tạo sổ mới (new books): main.beancount and accounts.beancount in DIRECTORY.

    Refuses to overwrite existing books.

    \b
    Ví dụ: mtqg init so-laichau --province LaiChau --year 2025 --program GNBV
    """
    from mtqgledger.model.catalogue_files import load_catalogue
    from mtqgledger.outputs.newbooks import BooksExist, create_books, merged_away

    catalogue = load_catalogue()
    warning = merged_away(catalogue, province)
    if warning:
        click.echo(f"Lưu ý (warning): {warning}", err=True)
    try:
        written = create_books(directory, catalogue, province, year,
                               list(programs or catalogue.programs))
    except (BooksExist, LookupFailed) as problem:
        raise click.ClickException(str(problem)) from None
    for path in written:
        click.echo(f"Đã tạo {path}")


@main.command()
@click.option("--province", required=True, help="Mã tỉnh, e.g. LaiChau.")
@click.option("--program", "programs", multiple=True, required=True,
              help="Programme code, repeatable, e.g. GNBV.")
@click.option("--year", type=int, default=lambda: datetime.date.today().year,
              show_default="this year")
def accounts(province: str, programs: tuple[str, ...], year: int) -> None:
    """In các lệnh open của các dòng vốn (print the open directives of a programme's lines).

    \b
    Ví dụ: mtqg accounts --province LaiChau --program GNBV --year 2026 >> accounts.beancount
    """
    from mtqgledger.model.catalogue_files import load_catalogue
    from mtqgledger.outputs.newbooks import open_directives

    catalogue = load_catalogue()
    if province not in catalogue.provinces:
        raise click.ClickException(bilingual(f"tỉnh '{province}' không có trong danh mục",
                                             "unknown province code; see mtqg provinces"))
    try:
        click.echo(open_directives(catalogue, province, programs, year), nl=False)
    except LookupFailed as problem:
        raise click.ClickException(str(problem)) from None


@main.command()
@click.argument("ledger", type=LEDGER, required=False)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Địa chỉ lắng nghe. Fava has no log-in: keep 127.0.0.1, or put it behind "
                   "an authenticating reverse proxy.")
@click.option("--port", type=int, default=5000, show_default=True, help="Cổng (port).")
@click.option("--read-only/--editable", "read_only", default=True, show_default=True,
              help="Chỉ xem (default), or let Fava's editor and import page change the books.")
def serve(ledger: Path | None, host: str, port: int, read_only: bool) -> None:
    """Mở sổ trong Fava, với trang Giải ngân MTQG (browse the books in Fava).

    LEDGER defaults to the sample books ledgers/main.beancount of this checkout.
    The books need the line  custom "fava-extension" "mtqgledger.fava_ext"
    (`mtqg init` writes it). Stop with Ctrl+C.

    \b
    Ví dụ:
      mtqg serve
      mtqg serve so-laichau/main.beancount --port 5001
      mtqg serve so-laichau/main.beancount --editable
    """
    from mtqgledger.web.serve import ServeError, make_app, page_path, sample_ledger
    from mtqgledger.web.serve import serve as serve_app

    try:
        ledger = ledger or sample_ledger()
        click.echo(f"Đang nạp sổ {ledger} …", err=True)
        app = make_app(ledger, read_only=read_only)
        path = page_path(app)
        base = f"http://{host}:{port}"
        if path is None:
            click.echo(f'Sổ chưa bật trang Giải ngân MTQG: thêm dòng  2025-01-01 custom '
                       f'"fava-extension" "mtqgledger.fava_ext"  vào {ledger}', err=True)
        mode = "chỉ xem (read-only)" if read_only else "cho phép sửa (editable)"
        serve_app(app, host, port, ready=lambda: click.echo(
            f"Fava: {base}{path or '/'}  [{mode}; Ctrl+C để dừng]"))
    except ServeError as problem:
        raise click.ClickException(str(problem)) from None


@main.command()
@click.argument("query")
@click.option("--within", default="", help="Search below this path, e.g. GNBV/DA4.")
def find(query: str, within: str) -> None:
    """Tra cứu danh mục theo mã hoặc tên (accent- and case-insensitive).

    \b
    Ví dụ:
      mtqg find "tieu du an 2" --within GNBV/DA4
      mtqg find "giáo dục nghề nghiệp"
    """
    from mtqgledger.model.catalogue_files import load_catalogue

    catalogue = load_catalogue()
    try:
        node = catalogue.find(query, within=[p for p in within.split("/") if p])
    except LookupFailed as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(f"{'/'.join(node.path)}\t{node.title_vi}\t{node.title_en}")


@main.command()
def provinces() -> None:
    """Danh sách mã tỉnh (province codes) and their successors after the 2025 mergers.

    \b
    Ví dụ: mtqg provinces | grep -i "lai"
    """
    from mtqgledger.model.catalogue_files import load_catalogue

    for province in load_catalogue().provinces.values():
        after = f"\t→ {province.successor}" if province.successor else ""
        click.echo(f"{province.code}\t{province.title_vi}{after}")


# What commands hand over to be freed by the process's exit rather than one object at a time
# as they return (leave_unfreed); None unless the process leaves so (run_and_leave), so that
# commands run in-process, as the tests run them, free everything.
_UNFREED: list | None = None


def leave_unfreed(value: object) -> None:
    """Keep ``value`` (say an import's 100,000 new entries: most of a second to free) alive
    until the process leaves, when it leaves without freeing (:func:`run_and_leave`)."""
    if _UNFREED is not None:
        _UNFREED.append(value)


def run_and_leave() -> None:
    """:func:`main`, then leave without freeing the books.

    A province's history is millions of objects; freeing them one by one as the
    interpreter shuts down takes most of a second at 100,000 transactions, after
    everything is written. Output is flushed first; nothing the commands do waits
    for the interpreter's exit handlers (files are renamed into place before).
    """
    global _UNFREED
    _UNFREED = []
    files.defer_writes()
    try:
        main()
        code = 0
    except SystemExit as done:
        if done.code is not None and not isinstance(done.code, int):
            print(done.code, file=sys.stderr)
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    sys.stdout.flush()
    sys.stderr.flush()
    _keep_snapshot_after_answering()
    os._exit(code)


def _keep_snapshot_after_answering() -> None:
    """Write the books' snapshot and movement table (files.defer_writes) in a child process
    once the command has answered: encoding a province's history takes seconds its reader
    need not wait for. The child then makes what `mtqg serve` would make first on those
    books (web.serve.keep_for_serving). The parent leaves at once, so the child's memory is
    the parent's, not twice it; a command started before the child is done loads as if
    there were no snapshot (each file is renamed into place whole; a head without its
    entries is no shortcut)."""
    if not hasattr(os, "fork"):
        files.write_deferred()
        return
    if files.has_deferred() and os.fork() == 0:
        try:
            quiet = os.open(os.devnull, os.O_RDWR)
            for stream in (0, 1, 2):  # the caller's pipes close when the parent leaves
                os.dup2(quiet, stream)
            os.setsid()
            gc.disable()  # what is written is the parent's, alive until the child leaves
            files.write_deferred()
            with contextlib.suppress(Exception):  # only a shortcut for a later server
                from mtqgledger.web.serve import keep_for_serving

                os.nice(10)  # behind what a user waits for, a server reloading the books say
                keep_for_serving()
        finally:
            os._exit(0)


main.add_command(report)
export.add_command(export_parquet)
main.add_command(export)
main.add_command(rollup)
main.add_command(import_documents)
main.add_command(extend_money)
