"""The quarterly form: the model, its workbook and HTML, read back and recomputed."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from booktext import TDA1_DTPT, TDA1_SN, TDA2_SN, advance, allocate, load, opens, pay
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from system import recalculate

from mtqgledger.books import Books
from mtqgledger.cli import main
from mtqgledger.figures.movements import movements
from mtqgledger.figures.quarterly import Quarter, committee_title, quarterly_report, quarterly_rows
from mtqgledger.model.catalogue_files import load_catalogue
from mtqgledger.model.titles import committee_name
from mtqgledger.outputs.formatting import format_amount, format_ratio
from mtqgledger.outputs.quarterly_html import to_html
from mtqgledger.outputs.quarterly_layout import columns
from mtqgledger.outputs.quarterly_xlsx import write_quarterly_workbook

SAMPLE = Path(__file__).resolve().parents[1] / "ledgers" / "main.beancount"
Q3 = Quarter(2025, 3)
FIRST_DATA = 12  # heading block rows 1-7, headers 8-10, numbering row 11


@pytest.fixture(scope="module")
def sample():
    books = Books.open(SAMPLE, use_cache=False)
    assert books.messages == []
    return quarterly_report(books.movements, load_catalogue(), Q3)


@pytest.fixture(scope="module")
def workbook(sample, tmp_path_factory):
    path = tmp_path_factory.mktemp("q") / "q3.xlsx"
    write_quarterly_workbook(sample, path)
    return path


def big_books_report():
    plan_dtpt, plan_sn = 12_345_678_901_234, 23_456_789_012_345
    entries, errors, _ = load(
        opens(TDA1_DTPT, TDA1_SN, TDA2_SN),
        allocate("2025-01-10", TDA1_DTPT, plan_dtpt), allocate("2025-01-10", TDA1_SN, plan_sn),
        allocate("2025-01-10", TDA2_SN, 7),
        pay("2025-05-02", TDA1_DTPT, 1_000_000_000_001),
        advance("2025-08-20", TDA1_SN, 9_876_543_210_987),
        pay("2025-09-30", TDA2_SN, 3))
    assert errors == []
    return quarterly_report(movements(entries)[0], load_catalogue(), Q3)


def column_of(report, key: str) -> int:
    return next(i for i, c in enumerate(columns(report), start=1) if c.key == key)


# --- the model ---------------------------------------------------------------------

def test_form_lines_are_the_nodes_numbered_i_1_a(sample):
    """Every node, and, since 2024 money is extended into 2025 in the sample books, the
    total's plan-year rows right under the total ("Trong đó: …")."""
    rows = [r.row for r in quarterly_rows(
        Books.open(SAMPLE, use_cache=False).movements, load_catalogue(), Q3)
        if not r.row.is_split or (r.row.level == "total" and r.row.plan_year)]
    assert [line.row for line in sample.lines] == rows
    numbers = [(line.number, line.row.level) for line in sample.lines]
    assert numbers[:3] == [("", "total"), ("", "total"), ("", "total")]
    assert [line.row.plan_year for line in sample.lines[1:3]] == [2024, 2025]
    assert sum(line.row.plan for line in sample.lines[1:3]) == sample.lines[0].row.plan
    assert numbers[3:6] == [("I", "program"), ("1", "project"), ("a", "subproject")]
    assert ("II", "program") in numbers and ("c", "subproject") in numbers
    assert sample.committee == "UBND TỈNH LAI CHÂU"


def test_splits_add_up_to_the_plan(sample):
    for line in sample.lines:
        if line.row.is_split:  # a plan-year row has no source or capital split of its own
            assert set(line.plan_by_source.values()) == {None}
            assert set(line.plan_by_capital.values()) == {None}
            continue
        assert sum(line.plan_by_source.values()) == line.row.plan
        assert sum(line.plan_by_capital.values()) == line.row.plan


def test_tda1_as_the_sample_books_say(sample):
    tda1 = next(line for line in sample.lines if line.row.subproject == "TDA1"
                and line.row.project == "DA4")
    # ledgers/laichau/2025.beancount: NSTW 147,3 bn + NSĐP 29,915 bn; SN 159,375 bn
    assert tda1.plan_by_source == {"NSTW": 147_300_000_000, "NSDP": 29_915_000_000}
    assert tda1.plan_by_capital == {"DTPT": 17_840_000_000, "SN": 159_375_000_000}
    assert tda1.ratio_by_capital["DTPT"] is not None


# --- the workbook ------------------------------------------------------------------

def test_heading_block_title_and_unit(workbook):
    sheet = load_workbook(workbook)["Báo cáo quý"]
    assert sheet["A1"].value == "UBND TỈNH LAI CHÂU"
    assert sheet["A2"].value.startswith("Số:")
    texts = [cell.value for row in sheet.iter_rows(max_row=7) for cell in row if cell.value]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    assert ("BÁO CÁO TÌNH HÌNH GIẢI NGÂN VỐN CÁC CHƯƠNG TRÌNH MỤC TIÊU QUỐC GIA "
            "QUÝ III NĂM 2025") in texts
    assert "Đơn vị tính: triệu đồng" in texts  # the default unit, as provinces report
    assert any("30/09/2025" in text for text in texts)


def test_merged_headers(sample, workbook):
    sheet = load_workbook(workbook)["Báo cáo quý"]
    merged = {str(block) for block in sheet.merged_cells.ranges}
    plan, extended = column_of(sample, "plan"), column_of(sample, "extended")
    assert sheet.cell(8, plan).value == "Kế hoạch vốn năm 2025"
    assert f"{get_column_letter(plan)}8:{get_column_letter(extended)}8" in merged
    assert "A8:A10" in merged and sheet["A8"].value == "STT"
    nstw = column_of(sample, "source:NSTW")
    assert sheet.cell(10, nstw).value == "NSTW"
    assert sheet.cell(9, nstw).value == "Chia theo nguồn vốn"


def test_cells_are_the_report_figures(sample, workbook):
    sheet = load_workbook(workbook)["Báo cáo quý"]
    cols = columns(sample)
    for offset, line in enumerate(sample.lines):
        row = FIRST_DATA + offset
        assert sheet.cell(row, 1).value in (line.number, None)
        for index, column in enumerate(cols, start=1):
            value = sheet.cell(row, index).value
            if isinstance(value, str) and value.startswith("="):
                continue  # formulas: checked below and recomputed by LibreOffice
            expected = column.value(line)
            if column.kind == "ratio" and expected is not None:
                assert Decimal(str(value)) == pytest.approx(expected, abs=Decimal("1e-12"))
            elif column.kind == "amount" and expected is None:
                assert value is None and line.row.is_split, (row, column.key)
            elif column.kind == "amount":
                assert value == expected and isinstance(value, int), (row, column.key)


def test_formulas_over_the_line_cells(sample, workbook):
    sheet = load_workbook(workbook)["Báo cáo quý"]
    plan = get_column_letter(column_of(sample, "plan"))
    done = get_column_letter(column_of(sample, "cumulative"))
    row = FIRST_DATA + 3
    assert sheet.cell(row, column_of(sample, "ratio")).value == \
        f'=IF({plan}{row}=0,"",{done}{row}/{plan}{row})'
    assert sheet.cell(row, column_of(sample, "remaining")).value == f"={plan}{row}-{done}{row}"
    programs = [FIRST_DATA + i for i, line in enumerate(sample.lines)
                if line.row.level == "program"]
    assert sheet.cell(FIRST_DATA, column_of(sample, "plan")).value == \
        "=SUM(" + ",".join(f"{plan}{r}" for r in programs) + ")"


def test_formats_panes_print_setup_and_signatures(workbook, sample):
    sheet = load_workbook(workbook)["Báo cáo quý"]
    assert sheet.freeze_panes == f"C{FIRST_DATA}"
    assert sheet.cell(FIRST_DATA, column_of(sample, "plan")).number_format == \
        "[$-42A]#,##0.000,,"
    assert sheet.cell(FIRST_DATA, column_of(sample, "ratio")).number_format == "[$-42A]0.0%"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$8:$11"
    texts = {cell.value for row in sheet.iter_rows(min_row=FIRST_DATA + len(sample.lines))
             for cell in row if cell.value}
    assert {"NGƯỜI LẬP BIỂU", "KẾ TOÁN TRƯỞNG", "THỦ TRƯỞNG ĐƠN VỊ"} <= texts


def test_lines_behind_target_are_highlighted(workbook, sample):
    sheet = load_workbook(workbook)["Báo cáo quý"]
    for offset, line in enumerate(sample.lines):
        colour = sheet.cell(FIRST_DATA + offset, 2).fill.fgColor.rgb
        assert (colour == "00FCE4D6") == line.pace.behind


def test_a_lower_target_leaves_lines_on_track(tmp_path):
    books = Books.open(SAMPLE, use_cache=False)
    low = quarterly_report(books.movements, load_catalogue(), Q3, target=Decimal("0.3"))
    behind = {line.row.subproject for line in low.lines
              if line.pace.behind and line.row.level == "subproject"}
    assert behind == {"TDA2"}  # 3,7 % at 30/09 cannot reach 30 % at that pace


def test_native_chart_of_ratios_by_project_and_capital(workbook, sample):
    book = load_workbook(workbook)
    sheet = book["Biểu đồ"]
    assert len(sheet._charts) == 1
    projects = [line for line in sample.lines if line.row.level == "project"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == \
        [f"{line.row.program} {line.row.project}" for line in projects]
    da4 = next(line for line in projects if line.row.project == "DA4")
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "GNBV DA4")
    assert Decimal(str(row[1])) == pytest.approx(da4.ratio_by_capital["DTPT"])


def test_unit_trieu_keeps_whole_dong_in_cells(sample, workbook):
    sheet = load_workbook(workbook)["Báo cáo quý"]  # written in the default unit, triệu
    cell = sheet.cell(FIRST_DATA + 1, column_of(sample, "plan"))
    assert cell.number_format == "[$-42A]#,##0.000,,"
    assert cell.value == sample.lines[1].row.plan


@pytest.mark.parametrize("unit, shown, number_format", [
    ("dong", "đồng", "[$-42A]#,##0"), ("ty", "tỷ đồng", "[$-42A]#,##0.000,,,")])
def test_unit_on_request(sample, tmp_path, unit, shown, number_format):
    path = tmp_path / f"{unit}.xlsx"
    write_quarterly_workbook(sample, path, unit=unit)
    sheet = load_workbook(path)["Báo cáo quý"]
    cell = sheet.cell(FIRST_DATA + 1, column_of(sample, "plan"))
    assert (cell.number_format, cell.value) == (number_format, sample.lines[1].row.plan)
    assert f"Đơn vị tính: {shown}" in [cell.value for row in sheet.iter_rows(max_row=7)
                                       for cell in row]


def test_an_unknown_unit_is_refused(sample):
    with pytest.raises(ValueError, match="trieu"):
        write_quarterly_workbook(sample, io.BytesIO(), unit="nghin")


def test_writes_to_a_binary_stream(sample):
    buffer = io.BytesIO()
    write_quarterly_workbook(sample, buffer)
    assert load_workbook(io.BytesIO(buffer.getvalue()))["Báo cáo quý"]["A1"].value


# --- HTML --------------------------------------------------------------------------

def test_html_shows_the_same_figures(sample):
    page = to_html(sample, "dong")
    assert "Đơn vị tính: đồng" in page
    assert "QUÝ III NĂM 2025" in page and "UBND TỈNH LAI CHÂU" in page
    for line in sample.lines:
        assert format_amount(line.row.plan) in page
        assert format_ratio(line.row.ratio) in page
    assert page.count('class="subproject behind"') + page.count('class="subproject"') == \
        sum(1 for line in sample.lines if line.row.level == "subproject")
    assert "@page { size: A4 landscape" in page and "<svg" in page
    assert "NGƯỜI LẬP BIỂU" in page


def test_html_in_trieu_by_default(sample):
    page = to_html(sample)
    assert "Đơn vị tính: triệu đồng" in page
    assert format_amount(sample.total.row.plan, "trieu") in page
    assert format_amount(sample.total.row.plan) not in page


# --- CLI ---------------------------------------------------------------------------

def test_cli_writes_xlsx_and_html(tmp_path):
    runner = CliRunner()
    xlsx, html = tmp_path / "q.xlsx", tmp_path / "q.html"
    done = runner.invoke(main, ["report", "quarterly", str(SAMPLE), "--quarter", "2025Q3",
                                "-o", str(xlsx)])
    assert done.exit_code == 0, done.output
    assert "41,5 %" in done.output
    sheet = load_workbook(xlsx)["Báo cáo quý"]
    assert sheet["A1"].value == "UBND TỈNH LAI CHÂU"
    texts = [cell.value for row in sheet.iter_rows(max_row=7) for cell in row]
    assert "Đơn vị tính: triệu đồng" in texts  # without --unit
    done = runner.invoke(main, ["report", "quarterly", str(SAMPLE), "--quarter", "Q3/2025",
                                "--unit", "dong", "--target", "80%", "-o", str(html)])
    assert done.exit_code == 0, done.output
    page = html.read_text(encoding="utf-8")
    assert "mục tiêu 80%" in page and "Đơn vị tính: đồng" in page


@pytest.mark.parametrize("options, message", [
    (["--quarter", "2025Q5"], "2025Q3"),
    (["--quarter", "2025Q3", "--target", "abc"], "0.95"),
    (["--quarter", "2025Q3", "--target", "150"], "between"),
    (["--quarter", "2025Q3", "-o", "q.pdf"], "FILE.xlsx"),
    (["--quarter", "2025Q3", "--unit", "nghin"], "trieu"),
])
def test_cli_refuses_bad_options(options, message, tmp_path):
    done = CliRunner().invoke(main, ["report", "quarterly", str(SAMPLE), *options])
    assert done.exit_code != 0 and message in done.output


# --- recomputed by LibreOffice -----------------------------------------------------

def recomputed_lines(report, tmp_path):
    path = tmp_path / "form.xlsx"
    write_quarterly_workbook(report, path)
    sheet = load_workbook(recalculate(path, tmp_path / "lo"), data_only=True)["Báo cáo quý"]
    return sheet, [FIRST_DATA + i for i in range(len(report.lines))]


@pytest.mark.parametrize("books", ["sample", "big"])
def test_libreoffice_recomputes_the_ledger_figures(books, sample, tmp_path):
    report = sample if books == "sample" else big_books_report()
    sheet, rows = recomputed_lines(report, tmp_path)
    for row, line in zip(rows, report.lines, strict=True):
        assert sheet.cell(row, column_of(report, "remaining")).value == line.row.remaining
        ratio = sheet.cell(row, column_of(report, "ratio")).value
        if line.row.ratio is None:
            assert ratio in (None, "")
        else:
            assert Decimal(str(ratio)) == pytest.approx(line.row.ratio, rel=Decimal("1e-12"))
    total = report.total
    for key, expected in [("plan", total.row.plan), ("cumulative", total.row.disbursed),
                          ("in_quarter", total.figures.disbursed_in_quarter),
                          ("extended", total.figures.extended_plan),
                          ("capital:SN", total.plan_by_capital["SN"])]:
        assert sheet.cell(rows[0], column_of(report, key)).value == expected, key
    if books == "big":
        assert total.row.plan > 10**13
        assert re.fullmatch(r"[\d.]+", format_amount(total.row.plan))


def test_several_provinces_are_lettered_and_the_total_adds_them(tmp_path):
    other = TDA1_SN.replace("LaiChau", "DienBien")
    entries, errors, _ = load(opens(TDA1_SN, other), allocate("2025-01-10", TDA1_SN, 1_000),
                              allocate("2025-01-10", other, 3_000),
                              pay("2025-08-01", other, 1_500))
    assert errors == []
    report = quarterly_report(movements(entries)[0], load_catalogue(), Q3)
    assert [(line.number, line.row.level) for line in report.lines][:2] == \
        [("", "total"), ("A", "province")]
    assert [line.number for line in report.lines if line.row.level == "province"] == ["A", "B"]
    assert report.committee == "UBND TỈNH ……………"
    sheet, rows = recomputed_lines(report, tmp_path)
    plan = column_of(report, "plan")
    provinces = [row for row, line in zip(rows, report.lines, strict=True)
                 if line.row.level == "province"]
    assert sheet.cell(rows[0], plan).value == sum(sheet.cell(r, plan).value for r in provinces)
    assert sheet.cell(rows[0], plan).value == 4_000
    assert sheet.cell(rows[0], column_of(report, "cumulative")).value == 1_500


@pytest.mark.parametrize("province, title, payee", [
    ("LaiChau", "UBND TỈNH LAI CHÂU", "UBND tỉnh Lai Châu"),
    ("HoChiMinh", "UBND THÀNH PHỐ HỒ CHÍ MINH", "UBND thành phố Hồ Chí Minh"),
    ("HaNoi", "UBND THÀNH PHỐ HÀ NỘI", "UBND thành phố Hà Nội"),
    ("Hue", "UBND THÀNH PHỐ HUẾ", "UBND thành phố Huế"),
    ("TuyenQuang", "UBND TỈNH TUYÊN QUANG", "UBND tỉnh Tuyên Quang"),
])
def test_committee_of_a_province_or_city(province, title, payee):
    """The heading of forms and the payee of decisions, as the province is."""
    assert committee_title(load_catalogue(), province) == title
    assert committee_name(load_catalogue(), province) == payee
