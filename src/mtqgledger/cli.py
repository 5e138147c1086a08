"""The ``mtqg`` command: a thin click layer over the library."""

from __future__ import annotations

import datetime
import os
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import click

from mtqgledger import __version__

DATE = click.DateTime(formats=["%Y-%m-%d", "%d/%m/%Y"])
LEDGER = click.Path(exists=True, dir_okay=False, path_type=Path)


def _write_atomically(target: Path, write) -> None:
    """Write through a temporary file in the target's folder, then rename over it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                             suffix=target.suffix)
    os.close(descriptor)
    umask = os.umask(0)  # mkstemp makes 0600 files; give the report the usual permissions
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)
    try:
        write(Path(temporary))
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


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
      mtqg serve
    """


@main.command()
@click.argument("ledger", type=LEDGER)
def check(ledger: Path) -> None:
    """Kiểm tra sổ: Beancount và các quy tắc ngân sách (budget rules).

    Exits non-zero when the books have any error.

    \b
    Ví dụ: mtqg check ledgers/main.beancount
    """
    from beancount import loader
    from beancount.parser import printer

    entries, errors, _ = loader.load_file(str(ledger))
    for error in errors:
        click.echo(printer.format_error(error), err=True)
    if errors:
        raise click.ClickException(f"{ledger}: {len(errors)} lỗi (errors)")
    count = sum(1 for entry in entries if type(entry).__name__ == "Transaction")
    click.echo(f"{ledger}: hợp lệ – {count} giao dịch, không có lỗi (OK)")


@main.group()
def report() -> None:
    """Báo cáo (reports).

    \b
    Ví dụ: mtqg report disbursement ledgers/main.beancount --as-of 2025-11-14
    """


def _budget_year(value: str | None, as_of: datetime.date | None,
                 latest: int | None) -> int | None:
    if value == "all":
        return None
    if value is None:
        return as_of.year if as_of else latest
    if not (value.isdigit() and len(value) == 4):
        raise click.BadParameter(f"expected a year such as 2025, or 'all', not {value!r}",
                                 param_hint="--plan-year")
    return int(value)


def _checked_books(ledger: Path, no_cache: bool, ignore_errors: bool):
    """The books' movement table; refused (with the errors shown) if the books have errors."""
    from mtqgledger.books import load_books

    books = load_books(ledger, use_cache=not no_cache)
    if books.errors:
        for message in books.errors:
            click.echo(message, err=True)
        if not ignore_errors:
            raise click.ClickException(
                f"{ledger}: sổ có {len(books.errors)} lỗi; sửa lỗi (mtqg check) hoặc dùng "
                "--ignore-errors (the books have errors)")
    return books


@report.command()
@click.argument("ledger", type=LEDGER)
@click.option("--as-of", type=DATE, help="Số liệu đến hết ngày (YYYY-MM-DD or dd/mm/yyyy). "
              "Default: everything in the books.")
@click.option("--plan-year", "plan_year", metavar="YYYY|all",
              help="Năm kế hoạch: that year's money and earlier money extended into it. "
                   "Default: the year of --as-of, else the latest year in the books; "
                   "'all' for every year.")
@click.option("--province", help="Chỉ một tỉnh, e.g. LaiChau.")
@click.option("--program", help="Chỉ một chương trình, e.g. GNBV.")
@click.option("--by", type=click.Choice(["program", "project", "subproject", "line"]),
              default="subproject", show_default=True, help="Deepest level of rows.")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "json", "xlsx"]),
              default="table", show_default=True)
@click.option("--unit", type=click.Choice(["dong", "trieu", "ty"]), default="dong",
              show_default=True, help="Display unit of the table (CSV/JSON/xlsx are in đồng).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output (required for xlsx).")
@click.option("--ignore-errors", is_flag=True, help="Report even if the books have errors.")
@click.option("--no-cache", is_flag=True, help="Parse the ledger even if it is unchanged.")
def disbursement(ledger: Path, as_of: datetime.datetime | None, plan_year: str | None,
                 province: str | None, program: str | None, by: str, output_format: str,
                 unit: str, output: Path | None, ignore_errors: bool, no_cache: bool) -> None:
    """Tình hình giải ngân: kế hoạch, thanh toán, tạm ứng, tỷ lệ giải ngân.

    Rows go programme → project → sub-project (→ line with --by line), each with
    its split by capital type (ĐTPT / SN), by source (NSTW / NSĐP) and, where
    earlier years' money was extended into the plan year, by plan year.
    Disbursed = payments + outstanding advances; ratio = disbursed / plan.

    \b
    Ví dụ:
      mtqg report disbursement ledgers/main.beancount --as-of 2025-11-14
      mtqg report disbursement ledgers/main.beancount --as-of 14/11/2025 --format json
      mtqg report disbursement ledgers/main.beancount --format xlsx -o giai-ngan.xlsx
    """
    from mtqgledger.figures.disbursement import disbursement_report
    from mtqgledger.model.catalogue import load_catalogue
    from mtqgledger.outputs import disbursement as render

    day = as_of.date() if as_of else None
    books = _checked_books(ledger, no_cache, ignore_errors)
    latest = max((move.line.budget_year for move in books.movements), default=None)
    result = disbursement_report(books.movements, load_catalogue(), as_of=day,
                                 budget_year=_budget_year(plan_year, day, latest),
                                 province=province,
                                 program=program, by=by)
    if output_format == "xlsx":
        if output is None:
            raise click.UsageError("--format xlsx needs -o FILE.xlsx")
        _write_atomically(output, lambda path: render.write_xlsx(result, path))
        click.echo(f"Đã ghi {output}")
        return
    text = {"table": lambda: render.to_table(result, unit), "csv": lambda: render.to_csv(result),
            "json": lambda: render.to_json(result)}[output_format]()
    if output is None:
        click.echo(text, nl=False)
    else:
        _write_atomically(output, lambda path: path.write_text(text, encoding="utf-8"))
        click.echo(f"Đã ghi {output}")


def _target(text: str) -> Decimal:
    """'0.95', '95' or '95%' -> Decimal('0.95')."""
    try:
        value = Decimal(text.strip().rstrip("%").strip().replace(",", "."))
    except ArithmeticError:
        raise click.BadParameter(f"expected a ratio such as 0.95 or 95%, not {text!r}",
                                 param_hint="--target") from None
    value = value / 100 if value > 1 or text.strip().endswith("%") else value
    if not 0 < value <= 1:
        raise click.BadParameter(f"expected a target between 0 and 100 %, not {text!r}",
                                 param_hint="--target")
    return value


@report.command()
@click.argument("ledger", type=LEDGER)
@click.option("--quarter", required=True, metavar="YYYYQn",
              help="Quý báo cáo, e.g. 2025Q3: figures to the quarter's end, plan year YYYY.")
@click.option("--province", help="Chỉ một tỉnh, e.g. LaiChau.")
@click.option("--program", help="Chỉ một chương trình, e.g. GNBV.")
@click.option("--unit", type=click.Choice(["dong", "trieu"]), default="dong",
              show_default=True, help="Đơn vị tính of the form (cells stay in whole đồng).")
@click.option("--target", default="0.95", show_default=True,
              help="Mục tiêu giải ngân by the deadline (0.95, 95 or 95%).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="FILE.xlsx or FILE.html. Default: bao-cao-giai-ngan-<quarter>.xlsx.")
@click.option("--ignore-errors", is_flag=True, help="Report even if the books have errors.")
@click.option("--no-cache", is_flag=True, help="Parse the ledger even if it is unchanged.")
def quarterly(ledger: Path, quarter: str, province: str | None, program: str | None, unit: str,
              target: str, output: Path | None, ignore_errors: bool, no_cache: bool) -> None:
    """Báo cáo giải ngân quý gửi UBND tỉnh và các Bộ (quarterly disbursement report).

    The form by programme → project → sub-project (STT I / 1 / a): plan of the
    year by source and capital type, of which extended from earlier years,
    disbursed in the quarter and to its end, ratio, remaining, the ratio a year
    earlier, and the pace (projected ratio at the deadline, monthly amount
    needed for the target). Lines behind target are highlighted.

    \b
    Ví dụ:
      mtqg report quarterly ledgers/main.beancount --quarter 2025Q3
      mtqg report quarterly ledgers/main.beancount --quarter 2025Q3 --unit trieu -o q3.html
    """
    from mtqgledger.figures.quarterly import Quarter, quarterly_report
    from mtqgledger.model.catalogue import load_catalogue
    from mtqgledger.outputs.formatting import format_ratio

    try:
        period = Quarter.parse(quarter)
    except ValueError as problem:
        raise click.BadParameter(str(problem), param_hint="--quarter") from None
    output = output or Path(f"bao-cao-giai-ngan-{period.year}Q{period.number}.xlsx")
    if output.suffix.lower() not in (".xlsx", ".html", ".htm"):
        raise click.BadParameter(f"expected FILE.xlsx or FILE.html, not {output}",
                                 param_hint="-o")
    books = _checked_books(ledger, no_cache, ignore_errors)
    result = quarterly_report(books.movements, load_catalogue(), period, province=province,
                              program=program, target=_target(target))
    if output.suffix.lower() == ".xlsx":
        from mtqgledger.outputs.quarterly_xlsx import write_quarterly_workbook

        _write_atomically(output, lambda path: write_quarterly_workbook(result, path, unit=unit))
    else:
        from mtqgledger.outputs.quarterly_html import to_html

        text = to_html(result, unit)
        _write_atomically(output, lambda path: path.write_text(text, encoding="utf-8"))
    behind = sum(1 for line in result.lines if line.pace.behind and line.row.level != "total")
    click.echo(f"{period.title}: giải ngân {format_ratio(result.total.row.ratio)} kế hoạch; "
               f"{behind} dòng chậm so với mục tiêu {format_ratio(result.target, 0)}.")
    click.echo(f"Đã ghi {output}")


@main.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--ledger", required=True, type=LEDGER, help="The books' main file.")
@click.option("--dry-run", is_flag=True, help="Print the entries; write nothing.")
@click.option("--province", help="Mã tỉnh, if the documents do not name it.")
@click.option("--decision", "number", help="Số quyết định, e.g. 1234/QĐ-UBND (overrides "
              "the title).")
@click.option("--date", type=DATE, help="Ngày quyết định (overrides the title).")
@click.option("--plan-year", type=int, help="Năm kế hoạch (overrides the title).")
@click.option("--source", type=click.Choice(["NSTW", "NSDP", "TDCS", "HDK"]),
              help="Nguồn vốn of a table that has no source columns.")
@click.option("--capital", type=click.Choice(["DTPT", "SN"]),
              help="Loại vốn of a table that has no capital-type columns.")
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
    from mtqgledger.books import paused_gc

    with paused_gc():  # the summary below still walks every imported entry
        _import_and_summarise(files, ledger, dry_run, options)


def _import_and_summarise(files: tuple[Path, ...], ledger: Path, dry_run: bool,
                          options: dict) -> None:
    from mtqgledger.importers.workbook import ImportProblem
    from mtqgledger.ingest.pipeline import ImportFailed, import_files
    from mtqgledger.outputs.beancount_text import format_entries
    from mtqgledger.outputs.formatting import format_amount

    if options.get("date") is not None:
        options["date"] = options["date"].date()
    stages = len(files) + 2  # loading the books, each file, checking and writing
    bar = click.progressbar(length=stages, label="Đang nhập", file=sys.stderr) \
        if sys.stderr.isatty() else None
    try:
        if bar is not None:
            bar.__enter__()
        result = import_files(ledger, files, dry_run=dry_run, options=options,
                              progress=(lambda _label: bar.update(1)) if bar else None)
    except (ImportProblem, ImportFailed) as problem:
        raise click.ClickException(str(problem)) from None
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if dry_run:
        click.echo(format_entries([*result.opened, *result.added]))
    for document in result.documents:
        ignored = f"; bỏ qua sheet: {', '.join(document.ignored_sheets)}" \
            if document.ignored_sheets else ""
        click.echo(f"{document.path.name}: {len(document.entries)} bút toán{ignored}",
                   err=True)
    verb = "Sẽ thêm" if dry_run else "Đã thêm"
    click.echo(f"{verb} {len(result.added)} giao dịch, mở {len(result.opened)} tài khoản; "
               f"bỏ qua {result.duplicates} đã có trong sổ (duplicates).", err=True)
    for (kind, source, capital), total in sorted(result.totals().items()):
        click.echo(f"  {kind:<16} {source:<5} {capital:<5} {format_amount(total):>22} đ",
                   err=True)
    for path in result.written:
        click.echo(f"Đã ghi {path}", err=True)


@main.group()
def export() -> None:
    """Xuất dữ liệu (exports).

    \b
    Ví dụ: mtqg export audit ledgers/main.beancount -o kiem-toan.xlsx
    """


@export.command()
@click.argument("ledger", type=LEDGER)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("audit.xlsx"), show_default=True, help="The workbook to write.")
@click.option("--from", "since", type=DATE, help="Từ ngày (YYYY-MM-DD or dd/mm/yyyy). "
              "Default: the start of the books.")
@click.option("--to", "until", type=DATE, help="Đến ngày; Giải ngân is as of this day. "
              "Default: the end of the books.")
def audit(ledger: Path, output: Path, since: datetime.datetime | None,
          until: datetime.datetime | None) -> None:
    """Sổ kiểm toán Excel (auditor's workbook): mọi số liệu dẫn về quyết định, chứng từ.

    Sheets: Thông tin (the files read with their SHA-256, versions, options),
    Nhật ký (every posting of the period with its decision or voucher, source
    file, sheet and row), Cân đối (trial balance), Giải ngân (per line, with
    live formulas), Đối chiếu (balance assertions), Cảnh báo (every error in
    the books). The workbook is written even if the books have errors; their
    count goes to stderr.

    \b
    Ví dụ:
      mtqg export audit ledgers/main.beancount -o kiem-toan.xlsx
      mtqg export audit ledgers/main.beancount --from 2025-01-01 --to 14/11/2025
    """
    from beancount import loader

    from mtqgledger.books import paused_gc
    from mtqgledger.outputs.audit import write_audit_workbook

    first = since.date() if since else None
    last = until.date() if until else None
    if first is not None and last is not None and first > last:
        raise click.BadParameter(f"{first} is after --to {last}", param_hint="--from")
    with paused_gc():  # the whole history stays in memory until the workbook is written
        entries, errors, options_map = loader.load_file(str(ledger))
        _write_atomically(output, lambda path: write_audit_workbook(
            entries, errors, options_map, path, since=first, until=last, ledger=ledger))
    if errors:
        click.echo(f"{ledger}: sổ có {len(errors)} lỗi, xem sheet Cảnh báo (the books have "
                   "errors)", err=True)
    click.echo(f"Đã ghi {output}")


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
    from mtqgledger.model.catalogue import load_catalogue
    from mtqgledger.outputs.newbooks import BooksExist, create_books

    catalogue = load_catalogue()
    try:
        written = create_books(directory, catalogue, province, year,
                               list(programs or catalogue.programs))
    except (BooksExist, KeyError) as problem:
        raise click.ClickException(str(problem).strip("'\"")) from None
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
    from mtqgledger.model.catalogue import load_catalogue
    from mtqgledger.outputs.newbooks import open_directives

    catalogue = load_catalogue()
    if province not in catalogue.provinces:
        raise click.ClickException(f"tỉnh '{province}' không có trong danh mục")
    try:
        click.echo(open_directives(catalogue, province, programs, year), nl=False)
    except KeyError as problem:
        raise click.ClickException(str(problem).strip("'\"")) from None


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
    from mtqgledger.web.serve import serve as run

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
        run(app, host, port,
            ready=lambda: click.echo(f"Fava: {base}{path or '/'}  [{mode}; Ctrl+C để dừng]"))
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
    from mtqgledger.model.catalogue import LookupFailed, load_catalogue

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
    from mtqgledger.model.catalogue import load_catalogue

    for province in load_catalogue().provinces.values():
        after = f"\t→ {province.successor}" if province.successor else ""
        click.echo(f"{province.code}\t{province.title_vi}{after}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
