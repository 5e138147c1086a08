"""``mtqg import``: source documents into the books, and the summary of what was added."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mtqgledger.cli.options import DATE, LEDGER


@click.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--ledger", required=True, type=LEDGER, help="The books' main file.")
@click.option("--dry-run", is_flag=True, help="Print the entries; write nothing.")
@click.option("--province", help="Mã tỉnh, if the documents do not name it.")
@click.option("--decision", "number", help="Số quyết định, e.g. 1234/QĐ-UBND (overrides "
              "the title).")
@click.option("--date", type=DATE, help="Ngày quyết định (overrides the title).")
@click.option("--plan-year", type=int, help="Năm kế hoạch (overrides the title).")
@click.option("--source", help="Nguồn vốn of a table that has no source columns (a code of "
              "the catalogue, e.g. NSTW or NSDP).")
@click.option("--capital", help="Loại vốn of a table that has no capital-type columns "
              "(a code of the catalogue, e.g. DTPT or SN).")
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Layout mapping for a decision table the keywords cannot read.")
@click.option("--codes", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Code table for a treasury statement's line-code column.")
def import_documents(files: tuple[Path, ...], ledger: Path, dry_run: bool, **options: object,
                     ) -> None:
    """Nhập quyết định giao vốn và bảng kê Kho bạc vào sổ (import source documents).

    Each FILE is an Excel allocation decision (giao / bổ sung / điều chỉnh) or a
    State Treasury statement (.xlsx or .xls). Figures the books already hold are
    skipped; the result is checked in full before anything is written, and on
    any error the books stay as they were.

    \b
    Ví dụ:
      mtqg import importers/samples/QD-35-giao-von-2025.xlsx --ledger so/main.beancount
      mtqg import bang-ke.xlsx --ledger so/main.beancount --dry-run
    """
    from mtqgledger.importers.workbook import prefetch_workbook

    prefetch_workbook(files[0])  # parsed while the books load
    from mtqgledger.books import paused_gc

    with paused_gc():  # the summary below still walks every imported entry
        _import_and_summarise(files, ledger, dry_run, options)


def _run_import(files: tuple[Path, ...], ledger: Path, dry_run: bool, options: dict):
    from mtqgledger.importers.workbook import ImportProblem
    from mtqgledger.ingest import ImportFailed, import_files

    stages = len(files) + 2  # loading the books, each file, checking and writing
    bar = click.progressbar(length=stages, label="Đang nhập", file=sys.stderr) \
        if sys.stderr.isatty() else None
    try:
        if bar is not None:
            bar.__enter__()
        return import_files(ledger, files, dry_run=dry_run, options=options,
                            progress=(lambda _label: bar.update(1)) if bar else None)
    except (ImportProblem, ImportFailed) as problem:
        raise click.ClickException(str(problem)) from None
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _import_and_summarise(files: tuple[Path, ...], ledger: Path, dry_run: bool,
                          options: dict) -> None:
    from mtqgledger.cli.commands import leave_unfreed
    from mtqgledger.outputs.beancount_text import format_entries
    from mtqgledger.outputs.formatting import format_amount

    result = _run_import(files, ledger, dry_run, options)
    leave_unfreed(result)
    if dry_run:
        click.echo(format_entries([*result.opened, *result.added]))
    for document in result.documents:
        ignored = f"; bỏ qua sheet: {', '.join(document.ignored_sheets)}" \
            if document.ignored_sheets else ""
        click.echo(f"{document.path.name}: {len(document.entries)} bút toán{ignored}",
                   err=True)
        for note in document.notes:
            click.echo(f"  {note}", err=True)
        for name in document.names:
            click.echo(f"  {name.line()}", err=True)
    verb = "Sẽ thêm" if dry_run else "Đã thêm"
    click.echo(f"{verb} {len(result.added)} giao dịch, mở {len(result.opened)} tài khoản; "
               f"bỏ qua {result.duplicates} đã có trong sổ (duplicates).", err=True)
    for (kind, source, capital), total in sorted(result.totals().items()):
        click.echo(f"  {kind:<16} {source:<5} {capital:<5} {format_amount(total):>22} đ",
                   err=True)
    for path in result.written:
        click.echo(f"Đã ghi {path}", err=True)
