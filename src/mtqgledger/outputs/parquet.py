"""``mtqg export parquet``: a province's movement table and its dimensions as Parquet.

The layout (docs/parquet.md, ``SCHEMA_VERSION``) is Hive-partitioned and readable by
any engine: DuckDB here (mtqg rollup), Spark or Trino when one machine is not enough::

    DIR/movements/province=LaiChau/plan_year=2025/<books>.parquet
    DIR/lines/province=LaiChau/<books>.parquet
    DIR/units/province=LaiChau/<books>.parquet
    DIR/provinces/<books>.parquet     DIR/items/<books>.parquet
    DIR/catalogue/<books>.parquet     DIR/extensions/<books>.parquet
    DIR/books/<books>.parquet         (the manifest: written last)

``<books>`` names the exporting books, so that several provinces export into one
folder and a re-export replaces only its own files. Amounts are int64 đồng: the
export refuses a figure beyond ±9.2 × 10¹⁸ rather than round it. pyarrow writes
the files; each is written beside its place and renamed into it.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from mtqgledger import __version__
from mtqgledger.figures.extension import Extensions
from mtqgledger.figures.movement_rows import MovementRow
from mtqgledger.files import write_atomically
from mtqgledger.model.accounts import Line
from mtqgledger.model.catalogue import LEVELS, Catalogue
from mtqgledger.model.text import bilingual
from mtqgledger.model.titles import item_title, line_title

SCHEMA_VERSION = 1  # raised whenever a table's columns change shape or meaning
INT64_LIMIT = 2**63 - 1
AMOUNTS = ("plan", "payments", "advances")
ITEM_COLUMNS = LEVELS  # program, project, subproject, content: the item path, level by level
MOVEMENTS = pa.schema([
    *(pa.field(level, pa.string()) for level in ITEM_COLUMNS),
    pa.field("source", pa.string(), nullable=False),
    pa.field("capital", pa.string(), nullable=False),
    pa.field("extended_into", pa.int32()),
    pa.field("line", pa.string(), nullable=False),
    pa.field("unit", pa.string()),
    pa.field("unit_code", pa.string()),
    pa.field("date", pa.date32(), nullable=False),
    *(pa.field(amount, pa.int64(), nullable=False) for amount in AMOUNTS),
    pa.field("kind", pa.string()),
    pa.field("narration", pa.string()),
    pa.field("decision", pa.string()),
    pa.field("decision_date", pa.date32()),
    pa.field("voucher", pa.string()),
    pa.field("source_file", pa.string()),
    pa.field("sheet", pa.string()),
    pa.field("row", pa.int64()),
    pa.field("ledger_file", pa.string()),
    pa.field("ledger_line", pa.int64()),
    pa.field("books", pa.string(), nullable=False),
])
# The dimension tables. Every column is typed here, so that an empty column is a string
# column still and the files of many books read as one table in any engine.
_TEXT = pa.string()
_ITEMS = [pa.field(level, _TEXT) for level in ITEM_COLUMNS]
LINES = pa.schema([pa.field("line", _TEXT, nullable=False), *_ITEMS,
                   pa.field("source", _TEXT, nullable=False),
                   pa.field("capital", _TEXT, nullable=False),
                   pa.field("plan_year", pa.int32(), nullable=False),
                   pa.field("extended_into", pa.int32()),
                   pa.field("title", _TEXT), pa.field("item_title", _TEXT)])
UNITS = pa.schema([pa.field("unit", _TEXT), pa.field("unit_code", _TEXT)])
PROVINCES = pa.schema([pa.field("province", _TEXT, nullable=False), pa.field("title", _TEXT),
                       pa.field("successor", _TEXT), pa.field("city", pa.bool_())])
ITEMS = pa.schema([pa.field("path", _TEXT, nullable=False), *_ITEMS,
                   pa.field("level", _TEXT), pa.field("title", _TEXT)])
CATALOGUE = pa.schema([pa.field("position", pa.int32(), nullable=False),
                       pa.field("name", _TEXT), pa.field("toml", _TEXT)])
EXTENSIONS = pa.schema([pa.field("plan_year", pa.int32(), nullable=False),
                        pa.field("extended_into", pa.int32(), nullable=False),
                        pa.field("decision", _TEXT)])
MANIFEST = pa.schema([pa.field("books", _TEXT, nullable=False), pa.field("ledger", _TEXT),
                      pa.field("fingerprint", _TEXT), pa.field("schema_version", pa.int32()),
                      pa.field("mtqgledger", _TEXT), pa.field("exported_at", pa.timestamp("us")),
                      pa.field("provinces", pa.list_(_TEXT)), pa.field("rows", pa.int64()),
                      pa.field("files", pa.list_(_TEXT))])
# The partition columns of the movement table, in its folders' names (province=…/plan_year=…).
PARTITIONS = (pa.field("province", pa.string(), nullable=False),
              pa.field("plan_year", pa.int32(), nullable=False))
TABLES = ("movements", "lines", "units", "provinces", "items", "catalogue", "extensions",
          "books")


class ExportError(ValueError):
    """The books cannot be exported as they are (a figure too large, a folder taken)."""


@dataclass(frozen=True)
class Export:
    """What an export is made of; ``fingerprint`` identifies the books' inputs and this code."""

    books: str  # the books' name in the folder: its files are <books>.parquet
    ledger: str
    fingerprint: str
    rows: Sequence[MovementRow]
    catalogue: Catalogue
    catalogue_texts: Sequence[tuple[str, str]]  # the books' own catalogue files, in order
    extensions: Extensions


def books_name(ledger: Path) -> str:
    """'so-laichau-1a2b3c4d': the books' folder and where their main file is (the same books
    keep their name when they come to hold another province, as a successor does)."""
    main = ledger.resolve()
    digest = hashlib.sha256(str(main).encode()).hexdigest()[:8]
    folder = re.sub(r"[^A-Za-z0-9_-]+", "-", main.parent.name).strip("-") or "books"
    return f"{folder}-{digest}"


def read_records(path: Path) -> list[dict]:
    """A small table's rows (a manifest, a dimension table). pq.ParquetFile reads one file
    without pyarrow.dataset, which costs pandas' import and milliseconds per file."""
    return pq.ParquetFile(path).read().to_pylist()


def unchanged(folder: Path, books: str, fingerprint: str) -> bool:
    """Whether ``folder`` holds this export of these books already, every file in place."""
    manifest = folder / "books" / f"{books}.parquet"
    try:
        record = read_records(manifest)[0]
    except (OSError, IndexError, pa.ArrowInvalid):
        return False
    return record["fingerprint"] == fingerprint and \
        record["schema_version"] == SCHEMA_VERSION and \
        all((folder / name).is_file() for name in record["files"])


def write_export(folder: Path, export: Export) -> list[str]:
    """Write every table of ``export`` into ``folder``; the files written, relative to it."""
    _check_amounts(export.rows)
    _refuse_taken_provinces(folder, export)
    written = [*_write_movements(folder, export), *_write_dimensions(folder, export)]
    _remove_stale(folder, export.books, set(written))
    provinces = sorted({row.line.province for row in export.rows})
    manifest = pa.table({
        "books": [export.books], "ledger": [export.ledger], "fingerprint": [export.fingerprint],
        "schema_version": [SCHEMA_VERSION], "mtqgledger": [__version__],
        "exported_at": [datetime.datetime.now(datetime.UTC).replace(tzinfo=None)],
        "provinces": [provinces], "rows": [len(export.rows)], "files": [written]},
        schema=MANIFEST)
    name = f"books/{export.books}.parquet"
    _write(folder / name, manifest)
    return [*written, name]


def _check_amounts(rows: Sequence[MovementRow]) -> None:
    """int64 holds ±9.2 × 10¹⁸ đồng, some 3,600 times Vietnam's yearly state budget (about
    2.5 × 10¹⁵ đồng): a figure beyond it is a typing error, never rounded or wrapped."""
    for row in rows:
        for amount in AMOUNTS:
            if abs(getattr(row, amount)) > INT64_LIMIT:
                raise ExportError(bilingual(
                    f"{row.ledger_file}:{row.ledger_line}: số tiền {getattr(row, amount)} vượt "
                    "giới hạn int64 của Parquet", "amount beyond int64, not exported"))


def _refuse_taken_provinces(folder: Path, export: Export) -> None:
    ours = {row.line.province for row in export.rows}
    for manifest in sorted((folder / "books").glob("*.parquet")):
        record = read_records(manifest)[0]
        if record["books"] == export.books:
            continue
        taken = ours & set(record["provinces"])
        if taken:
            raise ExportError(bilingual(
                f"{folder}: không xuất sổ {export.ledger}: số liệu {', '.join(sorted(taken))} "
                f"đã có từ sổ {record['ledger']} ({record['books']}); muốn thay thì xoá "
                f"books/{manifest.name} và mọi tệp {record['books']}.parquet trong {folder}",
                "another ledger's export holds these provinces"))


def _write(path: Path, table: pa.Table) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, lambda target: pq.write_table(table, target, compression="zstd"))


def _item(line: Line, depth: int) -> str | None:
    return line.item_path[depth] if len(line.item_path) > depth else None


def movements_table(rows: Sequence[MovementRow], books: str, *,
                    partitions: bool = False) -> pa.Table:
    """The rows as the Parquet movement table (``partitions``: with the columns the folder
    layout holds, province and plan_year, first: the table as an engine reads it back)."""
    columns: dict[str, list] = {}
    if partitions:
        columns = {"province": [row.line.province for row in rows],
                   "plan_year": [row.line.plan_year for row in rows]}
    columns |= {level: [_item(row.line, depth) for row in rows]
                for depth, level in enumerate(ITEM_COLUMNS)}
    columns |= {
        "source": [row.line.source for row in rows],
        "capital": [row.line.capital for row in rows],
        "extended_into": [row.line.extended_into for row in rows],
        "line": [row.line.name() for row in rows],
        "unit": [row.unit.name or None for row in rows],
        "unit_code": [row.unit.code or None for row in rows],
    }
    for name in ("date", *AMOUNTS, "kind", "narration", "decision", "decision_date",
                 "voucher", "source_file", "sheet", "row", "ledger_file", "ledger_line"):
        columns[name] = [getattr(row, name) for row in rows]
    columns["books"] = [books] * len(rows)
    schema = pa.schema([*PARTITIONS, *MOVEMENTS]) if partitions else MOVEMENTS
    return pa.table(columns, schema=schema)


def _write_movements(folder: Path, export: Export) -> list[str]:
    parts: dict[tuple[str, int], list[MovementRow]] = {}
    for row in export.rows:
        parts.setdefault((row.line.province, row.line.plan_year), []).append(row)
    written = []
    for (province, year), rows in sorted(parts.items()):
        name = f"movements/province={province}/plan_year={year}/{export.books}.parquet"
        _write(folder / name, movements_table(rows, export.books))
        written.append(name)
    return written


def _write_dimensions(folder: Path, export: Export) -> list[str]:
    catalogue, books = export.catalogue, export.books
    lines = sorted({row.line for row in export.rows}, key=lambda line: line.sort_key)
    units = sorted({(row.line.province, row.unit.name, row.unit.code) for row in export.rows})
    tables: dict[str, pa.Table] = {}
    for province in sorted({line.province for line in lines}):
        own = [line for line in lines if line.province == province]
        tables[f"lines/province={province}/{books}.parquet"] = pa.table({
            "line": [line.name() for line in own],
            **{level: [_item(line, depth) for line in own]
               for depth, level in enumerate(ITEM_COLUMNS)},
            "source": [line.source for line in own], "capital": [line.capital for line in own],
            "plan_year": [line.plan_year for line in own],
            "extended_into": [line.extended_into for line in own],
            "title": [line_title(catalogue, line) for line in own],
            "item_title": [item_title(catalogue, line.item_path) for line in own]},
            schema=LINES)
        mine = [unit for unit in units if unit[0] == province]
        tables[f"units/province={province}/{books}.parquet"] = pa.table(
            {"unit": [name or None for _, name, _ in mine],
             "unit_code": [code or None for _, _, code in mine]}, schema=UNITS)
    provinces = list(catalogue.provinces.values())
    extended = [(year, into, decision) for (year, into), cited in export.extensions.items()
                for decision in cited]
    tables |= {
        f"provinces/{books}.parquet": pa.table({
            "province": [p.code for p in provinces], "title": [p.title_vi for p in provinces],
            "successor": [p.successor for p in provinces], "city": [p.city for p in provinces]},
            schema=PROVINCES),
        f"items/{books}.parquet": _items_table(catalogue),
        f"catalogue/{books}.parquet": pa.table({
            "position": list(range(len(export.catalogue_texts))),
            "name": [name for name, _ in export.catalogue_texts],
            "toml": [text for _, text in export.catalogue_texts]}, schema=CATALOGUE),
        f"extensions/{books}.parquet": pa.table({
            "plan_year": [year for year, _, _ in extended],
            "extended_into": [into for _, into, _ in extended],
            "decision": [decision for _, _, decision in extended]}, schema=EXTENSIONS),
    }
    for name, table in tables.items():
        _write(folder / name, table)
    return list(tables)


def _items_table(catalogue: Catalogue) -> pa.Table:
    nodes = list(catalogue.walk())
    return pa.table({
        "path": [":".join(node.path) for node in nodes],
        **{level: [node.path[depth] if len(node.path) > depth else None for node in nodes]
           for depth, level in enumerate(ITEM_COLUMNS)},
        "level": [node.level for node in nodes],
        "title": [node.title_vi for node in nodes]}, schema=ITEMS)


def _remove_stale(folder: Path, books: str, written: set[str]) -> None:
    """This books' files of an earlier export that this one did not write again (a plan
    year or province the books no longer hold)."""
    for table in TABLES:
        for path in (folder / table).rglob(f"{books}.parquet") if (folder / table).is_dir() \
                else ():
            relative = path.relative_to(folder).as_posix()
            if relative not in written and table != "books":
                os.unlink(path)
                _remove_empty(path.parent, folder)


def _remove_empty(directory: Path, folder: Path) -> None:
    """A partition's folder left empty (province=…/plan_year=…), up to the table's."""
    while directory.parent != folder and not any(directory.iterdir()):
        directory.rmdir()
        directory = directory.parent
