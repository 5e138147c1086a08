"""Documents of a district handing its MTQG money to a commune on 1/7/2025 (bàn giao), written
with openpyxl: the allocation decision, treasury statements and handover tables."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from workbooks import DA4, GNBV, TDA1, TDA2, decision_workbook

TY = 1_000_000_000  # một tỷ đồng
TRIEU = 1_000_000
MT = "UBND huyện Mường Tè"
MT_ABBREVIATED = "UBND H. Mường Tè"
MT_CODE = "1049912"
NOI_VU = "Sở Nội vụ"
XA_MT = "UBND xã Mường Tè"
XA_MT_CODE = "1150001"
XA_BUM_NUA = "UBND xã Bum Nưa"
XA_BUM_NUA_CODE = "1150002"
TDA1_SN = "LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2025"
TDA2_SN = "LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025"

# --- the decision ------------------------------------------------------------------------------

DECISION_TITLE = ["UBND TỈNH LAI CHÂU", "", "PHỤ LỤC",
                  "KẾ HOẠCH VỐN NĂM 2025 CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG",
                  "(Kèm theo Quyết định số 15/QĐ-UBND ngày 10 tháng 01 năm 2025 của UBND tỉnh)"]


def decision(path: Path) -> Path:
    """QĐ 15/QĐ-UBND of 10/01/2025, in triệu đồng: TDA1 NSTW SN 1.000 to UBND huyện Mường Tè;
    TDA2 NSTW SN 5.000 divided between UBND huyện Mường Tè (2.500) and Sở Nội vụ (2.500)."""
    return decision_workbook(path, [
        [None, "TỔNG SỐ", 6000, None, 6000, None, None],
        ["I", GNBV, 6000, None, 6000, None, None],
        ["1", DA4, 6000, None, 6000, None, None],
        ["a", TDA1, 1000, None, 1000, None, None],
        ["-", MT, 1000, None, 1000, None, None],
        ["b", TDA2, 5000, None, 5000, None, None],
        ["-", MT, 2500, None, 2500, None, None],
        ["-", NOI_VU, 2500, None, 2500, None, None],
    ], title=DECISION_TITLE)


# --- treasury statements -----------------------------------------------------------------------

STATEMENT_HEADER = ["STT", "Ngày chứng từ", "Số chứng từ", "Mã ĐVQHNS", "Đơn vị / Chủ đầu tư",
                    "Nội dung", "Chương trình", "Dự án", "Tiểu dự án", "Nguồn vốn", "Loại vốn",
                    "Năm KH", "Nghiệp vụ", "Số tiền"]
Voucher = tuple[str, str, str, str, str, int]  # day, number, code, unit, kind, đồng


def statement(path: Path, *vouchers: Voucher, subproject: str = TDA2) -> Path:
    """A KBNN Lai Châu statement of NSTW SN movements on GNBV DA4 (TDA2), in đồng."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Bảng kê"
    sheet.append(["KHO BẠC NHÀ NƯỚC LAI CHÂU"])
    sheet.append(["BẢNG KÊ CHỨNG TỪ TẠM ỨNG, THANH TOÁN VỐN CÁC CHƯƠNG TRÌNH MỤC TIÊU QUỐC GIA"])
    sheet.append(["Năm kế hoạch 2025"])
    sheet.append([None] * 12 + ["Đơn vị: đồng"])
    sheet.append(STATEMENT_HEADER)
    for number, (day, voucher, code, unit, kind, amount) in enumerate(vouchers, start=1):
        sheet.append([number, datetime.datetime.strptime(day, "%d/%m/%Y"), voucher, code, unit,
                      f"{kind} (kiểm thử)", GNBV, DA4, subproject, "NSTW", "SN", 2025, kind,
                      amount])
    book.save(path)
    return path


def may_statement(path: Path) -> Path:
    """May 2025: the district advances 1 tỷ and pays 0,5 tỷ, written as the treasury writes it."""
    return statement(path,
                     ("12/05/2025", "KBLC-25-05001", MT_CODE, MT_ABBREVIATED, "Tạm ứng", TY),
                     ("20/05/2025", "KBLC-25-05002", MT_CODE, MT_ABBREVIATED, "Thanh toán",
                      500 * TRIEU))


def august_statement(path: Path, paid: int = 900 * TRIEU) -> Path:
    """August 2025: the commune settles the district's 1 tỷ advance and pays ``paid``."""
    return statement(path,
                     ("15/08/2025", "KBLC-25-08001", XA_MT_CODE, XA_MT, "Thu hồi tạm ứng", TY),
                     ("15/08/2025", "KBLC-25-08001", XA_MT_CODE, XA_MT, "Thanh toán", paid))


# --- handover tables ---------------------------------------------------------------------------

HANDOVER_TITLE = ["UBND TỈNH LAI CHÂU", "BẢNG BÀN GIAO VỐN CHƯƠNG TRÌNH MTQG",
                  "(Kèm theo Biên bản bàn giao số 05/BB-BG ngày 30/6/2025)"]
HANDOVER_HEADER = ["STT", "Đơn vị giao", "Đơn vị nhận", "Chương trình", "Dự án", "Tiểu dự án",
                   "Nguồn vốn", "Loại vốn", "Năm KH", "Kế hoạch vốn còn lại",
                   "Tạm ứng chưa thu hồi"]
Cells = Sequence[object]
Merge = tuple[int, int, int, int]  # first row, first column, last row, last column


def handover_row(number: object, giver: str, receiver: str, plan: object, advance: object,
                 subproject: str = TDA2) -> list[object]:
    """A row of the standard layout: a sub-project of GNBV DA4, NSTW SN of 2025."""
    return [number, giver, receiver, GNBV, DA4, subproject, "NSTW", "SN", 2025, plan, advance]


def sheet_workbook(path: Path, rows: Sequence[Cells], merges: Sequence[Merge] = (),
                   title: str = "Bàn giao") -> Path:
    """A one-sheet workbook of these rows (None for an empty cell), with merged cells."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for cells in rows:
        sheet.append(list(cells))
    for first_row, first_column, last_row, last_column in merges:
        sheet.merge_cells(start_row=first_row, start_column=first_column, end_row=last_row,
                          end_column=last_column)
    book.save(path)
    return path


def handover(path: Path, rows: Sequence[Cells], *, title: Sequence[str] = HANDOVER_TITLE,
             unit: str = "Đơn vị: đồng", header: Cells = HANDOVER_HEADER,
             tail: Sequence[Cells] = ()) -> Path:
    """A handover table in the importer's standard layout: title, unit line, one header row."""
    head = [[line] for line in title] + [[None] * (len(header) - 1) + [unit], header]
    return sheet_workbook(path, [*head, *rows, *tail])


def main_handover(path: Path, plan: object = TY, advance: object = TY) -> Path:
    """BB 05/BB-BG of 30/6/2025: UBND huyện Mường Tè hands TDA2 NSTW SN to UBND xã Mường Tè."""
    return handover(path, [handover_row(1, MT, XA_MT, plan, advance)])
