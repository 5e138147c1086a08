"""The one writer of formatted workbooks: openpyxl, with the styles every workbook shares.

The disbursement sheet, the quarterly form and the frame of the audit workbook
are written with openpyxl through the styles and number formats here. The
audit's long sheets (hundreds of thousands of rows) stream their data rows as
SpreadsheetML into that frame (:mod:`mtqgledger.outputs.xlsx_rows`), because
openpyxl's own writer would take a minute there.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

NUMBER_FORMATS = {"text": "General", "amount": "#,##0", "ratio": "0.0%", "integer": "0",
                  "date": "dd/mm/yyyy", "datetime": "dd/mm/yyyy hh:mm"}
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BEHIND_FILL = PatternFill("solid", fgColor="FCE4D6")
_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_BORDER = Border(bottom=Side(style="thin"))
BOLD = Font(bold=True)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")


def set_widths(sheet: Worksheet, widths: list[float] | tuple[float, ...]) -> None:
    """Column widths in characters, from column A on."""
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def header_row(sheet: Worksheet, row: int, titles: list[str] | tuple[str, ...], *,
               fill: bool = False) -> None:
    """A bold, wrapped header row (filled and underlined in the audit's sheets)."""
    for column, text in enumerate(titles, start=1):
        cell = sheet.cell(row, column, text)
        cell.font, cell.alignment = BOLD, HEADER_ALIGNMENT
        if fill:
            cell.fill, cell.border = HEADER_FILL, HEADER_BORDER
