"""pandas DataFrames for analysts: the movement table and the report rows, of one ledger or
of a folder of exported provinces (docs/analysis.md).

The tables are built column by column as Arrow tables (a ledger) or read by DuckDB
(a folder) and handed to pandas whole. Amounts are int64 đồng; the report's ratios
are its exact quotients rounded to 6 places, as its JSON gives them.

    >>> from mtqgledger import frames
    >>> moves = frames.movements("toan-quoc/")            # or "ledgers/main.beancount"
    >>> rows = frames.report("toan-quoc/", plan_year=2026, by="project")
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa

from mtqgledger.books import Books
from mtqgledger.figures.disbursement import DisbursementReport, disbursement_report
from mtqgledger.figures.movement_rows import movement_rows
from mtqgledger.national.folder import National, RollupError
from mtqgledger.national.rollup import Rollup
from mtqgledger.outputs.disbursement import JSON_KEYS, row_record
from mtqgledger.outputs.parquet import MOVEMENTS, PARTITIONS, books_name, movements_table

AMOUNT_KEYS = ("plan", "payments", "advances", "disbursed", "remaining")
RATIO_KEYS = ("ratio", "ratio_paid")


def movements(source: str | Path) -> pd.DataFrame:
    """Every movement (one row per transaction, line and spending unit, with its document)
    of the ledger file or the Parquet folder ``source``, in the export's columns."""
    source = Path(source)
    if source.is_dir():
        rollup = Rollup(National([source]))
        names = ", ".join(f'"{field.name}"' for field in [*PARTITIONS, *MOVEMENTS])
        if not rollup.files:
            return _pandas(movements_table([], "", partitions=True))
        read = rollup.connection.execute(f"SELECT {names} FROM {rollup.movements_sql()}")
        # to_arrow_table since DuckDB 1.4; fetch_arrow_table before it
        fetched = getattr(read, "to_arrow_table", None) or read.fetch_arrow_table
        return _pandas(fetched().cast(pa.schema([*PARTITIONS, *MOVEMENTS])))
    books = _books(source)
    rows, problems = movement_rows(books.entries, books.catalogue.unit_registry,
                                   str(source.resolve().parent))
    if problems:
        raise RollupError(problems[0].message)
    return _pandas(movements_table(rows, books_name(source), partitions=True))


def report(source: str | Path, *, as_of: datetime.date | None = None,
           plan_year: int | str | None = None, by: str = "content",
           province: str | None = None, program: str | None = None,
           merged_apart: bool = False) -> pd.DataFrame:
    """The rows of ``mtqg report disbursement`` (a ledger) or ``mtqg rollup`` (a folder), in
    the JSON's columns; ``plan_year="all"`` for every year."""
    return report_frame(disbursement(source, as_of=as_of, plan_year=plan_year, by=by,
                                     province=province, program=program,
                                     merged_apart=merged_apart))


def disbursement(source: str | Path, *, as_of: datetime.date | None = None,
                 plan_year: int | str | None = None, by: str = "content",
                 province: str | None = None, program: str | None = None,
                 merged_apart: bool = False) -> DisbursementReport:
    """The report itself, from a ledger or from a folder of exports."""
    source = Path(source)
    if source.is_dir():
        rollup = Rollup(National([source]), [province] if province else None, program)
        day, year = rollup.period(as_of, plan_year)
        return rollup.report(day, year, by=by, merged_apart=merged_apart)
    books = _books(source)
    day, year = books.period(as_of, plan_year)
    return disbursement_report(books.movements, books.catalogue, as_of=day, budget_year=year,
                               province=province, program=program, by=by,
                               extensions=books.extensions, merged_apart=merged_apart)


def report_frame(result: DisbursementReport) -> pd.DataFrame:
    """A report's rows as a DataFrame: amounts int64, ratios float64 (6 places)."""
    records = [row_record(row) for row in result.rows]
    columns = {key: [record[key] for record in records] for key in JSON_KEYS}
    types = {key: pa.int64() for key in AMOUNT_KEYS} | {key: pa.float64() for key in RATIO_KEYS}
    types |= {"plan_year": pa.int32(), "extended_into": pa.int32()}
    arrays = {key: pa.array([None if value is None else
                             float(value) if key in RATIO_KEYS else value
                             for value in values], types.get(key, pa.string()))
              for key, values in columns.items()}
    return _pandas(pa.table(arrays))


def _pandas(table: pa.Table) -> pd.DataFrame:
    """One conversion for every frame: integers stay integers where a value is missing
    (pandas' nullable Int32 / Int64), days are datetime64."""
    nullable = {pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype()}
    return table.to_pandas(types_mapper=nullable.get, date_as_object=False)


def _books(ledger: Path) -> Books:
    books = Books.open(ledger)
    if books.messages:
        raise RollupError(f"{ledger}: {books.messages[0]}")
    return books
