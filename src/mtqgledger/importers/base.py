"""What the two workbook importers share as beangulp importers."""

from __future__ import annotations

import beangulp
from beancount.core import data

from mtqgledger.importers.identity import mark_duplicates
from mtqgledger.model.accounts import Root
from mtqgledger.model.catalogue import Catalogue, load_catalogue


class WorkbookImporter(beangulp.Importer):
    """A beangulp importer of one kind of workbook; options are passed to its reader."""

    code = ""  # "decision" | "treasury"
    root = Root.ALLOCATED  # the account beangulp files the documents under

    def __init__(self, catalogue: Catalogue | None = None, **options: object):
        self._catalogue = catalogue
        self.options = options

    @property
    def catalogue(self) -> Catalogue:
        return self._catalogue or load_catalogue()

    @property
    def name(self) -> str:
        return f"mtqgledger.{self.code}"

    def account(self, filepath: str) -> str:
        return self.root.value

    def filename(self, filepath: str) -> str | None:
        return None  # archive documents under their own names

    def deduplicate(self, entries: data.Entries, existing: data.Entries) -> None:
        mark_duplicates(entries, existing)
