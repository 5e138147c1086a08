"""The chart's cumulative figures, summed in one pass (figures_by_line_through), are the
disbursement report's as of each day."""

from __future__ import annotations

import datetime
import random
from pathlib import Path

import pytest
from beancount import loader

from mtqgledger.fava_ext.settings import month_ends
from mtqgledger.fava_ext.tables import cumulative, table_of
from mtqgledger.figures.disbursement import disbursement_report
from mtqgledger.figures.movements import (
    Movement,
    figures_by_line,
    figures_by_line_through,
    movements,
)
from mtqgledger.model.catalogue_files import load_catalogue

LEDGER = Path(__file__).resolve().parents[1] / "ledgers" / "main.beancount"


@pytest.mark.parametrize("seed", range(4))
def test_figures_through_each_day_are_figures_as_of_it(seed: int) -> None:
    rng = random.Random(seed)
    table, _ = movements(loader.load_file(str(LEDGER))[0])
    lines = sorted({move.line for move in table}, key=lambda line: line.sort_key)
    start = datetime.date(2025, 1, 1)
    moves = sorted((Movement(rng.choice(lines), start + datetime.timedelta(rng.randrange(700)),
                             rng.randrange(-10**14, 10**14), rng.randrange(10**13),
                             rng.randrange(-10**13, 10**13)) for _ in range(500)),
                   key=lambda move: move.date)
    days = sorted(start + datetime.timedelta(rng.randrange(-30, 760)) for _ in range(15))
    days.append(days[-1])  # the same day twice
    found = list(figures_by_line_through(moves, days))
    assert [day for day, _ in found] == days
    for day, by_line in found:
        assert by_line == figures_by_line(moves, as_of=day)
    last, before = found[-1][1], found[-2][1]  # each day's figures its own objects
    assert all(last[line] is not before[line] for line in last if line in before)


def test_days_out_of_order_are_refused() -> None:
    with pytest.raises(ValueError, match="days must increase"):
        list(figures_by_line_through([], [datetime.date(2026, 2, 1), datetime.date(2026, 1, 1)]))


@pytest.mark.parametrize("province", [None, "LaiChau"])
def test_the_charts_totals_are_the_reports(province: str | None) -> None:
    entries = loader.load_file(str(LEDGER))[0]
    catalogue = load_catalogue()
    table = table_of(entries, catalogue.unit_registry)
    checked = 0
    for year in table.years:
        days = month_ends(year, datetime.date(year + 1, 12, 31))
        found = cumulative(table, catalogue, year, days, province=province)
        year_table = table.year_table(year)
        for day, plan, disbursed in found:
            report = disbursement_report(year_table.until(day), catalogue, as_of=day,
                                         budget_year=year, province=province, by="program")
            assert (plan, disbursed) == (report.total.plan, report.total.disbursed)
            checked += plan != 0
        assert cumulative(table, catalogue, year, days, province=province) == found  # kept
    assert checked > 10
