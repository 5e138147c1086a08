"""What the commands share: the date and ledger parameters, opening books, writing outputs."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import click

from mtqgledger.books import Books, BooksNotFound
from mtqgledger.files import write_atomically
from mtqgledger.model.catalogue import LookupFailed
from mtqgledger.model.dates import parse_day
from mtqgledger.model.text import bilingual
from mtqgledger.outputs.formatting import UNITS


class DayType(click.ParamType):
    """A date as users type it: 14/11/2025 or 2025-11-14 (mtqgledger.model.dates)."""

    name = "DATE"

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> datetime.date:
        if isinstance(value, datetime.date):
            return value
        try:
            return parse_day(str(value))
        except ValueError as problem:
            self.fail(str(problem), param, ctx)


DATE = DayType()
LEDGER = click.Path(exists=True, dir_okay=False, path_type=Path)


def unit_option(default: str, help: str) -> Callable:
    """--unit: one of the display units every output shares (outputs.formatting.UNITS)."""
    return click.option("--unit", type=click.Choice(list(UNITS)), default=default,
                        show_default=True, help=help)


def open_books(ledger: Path, *, no_cache: bool = False, ignore_errors: bool = False,
               full: bool = False) -> Books:
    """The books; refused (with the errors shown) if they have errors, unless told to go on."""
    try:
        books = Books.open(ledger, use_cache=not no_cache, full=full)
    except BooksNotFound as problem:
        raise click.ClickException(str(problem)) from None
    if books.messages:
        for message in books.messages:
            click.echo(message, err=True)
        if not ignore_errors:
            raise click.ClickException(bilingual(
                f"{ledger}: sổ có {len(books.messages)} lỗi; sửa lỗi (mtqg check) hoặc dùng "
                "--ignore-errors", "the books have errors"))
    return books


def province_code(books: Books, text: str | None) -> str | None:
    """--province as users type it: a code (TuyenQuang) or a name (Tuyên Quang)."""
    if text is None:
        return None
    try:
        return books.catalogue.find_province(text).code
    except LookupFailed as problem:
        raise click.BadParameter(str(problem), param_hint="--province") from None


def write_output(output: Path, write: Callable[[Path], None]) -> None:
    """Write a report file atomically and say so."""
    write_atomically(output, write)
    click.echo(f"Đã ghi {output}")


def plan_year_option(value: str | None) -> int | str | None:
    """--plan-year: a year, 'all', or None for the books' default."""
    if value is None or value == "all":
        return value
    if not (value.isdigit() and len(value) == 4):
        raise click.BadParameter(f"expected a year such as 2025, or 'all', not {value!r}",
                                 param_hint="--plan-year")
    return int(value)


def target_option(text: str) -> Decimal:
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
