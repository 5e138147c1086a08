"""The page's table: one printable row per report row, with links, bars and the pace.

Nothing here adds up a figure: every amount and ratio is a field of a
:class:`~mtqgledger.figures.disbursement.ReportRow`, every pace comes from
:func:`~mtqgledger.figures.pace.pace_of`. Links go through a :class:`Links`
object so that this module does not depend on Flask.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from mtqgledger.fava_ext.settings import Settings
from mtqgledger.figures.disbursement import DisbursementReport, ReportRow
from mtqgledger.figures.pace import TARGET, pace_of
from mtqgledger.model.accounts import ROOTS_PATTERN, Root, lines_pattern, node_account
from mtqgledger.outputs.formatting import UNITS, format_amount, format_date, format_ratio

UNIT_LABELS = {code: name for code, (_, name) in UNITS.items()}
LEVEL_RANK = {"total": 0, "province": 1, "program": 2, "project": 3, "subproject": 4,
              "content": 5, "line": 6, "unit": 7}


class Links(Protocol):
    """URLs of Fava's pages; the extension passes one built on Fava's ``url_for``."""

    def account(self, name: str) -> str: ...

    def journal(self, pattern: str) -> str: ...

    def page(self, **params: str) -> str: ...

    def endpoint(self, name: str, **params: str) -> str: ...

    def source(self, filename: str, lineno: int) -> str: ...

    def errors(self) -> str: ...


@dataclass
class RowView:
    """One table row, ready to print."""

    id: str
    parent: str | None
    kind: str  # node | split | part (a plan-year row of the total, always shown)
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
    has_items: bool = False  # children other than spending units
    has_splits: bool = False
    is_leaf: bool = False  # an item with no items below it (its units aside)
    units_url: str | None = None  # opens or closes the item's spending units
    units_open: bool = False
    sort_key: Decimal = Decimal(0)


def _code(row: ReportRow) -> str:
    if row.level == "unit" and not row.is_split:
        return row.unit_code or "ĐV"
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
    return [*([row.province] if row.province else []), *row.item_path]


def account_name(row: ReportRow) -> str | None:
    """The Income:Allocated account (or parent account) holding a row's plan, if one does."""
    if row.is_split:
        return None
    if row.line is not None:
        return row.line.account(Root.ALLOCATED)
    return node_account(Root.ALLOCATED, row.province, row.item_path)


def account_pattern(row: ReportRow, budget_year: int | None) -> str:
    """A regular expression for Fava's account filter: the four accounts of the row's lines."""
    if row.line is not None:
        return f"{ROOTS_PATTERN}{re.escape(row.line.name())}$"
    if budget_year is None:
        year = f"Y{row.plan_year}" if row.plan_year else r"Y\d{4}"
        years = year + r"(?::K\d{4})?"
    elif row.plan_year is None:
        years = rf"(?:Y{budget_year}|Y\d{{4}}:K{budget_year})"
    elif row.plan_year == budget_year:
        years = f"Y{budget_year}"
    else:
        years = f"Y{row.plan_year}:K{budget_year}"
    return lines_pattern(row.province, row.item_path, row.source, row.capital, years)


def _bar(ratio: Decimal | None) -> str:
    if ratio is None:
        return "0"
    share = max(min(ratio, Decimal(1)), Decimal(0)) * 100
    return f"{share.quantize(Decimal('0.1'), ROUND_HALF_UP):f}"


def row_id(row: ReportRow) -> str:
    parts = ["r", row.level, *_path(row)]
    if row.line is not None:
        parts += [row.source, row.capital, f"Y{row.plan_year}", f"K{row.extended_into or ''}"]
    if row.spending_unit is not None:  # a stable id whatever the name's letters
        parts.append("u" + hashlib.sha1(row.spending_unit.name.encode()).hexdigest()[:10])
    if row.is_split:
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
            kind = "part" if report.shown_in_forms(row) else "split"
            depth = parent.depth + 1 if parent else 1
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
            id=row_id(row), parent=parent.id if parent else None, kind=kind, level=row.level,
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
                parent.has_items = parent.has_items or row.level != "unit"
            elif kind == "split":
                parent.has_splits = True
        views.append(view)
        if kind == "node":
            node_view = view
            stack.append((LEVEL_RANK[row.level], view))
    for view in views:
        view.is_leaf = (view.kind == "node" and not view.has_items
                        and view.level not in ("total", "unit"))
    return views
