"""The account model: how a line of MTQG money is named in the books.

A *line* is one province's money for one programme item, from one budget
source, of one capital type, belonging to one plan year::

    <Province>:<Program>:<Project>[:<SubProject>]:<Source>:<Capital>:Y<plan year>[:K<year>]
    LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025
    LaiChau:GNBV:DA1:TDA1:NSTW:DTPT:Y2024:K2025   (2024 money extended into 2025)

Each line lives under four roots (see docs/accounts.md):

=========================  ==============================================
``Income:Allocated``       allocations received (credit balance = plan)
``Assets:Appropriation``   allocation not yet advanced or paid
``Assets:Advance``         advances (tạm ứng) not yet settled
``Expenses:Disbursed``     completed payments (thanh toán)
=========================  ==============================================

This module only knows the *shape* of account names; whether the codes are in
the catalogue is checked by the budget-rule plugin.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache


class Root(Enum):
    """The four roots of the appropriation pattern, by role."""

    ALLOCATED = "Income:Allocated"
    APPROPRIATION = "Assets:Appropriation"
    ADVANCE = "Assets:Advance"
    DISBURSED = "Expenses:Disbursed"


ROOT_TITLES = {
    Root.ALLOCATED: "Kế hoạch vốn được giao",
    Root.APPROPRIATION: "Kế hoạch vốn chưa sử dụng",
    Root.ADVANCE: "Tạm ứng chưa thu hồi",
    Root.DISBURSED: "Đã thanh toán",
}

CAPITALS = ("DTPT", "SN")
CODE_PATTERN = re.compile(r"[A-Z][A-Za-z0-9]*")
_PLAN_YEAR = re.compile(r"Y(\d{4})")
_EXTENDED = re.compile(r"K(\d{4})")
_ROOTS_BY_PREFIX = {root.value: root for root in Root}


class AccountError(ValueError):
    """An account under one of the model's roots that does not follow the model."""


@dataclass(frozen=True)
class Line:
    """One line of money; see the module docstring for the account form."""

    province: str
    program: str
    project: str
    subproject: str | None
    source: str
    capital: str
    plan_year: int
    extended_into: int | None = None

    @property
    def item_path(self) -> tuple[str, ...]:
        """Catalogue path of the programme item: (program, project[, subproject])."""
        if self.subproject is None:
            return (self.program, self.project)
        return (self.program, self.project, self.subproject)

    @property
    def sort_key(self) -> tuple:
        """Catalogue order: province, item, source, capital, plan year, extension."""
        return (self.province, self.program, self.project, self.subproject or "", self.source,
                self.capital, self.plan_year, self.extended_into or 0)

    @property
    def budget_year(self) -> int:
        """The year in which this money may be disbursed."""
        return self.extended_into or self.plan_year

    @property
    def is_extended(self) -> bool:
        return self.extended_into is not None

    def name(self) -> str:
        """The line part of the account name, without a root."""
        parts = [self.province, *self.item_path, self.source, self.capital,
                 f"Y{self.plan_year}"]
        if self.extended_into is not None:
            parts.append(f"K{self.extended_into}")
        return ":".join(parts)

    def account(self, root: Root) -> str:
        return f"{root.value}:{self.name()}"

    def extended(self, year: int) -> Line:
        """The same money, extended (kéo dài / chuyển nguồn) into ``year``."""
        if year <= self.plan_year:
            raise ValueError(f"cannot extend plan year {self.plan_year} money into {year}")
        return Line(self.province, self.program, self.project, self.subproject,
                    self.source, self.capital, self.plan_year, year)

    def investment_deadline(self) -> datetime.date:
        """Last day investment money of a non-extended line may be disbursed (31/01 of N+1)."""
        return datetime.date(self.plan_year + 1, 1, 31)


def root_of(account: str) -> Root | None:
    """The model root an account lies under, or None for any other account."""
    prefix = ":".join(account.split(":", 2)[:2])
    return _ROOTS_BY_PREFIX.get(prefix)


@lru_cache(maxsize=65536)
def parse_account(account: str) -> tuple[Root, Line] | None:
    """Split a model account into its root and line.

    Returns None for accounts outside the four roots (Equity, other Expenses…)
    and raises AccountError for a model account of the wrong shape, such as a
    root itself, a missing plan year or a lowercase component.
    """
    root = root_of(account)
    if root is None:
        return None
    parts = account.split(":")[2:]
    extended_into = None
    if parts and (match := _EXTENDED.fullmatch(parts[-1])):
        extended_into = int(match.group(1))
        parts = parts[:-1]
    if not parts or not (match := _PLAN_YEAR.fullmatch(parts[-1])):
        raise AccountError(
            f"{account}: thiếu năm kế hoạch ở cuối tài khoản (expected …:<Source>:<Capital>:"
            f"Y<year>[:K<year>], e.g. {root.value}:LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025)")
    plan_year = int(match.group(1))
    items = parts[:-1]
    if len(items) not in (5, 6):
        raise AccountError(
            f"{account}: sai số cấp (expected <Province>:<Program>:<Project>[:<SubProject>]:"
            f"<Source>:<Capital>:Y<year>, found {len(items)} components before the plan year)")
    for component in items:
        if not CODE_PATTERN.fullmatch(component):
            raise AccountError(
                f"{account}: thành phần '{component}' không hợp lệ (codes are ASCII and start "
                "with an uppercase letter)")
    if extended_into is not None and extended_into <= plan_year:
        raise AccountError(
            f"{account}: năm kéo dài K{extended_into} phải sau năm kế hoạch Y{plan_year}")
    province, program, project, *rest = items
    subproject = rest[0] if len(rest) == 3 else None
    source, capital = rest[-2:]
    line = Line(province, program, project, subproject, source, capital, plan_year,
                extended_into)
    return root, line
