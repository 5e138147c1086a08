"""The quarterly workbook as it prints: LibreOffice headless turns it into a PDF.

Every figure must be readable on paper (no "###" where a column is too narrow,
the form fitted to the width of an A4 landscape page) and the chart sheet must
print on one page, in đồng and in triệu đồng, for the sample books and for books
above 10^13 đồng. All the workbooks go through one LibreOffice run (it takes
seconds), and a copy with the form's old fixed widths and the chart sheet's old
page setup shows the checks catch the defects users saw.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PrintPageSetup
from system import debian_program
from test_quarterly_report import Q3, SAMPLE, big_books_report

from mtqgledger.books import Books
from mtqgledger.figures.quarterly import QuarterlyReport, quarterly_report
from mtqgledger.model.catalogue_files import load_catalogue
from mtqgledger.outputs.formatting import format_amount
from mtqgledger.outputs.quarterly_layout import cell_text, columns
from mtqgledger.outputs.quarterly_xlsx import amount_format, print_width, write_quarterly_workbook

CASES = [("sample", "dong"), ("sample", "trieu"), ("big", "dong"), ("big", "trieu")]
OLD = "big-dong-as-before"  # the defects: fixed widths, a chart sheet without page setup
FORM, CHART = "Báo cáo quý", "Biểu đồ"
A4_LANDSCAPE = (841.89, 595.28)  # points


@dataclass
class Printed:
    report: QuarterlyReport
    unit: str
    workbook: Path
    pages: list[str]  # the text of each page of the PDF (pdftotext -layout)
    sizes: list[tuple[float, float]]  # each page's width and height in points


def _as_before(workbook: Path, report: QuarterlyReport, target: Path) -> None:
    """The workbook as the form used to be written: the layout's least widths, whatever
    the figures, and the chart sheet with the default (portrait, unscaled) page setup."""
    book = load_workbook(workbook)
    for index, column in enumerate(columns(report), start=1):
        book[FORM].column_dimensions[get_column_letter(index)].width = column.width
    book[CHART].page_setup = PrintPageSetup(book[CHART])
    book[CHART].sheet_properties.pageSetUpPr.fitToPage = False
    book.save(target)


def _pdf_pages(pdf: Path) -> tuple[list[str], list[tuple[float, float]]]:
    pdftotext = debian_program("pdftotext", "poppler-utils")
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    info = subprocess.run([debian_program("pdfinfo", "poppler-utils"), "-f", "1", "-l", "999",
                           str(pdf)], capture_output=True, text=True, check=True).stdout
    sizes = [(float(words[3]), float(words[5])) for words in map(str.split, info.splitlines())
             if words[:1] == ["Page"] and words[2:3] == ["size:"]]
    pages = text.split("\f")[:len(sizes)]  # pdftotext ends every page with a form feed
    assert len(pages) == len(sizes), pdf
    return pages, sizes


@pytest.fixture(scope="module")
def reports() -> dict[str, QuarterlyReport]:
    books = Books.open(SAMPLE, use_cache=False)
    return {"sample": quarterly_report(books.movements, load_catalogue(), Q3),
            "big": big_books_report()}


@pytest.fixture(scope="module")
def printed(reports: dict[str, QuarterlyReport],
            tmp_path_factory: pytest.TempPathFactory) -> dict[str, Printed]:
    folder = tmp_path_factory.mktemp("print")
    workbooks = {}
    for name, unit in CASES:
        workbooks[f"{name}-{unit}"] = path = folder / f"{name}-{unit}.xlsx"
        write_quarterly_workbook(reports[name], path, unit=unit)
    workbooks[OLD] = folder / f"{OLD}.xlsx"
    _as_before(workbooks["big-dong"], reports["big"], workbooks[OLD])
    soffice = debian_program("soffice", "libreoffice-calc-nogui")
    command = [soffice, f"-env:UserInstallation=file://{folder / 'lo-profile'}", "--headless",
               "--convert-to", "pdf", "--outdir", str(folder), *map(str, workbooks.values())]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    found = {}
    for key, path in workbooks.items():
        pdf = path.with_suffix(".pdf")
        assert pdf.exists(), f"LibreOffice did not print {path.name}: {done.stdout} {done.stderr}"
        name, unit = key.split("-")[:2]
        found[key] = Printed(reports[name], unit, path, *_pdf_pages(pdf))
    return found


def _signed(printed: Printed) -> list[int]:
    """The pages that end a form sheet: each carries the signature block."""
    return [i for i, page in enumerate(printed.pages) if "THỦ TRƯỞNG ĐƠN VỊ" in page]


def _form_pages(printed: Printed) -> list[str]:
    """The form's pages: up to the first with the signature block; the same form by
    unit ('Chi tiết theo đơn vị') follows to the second, then the chart sheet's."""
    return printed.pages[:_signed(printed)[0] + 1]


def _unit_pages(printed: Printed) -> list[str]:
    first, last = _signed(printed)[:2]
    return printed.pages[first + 1:last + 1]


def _chart_pages(printed: Printed) -> list[str]:
    return printed.pages[_signed(printed)[-1] + 1:]


@pytest.mark.parametrize("case", [f"{name}-{unit}" for name, unit in CASES])
def test_every_figure_prints(printed: dict[str, Printed], case: str) -> None:
    """No '###', and each figure as the form's text writes it (1.234.567 / 1.234,568)."""
    result = printed[case]
    text = "\n".join(result.pages)
    assert "###" not in text
    unit = {"dong": "đồng", "trieu": "triệu đồng"}[result.unit]
    assert f"Đơn vị tính: {unit}" in text
    form = "\n".join(_form_pages(result))
    for line in result.report.lines:
        for column in columns(result.report):
            if column.kind == "amount" and column.value(line) is not None:
                shown = cell_text(column, line, result.unit)
                assert shown in form, (case, line.row.title, column.key, shown)
            elif column.kind == "ratio" and column.value(line) is not None:
                shown = cell_text(column, line, result.unit).replace(" %", "%")
                assert shown in form, (case, line.row.title, column.key, shown)


@pytest.mark.parametrize("case", [f"{name}-{unit}" for name, unit in CASES])
def test_every_unit_figure_prints(printed: dict[str, Printed], case: str) -> None:
    """The sheet by unit prints each unit's figures too, none as '###'."""
    result = printed[case]
    pages = "\n".join(_unit_pages(result))
    assert "CHI TIẾT THEO ĐƠN VỊ" in pages and "###" not in pages
    units = [line for line in result.report.unit_lines if line.row.level == "unit"]
    assert units
    for line in units:
        for column in columns(result.report):
            if column.kind == "amount" and column.value(line) is not None:
                shown = cell_text(column, line, result.unit)
                assert shown in pages, (case, line.row.title, column.key, shown)


def test_figures_above_ten_to_the_13(printed: dict[str, Printed]) -> None:
    total = printed["big-dong"].report.total.row.plan
    assert total > 10**13
    assert format_amount(total) in printed["big-dong"].pages[0]  # 35.802.467.913.586
    assert format_amount(total, "trieu") in printed["big-trieu"].pages[0]  # 35.802.467,914


@pytest.mark.parametrize("case", [f"{name}-{unit}" for name, unit in CASES])
def test_the_form_prints_on_a4_landscape_fitted_to_the_width(printed: dict[str, Printed],
                                                             case: str) -> None:
    result = printed[case]
    for width, height in result.sizes:
        assert (width, height) == pytest.approx(A4_LANDSCAPE, abs=1)
    last = f"({len(columns(result.report))})"
    for page in _form_pages(result):
        # The numbering row is repeated on every page: all columns on each page, none cut off.
        assert "(1)" in page and last in page, page[:500]
    sheet = load_workbook(result.workbook)[FORM]
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


@pytest.mark.parametrize("case", [f"{name}-{unit}" for name, unit in CASES])
def test_the_chart_sheet_prints_on_one_page(printed: dict[str, Printed], case: str) -> None:
    result = printed[case]
    chart_pages = _chart_pages(result)
    assert len(_signed(result)) == 2  # the form, then the form by unit
    assert len(chart_pages) == 1
    assert "Tỷ lệ chung" in chart_pages[0]  # the data table
    assert "Tỷ lệ giải ngân theo dự án" in chart_pages[0]  # the chart's title
    sheet = load_workbook(result.workbook)[CHART]
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 1)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_the_old_layout_fails_these_checks(printed: dict[str, Printed]) -> None:
    """The widths the form had before and a chart sheet without its page setup: figures
    of 10^13 đồng print as '###' and the chart is cut across pages."""
    old = printed[OLD]
    assert "###" in "\n".join(_form_pages(old))
    assert len(_chart_pages(old)) > 1


@pytest.mark.parametrize("name", ["sample", "big"])
@pytest.mark.parametrize("unit", ["dong", "trieu", "ty"])
def test_columns_are_as_wide_as_their_longest_figure(reports: dict[str, QuarterlyReport],
                                                     name: str, unit: str,
                                                     tmp_path: Path) -> None:
    report = reports[name]
    path = tmp_path / "form.xlsx"
    write_quarterly_workbook(report, path, unit=unit)
    sheet = load_workbook(path)[FORM]
    for index, column in enumerate(columns(report), start=1):
        width = sheet.column_dimensions[get_column_letter(index)].width
        assert width >= column.width, column.key
        if column.kind == "text":
            continue
        longest = max((cell_text(column, line, unit) for line in report.lines), key=len)
        assert width >= print_width(longest) >= len(longest), (column.key, longest, width)
        if column.kind == "amount":
            assert sheet.cell(12, index).number_format == amount_format(unit)


def test_the_old_widths_were_too_narrow(reports: dict[str, QuarterlyReport]) -> None:
    """The breaking case of the check above: the form's fixed widths (16 for most amounts)
    are narrower than the figures of books above 10^13 đồng; LibreOffice printed these
    columns as '###' (test_the_old_layout_fails_these_checks)."""
    report = reports["big"]
    narrow = [column.key for column in columns(report) if column.kind == "amount"
              and column.width < max(print_width(cell_text(column, line, "dong"))
                                     for line in report.lines)]
    assert {"source:NSTW", "capital:DTPT", "capital:SN"} <= set(narrow)


@pytest.mark.parametrize("unit, number_format", [
    ("dong", "[$-42A]#,##0"), ("trieu", "[$-42A]#,##0.000,,"), ("ty", "[$-42A]#,##0.000,,,")])
def test_number_formats_follow_the_units(unit: str, number_format: str) -> None:
    assert amount_format(unit) == number_format
