"""A ledger's books exported into a Parquet folder (``mtqg export parquet``)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from mtqgledger.books import Books
from mtqgledger.figures.movement_rows import movement_rows
from mtqgledger.model.catalogue_files import env_files
from mtqgledger.outputs import parquet
from mtqgledger.outputs.parquet import ExportError


class Exported(NamedTuple):
    books: str  # the books' name in the folder
    written: list[str]  # files written, relative to the folder; [] when unchanged
    rows: int
    provinces: list[str]


def export_books(books: Books, ledger: Path, folder: Path) -> Exported:
    """Write ``books`` (opened from ``ledger``, without errors) into ``folder``, unless the
    folder holds this very export already."""
    provinces = sorted({move.line.province for move in books.movements})
    name = parquet.books_name(ledger)
    fingerprint = books.inputs_fingerprint()
    if parquet.unchanged(folder, name, fingerprint):
        return Exported(name, [], 0, provinces)
    base = ledger.resolve().parent
    rows, problems = movement_rows(books.entries, books.catalogue.unit_registry, str(base))
    if problems:
        raise ExportError(problems[0].message)
    # The catalogue files the books were checked with, as text: the roll-up's titles.
    texts = [(_shown(Path(path), base), Path(path).read_text(encoding="utf-8"))
             for path in [*env_files(), *books.catalogue_files()] if Path(path).is_file()]
    export = parquet.Export(name, str(ledger), fingerprint, rows, books.catalogue, texts,
                            books.extensions)
    return Exported(name, parquet.write_export(folder, export), len(rows), provinces)


def _shown(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base).as_posix()
    except ValueError:
        return path.name
