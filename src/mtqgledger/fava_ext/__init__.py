"""Fava extension: the page "Giải ngân MTQG" (disbursement of the national target programmes).

Enable it in the books (``mtqg init`` writes this line)::

    custom "fava-extension" "mtqgledger.fava_ext"

The page follows Fava's filters: its figures come from
:func:`~mtqgledger.disbursement.disbursement_report` over the movement table of
the filtered entries, which is computed once per load and filter state
(:mod:`mtqgledger.fava_ext.tables`). Its downloads call the same functions as
the ``mtqg`` command. A filter Fava cannot read shows Fava's message in place of
the figures, and a download refuses it with 400 (:mod:`mtqgledger.fava_ext.filters`).
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote, urlencode

from fava.application import url_for
from fava.core.filters import FilterError
from fava.ext import FavaExtensionBase, extension_endpoint
from flask import abort, request, send_file
from markupsafe import Markup

from mtqgledger.books import Books, fava_catalogue, fava_catalogue_files, paused_gc
from mtqgledger.fava_ext.filters import (
    FILTERS,
    describe,
    filter_state,
    filter_title,
    filtered,
    time_range,
)
from mtqgledger.fava_ext.settings import Settings, month_ends, settings_from
from mtqgledger.fava_ext.tables import FilterState, Table, TableCache, cumulative, table_with
from mtqgledger.fava_ext.view import Page, breaches, build_page
from mtqgledger.figures.disbursement import disbursement_report
from mtqgledger.figures.extension import Extensions, extension_decisions
from mtqgledger.model.catalogue import Catalogue
from mtqgledger.outputs import svg
from mtqgledger.plugins.budget_rules import rule_warnings

if TYPE_CHECKING:  # pragma: no cover
    from fava.core import FavaLedger
    from flask.wrappers import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_PLACEHOLDER = "MTQGACCOUNT"
UNFILTERED = FilterState("", "", "")
PAGE_PARAMS = ("year", "as_of", "unit", "province")  # Settings.params()


class _FavaLinks:
    """The page's links, through Fava's ``url_for`` (which keeps the current filters).

    A page has two links a row: the account and journal URLs are built once per
    request and filled in per row.
    """

    def __init__(self, extension: str) -> None:
        self.extension = extension
        self._account = url_for("account", name=_PLACEHOLDER).split(_PLACEHOLDER)
        path, _, query = url_for("report", report_name="journal").partition("?")
        self._journal = (path, dict(parse_qsl(query)))

    def account(self, name: str) -> str:
        return quote(name, safe=":").join(self._account)

    def journal(self, pattern: str) -> str:
        path, args = self._journal
        return f"{path}?{urlencode({**args, 'account': pattern}, quote_via=quote, safe=':')}"

    def page(self, **params: str) -> str:
        return url_for("extension_report", extension_name=self.extension, **params)

    def endpoint(self, name: str, **params: str) -> str:
        # url_for's own first parameter is called "endpoint", like the route's: go via the page.
        path, _, query = self.page().partition("?")
        return f"{path}{name}?{urlencode({**dict(parse_qsl(query)), **params})}"

    def source(self, filename: str, lineno: int) -> str:
        return url_for("report", report_name="editor", file_path=filename, line=str(lineno))

    def errors(self) -> str:
        return url_for("report", report_name="errors")


class DisbursementPage(FavaExtensionBase):
    """Plan, payments, advances and disbursement ratio by programme, project, sub-project."""

    report_title = "Giải ngân MTQG"
    has_js_module = True

    def __init__(self, ledger: FavaLedger, config: str | None = None) -> None:
        super().__init__(ledger, config)
        self.tables = TableCache()
        self._catalogue: Catalogue | None = None
        self._extensions: Extensions | None = None

    def after_load_file(self) -> None:
        """Drop the old tables; work out the unfiltered one and its chart now, in the load.

        The page is then quick from its first request; a filter state costs one pass
        over its entries when first asked for.
        """
        self.tables.clear()
        self._catalogue = None
        self._extensions = None
        with paused_gc():
            table = self.tables.get(UNFILTERED, lambda: self.ledger.all_entries,
                                    self.catalogue.unit_registry, made=self._unfiltered_table)
            # The default page's chart: the month-end totals of the latest plan year.
            settings = settings_from({}, latest=table.latest, years=table.years,
                                     provinces=table.provinces,
                                     today=datetime.date.today())
            if settings.year is not None and not table.error:
                cumulative(table, self.catalogue, settings.year,
                           month_ends(settings.year, settings.as_of),
                           province=settings.province)

    def _unfiltered_table(self) -> Table:
        """The table of the whole books: the movement table every command keeps in the cache
        for unchanged books (books_cache), made and kept there otherwise."""
        books = Books.of_loaded(self.ledger.beancount_file_path, self.ledger.all_entries,
                                self.ledger.load_errors, self.ledger.options, use_cache=True)
        moves = books.movements
        problems = books.problems if not moves else []
        return table_with(moves, problems)

    @property
    def catalogue(self) -> Catalogue:
        """The catalogue the books name, as every command reads it (mtqgledger.books)."""
        if self._catalogue is None:
            self._catalogue = fava_catalogue(self.ledger.beancount_file_path,
                                             self.ledger.options)
        return self._catalogue

    @property
    def extensions(self) -> Extensions:
        """The decisions that extended money into later years, cited in the rows' titles."""
        if self._extensions is None:
            self._extensions = extension_decisions(self.ledger.all_entries)
        return self._extensions

    def table(self) -> Table:
        """The movement table of the current filter state; FilterError for a bad filter."""
        state = filter_state(request.args)
        return self.tables.get(state, lambda: filtered(self.ledger, state).entries,
                               self.catalogue.unit_registry)

    def checked_table(self) -> Table:
        """The table for a download: a bad filter answers 400 with Fava's message."""
        try:
            return self.table()
        except FilterError as problem:
            abort(400, describe(problem))

    def settings(self, table: Table) -> Settings:
        return settings_from(request.args, latest=table.latest, years=table.years,
                             provinces=table.provinces,
                             today=datetime.date.today())

    def page(self) -> Page:
        """Everything the template prints, for the current request."""
        links = _FavaLinks(self.name)
        table = self.table()
        settings = self.settings(table)
        report = disbursement_report(table.of_year(settings.year), self.catalogue,
                                     as_of=settings.as_of, budget_year=settings.year,
                                     province=settings.province, by="unit",
                                     extensions=self.extensions)
        curve: list[svg.Point] = []
        if settings.year is not None:
            days = month_ends(settings.year, settings.as_of)
            curve = [svg.Point(*figures) for figures in cumulative(
                table, self.catalogue, settings.year, days, province=settings.province)]
        page = build_page(report, settings, years=table.years, provinces=table.provinces,
                          links=links, curve=curve)
        page.breaches, page.other_errors = breaches(self.ledger.errors, links)
        page.warnings = breaches(rule_warnings(self.ledger.options), links)[0]
        page.errors_url = links.errors()
        page.error = table.error
        # The as-of form keeps Fava's filters, and the plan year if one was chosen (else
        # the plan year follows the date).
        page.hidden = {name: request.args[name] for name in FILTERS if request.args.get(name)}
        if request.args.get("year"):
            page.hidden["year"] = settings.params()["year"]
        return page

    def render(self) -> Markup:
        """The page's HTML, its style sheet inlined (Fava loads pages as HTML fragments).

        The cyclic garbage collector is paused meanwhile: with large books loaded, a
        full collection walks millions of Fava's objects and would double the time.
        """
        styles = (self.extension_dir / "templates" / "DisbursementPage.css").read_text(
            encoding="utf-8")
        with paused_gc():
            try:
                page = self.page()
            except FilterError as problem:
                return self.render_filter_error(problem, Markup(styles))
            template = self.jinja_env.get_template("_page.html")
            return Markup(template.render(page=page, styles=Markup(styles)))

    def render_filter_error(self, problem: FilterError, styles: Markup) -> Markup:
        """The page for a filter Fava cannot read: Fava's message in place of the figures.

        As Fava's own reports do (they show "Loading … failed with error" and no
        report), no figure is shown: unfiltered figures under the reader's filter
        would pass for filtered ones. A link drops the bad filter, keeping the rest.
        """
        title = filter_title(problem)
        # The page's own parameters; url_for adds the other filters (not Fava's "partial").
        args: dict[str, str | None] = {name: request.args[name] for name in PAGE_PARAMS
                                       if request.args.get(name)}
        args[problem.filter_type] = None
        template = self.jinja_env.get_template("_filter_error.html")
        return Markup(template.render(
            styles=styles, title=title, message=problem.message,
            without_url=url_for("extension_report", extension_name=self.name, **args)))

    @extension_endpoint("quarterly")
    def quarterly(self) -> Response:
        """The quarterly report workbook (as ``mtqg report quarterly``)."""
        from mtqgledger.figures.quarterly import Quarter, quarterly_report
        from mtqgledger.outputs.quarterly_xlsx import write_quarterly_workbook

        table = self.checked_table()
        settings = self.settings(table)
        text = request.args.get("quarter") or \
            f"{settings.as_of.year}Q{(settings.as_of.month - 1) // 3 + 1}"
        try:
            quarter = Quarter.parse(text)
        except ValueError as problem:
            abort(400, str(problem))
        result = quarterly_report(table.movements, self.catalogue, quarter,
                                  province=settings.province, extensions=self.extensions)
        output = io.BytesIO()
        # The form is in đồng or triệu đồng; the page's tỷ đồng becomes triệu.
        unit = "dong" if settings.unit in (None, "dong") else "trieu"
        write_quarterly_workbook(result, output, unit=unit)
        output.seek(0)
        return send_file(output, mimetype=XLSX, as_attachment=True,
                         download_name=f"giai-ngan-{quarter.year}Q{quarter.number}.xlsx")

    @extension_endpoint("audit")
    def audit(self) -> Response:
        """The audit workbook (as ``mtqg export audit``) of the filtered entries, to the as-of date.

        Fava's time filter becomes the workbook's period; the account and tag /
        metadata filters select the entries.
        """
        from mtqgledger.outputs.audit import write_audit_workbook

        until = self.settings(self.checked_table()).as_of  # first: it refuses a bad filter
        state = filter_state(request.args)
        entries = filtered(self.ledger, state._replace(time="")).entries
        since = None
        date_range = time_range(self.ledger, state)
        if date_range is not None:
            since = date_range.begin
            until = min(until, date_range.end_inclusive)
        output = io.BytesIO()
        try:
            write_audit_workbook(list(entries), [*self.ledger.load_errors,
                                                 *rule_warnings(self.ledger.options)],
                                 self.ledger.options, output, since=since, until=until,
                                 catalogue=self.catalogue,
                                 ledger=Path(self.ledger.beancount_file_path),
                                 catalogue_files=fava_catalogue_files(
                                     self.ledger.beancount_file_path, self.ledger.options))
        except ValueError as problem:  # an empty period
            abort(400, str(problem))
        output.seek(0)
        return send_file(output, mimetype=XLSX, as_attachment=True,
                         download_name=f"kiem-toan-{until:%Y%m%d}.xlsx")
