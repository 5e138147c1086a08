"""Folders of exported books (outputs/parquet.py) as one nation's: which files, whose
catalogue, which extension decisions; refusing what cannot be added up honestly."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mtqgledger.figures.extension import Extensions
from mtqgledger.model.catalogue import Catalogue, CatalogueError
from mtqgledger.model.catalogue_files import load_catalogue
from mtqgledger.model.text import bilingual
from mtqgledger.outputs.parquet import SCHEMA_VERSION, read_records


class RollupError(ValueError):
    """Exported folders that cannot be rolled up as they are."""


@dataclass(frozen=True)
class Exported:
    """One books' export, as its manifest (books/<books>.parquet) records it."""

    folder: Path
    books: str
    ledger: str
    provinces: tuple[str, ...]
    files: tuple[str, ...]  # relative to the folder

    def table_files(self, table: str) -> list[Path]:
        return [self.folder / name for name in self.files if name.startswith(f"{table}/")]


def _exports_of(folder: Path) -> list[Exported]:
    manifests = sorted((folder / "books").glob("*.parquet"))
    if not manifests:
        raise RollupError(bilingual(
            f"{folder}: không có số liệu xuất (mtqg export parquet SỔ -o {folder})",
            "no exported books in this folder"))
    found = []
    for manifest in manifests:
        record = read_records(manifest)[0]
        if record["schema_version"] != SCHEMA_VERSION:
            raise RollupError(bilingual(
                f"{manifest}: phiên bản lược đồ {record['schema_version']}, cần "
                f"{SCHEMA_VERSION}; xuất lại sổ {record['ledger']}",
                f"schema version {record['schema_version']}, expected {SCHEMA_VERSION}"))
        missing = [name for name in record["files"] if not (folder / name).is_file()]
        if missing:
            raise RollupError(bilingual(
                f"{manifest}: thiếu tệp {missing[0]} (và {len(missing) - 1} tệp khác); "
                f"xuất lại sổ {record['ledger']}", "an exported file is missing"))
        found.append(Exported(folder, record["books"], record["ledger"],
                              tuple(record["provinces"]), tuple(record["files"])))
    return found


class National:
    """Every books exported into ``folders``; a province comes from one books only."""

    def __init__(self, folders: Sequence[Path]) -> None:
        self.exports = [found for folder in folders for found in _exports_of(Path(folder))]
        owner: dict[str, Exported] = {}
        for found in self.exports:
            for province in found.provinces:
                other = owner.setdefault(province, found)
                if other is not found:
                    raise RollupError(bilingual(
                        f"{province} có trong hai bộ số liệu: {other.folder}/books/"
                        f"{other.books}.parquet ({other.ledger}) và {found.folder}/books/"
                        f"{found.books}.parquet ({found.ledger}); giữ một",
                        "a province exported from two ledgers would be counted twice"))
        self.owner = owner

    @property
    def provinces(self) -> list[str]:
        return sorted(self.owner)

    def movement_files(self, provinces: Sequence[str] | None = None) -> list[str]:
        """The movement files of ``provinces`` (all: None), found from the manifests' paths
        (province=P/…) so that an engine opens no other file."""
        wanted = None if provinces is None else {f"province={code}" for code in provinces}
        return [str(path) for found in self.exports for path in found.table_files("movements")
                if wanted is None or path.parent.parent.name in wanted]

    @functools.cached_property
    def _texts(self) -> dict[str, list[tuple[str, str]]]:
        """Each books' catalogue files as (name, TOML text), in order."""
        return {found.books: _catalogue_texts(found) for found in self.exports}

    @functools.cached_property
    def _catalogues(self) -> dict[str, Catalogue]:
        built: dict[tuple[str, ...], Catalogue] = {}  # most books name the same files
        by_books = {}
        for books, texts in self._texts.items():
            key = tuple(text for _, text in texts)
            if key not in built:
                built[key] = load_catalogue(texts=texts)
            by_books[books] = built[key]
        return by_books

    def catalogue_of(self, province: str) -> Catalogue:
        """The catalogue the books holding ``province`` were exported with (its titles)."""
        found = self.owner.get(province)
        return self._catalogues[found.books] if found is not None else self.catalogue

    @functools.cached_property
    def catalogue(self) -> Catalogue:
        """Every exported catalogue merged (sources, capital types, provinces); when two
        books' catalogues disagree, the bundled one and this machine's MTQG_CATALOGUE."""
        texts = [text for books in self._texts.values() for text in books]
        try:
            return load_catalogue(texts=texts)
        except CatalogueError:
            return load_catalogue()

    @functools.cached_property
    def extensions(self) -> Extensions:
        """The decisions that extended money, by (plan year, into), as all books cite them."""
        return self.extensions_of(self.exports)

    def extensions_of(self, exports: Sequence[Exported]) -> Extensions:
        """The decisions that extended money, as ``exports``' books cite them (a province's
        plan-year rows cite its own books' decisions, as its own report does)."""
        merged: dict[tuple[int, int], list[str]] = {}
        for found in exports:
            for path in found.table_files("extensions"):
                for record in read_records(path):
                    cited = merged.setdefault((record["plan_year"], record["extended_into"]), [])
                    if record["decision"] not in cited:
                        cited.append(record["decision"])
        return {key: tuple(cited) for key, cited in merged.items()}


def _catalogue_texts(found: Exported) -> list[tuple[str, str]]:
    texts = []
    for path in found.table_files("catalogue"):
        records = sorted(read_records(path), key=lambda record: record["position"])
        texts += [(f"{found.books}:{record['name']}", record["toml"]) for record in records]
    return texts

