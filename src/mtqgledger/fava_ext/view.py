"""The page's contents from report rows: formatted figures, tree, links, pace, charts.

Nothing here adds up a figure: every amount and ratio is a field of a
:class:`~mtqgledger.disbursement.ReportRow`, every pace comes from
:func:`~mtqgledger.pace.pace_of`. Links go through a :class:`Links` object so
that this module does not depend on Flask.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from markupsafe import Markup

from mtqgledger.fava_ext import charts
from mtqgledger.figures.disbursement import DisbursementReport, ReportRow
from mtqgledger.figures.pace import TARGET, pace_of
from mtqgledger.model.accounts import Root
from mtqgledger.outputs.formatting import UNITS, format_amount, format_date, format_ratio

UNIT_LABELS = {"dong": "đồng", "trieu": "triệu đồng", "ty": "tỷ đồng"}
BIG = 10**12  # from this plan on, the page opens in triệu đồng
LEVEL_RANK = {"total": 0, "province": 1, "program": 2, "project": 3, "subproject": 4, "line": 5}
ROOTS = "^(?:" + "|".join(root.value for root in Root) + "):"
# Components an account has between a node's path and its source, by the node's level.
_FREE_ITEMS = {"total": r"[^:]+:[^:]+:[^:]+:(?:[^:]+:)?", "province": r"[^:]+:[^:]+:(?:[^:]+:)?",
               "program": r"[^:]+:(?:[^:]+:)?", "project": r"(?:[^:]+:)?", "subproject": ""}
BEHIND_SHOWN = 12


class Links(Protocol):
    """URLs of Fava's pages; the extension passes one built on Fava's ``url_for``."""

    def account(self, name: str) -> str: ...

    def journal(self, pattern: str) -> str: ...

    def page(self, **params: str) -> str: ...

    def endpoint(self, name: str, **params: str) -> str: ...

    def source(self, filename: str, lineno: int) -> str: ...

    def errors(self) -> str: ...


def parse_day(text: str) -> datetime.date:
    """dd/mm/yyyy (as shown) or yyyy-mm-dd."""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(f"ngày không hợp lệ: {text!r} (expected dd/mm/yyyy)")


@dataclass(frozen=True)
class Settings:
    """What the reader chose: plan year, as-of date, unit, province."""

    year: int | None
    as_of: datetime.date
    unit: str | None  # None: đồng, or triệu đồng for books of 10^12 đồng and more
    province: str | None = None
    problems: tuple[str, ...] = ()

    def params(self, **changes: str | None) -> dict[str, str]:
        """Query parameters of this page with ``changes``; a None change drops the key."""
        values: dict[str, str | None] = {
            "year": "all" if self.year is None else str(self.year),
            "as_of": format_date(self.as_of), "unit": self.unit, "province": self.province}
        values.update(changes)
        return {key: value for key, value in values.items() if value}


def settings_from(args: Mapping[str, str], *, latest: datetime.date | None,
                  provinces: Sequence[str], today: datetime.date) -> Settings:
    """Read the page's parameters; a bad value is reported and replaced by the default."""
    problems = []
    as_of = latest or today
    if args.get("as_of", "").strip():
        try:
            as_of = parse_day(args["as_of"])
        except ValueError as problem:
            problems.append(str(problem))
    text = args.get("year", "").strip()
    year: int | None = as_of.year
    if text == "all":
        year = None
    elif re.fullmatch(r"\d{4}", text):
        year = int(text)
    elif text:
        problems.append(f"năm kế hoạch không hợp lệ: {text!r} (expected e.g. 2025 or all)")
    unit = args.get("unit") if args.get("unit") in UNITS else None
    province = args.get("province") if args.get("province") in provinces else None
    return Settings(year, as_of, unit, province, tuple(problems))


@dataclass
class RowView:
    """One table row, ready to print."""

    id: str
    parent: str | None
    kind: str  # node | split
    level: str
    depth: int
    code: str
    label: str  # the codes of the path, e.g. "GNBV·DA4·TDA1"
    title: str
    plan: str
    payments: str
    advances: str
    disbursed: str
    remaining: str
    ratio: str
    bar: str  # width of the progress bar, per cent of the cell
    state: str  # done | ok | behind | none
    capitals: str  # "ĐTPT 100,0 % · SN 49,0 %" under a node's bar
    note: str  # pace, as a tooltip
    projected: str
    account_url: str | None
    journal_url: str
    has_children: bool = False
    has_splits: bool = False
    is_leaf: bool = False
    sort_key: Decimal = Decimal(0)


@dataclass
class Breach:
    message: str
    where: str
    url: str | None


@dataclass
class Page:
    settings: Settings
    unit: str
    heading: list[str]
    rows: list[RowView]
    kpis: list[tuple[str, str, str]]  # (label, value, note)
    behind: list[RowView]
    behind_more: int
    leaves: int
    year_links: list[tuple[str, str, bool]]
    unit_links: list[tuple[str, str, bool]]
    province_links: list[tuple[str, str, bool]]
    quarters: list[tuple[str, str, bool]]  # (label, download URL, the as-of quarter)
    audit_url: str
    bar_chart: Markup | None
    bar_chart_title: str
    curve: Markup | None
    hidden: dict[str, str] = field(default_factory=dict)  # the form's other parameters
    breaches: list[Breach] = field(default_factory=list)
    other_errors: int = 0
    errors_url: str = ""
    error: str | None = None


def _code(row: ReportRow) -> str:
    if row.level == "line":
        text = f"{row.source}·{row.capital}·Y{row.plan_year}"
        return text + (f"·K{row.extended_into}" if row.extended_into else "")
    if row.capital is not None:
        return row.capital
    if row.source is not None:
        return row.source
    if row.plan_year is not None:
        return f"Y{row.plan_year}"
    return "" if row.level == "total" else getattr(row, row.level) or ""


def _path(row: ReportRow) -> list[str]:
    return [part for part in (row.province, row.program, row.project, row.subproject)
            if part is not None]


def account_name(row: ReportRow) -> str | None:
    """The Income:Allocated account (or parent account) holding a row's plan, if one does."""
    if row.is_split:
        return None
    if row.level == "line":
        parts = [*_path(row), row.source, row.capital, f"Y{row.plan_year}"]
        if row.extended_into:
            parts.append(f"K{row.extended_into}")
        return ":".join([Root.ALLOCATED.value, *parts])
    return ":".join([Root.ALLOCATED.value, *_path(row)])


def account_pattern(row: ReportRow, budget_year: int | None) -> str:
    """A regular expression for Fava's account filter: the four accounts of the row's lines."""
    path = "".join(f"{part}:" for part in _path(row))
    if row.level == "line":
        tail = f"Y{row.plan_year}" + (f":K{row.extended_into}" if row.extended_into else "")
        return f"{ROOTS}{path}{row.source}:{row.capital}:{tail}$"
    source = f"{row.source}:" if row.source else "[^:]+:"
    capital = f"{row.capital}:" if row.capital else "[^:]+:"
    if budget_year is None:
        year = f"Y{row.plan_year}" if row.plan_year else r"Y\d{4}"
        years = year + r"(?::K\d{4})?"
    elif row.plan_year is None:
        years = rf"(?:Y{budget_year}|Y\d{{4}}:K{budget_year})"
    elif row.plan_year == budget_year:
        years = f"Y{budget_year}"
    else:
        years = f"Y{row.plan_year}:K{budget_year}"
    return f"{ROOTS}{path}{_FREE_ITEMS[row.level]}{source}{capital}{years}$"


def _bar(ratio: Decimal | None) -> str:
    if ratio is None:
        return "0"
    share = max(min(ratio, Decimal(1)), Decimal(0)) * 100
    return f"{share.quantize(Decimal('0.1'), ROUND_HALF_UP):f}"


def _row_id(row: ReportRow) -> str:
    parts = ["r", row.level, *_path(row)]
    if row.level == "line":
        parts += [row.source, row.capital, f"Y{row.plan_year}", f"K{row.extended_into or ''}"]
    elif row.is_split:
        parts += [f"{name}-{getattr(row, name)}" for name in ("capital", "source", "plan_year")
                  if getattr(row, name) is not None]
    return "-".join(str(part) for part in parts)


def _pace_note(pace, unit: str, target: Decimal) -> str:
    when = format_date(pace.deadline)
    note = f"Dự kiến đến {when}: {format_ratio(pace.projected_ratio)}"
    if pace.monthly_needed:
        note += (f"; cần giải ngân {format_amount(pace.monthly_needed, unit)} "
                 f"{UNIT_LABELS[unit]}/tháng để đạt {format_ratio(target, 0)}")
    return note


def _capitals(splits: list[ReportRow]) -> str:
    texts = [f"{'ĐTPT' if row.capital == 'DTPT' else row.capital} {format_ratio(row.ratio)}"
             for row in splits if row.capital is not None and row.plan]
    return " · ".join(texts) if len(texts) > 1 else ""


def build_rows(report: DisbursementReport, settings: Settings, unit: str, links: Links,
               target: Decimal = TARGET) -> list[RowView]:
    """Every report row as a tree row: nodes, each followed by its breakdown rows."""
    views: list[RowView] = []
    stack: list[tuple[int, RowView]] = []
    node_view: RowView | None = None
    for row in report.rows:
        if row.is_split:
            parent = node_view
            kind, depth = "split", (parent.depth + 1 if parent else 1)
        else:
            rank = LEVEL_RANK[row.level]
            while stack and stack[-1][0] >= rank:
                stack.pop()
            parent = stack[-1][1] if stack else None
            kind, depth = "node", len(stack)
        state, note, projected, key = ("none" if row.ratio is None else "ok"), "", "", Decimal(0)
        if row.ratio is not None and row.ratio >= target:
            state = "done"
        if kind == "node" and report.budget_year is not None and row.plan > 0:
            pace = pace_of(report, row, settings.as_of, target=target)
            note = _pace_note(pace, unit, target)
            key = pace.projected_ratio or Decimal(0)
            if pace.behind:
                state, projected = "behind", format_ratio(pace.projected_ratio)
        account = account_name(row)
        view = RowView(
            id=_row_id(row), parent=parent.id if parent else None, kind=kind, level=row.level,
            depth=depth, code=_code(row), label="·".join(_path(row)[1:]) or _code(row),
            title=row.title,
            plan=format_amount(row.plan, unit), payments=format_amount(row.payments, unit),
            advances=format_amount(row.advances, unit),
            disbursed=format_amount(row.disbursed, unit),
            remaining=format_amount(row.remaining, unit), ratio=format_ratio(row.ratio),
            bar=_bar(row.ratio), state=state,
            capitals=_capitals(report.splits(row)) if kind == "node" else "",
            note=note, projected=projected,
            account_url=links.account(account) if account else None,
            journal_url=links.journal(account_pattern(row, report.budget_year)),
            sort_key=key)
        if parent is not None:
            if kind == "node":
                parent.has_children = True
            else:
                parent.has_splits = True
        views.append(view)
        if kind == "node":
            node_view = view
            stack.append((LEVEL_RANK[row.level], view))
    for view in views:
        view.is_leaf = view.kind == "node" and not view.has_children and view.level != "total"
    return views


def _auto_unit(report: DisbursementReport) -> str:
    return "trieu" if report.rows and abs(report.total.plan) >= BIG else "dong"


def _bars(report: DisbursementReport, views: list[RowView]) -> tuple[list[charts.Bar], str]:
    by_id = {view.id: view for view in views}
    provinces = [row for row in report.rows if row.level == "province" and not row.is_split]
    wanted = provinces or [row for row in report.rows
                           if row.level == "project" and not row.is_split]
    bars = []
    for row in wanted:
        view = by_id[_row_id(row)]
        label = row.province if row.level == "province" else f"{row.program}·{row.project}"
        bars.append(charts.Bar(label or "", row.title, row.ratio, view.state, f"#{view.id}"))
    title = "Tỷ lệ giải ngân theo tỉnh" if provinces else "Tỷ lệ giải ngân theo dự án"
    return bars, title


def build_page(report: DisbursementReport, settings: Settings, *, years: Sequence[int],
               provinces: Sequence[str], links: Links,
               curve: Sequence[charts.Point] = (),
               target: Decimal = TARGET) -> Page:
    """The page for one report.

    ``curve`` holds the plan-year report's total at the month ends before the as-of
    date, for the chart; the report's own total is its last point.
    """
    from mtqgledger.figures.pace import pace_of

    unit = settings.unit or _auto_unit(report)
    views = build_rows(report, settings, unit, links, target)
    total = report.total if report.rows else None
    leaves = [view for view in views if view.is_leaf]
    behind = sorted((view for view in leaves if view.state == "behind"),
                    key=lambda view: view.sort_key)
    heading = []
    if settings.year is not None:
        heading.append(f"Kế hoạch năm {settings.year} (gồm vốn các năm trước kéo dài)")
    else:
        heading.append("Tất cả các năm kế hoạch")
    heading.append(f"Số liệu đến hết ngày {format_date(settings.as_of)}")
    heading.append(f"Đơn vị: {UNIT_LABELS[unit]}")
    kpis = []
    pace = None
    if total is not None:
        kpis = [("Kế hoạch", format_amount(total.plan, unit), UNIT_LABELS[unit]),
                ("Giải ngân", format_amount(total.disbursed, unit),
                 f"thanh toán {format_amount(total.payments, unit)} + tạm ứng "
                 f"{format_amount(total.advances, unit)}"),
                ("Tỷ lệ giải ngân", format_ratio(total.ratio),
                 f"chỉ thanh toán {format_ratio(total.ratio_paid)}"),
                ("Còn lại", format_amount(total.remaining, unit), UNIT_LABELS[unit])]
        if settings.year is not None and total.plan > 0:
            pace = pace_of(report, total, settings.as_of, target=target)
            kpis.append(("Dự kiến đến hạn", format_ratio(pace.projected_ratio),
                         f"hạn {format_date(pace.deadline)}, mục tiêu "
                         f"{format_ratio(target, 0)}"))
        kpis.append(("Chậm tiến độ", f"{len(behind)}/{len(leaves)}",
                     "dự án, tiểu dự án dự kiến không đạt mục tiêu"))
    bars, bar_title = _bars(report, views)
    curve_svg = None
    if total is not None and pace is not None and settings.as_of.year >= settings.year:
        last = charts.Point(min(settings.as_of, pace.deadline), total.plan, total.disbursed)
        curve_svg = charts.cumulative_curve([*curve, last], datetime.date(settings.year, 1, 1),
                                            pace.deadline, target, pace.projected_ratio)
    year_choices = [(str(year), str(year)) for year in years] + [("all", "Tất cả")]
    current_year = "all" if settings.year is None else str(settings.year)
    if current_year not in {value for value, _ in year_choices}:
        year_choices.insert(0, (current_year, current_year))
    quarter_year = settings.year or settings.as_of.year
    current_quarter = (settings.as_of.month - 1) // 3 + 1 \
        if settings.as_of.year == quarter_year else 4
    return Page(
        settings=settings, unit=unit, heading=heading, rows=views, kpis=kpis,
        behind=behind[:BEHIND_SHOWN], behind_more=max(len(behind) - BEHIND_SHOWN, 0),
        leaves=len(leaves),
        year_links=[(label, links.page(**settings.params(year=value)), value == current_year)
                    for value, label in year_choices],
        unit_links=[(label, links.page(**settings.params(unit=value)), value == unit)
                    for value, label in UNIT_LABELS.items()],
        province_links=[(label or "Tất cả", links.page(**settings.params(province=value)),
                         value == settings.province)
                        for value, label in [(None, ""), *((p, p) for p in provinces)]]
        if len(provinces) > 1 else [],
        quarters=[(f"Quý {['I', 'II', 'III', 'IV'][number - 1]}/{quarter_year}",
                   links.endpoint("quarterly", **settings.params(unit=unit),
                                  quarter=f"{quarter_year}Q{number}"),
                   number == current_quarter) for number in range(1, 5)],
        audit_url=links.endpoint("audit", **settings.params()),
        bar_chart=charts.ratio_bars(bars, target) if bars else None,
        bar_chart_title=bar_title, curve=curve_svg)


def breaches(errors: Sequence[object], links: Links) -> tuple[list[Breach], int]:
    """Budget-rule errors of the load, with links to their source; and how many others."""
    from mtqgledger.plugins.budget_rules import BudgetRuleError

    found, others = [], 0
    for error in errors:
        if not isinstance(error, BudgetRuleError):
            others += 1
            continue
        source = error.source or {}
        filename, lineno = source.get("filename"), source.get("lineno")
        if filename and not str(filename).startswith("<") and lineno:
            where = f"{str(filename).rsplit('/', 1)[-1]}:{lineno}"
            found.append(Breach(error.message, where, links.source(str(filename), int(lineno))))
        else:
            found.append(Breach(error.message, "", None))
    return found, others


def month_ends(year: int, before: datetime.date) -> list[datetime.date]:
    """Month ends of the plan year, and 31/01 of the next, that come before ``before``."""
    days = [datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
            for month in range(1, 13)]
    days.append(datetime.date(year + 1, 1, 31))
    return [day for day in days if day < before]
