"""Small builders of ledger text for tests, in the account model of docs/accounts.md.

Every transaction takes its postings from mtqgledger.model.postings and its text
from mtqgledger.outputs.beancount_text, as the importers do.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from beancount import loader
from beancount.core import amount, data

from mtqgledger.model import postings
from mtqgledger.model.accounts import Line, Root, parse_account
from mtqgledger.outputs.beancount_text import format_transaction

HEADER = """option "operating_currency" "VND"
plugin "mtqgledger.plugins.budget_rules"
"""

TDA1_SN = "LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2025"
TDA1_DTPT = "LaiChau:GNBV:DA4:TDA1:NSTW:DTPT:Y2025"
TDA2_SN = "LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025"
OLD_DTPT = "LaiChau:GNBV:DA1:TDA1:NSTW:DTPT:Y2024"


def line_of(name: str) -> Line:
    """The line an account name without its root stands for."""
    return parse_account(f"{Root.ALLOCATED.value}:{name}")[1]


def transaction(day: str, narration: str, meta: dict[str, object],
                pairs: list[tuple[str, int]]) -> str:
    entry = data.Transaction(
        meta, datetime.date.fromisoformat(day), "*", None, narration, frozenset(), frozenset(),
        [data.Posting(account, amount.Amount(Decimal(number), "VND"), None, None, None, None)
         for account, number in pairs])
    return format_transaction(entry)


def opens(*lines: str, day: str = "2024-01-01") -> str:
    return "".join(f"{day} open {root.value}:{line} VND\n" for line in lines for root in Root)


def decided(day: str, decision: str = "1/QĐ-UBND") -> dict[str, object]:
    return {"decision": decision, "decision_date": datetime.date.fromisoformat(day)}


def _unit(meta: dict[str, object], unit: str | None) -> dict[str, object]:
    return {**meta, "unit": unit} if unit else meta


def allocate(day: str, line: str, value: int, decision: str = "1/QĐ-UBND",
             unit: str | None = None) -> str:
    """Giao kế hoạch vốn, to a spending unit when ``unit`` is given."""
    return transaction(day, "Giao kế hoạch vốn", _unit(decided(day, decision), unit),
                       postings.ALLOCATION.postings(line, value))


def move(day: str, debit: str, credit: str, value: int, voucher: str = "KB-1") -> str:
    return transaction(day, "Chứng từ kho bạc", {"voucher": voucher},
                       [(debit, value), (credit, -value)])


def treasury(kind: postings.Kind, day: str, line: str, value: int,
             unit: str | None = None) -> str:
    return transaction(day, "Chứng từ kho bạc", _unit({"voucher": "KB-1"}, unit),
                       kind.postings(line, value))


def advance(day: str, line: str, value: int, unit: str | None = None) -> str:
    return treasury(postings.ADVANCE, day, line, value, unit)


def pay(day: str, line: str, value: int, unit: str | None = None) -> str:
    return treasury(postings.PAYMENT, day, line, value, unit)


def settle(day: str, line: str, value: int, unit: str | None = None) -> str:
    return treasury(postings.SETTLEMENT, day, line, value, unit)


def extend(day: str, line: str, year: int, value: int, extend_to: str | None = None) -> str:
    meta = decided(day, "9/QĐ-UBND")
    if extend_to:
        meta["extend_to"] = datetime.date.fromisoformat(extend_to)
    return transaction(day, "Kéo dài kế hoạch vốn", meta,
                       postings.extension(line_of(line), year, value))


def load(*parts: str):
    """Load header + parts; returns (entries, errors, options_map)."""
    return loader.load_string(HEADER + "\n".join(parts))


def messages(*parts: str) -> list[str]:
    return [error.message for error in load(*parts)[1]]
