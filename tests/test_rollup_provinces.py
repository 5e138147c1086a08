"""`mtqg rollup` over two provinces' books made from their documents by `mtqg init`, `mtqg
import` and `mtqg extend`, and exported into one folder: Lai Châu (2025 GNBV and DTTS money
extended into 2026 by NQ 257; 2026 money of the 2026–2035 programme paid to communes; a
regional treasury since 1/7/2025) and Tuyên Quang with Hà Giang's books, above 10^13 đồng."""

from __future__ import annotations

import datetime
import json
import re
import shutil
from pathlib import Path
from typing import NamedTuple

import pytest
from clirun import isolated_env, snapshot
from clirun import mtqg as run
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from test_treasury import write_book
from workbooks import DA4, GNBV, HEADER_SUB, TDA1, TDA2, decision_workbook

DTTS = "Chương trình MTQG phát triển kinh tế - xã hội vùng đồng bào DTTS và miền núi"
DA5 = "Dự án 5: Phát triển giáo dục đào tạo nâng cao chất lượng nguồn nhân lực"
DA5_TDA3 = "Tiểu dự án 3: Phát triển giáo dục nghề nghiệp và giải quyết việc làm vùng DTTS và MN"
HP1 = "Hợp phần thứ nhất: Xây dựng nông thôn mới, giảm nghèo bền vững"
TP04 = "Nội dung thành phần 04: Phát triển nguồn nhân lực và hỗ trợ tạo việc làm bền vững"
HP2 = "Hợp phần thứ hai: Phát triển kinh tế - xã hội vùng đồng bào DTTS và miền núi"
HP2_TP01 = "Nội dung thành phần 1: Đầu tư xây dựng, hoàn thiện cơ sở hạ tầng đặc thù"
# Each province titles its "Nội dung NN" in its own words: Lai Châu's, then Tuyên Quang's.
ND01 = "Nội dung 01: Hỗ trợ đào tạo nghề, nâng cao kỹ năng nghề cho người lao động"
HP2_ND01 = "Nội dung 01: Đầu tư cơ sở hạ tầng thiết yếu phục vụ sản xuất, đời sống"
TQ_ND01 = "Nội dung 01: Hỗ trợ đào tạo nghề cho lao động nông thôn"
TQ_HP2_ND01 = "Nội dung 01: Đường giao thông, công trình thiết yếu vùng đồng bào DTTS"
SUB_2026 = [*HEADER_SUB[:4], "Kinh phí thường xuyên", "Vốn ĐTPT", "Kinh phí thường xuyên", None]
RANK = {"I": 0, "II": 0, "1": 1, "2": 1, "a": 2, "b": 2, "-": 3}
PLAN_2026 = "KẾ HOẠCH VỐN NĂM 2026 CHƯƠNG TRÌNH MTQG GIAI ĐOẠN 2026 - 2035"
GNBV_DA4, DTTS_DA5 = [("I", GNBV, None), ("1", DA4, None)], [("II", DTTS, None), ("1", DA5, None)]
# Each decision: (file, committee, appendix title, "Kèm theo Quyết định số …", unit line,
# [(STT, title, (NSTW ĐTPT, NSTW SN, NSĐP ĐTPT, NSĐP SN), or None: a heading, summed)]).
DECISIONS = {"LaiChau": [
    ("QD-35-2025.xlsx", "UBND TỈNH LAI CHÂU", "KẾ HOẠCH VỐN NĂM 2025 CÁC CTMTQG",
     "35/QĐ-UBND ngày 08/01/2025 của UBND tỉnh Lai Châu", "Đơn vị: triệu đồng", [
         *GNBV_DA4, ("a", TDA1, None), ("-", "Trường Cao đẳng Lai Châu", (17840, 38250.5, 0, 0)),
         ("-", "Sở Nông nghiệp và Môi trường", (0, 41209.5, 0, 11000)),
         ("b", TDA2, (0, 7620, 0, 0)), *DTTS_DA5, ("a", DA5_TDA3, (0, 12300, 0, 0))]),
    ("QD-215-2026.xlsx", "UBND TỈNH LAI CHÂU", PLAN_2026,
     "215/QĐ-UBND ngày 27/02/2026 của UBND tỉnh Lai Châu", "ĐVT: triệu đồng", [
         ("I", HP1, None), ("1", TP04, None), ("a", ND01, None),
         ("-", "UBND xã Bum Nưa", (0, 12000, 0, 1200)),
         ("-", "UBND phường Tân Phong", (0, 6800, 0, 680)),
         ("b", "Nội dung 03: Đầu tư cơ sở vật chất, thiết bị đào tạo nghề", (24500, 0, 2450, 0)),
         ("II", HP2, None), ("1", HP2_TP01, None), ("a", HP2_ND01, None),
         ("-", "UBND xã Pa Ủ", (18260, 0, 0, 0)), ("-", "UBND xã Thu Lũm", (16500, 0, 0, 0))])],
    "TuyenQuang": [
    ("QD-98-HaGiang-2025.xlsx", "UBND TỈNH HÀ GIANG", "KẾ HOẠCH VỐN NĂM 2025 CTMTQG GNBV",
     "98/QĐ-UBND ngày 14/01/2025 của UBND tỉnh Hà Giang", "Đơn vị tính: đồng", [
         *GNBV_DA4, ("a", TDA1, None), ("-", "Sở Lao động - Thương binh và Xã hội",
                                        (12_500_000_000_000, 2_345_678_901_234, 0, 0)),
         ("-", "Trường Cao đẳng Kỹ thuật Hà Giang", (0, 40_000_000_000, 0, 0))]),
    ("QD-45-2025.xlsx", "UBND TỈNH TUYÊN QUANG", "KẾ HOẠCH VỐN NĂM 2025 CÁC CTMTQG",
     "45/QĐ-UBND ngày 10/01/2025 của UBND tỉnh Tuyên Quang", "Đơn vị: triệu đồng", [
         *GNBV_DA4, ("a", TDA1, (0, 60000, 0, 6000)),
         ("b", "Tiểu dự án 3: Hỗ trợ việc làm bền vững", (8000, 2000, 0, 0)),
         *DTTS_DA5, ("a", DA5_TDA3, (0, 9500, 0, 0))]),
    ("QD-310-2026.xlsx", "UBND TỈNH TUYÊN QUANG", PLAN_2026,
     "310/QĐ-UBND ngày 05/03/2026 của UBND tỉnh Tuyên Quang", "ĐVT: triệu đồng", [
         ("I", HP1, None), ("1", TP04, None), ("a", TQ_ND01, None),
         ("-", "UBND xã Lâm Bình", (0, 9000, 0, 900)),
         ("-", "UBND phường Minh Xuân", (0, 5000, 0, 500)), ("II", HP2, None),
         ("1", HP2_TP01, None), ("a", TQ_HP2_ND01, (30000, 0, 3000, 0))])]}


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
    leaves = [amounts for _, _, amounts in rows if amounts is not None]
    grand = tuple(sum(part[i] for part in leaves) for i in range(4))
    return [[stt, title, sum(amounts), *amounts] for stt, title, amounts in
            [("", "TỔNG SỐ", grand), *((r[0], r[1], s) for r, s in zip(rows, sums, strict=True))]]


def write_decisions(folder: Path, province: str) -> list[Path]:
    return [decision_workbook(folder / name, summed(rows), unit=unit, header_sub=SUB_2026 if
                              "2026" in name else HEADER_SUB, title=[
                                  committee, "", "PHỤ LỤC", heading,
                                  f"(Kèm theo Quyết định số {decided})"])
            for name, committee, heading, decided, unit, rows in DECISIONS[province]]


# Lines as statements write them (plan year, programme, its levels), units (Mã ĐVQHNS, name).
NEW = "CTMTQG giai đoạn 2026-2035"
PLACES = {"gnbv1": (2025, "CTMTQG Giảm nghèo bền vững", "Dự án 4", "Tiểu dự án 1", None),
          "gnbv2": (2025, "GNBV", "DA4", "TDA2", None),
          "gnbv3": (2025, "Chương trình giảm nghèo", "Dự án 4", "Tiểu dự án 3", None),
          "dtts": (2025, "Chương trình MTQG 1719", "Dự án 5", "Tiểu dự án 3", None),
          "nd01": (2026, NEW, "Hợp phần thứ nhất", "Nội dung thành phần 4", "Nội dung 01"),
          "nd03": (2026, NEW, "Hợp phần thứ nhất", "Nội dung thành phần 04", "Nội dung 03"),
          "works": (2026, NEW, "Hợp phần 2", "Nội dung thành phần 01", "Nội dung 01")}
SEP = re.compile(r"\s*[;\n]\s*")  # between the entries of a text table
UNITS = {key: (code, " ".join(name)) for key, code, *name in map(str.split, SEP.split("""
    cd 1092231 Trường Cao đẳng Lai Châu; nnmt 1104573 Sở Nông nghiệp và Môi trường
    dvvl 1117702 Trung tâm Dịch vụ việc làm tỉnh; dttg 1098812 Sở Dân tộc và Tôn giáo
    bumnua 3057112 UBND xã Bum Nưa; tanphong 3057301 UBND phường Tân Phong; pau 3057240 UBND xã Pa Ủ
    thulum 3057251 UBND xã Thu Lũm; qlda 7801234 Ban QLDA tỉnh; meovac 3061450 UBND xã Mèo Vạc
    ldhg 1051234 Sở Lao động - Thương binh và Xã hội; cdhg 1051300 Trường Cao đẳng Kỹ thuật Hà Giang
    vltq 1062010 Trung tâm Dịch vụ việc làm tỉnh; noivu 1062001 Sở Nội vụ; dttq 1062044 Ban Dân tộc
    lambinh 3061101 UBND xã Lâm Bình; minhxuan 3061202 UBND phường Minh Xuân""".strip()))}
WORDS = {"đt": "Vốn ĐTPT", "sn": "Vốn sự nghiệp", "tx": "Kinh phí thường xuyên", "TU": "Tạm ứng",
         "TT": "Thanh toán", "THTU": "Thu hồi tạm ứng", "TTTU": "Thanh toán tạm ứng"}
COLUMNS = ["STT", "Ngày chứng từ", "Số chứng từ", "Mã ĐVQHNS", "Đơn vị sử dụng ngân sách",
           "Diễn giải", "Chương trình", "Dự án/Hợp phần", "Tiểu dự án/Nội dung thành phần",
           "Nội dung", "Nguồn vốn", "Loại vốn", "Năm KH", "Nghiệp vụ", "Số tiền"]
LISTING = "BẢNG KÊ CHỨNG TỪ TẠM ỨNG, THANH TOÁN VỐN CÁC CHƯƠNG TRÌNH MTQG"
KV9 = ("KHO BẠC NHÀ NƯỚC KHU VỰC IX", "PHÒNG GIAO DỊCH SỐ 3", LISTING)
KV8 = ("Kho bạc Nhà nước khu vực VIII - Phòng Giao dịch số 2", LISTING)
H1, H2 = "Từ ngày 01/01/2025 đến ngày 30/06/2025", "Từ ngày 01/07/2025 đến ngày 31/12/2025"
# Each statement: (title lines, voucher prefix, its movements "day unit line source capital
# kind đồng"); a province's are imported in this order, the last (2026) after NQ 257.
STATEMENTS = {"LaiChau": [
    (("KHO BẠC NHÀ NƯỚC LAI CHÂU", LISTING, H1), "KBLC-25", """
     28/03/2025 cd gnbv1 NSTW đt TU 5e9; 15/05/2025 dttg dtts NSTW sn TT 3.05e9
     20/05/2025 cd gnbv1 NSTW sn TT 15e9; 12/06/2025 nnmt gnbv1 NSTW sn TU 8e9"""),
    ((*KV9, H2), "KV9-25", """
     30/07/2025 cd gnbv1 NSTW đt THTU 5e9; 30/07/2025 cd gnbv1 NSTW đt TT 9e9
     05/08/2025 dvvl gnbv2 NSTW sn TU 0.3e9; 15/08/2025 nnmt gnbv1 NSTW sn TT 20e9
     10/10/2025 dttg dtts NSTW sn TU 4e9; 20/10/2025 nnmt gnbv1 NSĐP sn TT 6e9"""),
    ((*KV9, "Từ ngày 01/01/2026 đến ngày 30/09/2026"), "KV9-26", """
     10/03/2026 nnmt gnbv1 NSTW sn THTU 8e9; 10/03/2026 nnmt gnbv1 NSTW sn TT 10e9
     20/03/2026 bumnua nd01 NSTW tx TU 4e9; 25/03/2026 pau works NSTW đt TU 5e9
     28/04/2026 tanphong nd01 NSTW tx TT 3e9; 15/07/2026 pau works NSTW đt THTU 5e9
     15/07/2026 pau works NSTW đt TT 9.8e9; 30/07/2026 thulum works NSTW đt TT 8.25e9
     18/08/2026 dttg dtts NSTW sn TTTU 4e9; 18/08/2026 dttg dtts NSTW sn TT 2e9
     18/09/2026 bumnua nd01 NSTW tx THTU 4e9; 18/09/2026 bumnua nd01 NSTW tx TT 5.2e9
     25/09/2026 bumnua nd01 NSĐP tx TT 0.6e9""")], "TuyenQuang": [
    (("KHO BẠC NHÀ NƯỚC HÀ GIANG", LISTING, H1), "KBHG-25", """
     05/05/2025 ldhg gnbv1 NSTW đt TT 10.000.000.000.001; 20/05/2025 cdhg gnbv1 NSTW sn TU 15e9
     10/06/2025 ldhg gnbv1 NSTW sn TT 1234567890123; 25/06/2025 cdhg gnbv1 NSTW sn THTU 15e9"""),
    (("KHO BẠC NHÀ NƯỚC TUYÊN QUANG", LISTING, H1), "KBTQ-25", """
     18/03/2025 vltq gnbv1 NSTW sn TT 12e9; 22/04/2025 noivu gnbv3 NSTW đt TU 3e9
     16/06/2025 dttq dtts NSTW sn TT 2.5e9"""),
    ((*KV8, H2), "KV8-25", """
     15/07/2025 noivu gnbv3 NSTW đt THTU 3e9; 15/07/2025 noivu gnbv3 NSTW đt TT 4.5e9
     09/09/2025 vltq gnbv1 NSĐP sn TT 4e9; 28/11/2025 vltq gnbv1 NSTW sn TT 25e9"""),
    ((*KV8, "Từ ngày 01/01/2026 đến ngày 30/09/2026"), "KV8-26", """
     12/03/2026 vltq gnbv1 NSTW sn TT 9e9; 02/04/2026 lambinh nd01 NSTW tx TU 2e9
     20/05/2026 meovac works NSTW đt TU 10e9; 10/07/2026 minhxuan nd01 NSTW tx TT 1.8e9
     21/08/2026 meovac works NSTW đt THTU 10e9; 21/08/2026 meovac works NSTW đt TT 14e9
     29/09/2026 lambinh nd01 NSĐP tx TT 0.45e9""")]}
OCTOBER = ((*KV9, "Tháng 10 năm 2026"), "KV9-T10", """
     12/10/2026 tanphong nd01 NSTW tx TT 1.5e9; 20/10/2026 qlda nd03 NSTW đt TU 7.35e9""")


def write_statement(folder: Path, title: tuple[str, ...], prefix: str, movements: str) -> Path:
    """A treasury's statement: title lines, the header, a row a voucher, total, signatures;
    amounts are numbers, or text as a clerk types them (10.000.000.000.001)."""
    rows = []
    for movement in SEP.split(movements.strip()):
        day, unit, place, source, capital, kind, amount = movement.split()
        when = datetime.datetime.strptime(day, "%d/%m/%Y").date()
        year, *cells = PLACES[place]
        text = f"{WORDS[kind]} kinh phí thực hiện chương trình năm {year}" + (
            " (vốn kéo dài)" if when.year > year else "")
        rows.append([len(rows) + 1, when, f"{prefix}-{len(rows) + 1:05d}", *UNITS[unit], text,
                     *cells, source, WORDS[capital], year, WORDS[kind],
                     amount if amount.count(".") > 1 else int(float(amount))])
    total = sum(int(str(row[-1]).replace(".", "")) for row in rows)
    sheet = [*([line] for line in title), [None] * 13 + ["Đơn vị tính: đồng"], COLUMNS, *rows,
             ["Tổng cộng", *[None] * 13, total], [],
             [None, "Người lập biểu", None, None, "Kế toán trưởng", None, None, "Giám đốc"]]
    return write_book(folder / f"KBNN-{prefix}.xlsx", {"Bảng kê": sheet})


def build(folder: Path, province: str, env: dict[str, str | None]) -> Path:
    """A province's books: `mtqg init`, the 2025 documents, NQ 257, the 2026 documents."""
    (folder / "tai-lieu").mkdir(parents=True)
    decisions = write_decisions(folder / "tai-lieu", province)
    statements = [write_statement(folder / "tai-lieu", *found) for found in STATEMENTS[province]]
    run("init", folder / "so", "--province", province, "--year", "2025", "--program", "GNBV",
        "--program", "DTTS", env=env)
    ledger = folder / "so" / "main.beancount"
    run("import", *decisions[:-1], *statements[:-1], "--ledger", ledger, env=env)
    run("extend", ledger, "--from", "2025", "--into", "2026", "--decision", "257/2025/QH15",
        "--decision-date", "11/12/2025", "--date", "31/01/2026", env=env)
    run("import", decisions[-1], statements[-1], "--ledger", ledger, env=env)
    return ledger


class Nation(NamedTuple):
    folder: Path  # both provinces' exports
    ledgers: dict[str, Path]
    env: dict[str, str | None]


@pytest.fixture(scope="module")
def nation(tmp_path_factory: pytest.TempPathFactory) -> Nation:
    base = tmp_path_factory.mktemp("toan-quoc")
    env = isolated_env(base / "cache")
    ledgers = {code: build(base / code, code, env) for code in ("LaiChau", "TuyenQuang")}
    for ledger in ledgers.values():
        assert "Đã ghi" in run("export", "parquet", ledger, "-o", base / "pq", env=env).output
    return Nation(base / "pq", ledgers, env)


def as_json(*args: object, env: dict[str, str | None] | None = None) -> list[dict]:
    return json.loads(run(*args, "--format", "json", env=env).output)


def rollup(nation: Nation, *options: object) -> list[dict]:
    return as_json("rollup", nation.folder, *options, env=nation.env)


def report(nation: Nation, code: str, *options: object) -> list[dict]:
    return as_json("report", "disbursement", nation.ledgers[code], *options, env=nation.env)


def whole(rows: list[dict], level: str = "total") -> list[dict]:
    """The rows of ``level`` that are not a split by capital, source or plan year."""
    return [row for row in rows if row["level"] == level and row["source"] is None
            and row["capital"] is None and row["plan_year"] is None]


def figures(row: dict) -> dict[str, int]:
    return {key: row[key] for key in ("plan", "payments", "advances", "disbursed", "remaining")}


# --- 1. each province (by code or name; Hà Giang: its part of Tuyên Quang's books) as its own
@pytest.mark.parametrize("province, code", [
    ("LaiChau", "LaiChau"), ("Tuyên Quang", "TuyenQuang"), ("Hà Giang", "TuyenQuang")])
@pytest.mark.parametrize("options", [
    ("--by", "content"), ("--by", "project"), ("--as-of", "30/06/2026", "--by", "content"),
    ("--as-of", "15/08/2025", "--by", "subproject"), ("--plan-year", "2025", "--by", "unit"),
    ("--plan-year", "2026", "--by", "line"), ("--plan-year", "all", "--by", "content"),
    ("--by", "unit"), ("--by", "line"), ("--program", "GNBV", "--by", "content"),
    ("--program", "MTQG2635", "--by", "unit"), ("--merged-apart", "--by", "subproject"),
    ("--merged-apart", "--plan-year", "2025", "--as-of", "31/12/2025", "--by", "unit"),
    ("--plan-year", "2025", "--as-of", "30/06/2025", "--by", "program")], ids=" ".join)
def test_each_province_rolls_up_to_its_own_report(nation: Nation, province: str, code: str,
                                                  options: tuple[str, ...]) -> None:
    own = report(nation, code, "--province", province, *options)
    assert whole(own)[0]["plan"] > 0 or "MTQG2635" in options  # none of it in Hà Giang
    assert rollup(nation, "--province", province, *options) == own


# --- 2. the national total is the provinces' sum; a province level for each
@pytest.mark.parametrize("national, own", [
    ((), ("--as-of", "29/09/2026", "--plan-year", "2026")),  # the last movement of either
    (("--as-of", "30/06/2026"), ("--as-of", "30/06/2026", "--plan-year", "2026")),
    (("--plan-year", "2025", "--as-of", "31/12/2025"),) * 2,
    (("--plan-year", "all"), ("--plan-year", "all", "--as-of", "29/09/2026"))], ids=str)
def test_the_national_total_is_the_sum_of_the_provinces(nation: Nation, national: tuple,
                                                        own: tuple) -> None:
    rows = rollup(nation, "--by", "program", *national)
    totals = {code: figures(whole(report(nation, code, "--by", "program", *own))[0])
              for code in nation.ledgers}
    assert figures(whole(rows)[0]) == {key: totals["LaiChau"][key] + totals["TuyenQuang"][key]
                                       for key in totals["LaiChau"]}
    assert {row["province"]: figures(row) for row in whole(rows, "province")} == totals
    assert [row["title"] for row in whole(rows, "province")] == ["Lai Châu", "Tuyên Quang"]


def test_both_provinces_asked_are_the_nation_and_keep_their_titles(nation: Nation) -> None:
    rows = rollup(nation, "--by", "content", "--province", "LaiChau", "--province", "TuyenQuang")
    assert rows == rollup(nation, "--by", "content")
    assert {(row["province"], row["project"]): row["title"] for row in whole(rows, "content")
            if row["content"] == "ND01"} == {
        ("LaiChau", "HP1"): ND01, ("LaiChau", "HP2"): HP2_ND01,
        ("TuyenQuang", "HP1"): TQ_ND01, ("TuyenQuang", "HP2"): TQ_HP2_ND01}


# --- 3. Hà Giang's books in Tuyên Quang, or apart; in đồng as the 2025 documents give them
def test_the_merged_province_is_in_its_successor(nation: Nation) -> None:
    options = ("--by", "subproject", "--plan-year", "2025", "--as-of", "31/12/2025")
    rows, apart = rollup(nation, *options), rollup(nation, *options, "--merged-apart")
    assert {row["province"] for row in rows} == {None, "LaiChau", "TuyenQuang"}
    provinces = {row["title"]: row for row in whole(apart, "province")}
    assert sorted(provinces) == ["Hà Giang (cũ)", "Lai Châu", "Tuyên Quang"]
    assert provinces["Hà Giang (cũ)"]["province"] == "HaGiang"
    assert provinces["Hà Giang (cũ)"]["plan"] == 14_885_678_901_234
    folded = {row["province"]: row["plan"] for row in whole(rows, "province")}
    assert folded["TuyenQuang"] == provinces["Tuyên Quang"]["plan"] + 14_885_678_901_234
    assert figures(whole(apart)[0]) == figures(whole(rows)[0]) == {
        "plan": 128_220_000_000 + 85_500_000_000 + 14_885_678_901_234,
        "payments": 58_050_000_000 + 51_000_000_000 + 11_249_567_890_124,
        "advances": 12_300_000_000, "disbursed": 11_370_917_890_124,
        "remaining": 3_728_481_011_110}


# --- 4. the national quarterly form: provinces A and B, their sum
def cell(sheet: Worksheet, reference: str) -> int:
    """A form cell's figure; its formulas (=SUM(C15,C31), =C12-J12) worked out."""
    value = sheet[reference].value
    if isinstance(value, str) and value.startswith("=SUM("):
        return sum(cell(sheet, part) for part in value[5:-1].split(","))
    if isinstance(value, str):
        return cell(sheet, value[1:].split("-")[0]) - cell(sheet, value.split("-")[1])
    return value or 0


def form_lines(path: Path) -> dict[str, tuple[str, dict[str, int]]]:
    """TỔNG SỐ ("total") and the lettered lines: title, amounts by header (not the pace)."""
    sheet = load_workbook(path)["Báo cáo quý"]
    headers = {column: [text for row in (8, 9, 10) if (text := sheet.cell(row, column).value)][-1]
               for column in range(3, sheet.max_column + 1)}
    lines = {}
    for row in range(12, sheet.max_row + 1):
        number, title = sheet.cell(row, 1).value, sheet.cell(row, 2).value
        key = "total" if title == "TỔNG SỐ" else number
        if key in ("total", "A", "B", "C"):
            lines.setdefault(key, (title, {
                header: cell(sheet, sheet.cell(row, column).coordinate)
                for column, header in headers.items()
                if "#,##0" in sheet.cell(row, column).number_format
                and not header.startswith("Cần giải ngân")}))
    return lines


def test_the_national_quarterly_form(nation: Nation, tmp_path: Path) -> None:
    shown = run("rollup", nation.folder, "--quarterly", "2026Q3", "-o", tmp_path / "q.xlsx",
                env=nation.env).output
    assert "QUÝ III NĂM 2026" in shown and "toàn quốc" in shown
    national, own = form_lines(tmp_path / "q.xlsx"), {}
    for code, ledger in nation.ledgers.items():
        run("report", "quarterly", ledger, "--quarter", "2026Q3", "-o",
            tmp_path / f"{code}.xlsx", env=nation.env)
        own[code] = form_lines(tmp_path / f"{code}.xlsx")["total"][1]
    assert {key: title for key, (title, _) in national.items()} == \
        {"total": "TỔNG SỐ", "A": "Lai Châu", "B": "Tuyên Quang"}
    assert national["A"][1] == own["LaiChau"] and national["B"][1] == own["TuyenQuang"]
    assert len(own["LaiChau"]) >= 8 and own["LaiChau"].keys() == own["TuyenQuang"].keys()
    assert national["total"][1] == {header: own["LaiChau"][header] + own["TuyenQuang"][header]
                                    for header in own["LaiChau"]}
    assert national["total"][1]["Trong quý III năm 2026"] == 25_850_000_000 + 16_250_000_000


# --- 5. a re-export writes only what changed
def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {path.relative_to(folder).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
            for path in folder.rglob("*") if path.is_file()}


def test_a_re_export_writes_only_what_changed(nation: Nation, tmp_path: Path) -> None:
    folder, ledgers = tmp_path / "pq", {}
    for code, ledger in nation.ledgers.items():
        ledgers[code] = Path(shutil.copytree(ledger.parent, tmp_path / code)) / ledger.name
        run("export", "parquet", ledgers[code], "-o", folder)
    before = stamps(folder)
    assert all("unchanged, nothing written" in run("export", "parquet", ledger, "-o", folder)
               .output for ledger in ledgers.values())
    assert stamps(folder) == before and len(before) == 21
    options = ("--province", "LaiChau", "--by", "content")
    earlier = whole(as_json("rollup", folder, *options))[0]
    run("import", write_statement(tmp_path, *OCTOBER), "--ledger", ledgers["LaiChau"])
    assert "Đã ghi" in run("export", "parquet", ledgers["LaiChau"], "-o", folder).output
    after = stamps(folder)
    changed = [name for name in after if after[name] != before.get(name)]
    assert after.keys() == before.keys()
    assert any(name.startswith("movements/province=LaiChau/plan_year=2026/") for name in changed)
    assert not [name for name in changed if "TuyenQuang" in name.rpartition("/")[2]]
    rolled = as_json("rollup", folder, *options)
    assert rolled == as_json("report", "disbursement", ledgers["LaiChau"], *options)
    assert [whole(rolled)[0][key] - earlier[key] for key in ("payments", "advances")] == \
        [1_500_000_000, 7_350_000_000]


# --- 6. what cannot be rolled up or exported
def test_a_folder_without_an_export_is_refused(tmp_path: Path) -> None:
    (tmp_path / "chua-xuat").mkdir()
    result = run("rollup", tmp_path / "chua-xuat", code=1)
    assert f"{tmp_path / 'chua-xuat'}: không có số liệu xuất" in result.output


@pytest.fixture
def refused(nation: Nation, tmp_path: Path) -> tuple[Path, str]:
    """A copy of Lai Châu's books exported where Lai Châu is: the copy, what it said."""
    copy = Path(shutil.copytree(nation.ledgers["LaiChau"].parent, tmp_path / "ban-sao"))
    before, files = stamps(nation.folder), snapshot(nation.folder)
    result = run("export", "parquet", copy / "main.beancount", "-o", nation.folder, code=1,
                 env=nation.env)
    assert stamps(nation.folder) == before and snapshot(nation.folder) == files
    return copy / "main.beancount", result.output


def test_a_second_ledger_of_the_same_province_is_refused(nation: Nation, refused) -> None:
    assert "another ledger's export holds these provinces" in refused[1]
    assert f"từ sổ {nation.ledgers['LaiChau']}" in refused[1]


def test_the_refusal_names_the_ledger_refused_too(refused) -> None:
    assert str(refused[0]) in refused[1]
