"""Columns of the quarterly disbursement form, shared by its xlsx and html outputs.

Each column names its header path (one to three levels; neighbours with the
same prefix share a merged cell) and reads its value from a :class:`FormLine`.
Only the outputs format; no figure is computed here. Both outputs print amounts in
one of the units of :data:`mtqgledger.outputs.formatting.UNITS`, triệu đồng unless
asked otherwise, as provinces report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mtqgledger.figures.quarterly import FormLine, QuarterlyReport
from mtqgledger.model.titles import REPORT_TITLE, ROMAN_QUARTERS, deadline_legend
from mtqgledger.outputs.formatting import UNITS, format_amount, format_date, format_ratio

SIGNATURES = (("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)"),
              ("KẾ TOÁN TRƯỞNG", "(Ký, ghi rõ họ tên)"),
              ("THỦ TRƯỞNG ĐƠN VỊ", "(Ký tên, đóng dấu)"))


HEADER_DEPTH = 3
DEFAULT_UNIT = "trieu"  # provinces send the form up in triệu đồng


def check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")


def unit_line(unit: str) -> str:
    """The heading line stating the unit every amount of the form is printed in."""
    return f"Đơn vị tính: {UNITS[unit][1]}"


@dataclass(frozen=True)
class Column:
    key: str  # plan, source:NSTW, capital:SN, extended, in_quarter, cumulative, ratio, ...
    header: tuple[str, ...]
    kind: str  # text | amount | ratio
    value: Callable[[FormLine], object]
    width: float = 16  # the least, for the header to wrap within its rows; figures widen it


def title(report: QuarterlyReport) -> str:
    return f"{REPORT_TITLE} {report.quarter.title}"


def subtitle(report: QuarterlyReport) -> str:
    year = report.quarter.year
    return (f"(Số liệu đến hết ngày {format_date(report.as_of)}; kế hoạch vốn năm {year} "
            f"gồm vốn các năm trước kéo dài, chuyển nguồn sang năm {year})")


def target_percent(report: QuarterlyReport) -> str:
    percent = (report.target * 100).normalize()
    return f"{percent:f}".replace(".", ",") + "%"


def cell_text(column: Column, line: FormLine, unit: str) -> str:
    """A cell as the form prints it: amounts in ``unit``, ratios in %, '' for no figure."""
    value = column.value(line)
    if value is None:
        return ""
    if column.kind == "amount":
        return format_amount(value, unit)
    if column.kind == "ratio":
        return format_ratio(value)
    return str(value)


def _title(line: FormLine) -> str:
    if line.row.level != "total":
        return line.row.title
    return f"Trong đó: {line.row.title}" if line.row.is_split else "TỔNG SỐ"


def columns(report: QuarterlyReport) -> list[Column]:
    """The form's columns, left to right."""
    year = report.quarter.year
    plan = f"Kế hoạch vốn năm {year}"
    paid = "Giải ngân (thanh toán và tạm ứng chưa thu hồi)"
    pace = f"Tiến độ (mục tiêu {target_percent(report)} kế hoạch)"
    result = [
        Column("number", ("STT",), "text", lambda line: line.number, 6),
        Column("title", ("Nội dung",), "text", _title, 46),
        Column("plan", (plan, "Tổng số"), "amount", lambda line: line.row.plan, 19),
    ]
    sources, capitals = report.catalogue.sources, report.catalogue.capitals
    for code in report.sources:
        label = sources[code].label if code in sources else code
        result.append(Column(f"source:{code}", (plan, "Chia theo nguồn vốn", label),
                             "amount", lambda line, code=code: line.plan_by_source[code]))
    for code in report.capitals:
        result.append(Column(f"capital:{code}", (plan, "Chia theo loại vốn",
                                                 capitals[code].heading),
                             "amount", lambda line, code=code: line.plan_by_capital[code]))
    result += [
        Column("extended", (plan, "Trong đó: vốn các năm trước kéo dài, chuyển nguồn"),
               "amount", lambda line: line.figures.extended_plan),
        Column("in_quarter", (paid, f"Trong quý {ROMAN_QUARTERS[report.quarter.number]} "
                                    f"năm {year}"),
               "amount", lambda line: line.figures.disbursed_in_quarter),
        Column("cumulative", (paid, f"Lũy kế đến {format_date(report.as_of)}"), "amount",
               lambda line: line.row.disbursed, 19),
        Column("ratio", ("Tỷ lệ giải ngân lũy kế so với kế hoạch (%)",), "ratio",
               lambda line: line.row.ratio, 11),
        Column("remaining", ("Kế hoạch còn lại chưa giải ngân",), "amount",
               lambda line: line.row.remaining),
        Column("ratio_last_year", (f"Tỷ lệ cùng kỳ năm {year - 1} (%)",), "ratio",
               lambda line: line.figures.ratio_a_year_earlier, 11),
        Column("projected", (pace, "Dự kiến tỷ lệ đến hạn giải ngân theo tốc độ hiện nay"),
               "ratio", lambda line: line.pace.projected_ratio, 13),
        Column("monthly_needed", (pace, f"Cần giải ngân bình quân mỗi tháng để đạt "
                                        f"{target_percent(report)}"),
               "amount", lambda line: line.pace.monthly_needed),
    ]
    return result


@dataclass(frozen=True)
class HeaderCell:
    """A header text and the block of header rows and columns it spans (0-based)."""

    text: str
    row: int
    column: int
    rows: int
    columns: int


def header_cells(cols: list[Column]) -> list[HeaderCell]:
    """Merged header cells: neighbours sharing a header prefix share one cell; a path
    shorter than the depth spans down to the last header row."""
    cells = []
    for index, column in enumerate(cols):
        for level, text in enumerate(column.header):
            prefix = column.header[:level + 1]
            if index > 0 and cols[index - 1].header[:level + 1] == prefix:
                continue  # inside a group a column to the left already opened
            leaf = level == len(column.header) - 1
            end = index
            while not leaf and end + 1 < len(cols) and cols[end + 1].header[:level + 1] == prefix:
                end += 1
            rows = HEADER_DEPTH - level if leaf else 1
            cells.append(HeaderCell(text, level, index, rows, end - index + 1))
    return cells


def numbering(cols: list[Column]) -> list[str]:
    """The '(1) (2) …' row under the headers, with how derived columns are formed."""
    place = {column.key: index + 1 for index, column in enumerate(cols)}
    formed = {"ratio": f"=({place['cumulative']})/({place['plan']})",
              "remaining": f"=({place['plan']})-({place['cumulative']})"}
    return [f"({place[column.key]}){formed.get(column.key, '')}" for column in cols]


def legend(report: QuarterlyReport) -> list[str]:
    return [
        "Giải ngân = thanh toán khối lượng hoàn thành + tạm ứng chưa thu hồi (theo số liệu "
        "Kho bạc Nhà nước).",
        f"Dòng tô màu: theo tốc độ hiện nay sẽ không đạt {target_percent(report)} kế hoạch "
        f"đến hạn giải ngân ({deadline_legend(report.catalogue.capitals.values())}).",
    ]
