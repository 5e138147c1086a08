"""Quarterly figures: taken from the disbursement report at the quarter's bounds."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from mtqgledger.books import Books
from mtqgledger.figures.disbursement import disbursement_report
from mtqgledger.figures.quarterly import Quarter, quarterly_rows
from mtqgledger.model.catalogue_files import load_catalogue

SAMPLE = Path(__file__).resolve().parents[1] / "ledgers" / "main.beancount"


@pytest.fixture(scope="module")
def table():
    books = Books.open(SAMPLE, use_cache=False)
    assert books.messages == []
    return books.movements


@pytest.mark.parametrize("text, start, end, title", [
    ("2025Q1", datetime.date(2025, 1, 1), datetime.date(2025, 3, 31), "QUÝ I NĂM 2025"),
    ("2025-Q3", datetime.date(2025, 7, 1), datetime.date(2025, 9, 30), "QUÝ III NĂM 2025"),
    ("Q4/2024", datetime.date(2024, 10, 1), datetime.date(2024, 12, 31), "QUÝ IV NĂM 2024"),
])
def test_quarter_bounds(text, start, end, title):
    quarter = Quarter.parse(text)
    assert (quarter.start, quarter.end, quarter.title) == (start, end, title)


def test_bad_quarter_is_refused():
    with pytest.raises(ValueError, match="2025Q3"):
        Quarter.parse("2025Q5")


def test_quarter_rows_are_the_report_at_quarter_end(table):
    quarter = Quarter(2025, 3)
    rows = quarterly_rows(table, load_catalogue(), quarter)
    report = disbursement_report(table, load_catalogue(), as_of=quarter.end, budget_year=2025,
                                 by="subproject")
    assert [r.row for r in rows] == list(report.rows)
    assert [r.row.disbursed for r in rows] == [r.disbursed for r in report.rows]


def test_disbursed_in_the_quarter(table):
    rows = quarterly_rows(table, load_catalogue(), Quarter(2025, 3))
    tda2 = next(r for r in rows if r.row.level == "subproject" and r.row.subproject == "TDA2"
                and r.row.program == "GNBV" and not r.row.is_split)
    # ledgers/laichau/2025.beancount: TDA2's only Q3 movement is the 05/08 advance of 300.000.000
    assert tda2.disbursed_in_quarter == 300_000_000
    total = rows[0]
    q3_start = disbursement_report(table, load_catalogue(), as_of=datetime.date(2025, 6, 30),
                                   budget_year=2025).total.disbursed
    assert total.disbursed_in_quarter == total.row.disbursed - q3_start


def test_extended_plan_and_a_year_earlier(table):
    rows = quarterly_rows(table, load_catalogue(), Quarter(2025, 3))
    total = rows[0]
    # 6.400.000.000 of 2024 investment money was extended into 2025 (QĐ 245/QĐ-UBND)
    assert total.extended_plan == 6_400_000_000
    da1 = next(r for r in rows if r.row.project == "DA1" and r.row.level == "project"
               and not r.row.is_split)
    assert da1.extended_plan == da1.row.plan == 6_400_000_000
    da4 = next(r for r in rows if r.row.project == "DA4" and r.row.level == "project"
               and not r.row.is_split)
    assert da4.extended_plan == 0
    assert da4.ratio_a_year_earlier is None  # DA4 had no 2024 plan in the sample books
    # ledgers/laichau/2024.beancount at 30/09/2024: plan 45 + 3 bn; the 9 bn advance of
    # 20/05 was settled in the 21 bn payment of 30/08, so 21 bn disbursed.
    assert total.ratio_a_year_earlier == Decimal(21_000_000_000) / Decimal(48_000_000_000)
