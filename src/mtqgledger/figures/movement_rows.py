"""The movement table row by row: each transaction's change of plan, payments and advances
on each line and spending unit, with the document it comes from.

:func:`movements.movements` adds these rows up per line, day and unit (the reports
need nothing finer); the Parquet export keeps them apart so that an auditor or an
analyst can trace every figure of a national roll-up to its decision or voucher,
file, sheet and row. Both read the postings through the same helpers of
:mod:`.movements`, and a test requires these rows, added up, to be that table.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable
from typing import NamedTuple

from beancount.core import data

from mtqgledger.figures.movements import PostingReader, ReportProblem, unit_namer
from mtqgledger.model.accounts import Line
from mtqgledger.model.postings import PROVENANCE_KEYS
from mtqgledger.model.units import UNIT_KEY, UnitRef, Units, posting_unit


class MovementRow(NamedTuple):
    """One transaction's net change on one line for one spending unit."""

    line: Line
    date: datetime.date
    plan: int
    payments: int
    advances: int
    unit: UnitRef
    kind: str | None
    narration: str
    decision: str | None
    decision_date: datetime.date | None
    voucher: str | None
    source_file: str | None
    sheet: str | None
    row: int | None
    ledger_file: str | None  # relative to the main file's folder when inside it
    ledger_line: int | None


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _day(value: object) -> datetime.date | None:
    return value if isinstance(value, datetime.date) else None


def _number(value: object) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def _relative(filename: str | None, base: str | None) -> str | None:
    if filename is None or base is None or not os.path.isabs(filename):
        return filename
    base = os.path.abspath(base)
    return os.path.relpath(filename, base) if \
        os.path.commonpath([base, filename]) == base else filename


def movement_rows(entries: Iterable[data.Directive], units: Units | None = None,
                  base: str | None = None) -> tuple[list[MovementRow], list[ReportProblem]]:
    """Every transaction's changes per line and unit, in the books' order (``base``: the folder
    ledger file names are given relative to). Amounts that are not whole VND make the table
    empty and each a problem, as :func:`.movements.movements` does."""
    reader = PostingReader()
    name_unit = unit_namer(units)
    rows: list[MovementRow] = []
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        cells: dict[tuple[int, UnitRef], list[int]] = {}
        entry_unit = None
        for number, column, dong, posting in reader.changes(entry):
            # as movements() names them: a handover's posting its own unit, any other
            # posting the transaction's, named once in the province of its first line
            if posting.meta and UNIT_KEY in posting.meta:
                unit = name_unit(reader.lines[number].province, *posting_unit(entry, posting))
            else:
                if entry_unit is None:
                    entry_unit = name_unit(reader.lines[number].province,
                                           *posting_unit(entry, posting))
                unit = entry_unit
            cell = cells.setdefault((number, unit), [0, 0, 0])
            cell[column] += dong
        if cells:
            rows.extend(_rows_of(entry, cells, reader.lines, base))
    return ([], reader.problems) if reader.problems else (rows, [])


def _rows_of(entry: data.Transaction, cells: dict[tuple[int, UnitRef], list[int]],
             lines: list[Line], base: str | None) -> list[MovementRow]:
    meta = entry.meta
    decision, decision_date, voucher, source_file, sheet, row = (
        meta.get(key) for key in PROVENANCE_KEYS)
    shared = (_text(meta.get("kind")), entry.narration or "", _text(decision),
              _day(decision_date), _text(voucher), _text(source_file), _text(sheet),
              _number(row), _relative(meta.get("filename"), base), _number(meta.get("lineno")))
    return [MovementRow(lines[number], entry.date, *cell, unit, *shared)
            for (number, unit), cell in cells.items()]

