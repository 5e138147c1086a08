"""Pace: projected ratio at the deadline, monthly amount needed, behind target."""

from __future__ import annotations

import datetime
from decimal import Decimal

from booktext import OLD_DTPT, TDA1_DTPT, TDA1_SN, allocate, extend, load, opens, pay

from mtqgledger.figures.disbursement import disbursement_report
from mtqgledger.figures.movements import movements
from mtqgledger.figures.pace import pace_of
from mtqgledger.model.catalogue_files import load_catalogue

AS_OF = datetime.date(2025, 6, 30)  # day 181 of 2025


def report_of(*parts: str, as_of: datetime.date = AS_OF):
    entries, errors, _ = load(*parts)
    assert errors == []
    return disbursement_report(movements(entries)[0], load_catalogue(), as_of=as_of,
                               budget_year=2025, by="line")


def line_row(report, capital: str, extended: bool = False):
    return next(row for row in report.rows if row.level == "line" and row.capital == capital
                and (row.extended_into is not None) == extended)


def test_recurrent_money_is_projected_to_the_end_of_the_year():
    report = report_of(opens(TDA1_SN), allocate("2025-01-10", TDA1_SN, 365_000_000),
                       pay("2025-03-01", TDA1_SN, 90_500_000))
    row = line_row(report, "SN")
    pace = pace_of(report, row, AS_OF)
    assert pace.deadline == datetime.date(2025, 12, 31)
    # 90.5 million in 181 days -> over 365 days: 90.5 * 365 / 181 million of 365 million
    assert pace.projected_ratio == Decimal(90_500_000) * 365 / 181 / 365_000_000
    assert pace.behind  # about 50 % < 95 %
    # 95 % of 365 million = 346.75 million; 256.25 million missing over 184 days
    months = Decimal(184) / (Decimal("365.25") / 12)
    expected = (Decimal(346_750_000 - 90_500_000) / months).to_integral_value("ROUND_CEILING")
    assert pace.monthly_needed == int(expected)


def test_investment_money_has_until_the_end_of_january():
    report = report_of(opens(TDA1_DTPT), allocate("2025-01-10", TDA1_DTPT, 396_000_000),
                       pay("2025-06-01", TDA1_DTPT, 200_000_000))
    row = line_row(report, "DTPT")
    pace = pace_of(report, row, AS_OF)
    assert pace.deadline == datetime.date(2026, 1, 31)
    assert pace.projected_ratio == Decimal(200_000_000) * 396 / 181 / 396_000_000
    assert not pace.behind  # 200 in 181 days -> about 110 % by 31/01
    # Still missing to 95 % today: 376.2 - 200 million, over the 215 days to 31/01/2026.
    months = Decimal(215) / (Decimal("365.25") / 12)
    expected = (Decimal(176_200_000) / months).to_integral_value("ROUND_CEILING")
    assert pace.monthly_needed == int(expected)


def test_a_node_with_investment_money_takes_its_deadline():
    report = report_of(opens(TDA1_DTPT, TDA1_SN), allocate("2025-01-10", TDA1_DTPT, 100),
                       allocate("2025-01-10", TDA1_SN, 100))
    subproject = next(row for row in report.rows
                      if row.level == "subproject" and not row.is_split)
    assert pace_of(report, subproject, AS_OF).deadline == datetime.date(2026, 1, 31)
    recurrent = next(row for row in report.rows
                     if row.level == "subproject" and row.capital == "SN")
    assert pace_of(report, recurrent, AS_OF).deadline == datetime.date(2025, 12, 31)


def test_extended_investment_money_ends_with_the_year():
    report = report_of(opens(OLD_DTPT), opens(f"{OLD_DTPT}:K2025"),
                       allocate("2024-02-01", OLD_DTPT, 1_000),
                       extend("2025-01-20", OLD_DTPT, 2025, 1_000))
    row = line_row(report, "DTPT", extended=True)
    pace = pace_of(report, row, AS_OF)
    assert pace.deadline == datetime.date(2025, 12, 31)
    assert pace.projected_ratio == 0 and pace.behind


def test_after_the_deadline_the_projection_is_the_ratio_and_all_is_needed_at_once():
    late = datetime.date(2026, 3, 1)
    report = report_of(opens(TDA1_SN), allocate("2025-01-10", TDA1_SN, 1_000),
                       pay("2025-03-01", TDA1_SN, 500), as_of=late)
    pace = pace_of(report, line_row(report, "SN"), late)
    assert pace.projected_ratio == Decimal(1) / 2
    assert pace.monthly_needed == 450  # 950 wanted, 500 disbursed, no month left


def test_no_plan_no_projection():
    report = report_of(opens(TDA1_SN), allocate("2025-01-10", TDA1_SN, 1_000),
                       allocate("2025-02-10", TDA1_SN, -1_000))
    pace = pace_of(report, line_row(report, "SN"), AS_OF)
    assert (pace.projected_ratio, pace.monthly_needed, pace.behind) == (None, 0, False)


def test_target_is_a_parameter_and_reached_lines_need_nothing():
    report = report_of(opens(TDA1_SN), allocate("2025-01-10", TDA1_SN, 1_000),
                       pay("2025-03-01", TDA1_SN, 600))
    row = line_row(report, "SN")
    assert pace_of(report, row, AS_OF, target=Decimal("0.6")).monthly_needed == 0
    assert pace_of(report, row, AS_OF, target=Decimal("0.61")).monthly_needed > 0


def test_figures_above_ten_trillion_stay_exact():
    plan, paid = 12_345_678_901_234_567, 6_000_000_000_000_001
    report = report_of(opens(TDA1_SN), allocate("2025-01-10", TDA1_SN, plan),
                       pay("2025-03-01", TDA1_SN, paid))
    pace = pace_of(report, line_row(report, "SN"), AS_OF)
    assert pace.projected_ratio == Decimal(paid) * 365 / 181 / plan
    wanted = (Decimal(plan) * Decimal("0.95")).to_integral_value("ROUND_CEILING")
    months = Decimal(184) / (Decimal("365.25") / 12)
    assert pace.monthly_needed == int(((wanted - paid) / months).to_integral_value(
        "ROUND_CEILING"))
