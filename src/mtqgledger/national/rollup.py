"""``mtqg rollup``: the disbursement report of every exported province, added up in DuckDB.

DuckDB reads the Parquet movement tables and adds every line up as of a day
(``movements.LINE_FIGURES_SQL``, the SQL twin of ``figures_by_line``); only those
sums, a few per line, come into Python, where :func:`arranged_report` makes the
rows exactly as ``mtqg report disbursement`` does, with a province level and a
national total. The quarterly form is the same form, by province.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence

import duckdb

from mtqgledger.figures.disbursement import DisbursementReport, LineFigures, arranged_report
from mtqgledger.figures.movements import (
    BUDGET_YEAR_SQL,
    LINE_FIGURES_SQL,
    Figures,
    default_budget_year,
)
from mtqgledger.figures.quarterly import Quarter, QuarterlyReport, quarterly_form
from mtqgledger.model.accounts import Line
from mtqgledger.model.text import bilingual
from mtqgledger.model.titles import NATIONAL_SENDER
from mtqgledger.model.units import UnitRef
from mtqgledger.national.folder import National, RollupError

ALL_YEARS = "all"
HIVE_TYPES = "{'province': VARCHAR, 'plan_year': INTEGER}"


class Rollup:
    """Reports over ``national``'s exports, for ``provinces`` (every one: None) and their
    provinces merged away; one DuckDB connection in this process."""

    def __init__(self, national: National, provinces: Sequence[str] | None = None,
                 program: str | None = None) -> None:
        self.national = national
        self.program = program
        self.provinces = None if provinces is None else list(provinces)
        catalogue = national.catalogue
        codes = None if provinces is None else [
            code for code in national.provinces
            if code in provinces or (catalogue.provinces.get(code) is not None
            and catalogue.current_province(code).code in provinces)]
        if codes == []:
            raise RollupError(bilingual(
                f"không có số liệu của {', '.join(provinces)} trong các thư mục đã xuất "
                f"(có: {', '.join(national.provinces) or 'không tỉnh nào'})",
                "no exported books hold these provinces"))
        self.files = national.movement_files(codes)
        # A report's default day and year are its books' (Books.period): of every province
        # the books holding the selected ones hold; its plan-year rows cite their decisions.
        books = [found for found in national.exports
                 if codes is None or set(found.provinces) & set(codes)]
        self.books_files = self.files if codes is None else national.movement_files(
            [code for found in books for code in found.provinces])
        self.extensions = national.extensions_of(books)
        # One books' provinces are reported with that books' catalogue (sources, capital
        # types and their rules, as its own report); several books' with all merged.
        self.catalogue = national.catalogue_of(books[0].provinces[0]) \
            if len(books) == 1 and books[0].provinces else national.catalogue
        self.connection = duckdb.connect()

    def movements_sql(self, files: Sequence[str] | None = None) -> str:
        """The selected movement files (or ``files``) as a table of SQL's FROM."""
        files = self.files if files is None else files
        listed = ", ".join(_quoted(name) for name in files)
        return f"read_parquet([{listed}], hive_partitioning = true, hive_types = {HIVE_TYPES})"

    def _filters(self, as_of: datetime.date | None, budget_year: int | None) -> str:
        """The WHERE of a report, its values written out: DuckDB's Python binding imports
        pandas (half a second) the first time a query binds a parameter."""
        where = ["TRUE"]
        if as_of is not None:
            where.append(f"date <= DATE '{as_of.isoformat()}'")
        if budget_year is not None:
            where.append(f"{BUDGET_YEAR_SQL} = {int(budget_year)}")
        if self.program is not None:
            where.append(f"program = {_quoted(self.program)}")
        return " AND ".join(where)

    def line_figures(self, as_of: datetime.date | None, budget_year: int | None,
                     by_unit: bool = False) -> LineFigures:
        """Every selected line's figures as of ``as_of`` (and each unit's on it)."""
        if not self.files:
            return LineFigures({})
        where = self._filters(as_of, budget_year)
        unit = ", unit, unit_code" if by_unit else ""
        sql = LINE_FIGURES_SQL.format(unit=unit, movements=self.movements_sql(), where=where)
        by_line: dict[Line, Figures] = {}
        units: dict[tuple[Line, UnitRef], Figures] = {}
        for record in self.connection.execute(sql).fetchall():
            province, *items = record[:5]
            line = Line(province, tuple(item for item in items if item is not None),
                        record[5], record[6], record[7], record[8])
            figures = Figures(*(int(amount) for amount in record[-3:]))
            total = by_line.setdefault(line, Figures())
            total += figures
            if by_unit:
                units[(line, UnitRef(record[9] or "", record[10] or ""))] = figures
        return LineFigures(by_line, units)

    def period(self, as_of: datetime.date | None, plan_year: int | str | None,
               today: datetime.date | None = None) -> tuple[datetime.date, int | None]:
        """As ``Books.period``: as of the last movement, for the as-of year if money of it is
        held, else the latest year before it; ``"all"``: every year (None)."""
        books = self.movements_sql(self.books_files)
        day = as_of
        if day is None:
            found = self.connection.execute(f"SELECT MAX(date) FROM {books}").fetchone()[0] \
                if self.books_files else None
            day = found or today or datetime.date.today()
        if plan_year == ALL_YEARS:
            return day, None
        if plan_year is None:
            years = [row[0] for row in self.connection.execute(
                f"SELECT DISTINCT {BUDGET_YEAR_SQL} FROM {books}").fetchall()] \
                if self.books_files else []
            return day, default_budget_year(years, day)
        return day, int(plan_year)

    def report(self, as_of: datetime.date | None, budget_year: int | None, *,
               by: str = "content", merged_apart: bool = False) -> DisbursementReport:
        """The disbursement report of the selection, as ``disbursement_report`` makes it."""
        province = self.provinces[0] if self.provinces and len(self.provinces) == 1 else None
        national = self.national
        return arranged_report(
            self.line_figures(as_of, budget_year, by_unit=by == "unit"), self.catalogue,
            as_of=as_of, budget_year=budget_year, province=province, program=self.program,
            by=by, extensions=self.extensions, merged_apart=merged_apart,
            titles=national.catalogue_of)

    def quarterly(self, quarter: Quarter, target, merged_apart: bool = False,
                  sender: str | None = None) -> QuarterlyReport:
        """The quarterly form by province (one province: that province's own form), sent by
        ``sender`` when it spans several (a blank to fill in unless named)."""
        province = self.provinces[0] if self.provinces and len(self.provinces) == 1 else None

        def by_unit(as_of: datetime.date, year: int) -> DisbursementReport:
            return self.report(as_of, year, by="unit", merged_apart=merged_apart)

        form = quarterly_form(by_unit, self.catalogue, quarter, province=province,
                              target=target)
        if form.province is None:  # a province's committee does not send the nation's form
            form = dataclasses.replace(form, committee=sender or NATIONAL_SENDER)
        return form


def _quoted(text: str) -> str:
    """A string as an SQL literal."""
    return "'" + text.replace("'", "''") + "'"
