"""The account model: parsing and naming lines."""

from __future__ import annotations

import datetime
import re

import pytest

from mtqgledger.model.accounts import (
    AccountError,
    Line,
    Root,
    lines_pattern,
    node_account,
    parse_account,
    root_of,
)
from mtqgledger.model.catalogue_files import load_catalogue
from mtqgledger.model.deadlines import extension_end, parse_rule, spending_deadline


def test_parse_sub_project_line():
    root, line = parse_account("Assets:Advance:LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025")
    assert root is Root.ADVANCE
    assert line == Line("LaiChau", ("GNBV", "DA4", "TDA2"), "NSTW", "SN", 2025)
    assert (line.program, line.project, line.subproject) == ("GNBV", "DA4", "TDA2")
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
    ("Income:Allocated:LaiChau:GNBV:DA4:TDA2:X:Y:NSTW:SN:Y2025", "sai số cấp"),
    ("Income:Allocated:LaiChau:GNBV:DA4:TDA-2:NSTW:SN:Y2025", "'TDA-2' không hợp lệ"),
    ("Income:Allocated:LaiChau:GNBV:DA4:2TDA:NSTW:SN:Y2025", "'2TDA' không hợp lệ"),
    ("Income:Allocated:LaiChau:GNBV:DA1:TDA1:NSTW:DTPT:Y2024:K2024", "phải sau năm kế hoạch"),
])
def test_malformed_accounts_are_explained(account, expected):
    with pytest.raises(AccountError, match=expected):
        parse_account(account)


def test_extension():
    line = Line("LaiChau", ("GNBV", "DA1", "TDA1"), "NSTW", "DTPT", 2024)
    extended = line.extended(2025)
    assert extended.name() == "LaiChau:GNBV:DA1:TDA1:NSTW:DTPT:Y2024:K2025"
    assert extended.unextended() == line and line.unextended() is line
    with pytest.raises(ValueError):
        line.extended(2024)


def test_deadline_rules_come_from_the_catalogue():
    capitals = load_catalogue().capitals
    assert spending_deadline(capitals["DTPT"].spend_until, 2024) == datetime.date(2025, 1, 31)
    assert spending_deadline(capitals["SN"].spend_until, 2024) == datetime.date(2024, 12, 31)
    assert spending_deadline(capitals["SN"].pay_until, 2024) == datetime.date(2025, 1, 31)
    assert capitals["DTPT"].enforced and capitals["SN"].enforced
    assert parse_rule(" 15/3 N+2 ").for_year(2025) == datetime.date(2027, 3, 15)
    assert extension_end(2026) == datetime.date(2026, 12, 31)
    for bad in ("31/01", "N+1", "32/01 N", "29/02 N+x", "31/02 N"):
        with pytest.raises(ValueError, match="spend_until"):
            parse_rule(bad)


@pytest.mark.parametrize("selection, matching, other", [
    ((None, ()), "Assets:Advance:LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025", "Assets:Bank:X"),
    (("LaiChau", ("GNBV",)), "Income:Allocated:LaiChau:GNBV:DA2:NSDP:SN:Y2025",
     "Income:Allocated:LaiChau:NTM:ND04:NSDP:SN:Y2025"),
    (("LaiChau", ("GNBV", "DA4")), "Expenses:Disbursed:LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2024:K2025",
     "Expenses:Disbursed:LaiChau:GNBV:DA5:TDA1:NSTW:SN:Y2024:K2025"),
    (("LaoCai", ("GNBV", "DA4", "TDA1")), "Assets:Appropriation:LaoCai:GNBV:DA4:TDA1:NSTW:SN:Y2025",
     "Assets:Appropriation:LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2025"),
])
def test_lines_pattern_selects_the_lines_of_a_node(selection, matching, other):
    pattern = re.compile(lines_pattern(*selection))
    assert pattern.match(matching) and not pattern.match(other)
    assert not pattern.match(matching + ":X")
    narrowed = re.compile(lines_pattern(*selection, source="NSDP", capital="DTPT"))
    assert not narrowed.match(matching)


def test_node_account():
    assert node_account(Root.ALLOCATED, "LaiChau", ("GNBV", "DA4")) == \
        "Income:Allocated:LaiChau:GNBV:DA4"
    assert node_account(Root.ALLOCATED, None, ()) == "Income:Allocated"
