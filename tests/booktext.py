"""Small builders of ledger text for tests, in the account model of docs/accounts.md."""

from __future__ import annotations

from beancount import loader

from mtqgledger.model.accounts import Root

HEADER = """option "operating_currency" "VND"
plugin "mtqgledger.plugins.budget_rules"
"""

TDA1_SN = "LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2025"
TDA1_DTPT = "LaiChau:GNBV:DA4:TDA1:NSTW:DTPT:Y2025"
TDA2_SN = "LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025"
OLD_DTPT = "LaiChau:GNBV:DA1:TDA1:NSTW:DTPT:Y2024"


def opens(*lines: str, day: str = "2024-01-01") -> str:
    return "".join(f"{day} open {root.value}:{line} VND\n" for line in lines for root in Root)


def allocate(day: str, line: str, amount: int, decision: str = "1/QĐ-UBND") -> str:
    return (f'{day} * "Giao kế hoạch vốn"\n  decision: "{decision}"\n  decision_date: {day}\n'
            f"  Assets:Appropriation:{line}  {amount} VND\n"
            f"  Income:Allocated:{line}  {-amount} VND\n")


def move(day: str, debit: str, credit: str, amount: int, voucher: str = "KB-1") -> str:
    return (f'{day} * "Chứng từ kho bạc"\n  voucher: "{voucher}"\n'
            f"  {debit}  {amount} VND\n  {credit}  {-amount} VND\n")


def advance(day: str, line: str, amount: int) -> str:
    return move(day, f"Assets:Advance:{line}", f"Assets:Appropriation:{line}", amount)


def pay(day: str, line: str, amount: int) -> str:
    return move(day, f"Expenses:Disbursed:{line}", f"Assets:Appropriation:{line}", amount)


def settle(day: str, line: str, amount: int) -> str:
    return move(day, f"Expenses:Disbursed:{line}", f"Assets:Advance:{line}", amount)


def extend(day: str, line: str, year: int, amount: int, extend_to: str | None = None) -> str:
    target = f"{line}:K{year}"
    meta = f"  extend_to: {extend_to}\n" if extend_to else ""
    return (f'{day} * "Kéo dài kế hoạch vốn"\n  decision: "9/QĐ-UBND"\n'
            f"  decision_date: {day}\n{meta}"
            f"  Income:Allocated:{line}  {amount} VND\n"
            f"  Income:Allocated:{target}  {-amount} VND\n"
            f"  Assets:Appropriation:{target}  {amount} VND\n"
            f"  Assets:Appropriation:{line}  {-amount} VND\n")


def load(*parts: str):
    """Load header + parts; returns (entries, errors, options_map)."""
    return loader.load_string(HEADER + "\n".join(parts))


def messages(*parts: str) -> list[str]:
    return [error.message for error in load(*parts)[1]]
