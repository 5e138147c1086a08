"""The account model: parsing and naming lines."""

from __future__ import annotations

import datetime

import pytest

from mtqgledger.model.accounts import AccountError, Line, Root, parse_account, root_of


def test_parse_sub_project_line():
    root, line = parse_account("Assets:Advance:LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025")
    assert root is Root.ADVANCE
    assert line == Line("LaiChau", "GNBV", "DA4", "TDA2", "NSTW", "SN", 2025)
    assert line.item_path == ("GNBV", "DA4", "TDA2")
    assert line.budget_year == 2025 and not line.is_extended


def test_parse_project_line_without_sub_project():
    _, line = parse_account("Income:Allocated:LaiChau:NTM:ND04:NSDP:DTPT:Y2024")
    assert line.subproject is None and line.item_path == ("NTM", "ND04")


def test_parse_extended_line():
    _, line = parse_account("Expenses:Disbursed:LaiChau:GNBV:DA1:TDA1:NSTW:DTPT:Y2024:K2025")
    assert line.plan_year == 2024 and line.extended_into == 2025 and line.budget_year == 2025


def test_name_round_trips():
    for account in ("Assets:Appropriation:LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025",
                    "Income:Allocated:LaoCai:NTM:ND04:NSDP:DTPT:Y2024:K2026"):
        root, line = parse_account(account)
        assert line.account(root) == account


def test_accounts_outside_the_roots_are_not_lines():
    assert parse_account("Assets:Bank:Checking") is None
    assert parse_account("Expenses:Food") is None
    assert root_of("Income:Allocated:LaiChau") is Root.ALLOCATED


@pytest.mark.parametrize("account, expected", [
    ("Income:Allocated", "thiếu năm kế hoạch"),
    ("Income:Allocated:LaiChau:GNBV:DA4:TDA2:NSTW:SN", "thiếu năm kế hoạch"),
    ("Income:Allocated:LaiChau:GNBV:NSTW:SN:Y2025", "sai số cấp"),
    ("Income:Allocated:LaiChau:GNBV:DA4:TDA2:X:NSTW:SN:Y2025", "sai số cấp"),
    ("Income:Allocated:LaiChau:GNBV:DA4:TDA-2:NSTW:SN:Y2025", "'TDA-2' không hợp lệ"),
    ("Income:Allocated:LaiChau:GNBV:DA4:2TDA:NSTW:SN:Y2025", "'2TDA' không hợp lệ"),
    ("Income:Allocated:LaiChau:GNBV:DA1:TDA1:NSTW:DTPT:Y2024:K2024", "phải sau năm kế hoạch"),
])
def test_malformed_accounts_are_explained(account, expected):
    with pytest.raises(AccountError, match=expected):
        parse_account(account)


def test_extension_and_deadline():
    line = Line("LaiChau", "GNBV", "DA1", "TDA1", "NSTW", "DTPT", 2024)
    assert line.investment_deadline() == datetime.date(2025, 1, 31)
    assert line.extended(2025).name() == "LaiChau:GNBV:DA1:TDA1:NSTW:DTPT:Y2024:K2025"
    with pytest.raises(ValueError):
        line.extended(2024)
