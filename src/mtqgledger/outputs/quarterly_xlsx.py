"""The quarterly disbursement report as the workbook a province sends up.

Cells hold whole đồng; the unit (triệu đồng unless asked otherwise) only changes
the number format (``#,##0.000,,`` shows millions), so every figure stays exact.
The total row, the ratio and the remaining plan are live formulas over the line
cells, so the reader can recompute them.

Every column is as wide as the longest figure it prints, and the form prints on
A4 landscape fitted to the page's width; the chart sheet prints on one page.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from mtqgledger.figures.quarterly import FormLine, QuarterlyReport
from mtqgledger.model.titles import lower_first, report_number
from mtqgledger.outputs import quarterly_layout as layout
from mtqgledger.outputs.formatting import UNITS, format_amount
from mtqgledger.outputs.xlsx import BEHIND_FILL, BORDER, CENTRE, HEADER_FILL

# Vietnamese (LCID 042A): LibreOffice then shows 1.234.567,5 and 41,5% as the HTML form
# and the terminal do, whatever its own locale; Excel keeps the computer's separators.
VIETNAMESE = "[$-42A]"
RATIO_FORMAT = VIETNAMESE + "0.0%"
HEADER_TOP = 8  # first header row; rows above hold the heading block
FORM_SHEET, UNITS_SHEET = "Báo cáo quý", "Chi tiết theo đơn vị"
UNITS_TITLE = "CHI TIẾT THEO ĐƠN VỊ SỬ DỤNG VỐN"
_INDENT = {"total": 0, "province": 0, "program": 0, "project": 1, "subproject": 2, "content": 3}


def write_quarterly_workbook(report: QuarterlyReport, output: Path | BinaryIO, *,
                             unit: str = layout.DEFAULT_UNIT) -> None:
    """Write the quarterly form (sheet 'Báo cáo quý'), the same form with each item's
    spending units (sheet 'Chi tiết theo đơn vị') and its chart (sheet 'Biểu đồ').

    ``unit`` is a key of :data:`~mtqgledger.outputs.formatting.UNITS` (trieu, dong, ty).
    """
    layout.check_unit(unit)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = FORM_SHEET
    _form(sheet, report, report.lines, unit)
    _form(workbook.create_sheet(UNITS_SHEET), report, report.unit_lines, unit)
    _chart(workbook.create_sheet("Biểu đồ"), report)
    workbook.save(output)


def _form(sheet: Worksheet, report: QuarterlyReport, lines: Sequence[FormLine],
          unit: str) -> None:
    """One sheet of the form: heading, headers, the lines, legend and signatures."""
    cols = layout.columns(report)
    _heading(sheet, report, len(cols), unit)
    first_data = _headers(sheet, cols, column_widths(lines, cols, unit))
    last_data = _lines(sheet, lines, cols, first_data, amount_format(unit))
    _footer(sheet, report, len(cols), last_data + 2)
    _print_setup(sheet, cols, first_data)


def amount_format(unit: str) -> str:
    """The number format that shows a cell of whole đồng in ``unit`` as format_amount does:
    '#,##0' for đồng, '#,##0.000,,' for triệu (each trailing comma divides by 1000)."""
    divisor, _ = UNITS[unit]
    thousands = len(str(divisor)) - 1
    if divisor != 10 ** thousands or thousands % 3:
        raise ValueError(f"{unit}: a number format can only divide by a power of 1000")
    places = len(format_amount(0, unit).partition(",")[2])  # vi_VN's decimal comma
    decimals = "." + "0" * places if places else ""
    return f"{VIETNAMESE}#,##0{decimals}{',' * (thousands // 3)}"


# A printed character's width in Excel's unit (the width of a digit of the default
# font). Measured in LibreOffice where Calibri and its stand-in Carlito are missing,
# so that it prints in DejaVu, wider than Calibri; with a margin: a bold digit takes
# 1.15, a separator 0.65, '%' 1.6, a letter up to 1.4, and a cell 1.5 more for its
# padding. tests/test_quarterly_print.py prints the form to check no figure is '###'.
_NARROW = set(".,-/ ()")


def print_width(text: str) -> float:
    """The column width that prints ``text`` in bold without '###' or wrapping."""
    width = sum(1.15 if char.isdigit() else 0.65 if char in _NARROW
                else 1.6 if char == "%" else 1.4 for char in text)
    return round(width + 1.5, 1)


def column_widths(lines: Sequence[FormLine], cols: list[layout.Column],
                  unit: str) -> list[float]:
    """Each column's width: its layout's least width, widened to the longest figure it
    prints (bold, as the total's) and to the longest word of its header."""
    widths = []
    for column in cols:
        need = [column.width, *(print_width(word) for word in column.header[-1].split())]
        if column.kind != "text":
            need += [print_width(layout.cell_text(column, line, unit)) for line in lines]
        widths.append(max(need))
    return widths


def _merge(sheet: Worksheet, row: int, first: int, last: int, value: str, **style) -> None:
    cell = sheet.cell(row, first, value)
    if last > first:
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    for name, setting in style.items():
        setattr(cell, name, setting)


def _heading(sheet: Worksheet, report: QuarterlyReport, width: int, unit: str) -> None:
    bold = Font(bold=True)
    centre = Alignment(horizontal="center", wrap_text=True)
    left_end, right_start = 3, max(width - 6, 4)
    _merge(sheet, 1, 1, left_end, report.committee, font=bold, alignment=centre)
    _merge(sheet, 2, 1, left_end, report_number(report.committee), alignment=centre)
    _merge(sheet, 1, right_start, width, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=bold,
           alignment=centre)
    _merge(sheet, 2, right_start, width, "Độc lập - Tự do - Hạnh phúc",
           font=Font(bold=True, underline="single"), alignment=centre)
    _merge(sheet, 3, right_start, width, "……………, ngày …… tháng …… năm ……",
           font=Font(italic=True), alignment=centre)
    heading = layout.title(report) + (f" – {UNITS_TITLE}" if sheet.title == UNITS_SHEET
                                       else "")
    _merge(sheet, 5, 1, width, heading, font=Font(bold=True, size=14),
           alignment=centre)
    _merge(sheet, 6, 1, width, layout.subtitle(report), font=Font(italic=True),
           alignment=centre)
    _merge(sheet, 7, width - 3, width, layout.unit_line(unit), font=Font(italic=True),
           alignment=Alignment(horizontal="right"))
    sheet.row_dimensions[5].height = 36


def _headers(sheet: Worksheet, cols: list[layout.Column], widths: list[float]) -> int:
    """The merged header rows and the numbering row; returns the first data row."""
    for index, width in enumerate(widths, start=1):
        for level in range(layout.HEADER_DEPTH):
            cell = sheet.cell(HEADER_TOP + level, index)
            cell.border, cell.alignment, cell.fill = BORDER, CENTRE, HEADER_FILL
            cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = width
    for header in layout.header_cells(cols):
        row, column = HEADER_TOP + header.row, header.column + 1
        sheet.cell(row, column, header.text)
        if header.rows > 1 or header.columns > 1:
            sheet.merge_cells(start_row=row, start_column=column,
                              end_row=row + header.rows - 1,
                              end_column=column + header.columns - 1)
    numbering_row = HEADER_TOP + layout.HEADER_DEPTH
    for index, text in enumerate(layout.numbering(cols), start=1):
        cell = sheet.cell(numbering_row, index, text)
        cell.border, cell.alignment = BORDER, CENTRE
        cell.font = Font(italic=True, size=9)
    for level in range(layout.HEADER_DEPTH):
        sheet.row_dimensions[HEADER_TOP + level].height = 48
    return numbering_row + 1


def _lines(sheet: Worksheet, lines: Sequence[FormLine], cols: list[layout.Column],
           first: int, amount_format: str) -> int:
    """Write the form's lines; returns the last data row."""
    place = {column.key: get_column_letter(i) for i, column in enumerate(cols, start=1)}
    levels = {line.row.level for line in lines}
    top_level = "province" if "province" in levels else "program"
    children = [first + offset for offset, line in enumerate(lines)
                if line.row.level == top_level]
    for offset, line in enumerate(lines):
        row = first + offset
        for index, column in enumerate(cols, start=1):
            cell = sheet.cell(row, index, _value(column, line, row, place, children))
            cell.border = BORDER
            if column.kind == "amount":
                cell.number_format = amount_format
            elif column.kind == "ratio":
                cell.number_format = RATIO_FORMAT
            if line.pace.behind:
                cell.fill = BEHIND_FILL
        level = line.row.level
        # Excel does not grow a row for wrapped text written by a program: size it here.
        title_lines = -(-len(str(sheet.cell(row, 2).value)) // int(cols[1].width * 1.1))
        sheet.row_dimensions[row].height = 15 * max(title_lines, 1) + 2
        indent = len(line.row.item_path) if level == "unit" else _INDENT.get(level, 0)
        sheet.cell(row, 2).alignment = Alignment(wrap_text=True, vertical="center",
                                                 indent=indent)
        sheet.cell(row, 1).alignment = Alignment(horizontal="center", vertical="center")
        split = line.row.is_split
        font = Font(bold=level in ("total", "province", "program") and not split,
                    italic=level in ("subproject", "content") or split)
        for index in range(1, len(cols) + 1):
            sheet.cell(row, index).font = font
    return first + len(lines) - 1


def _value(column: layout.Column, line: FormLine, row: int, place: dict[str, str],
           children: list[int]) -> object:
    letter = place[column.key]
    if column.key == "ratio":
        plan, done = f"{place['plan']}{row}", f"{place['cumulative']}{row}"
        return f'=IF({plan}=0,"",{done}/{plan})'
    if column.key == "remaining":
        return f"={place['plan']}{row}-{place['cumulative']}{row}"
    if line.row.level == "total" and not line.row.is_split and column.kind == "amount" \
            and column.key != "monthly_needed" and children:
        return "=SUM(" + ",".join(f"{letter}{child}" for child in children) + ")"
    return column.value(line)


def _footer(sheet: Worksheet, report: QuarterlyReport, width: int, row: int) -> None:
    for offset, text in enumerate(layout.legend(report)):
        _merge(sheet, row + offset, 1, width, f"Ghi chú: {text}" if offset == 0 else text,
               font=Font(italic=True, size=9))
    signatures = row + len(layout.legend(report)) + 1
    size = width // 3
    for place, (role, hint) in enumerate(layout.SIGNATURES):
        start = 1 + place * size
        end = width if place == len(layout.SIGNATURES) - 1 else start + size - 1
        _merge(sheet, signatures, start, end, role, font=Font(bold=True),
               alignment=Alignment(horizontal="center"))
        _merge(sheet, signatures + 1, start, end, hint, font=Font(italic=True),
               alignment=Alignment(horizontal="center"))


def _print_setup(sheet: Worksheet, cols: list[layout.Column], first_data: int) -> None:
    sheet.freeze_panes = sheet.cell(first_data, 3)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_TOP}:{first_data - 1}"
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.print_options.horizontalCentered = True


# The chart sheet on one A4 landscape page: the table, then the chart under it, no
# wider than the page between its margins (29.7 cm - 2 x 1.27 cm).
CHART_WIDTH_CM, CHART_HEIGHT_CM = 25, 13


def _chart(sheet: Worksheet, report: QuarterlyReport) -> None:
    """Ratio by project and capital type: the data table and a native bar chart under it."""
    capitals = report.catalogue.capitals
    headers = ["Dự án", *(f"Tỷ lệ {lower_first(capitals[code].heading)}"
                          for code in report.capitals), "Tỷ lệ chung"]
    sheet.append(headers)
    projects = [line for line in report.lines if line.row.level == "project"]
    labels = [f"{line.row.program} {line.row.project}" for line in projects]
    for label, line in zip(labels, projects, strict=True):
        sheet.append([label, *(line.ratio_by_capital[code] for code in report.capitals),
                      line.row.ratio])
    for row in sheet.iter_rows(min_row=2, min_col=2):
        for cell in row:
            cell.number_format = RATIO_FORMAT
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = max(print_width(text) for text in [*labels, "Dự án"])
    for index, text in enumerate(headers[1:], start=2):
        sheet.column_dimensions[get_column_letter(index)].width = max(print_width(text), 12)
    chart = BarChart()
    chart.type = "col"
    chart.title = f"Tỷ lệ giải ngân theo dự án và loại vốn – {report.quarter.title}"
    chart.y_axis.title = "Tỷ lệ giải ngân"
    chart.y_axis.numFmt = "0%"
    chart.y_axis.scaling.min = 0
    chart.x_axis.title = "Dự án"
    data = Reference(sheet, min_col=2, max_col=len(report.capitals) + 2, min_row=1,
                     max_row=len(projects) + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(projects) + 1))
    chart.width, chart.height = CHART_WIDTH_CM, CHART_HEIGHT_CM
    sheet.add_chart(chart, f"A{len(projects) + 3}")
    _one_page(sheet)


def _one_page(sheet: Worksheet) -> None:
    """A4 landscape, shrunk if need be to one page: many projects make the table long."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = sheet.page_setup.fitToHeight = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(left=0.5, right=0.5, top=0.5, bottom=0.5, header=0.3,
                                     footer=0.3)
    sheet.print_options.horizontalCentered = True
