"""``mtqg report disbursement``, ``mtqg report quarterly`` and ``mtqg export audit``."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from mtqgledger.cli import answers
from mtqgledger.cli.options import (
    DATE,
    LEDGER,
    open_books,
    plan_year_option,
    province_code,
    target_option,
    unit_option,
    write_output,
)
from mtqgledger.figures.disbursement import LEVELS as REPORT_LEVELS
from mtqgledger.model.text import bilingual
from mtqgledger.outputs.quarterly_layout import DEFAULT_UNIT


@click.group()
def report() -> None:
    """Báo cáo (reports).

    \b
    Ví dụ: mtqg report disbursement ledgers/main.beancount --as-of 2025-11-14
    """


@report.command()
@click.argument("ledger", type=LEDGER)
@click.option("--as-of", type=DATE, help="Số liệu đến hết ngày (dd/mm/yyyy or YYYY-MM-DD). "
              "Default: the day of the books' last movement.")
@click.option("--plan-year", "plan_year", metavar="YYYY|all",
              help="Năm kế hoạch: that year's money and earlier money extended into it. "
                   "Default: the year of the as-of date if the books hold its money, else the "
                   "latest year before it; 'all' for every year.")
@click.option("--province", help="Chỉ một tỉnh, e.g. LaiChau.")
@click.option("--program", help="Chỉ một chương trình, e.g. GNBV.")
@click.option("--merged-apart", is_flag=True,
              help="Show books of provinces merged away on 1/7/2025 apart, as "
                   "'Hà Giang (cũ)' (default: added up with the successor's).")
@click.option("--by", type=click.Choice(REPORT_LEVELS), default="content", show_default=True,
              help="Deepest level of rows: project (dự án, hợp phần), subproject (tiểu dự án, "
                   "nội dung thành phần), content (nội dung), line, or unit (đơn vị: each "
                   "item's spending units, and the units behind, worst first).")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "json", "xlsx"]),
              default="table", show_default=True)
@unit_option("dong", "Display unit of the table (CSV/JSON/xlsx are in đồng).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output (required for xlsx).")
@click.option("--ignore-errors", is_flag=True, help="Report even if the books have errors.")
@click.option("--no-cache", is_flag=True, help="Parse the ledger even if it is unchanged.")
def disbursement(ledger: Path, as_of: datetime.date | None, plan_year: str | None,
                 province: str | None, program: str | None, merged_apart: bool, by: str,
                 output_format: str, unit: str, output: Path | None, ignore_errors: bool,
                 no_cache: bool) -> None:
    """Tình hình giải ngân: kế hoạch, thanh toán, tạm ứng, tỷ lệ giải ngân.

    Rows go programme → project → sub-project (→ line with --by line, → spending
    units with --by unit), each with
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
    from mtqgledger.outputs import disbursement as render

    if output_format == "xlsx" and output is None:
        raise click.UsageError("--format xlsx needs -o FILE.xlsx")
    books = open_books(ledger, no_cache=no_cache, ignore_errors=ignore_errors)
    day, year = books.period(as_of, plan_year_option(plan_year))
    result = disbursement_report(books.movements, books.catalogue, as_of=day, budget_year=year,
                                 province=province_code(books, province), program=program,
                                 by=by, extensions=books.extensions, merged_apart=merged_apart)
    if output_format == "xlsx":
        write_output(output, lambda path: render.write_xlsx(result, path))
        return
    text = {"table": lambda: render.to_table(result, unit), "csv": lambda: render.to_csv(result),
            "json": lambda: render.to_json(result)}[output_format]()
    if output is None:
        click.echo(text, nl=False)
        inputs = books.read_inputs()
        if inputs is not None and not books.messages:  # asked again, answered at once
            answers.keep(text, *inputs)
    else:
        write_output(output, lambda path: path.write_text(text, encoding="utf-8"))


@report.command()
@click.argument("ledger", type=LEDGER)
@click.option("--quarter", required=True, metavar="YYYYQn",
              help="Quý báo cáo, e.g. 2025Q3: figures to the quarter's end, plan year YYYY.")
@click.option("--province", help="Chỉ một tỉnh, e.g. LaiChau.")
@click.option("--program", help="Chỉ một chương trình, e.g. GNBV.")
@click.option("--merged-apart", is_flag=True,
              help="Show books of provinces merged away on 1/7/2025 apart, as "
                   "'Hà Giang (cũ)' (default: added up with the successor's).")
@unit_option(DEFAULT_UNIT, "Đơn vị tính of the form: triệu đồng as provinces report, or "
             "đồng, tỷ đồng. Workbook cells keep whole đồng; only their format changes.")
@click.option("--target", default="0.95", show_default=True,
              help="Mục tiêu giải ngân by the deadline (0.95, 95 or 95%).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="FILE.xlsx or FILE.html. Default: bao-cao-giai-ngan-<quarter>.xlsx.")
@click.option("--ignore-errors", is_flag=True, help="Report even if the books have errors.")
@click.option("--no-cache", is_flag=True, help="Parse the ledger even if it is unchanged.")
def quarterly(ledger: Path, quarter: str, province: str | None, program: str | None,
              merged_apart: bool, unit: str, target: str, output: Path | None,
              ignore_errors: bool, no_cache: bool) -> None:
    """Báo cáo giải ngân quý gửi UBND tỉnh và các Bộ (quarterly disbursement report).

    The form by programme → project → sub-project (STT I / 1 / a): plan of the
    year by source and capital type, of which extended from earlier years,
    disbursed in the quarter and to its end, ratio, remaining, the ratio a year
    earlier, and the pace (projected ratio at the deadline, monthly amount
    needed for the target). Lines behind target are highlighted.

    \b
    Ví dụ:
      mtqg report quarterly ledgers/main.beancount --quarter 2025Q3
      mtqg report quarterly ledgers/main.beancount --quarter 2025Q3 --unit dong -o q3.html
    """
    from mtqgledger.figures.quarterly import Quarter, quarterly_report
    from mtqgledger.outputs.formatting import format_ratio

    try:
        period = Quarter.parse(quarter)
    except ValueError as problem:
        raise click.BadParameter(str(problem), param_hint="--quarter") from None
    output = output or Path(f"bao-cao-giai-ngan-{period.year}Q{period.number}.xlsx")
    if output.suffix.lower() not in (".xlsx", ".html", ".htm"):
        raise click.BadParameter(f"expected FILE.xlsx or FILE.html, not {output}",
                                 param_hint="-o")
    books = open_books(ledger, no_cache=no_cache, ignore_errors=ignore_errors)
    result = quarterly_report(books.movements, books.catalogue, period,
                              province=province_code(books, province), program=program,
                              target=target_option(target), extensions=books.extensions,
                              merged_apart=merged_apart)
    if output.suffix.lower() == ".xlsx":
        from mtqgledger.outputs.quarterly_xlsx import write_quarterly_workbook

        write_output(output, lambda path: write_quarterly_workbook(result, path, unit=unit))
    else:
        from mtqgledger.outputs.quarterly_html import to_html

        text = to_html(result, unit)
        write_output(output, lambda path: path.write_text(text, encoding="utf-8"))
    behind = sum(1 for line in result.lines if line.pace.behind and line.row.level != "total")
    click.echo(f"{period.title}: giải ngân {format_ratio(result.total.row.ratio)} kế hoạch; "
               f"{behind} dòng chậm so với mục tiêu {format_ratio(result.target, 0)}.")


@click.group()
def export() -> None:
    """Xuất dữ liệu (exports).

    \b
    Ví dụ: mtqg export audit ledgers/main.beancount -o kiem-toan.xlsx
    """


@export.command()
@click.argument("ledger", type=LEDGER)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("audit.xlsx"), show_default=True, help="The workbook to write.")
@click.option("--from", "since", type=DATE, help="Từ ngày (dd/mm/yyyy or YYYY-MM-DD). "
              "Default: the start of the books.")
@click.option("--to", "until", type=DATE, help="Đến ngày; Giải ngân is as of this day. "
              "Default: the end of the books.")
def audit(ledger: Path, output: Path, since: datetime.date | None,
          until: datetime.date | None) -> None:
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
    from mtqgledger.books import paused_gc
    from mtqgledger.outputs.audit import write_audit_workbook
    from mtqgledger.plugins.budget_rules import rule_warnings

    if since is not None and until is not None and since > until:
        raise click.BadParameter(f"{since} is after --to {until}", param_hint="--from")
    books = open_books(ledger, no_cache=True, ignore_errors=True)
    with paused_gc():  # the whole history stays in memory until the workbook is written
        # The sheet Cảnh báo lists the books' errors and the breaches of rules set to warn.
        findings = [*books.load_errors, *rule_warnings(books.options)]
        write_output(output, lambda path: write_audit_workbook(
            books.entries, findings, books.options, path, since=since, until=until,
            catalogue=books.catalogue, ledger=ledger, catalogue_files=books.catalogue_files()))
    if books.load_errors:
        click.echo(bilingual(f"{ledger}: sổ có {len(books.load_errors)} lỗi, xem sheet Cảnh báo",
                             "the books have errors"), err=True)
