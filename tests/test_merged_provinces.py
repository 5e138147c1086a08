"""Books of a province merged away on 1/7/2025 continue under its successor (NQ 202/2025/QH15).

Hà Giang's GNBV lines of early 2025 and Tuyên Quang's own: a report for Tuyên
Quang holds both, added up, or apart as "Hà Giang (cũ)" on request.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from booktext import HEADER, advance, allocate, opens, pay
from click.testing import CliRunner

from mtqgledger.books import Books
from mtqgledger.cli import main
from mtqgledger.figures.disbursement import disbursement_report
from mtqgledger.figures.quarterly import Quarter, quarterly_report

HA_GIANG = "HaGiang:GNBV:DA4:TDA1:NSTW:SN:Y2025"
TUYEN_QUANG = "TuyenQuang:GNBV:DA4:TDA1:NSTW:SN:Y2025"
TUYEN_QUANG_TDA2 = "TuyenQuang:GNBV:DA4:TDA2:NSTW:SN:Y2025"
LAI_CHAU = "LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2025"
AS_OF = datetime.date(2025, 11, 30)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("merged") / "main.beancount"
    path.write_text(HEADER + opens(HA_GIANG, TUYEN_QUANG, TUYEN_QUANG_TDA2, LAI_CHAU)
                    + allocate("2025-02-10", HA_GIANG, 40_000_000_000_000)
                    + pay("2025-05-05", HA_GIANG, 10_000_000_000_001)
                    + allocate("2025-02-12", TUYEN_QUANG, 60_000_000_000)
                    + advance("2025-09-01", TUYEN_QUANG, 6_000_000_000)
                    + allocate("2025-02-12", TUYEN_QUANG_TDA2, 1_000)
                    + allocate("2025-02-12", LAI_CHAU, 5_000), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def books(ledger: Path) -> Books:
    found = Books.open(ledger, use_cache=False)
    assert found.messages == []
    return found


def report(books: Books, **options: object):
    return disbursement_report(books.movements, books.catalogue, as_of=AS_OF,
                               budget_year=2025, **options)


def test_the_successor_holds_the_merged_provinces_lines(books: Books) -> None:
    folded = report(books, province="TuyenQuang")
    assert folded.total.plan == 40_000_000_000_000 + 60_000_000_000 + 1_000
    assert folded.total.disbursed == 10_000_000_000_001 + 6_000_000_000
    # One province: no province rows; the two provinces' TDA1 are one sub-project row.
    assert not any(row.level == "province" for row in folded.rows)
    tda1 = folded.find(level="subproject", province="TuyenQuang", program="GNBV",
                       project="DA4", subproject="TDA1")
    assert (tda1.plan, tda1.payments, tda1.advances) == \
        (40_060_000_000_000, 10_000_000_000_001, 6_000_000_000)
    assert [row.subproject for row in folded.rows if row.level == "subproject"
            and not row.is_split] == ["TDA1", "TDA2"]


def test_the_merged_province_apart_on_request(books: Books) -> None:
    apart = report(books, province="TuyenQuang", merged_apart=True)
    provinces = [(row.province, row.title, row.plan) for row in apart.rows
                 if row.level == "province" and not row.is_split]
    assert provinces == [("HaGiang", "Hà Giang (cũ)", 40_000_000_000_000),
                         ("TuyenQuang", "Tuyên Quang", 60_000_001_000)]
    assert apart.total.figures == report(books, province="TuyenQuang").total.figures


def test_asking_for_the_old_province_keeps_only_its_books(books: Books) -> None:
    assert report(books, province="HaGiang").total.plan == 40_000_000_000_000


def test_all_provinces_fold_the_merged_one_into_its_successor(books: Books) -> None:
    provinces = [(row.province, row.plan) for row in report(books).rows
                 if row.level == "province" and not row.is_split]
    assert provinces == [("LaiChau", 5_000), ("TuyenQuang", 40_060_000_001_000)]


def test_the_quarterly_form_of_the_successor(books: Books) -> None:
    form = quarterly_report(books.movements, books.catalogue, Quarter(2025, 4),
                            province="TuyenQuang")
    assert form.committee == "UBND TỈNH TUYÊN QUANG"
    assert form.lines[0].row.plan == 40_060_000_001_000


def test_cli_takes_the_province_by_name_and_shows_it_apart(ledger: Path) -> None:
    def rows(*extra: str) -> list[dict]:
        result = CliRunner().invoke(main, ["report", "disbursement", str(ledger), "--as-of",
                                           "30/11/2025", "--province", "Tuyên Quang",
                                           "--format", "json", *extra])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    assert rows()[0]["plan"] == 40_060_000_001_000
    titles = [row["title"] for row in rows("--merged-apart") if row["level"] == "province"
              and row["source"] is None and row["capital"] is None]
    assert titles == ["Hà Giang (cũ)", "Tuyên Quang"]
    unknown = CliRunner().invoke(main, ["report", "disbursement", str(ledger), "--province",
                                        "Atlantis"])
    assert unknown.exit_code != 0 and "--province" in unknown.output
