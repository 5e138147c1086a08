"""The written-out disbursement report: table, CSV, JSON and xlsx (``mtqg report``)."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from mtqgledger.books import Books
from mtqgledger.figures.disbursement import DisbursementReport, Movement, disbursement_report
from mtqgledger.model.accounts import Line
from mtqgledger.model.catalogue_files import load_catalogue
from mtqgledger.outputs import disbursement as render
from mtqgledger.outputs.formatting import format_amount

SAMPLE = Path(__file__).resolve().parents[1] / "ledgers" / "main.beancount"
AS_OF = datetime.date(2025, 11, 14)  # date of the published figures the sample reproduces

# Figures of GNBV DA4 derived from ledgers/laichau/2025.beancount (as of 14/11/2025):
# TDA1 plan 129.46 + 17.84 + 25 + 4.915 bn; disbursed 95.9 bn → 54,1 %.
TDA1_PLAN, TDA1_DISBURSED = 177_215_000_000, 95_900_000_000

HUGE_PLAN = 12_345_678_901_234_567  # far above 10**13, the scale of national roll-ups
HUGE_PAYMENTS = 10**13 + 7
HUGE_ADVANCES = 3 * 10**13 + 11


@pytest.fixture(scope="module")
def sample_report() -> DisbursementReport:
    books = Books.open(SAMPLE, use_cache=False)
    assert books.messages == []
    return disbursement_report(books.movements, load_catalogue(), as_of=AS_OF,
                               budget_year=2025)


@pytest.fixture(scope="module")
def huge_report() -> DisbursementReport:
    line = Line("LaiChau", ("GNBV", "DA4", "TDA1"), "NSTW", "SN", 2025)
    table = [Movement(line, datetime.date(2025, 3, 1), HUGE_PLAN, 0, 0),
             Movement(line, datetime.date(2025, 6, 1), 0, HUGE_PAYMENTS, HUGE_ADVANCES)]
    return disbursement_report(table, load_catalogue(), budget_year=2025)


def _tda1_line(table: str) -> str:
    """The table line of GNBV DA4 TDA1 (the one with its plan figure)."""
    (line,) = [row for row in table.splitlines()
               if row.lstrip().startswith("TDA1") and "177.215" in row]
    return line


# --- table -------------------------------------------------------------------------------


def test_table_shows_the_published_figures(sample_report: DisbursementReport) -> None:
    table = render.to_table(sample_report)
    assert "177.215.000.000" in table
    assert "54,1 %" in table
    assert "6,9 %" in table  # TDA2: 560.000.000 / 8.120.000.000
    assert "68,4 %" in table  # TDA3: 16.105.000.000 / 23.540.000.000
    assert "Số liệu đến ngày 14/11/2025" in table
    assert "Kế hoạch năm 2025" in table
    assert "Đơn vị: đồng" in table


def test_table_row_of_tda1_has_ratio_and_capital_split(sample_report: DisbursementReport) -> None:
    row = _tda1_line(render.to_table(sample_report))
    cells = row.split()
    # plan, payments, advances, disbursed, remaining, then ratios (ledgers/laichau/2025.beancount)
    assert "177.215.000.000" in cells
    assert "95.900.000.000" in cells
    assert "81.315.000.000" in cells  # 177.215 bn - 95.9 bn
    assert row.index("54,1 %") < row.index("100,0 %") < row.index("49,0 %")


def test_table_omits_split_rows(sample_report: DisbursementReport) -> None:
    table = render.to_table(sample_report)
    # every split row's title (e.g. "Vốn sự nghiệp", "Ngân sách trung ương") is not a table row
    assert not any(line.lstrip().startswith(("Vốn", "Ngân sách")) for line in table.splitlines())
    kept = [row for row in sample_report.rows if sample_report.shown_in_forms(row)]
    # the sample books extend 2024 money into 2025: the total's two plan-year rows are shown
    assert len(kept) == len([row for row in sample_report.rows if not row.is_split]) + 2
    lines = table.splitlines()
    header = lines.index(next(x for x in lines if x.startswith("Mã")))
    body = lines[header + 2:]  # after the header and its rule, up to the blank line
    body = body[:body.index("")]
    assert len(body) == len(kept)


@pytest.mark.parametrize(("unit", "shown", "label"), [
    ("trieu", "177.215,000", "triệu đồng"),
    ("ty", "177,215", "tỷ đồng"),
])
def test_table_in_larger_units(sample_report: DisbursementReport, unit: str, shown: str,
                               label: str) -> None:
    table = render.to_table(sample_report, unit)
    assert shown in table
    assert f"Đơn vị: {label}" in table
    assert "177.215.000.000" not in table
    assert "54,1 %" in table


def test_table_shows_a_dash_where_there_is_no_plan() -> None:
    line = Line("LaiChau", ("GNBV", "DA4", "TDA2"), "NSTW", "SN", 2025)
    report = disbursement_report([Movement(line, AS_OF, 0, 0, 0)], load_catalogue(),
                                 budget_year=2025)
    table = render.to_table(report)
    total = next(x for x in table.splitlines() if x.startswith("TỔNG"))
    assert "–" in total
    assert json.loads(render.to_json(report))[0]["ratio"] is None


# --- JSON and CSV ------------------------------------------------------------------------


def test_json_ratios_are_fractions_rounded_to_six_places(
        sample_report: DisbursementReport) -> None:
    records = json.loads(render.to_json(sample_report))
    assert len(records) == len(sample_report.rows)
    for record, row in zip(records, sample_report.rows, strict=True):
        for key in ("ratio", "ratio_paid"):
            value = record[key]
            exact = getattr(row, key)
            if exact is None:
                assert value is None
                continue
            assert isinstance(value, float)
            assert value == round(value, 6)
            assert abs(Decimal(str(value)) - exact) <= Decimal("0.0000005")
    tda1 = next(r for r in records if r["level"] == "subproject" and r["project"] == "DA4"
                and r["subproject"] == "TDA1" and r["capital"] is None and r["source"] is None)
    expected = (Decimal(TDA1_DISBURSED) / Decimal(TDA1_PLAN)).quantize(Decimal("0.000001"))
    assert Decimal(str(tda1["ratio"])) == expected
    assert 0 < tda1["ratio"] < 1, "a fraction, not a percentage"


def test_json_keys_and_integer_amounts(sample_report: DisbursementReport) -> None:
    records = json.loads(render.to_json(sample_report))
    for record in records:
        assert tuple(record) == render.JSON_KEYS
        for key in ("plan", "payments", "advances", "disbursed", "remaining"):
            assert type(record[key]) is int
        assert record["disbursed"] == record["payments"] + record["advances"]
        assert record["remaining"] == record["plan"] - record["disbursed"]


def test_csv_agrees_with_json(sample_report: DisbursementReport) -> None:
    records = json.loads(render.to_json(sample_report))
    rows = list(csv.DictReader(io.StringIO(render.to_csv(sample_report))))
    assert len(rows) == len(records)
    for row, record in zip(rows, records, strict=True):
        assert tuple(row) == render.JSON_KEYS
        for key, value in record.items():
            if value is None:
                assert row[key] == ""
            elif isinstance(value, float):
                assert Decimal(row[key]) == Decimal(str(value))
            elif isinstance(value, int):
                assert int(row[key]) == value
            else:
                assert row[key] == value


def test_row_record_keeps_exact_amounts_and_rounded_ratio(
        sample_report: DisbursementReport) -> None:
    row = sample_report.find(level="subproject", province="LaiChau", program="GNBV",
                             project="DA4", subproject="TDA1")
    record = render.row_record(row)
    assert record["plan"] == TDA1_PLAN
    assert record["disbursed"] == TDA1_DISBURSED
    assert isinstance(record["ratio"], Decimal)
    assert record["ratio"].as_tuple().exponent == -6


# --- amounts above 10**13 ----------------------------------------------------------------


def test_huge_amounts_are_exact_in_json(huge_report: DisbursementReport) -> None:
    records = json.loads(render.to_json(huge_report))
    assert records[0]["level"] == "total"
    for record in records:
        assert record["plan"] == HUGE_PLAN
        assert record["payments"] == HUGE_PAYMENTS
        assert record["advances"] == HUGE_ADVANCES
        assert record["disbursed"] == HUGE_PAYMENTS + HUGE_ADVANCES
        assert record["remaining"] == HUGE_PLAN - HUGE_PAYMENTS - HUGE_ADVANCES


def test_huge_amounts_are_exact_in_csv(huge_report: DisbursementReport) -> None:
    text = render.to_csv(huge_report)
    assert str(HUGE_PLAN) in text
    for row in csv.DictReader(io.StringIO(text)):
        assert int(row["plan"]) == HUGE_PLAN
        assert int(row["advances"]) == HUGE_ADVANCES
        assert int(row["remaining"]) == HUGE_PLAN - HUGE_PAYMENTS - HUGE_ADVANCES
        assert "e" not in row["plan"].lower()


def test_huge_amounts_render_as_table(huge_report: DisbursementReport) -> None:
    table = render.to_table(huge_report)
    assert table.startswith("BÁO CÁO")
    assert "TỔNG" in table
    assert "40.000.000.000.018" in table  # disbursed = payments + advances fits its column
    assert "GNBV" in table
    for unit in ("trieu", "ty"):
        assert format_amount(HUGE_PLAN, unit) in render.to_table(huge_report, unit)


def test_huge_amounts_are_not_truncated_in_the_table(huge_report: DisbursementReport) -> None:
    table = render.to_table(huge_report)
    assert format_amount(HUGE_PLAN) in table
    assert format_amount(HUGE_ADVANCES) in table
    assert format_amount(HUGE_PLAN - HUGE_PAYMENTS - HUGE_ADVANCES) in table


def test_huge_amounts_in_xlsx(huge_report: DisbursementReport, tmp_path: Path) -> None:
    target = tmp_path / "huge.xlsx"
    render.write_xlsx(huge_report, target)
    sheet = load_workbook(target)["Giải ngân"]
    header = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "Cấp")
    plan, paid, advanced = (header.index(name) for name in
                            ("Kế hoạch", "Đã thanh toán", "Tạm ứng chưa thu hồi"))
    rows = [r for r in sheet.iter_rows(values_only=True)
            if r[0] in ("total", "program", "project", "subproject")]
    assert len(rows) == len(huge_report.rows)
    for row in rows:
        # Below 2**53 an amount survives exactly; openpyxl writes numbers with 16 significant
        # digits ("%.16g"), so 12.345.678.901.234.567 comes back as a float near it.
        assert row[paid] == HUGE_PAYMENTS
        assert row[advanced] == HUGE_ADVANCES
        assert row[plan] == pytest.approx(HUGE_PLAN, rel=1e-15)


# --- xlsx --------------------------------------------------------------------------------


def test_xlsx_of_the_sample(sample_report: DisbursementReport, tmp_path: Path) -> None:
    target = tmp_path / "report.xlsx"
    render.write_xlsx(sample_report, target)
    book = load_workbook(target)
    assert book.sheetnames == ["Giải ngân"]
    sheet = book["Giải ngân"]
    assert sheet["A1"].value.startswith("BÁO CÁO")
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if r[0] == "Cấp")
    header = rows[header_at]
    data_rows = [dict(zip(header, r, strict=True)) for r in rows[header_at + 1:]]
    assert len(data_rows) == len(sample_report.rows)
    tda1 = next(r for r in data_rows if r["Cấp"] == "subproject" and r["Dự án"] == "DA4"
                and r["Tiểu dự án"] == "TDA1" and r["Nguồn"] is None
                and r["Loại vốn"] is None and r["Năm KH"] is None)
    assert tda1["Kế hoạch"] == TDA1_PLAN
    assert tda1["Giải ngân"] == TDA1_DISBURSED
    assert round(tda1["Tỷ lệ GN"] * 100, 1) == 54.1


def test_table_shows_plan_extended_from_earlier_years(sample_report: DisbursementReport) -> None:
    table = render.to_table(sample_report)
    assert "Tr.đó KH kéo dài" in table
    # GNBV DA1 TDA1's whole 2025 plan is 2024 money extended by decision 245/QĐ-UBND
    # (ledgers/laichau/2024.beancount): 6.400.000.000 đ as plan and as extended plan.
    (da1,) = [x for x in table.splitlines()
              if x.lstrip().startswith("TDA1") and "177.215" not in x]
    assert da1.split().count("6.400.000.000") == 2
    assert "0" in _tda1_line(table).split()  # DA4 TDA1 has no extended money


def test_table_without_a_plan_year_has_no_extended_column() -> None:
    books = Books.open(SAMPLE, use_cache=False)
    report = disbursement_report(books.movements, load_catalogue(), as_of=AS_OF)
    table = render.to_table(report)
    assert "Tr.đó KH kéo dài" not in table
    assert "54,1 %" in table  # DA4 TDA1 is 2025 money only, so its ratio is unchanged
