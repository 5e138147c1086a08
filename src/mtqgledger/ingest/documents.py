"""Which importer reads a document, and what it gives: the front door of every import.

``mtqg import``, beangulp's command line (importers/import.py) and Fava's import
page use the same beangulp importer classes; this module picks the one that
identifies a file and asks it for the entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from beancount.core import data

from mtqgledger.importers.base import WorkbookImporter
from mtqgledger.importers.decision import DecisionImporter
from mtqgledger.importers.handover import HandoverImporter
from mtqgledger.importers.money import read_capital, read_source
from mtqgledger.importers.notes import NameRead
from mtqgledger.importers.treasury import TreasuryImporter
from mtqgledger.importers.workbook import ImportProblem, forget_workbooks, read_workbook
from mtqgledger.model.catalogue import Catalogue, Node
from mtqgledger.model.text import bilingual

# The options of `mtqg import` each importer takes.
DECISION_OPTIONS = ("number", "date", "province", "plan_year", "source", "capital", "mapping")
TREASURY_OPTIONS = ("province", "plan_year", "codes")
HANDOVER_OPTIONS = ("province", "plan_year")


@dataclass
class SourceDocument:
    path: Path
    kind: str  # decision | treasury | handover
    entries: list[data.Transaction]
    ignored_sheets: list[str] = field(default_factory=list)
    names: list[NameRead] = field(default_factory=list)  # read loosely, or new items
    notes: list[str] = field(default_factory=list)  # e.g. where the province came from
    new_items: list[Node] = field(default_factory=list)


def importers_for(catalogue: Catalogue, options: dict) -> list[WorkbookImporter]:
    """The importers of the books' catalogue, with the options the user gave.

    ``--source`` and ``--capital`` are read as cells are (a code, a word, a title);
    one the catalogue does not know raises ValueError naming the option.
    """
    given = {key: value for key, value in options.items() if value is not None}
    for key, read in (("source", read_source), ("capital", read_capital)):
        if key in given:
            try:
                given[key] = read(str(given[key]), catalogue)
            except ValueError as problem:
                raise ValueError(f"--{key}: {problem}") from None

    def chosen(keys: Sequence[str]) -> dict:
        return {key: given[key] for key in keys if key in given}

    # A handover record cites a decision too: it is recognised first, by its units' columns.
    return [HandoverImporter(catalogue, **chosen(HANDOVER_OPTIONS)),
            DecisionImporter(catalogue, **chosen(DECISION_OPTIONS)),
            TreasuryImporter(catalogue, **chosen(TREASURY_OPTIONS))]


def identify(path: Path, importers: Sequence[WorkbookImporter]) -> WorkbookImporter:
    """The importer of a document; anything else is refused with the reason."""
    read_workbook(path)  # raises a clear ImportProblem for a file that is not a workbook
    for importer in importers:
        if importer.identify(str(path)):
            return importer
    raise ImportProblem(path, bilingual(
        "không nhận ra loại tài liệu: không phải phụ lục quyết định giao vốn (STT, Nội dung, "
        "cột theo nguồn vốn / loại vốn, tiêu đề 'Quyết định số …') cũng không phải bảng kê Kho "
        "bạc (Ngày, Số chứng từ, Nghiệp vụ, Số tiền), cũng không phải bảng bàn giao (Đơn vị "
        "giao, Đơn vị nhận, Kế hoạch vốn còn lại, Tạm ứng chưa thu hồi)",
        "unrecognised document"))


def read_document(path: Path, importers: Sequence[WorkbookImporter],
                  existing: Sequence[data.Directive]) -> SourceDocument:
    try:
        importer = identify(path, importers)
        result = importer.read(str(path), existing)
    finally:
        forget_workbooks()  # the rest of the import holds the entries, not the cells
    return SourceDocument(path, importer.code, result.entries, result.ignored, result.names,
                          result.notes, result.new_items)
