"""The budget rules per spending unit, and the NĐ 254/2025 advance-recovery rule.

A line whose plan a decision divided among units (an allocation naming a
unit) is controlled per unit from that day, as the State Treasury controls each
unit against its own allocation:

* a unit that advances or pays on the line must have a plan on it
  (``unit_allocation``); money no decision gave to a unit is the line's own pool,
  spent by movements that name no unit;
* at the end of each day no unit's remaining plan on the line is negative
  (``unit_overdraft``) and no unit's outstanding advance is (``unit_settlement``);
* a unit's advances are fully recovered once its payments reach ``advance_recovery``
  % of its estimate (``advance_recovery``): the plan decisions gave it on the line (an
  extension moving the unused rest into a later year does not lower it). A line not
  divided among units holds many units' contracts and is not judged as one.

A handover (bàn giao) moves plan and advances between units; its postings name
their units, so the balances follow it.
"""

from __future__ import annotations

import collections
import contextlib
from collections.abc import Callable, Iterable
from decimal import Decimal

from beancount.core import data

from mtqgledger.model.accounts import AccountError, Line, Root, parse_account
from mtqgledger.model.postings import EXTENSION_CODE, HANDOVER_CODE
from mtqgledger.model.text import bilingual
from mtqgledger.model.units import UNIT_KEY, Units, posting_unit, unit_written
from mtqgledger.outputs.formatting import format_amount, format_date, format_ratio

Report = Callable[[str, data.Directive, str], None]  # (rule, entry, message)
Key = tuple[str, str]  # (account, unit)
ALLOCATED = Root.ALLOCATED.value + ":"


def dong(amount: Decimal) -> str:
    return f"{format_amount(int(amount))} đ"


def _unit_title(unit: str) -> str:
    return f"đơn vị '{unit}'" if unit else "giao dịch không ghi đơn vị"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def divided_lines(entries: Iterable[data.Directive]) -> set[Line]:
    """The lines a decision ever gives a named unit money on: the only ones the unit
    rules follow (the others are checked as a whole), found in one quick pass."""
    found: set[Line] = set()
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        named = None  # whether the entry names a unit, asked only of allocations
        for posting in entry.postings:
            if posting.units.number >= 0 or not posting.account.startswith(ALLOCATED):
                continue
            if named is None:
                named = bool(unit_written(entry.meta)[0])
            if named or (posting.meta and posting.meta.get(UNIT_KEY)):
                with contextlib.suppress(AccountError):
                    if (parsed := parse_account(posting.account)) is not None:
                        found.add(parsed[1])
    return found


class UnitLedger:
    """Per unit and line, the running balance of each root, checked at each day's end.

    Only the lines of ``divided`` (divided_lines) are followed.
    """

    def __init__(self, units: Units, report: Report, recovery_percent: int,
                 divided: set[Line]) -> None:
        self.divided = divided
        self.units = units
        self.report = report
        self.recovery_percent = recovery_percent
        self.balances: dict[Key, Decimal] = collections.defaultdict(Decimal)
        self.planned: dict[Line, set[str]] = {}  # units with a plan ("" the line's own pool)
        self.controlled: set[Line] = set()  # lines with a plan given to a named unit
        # The estimate the recovery rule measures against: the plan decisions gave, not
        # what an extension moved on into a later year's segment.
        self.estimates: dict[tuple[Line, str], Decimal] = collections.defaultdict(Decimal)
        self.refused: set[tuple[Line, str]] = set()
        self.unrecovered: set[tuple[Line, str]] = set()
        self.taken_today: dict[Key, tuple[Decimal, Decimal, data.Transaction]] = {}
        self.touched_today: dict[tuple[Line, str], data.Transaction] = {}
        self.spent: dict[tuple[Line, str], list[Decimal]] = {}  # [payments, advances]
        self._entry: data.Transaction | None = None
        self._entry_unit = ""

    def unit_of(self, entry: data.Transaction, posting: data.Posting, line: Line) -> str:
        """The registry's name of the posting's unit; worked out once per transaction
        unless a posting names its own (a handover)."""
        if posting.meta and UNIT_KEY in posting.meta:
            return self.units.ref(line.province, *posting_unit(entry, posting)).name
        if entry is not self._entry:
            self._entry = entry
            self._entry_unit = self.units.ref(line.province,
                                              *posting_unit(entry, posting)).name
        return self._entry_unit

    def post(self, entry: data.Transaction, posting: data.Posting, root: Root, line: Line,
             amount: Decimal, spending: bool) -> None:
        unit = self.unit_of(entry, posting, line)
        if root is Root.ALLOCATED:
            if amount < 0:
                self.planned.setdefault(line, set()).add(unit)
                if unit:
                    self.controlled.add(line)
            if amount < 0 or entry.meta.get("kind") != EXTENSION_CODE:
                self.estimates[(line, unit)] -= amount
            return
        if spending and amount > 0 and root is not Root.APPROPRIATION:
            self._check_allocation(entry, line, unit)
        if root is not Root.APPROPRIATION:  # what the recovery rule compares
            figures = self.spent.get((line, unit))
            if figures is None:
                figures = self.spent[(line, unit)] = [Decimal(0), Decimal(0)]
            figures[root is Root.ADVANCE] += amount
            if unit:
                self.touched_today[(line, unit)] = entry
        if root is Root.DISBURSED:
            return
        # Keyed by the account's name (hashed once by Python), not by root and line.
        key = (posting.account, unit)
        if amount < 0:
            opening, taken, _ = self.taken_today.get(key, (self.balances[key], 0, None))
            self.taken_today[key] = (opening, taken - amount, entry)
        self.balances[key] += amount

    def _check_allocation(self, entry: data.Transaction, line: Line, unit: str) -> None:
        units = self.planned.get(line, set())
        if line not in self.controlled or unit in units or (line, unit) in self.refused:
            return
        self.refused.add((line, unit))  # once per unit and line, not per movement
        known = ", ".join(sorted(name for name in units if name)) or "không có"
        self.report("unit_allocation", entry, bilingual(
            f"{_capitalised(_unit_title(unit))} không có kế hoạch vốn trên dòng {line.name()} "
            f"(ngày {format_date(entry.date)}); các đơn vị được giao: {known}",
            "the line's plan is divided among units and this unit has none; if it is one of "
            "them written another way, add the spelling to its aliases in units.toml"))

    def close_day(self) -> None:
        for (account, unit), (opening, taken, entry) in self.taken_today.items():
            closing = self.balances[(account, unit)]
            if closing >= 0:
                continue
            root, line = parse_account(account)
            if line not in self.controlled or (line, unit) in self.refused:
                continue
            handover = entry.meta.get("kind") == HANDOVER_CODE
            if root is Root.APPROPRIATION:
                rule, what, had = ("unit_overdraft", "Bàn giao vượt kế hoạch vốn còn lại của"
                                   if handover else "Vượt kế hoạch vốn còn lại của",
                                   "kế hoạch còn lại đầu ngày")
                english = "beyond the unit's remaining allocation"
            else:
                rule, what, had = ("unit_settlement", "Bàn giao vượt tạm ứng chưa thu hồi của"
                                   if handover else "Thu hồi vượt tạm ứng chưa thu hồi của",
                                   "tạm ứng chưa thu hồi đầu ngày")
                english = "beyond the unit's outstanding advance"
            self.report(rule, entry, bilingual(
                f"{what} {_unit_title(unit)}: dòng {line.name()} ngày "
                f"{format_date(entry.date)}: chi/giảm {dong(taken)}, {had} {dong(opening)}, "
                f"vượt {dong(-closing)}", english))
        self.taken_today.clear()
        for (line, unit), entry in self.touched_today.items():
            self._check_recovery(line, unit, entry)
        self.touched_today.clear()

    def _check_recovery(self, line: Line, unit: str, entry: data.Transaction) -> None:
        """Advances outstanding once payments reach the share of the plan (NĐ 254/2025)."""
        if not unit or line not in self.controlled:
            return  # a unit's estimate; a province-wide line is many units' contracts
        plan = self.estimates[(line, unit)]
        paid, advanced = self.spent[(line, unit)]
        due = plan > 0 and advanced > 0 and paid * 100 >= plan * self.recovery_percent
        if not due:
            self.unrecovered.discard((line, unit))
            return
        if (line, unit) in self.unrecovered:
            return  # said on the day it became due
        self.unrecovered.add((line, unit))
        who = f" của {_unit_title(unit)}"
        self.report("advance_recovery", entry, bilingual(
            f"Tạm ứng chưa thu hồi{who} trên dòng {line.name()} ngày "
            f"{format_date(entry.date)}: còn {dong(advanced)} khi đã thanh toán {dong(paid)} "
            f"= {format_ratio(paid / plan)} dự toán {dong(plan)} (phải thu hồi hết khi đạt "
            f"{self.recovery_percent} %)",
            "advances must be fully recovered once payments reach that share of the plan "
            "(NĐ 254/2025/NĐ-CP)"))
