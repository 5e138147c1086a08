"""The quarterly disbursement report as one printable HTML page (A4 landscape).

Same form, same columns and the same figures as the workbook: both format a
:class:`~mtqgledger.quarterly.QuarterlyReport`.
"""

from __future__ import annotations

from html import escape

from mtqgledger.figures.quarterly import FormLine, QuarterlyReport
from mtqgledger.model.titles import report_number
from mtqgledger.outputs import quarterly_layout as layout
from mtqgledger.outputs import svg

STYLE = """
@page { size: A4 landscape; margin: 10mm; }
body { font-family: "Times New Roman", "Liberation Serif", serif; font-size: 11pt; margin: 1em; }
.heading { display: flex; justify-content: space-between; text-align: center; }
.heading p { margin: 0.1em 0; }
h1 { font-size: 14pt; text-align: center; margin: 1em 0 0.2em; }
.subtitle { text-align: center; font-style: italic; margin: 0; }
.unit { text-align: right; font-style: italic; margin: 0.3em 0; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; }
th, td { border: 1px solid #808080; padding: 2px 4px; }
th { background: #ddebf7; font-weight: bold; }
thead { display: table-header-group; }
tr.numbering th { background: none; font-weight: normal; font-style: italic; font-size: 8pt; }
td.amount, td.ratio { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.number { text-align: center; }
td.title { min-width: 20em; }
tr.total td, tr.province td, tr.program td { font-weight: bold; }
tr.subproject td, tr.content td { font-style: italic; }
tr.total.split td { font-weight: normal; font-style: italic; }
tr.project td.title { padding-left: 1em; }
tr.subproject td.title { padding-left: 2em; }
tr.content td.title { padding-left: 3em; }
tr.behind td { background: #fce4d6; }
.notes { font-size: 9pt; font-style: italic; }
.signatures { display: flex; justify-content: space-around; text-align: center;
              margin-top: 1.5em; page-break-inside: avoid; }
.signatures p { margin: 0.1em 0; }
figure { margin: 1.5em 0 0; page-break-inside: avoid; }
figcaption { font-weight: bold; text-align: center; }
"""


def to_html(report: QuarterlyReport, unit: str = layout.DEFAULT_UNIT) -> str:
    """The whole page; amounts in ``unit`` (trieu | dong | ty), ratios to one decimal."""
    layout.check_unit(unit)
    cols = layout.columns(report)
    parts = [
        '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n',
        f"<title>{escape(layout.title(report))}</title>\n<style>{STYLE}</style>\n</head>\n",
        "<body>\n", _heading(report, unit), "<table>\n<thead>\n", _header(cols),
        "</thead>\n<tbody>\n",
        *(_line(line, cols, unit) for line in report.lines),
        "</tbody>\n</table>\n", _notes(report), _signatures(), _chart(report),
        "</body>\n</html>\n",
    ]
    return "".join(parts)


def _heading(report: QuarterlyReport, unit: str) -> str:
    return (
        '<div class="heading">\n'
        f"<div><p><b>{escape(report.committee)}</b></p>"
        f"<p>{escape(report_number(report.committee))}</p></div>\n"
        "<div><p><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b></p>"
        "<p><b><u>Độc lập - Tự do - Hạnh phúc</u></b></p>"
        "<p><i>……………, ngày …… tháng …… năm ……</i></p></div>\n</div>\n"
        f"<h1>{escape(layout.title(report))}</h1>\n"
        f'<p class="subtitle">{escape(layout.subtitle(report))}</p>\n'
        f'<p class="unit">{escape(layout.unit_line(unit))}</p>\n'
    )


def _header(cols: list[layout.Column]) -> str:
    rows: list[list[str]] = [[] for _ in range(layout.HEADER_DEPTH)]
    for cell in layout.header_cells(cols):
        span = (f' rowspan="{cell.rows}"' if cell.rows > 1 else "") + \
            (f' colspan="{cell.columns}"' if cell.columns > 1 else "")
        rows[cell.row].append(f"<th{span}>{escape(cell.text)}</th>")
    numbers = "".join(f"<th>{escape(text)}</th>" for text in layout.numbering(cols))
    return "".join(f"<tr>{''.join(row)}</tr>\n" for row in rows) + \
        f'<tr class="numbering">{numbers}</tr>\n'


def _cell(column: layout.Column, line: FormLine, unit: str) -> str:
    text = escape(layout.cell_text(column, line, unit))
    return f'<td class="{column.kind} {column.key}">{text}</td>'


def _line(line: FormLine, cols: list[layout.Column], unit: str) -> str:
    classes = line.row.level + (" split" if line.row.is_split else "") + \
        (" behind" if line.pace.behind else "")
    cells = "".join(_cell(column, line, unit) for column in cols)
    return f'<tr class="{classes}">{cells}</tr>\n'


def _notes(report: QuarterlyReport) -> str:
    items = "".join(f"<p>{escape(text)}</p>" for text in layout.legend(report))
    return f'<div class="notes">{items}</div>\n'


def _signatures() -> str:
    blocks = "".join(f"<div><p><b>{escape(role)}</b></p><p><i>{escape(hint)}</i></p></div>"
                     for role, hint in layout.SIGNATURES)
    return f'<div class="signatures">{blocks}</div>\n'


def _chart(report: QuarterlyReport) -> str:
    """Grouped bars: the ratio of each project by capital type, and overall (SVG)."""
    projects = [line for line in report.lines if line.row.level == "project"]
    if not projects:
        return ""
    capitals = report.catalogue.capitals
    groups = [svg.Group(f"{line.row.program} {line.row.project}",
                        (*(line.ratio_by_capital[code] for code in report.capitals),
                         line.row.ratio)) for line in projects]
    series = [*(capitals[code].heading for code in report.capitals), "Chung"]
    chart, legend = svg.grouped_bars(groups, series)
    return (f"<figure><figcaption>Tỷ lệ giải ngân theo dự án và loại vốn</figcaption>\n"
            f"{chart}\n<p>{legend}</p></figure>\n")
