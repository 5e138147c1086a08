"""The 2026 sample documents, as a province receives them since the reorganisation of 2025.

- QD-215-giao-von-2026.xlsx: the 2026 plan of the merged 2026–2035 programme
  (Hợp phần → Nội dung thành phần → Nội dung), columns "Vốn ĐTPT" and "Kinh phí
  thường xuyên" under NSTW and NSĐP, implementing units that are communes (UBND xã,
  UBND phường), departments and a project board, in triệu đồng. Its "Nội dung NN"
  items are not in the bundled catalogue: the import keeps them by number, with
  the decision's titles.
- KBNN-KV9-bang-ke-2026.xlsx: a statement of "Kho bạc Nhà nước khu vực IX – Phòng
  Giao dịch số 3" that names no province (region IX keeps Lào Cai and Lai Châu),
  mixing 2026 money of the new programme with 2025 money of GNBV and DTTS carried
  into 2026 by NQ 257/2025/QH15 (column "Năm KH"), from 01/01/2026 to 30/11/2026.

Imported after `mtqg extend --from 2025 --into 2026` into the books of the 2025
samples, they give the 2026 figures of the sample books in ledgers/laichau/2026.beancount.
The figures are illustrative; decision and voucher numbers are not real ones.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import xlsxwriter

HP1 = "Hợp phần thứ nhất: Xây dựng nông thôn mới, giảm nghèo bền vững"
TP04 = "Nội dung thành phần 04: Phát triển nguồn nhân lực và hỗ trợ tạo việc làm bền vững"
HP2 = "Hợp phần thứ hai: Phát triển kinh tế - xã hội vùng đồng bào DTTS và miền núi"
HP2_TP01 = ("Nội dung thành phần 1: Đầu tư xây dựng, hoàn thiện cơ sở hạ tầng đặc thù đồng "
            "bào DTTS và miền núi")
HP2_TP03 = "Nội dung thành phần 3: Phát triển nguồn nhân lực vùng đồng bào DTTS và miền núi"
ND_TITLES = {
    "HP1/TP04/ND01": "Nội dung 01: Hỗ trợ đào tạo nghề, nâng cao kỹ năng nghề cho người lao "
                     "động",
    "HP1/TP04/ND02": "Nội dung 02: Hỗ trợ kết nối cung cầu lao động, đưa người lao động đi "
                     "làm việc ở nước ngoài theo hợp đồng",
    "HP1/TP04/ND03": "Nội dung 03: Đầu tư cơ sở vật chất, thiết bị đào tạo nghề",
    "HP2/TP01/ND01": "Nội dung 01: Đầu tư cơ sở hạ tầng thiết yếu phục vụ sản xuất, đời sống "
                     "trong vùng đồng bào DTTS",
    "HP2/TP03/ND02": "Nội dung 02: Bồi dưỡng kiến thức dân tộc; đào tạo nghề cho lao động "
                     "người dân tộc thiểu số",
}
# (STT, title, (NSTW ĐTPT, NSTW thường xuyên, NSĐP ĐTPT, NSĐP thường xuyên) or None for a
# heading row summed from the rows below it), in triệu đồng
DECISION_ROWS = [
    ("I", HP1, None),
    ("1", TP04, None),  # numbered 1 in the form, "04" in its title: the title decides
    ("a", ND_TITLES["HP1/TP04/ND01"], None),
    ("-", "UBND xã Bum Nưa", (0, 12000, 0, 1200)),
    ("-", "UBND xã Mường Tè", (0, 9600, 0, 960)),
    ("-", "UBND phường Tân Phong", (0, 6800, 0, 680)),
    ("-", "Trường Cao đẳng Lai Châu", (0, 10000, 0, 1000)),
    ("b", ND_TITLES["HP1/TP04/ND02"], (0, 6850, 0, 0)),
    ("c", ND_TITLES["HP1/TP04/ND03"], (24500, 0, 2450, 0)),
    ("II", HP2, None),
    ("1", HP2_TP01, None),
    ("a", ND_TITLES["HP2/TP01/ND01"], None),
    ("-", "UBND xã Pa Ủ", (18260, 0, 0, 0)),
    ("-", "UBND xã Thu Lũm", (16500, 0, 0, 0)),
    ("-", "UBND xã Mù Cả", (18000, 0, 0, 0)),
    ("2", HP2_TP03, None),
    ("a", ND_TITLES["HP2/TP03/ND02"], (0, 4320, 0, 0)),
]


def _totals(rows: list[tuple]) -> list[tuple[int, ...]]:
    """Each row's four amounts: its own, or the sum of the rows below it in the tree."""
    rank = {"I": 0, "II": 0, "1": 1, "2": 1, "a": 2, "b": 2, "c": 2, "-": 3}
    sums: list[tuple[int, ...]] = []
    for index, (stt, _, amounts) in enumerate(rows):
        if amounts is not None:
            sums.append(amounts)
            continue
        below = []
        for later in rows[index + 1:]:
            if rank[later[0]] <= rank[stt]:
                break
            if later[2] is not None:
                below.append(later[2])
        sums.append(tuple(sum(part[i] for part in below) for i in range(4)))
    return sums


def decision_2026(target: Path) -> None:
    """QĐ 215: the 2026 plan of the merged programme for Lai Châu, in triệu đồng."""
    book = xlsxwriter.Workbook(str(target))
    font = {"font_name": "Times New Roman"}
    bold = book.add_format({**font, "bold": True})
    italic = book.add_format({**font, "italic": True})
    head = book.add_format({**font, "bold": True, "align": "center", "valign": "vcenter",
                            "text_wrap": True, "border": 1})
    text = book.add_format({**font, "border": 1, "text_wrap": True})
    money = book.add_format({**font, "border": 1, "num_format": "#,##0"})
    sheet = book.add_worksheet("Biểu 01")
    sheet.set_column("A:A", 6)
    sheet.set_column("B:B", 62)
    sheet.set_column("C:I", 13)
    sheet.write("A1", "ỦY BAN NHÂN DÂN", bold)
    sheet.write("A2", "TỈNH LAI CHÂU", bold)
    sheet.merge_range("A4:J4", "KẾ HOẠCH VỐN NGÂN SÁCH NHÀ NƯỚC NĂM 2026 THỰC HIỆN CHƯƠNG "
                               "TRÌNH MTQG XÂY DỰNG NÔNG THÔN MỚI, GIẢM NGHÈO BỀN VỮNG VÀ PHÁT "
                               "TRIỂN KT-XH VÙNG ĐỒNG BÀO DTTS VÀ MIỀN NÚI GIAI ĐOẠN 2026-2035",
                      head)
    sheet.merge_range("A5:J5", "(Kèm theo Quyết định số 215/QĐ-UBND ngày 27/02/2026 của "
                               "UBND tỉnh Lai Châu)", italic)
    sheet.write("I6", "ĐVT: triệu đồng", italic)
    sheet.merge_range("A7:A8", "STT", head)
    sheet.merge_range("B7:B8", "Nội dung", head)
    sheet.merge_range("C7:C8", "Tổng cộng", head)
    sheet.merge_range("D7:F7", "Ngân sách trung ương", head)
    sheet.merge_range("G7:I7", "Ngân sách địa phương đối ứng", head)
    sheet.merge_range("J7:J8", "Ghi chú", head)
    for column, label in zip("DEFGHI", ["Tổng số", "Vốn ĐTPT", "Kinh phí thường xuyên"] * 2,
                             strict=True):
        sheet.write(f"{column}8", label, head)
    sums = _totals(DECISION_ROWS)
    total = tuple(sum(amounts[i] for (stt, _, _), amounts in zip(DECISION_ROWS, sums,
                                                                  strict=True)
                      if stt in ("I", "II")) for i in range(4))
    rows = [("", "TỔNG CỘNG", None), *DECISION_ROWS]
    for offset, ((stt, title, _), (dtpt_tw, sn_tw, dtpt_dp, sn_dp)) in enumerate(
            zip(rows, [total, *sums], strict=True)):
        row = 8 + offset
        sheet.write(row, 0, stt, text)
        sheet.write(row, 1, title, text)
        for column, value in zip((4, 5, 7, 8), (dtpt_tw, sn_tw, dtpt_dp, sn_dp), strict=True):
            if value:
                sheet.write_number(row, column, value, money)
            else:
                sheet.write_blank(row, column, None, money)
        sheet.write_number(row, 3, dtpt_tw + sn_tw, money)
        sheet.write_number(row, 6, dtpt_dp + sn_dp, money)
        sheet.write_number(row, 2, dtpt_tw + sn_tw + dtpt_dp + sn_dp, money)
        sheet.write_blank(row, 9, None, text)
    end = 8 + len(rows)
    sheet.write(end + 1, 0, "Ghi chú: Kinh phí thường xuyên phân bổ theo Thông tư số "
                            "60/2026/TT-BTC.", italic)
    sheet.write(end + 3, 6, "TM. ỦY BAN NHÂN DÂN", bold)
    book.close()


GNBV = "CTMTQG Giảm nghèo bền vững"
DTTS = "CTMTQG phát triển KT-XH vùng đồng bào DTTS và miền núi"
NEW = "CTMTQG giai đoạn 2026-2035"
# (date, voucher, unit code, unit, narration, programme, project / hợp phần,
#  sub-project / nội dung thành phần, nội dung, source, capital, plan year, kind, đồng)
MOVEMENTS_2026 = [
    ("10/03/2026", "KB9-26-00412", "1104573", "Sở Nông nghiệp và Môi trường",
     "Thu hồi tạm ứng đào tạo nghề đợt 2 năm 2025", GNBV, "Dự án 4", "Tiểu dự án 1", "",
     "NSTW", "Sự nghiệp", 2025, "Thu hồi tạm ứng", 5500000000),
    ("10/03/2026", "KB9-26-00413", "1104573", "Sở Nông nghiệp và Môi trường",
     "Thanh toán đào tạo nghề cho lao động nông thôn (vốn năm 2025 kéo dài)", GNBV,
     "Dự án 4", "Tiểu dự án 1", "", "NSTW", "Sự nghiệp", 2025, "Thanh toán", 18000000000),
    ("20/03/2026", "KB9-26-00501", "3057112", "UBND xã Bum Nưa",
     "Tạm ứng kinh phí đào tạo nghề năm 2026", NEW, "Hợp phần thứ nhất",
     "Nội dung thành phần 4", "Nội dung 01", "NSTW", "Kinh phí thường xuyên", 2026,
     "Tạm ứng", 4000000000),
    ("25/03/2026", "KB9-26-00588", "3057240", "UBND xã Pa Ủ",
     "Tạm ứng hợp đồng xây dựng đường giao thông bản Pa Ủ", NEW, "Hợp phần 2",
     "Nội dung thành phần 01", "Nội dung 01", "NSTW", "Vốn ĐTPT", 2026, "Tạm ứng",
     5000000000),
    ("15/04/2026", "KB9-26-00790", "1092231", "Trường Cao đẳng Lai Châu",
     "Thanh toán đào tạo nghề trình độ sơ cấp (vốn 2025 kéo dài)", GNBV, "DA4", "TDA1", "",
     "NSTW", "SN", 2025, "Thanh toán", 12000000000),
    ("28/04/2026", "KB9-26-00851", "1092231", "Trường Cao đẳng Lai Châu",
     "Thanh toán kinh phí đào tạo nghề năm 2026", NEW, "Hợp phần thứ nhất",
     "Nội dung thành phần 04", "Nội dung 01", "NSTW", "Kinh phí thường xuyên", 2026,
     "Thanh toán", 6500000000),
    ("15/05/2026", "KB9-26-01023", "3057118", "UBND xã Mường Tè",
     "Thanh toán hỗ trợ học nghề (đối ứng)", NEW, "Hợp phần thứ nhất",
     "Nội dung thành phần 4", "Nội dung 01", "NSĐP", "Kinh phí thường xuyên", 2026,
     "Thanh toán", 800000000),
    ("20/05/2026", "KB9-26-01102", "1117702", "Trung tâm Dịch vụ việc làm tỉnh",
     "Thu hồi tạm ứng đào tạo ngoại ngữ năm 2025", GNBV, "Dự án 4", "Tiểu dự án 2", "",
     "NSTW", "Sự nghiệp", 2025, "Thu hồi tạm ứng", 150000000),
    ("20/05/2026", "KB9-26-01103", "1117702", "Trung tâm Dịch vụ việc làm tỉnh",
     "Thanh toán hỗ trợ người lao động đi làm việc ở nước ngoài", GNBV, "Dự án 4",
     "Tiểu dự án 2", "", "NSTW", "Sự nghiệp", 2025, "Thanh toán", 2400000000),
    ("30/06/2026", "KB9-26-01377", "7801234", "Ban QLDA đầu tư xây dựng tỉnh",
     "Tạm ứng hợp đồng xây dựng xưởng thực hành nghề", NEW, "Hợp phần thứ nhất",
     "Nội dung thành phần 4", "Nội dung 03", "NSTW", "Vốn ĐTPT", 2026, "Tạm ứng",
     7350000000),
    ("30/06/2026", "KB9-26-01380", "1120880", "Sở Nội vụ",
     "Thanh toán kinh phí kết nối cung cầu lao động (vốn 2025)", GNBV, "Dự án 4",
     "Tiểu dự án 3", "", "NSTW", "Sự nghiệp", 2025, "Thanh toán", 3000000000),
    ("10/07/2026", "KB9-26-01455", "1098812", "Sở Dân tộc và Tôn giáo",
     "Thanh toán khối lượng đào tạo nghề từ tạm ứng năm 2025", DTTS, "Dự án 5",
     "Tiểu dự án 3", "", "NSTW", "Sự nghiệp", 2025, "Thanh toán tạm ứng", 4000000000),
    ("10/07/2026", "KB9-26-01456", "1098812", "Sở Dân tộc và Tôn giáo",
     "Thanh toán đào tạo nghề vùng đồng bào DTTS (vốn 2025 kéo dài)", DTTS, "Dự án 5",
     "Tiểu dự án 3", "", "NSTW", "Sự nghiệp", 2025, "Thanh toán", 3500000000),
    ("15/07/2026", "KB9-26-01502", "3057240", "UBND xã Pa Ủ",
     "Thu hồi tạm ứng đường giao thông bản Pa Ủ", NEW, "Hợp phần 2",
     "Nội dung thành phần 01", "Nội dung 01", "NSTW", "Vốn ĐTPT", 2026, "Thu hồi tạm ứng",
     5000000000),
    ("15/07/2026", "KB9-26-01503", "3057240", "UBND xã Pa Ủ",
     "Thanh toán khối lượng hoàn thành đường giao thông bản Pa Ủ", NEW, "Hợp phần 2",
     "Nội dung thành phần 01", "Nội dung 01", "NSTW", "Vốn ĐTPT", 2026, "Thanh toán",
     9800000000),
    ("30/07/2026", "KB9-26-01611", "3057251", "UBND xã Thu Lũm",
     "Thanh toán công trình nước sinh hoạt tập trung", NEW, "Hợp phần 2",
     "Nội dung thành phần 1", "Nội dung 01", "NSTW", "Vốn ĐTPT", 2026, "Thanh toán",
     8250000000),
    ("12/08/2026", "KB9-26-01740", "1104573", "Sở NN&MT",
     "Thanh toán đào tạo nghề (đối ứng, vốn 2025 kéo dài)", GNBV, "Dự án 4",
     "Tiểu dự án 1", "", "NSĐP", "Sự nghiệp", 2025, "Thanh toán", 5000000000),
    ("20/08/2026", "KB9-26-01802", "1120880", "Sở Nội vụ",
     "Thanh toán hỗ trợ đưa người lao động đi làm việc ở nước ngoài", NEW,
     "Hợp phần thứ nhất", "Nội dung thành phần 4", "Nội dung 02", "NSTW",
     "Kinh phí thường xuyên", 2026, "Thanh toán", 2100000000),
    ("18/09/2026", "KB9-26-02011", "3057112", "UBND xã Bum Nưa",
     "Thu hồi tạm ứng kinh phí đào tạo nghề", NEW, "Hợp phần thứ nhất",
     "Nội dung thành phần 4", "Nội dung 01", "NSTW", "Kinh phí thường xuyên", 2026,
     "Thu hồi tạm ứng", 4000000000),
    ("18/09/2026", "KB9-26-02012", "3057112", "UBND xã Bum Nưa",
     "Thanh toán kinh phí đào tạo nghề lớp may công nghiệp", NEW, "Hợp phần thứ nhất",
     "Nội dung thành phần 4", "Nội dung 01", "NSTW", "Kinh phí thường xuyên", 2026,
     "Thanh toán", 5200000000),
    ("10/10/2026", "KB9-26-02250", "7801234", "Ban QLDA đầu tư xây dựng tỉnh",
     "Thanh toán khối lượng xưởng thực hành nghề đợt 1", NEW, "Hợp phần thứ nhất",
     "Nội dung thành phần 4", "Nội dung 03", "NSTW", "Vốn ĐTPT", 2026, "Thanh toán",
     6000000000),
    ("05/11/2026", "KB9-26-02498", "1098812", "Sở Dân tộc và Tôn giáo",
     "Thanh toán bồi dưỡng kiến thức dân tộc", NEW, "Hợp phần 2", "Nội dung thành phần 3",
     "Nội dung 02", "NSTW", "Kinh phí thường xuyên", 2026, "Thanh toán", 1450000000),
    ("25/11/2026", "KB9-26-02690", "3057301", "UBND phường Tân Phong",
     "Tạm ứng kinh phí đào tạo nghề đợt 2", NEW, "Hợp phần thứ nhất",
     "Nội dung thành phần 4", "Nội dung 01", "NSTW", "Kinh phí thường xuyên", 2026,
     "Tạm ứng", 1200000000),
]
STATEMENT_HEADER = ["STT", "Ngày chứng từ", "Số chứng từ", "Mã ĐVQHNS",
                    "Đơn vị sử dụng ngân sách", "Diễn giải", "Chương trình", "Dự án/Hợp phần",
                    "Tiểu dự án/Nội dung thành phần", "Nội dung", "Nguồn vốn", "Loại vốn",
                    "Năm KH", "Nghiệp vụ", "Số tiền"]


def regional_statement_2026(target: Path) -> None:
    """A regional treasury's statement of 2026: no province named, 2025 and 2026 money."""
    book = xlsxwriter.Workbook(str(target))
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "border": 1, "text_wrap": True, "align": "center"})
    money = book.add_format({"num_format": "#,##0"})
    dated = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet = book.add_worksheet("Sheet1")
    sheet.write(0, 0, "KHO BẠC NHÀ NƯỚC KHU VỰC IX", bold)
    sheet.write(1, 0, "PHÒNG GIAO DỊCH SỐ 3", bold)
    sheet.write(2, 0, "BẢNG KÊ CHỨNG TỪ TẠM ỨNG, THANH TOÁN VỐN CÁC CHƯƠNG TRÌNH MỤC TIÊU "
                      "QUỐC GIA", bold)
    sheet.write(3, 0, "Từ ngày 01/01/2026 đến ngày 30/11/2026")
    sheet.write(4, 13, "Đơn vị: đồng")
    for column, label in enumerate(STATEMENT_HEADER):
        sheet.write(5, column, label, head)
    for number, movement in enumerate(MOVEMENTS_2026, start=1):
        row = 5 + number
        day, *texts, year, kind, value = movement
        sheet.write_number(row, 0, number)
        sheet.write_datetime(row, 1, datetime.datetime.strptime(day, "%d/%m/%Y"), dated)
        for column, text in enumerate(texts, start=2):
            sheet.write_string(row, column, text)
        sheet.write_number(row, 12, year)
        sheet.write_string(row, 13, kind)
        sheet.write_number(row, 14, value, money)
    total = 6 + len(MOVEMENTS_2026)
    sheet.write(total, 5, "Cộng", bold)
    sheet.write_number(total, 14, sum(movement[-1] for movement in MOVEMENTS_2026), money)
    sheet.write(total + 2, 10, "KẾ TOÁN TRƯỞNG", bold)
    book.close()
