"""The disbursement report written out: terminal table, CSV, JSON and a plain xlsx sheet.

Every function here formats rows of :class:`DisbursementReport`; none computes a figure.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from mtqgledger.figures.disbursement import ROW_KEYS, DisbursementReport, ReportRow
from mtqgledger.figures.pace import units_behind
from mtqgledger.model.titles import REPORT_TITLE, budget_year_heading
from mtqgledger.outputs.formatting import UNITS, format_amount, format_date, format_ratio

JSON_KEYS = ROW_KEYS
RATIO_PLACES = Decimal("0.000001")
_INDENT = {"total": 0, "province": 0, "program": 0, "project": 1, "subproject": 2, "content": 3,
           "line": 4}
UNITS_BEHIND_TITLE = "Đơn vị chậm giải ngân (units behind), chậm nhất trước"


def heading(report: DisbursementReport) -> str:
    parts = [REPORT_TITLE]
    if report.budget_year is not None:
        parts.append(budget_year_heading(report.budget_year))
    if report.as_of is not None:
        parts.append(f"Số liệu đến ngày {format_date(report.as_of)}")
    return "\n".join(parts)


def _rounded_ratio(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(RATIO_PLACES, ROUND_HALF_UP)


def row_record(row: ReportRow) -> dict[str, object]:
    """A row as plain values: amounts in whole đồng, ratios as fractions to 6 places."""
    record = row.as_dict()
    record["ratio"] = _rounded_ratio(row.ratio)
    record["ratio_paid"] = _rounded_ratio(row.ratio_paid)
    return record


def to_json(report: DisbursementReport) -> str:
    def encode(value: object) -> object:
        if isinstance(value, Decimal):
            return float(value)  # already rounded to 6 places: display precision
        raise TypeError(f"cannot encode {value!r}")

    records = [row_record(row) for row in report.rows]
    return json.dumps(records, ensure_ascii=False, indent=1, default=encode) + "\n"


def to_csv(report: DisbursementReport) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=JSON_KEYS, lineterminator="\n")
    writer.writeheader()
    for row in report.rows:
        writer.writerow({key: "" if value is None else value
                         for key, value in row_record(row).items()})
    return buffer.getvalue()


def _code(row: ReportRow) -> str:
    if row.is_split:
        return f"  KH{row.plan_year}"
    if row.level == "line":
        code = f"{row.source}/{row.capital}/Y{row.plan_year}"
        return code + (f">K{row.extended_into}" if row.extended_into else "")
    if row.level == "total":
        return "TỔNG"
    if row.level == "unit":
        return row.unit_code or "–"
    return {"province": row.province, "program": row.program, "project": row.project,
            "subproject": row.subproject, "content": row.content}[row.level] or ""


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


TITLE_WIDTH = 44


def to_table(report: DisbursementReport, unit: str = "dong") -> str:
    """A text table of the hierarchy, with the investment / recurrent ratios beside.

    Only the title is shortened to fit; every other column is as wide as its
    widest cell, so no figure is ever cut.
    """
    by_capital: dict[tuple, dict[str, ReportRow]] = {}
    for row in report.rows:
        if row.level != "line" and row.capital is not None:
            by_capital.setdefault(row.node, {})[row.capital] = row
    capitals = report.capitals
    headers = ["Mã", "Nội dung", "Kế hoạch", "Thanh toán", "Tạm ứng", "Giải ngân", "Còn lại",
               "Tỷ lệ GN", *(capital.short or code for code, capital in capitals.items()),
               "Chỉ TT"]
    if report.has_extended:
        headers.insert(3, "Tr.đó KH kéo dài")
    body = []
    # a report of several provinces sets each province's programmes under its row
    below = 1 if any(row.level == "province" for row in report.rows) else 0
    for row in report.rows:
        if not report.shown_in_forms(row):
            continue
        splits = {} if row.is_split else by_capital.get(row.node, {})
        amounts = [row.plan, row.payments, row.advances, row.disbursed, row.remaining]
        if report.has_extended:
            amounts.insert(1, report.extended_plan(row))
        # a plan-year row's title carries the decision: never cut
        title = row.title if row.is_split else _fit(row.title, TITLE_WIDTH)
        indent = len(row.item_path) if row.level == "unit" else _INDENT[row.level]
        indent += below if row.level not in ("total", "province") else 0
        body.append(["  " * indent + _code(row), title,
                     *(format_amount(value, unit) for value in amounts),
                     format_ratio(row.ratio),
                     *(format_ratio(splits[code].ratio) if code in splits else ""
                       for code in capitals),
                     format_ratio(row.ratio_paid)])
    widths = [max(len(cells[i]) for cells in [headers, *body]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        return "  ".join(cell.ljust(width) if column < 2 else cell.rjust(width)
                         for column, (cell, width) in enumerate(zip(cells, widths,
                                                                    strict=True))).rstrip()

    out = [heading(report), f"Đơn vị: {UNITS[unit][1]}", "", line(headers)]
    out.append("-" * len(out[-1]))
    out += [line(cells) for cells in body]
    out += ["", "Giải ngân = đã thanh toán + tạm ứng chưa thu hồi; "
                "Tỷ lệ GN = giải ngân / kế hoạch; Chỉ TT = đã thanh toán / kế hoạch."]
    if report.has_extended:
        out.append("Tr.đó KH kéo dài = kế hoạch vốn các năm trước kéo dài, chuyển nguồn sang "
                   f"năm {report.budget_year}.")
    out += _units_behind(report, unit)
    return "\n".join(out) + "\n"


def _units_behind(report: DisbursementReport, unit: str) -> list[str]:
    """The units whose ratio lags the year, worst first (a report by unit only)."""
    slow = units_behind(report)
    if not any(row.level == "unit" for row in report.rows):
        return []
    headers = ["Đơn vị", "Mã ĐVQHNS", "Mục", "Kế hoạch", "Giải ngân", "Tỷ lệ GN",
               "Dự kiến", "Điểm chậm"]
    body = [[_fit(item.row.title, TITLE_WIDTH), item.row.unit_code or "–",
             "/".join(item.row.item_path), format_amount(item.row.plan, unit),
             format_amount(item.row.disbursed, unit), format_ratio(item.row.ratio),
             format_ratio(item.pace.projected_ratio), format_ratio(item.behind_by)]
            for item in slow]
    widths = [max(len(cells[i]) for cells in [headers, *body]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        return "  ".join(cell.ljust(width) if column < 3 else cell.rjust(width)
                         for column, (cell, width) in enumerate(zip(cells, widths,
                                                                    strict=True))).rstrip()

    out = ["", UNITS_BEHIND_TITLE]
    if not body:
        return [*out, "Không có đơn vị nào chậm so với thời gian đã qua của năm."]
    out += [line(headers), "-" * len(line(headers)), *(line(cells) for cells in body),
            "Điểm chậm = phần năm đã qua − tỷ lệ giải ngân; Dự kiến = tỷ lệ đến hạn giải ngân "
            "nếu giữ nhịp như từ đầu năm."]
    return out


def write_xlsx(report: DisbursementReport, target: Path) -> None:
    """One plain sheet of every row, amounts in đồng; the quarterly workbook is separate."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from mtqgledger.outputs.xlsx import NUMBER_FORMATS, header_row, set_widths

    book = Workbook()
    sheet = book.active
    sheet.title = "Giải ngân"
    for number, text in enumerate(heading(report).splitlines(), start=1):
        sheet.cell(number, 1, text).font = Font(bold=number == 1)
    first = sheet.max_row + 2
    header_row(sheet, first, XLSX_HEADERS)
    for offset, row in enumerate(report.rows, start=1):
        values = [row.level, row.province, row.program, row.project, row.subproject,
                  row.content, row.source, row.capital, row.plan_year, row.unit, row.unit_code,
                  row.title, row.plan, row.payments,
                  row.advances, row.disbursed, row.remaining,
                  _rounded_ratio(row.ratio), _rounded_ratio(row.ratio_paid)]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(first + offset, column, value)
            if AMOUNT_COLUMNS[0] <= column <= AMOUNT_COLUMNS[1]:
                cell.number_format = NUMBER_FORMATS["amount"]
            elif column > AMOUNT_COLUMNS[1]:
                cell.number_format = NUMBER_FORMATS["ratio"]
    set_widths(sheet, XLSX_WIDTHS)
    sheet.freeze_panes = sheet.cell(first + 1, AMOUNT_COLUMNS[0])
    sheet.auto_filter.ref = f"A{first}:{get_column_letter(len(XLSX_WIDTHS))}{sheet.max_row}"
    book.save(target)


XLSX_HEADERS = ("Cấp", "Tỉnh", "Chương trình", "Dự án", "Tiểu dự án", "Nội dung (mã)", "Nguồn",
                "Loại vốn", "Năm KH", "Đơn vị", "Mã ĐVQHNS", "Nội dung", "Kế hoạch",
                "Đã thanh toán", "Tạm ứng chưa thu hồi", "Giải ngân", "Còn lại", "Tỷ lệ GN",
                "Tỷ lệ thanh toán")
XLSX_WIDTHS = (10, 10, 10, 8, 10, 10, 8, 8, 8, 30, 12, 60, *[20] * 5, 10, 10)
AMOUNT_COLUMNS = (13, 17)  # Kế hoạch … Còn lại
