"""Money extended (kéo dài, chuyển nguồn) into a later year: what remains, and by what decision.

NQ 257/2025/QH15 lets the 2025 money of the 2021–2025 programmes be disbursed until
31/12/2026. ``mtqg extend`` moves, on a day, the remaining balance of every line
whose money may be disbursed in the year (plan − payments − outstanding advances,
as docs/accounts.md defines it) into the line's ``K<year>`` segment; outstanding
advances stay on their line and are settled there. On a line whose plan decisions
divided among spending units, each unit's remaining money moves, and stays the unit's.
Reports title such money "Vốn năm 2025 kéo dài sang 2026 (NQ 257/2025/QH15)", citing the
decisions found here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from beancount.core import data

from mtqgledger.figures.movements import Figures, Movement, figures_by_line, figures_by_unit
from mtqgledger.model.accounts import Line, Root, parse_account
from mtqgledger.model.postings import EXTENSION_CODE
from mtqgledger.model.titles import plan_year_title
from mtqgledger.model.units import UnitRef

Extensions = dict[tuple[int, int], tuple[str, ...]]  # (plan year, into) -> decisions


class Remaining(NamedTuple):
    line: Line
    amount: int  # whole đồng
    # On a line whose plan decisions divided among units: what remains of each unit's
    # (NO_UNIT: the line's own money), which stays that unit's in the later year.
    units: tuple[tuple[UnitRef, int], ...] = ()


def remaining_to_extend(table: Sequence[Movement], year: int, as_of: datetime.date, *,
                        programs: Sequence[str] = (), province: str | None = None,
                        ) -> list[Remaining]:
    """Each line whose money may be disbursed in ``year`` (its plan, and earlier money
    extended into it: NQ 257 carries both on), with what remains of it at the end of
    ``as_of`` (plan − payments − outstanding advances), where that is positive; per unit
    where the line's plan is divided among units."""
    by_unit: dict[Line, list[tuple[UnitRef, Figures]]] = {}
    for (line, unit), figures in figures_by_unit(table, as_of=as_of).items():
        by_unit.setdefault(line, []).append((unit, figures))
    found = []
    for line, figures in sorted(figures_by_line(table, as_of=as_of).items(),
                                key=lambda item: item[0].sort_key):
        if line.budget_year != year or (programs and line.program not in programs) \
                or (province is not None and line.province != province):
            continue
        units = by_unit.get(line, [])
        if any(unit.name and unit_figures.plan for unit, unit_figures in units):
            shares = tuple((unit, unit_figures.remaining) for unit, unit_figures in sorted(units)
                           if unit_figures.remaining > 0)
            if shares:
                found.append(Remaining(line, sum(amount for _, amount in shares), shares))
        elif figures.remaining > 0:
            found.append(Remaining(line, figures.remaining))
    return found


def extension_decisions(entries: Iterable[data.Directive]) -> Extensions:
    """The decisions cited by the extensions in the books, by plan year and year extended into."""
    found: dict[tuple[int, int], dict[str, None]] = {}
    for entry in entries:
        if not isinstance(entry, data.Transaction) or entry.meta.get("kind") != EXTENSION_CODE:
            continue
        decision = entry.meta.get("decision")
        for posting in entry.postings:
            if posting.units.number >= 0:
                continue  # the segment the money leaves, if it leaves an extended one
            parsed = parse_account(posting.account)
            if decision and parsed and parsed[0] is Root.ALLOCATED and parsed[1].is_extended:
                key = (parsed[1].plan_year, parsed[1].extended_into)
                found.setdefault(key, {})[str(decision)] = None
    return {key: tuple(decisions) for key, decisions in found.items()}


def cite(decision: str) -> str:
    """How a report names a decision: a National Assembly resolution as 'NQ …'."""
    text = decision.strip()
    return f"NQ {text}" if "/QH" in text.upper() and not text.upper().startswith("NQ") else text


def plan_year_heading(extensions: Extensions, plan_year: int, budget_year: int | None) -> str:
    """'Kế hoạch năm 2026', or 'Vốn năm 2025 kéo dài sang 2026 (NQ 257/2025/QH15)' citing
    the decisions that extended the money."""
    cited = [cite(decision) for decision in extensions.get((plan_year, budget_year), ())]
    return plan_year_title(plan_year, budget_year, cited)
