"""The disbursement report: definitions, hierarchy, extended money, big amounts."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from booktext import (
    OLD_DTPT,
    TDA1_DTPT,
    TDA1_SN,
    TDA2_SN,
    advance,
    allocate,
    extend,
    load,
    opens,
    pay,
    settle,
)

from mtqgledger.books import Books
from mtqgledger.figures.disbursement import disbursement_report
from mtqgledger.figures.movements import figures_by_line, movements, ratio
from mtqgledger.model.catalogue_files import load_catalogue

SAMPLE = Path(__file__).resolve().parents[1] / "ledgers" / "main.beancount"
AS_OF = datetime.date(2025, 11, 14)
KEYS = ("province", "program", "project", "subproject", "source", "capital", "plan_year")


@pytest.fixture(scope="module")
def sample_table():
    books = Books.open(SAMPLE, use_cache=False)
    assert books.messages == []
    return books.movements


def report(table, **options):
    return disbursement_report(table, load_catalogue(), **options)


def table_of(*parts: str):
    entries, errors, _ = load(*parts)
    assert errors == []
    return movements(entries)[0]


def test_published_lai_chau_ratios(sample_table):
    result = report(sample_table, as_of=AS_OF, budget_year=2025)
    tda1 = result.find(program="GNBV", project="DA4", subproject="TDA1", province="LaiChau")
    tda2 = result.find(program="GNBV", project="DA4", subproject="TDA2", province="LaiChau")
    tda3 = result.find(program="GNBV", project="DA4", subproject="TDA3", province="LaiChau")
    # Seed article of 14/11/2025: 54,1 %, 6,9 %, 68,4 % (published to one decimal).
    assert round(tda1.ratio * 100, 1) == Decimal("54.1")
    assert round(tda2.ratio * 100, 1) == Decimal("6.9")
    assert round(tda3.ratio * 100, 1) == Decimal("68.4")
    assert tda1.plan == 177_215_000_000 and tda1.disbursed == 95_900_000_000
    assert tda1.ratio == Decimal(95_900_000_000) / Decimal(177_215_000_000)
    keys = {"province": "LaiChau", "program": "GNBV", "project": "DA4"}
    assert result.find(**keys, subproject="TDA3", capital="DTPT").ratio > Decimal("0.95")
    assert result.find(**keys, subproject="TDA1", capital="DTPT").ratio == 1
    assert abs(result.find(**keys, subproject="TDA1", capital="SN").ratio
               - Decimal("0.49")) <= Decimal("0.01")
    # TDA1 central budget: "hơn 147 tỷ"
    assert 147e9 < result.find(**keys, subproject="TDA1", source="NSTW").plan < 148e9


def test_every_row_obeys_the_definitions(sample_table):
    for row in report(sample_table, as_of=AS_OF, by="line").rows:
        assert row.disbursed == row.payments + row.advances
        assert row.remaining == row.plan - row.disbursed
        if row.plan:
            assert row.ratio == Decimal(row.disbursed) / Decimal(row.plan)
            assert row.ratio_paid == Decimal(row.payments) / Decimal(row.plan)


def test_each_level_adds_up_to_its_parent(sample_table):
    result = report(sample_table, as_of=AS_OF, by="line")
    nodes = [row for row in result.rows if not row.is_split]
    for parent_level, child_level in (("total", "program"), ("program", "project")):
        for parent in (r for r in nodes if r.level == parent_level):
            prefix = [k for k in ("province", "program") if getattr(parent, k) is not None]
            children = [r for r in nodes if r.level == child_level
                        and all(getattr(r, k) == getattr(parent, k) for k in prefix)]
            assert children
            assert parent.plan == sum(c.plan for c in children)
            assert parent.disbursed == sum(c.disbursed for c in children)
    for node in nodes:
        if node.level == "line":
            continue
        for split in ("capital", "source"):
            parts = [r for r in result.rows if r.level == node.level and r.is_split
                     and getattr(r, split) is not None
                     and all(getattr(r, k) == getattr(node, k) for k in KEYS[:4])]
            assert sum(p.plan for p in parts) == node.plan, (node.title, split)
            assert sum(p.payments for p in parts) == node.payments


def test_adjustment_top_up_and_return_are_netted(sample_table):
    result = report(sample_table, as_of=AS_OF, by="line")
    lines = {(r.project, r.subproject, r.source, r.capital): r
             for r in result.rows if r.level == "line" and r.program == "GNBV"}
    assert lines["DA4", "TDA2", "NSTW", "SN"].plan == 7_620_000_000 + 500_000_000
    assert lines["DA4", "TDA3", "NSTW", "SN"].plan == 10_000_000_000 - 500_000_000
    assert lines["DA4", "TDA1", "NSDP", "SN"].plan == 25_000_000_000 + 4_915_000_000
    # 6.000.000.000 + 7.980.000.000 paid, 120.000.000 paid back (giảm chi)
    assert lines["DA4", "TDA1", "NSDP", "SN"].payments == 13_860_000_000
    assert lines["DA4", "TDA1", "NSTW", "SN"].advances == 5_500_000_000


def test_extended_money_is_kept_apart(sample_table):
    result = report(sample_table, as_of=AS_OF, budget_year=2025)
    extended = result.find(province="LaiChau", program="GNBV", project="DA1", subproject="TDA1",
                           plan_year=2024)
    assert extended.phase == "extended"
    assert (extended.plan, extended.disbursed) == (6_400_000_000, 4_100_000_000)
    current = result.find(plan_year=2025)
    assert current.phase == "current"
    assert result.total.plan == current.plan + result.find(plan_year=2024).plan
    assert "kéo dài" in result.find(plan_year=2024).title


def test_plan_year_2024_money_before_and_after_its_extension(sample_table):
    at_deadline = report(sample_table, as_of=datetime.date(2025, 1, 31), budget_year=2024)
    assert at_deadline.total.plan == 48_000_000_000
    assert at_deadline.total.disbursed == 38_600_000_000 + 2_750_000_000
    later = report(sample_table, as_of=AS_OF, budget_year=2024)
    # 6,4 billion moved to the 2025 extension, 250 million cancelled
    assert later.total.plan == 48_000_000_000 - 6_400_000_000 - 250_000_000
    assert later.total.ratio == 1


def test_as_of_limits_the_figures(sample_table):
    early = report(sample_table, as_of=datetime.date(2025, 1, 9), budget_year=2025)
    assert early.rows == () or early.total.plan == 0
    mid = report(sample_table, as_of=datetime.date(2025, 6, 30), budget_year=2025)
    assert 0 < mid.total.disbursed < report(sample_table, as_of=AS_OF,
                                            budget_year=2025).total.disbursed


def test_depth_of_rows(sample_table):
    levels = {by: {row.level for row in report(sample_table, as_of=AS_OF, by=by).rows}
              for by in ("program", "project", "subproject", "line")}
    assert levels["program"] == {"total", "program"}
    assert levels["project"] == {"total", "program", "project"}
    assert levels["subproject"] == {"total", "program", "project", "subproject"}
    assert "line" in levels["line"]
    with pytest.raises(ValueError):
        report(sample_table, by="commune")


def test_province_and_program_filters(sample_table):
    gnbv = report(sample_table, as_of=AS_OF, program="GNBV")
    assert {row.program for row in gnbv.rows if row.level != "total"} == {"GNBV"}
    assert report(sample_table, province="LaoCai").rows[0].plan == 0


def test_several_provinces_get_province_rows():
    other = TDA1_SN.replace("LaiChau", "LaoCai")
    table = table_of(opens(TDA1_SN, other), allocate("2025-01-10", TDA1_SN, 100),
                     allocate("2025-01-10", other, 300), pay("2025-02-01", other, 30))
    result = report(table)
    provinces = [row for row in result.rows if row.level == "province" and not row.is_split]
    assert [(row.province, row.plan, row.disbursed) for row in provinces] == [
        ("LaiChau", 100, 0), ("LaoCai", 300, 30)]
    assert provinces[0].title == "Lai Châu"


def test_amounts_above_ten_to_the_thirteen_are_exact():
    big = 12_345_678_901_234_567
    table = table_of(opens(TDA1_DTPT, TDA2_SN), allocate("2025-01-10", TDA1_DTPT, big),
                     allocate("2025-01-10", TDA2_SN, big + 1),
                     advance("2025-02-01", TDA1_DTPT, big // 3),
                     settle("2025-03-01", TDA1_DTPT, big // 7),
                     pay("2025-04-01", TDA2_SN, big - 1))
    result = report(table, budget_year=2025)
    assert result.total.plan == 2 * big + 1
    assert result.total.payments == big // 7 + big - 1
    assert result.total.advances == big // 3 - big // 7
    assert result.total.disbursed == big // 3 + big - 1
    assert result.total.ratio == Decimal(big // 3 + big - 1) / Decimal(2 * big + 1)


def test_extension_segment_has_its_own_plan():
    target = f"{OLD_DTPT}:K2025"
    table = table_of(opens(OLD_DTPT, target), allocate("2024-01-10", OLD_DTPT, 1_000),
                     pay("2024-10-01", OLD_DTPT, 700), extend("2025-02-01", OLD_DTPT, 2025, 300),
                     pay("2025-05-01", target, 120))
    figures = figures_by_line(table)
    by_name = {line.name(): f for line, f in figures.items()}
    assert (by_name[OLD_DTPT].plan, by_name[OLD_DTPT].payments) == (700, 700)
    assert (by_name[target].plan, by_name[target].payments) == (300, 120)
    window = figures_by_line(table, since=datetime.date(2025, 1, 1))
    assert {line.name(): f.payments for line, f in window.items()}[target] == 120


def test_ratio_without_plan_is_none():
    assert ratio(5, 0) is None
    assert ratio(1, 3) == Decimal(1) / Decimal(3)
