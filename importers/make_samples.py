#!/usr/bin/env python3
"""Write the sample source documents in importers/samples/ as a province receives them.

- QD-35-giao-von-2025.xlsx: allocation decision appendix, two-level merged header,
  triệu đồng with decimals, roman-numeral hierarchy, implementing units under a
  sub-project, a "Trong đó" row, footnotes; plus a note sheet that is not an appendix.
- QD-1128-bo-sung-2025.xls: a top-up in the old .xls format, one source and one
  capital type named only in the title, in nghìn đồng.
- QD-1390-dieu-chinh-2025.xlsx: an adjustment moving central recurrent money from
  TDA3 to TDA2, in đồng, with "giảm" / "tăng" columns.
- KBNN-bang-ke-2025.xlsx: a State Treasury statement of advances, payments,
  settlements and a return, in đồng.
- QD-215-giao-von-2026.xlsx and KBNN-KV9-bang-ke-2026.xlsx: the 2026 documents, see
  make_samples_2026.py.

Imported into books made by `mtqg init`, they give the same GNBV Dự án 4 figures
as the sample books in ledgers/ (see tests/test_samples.py). The figures are
illustrative, rebuilt from the press report of 14/11/2025; decision and voucher
numbers are not real ones. Run: python importers/make_samples.py [OUT_DIR]
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import xlsxwriter
import xlwt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_samples_2026 import decision_2026, regional_statement_2026

HERE = Path(__file__).resolve().parent
GNBV = "Chương trình MTQG giảm nghèo bền vững giai đoạn 2021-2025"
DA4 = "Dự án 4: Phát triển giáo dục nghề nghiệp, việc làm bền vững"
TDA1 = "Tiểu dự án 1: Phát triển giáo dục nghề nghiệp vùng nghèo, vùng khó khăn"
TDA2 = "Tiểu dự án 2: Hỗ trợ người lao động đi làm việc ở nước ngoài theo hợp đồng"
TDA3 = "Tiểu dự án 3: Hỗ trợ việc làm bền vững"
DTTS = ("Chương trình MTQG phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số "
        "và miền núi")
DA5 = "Dự án 5: Phát triển giáo dục đào tạo nâng cao chất lượng nguồn nhân lực"
DA5_TDA3 = ("Tiểu dự án 3: Phát triển giáo dục nghề nghiệp và giải quyết việc làm cho người "
            "lao động vùng dân tộc thiểu số và miền núi")


def allocation_decision(target: Path) -> None:
    """QĐ 35: the year's allocation, NSTW and NSĐP, ĐTPT and SN, in triệu đồng."""
    book = xlsxwriter.Workbook(str(target))
    bold = book.add_format({"bold": True, "font_name": "Times New Roman"})
    centre = book.add_format({"bold": True, "align": "center", "valign": "vcenter",
                              "text_wrap": True, "border": 1, "font_name": "Times New Roman"})
    cell = book.add_format({"border": 1, "font_name": "Times New Roman", "text_wrap": True})
    money = book.add_format({"border": 1, "num_format": "#,##0.000",
                             "font_name": "Times New Roman"})
    money_bold = book.add_format({"border": 1, "num_format": "#,##0.000", "bold": True,
                                  "font_name": "Times New Roman"})
    italic = book.add_format({"italic": True, "font_name": "Times New Roman"})
    sheet = book.add_worksheet("PL01")
    sheet.set_column("A:A", 6)
    sheet.set_column("B:B", 60)
    sheet.set_column("C:I", 14)
    sheet.set_column("J:J", 16)
    sheet.write("A1", "UBND TỈNH LAI CHÂU", bold)
    sheet.merge_range("A3:J3", "Phụ lục I", centre)
    sheet.merge_range("A4:J4", "KẾ HOẠCH VỐN NGÂN SÁCH NĂM 2025 THỰC HIỆN CÁC CHƯƠNG TRÌNH "
                               "MỤC TIÊU QUỐC GIA", centre)
    sheet.merge_range("A5:J5", "(Kèm theo Quyết định số 35/QĐ-UBND ngày 08/01/2025 của "
                               "Ủy ban nhân dân tỉnh Lai Châu)", italic)
    sheet.write("I6", "Đơn vị: triệu đồng", italic)
    sheet.merge_range("A7:A8", "STT", centre)
    sheet.merge_range("B7:B8", "Nội dung", centre)
    sheet.merge_range("C7:C8", "Tổng số", centre)
    sheet.merge_range("D7:F7", "Ngân sách trung ương", centre)
    sheet.merge_range("G7:I7", "Ngân sách địa phương (vốn đối ứng)", centre)
    sheet.merge_range("J7:J8", "Ghi chú", centre)
    for column, label in zip("DEFGHI", ["Tổng", "Vốn ĐTPT", "Vốn sự nghiệp"] * 2,
                             strict=True):
        sheet.write(f"{column}8", label, centre)
    for index, label in enumerate(["1", "2", "3=4+7", "4=5+6", "5", "6", "7=8+9", "8", "9",
                                   "10"]):
        sheet.write(8, index, label, centre)
    # (stt, title, NSTW ĐTPT, NSTW SN, NSĐP ĐTPT, NSĐP SN, total row?)
    rows = [
        ("I", GNBV, None),
        ("1", DA4, None),
        ("a", TDA1, None),
        ("-", "Trường Cao đẳng Lai Châu", (17840, 38250.5, 0, 0)),
        ("-", "Sở Nông nghiệp và Môi trường", (0, 91209.5, 0, 11000)),
        ("", "Trong đó: kinh phí đào tạo nghề cho lao động nông thôn", (0, 95000, 0, 0)),
        ("-", "Trung tâm GDNN-GDTX huyện Phong Thổ", (0, 0, 0, 6000)),
        ("-", "Trung tâm GDNN-GDTX huyện Tân Uyên", (0, 0, 0, 8000)),
        ("b", TDA2, (0, 7620, 0, 0)),
        ("c", TDA3, (12000, 10000, 0, 2040)),
        ("II", DTTS, None),
        ("1", DA5, None),
        ("a", DA5_TDA3, (0, 12300, 0, 0)),
    ]
    first = 10  # Excel row of TỔNG SỐ; data from 11
    values: dict[int, tuple] = {}
    for offset, (_, _, amounts) in enumerate(rows, start=first + 1):
        if amounts:
            values[offset] = amounts
    # parents: row -> children rows (Excel numbers), for SUM formulas with cached values
    parents = {11: [12], 12: [13, 19, 20], 13: [14, 15, 17, 18], 21: [22], 22: [23],
               first: [11, 21]}

    def figures(row: int) -> tuple:
        if row in values:
            return values[row]
        parts = [figures(child) for child in parents[row]]
        return tuple(sum(part[i] for part in parts) for i in range(4))

    def write_row(row: int, stt: str, title: str, is_bold: bool) -> None:
        style = money_bold if is_bold else money
        dtpt_tw, sn_tw, dtpt_dp, sn_dp = figures(row)
        sheet.write(row - 1, 0, stt, cell)
        sheet.write(row - 1, 1, title, cell)
        if row in parents and row not in values:
            for column in "EFHI":
                children = ",".join(f"{column}{child}" for child in parents[row])
                cached = {"E": dtpt_tw, "F": sn_tw, "H": dtpt_dp, "I": sn_dp}[column]
                sheet.write_formula(f"{column}{row}", f"=SUM({children})", style, cached)
        else:
            for column, value in zip("EFHI", (dtpt_tw, sn_tw, dtpt_dp, sn_dp), strict=True):
                if value:
                    sheet.write_number(f"{column}{row}", value, style)
                else:
                    sheet.write_blank(f"{column}{row}", None, style)
        sheet.write_formula(f"D{row}", f"=E{row}+F{row}", style, dtpt_tw + sn_tw)
        sheet.write_formula(f"G{row}", f"=H{row}+I{row}", style, dtpt_dp + sn_dp)
        sheet.write_formula(f"C{row}", f"=D{row}+G{row}", style, dtpt_tw + sn_tw + dtpt_dp
                            + sn_dp)
        sheet.write_blank(f"J{row}", None, cell)

    write_row(first, "", "TỔNG SỐ", True)
    for row, (stt, title, _) in enumerate(rows, start=first + 1):
        write_row(row, stt, title, stt in ("I", "II", "1"))
    sheet.write(first + len(rows) + 1, 0, "Ghi chú: Số liệu vốn sự nghiệp đã bao gồm kinh phí "
                                          "quản lý, kiểm tra, giám sát.", italic)
    sheet.write(first + len(rows) + 3, 6, "TM. ỦY BAN NHÂN DÂN", bold)
    sheet.write(first + len(rows) + 4, 6, "KT. CHỦ TỊCH", bold)
    sheet.freeze_panes(9, 2)
    notes = book.add_worksheet("Hướng dẫn")
    notes.write("A1", "Các đơn vị thực hiện giải ngân theo đúng tiến độ; báo cáo định kỳ "
                      "hằng quý về Sở Tài chính.")
    book.close()


def top_up_decision(target: Path) -> None:
    """QĐ 1128: a local-budget recurrent top-up, old .xls format, in nghìn đồng."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Phu luc")
    header = xlwt.easyxf("font: bold on; align: horiz centre, vert centre, wrap on; "
                         "borders: left thin, right thin, top thin, bottom thin")
    sheet.write(0, 0, "UBND TỈNH LAI CHÂU")
    sheet.write_merge(2, 2, 0, 3, "BỔ SUNG DỰ TOÁN VỐN SỰ NGHIỆP NGÂN SÁCH ĐỊA PHƯƠNG "
                                  "(VỐN ĐỐI ỨNG) NĂM 2025", header)
    sheet.write_merge(3, 3, 0, 3, "(Kèm theo Quyết định số 1128/QĐ-UBND ngày 18 tháng 6 năm "
                                  "2025 của UBND tỉnh Lai Châu)")
    sheet.write(4, 2, "ĐVT: nghìn đồng")
    for column, label in enumerate(["STT", "Nội dung", "Số tiền bổ sung", "Ghi chú"]):
        sheet.write(5, column, label, header)
    rows = [
        ("", "Tổng cộng", 4915000),
        ("I", GNBV, 4915000),
        ("1", DA4, 4915000),
        ("a", TDA1, 4915000),
        ("-", "Trung tâm GDNN-GDTX huyện Phong Thổ", 2915000),
        ("-", "Trung tâm GDNN-GDTX huyện Tân Uyên", 2000000),
    ]
    for offset, (stt, title, value) in enumerate(rows, start=6):
        sheet.write(offset, 0, stt)
        sheet.write(offset, 1, title)
        sheet.write(offset, 2, value)
    sheet.col(1).width = 256 * 60
    book.save(str(target))


def adjustment_decision(target: Path) -> None:
    """QĐ 1390: 500 million of central recurrent money moves from TDA3 to TDA2."""
    book = xlsxwriter.Workbook(str(target))
    centre = book.add_format({"bold": True, "align": "center", "valign": "vcenter",
                              "text_wrap": True, "border": 1})
    money = book.add_format({"border": 1, "num_format": "#,##0"})
    sheet = book.add_worksheet("Phụ lục điều chỉnh")
    sheet.set_column("B:B", 60)
    sheet.set_column("C:F", 18)
    sheet.write("A1", "UBND TỈNH LAI CHÂU")
    sheet.merge_range("A3:G3", "ĐIỀU CHỈNH DỰ TOÁN VỐN SỰ NGHIỆP NGÂN SÁCH TRUNG ƯƠNG NĂM 2025 "
                               "GIỮA CÁC TIỂU DỰ ÁN THUỘC DỰ ÁN 4", centre)
    sheet.merge_range("A4:G4", "(Kèm theo Quyết định số 1390/QĐ-UBND ngày 23/7/2025)")
    sheet.write("F5", "Đơn vị tính: đồng")
    labels = ["STT", "Nội dung", "Dự toán đã giao", "Điều chỉnh giảm", "Điều chỉnh tăng",
              "Dự toán sau điều chỉnh", "Ghi chú"]
    for column, label in enumerate(labels):
        sheet.write(5, column, label, centre)
    rows = [
        ("", "Tổng số", 17620000000, 500000000, 500000000, 17620000000),
        ("I", "Chương trình MTQG giảm nghèo bền vững", 17620000000, 500000000, 500000000,
         17620000000),
        ("1", DA4, 17620000000, 500000000, 500000000, 17620000000),
        ("a", TDA2, 7620000000, None, 500000000, 8120000000),
        ("b", TDA3, 10000000000, 500000000, None, 9500000000),
    ]
    for offset, (stt, title, before, down, up, after) in enumerate(rows, start=6):
        sheet.write(offset, 0, stt)
        sheet.write(offset, 1, title)
        for column, value in enumerate((before, down, up, after), start=2):
            if value is None:
                sheet.write_blank(offset, column, None, money)
            else:
                sheet.write_number(offset, column, value, money)
    book.close()


# (date, voucher, unit code, unit, content, programme, project, sub-project, source,
#  capital, kind, amount in đồng): the 2025 movements of the sample books
MOVEMENTS = [
    ("28/03/2025", "KBLC-25-00718", "1092231", "Trường Cao đẳng Lai Châu",
     "Tạm ứng hợp đồng mua sắm thiết bị đào tạo nghề", GNBV, DA4, TDA1, "NSTW", "ĐTPT",
     "Tạm ứng", 5000000000),
    ("10/04/2025", "KBLC-25-00865", "1104573", "Sở Nông nghiệp và Môi trường",
     "Tạm ứng kinh phí đào tạo nghề cho lao động nông thôn đợt 1", GNBV, DA4, TDA1, "NSTW",
     "SN", "Tạm ứng", 12000000000),
    ("25/04/2025", "KBLC-25-01077", "1120880", "Sở Nội vụ",
     "Tạm ứng hợp đồng xây dựng sàn giao dịch việc làm trực tuyến", GNBV, DA4, TDA3, "NSTW",
     "ĐTPT", "Tạm ứng", 3600000000),
    ("15/05/2025", "KBLC-25-01250", "1098812", "Sở Dân tộc và Tôn giáo",
     "Thanh toán đào tạo nghề cho lao động vùng đồng bào DTTS", DTTS, DA5, DA5_TDA3,
     "Ngân sách trung ương", "Vốn sự nghiệp", "Thanh toán", 3050000000),
    ("20/05/2025", "KBLC-25-01302", "1092231", "Trường Cao đẳng Lai Châu",
     "Thanh toán kinh phí đào tạo nghề trình độ sơ cấp", GNBV, DA4, TDA1, "NSTW", "SN",
     "Thanh toán", 15000000000),
    ("30/05/2025", "KBLC-25-01455", "1101467", "Trung tâm GDNN-GDTX Phong Thổ",
     "Thanh toán kinh phí đào tạo nghề (vốn đối ứng)", GNBV, DA4, TDA1, "NSĐP", "SN",
     "Thanh toán", 6000000000),
    ("12/06/2025", "KBLC-25-01620", "1104573", "Sở Nông nghiệp và Môi trường",
     "Tạm ứng kinh phí đào tạo nghề cho lao động nông thôn đợt 2", GNBV, DA4, TDA1, "NSTW",
     "SN", "Tạm ứng", 8000000000),
    ("18/06/2025", "KBLC-25-01701", "1117702", "Trung tâm Dịch vụ việc làm tỉnh",
     "Thanh toán kinh phí kết nối cung cầu lao động", GNBV, DA4, TDA3, "NSTW", "SN",
     "Thanh toán", 1700000000),
    ("30/06/2025", "KBLC-25-01811", "1092231", "Trường Cao đẳng Lai Châu",
     "Thu hồi tạm ứng hợp đồng thiết bị đợt 1", GNBV, DA4, TDA1, "NSTW", "ĐTPT",
     "Thu hồi tạm ứng", 5000000000),
    ("30/06/2025", "KBLC-25-01811", "1092231", "Trường Cao đẳng Lai Châu",
     "Thanh toán thiết bị đào tạo nghề đợt 1", GNBV, DA4, TDA1, "NSTW", "ĐTPT",
     "Thanh toán", 4000000000),
    ("30/07/2025", "KBLC-25-02198", "1120880", "Sở Nội vụ",
     "Thu hồi tạm ứng sàn giao dịch việc làm trực tuyến", GNBV, DA4, TDA3, "NSTW", "ĐTPT",
     "Thanh toán tạm ứng", 3600000000),
    ("30/07/2025", "KBLC-25-02198", "1120880", "Sở Nội vụ",
     "Thanh toán sàn giao dịch việc làm trực tuyến đợt 1", GNBV, DA4, TDA3, "NSTW", "ĐTPT",
     "Thanh toán", 5000000000),
    ("05/08/2025", "KBLC-25-02271", "1117702", "Trung tâm Dịch vụ việc làm tỉnh",
     "Tạm ứng kinh phí đào tạo ngoại ngữ cho người lao động", GNBV, DA4, TDA2, "NSTW", "SN",
     "Tạm ứng", 300000000),
    ("15/08/2025", "KBLC-25-02389", "1104573", "Sở Nông nghiệp và Môi trường",
     "Thu hồi tạm ứng đào tạo nghề đợt 1", GNBV, DA4, TDA1, "NSTW", "SN", "Thu hồi tạm ứng",
     12000000000),
    ("15/08/2025", "KBLC-25-02389", "1104573", "Sở Nông nghiệp và Môi trường",
     "Thanh toán kinh phí đào tạo nghề đợt 1", GNBV, DA4, TDA1, "NSTW", "SN", "Thanh toán",
     9200000000),
    ("12/09/2025", "KBLC-25-02702", "1101468", "Trung tâm GDNN-GDTX Tân Uyên",
     "Thanh toán kinh phí đào tạo nghề (vốn đối ứng)", GNBV, DA4, TDA1, "NSĐP", "SN",
     "Thanh toán", 7980000000),
    ("25/09/2025", "KBLC-25-02890", "1092231", "Trường Cao đẳng Lai Châu",
     "Thanh toán thiết bị đào tạo nghề đợt 2", GNBV, DA4, TDA1, "NSTW", "ĐTPT", "Thanh toán",
     8840000000),
    ("30/09/2025", "KBLC-25-02957", "1117702", "Trung tâm Dịch vụ việc làm tỉnh",
     "Thanh toán xây dựng cơ sở dữ liệu lao động, việc làm", GNBV, DA4, TDA3, "NSTW", "SN",
     "Thanh toán", 2200000000),
    ("30/09/2025", "KBLC-25-02958", "1117702", "Trung tâm Dịch vụ việc làm tỉnh",
     "Thanh toán xây dựng cơ sở dữ liệu lao động, việc làm (đối ứng)", GNBV, DA4, TDA3,
     "NSĐP", "SN", "Thanh toán", 685000000),
    ("05/10/2025", "KBLC-25-03015", "1101468", "Trung tâm GDNN-GDTX Tân Uyên",
     "Nộp trả kinh phí đào tạo nghề thanh toán thừa", GNBV, DA4, TDA1, "NSĐP", "SN",
     "Giảm chi", 120000000),
    ("10/10/2025", "KBLC-25-03071", "1098812", "Sở Dân tộc và Tôn giáo",
     "Tạm ứng kinh phí đào tạo nghề đợt 2 vùng đồng bào DTTS", DTTS, DA5, DA5_TDA3, "NSTW",
     "SN", "Tạm ứng", 4000000000),
    ("15/10/2025", "KBLC-25-03120", "1120880", "Sở Nội vụ",
     "Thanh toán trang thiết bị công nghệ thông tin quản lý lao động", GNBV, DA4, TDA3,
     "NSTW", "ĐTPT", "Thanh toán", 2920000000),
    ("20/10/2025", "KBLC-25-03187", "1104573", "Sở Nông nghiệp và Môi trường",
     "Thu hồi một phần tạm ứng đào tạo nghề đợt 2", GNBV, DA4, TDA1, "NSTW", "SN",
     "Thu hồi tạm ứng", 2500000000),
    ("20/10/2025", "KBLC-25-03187", "1104573", "Sở Nông nghiệp và Môi trường",
     "Thanh toán kinh phí đào tạo nghề đợt 2", GNBV, DA4, TDA1, "NSTW", "SN", "Thanh toán",
     20000000000),
    ("28/10/2025", "KBLC-25-03352", "1117702", "Trung tâm Dịch vụ việc làm tỉnh",
     "Thu hồi một phần tạm ứng đào tạo ngoại ngữ", GNBV, DA4, TDA2, "NSTW", "SN",
     "Thu hồi tạm ứng", 150000000),
    ("28/10/2025", "KBLC-25-03352", "1117702", "Trung tâm Dịch vụ việc làm tỉnh",
     "Thanh toán hỗ trợ người lao động đi làm việc ở nước ngoài", GNBV, DA4, TDA2, "NSTW",
     "SN", "Thanh toán", 260000000),
]
STATEMENT_HEADER = ["STT", "Ngày chứng từ", "Số chứng từ", "Mã ĐVQHNS", "Đơn vị / Chủ đầu tư",
                    "Nội dung", "Chương trình", "Dự án", "Tiểu dự án", "Nguồn vốn", "Loại vốn",
                    "Năm KH", "Nghiệp vụ", "Số tiền"]


def treasury_statement(target: Path, movements: list[tuple] = MOVEMENTS, *,
                       shared_strings: bool = True) -> None:
    """A KBNN statement of the year's movements, one row each, in đồng.

    Texts go to a shared-strings table, as Excel and LibreOffice save a workbook;
    ``shared_strings=False`` writes every text inline in its cell instead (xlsxwriter's
    streaming mode, as some export tools do), a larger file that parses more slowly.
    """
    book = xlsxwriter.Workbook(str(target), {"constant_memory": not shared_strings})
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "border": 1, "text_wrap": True, "align": "center"})
    money = book.add_format({"num_format": "#,##0"})
    dated = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet = book.add_worksheet("Bảng kê")
    sheet.write(0, 0, "KHO BẠC NHÀ NƯỚC LAI CHÂU", bold)
    sheet.write(1, 0, "BẢNG KÊ CHỨNG TỪ TẠM ỨNG, THANH TOÁN VỐN CÁC CHƯƠNG TRÌNH MỤC TIÊU "
                      "QUỐC GIA", bold)
    sheet.write(2, 0, "Năm kế hoạch 2025 – từ ngày 01/01/2025 đến ngày 14/11/2025")
    sheet.write(3, 12, "Đơn vị: đồng")
    for column, label in enumerate(STATEMENT_HEADER):
        sheet.write(4, column, label, head)
    for number, movement in enumerate(movements, start=1):
        row = 4 + number
        day, voucher, code, unit, content, program, project, sub, source, capital, kind, \
            value = movement
        sheet.write_number(row, 0, number)
        sheet.write_datetime(row, 1, datetime.datetime.strptime(day, "%d/%m/%Y"), dated)
        for column, text in enumerate((voucher, code, unit, content, program, project, sub,
                                       source, capital), start=2):
            sheet.write_string(row, column, text)
        sheet.write_number(row, 11, 2025)
        sheet.write_string(row, 12, kind)
        sheet.write_number(row, 13, value, money)
    book.close()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    allocation_decision(out / "QD-35-giao-von-2025.xlsx")
    top_up_decision(out / "QD-1128-bo-sung-2025.xls")
    adjustment_decision(out / "QD-1390-dieu-chinh-2025.xlsx")
    treasury_statement(out / "KBNN-bang-ke-2025.xlsx")
    decision_2026(out / "QD-215-giao-von-2026.xlsx")
    regional_statement_2026(out / "KBNN-KV9-bang-ke-2026.xlsx")
    for path in sorted(out.iterdir()):
        print(path)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "samples")
