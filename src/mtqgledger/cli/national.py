"""``mtqg export parquet`` and ``mtqg rollup``: provinces' books added up nationally."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from mtqgledger.cli.options import (
    DATE,
    LEDGER,
    open_books,
    plan_year_option,
    target_option,
    write_output,
)
from mtqgledger.figures.disbursement import LEVELS as REPORT_LEVELS
from mtqgledger.model.catalogue import LookupFailed
from mtqgledger.model.text import bilingual
from mtqgledger.outputs.formatting import UNITS
from mtqgledger.outputs.quarterly_layout import DEFAULT_UNIT


@click.command("parquet")
@click.argument("ledger", type=LEDGER)
@click.option("-o", "--output", "folder", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Thư mục Parquet (several provinces may export into one).")
@click.option("--ignore-errors", is_flag=True,
              help="Export even if the books have errors (shown; as mtqg report).")
def export_parquet(ledger: Path, folder: Path, ignore_errors: bool) -> None:
    """Xuất bảng phát sinh ra Parquet cho tổng hợp toàn quốc (mtqg rollup).

    Writes the movement table (one row per transaction, line and spending unit,
    with its decision or voucher, file, sheet and row) and the dimension tables,
    Hive-partitioned by province and plan year (docs/parquet.md). Books that did
    not change since their last export into FOLDER write nothing.

    \b
    Ví dụ: mtqg export parquet ledgers/main.beancount -o toan-quoc/
    """
    from mtqgledger.national.export import ExportError, export_books

    books = open_books(ledger, ignore_errors=ignore_errors)
    try:
        done = export_books(books, ledger, folder)
    except ExportError as problem:
        raise click.ClickException(str(problem)) from None
    if not done.written:
        click.echo(f"{folder}: {done.books} không thay đổi, không ghi gì "
                   "(unchanged, nothing written)")
        return
    click.echo(f"Đã ghi {len(done.written)} tệp Parquet ({done.rows} dòng phát sinh, "
               f"{', '.join(done.provinces)}) vào {folder}")


@click.command()
@click.argument("folders", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--as-of", type=DATE, help="Số liệu đến hết ngày (dd/mm/yyyy or YYYY-MM-DD). "
              "Default: the last movement of the books reported.")
@click.option("--plan-year", "plan_year", metavar="YYYY|all",
              help="Năm kế hoạch (as mtqg report disbursement); 'all' for every year.")
@click.option("--by", type=click.Choice(REPORT_LEVELS), default="content", show_default=True,
              help="Deepest level of rows below each province (as mtqg report "
                   "disbursement's --by; project for a national overview).")
@click.option("--province", "provinces", multiple=True,
              help="Chỉ các tỉnh này (repeat), e.g. --province LaiChau --province 'Tuyên Quang'.")
@click.option("--program", help="Chỉ một chương trình, e.g. GNBV.")
@click.option("--merged-apart", is_flag=True,
              help="Show provinces merged away on 1/7/2025 apart (default: in their successor).")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "json", "xlsx"]),
              default="table", show_default=True)
@click.option("--quarterly", "quarter", metavar="YYYYQn",
              help="Write the national quarterly form by province instead (-o FILE.xlsx).")
@click.option("--target", default="0.95", show_default=True,
              help="Mục tiêu giải ngân of the quarterly form (0.95, 95 or 95%).")
@click.option("--sender", help="Cơ quan báo cáo heading the quarterly form of several "
              "provinces, e.g. 'BỘ TÀI CHÍNH' (default: a blank to fill in).")
@click.option("--unit", type=click.Choice(list(UNITS)),
              help="Display unit: the table in đồng, the quarterly form in triệu đồng unless "
                   "asked.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (required for xlsx).")
def rollup(folders: tuple[Path, ...], as_of: datetime.date | None, plan_year: str | None,
           by: str, provinces: tuple[str, ...], program: str | None, merged_apart: bool,
           output_format: str, quarter: str | None, target: str, sender: str | None,
           unit: str | None, output: Path | None) -> None:
    """Tổng hợp giải ngân toàn quốc từ các thư mục Parquet (national roll-up).

    Adds up every province exported by `mtqg export parquet` in DuckDB, with the
    rows and JSON schema of `mtqg report disbursement`: a national total, then
    each province (A, B, … in the quarterly form) and its programmes. Provinces
    merged away are in their successor unless --merged-apart.

    \b
    Ví dụ:
      mtqg rollup toan-quoc/ --as-of 30/09/2026 --plan-year 2026 --by project
      mtqg rollup toan-quoc/ --province LaiChau --format json
      mtqg rollup toan-quoc/ --quarterly 2026Q3 -o quy3-toan-quoc.xlsx
    """
    from mtqgledger.national.folder import National, RollupError
    from mtqgledger.national.rollup import Rollup

    try:
        national = National(folders)
        codes = [_province(national, text) for text in provinces] or None
        selection = Rollup(national, codes, program)
        if quarter is not None:
            _quarterly(selection, quarter, target, merged_apart, unit, output, sender)
            return
        day, year = selection.period(as_of, plan_year_option(plan_year))
        result = selection.report(day, year, by=by, merged_apart=merged_apart)
    except RollupError as problem:
        raise click.ClickException(str(problem)) from None
    _write_report(result, output_format, unit, output)


def _province(national, text: str) -> str:
    try:
        return national.catalogue.find_province(text).code
    except LookupFailed as problem:
        raise click.BadParameter(str(problem), param_hint="--province") from None


def _write_report(result, output_format: str, unit: str, output: Path | None) -> None:
    from mtqgledger.outputs import disbursement as render

    if output_format == "xlsx":
        if output is None:
            raise click.UsageError("--format xlsx needs -o FILE.xlsx")
        write_output(output, lambda path: render.write_xlsx(result, path))
        return
    text = {"table": lambda: render.to_table(result, unit or "dong"),
            "csv": lambda: render.to_csv(result),
            "json": lambda: render.to_json(result)}[output_format]()
    if output is None:
        click.echo(text, nl=False)
    else:
        write_output(output, lambda path: path.write_text(text, encoding="utf-8"))


def _quarterly(selection, quarter: str, target: str, merged_apart: bool, unit: str | None,
               output: Path | None, sender: str | None) -> None:
    from mtqgledger.figures.quarterly import Quarter
    from mtqgledger.outputs.formatting import format_ratio
    from mtqgledger.outputs.quarterly_xlsx import write_quarterly_workbook

    try:
        period = Quarter.parse(quarter)
    except ValueError as problem:
        raise click.BadParameter(str(problem), param_hint="--quarterly") from None
    output = output or Path(f"bao-cao-giai-ngan-toan-quoc-{period.year}Q{period.number}.xlsx")
    if output.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"expected FILE.xlsx, not {output}", param_hint="-o")
    form = selection.quarterly(period, target_option(target), merged_apart, sender)
    write_output(output, lambda path: write_quarterly_workbook(form, path,
                                                               unit=unit or DEFAULT_UNIT))
    click.echo(bilingual(f"{period.title}: giải ngân {format_ratio(form.total.row.ratio)} "
                         "kế hoạch toàn quốc", "national disbursement ratio"))

