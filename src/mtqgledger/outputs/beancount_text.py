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
_MEMO_SIZE = 4096  # texts kept per call of format_entries: the few that recur, not every voucher


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


def _meta_lines(meta: dict | None, memo: dict | None = None) -> list[str]:
    lines = []
    for key, value in (meta or {}).items():
        if value is None or key in _SKIPPED_META:
            continue
        if type(value) is not str:
            lines.append(f"  {key}: {_value(value)}")
            continue
        # Most texts (kinds, units, the file and sheet) repeat on every entry of an import.
        line = memo.get((key, value)) if memo is not None else None
        if line is None:
            line = f"  {key}: {quote(value)}"
            if memo is not None and len(memo) < _MEMO_SIZE:
                memo[(key, value)] = line
        lines.append(line)
    return lines


class _Memo:
    """The texts that recur in one call of format_entries (its first lines, its metadata),
    a bounded number of each: not every voucher number."""

    __slots__ = ("heads", "meta")

    def __init__(self) -> None:
        self.heads: dict[tuple, str] = {}
        self.meta: dict[tuple[str, str], str] = {}


def format_transaction(entry: data.Transaction, memo: _Memo | None = None) -> str:
    if memo is None:
        memo = _Memo()
    head_key = (entry.date, entry.flag, entry.payee, entry.narration)
    head = memo.heads.get(head_key)
    if head is None:
        head = f"{entry.date} {entry.flag}"
        if entry.payee:
            head += f" {quote(entry.payee)}"
        head = f"{head} {quote(entry.narration or '')}"
        if len(memo.heads) < _MEMO_SIZE:
            memo.heads[head_key] = head
    lines = [head, *_meta_lines(entry.meta, memo.meta)]
    postings = entry.postings
    width = max([len(posting.account) for posting in postings])
    for posting in postings:
        units = posting.units
        # str() of a whole Decimal is its plain digits and much faster than format();
        # format() is kept for exponents and fractions, which str() would show as 1E+3.
        number = str(units.number)
        if "E" in number or "." in number:
            number = f"{units.number:f}"
        lines.append(f"  {posting.account.ljust(width)}  {number:>20} {units.currency}")
        if posting.meta:  # a handover names each posting's unit
            lines += [f"  {line}" for line in _meta_lines(posting.meta)]
    lines.append("")
    return "\n".join(lines)


def format_open(entry: data.Open) -> str:
    currencies = " " + ",".join(entry.currencies) if entry.currencies else ""
    return "\n".join([f"{entry.date} open {entry.account}{currencies}",
                      *_meta_lines(entry.meta)]) + "\n"


def format_entries(entries: Iterable[data.Directive]) -> str:
    """The entries as Beancount text, separated by blank lines."""
    parts = []
    memo = _Memo()
    for entry in entries:
        if isinstance(entry, data.Transaction):
            parts.append(format_transaction(entry, memo))
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
