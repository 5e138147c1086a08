"""Beancount text of the entries the project writes: transactions and ``open`` directives.

The one writer of Beancount text: ``mtqg import``, ``mtqg init`` / ``mtqg accounts``,
``mtqg extend`` and the benchmark generator all go through it. Beancount's own
printer aligns every amount and handles every directive; on 100,000 imported
rows it takes longer than reading the workbook. Our entries have one shape
(simple postings in whole VND, metadata of strings, dates and numbers), so they
are written directly. tests/test_entrytext.py proves the text parses back to the
same entries.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from beancount.core import data

from mtqgledger.model.accounts import Line, Root
from mtqgledger.model.catalogue import Catalogue
from mtqgledger.model.titles import ROOT_TITLES, line_title

_SKIPPED_META = frozenset({"filename", "lineno", "__duplicate__"})


def quote(text: str) -> str:
    if '"' in text or "\\" in text:
        text = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _value(value: object) -> str:
    kind = type(value)
    if kind is str:
        return quote(value)
    if kind is bool:
        return "TRUE" if value else "FALSE"
    if kind in (Decimal, datetime.date, int):
        return str(value)
    raise TypeError(f"cannot write metadata value {value!r}")


def _meta_lines(meta: dict | None) -> list[str]:
    return [f"  {key}: {_value(value)}" for key, value in (meta or {}).items()
            if value is not None and key not in _SKIPPED_META]


def format_transaction(entry: data.Transaction) -> str:
    head = f"{entry.date} {entry.flag}"
    if entry.payee:
        head += f" {quote(entry.payee)}"
    lines = [f"{head} {quote(entry.narration or '')}", *_meta_lines(entry.meta)]
    width = max(len(posting.account) for posting in entry.postings)
    for posting in entry.postings:
        lines.append(f"  {posting.account.ljust(width)}  {_number(posting.units.number)} "
                     f"{posting.units.currency}")
        if posting.meta:  # a handover names each posting's unit
            lines += [f"  {line}" for line in _meta_lines(posting.meta)]
    return "\n".join(lines) + "\n"


def _number(number: Decimal) -> str:
    # str() of a whole Decimal is its plain digits and much faster than format();
    # format() is kept for exponents and fractions, which str() would show as 1E+3.
    text = str(number)
    if "E" in text or "." in text:
        text = f"{number:f}"
    return text.rjust(20)


def format_open(entry: data.Open) -> str:
    currencies = " " + ",".join(entry.currencies) if entry.currencies else ""
    return "\n".join([f"{entry.date} open {entry.account}{currencies}",
                      *_meta_lines(entry.meta)]) + "\n"


def format_entries(entries: Iterable[data.Directive]) -> str:
    """The entries as Beancount text, separated by blank lines."""
    parts = []
    for entry in entries:
        if isinstance(entry, data.Transaction):
            parts.append(format_transaction(entry))
        elif isinstance(entry, data.Open):
            parts.append(format_open(entry))
        else:
            raise TypeError(f"cannot write a {type(entry).__name__} directive")
    return "\n".join(parts)


def open_entries(line: Line, catalogue: Catalogue, day: datetime.date,
                 roots: Iterable[Root] = Root) -> list[data.Open]:
    """``open`` directives of a line's accounts, with its Vietnamese title and each role."""
    title = line_title(catalogue, line)
    return [data.Open(data.new_metadata("<mtqgledger>", 0,
                                        {"name": title, "role": ROOT_TITLES[root]}),
                      day, line.account(root), ["VND"], None) for root in roots]
