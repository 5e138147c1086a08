"""Allocation decisions as provinces write them in 2026, end to end through ``mtqg``.

A DTTS appendix whose sub-project title differs from the catalogue by two words, a
row the importer must refuse (and the spelling that teaches it), and appendices of
the merged 2026-2035 programme (Hợp phần → Nội dung thành phần → Nội dung, money
given to communes and wards, "Kinh phí thường xuyên" / "Chi thường xuyên" columns)
for a province and for a centrally-run city. Amounts are checked to the đồng.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from beancount import loader
from click.testing import Result
from clirun import mtqg, snapshot
from openpyxl import Workbook

DTTS_PROGRAMME = "Chương trình MTQG phát triển kinh tế - xã hội vùng đồng bào DTTS và miền núi"
DTTS_DA5 = "Dự án 5: Phát triển giáo dục đào tạo nâng cao chất lượng nguồn nhân lực"
DTTS_TDA3_LOOSE = ("Tiểu dự án 3: Dự án phát triển giáo dục nghề nghiệp và giải quyết việc làm "
                   "cho người lao động vùng dân tộc thiểu số và miền núi")
DTTS_TDA4 = ("Tiểu dự án 4: Đào tạo nâng cao năng lực cho cộng đồng và cán bộ triển khai "
             "Chương trình ở các cấp")
MERGED_TITLE = ("PHÂN BỔ KẾ HOẠCH VỐN NĂM 2026 CHƯƠNG TRÌNH MỤC TIÊU QUỐC GIA XÂY DỰNG NÔNG THÔN "
                "MỚI, GIẢM NGHÈO BỀN VỮNG VÀ PHÁT TRIỂN KINH TẾ - XÃ HỘI VÙNG ĐỒNG BÀO DÂN TỘC "
                "THIỂU SỐ VÀ MIỀN NÚI GIAI ĐOẠN 2026 - 2035")
ND03 = "Nội dung 03: Hỗ trợ kết nối cung - cầu lao động, giới thiệu việc làm"
LAICHAU = "Income:Allocated:LaiChau"
HUE = "Income:Allocated:Hue"


def run(*args: object) -> Result:
    return mtqg(*args, code=None)


def new_books(tmp_path: Path, province: str = "LaiChau") -> Path:
    result = run("init", tmp_path / "so", "--province", province, "--year", 2026)
    assert result.exit_code == 0, result.output
    return tmp_path / "so" / "main.beancount"


def appendix(path: Path, title: list[str], capital: str, rows: list[list[object]],
             sources: tuple[str, str] = ("Ngân sách trung ương", "Ngân sách địa phương")) -> Path:
    """A decision's appendix: title lines, unit line, merged two-row header, rows, footer."""
    book = Workbook()
    sheet = book.active
    sheet.title = "PL01"
    for line in title:
        sheet.append([line])
    sheet.append([None] * 6 + ["Đơn vị: triệu đồng"])
    sheet.append(["STT", "Nội dung", "Tổng số", sources[0], None, sources[1], None, "Ghi chú"])
    sheet.append([None, None, None, "Vốn ĐTPT", capital, "Vốn ĐTPT", capital, None])
    header = sheet.max_row - 1
    for first, last in ((4, 5), (6, 7)):
        sheet.merge_cells(start_row=header, start_column=first, end_row=header, end_column=last)
    for column in (1, 2, 3, 8):
        sheet.merge_cells(start_row=header, start_column=column, end_row=header + 1,
                          end_column=column)
    for row in rows:
        sheet.append(row)
    sheet.append([])
    sheet.append(["Ghi chú: NSĐP bố trí vốn đối ứng theo quy định."])
    sheet.append([None, None, None, None, None, "KT. CHỦ TỊCH"])
    book.save(path)
    return path


def balances(ledger: Path, root: str) -> dict[str, int]:
    """Each account's balance under ``root``, from the books as Beancount loads them."""
    entries, errors, _ = loader.load_file(str(ledger))
    assert errors == []
    found: dict[str, int] = {}
    for entry in entries:
        for posting in getattr(entry, "postings", ()):
            if posting.account.startswith(root):
                found[posting.account] = found.get(posting.account, 0) + int(
                    posting.units.number)
    return found


def transactions(ledger: Path) -> list:
    entries, _, _ = loader.load_file(str(ledger))
    return [entry for entry in entries if hasattr(entry, "postings")]


def plan(ledger: Path, year: int, level: str, **codes: str) -> int:
    """The plan of one report row (its other codes, source and capital empty)."""
    result = run("report", "disbursement", ledger, "--plan-year", year, "--format", "json")
    assert result.exit_code == 0, result.output
    keys = ("program", "project", "subproject", "content", "source", "capital")
    rows = [row for row in json.loads(result.stdout) if row["level"] == level
            and all(row[key] == codes.get(key) for key in keys)]
    assert len(rows) == 1, rows
    assert isinstance(rows[0]["plan"], int)  # whole đồng, never a float
    return rows[0]["plan"]


# --- DTTS: a sub-project named with two words changed ---------------------------------------

DTTS_TITLE = ["UBND TỈNH LAI CHÂU", "", "Phụ lục II",
              "PHÂN BỔ CHI TIẾT KẾ HOẠCH VỐN NĂM 2025 CHƯƠNG TRÌNH MTQG PHÁT TRIỂN KT-XH VÙNG "
              "ĐỒNG BÀO DTTS VÀ MIỀN NÚI",
              "(Kèm theo Quyết định số 215/QĐ-UBND ngày 12/02/2025 của UBND tỉnh Lai Châu)"]


def dtts_rows(subproject: str = DTTS_TDA3_LOOSE) -> list[list[object]]:
    """TỔNG SỐ / I programme / 1 Dự án 5 / a TDA3 / b TDA4, text numbers in triệu đồng."""
    return [
        [None, "TỔNG SỐ", "13.715,796", "8.000", "5.196,178", None, "519,618"],
        ["I", DTTS_PROGRAMME, "13.715,796", "8.000", "5.196,178", None, "519,618"],
        ["1", DTTS_DA5, "13.715,796", "8.000", "5.196,178", None, "519,618"],
        ["a", subproject, "12.340,246", "8.000", "3.945,678", None, "394,568"],
        ["b", DTTS_TDA4, "1.375,55", None, "1.250,5", None, "125,05"],
    ]


def test_dtts_subproject_with_two_words_changed_imports_to_the_dong(tmp_path) -> None:
    ledger = new_books(tmp_path)
    decision = appendix(tmp_path / "QD-215-DTTS.xlsx", DTTS_TITLE, "Vốn sự nghiệp", dtts_rows())
    result = run("import", decision, "--ledger", ledger)
    assert result.exit_code == 0, result.output
    line = f"{LAICHAU}:DTTS:DA5"
    assert balances(ledger, "Income:Allocated") == {
        f"{line}:TDA3:NSTW:DTPT:Y2025": -8_000_000_000,
        f"{line}:TDA3:NSTW:SN:Y2025": -3_945_678_000,
        f"{line}:TDA3:NSDP:SN:Y2025": -394_568_000,
        f"{line}:TDA4:NSTW:SN:Y2025": -1_250_500_000,
        f"{line}:TDA4:NSDP:SN:Y2025": -125_050_000,
    }
    assert plan(ledger, 2025, "subproject", program="DTTS", project="DA5",
                subproject="TDA3") == 12_340_246_000
    assert plan(ledger, 2025, "total") == 13_715_796_000
    written = {entry.meta.get("written_as") for entry in transactions(ledger)
               if any(":TDA3:" in posting.account for posting in entry.postings)}
    assert written == {DTTS_TDA3_LOOSE}
    assert all("written_as" not in entry.meta for entry in transactions(ledger)
               if any(":TDA4:" in posting.account for posting in entry.postings))
    assert f"'{DTTS_TDA3_LOOSE}' → DTTS/DA5/TDA3" in result.stderr
    assert "chấp nhận gần đúng" in result.stderr
    assert DTTS_TDA4 not in result.stderr  # the catalogue's own words are not listed
    assert run("check", ledger).exit_code == 0


@pytest.mark.parametrize("title, closest, item", [
    # the words are another sub-project's: the printed lines teach that one
    ("Tiểu dự án 1: Phát triển giáo dục nghề nghiệp và giải quyết việc làm cho người lao động "
     "vùng DTTS và miền núi", ["DTTS/DA5/TDA3", "DTTS/DA5/TDA1"], None),
    # no such number, no such words: the officer picks the item in the printed lines
    ("Tiểu dự án 7: Hỗ trợ xây dựng nhà văn hóa thôn bản", ["DTTS/DA5/TDA"], "DTTS/DA5/TDA2"),
])
def test_a_refused_row_leaves_the_books_alone_until_taught(tmp_path, title, closest,
                                                           item) -> None:
    ledger = new_books(tmp_path)
    decision = appendix(tmp_path / "QD-215-DTTS.xlsx", DTTS_TITLE, "Vốn sự nghiệp",
                        dtts_rows(title))
    before = snapshot(ledger.parent)
    refused = run("import", decision, "--ledger", ledger)
    assert refused.exit_code != 0
    message = refused.output
    assert "QD-215-DTTS.xlsx, sheet 'PL01', dòng (row) 12, ô (cell) B12" in message
    listed = re.findall(r"^  (DTTS/\S+) \(", message, re.MULTILINE)
    assert [ref[:len(code)] for ref, code in zip(listed, closest, strict=False)] == closest
    teach = re.search(r'^\[\[spellings\]\]\ntext = "(.*)"\nitem = "(.*)"$', message, re.MULTILINE)
    assert teach is not None and teach.group(1) == title
    assert f"Tệp danh mục của sổ: {ledger.parent / 'catalogue.toml'}" in message[teach.end():]
    assert snapshot(ledger.parent) == before
    lines = teach.group(0).replace(f'item = "{teach.group(2)}"', f'item = "{item}"') \
        if item else teach.group(0)
    with (ledger.parent / "catalogue.toml").open("a", encoding="utf-8") as books_catalogue:
        books_catalogue.write("\n" + lines + "\n")
    taught = run("import", decision, "--ledger", ledger)
    assert taught.exit_code == 0, taught.output
    account = f"{LAICHAU}:{(item or closest[0]).replace('/', ':')}:NSTW:SN:Y2025"
    assert balances(ledger, account) == {account: -3_945_678_000}
    assert run("check", ledger).exit_code == 0


# --- the merged programme, 2026 ---------------------------------------------------------------

LAICHAU_2026 = ["UBND TỈNH LAI CHÂU", "", "PHỤ LỤC I", MERGED_TITLE,
                "(Kèm theo Quyết định số 58/QĐ-UBND ngày 20/02/2026 của UBND tỉnh Lai Châu)"]
LAICHAU_ROWS = [
    [None, "TỔNG SỐ", "38.001,071", "31.845,678", "2.700,75", "3.184,568", "270,075"],
    ["I", "Hợp phần thứ nhất", "7.920,825", "4.500", "2.700,75", "450", "270,075"],
    ["1", "Nội dung thành phần 4", "7.920,825", "4.500", "2.700,75", "450", "270,075"],
    ["a", "Nội dung 01: Hỗ trợ đào tạo nghề cho lao động nông thôn", "2.288,825", None,
     "2.080,75", None, "208,075"],
    ["-", "UBND xã Bum Nưa", "1.375,55", None, "1.250,5", None, "125,05"],
    ["-", "UBND phường Tân Phong", "913,275", None, "830,25", None, "83,025"],
    ["b", ND03, "5.632", "4.500", "620", "450", "62"],
    ["II", "Hợp phần thứ hai", "30.080,246", "27.345,678", None, "2.734,568", None],
    ["1", "Nội dung thành phần 01", "30.080,246", "27.345,678", None, "2.734,568", None],
    ["a", "Nội dung 02: Cứng hóa đường giao thông đến trung tâm xã, thôn bản", "30.080,246",
     "27.345,678", None, "2.734,568", None],
    ["-", "UBND xã Bum Nưa", "16.500", "15.000", None, "1.500", None],
    ["-", "UBND xã Mường Tè", "13.580,246", "12.345,678", None, "1.234,568", None],
]


@pytest.fixture
def laichau_2026(tmp_path) -> tuple[Path, Path]:
    """Books of Lai Châu and the province's 2026 decision of the merged programme."""
    decision = appendix(tmp_path / "QD-58-2026.xlsx", LAICHAU_2026, "Kinh phí thường xuyên",
                        LAICHAU_ROWS, sources=("NSTW", "NSĐP"))
    return new_books(tmp_path), decision


def test_the_merged_programme_books_each_commune_to_the_dong(laichau_2026) -> None:
    ledger, decision = laichau_2026
    result = run("import", decision, "--ledger", ledger)
    assert result.exit_code == 0, result.output
    hp1, hp2 = f"{LAICHAU}:MTQG2635:HP1:TP04", f"{LAICHAU}:MTQG2635:HP2:TP01"
    assert balances(ledger, "Income:Allocated") == {
        f"{hp1}:ND01:NSTW:SN:Y2026": -2_080_750_000,
        f"{hp1}:ND01:NSDP:SN:Y2026": -208_075_000,
        f"{hp1}:ND03:NSTW:DTPT:Y2026": -4_500_000_000,
        f"{hp1}:ND03:NSTW:SN:Y2026": -620_000_000,
        f"{hp1}:ND03:NSDP:DTPT:Y2026": -450_000_000,
        f"{hp1}:ND03:NSDP:SN:Y2026": -62_000_000,
        f"{hp2}:ND02:NSTW:DTPT:Y2026": -27_345_678_000,
        f"{hp2}:ND02:NSDP:DTPT:Y2026": -2_734_568_000,
    }
    details = sorted((entry.meta["unit"], int(entry.postings[0].units.number))
                     for entry in transactions(ledger) if ":ND01:" in entry.postings[0].account)
    assert details == [("UBND phường Tân Phong", 83_025_000), ("UBND phường Tân Phong",
                                                                830_250_000),
                       ("UBND xã Bum Nưa", 125_050_000), ("UBND xã Bum Nưa", 1_250_500_000)]
    assert {entry.payee for entry in transactions(ledger)} == {"UBND tỉnh Lai Châu"}
    assert plan(ledger, 2026, "total") == 38_001_071_000
    assert plan(ledger, 2026, "content", program="MTQG2635", project="HP1", subproject="TP04",
                content="ND03") == 5_632_000_000
    assert plan(ledger, 2026, "project", program="MTQG2635", project="HP2",
                capital="DTPT") == 30_080_246_000


def test_an_unlisted_noi_dung_joins_the_books_catalogue(laichau_2026) -> None:
    ledger, decision = laichau_2026
    result = run("import", decision, "--ledger", ledger)
    assert result.exit_code == 0, result.output
    assert "thêm vào danh mục của sổ (new catalogue item) MTQG2635/HP1/TP04/ND03" in result.stderr
    items = tomllib.loads((ledger.parent / "imports" / "catalogue.toml").read_text("utf-8"))
    hp1 = next(node for node in items["programs"][0]["projects"] if node["code"] == "HP1")
    contents = {node["code"]: node["title_vi"] for node in hp1["subprojects"][0]["contents"]}
    assert hp1["subprojects"][0]["code"] == "TP04"
    assert contents == {"ND01": "Nội dung 01: Hỗ trợ đào tạo nghề cho lao động nông thôn",
                        "ND03": ND03}
    assert "imports/catalogue.toml" in next(
        line for line in ledger.read_text("utf-8").splitlines() if line.startswith("plugin"))
    checked = run("check", ledger)
    assert checked.exit_code == 0 and "12 giao dịch" in checked.output
    found = run("find", "Nội dung 03", "--within", "MTQG2635/HP1/TP04")
    assert found.exit_code == 0 and "ND03" in found.output
    before = snapshot(ledger.parent)
    again = run("import", decision, "--ledger", ledger)  # the same decision once more
    assert again.exit_code == 0, again.output
    assert "bỏ qua 12 đã có trong sổ" in again.stderr and snapshot(ledger.parent) == before


def test_a_dry_run_writes_nothing(laichau_2026) -> None:
    ledger, decision = laichau_2026
    before = snapshot(ledger.parent)
    result = run("import", decision, "--ledger", ledger, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Income:Allocated:LaiChau:MTQG2635:HP1:TP04:ND03:NSTW:DTPT:Y2026" in result.stdout
    assert "-4500000000 VND" in result.stdout
    assert snapshot(ledger.parent) == before


HUE_2026 = ["UBND THÀNH PHỐ HUẾ", "", "Phụ lục",
            "PHÂN BỔ KẾ HOẠCH VỐN NĂM 2026 CHƯƠNG TRÌNH MTQG XÂY DỰNG NÔNG THÔN MỚI, GIẢM NGHÈO "
            "BỀN VỮNG VÀ PHÁT TRIỂN KT-XH VÙNG ĐỒNG BÀO DTTS VÀ MIỀN NÚI GIAI ĐOẠN 2026 - 2035",
            "(Kèm theo Quyết định số 1234/QĐ-UBND ngày 05/3/2026 của UBND thành phố Huế)"]
HUE_ROWS = [
    [None, "TỔNG SỐ", "13.584.317,341", "12.348.178,901", "1.200,5", "1.234.817,89", "120,05"],
    ["I", "Hợp phần thứ hai: Phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền "
     "núi", "13.584.317,341", "12.348.178,901", "1.200,5", "1.234.817,89", "120,05"],
    ["1", "Nội dung thành phần 01: Đầu tư xây dựng, hoàn thiện cơ sở hạ tầng đặc thù đồng bào "
     "DTTS và miền núi", "13.582.996,791", "12.348.178,901", None, "1.234.817,89", None],
    ["a", "Nội dung 01: Đầu tư công trình hạ tầng thiết yếu vùng đồng bào DTTS",
     "13.582.996,791", "12.348.178,901", None, "1.234.817,89", None],
    ["-", "UBND xã A Lưới 2", "13.580.246,791", 12345678.901, None, "1.234.567,89", None],
    ["-", "UBND xã A Lưới 3", "2.750", "2.500", None, "250", None],
    ["2", "Nội dung thành phần 3: Phát triển nguồn nhân lực vùng đồng bào DTTS và MN",
     "1.320,55", None, "1.200,5", None, "120,05"],
    ["a", "Nội dung 05: Đào tạo nghề cho lao động người dân tộc thiểu số", "1.320,55", None,
     "1.200,5", None, "120,05"],
]


def test_a_city_committee_and_amounts_above_ten_thousand_billion(tmp_path) -> None:
    ledger = new_books(tmp_path, "Hue")
    decision = appendix(tmp_path / "QD-1234-Hue.xlsx", HUE_2026, "Chi thường xuyên", HUE_ROWS,
                        sources=("NSTW", "NSĐP"))
    result = run("import", decision, "--ledger", ledger)
    assert result.exit_code == 0, result.output
    line = f"{HUE}:MTQG2635:HP2"
    assert balances(ledger, "Income:Allocated") == {
        f"{line}:TP01:ND01:NSTW:DTPT:Y2026": -12_348_178_901_000,
        f"{line}:TP01:ND01:NSDP:DTPT:Y2026": -1_234_817_890_000,
        f"{line}:TP03:ND05:NSTW:SN:Y2026": -1_200_500_000,
        f"{line}:TP03:ND05:NSDP:SN:Y2026": -120_050_000,
    }
    entries = transactions(ledger)
    assert {entry.payee for entry in entries} == {"UBND thành phố Huế"}
    biggest = max(int(posting.units.number) for entry in entries for posting in entry.postings)
    assert biggest == 12_345_678_901_000 > 10**13  # one commune's line, to the đồng
    assert {entry.meta["decision"] for entry in entries} == {"1234/QĐ-UBND"}
    assert plan(ledger, 2026, "total") == 13_584_317_341_000
    assert plan(ledger, 2026, "total", capital="SN") == 1_320_550_000
    assert plan(ledger, 2026, "content", program="MTQG2635", project="HP2", subproject="TP01",
                content="ND01", source="NSTW") == 12_348_178_901_000
    assert run("check", ledger).exit_code == 0


def test_a_title_naming_no_programme_takes_it_from_the_level_its_rows_name(tmp_path) -> None:
    """"KẾ HOẠCH VỐN NĂM 2026 CTMTQG" and rows "Hợp phần thứ nhất…": only the 2026–2035
    programme has Hợp phần, so the rows are its items, to the same đồng."""
    title = ["UBND TỈNH LAI CHÂU", "", "PHỤ LỤC I", "KẾ HOẠCH VỐN NĂM 2026 CTMTQG",
             "(Kèm theo Quyết định số 58/QĐ-UBND ngày 20/02/2026 của UBND tỉnh Lai Châu)"]
    decision = appendix(tmp_path / "QD-58.xlsx", title, "Kinh phí thường xuyên", LAICHAU_ROWS,
                        sources=("NSTW", "NSĐP"))
    ledger = new_books(tmp_path)
    result = run("import", decision, "--ledger", ledger)
    assert result.exit_code == 0, result.output
    assert plan(ledger, 2026, "project", program="MTQG2635", project="HP2",
                capital="DTPT") == 30_080_246_000
    assert plan(ledger, 2026, "total") == 38_001_071_000


def test_a_level_two_programmes_share_is_still_refused_without_a_programme(tmp_path) -> None:
    """"Dự án 4" in 2025 is GNBV's and DTTS's: a title naming neither is refused, clearly."""
    rows = [[None, "TỔNG SỐ", "100", "100", None, None, None],
            ["1", "Dự án 4: Phát triển giáo dục nghề nghiệp", "100", "100", None, None, None],
            ["a", "Tiểu dự án 1", "100", "100", None, None, None]]
    title = ["UBND TỈNH LAI CHÂU", "", "PHỤ LỤC", "KẾ HOẠCH VỐN NĂM 2025 CÁC CTMTQG",
             "(Kèm theo Quyết định số 12/QĐ-UBND ngày 10/01/2025 của UBND tỉnh Lai Châu)"]
    decision = appendix(tmp_path / "QD-1.xlsx", title, "Vốn sự nghiệp", rows)
    ledger = new_books(tmp_path)
    before = snapshot(ledger.parent)
    result = run("import", decision, "--ledger", ledger)
    assert result.exit_code != 0
    assert "QD-1.xlsx" in result.output and "Dự án 4" in result.output
    assert snapshot(ledger.parent) == before
