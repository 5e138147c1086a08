"""The account model: how a line of MTQG money is named in the books.

A *line* is one province's money for one programme item, from one budget
source, of one capital type, belonging to one plan year::

    <Province>:<Program>:<Item>…:<Source>:<Capital>:Y<plan year>[:K<year>]
    LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025
    LaiChau:GNBV:DA1:TDA1:NSTW:DTPT:Y2024:K2025   (2024 money extended into 2025)

The item is the catalogue path below the programme (project, sub-project), one
to ``MAX_ITEM_DEPTH - 1`` codes. Each line lives under four roots (see
docs/accounts.md):

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

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from mtqgledger.model.catalogue import CODE_PATTERN


class Root(Enum):
    """The four roots of the appropriation pattern, by role."""

    ALLOCATED = "Income:Allocated"
    APPROPRIATION = "Assets:Appropriation"
    ADVANCE = "Assets:Advance"
    DISBURSED = "Expenses:Disbursed"


MAX_ITEM_DEPTH = 4
"""Codes of a line's item path, the programme included: programme and up to three levels
(GNBV: dự án, tiểu dự án; 2026-2035: hợp phần, nội dung thành phần, nội dung)."""
_PLAN_YEAR = re.compile(r"Y(\d{4})")
_EXTENDED = re.compile(r"K(\d{4})")
_ROOTS_BY_PREFIX = {root.value: root for root in Root}
EXAMPLE = "LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025"


class AccountError(ValueError):
    """An account under one of the model's roots that does not follow the model."""


@dataclass(frozen=True)
class Line:
    """One line of money; see the module docstring for the account form."""

    province: str
    item_path: tuple[str, ...]  # catalogue path: (program, project[, subproject])
    source: str
    capital: str
    plan_year: int
    extended_into: int | None = None

    # Lines key the dictionaries of every rule and figure, once or more per posting:
    # their hash is worked out once, not over six fields at each look-up.
    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.province, self.item_path, self.source,
                                                self.capital, self.plan_year,
                                                self.extended_into)))

    def __hash__(self) -> int:
        return self._hash  # type: ignore[attr-defined]

    def __reduce__(self) -> tuple:
        # A string's hash differs between processes: a pickled line works its hash out anew.
        return (Line, (self.province, self.item_path, self.source, self.capital,
                       self.plan_year, self.extended_into))

    @property
    def program(self) -> str:
        return self.item_path[0]

    @property
    def project(self) -> str:
        return self.item_path[1]

    @property
    def subproject(self) -> str | None:
        return self.item_path[2] if len(self.item_path) > 2 else None

    @property
    def content(self) -> str | None:
        return self.item_path[3] if len(self.item_path) > 3 else None

    @property
    def sort_key(self) -> tuple:
        """Catalogue order: province, item, source, capital, plan year, extension."""
        return (self.province, self.item_path, self.source, self.capital, self.plan_year,
                self.extended_into or 0)

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
        return Line(self.province, self.item_path, self.source, self.capital, self.plan_year,
                    year)

    def unextended(self) -> Line:
        """The plan-year line this money belongs to (itself when not extended)."""
        if self.extended_into is None:
            return self
        return Line(self.province, self.item_path, self.source, self.capital, self.plan_year)


def node_account(root: Root, province: str | None, item_path: Sequence[str]) -> str:
    """The parent account of every line of a province's programme item under ``root``."""
    return ":".join([root.value, *([province] if province else []), *item_path])


ROOTS_PATTERN = "^(?:" + "|".join(root.value for root in Root) + "):"


def lines_pattern(province: str | None, item_path: Sequence[str], source: str | None = None,
                  capital: str | None = None, years: str = r"Y\d{4}(?::K\d{4})?") -> str:
    """A regular expression for the accounts, under the four roots, of a selection of lines.

    ``province`` and ``item_path`` fix the leading components (None and () leave them
    free), ``source`` and ``capital`` theirs, ``years`` is the pattern of the plan-year
    and extension components.
    """
    known = "".join(f"{part}:" for part in ([province] if province else []) + list(item_path))
    free = "" if province else "[^:]+:"
    free += "[^:]+:" * max(2 - len(item_path), 0)
    free += "(?:[^:]+:)?" * (MAX_ITEM_DEPTH - max(len(item_path), 2))
    return (f"{ROOTS_PATTERN}{known}{free}{source or '[^:]+'}:{capital or '[^:]+'}:"
            f"{years}$")


def root_of(account: str) -> Root | None:
    """The model root an account lies under, or None for any other account."""
    prefix = ":".join(account.split(":", 2)[:2])
    return _ROOTS_BY_PREFIX.get(prefix)


def _problem(account: str, vietnamese: str, english: str) -> AccountError:
    return AccountError(f"{account}: {vietnamese} — {english}")


_LINES: dict[Line, Line] = {}


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
        raise _problem(account, "thiếu năm kế hoạch ở cuối tài khoản",
                       f"expected …:<Source>:<Capital>:Y<year>[:K<year>], e.g. "
                       f"{root.value}:{EXAMPLE}")
    plan_year = int(match.group(1))
    items = parts[:-1]
    if not 5 <= len(items) <= MAX_ITEM_DEPTH + 3:
        raise _problem(account, "sai số cấp",
                       f"expected <Province>:<Program>:<Item>…:<Source>:<Capital>:Y<year> with "
                       f"one to {MAX_ITEM_DEPTH - 1} item codes, found {len(items)} components "
                       "before the plan year")
    for component in items:
        if not CODE_PATTERN.fullmatch(component):
            raise _problem(account, f"thành phần '{component}' không hợp lệ",
                           "codes are ASCII and start with an uppercase letter")
    if extended_into is not None and extended_into <= plan_year:
        raise _problem(account, f"năm kéo dài K{extended_into} phải sau năm kế hoạch "
                                f"Y{plan_year}", "the extension year must follow the plan year")
    province, *path, source, capital = items
    line = Line(province, tuple(path), source, capital, plan_year, extended_into)
    # One object per line whatever the root: look-ups by line then match by identity.
    return root, _LINES.setdefault(line, line)
