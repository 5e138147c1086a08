"""`mtqg rollup` over two provinces' books built from their documents (the acceptance test).

Lai Châu: 2025 money of GNBV and DTTS (QĐ 35, statements of KBNN Lai Châu and, since
1/7/2025, of KBNN khu vực IX), extended into 2026 by NQ 257, and the 2026 plan of the
2026–2035 programme paid to communes. Tuyên Quang: its own 2025 and 2026 money and the
books of Hà Giang, merged into it on 1/7/2025, above 10^13 đồng. Both are made by
`mtqg init`, `mtqg import` and `mtqg extend`, exported into one folder, and rolled up.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from clirun import isolated_env
from clirun import mtqg as run
from test_treasury import write_book
from workbooks import HEADER_SUB, decision_workbook

D = datetime.date
GNBV, DTTS, NEW = ("Chương trình MTQG giảm nghèo bền vững",
                   "Chương trình MTQG phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu "
                   "số và miền núi", "Chương trình MTQG giai đoạn 2026-2035")
DA4 = "Dự án 4: Phát triển giáo dục nghề nghiệp, việc làm bền vững"
TDA1 = "Tiểu dự án 1: Phát triển giáo dục nghề nghiệp vùng nghèo, vùng khó khăn"
TDA2 = "Tiểu dự án 2: Hỗ trợ người lao động đi làm việc ở nước ngoài theo hợp đồng"
TDA3 = "Tiểu dự án 3: Hỗ trợ việc làm bền vững"
DA5 = "Dự án 5: Phát triển giáo dục đào tạo nâng cao chất lượng nguồn nhân lực"
DA5_TDA3 = ("Tiểu dự án 3: Phát triển giáo dục nghề nghiệp và giải quyết việc làm cho người "
            "lao động vùng dân tộc thiểu số và miền núi")
HP1 = "Hợp phần thứ nhất: Xây dựng nông thôn mới, giảm nghèo bền vững"
TP04 = "Nội dung thành phần 04: Phát triển nguồn nhân lực và hỗ trợ tạo việc làm bền vững"
ND01 = "Nội dung 01: Hỗ trợ đào tạo nghề, nâng cao kỹ năng nghề cho người lao động"
ND03 = "Nội dung 03: Đầu tư cơ sở vật chất, thiết bị đào tạo nghề"
HP2 = "Hợp phần thứ hai: Phát triển kinh tế - xã hội vùng đồng bào DTTS và miền núi"
HP2_TP01 = ("Nội dung thành phần 1: Đầu tư xây dựng, hoàn thiện cơ sở hạ tầng đặc thù đồng "
            "bào DTTS và miền núi")
HP2_ND01 = "Nội dung 01: Đầu tư cơ sở hạ tầng thiết yếu phục vụ sản xuất, đời sống"
SUB_2026 = [None, None, None, "Vốn ĐTPT", "Kinh phí thường xuyên", "Vốn ĐTPT",
            "Kinh phí thường xuyên", None]
RANK = {"I": 0, "II": 0, "1": 1, "2": 1, "a": 2, "b": 2, "c": 2, "-": 3}

# Each decision: (file, committee, its appendix's title, "Kèm theo …" line, unit,
# [(STT, title, (NSTW ĐTPT, NSTW SN, NSĐP ĐTPT, NSĐP SN) or None: a heading summed)]).
GNBV_TDA1 = [("I", GNBV, None), ("1", DA4, None), ("a", TDA1, None)]
DECISIONS = {
    "LaiChau": [
        ("QD-35-2025.xlsx", "UBND TỈNH LAI CHÂU", "KẾ HOẠCH VỐN NĂM 2025 CÁC CTMTQG",
         "35/QĐ-UBND ngày 08/01/2025 của UBND tỉnh Lai Châu", "Đơn vị: triệu đồng", [
             *GNBV_TDA1, ("-", "Trường Cao đẳng Lai Châu", (17840, 38250.5, 0, 0)),
             ("-", "Sở Nông nghiệp và Môi trường", (0, 41209.5, 0, 11000)),
             ("b", TDA2, (0, 7620, 0, 0)), ("II", DTTS, None), ("1", DA5, None),
             ("a", DA5_TDA3, (0, 12300, 0, 0))]),
        ("QD-215-2026.xlsx", "UBND TỈNH LAI CHÂU", "KẾ HOẠCH VỐN NĂM 2026 CTMTQG 2026-2035",
         "215/QĐ-UBND ngày 27/02/2026 của UBND tỉnh Lai Châu", "ĐVT: triệu đồng", [
             ("I", HP1, None), ("1", TP04, None), ("a", ND01, None),
             ("-", "UBND xã Bum Nưa", (0, 12000, 0, 1200)),
             ("-", "UBND phường Tân Phong", (0, 6800, 0, 680)),
             ("b", ND03, (24500, 0, 2450, 0)), ("II", HP2, None), ("1", HP2_TP01, None),
             ("a", HP2_ND01, None), ("-", "UBND xã Pa Ủ", (18260, 0, 0, 0)),
             ("-", "UBND xã Thu Lũm", (16500, 0, 0, 0))]),
    ],
    "TuyenQuang": [
        ("QD-98-HaGiang-2025.xlsx", "UBND TỈNH HÀ GIANG", "KẾ HOẠCH VỐN NĂM 2025 CTMTQG GNBV",
         "98/QĐ-UBND ngày 14/01/2025 của UBND tỉnh Hà Giang", "Đơn vị tính: đồng", [
             *GNBV_TDA1, ("-", "Sở Lao động - Thương binh và Xã hội",
                          (12_500_000_000_000, 2_345_678_901_234, 0, 0)),
             ("-", "Trường Cao đẳng Kỹ thuật Hà Giang", (0, 40_000_000_000, 0, 0))]),
        ("QD-45-2025.xlsx", "UBND TỈNH TUYÊN QUANG", "KẾ HOẠCH VỐN NĂM 2025 CÁC CTMTQG",
         "45/QĐ-UBND ngày 10/01/2025 của UBND tỉnh Tuyên Quang", "Đơn vị: triệu đồng", [
             *GNBV_TDA1[:2], ("a", TDA1, (0, 60000, 0, 6000)), ("b", TDA3, (8000, 2000, 0, 0)),
             ("II", DTTS, None), ("1", DA5, None), ("a", DA5_TDA3, (0, 9500, 0, 0))]),
        ("QD-310-2026.xlsx", "UBND TỈNH TUYÊN QUANG",
         "KẾ HOẠCH VỐN NĂM 2026 CHƯƠNG TRÌNH MTQG GIAI ĐOẠN 2026 - 2035",
         "310/QĐ-UBND ngày 05/03/2026 của UBND tỉnh Tuyên Quang", "ĐVT: triệu đồng", [
             ("I", HP1, None), ("1", TP04, None), ("a", ND01, None),
             ("-", "UBND xã Lâm Bình", (0, 9000, 0, 900)),
             ("-", "UBND phường Minh Xuân", (0, 5000, 0, 500)), ("II", HP2, None),
             ("1", HP2_TP01, None), ("a", HP2_ND01, (30000, 0, 3000, 0))]),
    ],
}


def summed(rows: list[tuple]) -> list[list[object]]:
    """The appendix's rows, TỔNG SỐ first, each heading the sum of the rows below it."""
    sums = []
    for index, (stt, _, amounts) in enumerate(rows):
        below = [amounts] if amounts is not None else []
        for later in rows[index + 1:] if amounts is None else ():
            if RANK[later[0]] <= RANK[stt]:
                break
            below += [later[2]] if later[2] is not None else []
        sums.append(tuple(sum(part[i] for part in below) for i in range(4)))
    grand = tuple(sum(s[i] for s in (s for row, s in zip(rows, sums, strict=True)
                                     if row[2] is not None)) for i in range(4))
    return [[stt, title, sum(amounts), *amounts] for stt, title, amounts in
            [("", "TỔNG SỐ", grand), *((r[0], r[1], s) for r, s in zip(rows, sums,
                                                                      strict=True))]]


def write_decisions(folder: Path, province: str) -> list[Path]:
    paths = []
    for name, committee, heading, decided, unit, rows in DECISIONS[province]:
        title = [committee, "", "PHỤ LỤC", heading, f"(Kèm theo Quyết định số {decided})"]
        sub = SUB_2026 if "2026" in name else HEADER_SUB
        paths.append(decision_workbook(folder / name, summed(rows), title=title, unit=unit,
                                       header_sub=sub))
    return paths


# How statements write each line (programme, project / hợp phần, sub-project / nội dung
# thành phần, nội dung), and the spending units (Mã ĐVQHNS, name).
PLACES = {"gnbv1": ("CTMTQG Giảm nghèo bền vững", "Dự án 4", "Tiểu dự án 1", None),
          "gnbv2": ("GNBV", "DA4", "TDA2", None),
          "gnbv3": ("Chương trình MTQG giảm nghèo bền vững", "Dự án 4", "Tiểu dự án 3", None),
          "dtts": ("Chương trình MTQG 1719", "Dự án 5", "Tiểu dự án 3", None),
          "nd01": (NEW, "Hợp phần thứ nhất", "Nội dung thành phần 4", "Nội dung 01"),
          "nd03": (NEW, "Hợp phần thứ nhất", "Nội dung thành phần 04", "Nội dung 03"),
          "works": ("CTMTQG giai đoạn 2026-2035", "Hợp phần 2", "Nội dung thành phần 01",
                    "Nội dung 01")}
UNITS = {"cd": ("1092231", "Trường Cao đẳng Lai Châu"),
         "nnmt": ("1104573", "Sở Nông nghiệp và Môi trường"),
         "dvvl": ("1117702", "Trung tâm Dịch vụ việc làm tỉnh"),
         "dttg": ("1098812", "Sở Dân tộc và Tôn giáo"), "bumnua": ("3057112", "UBND xã Bum Nưa"),
         "tanphong": ("3057301", "UBND phường Tân Phong"), "pau": ("3057240", "UBND xã Pa Ủ"),
         "thulum": ("3057251", "UBND xã Thu Lũm"),
         "qlda": ("7801234", "Ban QLDA đầu tư xây dựng tỉnh"),
         "ldhg": ("1051234", "Sở Lao động - Thương binh và Xã hội"),
         "cdhg": ("1051300", "Trường Cao đẳng Kỹ thuật Hà Giang"),
         "vltq": ("1062010", "Trung tâm Dịch vụ việc làm tỉnh"), "noivu": ("1062001", "Sở Nội vụ"),
         "dttq": ("1062044", "Ban Dân tộc tỉnh"), "lambinh": ("3061101", "UBND xã Lâm Bình"),
         "minhxuan": ("3061202", "UBND phường Minh Xuân"),
         "meovac": ("3061450", "UBND xã Mèo Vạc")}
CAPITALS = {"đt": "Vốn ĐTPT", "sn": "Vốn sự nghiệp", "tx": "Kinh phí thường xuyên"}
COLUMNS = ["STT", "Ngày chứng từ", "Số chứng từ", "Mã ĐVQHNS", "Đơn vị sử dụng ngân sách",
           "Diễn giải", "Chương trình", "Dự án/Hợp phần", "Tiểu dự án/Nội dung thành phần",
           "Nội dung", "Nguồn vốn", "Loại vốn", "Năm KH", "Nghiệp vụ", "Số tiền"]
LISTING = "BẢNG KÊ CHỨNG TỪ TẠM ỨNG, THANH TOÁN VỐN CÁC CHƯƠNG TRÌNH MTQG"
KV9, KV8 = ("KHO BẠC NHÀ NƯỚC KHU VỰC IX", "PHÒNG GIAO DỊCH SỐ 3"), \
    ("Kho bạc Nhà nước khu vực VIII - Phòng Giao dịch số 2",)
# Each statement: (file, title lines, voucher prefix, [(day, unit, line, source, capital,
# kind, đồng)]); a province's are imported in this order, the 2026 ones after NQ 257.
STATEMENTS = {"LaiChau": [
    ("KBNN-LaiChau-6T-2025.xlsx", ("KHO BẠC NHÀ NƯỚC LAI CHÂU", LISTING,
                                   "Từ ngày 01/01/2025 đến ngày 30/06/2025"), "KBLC-25", [
        ("28/03/2025", "cd", "gnbv1", "NSTW", "đt", "Tạm ứng", 5_000_000_000),
        ("15/05/2025", "dttg", "dtts", "NSTW", "sn", "Thanh toán", 3_050_000_000),
        ("20/05/2025", "cd", "gnbv1", "NSTW", "sn", "Thanh toán", 15_000_000_000),
        ("12/06/2025", "nnmt", "gnbv1", "NSTW", "sn", "Tạm ứng", 8_000_000_000)]),
    ("KBNN-KV9-6T2-2025.xlsx", (*KV9, LISTING, "Từ ngày 01/07/2025 đến ngày 31/12/2025"),
     "KV9-25", [
        ("30/07/2025", "cd", "gnbv1", "NSTW", "đt", "Thu hồi tạm ứng", 5_000_000_000),
        ("30/07/2025", "cd", "gnbv1", "NSTW", "đt", "Thanh toán", 9_000_000_000),
        ("05/08/2025", "dvvl", "gnbv2", "NSTW", "sn", "Tạm ứng", 300_000_000),
        ("15/08/2025", "nnmt", "gnbv1", "NSTW", "sn", "Thanh toán", 20_000_000_000),
        ("10/10/2025", "dttg", "dtts", "NSTW", "sn", "Tạm ứng", 4_000_000_000),
        ("20/10/2025", "nnmt", "gnbv1", "NSĐP", "sn", "Thanh toán", 6_000_000_000)]),
    ("KBNN-KV9-9T-2026.xlsx", (*KV9, LISTING, "Từ ngày 01/01/2026 đến ngày 30/09/2026"),
     "KV9-26", [
        ("10/03/2026", "nnmt", "gnbv1", "NSTW", "sn", "Thu hồi tạm ứng", 8_000_000_000),
        ("10/03/2026", "nnmt", "gnbv1", "NSTW", "sn", "Thanh toán", 10_000_000_000),
        ("20/03/2026", "bumnua", "nd01", "NSTW", "tx", "Tạm ứng", 4_000_000_000),
        ("25/03/2026", "pau", "works", "NSTW", "đt", "Tạm ứng", 5_000_000_000),
        ("28/04/2026", "tanphong", "nd01", "NSTW", "tx", "Thanh toán", 3_000_000_000),
        ("15/07/2026", "pau", "works", "NSTW", "đt", "Thu hồi tạm ứng", 5_000_000_000),
        ("15/07/2026", "pau", "works", "NSTW", "đt", "Thanh toán", 9_800_000_000),
        ("30/07/2026", "thulum", "works", "NSTW", "đt", "Thanh toán", 8_250_000_000),
        ("18/08/2026", "dttg", "dtts", "NSTW", "sn", "Thanh toán tạm ứng", 4_000_000_000),
        ("18/08/2026", "dttg", "dtts", "NSTW", "sn", "Thanh toán", 2_000_000_000),
        ("18/09/2026", "bumnua", "nd01", "NSTW", "tx", "Thu hồi tạm ứng", 4_000_000_000),
        ("18/09/2026", "bumnua", "nd01", "NSTW", "tx", "Thanh toán", 5_200_000_000),
        ("25/09/2026", "bumnua", "nd01", "NSĐP", "tx", "Thanh toán", 600_000_000)])],
    "TuyenQuang": [
    ("KBNN-HaGiang-6T-2025.xlsx", ("KHO BẠC NHÀ NƯỚC HÀ GIANG", LISTING,
                                   "Từ ngày 01/01/2025 đến ngày 30/06/2025"), "KBHG-25", [
        ("05/05/2025", "ldhg", "gnbv1", "NSTW", "đt", "Thanh toán", "10.000.000.000.001"),
        ("20/05/2025", "cdhg", "gnbv1", "NSTW", "sn", "Tạm ứng", 15_000_000_000),
        ("10/06/2025", "ldhg", "gnbv1", "NSTW", "sn", "Thanh toán", 1_234_567_890_123),
        ("25/06/2025", "cdhg", "gnbv1", "NSTW", "sn", "Thu hồi tạm ứng", 15_000_000_000)]),
    ("KBNN-TuyenQuang-6T-2025.xlsx", ("KHO BẠC NHÀ NƯỚC TUYÊN QUANG", LISTING,
                                      "Từ ngày 01/01/2025 đến ngày 30/06/2025"), "KBTQ-25", [
        ("18/03/2025", "vltq", "gnbv1", "NSTW", "sn", "Thanh toán", 12_000_000_000),
        ("22/04/2025", "noivu", "gnbv3", "NSTW", "đt", "Tạm ứng", 3_000_000_000),
        ("16/06/2025", "dttq", "dtts", "NSTW", "sn", "Thanh toán", 2_500_000_000)]),
    ("KBNN-KV8-6T2-2025.xlsx", (*KV8, LISTING, "Từ ngày 01/07/2025 đến ngày 31/12/2025"),
     "KV8-25", [
        ("15/07/2025", "noivu", "gnbv3", "NSTW", "đt", "Thu hồi tạm ứng", 3_000_000_000),
        ("15/07/2025", "noivu", "gnbv3", "NSTW", "đt", "Thanh toán", 4_500_000_000),
        ("09/09/2025", "vltq", "gnbv1", "NSĐP", "sn", "Thanh toán", 4_000_000_000),
        ("28/11/2025", "vltq", "gnbv1", "NSTW", "sn", "Thanh toán", 25_000_000_000)]),
    ("KBNN-KV8-9T-2026.xlsx", (*KV8, LISTING, "Từ ngày 01/01/2026 đến ngày 30/09/2026"),
     "KV8-26", [
        ("12/03/2026", "vltq", "gnbv1", "NSTW", "sn", "Thanh toán", 9_000_000_000),
        ("02/04/2026", "lambinh", "nd01", "NSTW", "tx", "Tạm ứng", 2_000_000_000),
        ("20/05/2026", "meovac", "works", "NSTW", "đt", "Tạm ứng", 10_000_000_000),
        ("10/07/2026", "minhxuan", "nd01", "NSTW", "tx", "Thanh toán", 1_800_000_000),
        ("21/08/2026", "meovac", "works", "NSTW", "đt", "Thu hồi tạm ứng", 10_000_000_000),
        ("21/08/2026", "meovac", "works", "NSTW", "đt", "Thanh toán", 14_000_000_000),
        ("29/09/2026", "lambinh", "nd01", "NSĐP", "tx", "Thanh toán", 450_000_000)])]}
OCTOBER = ("KBNN-KV9-T10-2026.xlsx", (*KV9, LISTING, "Tháng 10 năm 2026"), "KV9-T10", [
    ("12/10/2026", "tanphong", "nd01", "NSTW", "tx", "Thanh toán", 1_500_000_000),
    ("20/10/2026", "qlda", "nd03", "NSTW", "đt", "Tạm ứng", 7_350_000_000)])


def write_statement(folder: Path, name: str, title: tuple[str, ...], prefix: str,
                    movements: list[tuple]) -> Path:
    """A treasury's statement: title lines, the header, one row a voucher, total, signatures."""
    rows = []
    for number, (day, unit, place, source, capital, kind, amount) in enumerate(movements, 1):
        when = datetime.datetime.strptime(day, "%d/%m/%Y").date()
        year = 2026 if place in ("nd01", "nd03", "works") else 2025
        text = f"{kind} kinh phí thực hiện chương trình năm {year}" + (
            " (vốn kéo dài)" if when.year > year else "")
        rows.append([number, when, f"{prefix}-{number:05d}", *UNITS[unit], text,
                     *PLACES[place], source, CAPITALS[capital], year, kind, amount])
    total = sum(int(str(row[-1]).replace(".", "")) for row in rows)
    sheet = [*([line] for line in title), [None] * 13 + ["Đơn vị tính: đồng"], COLUMNS, *rows,
             ["Tổng cộng", *[None] * 13, total], [],
             [None, "Người lập biểu", None, None, "Kế toán trưởng", None, None, "Giám đốc"]]
    return write_book(folder / name, {"Bảng kê": sheet})


NQ257 = ["--from", "2025", "--into", "2026", "--decision", "257/2025/QH15",
         "--decision-date", "11/12/2025", "--date", "31/01/2026"]


def build(folder: Path, province: str, env: dict[str, str | None]) -> Path:
    """A province's books as its finance department keeps them: `mtqg init`, the 2025
    decisions and statements, NQ 257's extension, then the 2026 documents."""
    documents = folder / "tai-lieu"
    documents.mkdir(parents=True)
    decisions = write_decisions(documents, province)
    statements = [write_statement(documents, *found) for found in STATEMENTS[province]]
    run("init", folder / "so", "--province", province, "--year", "2025", "--program", "GNBV",
        "--program", "DTTS", env=env)
    ledger = folder / "so" / "main.beancount"
    old = [path for path in decisions if "2026" not in path.name]
    run("import", *old, *statements[:-1], "--ledger", ledger, env=env)
    run("extend", ledger, *NQ257, env=env)
    run("import", *(set(decisions) - set(old)), statements[-1], "--ledger", ledger, env=env)
    return ledger
