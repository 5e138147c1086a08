"""``mtqg extend``: carry a year's unused money into a later year, by a decision."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from mtqgledger.cli.options import DATE, LEDGER


@click.command("extend")
@click.argument("ledger", type=LEDGER)
@click.option("--from", "from_year", type=int, required=True,
              help="The year whose money is extended, e.g. 2025: its plan, and earlier "
                   "money already extended into it.")
@click.option("--into", type=int, required=True, help="Năm được kéo dài sang, e.g. 2026.")
@click.option("--decision", required=True,
              help="Số văn bản cho phép kéo dài, e.g. 257/2025/QH15 or 245/QĐ-UBND.")
@click.option("--decision-date", type=DATE, required=True, help="Ngày của văn bản.")
@click.option("--date", "day", type=DATE, required=True,
              help="Ngày ghi sổ: the balance left at the end of this day is extended.")
@click.option("--until", type=DATE, help="Hạn giải ngân (default 31/12 of --into).")
@click.option("--program", "programs", multiple=True,
              help="Programme code, repeatable (default: every programme).")
@click.option("--province", help="Mã tỉnh (default: every province of the books).")
@click.option("--dry-run", is_flag=True, help="Print the entries; write nothing.")
def extend_money(ledger: Path, from_year: int, into: int, decision: str,
                 decision_date: datetime.date, day: datetime.date,
                 until: datetime.date | None, programs: tuple[str, ...],
                 province: str | None, dry_run: bool) -> None:
    """Kéo dài kế hoạch vốn (carry unused money into a later year).

    Every line whose money may be disbursed in --from (its own plan, and earlier
    money already extended into it) moves what remains of it at the end of --date
    (plan − payments − outstanding advances) into its K<into> segment, citing the
    decision; outstanding advances stay and are settled on the line. Checked in
    full and written atomically to imports/extensions.beancount, as mtqg import
    writes; a second run adds nothing.

    \b
    Ví dụ (NQ 257/2025/QH15):
      mtqg extend so/main.beancount --from 2025 --into 2026 --decision 257/2025/QH15 \\
        --decision-date 2025-12-11 --date 2026-01-31
    """
    from mtqgledger.ingest.extend import ExtensionOrder, extend
    from mtqgledger.ingest.writing import ImportFailed
    from mtqgledger.outputs.beancount_text import format_entries
    from mtqgledger.outputs.formatting import format_amount

    order = ExtensionOrder(from_year, into, decision.strip(), decision_date, day, until,
                           programs, province)
    try:
        result = extend(ledger, order, dry_run=dry_run)
    except ImportFailed as problem:
        raise click.ClickException(str(problem)) from None
    if dry_run:
        click.echo(format_entries([*result.opened, *result.added]))
    if not result.added:
        click.echo(f"Không còn vốn năm {from_year} để kéo dài: không thêm gì "
                   "(nothing left to extend; nothing written).", err=True)
        return
    verb = "Sẽ kéo dài" if dry_run else "Đã kéo dài"
    click.echo(f"{verb} {format_amount(result.total)} đ của {len(result.added)} dòng vốn năm "
               f"{from_year} sang {into}, hạn giải ngân {order.extend_to:%d/%m/%Y}:", err=True)
    for item in result.remaining:
        click.echo(f"  {item.line.name():<52} {format_amount(item.amount):>22} đ", err=True)
    for path in result.written:
        click.echo(f"Đã ghi {path}", err=True)
