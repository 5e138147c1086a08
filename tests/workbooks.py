"""Small allocation-decision workbooks for importer tests, written with openpyxl."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

TITLE = ["UBND TỈNH LAI CHÂU", "", "PHỤ LỤC",
         "KẾ HOẠCH VỐN NĂM 2025 CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG",
         "(Kèm theo Quyết định số 77/QĐ-UBND ngày 05 tháng 3 năm 2025 của UBND tỉnh)"]
HEADER_TOP = ["STT", "Nội dung", "Tổng số", "Ngân sách trung ương", None, "Ngân sách địa phương",
              None, "Ghi chú"]
HEADER_SUB = [None, None, None, "Vốn ĐTPT", "Vốn sự nghiệp", "Vốn ĐTPT", "Vốn sự nghiệp", None]
GNBV = "Chương trình MTQG giảm nghèo bền vững"
DA4 = "Dự án 4: Phát triển giáo dục nghề nghiệp, việc làm bền vững"
TDA1 = "Tiểu dự án 1: Phát triển giáo dục nghề nghiệp vùng nghèo, vùng khó khăn"
TDA2 = "Tiểu dự án 2: Hỗ trợ người lao động đi làm việc ở nước ngoài theo hợp đồng"


def standard_rows() -> list[list[object]]:
    """TỔNG SỐ, I GNBV, 1 DA4, a TDA1, b TDA2: NSTW ĐTPT/SN, NSĐP ĐTPT/SN in triệu đồng."""
    return [
        [None, "TỔNG SỐ", 150.5, 100, 40.5, 0, 10],
        ["I", GNBV, 150.5, 100, 40.5, 0, 10],
        ["1", DA4, 150.5, 100, 40.5, 0, 10],
        ["a", TDA1, 110, 100, 0, 0, 10],
        ["b", TDA2, 40.5, None, 40.5, None, None],
    ]


def decision_workbook(path: Path, rows: list[list[object]] | None = None, *,
                      title: list[str] | None = None, unit: str = "Đơn vị: triệu đồng",
                      header_top: list[object] | None = None,
                      header_sub: list[object] | None = None,
                      extra_sheets: dict[str, list[list[object]]] | None = None) -> Path:
    """A one-appendix decision: title lines, unit line, two-row merged header, rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = "PL01"
    for text in title if title is not None else TITLE:
        sheet.append([text])
    sheet.append([None, None, None, None, None, None, unit])
    top = header_top if header_top is not None else HEADER_TOP
    sub = header_sub if header_sub is not None else HEADER_SUB
    sheet.append(top)
    sheet.append(sub)
    header = sheet.max_row - 1
    if header_top is None:
        sheet.merge_cells(start_row=header, start_column=4, end_row=header, end_column=5)
        sheet.merge_cells(start_row=header, start_column=6, end_row=header, end_column=7)
        for column in (1, 2, 3, 8):
            sheet.merge_cells(start_row=header, start_column=column, end_row=header + 1,
                              end_column=column)
    for row in rows if rows is not None else standard_rows():
        sheet.append(row)
    sheet.append([])
    sheet.append(["Ghi chú: số liệu minh họa."])
    for name, content in (extra_sheets or {}).items():
        extra = book.create_sheet(name)
        for row in content:
            extra.append(row)
    book.save(path)
    return path
