"""What the two workbook importers share as beangulp importers.

The same importer objects serve ``mtqg import``, beangulp's command line
(importers/import.py) and Fava's import page. Each reads names against the
catalogue of the books it imports into: given directly, or read from the
ledger it is told of (its budget-rule plugin line), else the bundled one with
``MTQG_CATALOGUE``.
"""

from __future__ import annotations

import datetime
from functools import cached_property
from pathlib import Path

import beangulp
from beancount.core import data

from mtqgledger.importers.identity import mark_duplicates
from mtqgledger.model.accounts import Root
from mtqgledger.model.catalogue import Catalogue
from mtqgledger.model.catalogue_files import load_catalogue


class WorkbookImporter(beangulp.Importer):
    """A beangulp importer of one kind of workbook; options are passed to its reader."""

    code = ""  # "decision" | "treasury"
    root = Root.ALLOCATED  # the account beangulp files the documents under

    def __init__(self, catalogue: Catalogue | None = None, *, ledger: str | Path | None = None,
                 **options: object):
        self._catalogue = catalogue
        self.ledger = ledger
        self.options = {key: value for key, value in options.items() if value is not None}

    @cached_property
    def catalogue(self) -> Catalogue:
        if self._catalogue is not None:
            return self._catalogue
        if self.ledger is not None:
            from mtqgledger.books import Books

            return Books.open(self.ledger).catalogue
        return load_catalogue()

    @property
    def name(self) -> str:
        return f"mtqgledger.{self.code}"

    def account(self, filepath: str) -> str:
        return self.root.value

    def filename(self, filepath: str) -> str | None:
        return None  # archive documents under their own names

    def date(self, filepath: str) -> datetime.date | None:
        entries = self.read(filepath).entries
        return max((entry.date for entry in entries), default=None)

    def read(self, filepath: str, existing: data.Entries = ()):
        """The document's result: its entries and the sheets it read and left alone."""
        raise NotImplementedError

    def extract(self, filepath: str, existing: data.Entries) -> data.Entries:
        return list(self.read(filepath, existing or ()).entries)

    def deduplicate(self, entries: data.Entries, existing: data.Entries) -> None:
        mark_duplicates(entries, existing)
