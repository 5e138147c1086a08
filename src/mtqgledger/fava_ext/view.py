"""The page "Giải ngân MTQG" from a report: heading, figures, tree, charts and downloads.

Nothing here adds up a figure (see rows.py); the charts are drawn by
mtqgledger.outputs.svg, like the printable quarterly form's.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from markupsafe import Markup

from mtqgledger.fava_ext.rows import UNIT_LABELS, Links, RowView, build_rows, row_id
from mtqgledger.fava_ext.settings import Settings, item_key
from mtqgledger.figures.disbursement import DisbursementReport, ReportRow
from mtqgledger.figures.pace import TARGET, Pace, pace_of, units_behind
from mtqgledger.model.catalogue import LEVELS as ITEM_LEVELS
from mtqgledger.model.titles import ROMAN_QUARTERS, budget_year_heading
from mtqgledger.outputs import svg
from mtqgledger.outputs.formatting import format_amount, format_date, format_ratio

BIG = 10**12  # from this plan on, the page opens in triệu đồng
BEHIND_SHOWN = 12


@dataclass
class Breach:
    message: str
    where: str
    url: str | None


@dataclass(frozen=True)
class SlowUnit:
    """A unit behind, as the list above the table shows it, linked to its item's units."""

    title: str
    item: str  # the item's codes, e.g. "GNBV·DA4·TDA1"
    ratio: str
    behind_by: str  # điểm chậm
    url: str


@dataclass
class Page:
    settings: Settings
    unit: str
    heading: list[str]
    rows: list[RowView]
    kpis: list[tuple[str, str, str]]  # (label, value, note)
    behind: list[RowView]
    behind_more: int
    units_behind: list[SlowUnit]  # worst first
    units_behind_more: int
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
    warnings: list[Breach] = field(default_factory=list)  # rules the books set to warn
    other_errors: int = 0
    errors_url: str = ""
    error: str | None = None


def _auto_unit(report: DisbursementReport) -> str:
    return "trieu" if report.rows and abs(report.total.plan) >= BIG else "dong"


def _bars(report: DisbursementReport, views: list[RowView]) -> tuple[list[svg.Bar], str]:
    by_id = {view.id: view for view in views}
    provinces = [row for row in report.rows if row.level == "province" and not row.is_split]
    wanted = provinces or [row for row in report.rows
                           if row.level == "project" and not row.is_split]
    bars = []
    for row in wanted:
        view = by_id[row_id(row)]
        label = row.province if row.level == "province" else f"{row.program}·{row.project}"
        bars.append(svg.Bar(label or "", row.title, row.ratio, view.state, f"#{view.id}"))
    title = "Tỷ lệ giải ngân theo tỉnh" if provinces else "Tỷ lệ giải ngân theo dự án"
    return bars, title


def _heading(settings: Settings, unit: str) -> list[str]:
    year = budget_year_heading(settings.year) if settings.year is not None else \
        "Tất cả các năm kế hoạch"
    return [year, f"Số liệu đến hết ngày {format_date(settings.as_of)}",
            f"Đơn vị: {UNIT_LABELS[unit]}"]


def _kpis(total: ReportRow, pace: Pace | None, unit: str, behind: int, leaves: int,
          target: Decimal) -> list[tuple[str, str, str]]:
    """The figures above the table: plan, disbursed, ratio, remaining, pace, lines behind."""
    kpis = [("Kế hoạch", format_amount(total.plan, unit), UNIT_LABELS[unit]),
            ("Giải ngân", format_amount(total.disbursed, unit),
             f"thanh toán {format_amount(total.payments, unit)} + tạm ứng "
             f"{format_amount(total.advances, unit)}"),
            ("Tỷ lệ giải ngân", format_ratio(total.ratio),
             f"chỉ thanh toán {format_ratio(total.ratio_paid)}"),
            ("Còn lại", format_amount(total.remaining, unit), UNIT_LABELS[unit])]
    if pace is not None:
        kpis.append(("Dự kiến đến hạn", format_ratio(pace.projected_ratio),
                     f"hạn {format_date(pace.deadline)}, mục tiêu {format_ratio(target, 0)}"))
    kpis.append(("Chậm tiến độ", f"{behind}/{leaves}",
                 "dự án, tiểu dự án dự kiến không đạt mục tiêu"))
    return kpis


Choice = tuple[str, str, bool]  # (label, URL, chosen now)


def _choices(settings: Settings, unit: str, years: Sequence[int], provinces: Sequence[str],
             links: Links) -> dict[str, list[Choice]]:
    """The links of the page's selectors and downloads: plan year, unit, province, quarter."""
    year_choices = [(str(year), str(year)) for year in years] + [("all", "Tất cả")]
    current_year = "all" if settings.year is None else str(settings.year)
    if current_year not in {value for value, _ in year_choices}:
        year_choices.insert(0, (current_year, current_year))
    quarter_year = settings.year or settings.as_of.year
    current_quarter = (settings.as_of.month - 1) // 3 + 1 \
        if settings.as_of.year == quarter_year else 4
    province_choices = [(None, ""), *((p, p) for p in provinces)] if len(provinces) > 1 else []
    return {
        "year_links": [(label, links.page(**settings.params(year=value)), value == current_year)
                       for value, label in year_choices],
        "unit_links": [(label, links.page(**settings.params(unit=value)), value == unit)
                       for value, label in UNIT_LABELS.items()],
        "province_links": [(label or "Tất cả", links.page(**settings.params(province=value)),
                            value == settings.province) for value, label in province_choices],
        "quarters": [(f"Quý {ROMAN_QUARTERS[number]}/{quarter_year}",
                      links.endpoint("quarterly", **settings.params(unit=unit),
                                     quarter=f"{quarter_year}Q{number}"),
                      number == current_quarter) for number in range(1, 5)],
    }


def build_page(report: DisbursementReport, settings: Settings, *, years: Sequence[int],
               provinces: Sequence[str], links: Links,
               curve: Sequence[svg.Point] = (),
               target: Decimal = TARGET) -> Page:
    """The page for one report.

    ``curve`` holds the plan-year report's total at the month ends before the as-of
    date, for the chart; the report's own total is its last point.
    """
    unit = settings.unit or _auto_unit(report)
    slow_units = _slow_units(report, settings, links)
    report, with_units = _units_opened(report, settings.opened)
    views = build_rows(report, settings, unit, links, target)
    for row, view in zip(report.rows, views, strict=True):
        key = item_key(row.province, row.item_path)
        if view.kind == "node" and row.level in ITEM_LEVELS and key in with_units:
            view.units_open = key in settings.opened
            view.units_url = _units_link(settings, links, key, view.id)
    total = report.total if report.rows else None
    leaves = [view for view in views if view.is_leaf]
    behind = sorted((view for view in leaves if view.state == "behind"),
                    key=lambda view: view.sort_key)
    pace = None
    if total is not None and settings.year is not None and total.plan > 0:
        pace = pace_of(report, total, settings.as_of, target=target)
    kpis = _kpis(total, pace, unit, len(behind), len(leaves), target) if total else []
    bars, bar_title = _bars(report, views)
    curve_svg = None
    if total is not None and pace is not None and settings.as_of.year >= settings.year:
        last = svg.Point(min(settings.as_of, pace.deadline), total.plan, total.disbursed)
        curve_svg = svg.cumulative_curve([*curve, last], datetime.date(settings.year, 1, 1),
                                         pace.deadline, target, pace.projected_ratio)
    return Page(
        settings=settings, unit=unit, heading=_heading(settings, unit), rows=views, kpis=kpis,
        behind=behind[:BEHIND_SHOWN], behind_more=max(len(behind) - BEHIND_SHOWN, 0),
        units_behind=slow_units[:BEHIND_SHOWN],
        units_behind_more=max(len(slow_units) - BEHIND_SHOWN, 0),
        leaves=len(leaves), **_choices(settings, unit, years, provinces, links),
        audit_url=links.endpoint("audit", **settings.params()),
        bar_chart=svg.ratio_bars(bars, target) if bars else None,
        bar_chart_title=bar_title, curve=curve_svg)


def _units_opened(report: DisbursementReport, opened: frozenset[str],
                  ) -> tuple[DisbursementReport, set[str]]:
    """The report with the unit rows of the opened items only (their breakdown rows
    left out), and the items that have units."""
    with_units: set[str] = set()
    kept = []
    for row in report.rows:
        if row.level == "unit":
            key = item_key(row.province, row.item_path)
            with_units.add(key)
            if row.is_split or key not in opened:
                continue
        kept.append(row)
    return dataclasses.replace(report, rows=tuple(kept)), with_units


def _units_link(settings: Settings, links: Links, key: str, anchor: str) -> str:
    """The page with the item's units opened, or closed if they are open."""
    opened = settings.opened ^ {key}
    return links.page(**settings.params(units=",".join(sorted(opened)) or None)) + \
        f"#{anchor}"


def _slow_units(report: DisbursementReport, settings: Settings, links: Links,
                ) -> list[SlowUnit]:
    found = []
    for slow in units_behind(report):
        row = slow.row
        key = item_key(row.province, row.item_path)
        opened = settings.opened | {key}
        url = links.page(**settings.params(units=",".join(sorted(opened)))) + \
            f"#{row_id(row)}"
        found.append(SlowUnit(row.title, "·".join(row.item_path), format_ratio(row.ratio),
                              format_ratio(slow.behind_by), url))
    return found


def breaches(errors: Sequence[object], links: Links) -> tuple[list[Breach], int]:
    """Budget-rule errors (or warnings) of the load, with links to their source; and how
    many others."""
    from mtqgledger.plugins.budget_rules import BudgetRuleError, BudgetRuleWarning

    found, others = [], 0
    for error in errors:
        if not isinstance(error, BudgetRuleError | BudgetRuleWarning):
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
