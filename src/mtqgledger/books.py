"""Books: one way to open a ledger, for every command, the import and the Fava page.

A :class:`Books` holds what the rest of the project asks of a ledger: its
entries, errors and options (loaded by Beancount when first asked for), the
catalogue in force (the bundled one, ``MTQG_CATALOGUE`` and the files the
budget-rule plugin line names), the movement table every figure is summed
from (read from the cache when the books are unchanged), and the rule for the
default as-of date and plan year of a report. Errors travel as data: the
load's errors and the problems the reports meet (a fraction of a đồng) are
lists beside the table, never exceptions.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from dataclasses import replace
from functools import cached_property, partial
from pathlib import Path

from beancount.parser import printer

from mtqgledger.books_cache import STAMPS, Cached, fingerprint, read_cache, write_cache
from mtqgledger.figures.extension import Extensions, extension_decisions
from mtqgledger.figures.movements import (
    Movement,
    ReportProblem,
    budget_years,
    default_as_of,
    default_budget_year,
    movements,
)
from mtqgledger.files import write_later
from mtqgledger.model.catalogue import Catalogue, CatalogueError
from mtqgledger.model.catalogue_files import env_files, load_catalogue
from mtqgledger.model.text import bilingual
from mtqgledger.plugins.budget_rules import catalogue_files, rule_warnings
from mtqgledger.snapshot import State, load_books, paused_gc, state_of
from mtqgledger.snapshot.store import SnapshotLost

ALL_YEARS = "all"


class BooksNotFound(FileNotFoundError):
    """The ledger file does not exist."""


class Books:
    """A ledger opened once. Build it with :meth:`open` or :meth:`of_loaded`."""

    def __init__(self, path: Path, *, use_cache: bool = True, full: bool = False) -> None:
        self.path = path
        self.use_cache = use_cache
        self.full = full  # always Beancount's full load, never the snapshot
        self.how = ""  # how the books were loaded (snapshot.FULL, SNAPSHOT, DELTA)
        self.state: State | None = None  # what snapshot.extend_with starts from
        self._loaded: tuple[list, list, dict] | None = None
        self._cached: Cached | None = None
        self.from_cache = False

    @classmethod
    def open(cls, path: str | Path, *, use_cache: bool = True, full: bool = False) -> Books:
        """The books whose main file is ``path``; nothing is parsed until something is asked.

        ``use_cache`` reads the movement table of unchanged books from the cache; ``full``
        loads through Beancount's loader even when a snapshot would do (snapshot/).
        """
        ledger = Path(path)
        if not ledger.is_file():
            raise BooksNotFound(bilingual(f"{ledger}: không tìm thấy sổ", "ledger file not found"))
        return cls(ledger, use_cache=use_cache, full=full)

    @classmethod
    def of_loaded(cls, path: str | Path, entries: list, errors: list, options: dict, *,
                  use_cache: bool = False) -> Books:
        """Books Beancount (or Fava) has loaded already (``use_cache``: their movement table
        from the cache when their files are unchanged since it was made)."""
        books = cls(Path(path), use_cache=use_cache)
        books._loaded = (entries, errors, options)
        books.state = state_of(path, entries)  # loaded through the snapshot (mtqg serve)
        return books

    # -- what Beancount gives --------------------------------------------------------------

    def _load(self) -> tuple[list | None, list, dict]:
        """The load; its entries (None) are read from the snapshot when first asked for."""
        if self._loaded is None:
            with paused_gc():
                loaded = load_books(self.path, full=self.full, entries=False)
            self._loaded, self.how, self.state = loaded[:3], loaded.how, loaded.state
        return self._loaded

    @property
    def entries(self) -> list:
        entries, errors, options = self._load()
        if entries is None:
            with paused_gc():
                try:
                    entries = self.state.snapshot.entries
                except SnapshotLost:  # another process replaced the snapshot meanwhile
                    entries, errors, options = load_books(self.path, full=True)[:3]
            self._loaded = (entries, errors, options)
        return entries

    def light_entries(self) -> list:
        """The books' directives that are not transactions and the transactions that post to
        extended segments, in order: what an importer asks of existing books, read without
        the other transactions when a snapshot has them."""
        self._load()
        if self._loaded[0] is None and self.state is not None:
            index = self.state.snapshot.index
            return [*index.structure, *index.extended]
        return self.entries

    def may_cite(self, references: set[str]) -> bool:
        """Whether a transaction of the books may cite one of ``references``."""
        self._load()
        if self._loaded[0] is None and self.state is not None:
            return not references.isdisjoint(self.state.snapshot.index.references)
        return True

    @property
    def load_errors(self) -> list:
        """Beancount's errors, the budget rules' among them."""
        return self._load()[1]

    @property
    def errors(self) -> list:
        """The load's errors and the problems the reports meet, as data."""
        return [*self.load_errors, *self.problems]

    @property
    def options(self) -> dict:
        return self._load()[2]

    # -- what the reports need -------------------------------------------------------------

    @cached_property
    def _table(self) -> tuple[list[Movement], list[ReportProblem]]:
        return movements(self.entries, self.catalogue.unit_registry)

    @property
    def movements(self) -> list[Movement]:
        """The movement table; empty when the books hold amounts it cannot add up."""
        cached = self._from_cache()
        return cached.movements if cached is not None else self._table[0]

    @property
    def extensions(self) -> Extensions:
        """The decisions that extended money into later years, by (plan year, into)."""
        cached = self._from_cache()
        return cached.extensions if cached is not None else extension_decisions(self.entries)

    @property
    def problems(self) -> list[ReportProblem]:
        return self._table[1]

    @property
    def messages(self) -> list[str]:
        """Every error of the books, formatted as bean-check prints them."""
        cached = self._from_cache()
        if cached is not None:
            return cached.messages
        return self._formatted_errors()

    def _formatted_errors(self) -> list[str]:
        return [printer.format_error(error) for error in self.errors]

    @property
    def warnings(self) -> list[str]:
        """The breaches of budget rules the plugin line set to warn, formatted."""
        cached = self._from_cache()
        if cached is not None:
            return cached.warnings
        return self._formatted_warnings()

    def _formatted_warnings(self) -> list[str]:
        return [printer.format_error(warning) for warning in rule_warnings(self.options)]

    def _from_cache(self) -> Cached | None:
        """The cached table when the books are unchanged; else load, and cache the result."""
        if not self.use_cache or self._cached is not None:
            return self._cached
        self._cached = read_cache(self.path)
        if self._cached is not None:
            self.from_cache = True
            return self._cached
        with paused_gc():
            cached = Cached(self._table[0], self._formatted_errors(),
                            self._named_catalogue_files(), extension_decisions(self.entries),
                            self._formatted_warnings())
        key = fingerprint(self._input_files())
        if self._as_loaded(key["files"]):  # else a file changed since: keep nothing
            write_later(partial(write_cache, self.path, key, cached))
            cached = replace(cached, inputs={name: state[1]
                                             for name, state in key["files"].items()})
        self._cached = cached
        return cached

    def _as_loaded(self, files: dict[str, tuple]) -> bool:
        """Whether ``files`` (name -> (SHA-256, include matches) now) hold what was loaded,
        as the snapshot of the load recorded it."""
        if self.state is None:
            return False
        snapshot = self.state.snapshot
        loaded = {os.path.realpath(name): state.sha256
                  for name, state in snapshot.sources.files.items()}
        loaded.update((os.path.realpath(name), sha) for name, sha in snapshot.catalogues.items())
        now = {os.path.realpath(name): state[0] for name, state in files.items()}
        return now == loaded and None not in now.values()

    def read_inputs(self) -> tuple[dict[str, tuple | None], dict[str, list[str]]] | None:
        """When the movement table is the cache's (read, or made from a load of exactly the
        files hashed for it): each file it was made from with its stamp as this process
        hashed it (files.file_stamp), and what each include pattern in them matched; None
        otherwise (cli/answers.py keeps a report's text with them)."""
        cached = self._cached
        if cached is None or cached.inputs is None:
            return None
        patterns = {pattern: matched for found in cached.inputs.values()
                    for pattern, matched in found.items()}
        return {name: STAMPS.get(name) for name in cached.inputs}, patterns

    # -- the catalogue in force ------------------------------------------------------------

    def _named_catalogue_files(self) -> list[str]:
        if self._cached is not None:
            return self._cached.catalogue_files
        return catalogue_files(self.options, str(self.path.parent))

    def catalogue_files(self) -> list[str]:
        """The catalogue files the books' budget-rule plugin line names."""
        cached = self._from_cache()
        return cached.catalogue_files if cached is not None else self._named_catalogue_files()

    @cached_property
    def catalogue(self) -> Catalogue:
        """The bundled catalogue, ``MTQG_CATALOGUE`` and the files the plugin line names."""
        # Once loaded (the movement table asks while the cache is being made), the
        # books' own options say which files; before, the cache may, without a load.
        loaded = self._loaded is not None or self._cached is not None
        return catalogue_of(self._named_catalogue_files() if loaded else self.catalogue_files())

    def inputs_fingerprint(self) -> str:
        """A digest of every file the books were loaded from (and this package): equal only
        when anything derived from them would be the same again."""
        key = json.dumps(fingerprint(self._input_files()), sort_keys=True, default=list)
        return hashlib.sha256(key.encode()).hexdigest()

    def _input_files(self) -> list[str]:
        """Every file whose contents the load depended on."""
        files = [str(Path(name).resolve()) for name in self.options.get("include", [])]
        return [*(files or [str(self.path.resolve())]), *self._named_catalogue_files(),
                *env_files()]

    # -- the default period ----------------------------------------------------------------

    def period(self, as_of: datetime.date | None = None, plan_year: int | str | None = None,
               today: datetime.date | None = None) -> tuple[datetime.date, int | None]:
        """The as-of date and plan year of a report: as asked, else the books' defaults.

        As of the books' last movement; for the as-of year if the books hold money of
        it, else the latest year before it; ``plan_year="all"`` gives every year (None).
        """
        return report_period(self.movements, as_of, plan_year, today)


def catalogue_of(named_files: list[str]) -> Catalogue:
    """The catalogue in force for books whose plugin line names ``named_files``.

    A named file that cannot be read leaves the bundled catalogue with the
    environment's: the budget-rule plugin reports that file among the books' errors.
    """
    try:
        return load_catalogue(named_files)
    except CatalogueError:
        if not named_files:
            raise
        return load_catalogue()


def fava_catalogue_files(ledger: str | Path, options: dict) -> list[str]:
    """The catalogue files named by books Fava has loaded (their options name them)."""
    return catalogue_files(options, str(Path(ledger).parent))


def fava_catalogue(ledger: str | Path, options: dict) -> Catalogue:
    """The catalogue of books Fava has loaded."""
    return catalogue_of(fava_catalogue_files(ledger, options))


def report_period(table: list[Movement], as_of: datetime.date | None,
                  plan_year: int | str | None,
                  today: datetime.date | None = None) -> tuple[datetime.date, int | None]:
    """The default as-of date and plan year over a movement table (see Books.period)."""
    day = as_of or default_as_of(table, today or datetime.date.today())
    if plan_year == ALL_YEARS:
        return day, None
    if plan_year is None:
        return day, default_budget_year(budget_years(table), day)
    return day, int(plan_year)

