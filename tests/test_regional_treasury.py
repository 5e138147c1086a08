"""Statements of the regional State Treasuries (KBNN khu vực), as written since 1/7/2025.

A statement names its region and transaction office ("KHO BẠC NHÀ NƯỚC KHU VỰC IX",
"PHÒNG GIAO DỊCH SỐ 3"), not its province: the province comes from the books, from
--province or from a unit naming it. Books here are made by `mtqg init` for Lai Châu
(region IX with Lào Cai since 1/7/2025), with 2026 money of the 2026–2035 programme on
"Nội dung 01" of Hợp phần thứ nhất / Nội dung thành phần 4; statements are imported
through the command line.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from beancount import loader
from booktext import allocate, opens
from clirun import mtqg as run
from clirun import snapshot
from test_treasury import write_book

D = datetime.date
ND01 = "LaiChau:MTQG2635:HP1:TP04:ND01:NSTW:SN:Y2026"
PLAN = 7_500_000_000
# The books' catalogue names the "Nội dung" items, as an imported decision would; every
# nội dung thành phần has its own "Nội dung 01", so a row must name its NDTP too.
ND01_ITEM = """
[[programs]]
code = "MTQG2635"
[[programs.projects]]
code = "HP1"
[[programs.projects.subprojects]]
code = "TP04"
[[programs.projects.subprojects.contents]]
code = "ND01"
title_vi = "Nội dung 01: Hỗ trợ đào tạo nghề cho lao động nông thôn"
[[programs.projects.subprojects]]
code = "TP03"
[[programs.projects.subprojects.contents]]
code = "ND01"
title_vi = "Nội dung 01: Hỗ trợ phát triển sản xuất theo chuỗi giá trị"
"""
REGION_TITLE = ("BỘ TÀI CHÍNH", "KHO BẠC NHÀ NƯỚC KHU VỰC IX", "PHÒNG GIAO DỊCH SỐ 3",
                "BẢNG KÊ CHỨNG TỪ THANH TOÁN VỐN CÁC CHƯƠNG TRÌNH MTQG",
                "Từ ngày 01/03/2026 đến ngày 31/03/2026", "Đơn vị tính: đồng")
# Each cell of a movement row by key, and the header label of its column (None: absent).
LABELS = {"n": "STT", "day": "Ngày chứng từ", "voucher": "Số chứng từ", "code": "Mã ĐVQHNS",
          "unit": "Đơn vị", "text": "Diễn giải", "program": "Chương trình",
          "project": "Dự án/Hợp phần", "sub": "Tiểu dự án/Nội dung thành phần",
          "content": "Nội dung", "source": "Nguồn vốn", "capital": "Loại vốn",
          "kind": "Nghiệp vụ", "year": "Năm KH", "amount": "Số tiền"}


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write("\n" + text)


def new_books(folder: Path, *others: str) -> Path:
    """Lai Châu's books by `mtqg init`, with 2026 money on Nội dung 01 (and on the same
    line of each other province, so that the books keep several provinces)."""
    run("init", folder, "--province", "LaiChau", "--year", "2026")
    append(folder / "catalogue.toml", ND01_ITEM)
    lines = [ND01, *(ND01.replace("LaiChau", other) for other in others)]
    ledger = folder / "main.beancount"
    append(ledger, opens(*lines, day="2026-01-01") + "".join(
        allocate("2026-02-10", line, PLAN, "125/QĐ-UBND") for line in lines))
    return ledger


def voucher(number: int, kind: str = "Thanh toán", amount: object = 1_250_000_000,
            **cells: object) -> dict[str, object]:
    """A movement of 2026 money on Nội dung 01, paid to a commune."""
    return {"n": number, "day": D(2026, 3, number + 1), "voucher": f"KV9-PGD3-{number:05d}",
            "code": "1098765", "unit": "UBND xã Bình Lư",
            "text": "Chi hỗ trợ đào tạo nghề cho lao động nông thôn",
            "program": "Chương trình MTQG 2026-2035", "project": "Hợp phần thứ nhất",
            "sub": "Nội dung thành phần 4", "content": "Nội dung 01", "source": "NSTW",
            "capital": "Vốn sự nghiệp", "kind": kind, "year": 2026, "amount": amount} | cells


def statement(folder: Path, rows: list[dict], *, title=REGION_TITLE, labels=None,
              name: str = "KBNN-KV9-PGD3-T03-2026.xlsx") -> Path:
    """A statement workbook: title lines, the header, the movements, a total, signatures."""
    labels = LABELS if labels is None else labels
    keys = [key for key, label in labels.items() if label]
    total = ["Tổng cộng", *[None] * (len(keys) - 2),
             sum(row["amount"] for row in rows if isinstance(row["amount"], int))]
    sheet = [*([line] for line in title), [labels[key] for key in keys],
             *([row[key] for key in keys] for row in rows), total, [],
             [None, "Người lập biểu", None, None, "Kế toán trưởng", None, "Giám đốc"]]
    return write_book(folder / name, {"Bảng kê": sheet})


def booked(ledger: Path) -> dict[str, dict[str, int]]:
    """The postings of each imported treasury voucher in the books, by voucher."""
    entries, errors, _ = loader.load_file(str(ledger))
    assert errors == [], errors
    return {entry.meta["voucher"]: {p.account: int(p.units.number) for p in entry.postings}
            for entry in entries if "source_file" in getattr(entry, "meta", {})}


def paid_on(line: str, amount: int) -> dict[str, int]:
    return {f"Expenses:Disbursed:{line}": amount, f"Assets:Appropriation:{line}": -amount}




# --- the header naming the treasury


@pytest.mark.parametrize("title", [
    ("KHO BẠC NHÀ NƯỚC KHU VỰC IX",),
    ("Kho bạc Nhà nước khu vực 9",),
    ("kho bạc nhà nước khu vực ix", "phòng giao dịch số 3"),
    ("KBNN khu vực IX – Phòng Giao dịch số 3",),
    ("KBNN KHU VỰC 9 - PGD SỐ 3",),
    ("Kho bạc Nhà nước Khu vực 09 – PGD số 03",),
    ("BỘ TÀI CHÍNH", "KHO BẠC NHÀ NƯỚC", "KHO BẠC NHÀ NƯỚC KHU VỰC IX", "PHÒNG GIAO DỊCH SỐ 3"),
    ("PHÒNG GIAO DỊCH SỐ 3", "KBNN Khu vực IX"),
    ("KHO BẠC NHÀ NƯỚC KHU VỰC IX (LÀO CAI - LAI CHÂU)",),
    ("KBNN KV IX - PGD số 3",),
    ("KBNN KV9 - Phòng Giao dịch số 3",),
])
def test_the_region_decides_between_provinces_of_different_regions(tmp_path, title) -> None:
    # Thanh Hóa is served by region XI: of the books' two provinces, only Lai Châu fits IX.
    ledger = new_books(tmp_path / "so", "ThanhHoa")
    path = statement(tmp_path, [voucher(1), voucher(2, amount=2_000_000_001)],
                     title=(*title, "BẢNG KÊ CHỨNG TỪ THANH TOÁN", "Đơn vị tính: đồng"))
    shown = run("import", path, "--ledger", ledger).output
    assert "tỉnh Lai Châu lấy từ sổ (Kho bạc Nhà nước khu vực IX không ghi tỉnh)" in shown
    assert booked(ledger) == {"KV9-PGD3-00001": paid_on(ND01, 1_250_000_000),
                              "KV9-PGD3-00002": paid_on(ND01, 2_000_000_001)}


def test_books_of_one_province_give_it_and_the_summary_says_so(tmp_path) -> None:
    ledger = new_books(tmp_path / "so")
    path = statement(tmp_path, [voucher(1)])
    shown = run("import", path, "--ledger", ledger).output
    assert f"{path.name}, sheet 'Bảng kê': tỉnh Lai Châu lấy từ sổ (Kho bạc Nhà nước khu vực " \
           "IX không ghi tỉnh) — province taken from the books" in shown
    assert "Đã thêm 1 giao dịch" in shown
    assert booked(ledger) == {"KV9-PGD3-00001": paid_on(ND01, 1_250_000_000)}


@pytest.mark.parametrize("title", [
    REGION_TITLE,
    ("Kho bạc Nhà nước khu vực 9 - Phòng Giao dịch số 3", "Năm 2026"),
    ("KBNN KHU VỰC IX", "BẢNG KÊ CHỨNG TỪ"),
])
def test_two_provinces_of_the_region_are_refused_and_nothing_changes(tmp_path, title) -> None:
    ledger = new_books(tmp_path / "so", "LaoCai")
    before = snapshot(ledger.parent)
    path = statement(tmp_path, [voucher(1)], title=title)
    result = run("import", path, "--ledger", ledger, code=1)
    assert "không xác định được tỉnh của bảng kê (Kho bạc Nhà nước khu vực IX)" in result.output
    assert "it could be: LaiChau (Lai Châu), LaoCai (Lào Cai)" in result.output
    assert "--province" in result.output and path.name in result.output
    assert snapshot(ledger.parent) == before


def test_a_region_serving_none_of_the_books_provinces_is_refused(tmp_path) -> None:
    ledger = new_books(tmp_path / "so")
    before = snapshot(ledger.parent)
    path = statement(tmp_path, [voucher(1)], title=("KHO BẠC NHÀ NƯỚC KHU VỰC X", "PGD SỐ 2"))
    result = run("import", path, "--ledger", ledger, code=1)
    assert "it could be: DienBien (Điện Biên), SonLa (Sơn La)" in result.output
    assert snapshot(ledger.parent) == before


@pytest.mark.parametrize("other", ["DienBien", "SonLa"])
def test_a_province_the_region_served_before_july_2025_does_not_count(tmp_path, other) -> None:
    # Điện Biên and Sơn La were served by region IX until 30/6/2025, by region X since.
    ledger = new_books(tmp_path / "so", other)
    path = statement(tmp_path, [voucher(1)])
    run("import", path, "--ledger", ledger)
    assert booked(ledger) == {"KV9-PGD3-00001": paid_on(ND01, 1_250_000_000)}


def test_the_refusal_lists_the_provinces_the_region_serves_on_the_statement_date(
        tmp_path) -> None:
    ledger = new_books(tmp_path / "so")
    path = statement(tmp_path, [voucher(1)], title=("KHO BẠC NHÀ NƯỚC KHU VỰC VIII",))
    result = run("import", path, "--ledger", ledger, code=1)
    assert "it could be: PhuTho (Phú Thọ), TuyenQuang (Tuyên Quang)" in result.output


@pytest.mark.parametrize("option, province", [
    ("LaiChau", "LaiChau"), ("Lào Cai", "LaoCai"), ("lai chau", "LaiChau")])
def test_the_province_option_chooses(tmp_path, option, province) -> None:
    ledger = new_books(tmp_path / "so", "LaoCai")
    path = statement(tmp_path, [voucher(1)])
    shown = run("import", path, "--ledger", ledger, "--province", option).output
    assert "lấy từ sổ" not in shown
    line = ND01.replace("LaiChau", province)
    assert booked(ledger) == {"KV9-PGD3-00001": paid_on(line, 1_250_000_000)}


@pytest.mark.parametrize("title", [
    ("KHO BẠC NHÀ NƯỚC LAI CHÂU", "BẢNG KÊ CHỨNG TỪ THANH TOÁN"),
    ("Kho bạc Nhà nước tỉnh Lai Châu",),
    ("KBNN LAI CHÂU - PHÒNG KIỂM SOÁT CHI",),
    ("KHO BẠC NHÀ NƯỚC KHU VỰC IX", "Đơn vị sử dụng ngân sách: UBND tỉnh Lai Châu"),
])
def test_a_title_naming_the_province_decides(tmp_path, title) -> None:
    ledger = new_books(tmp_path / "so", "LaoCai")
    path = statement(tmp_path, [voucher(1)], title=title)
    shown = run("import", path, "--ledger", ledger).output
    assert "lấy từ sổ" not in shown
    assert booked(ledger) == {"KV9-PGD3-00001": paid_on(ND01, 1_250_000_000)}


def test_units_naming_the_province_decide(tmp_path) -> None:
    ledger = new_books(tmp_path / "so", "LaoCai")
    path = statement(tmp_path, [
        voucher(1, unit="Sở Nông nghiệp và Môi trường tỉnh Lai Châu", code="1123401"),
        voucher(2, unit="Ban Quản lý dự án đầu tư xây dựng tỉnh Lai Châu", code="7701234")])
    run("import", path, "--ledger", ledger)
    assert booked(ledger) == {"KV9-PGD3-00001": paid_on(ND01, 1_250_000_000),
                              "KV9-PGD3-00002": paid_on(ND01, 1_250_000_000)}


# --- the columns and how the programme's cells are written



@pytest.mark.parametrize("labels", [
    {},
    {"project": "Dự án / Hợp phần", "sub": "Tiểu dự án / Nội dung thành phần",
     "year": "Năm kế hoạch"},
    {"project": "Dự án (Hợp phần)", "sub": "Tiểu dự án (Nội dung thành phần)",
     "year": "Năm ngân sách", "code": "Mã QHNS", "day": "Ngày hạch toán", "voucher": "Số CT"},
    {"text": None},  # no Diễn giải: "Nội dung" holds "Nội dung 01", the third level
    {"text": None, "year": None, "code": "Mã đơn vị", "unit": "Chủ đầu tư"},
    {"project": "Hợp phần", "sub": "Nội dung thành phần"},
    {"project": "Hợp phần", "sub": "Nội dung thành phần", "text": "Trích yếu", "year": "Năm NS"},
])
def test_column_headings_of_2026_statements(tmp_path, labels) -> None:
    ledger = new_books(tmp_path / "so")
    rows = [voucher(1), voucher(2, "Tạm ứng", 300_000_000), voucher(3, "Thu hồi tạm ứng",
                                                                   300_000_000)]
    path = statement(tmp_path, rows, labels=LABELS | labels)
    run("import", path, "--ledger", ledger)
    assert booked(ledger) == {
        "KV9-PGD3-00001": paid_on(ND01, 1_250_000_000),
        "KV9-PGD3-00002": {f"Assets:Advance:{ND01}": 300_000_000,
                           f"Assets:Appropriation:{ND01}": -300_000_000},
        "KV9-PGD3-00003": {f"Expenses:Disbursed:{ND01}": 300_000_000,
                           f"Assets:Advance:{ND01}": -300_000_000}}


@pytest.mark.parametrize("program, project, sub, content", [
    ("Chương trình MTQG 2026-2035", "Hợp phần thứ nhất", "Nội dung thành phần 4", "Nội dung 01"),
    ("Chương trình mục tiêu quốc gia về xây dựng nông thôn mới, giảm nghèo bền vững và phát "
     "triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền núi giai đoạn 2026 - 2035",
     "Hợp phần 1", "Nội dung thành phần 04",
     "Nội dung 01: Hỗ trợ đào tạo nghề cho lao động nông thôn"),
    ("MTQG2635", "HP1", "TP04", "ND01"),
    ("Chương trình hợp nhất", "HP 1", "NDTP 4", "ND 01"),
    ("CTMTQG giai đoạn 2026-2035", "Hợp phần I", "Nội dung thành phần số 4", "Nội dung 1"),
    ("CTMTQG NTM, GNBV và phát triển KT-XH vùng đồng bào DTTS&MN", "HP1", "NDTP04", "ND01"),
    # The words of GNBV's title, but 2026 money: the programme of 2026-2035.
    ("Giảm nghèo bền vững", "Hợp phần thứ nhất", "Nội dung thành phần 4", "Nội dung 01"),
])
def test_the_2026_2035_programme_as_statements_write_it(tmp_path, program, project, sub,
                                                        content) -> None:
    ledger = new_books(tmp_path / "so")
    taught = (ledger.parent / "catalogue.toml").read_bytes()
    path = statement(tmp_path, [voucher(1, program=program, project=project, sub=sub,
                                        content=content)])
    shown = run("import", path, "--ledger", ledger).output
    assert booked(ledger) == {"KV9-PGD3-00001": paid_on(ND01, 1_250_000_000)}
    # Nội dung 01 of Nội dung thành phần 4 was known: no new item, the books' catalogue kept.
    assert "new catalogue item" not in shown
    assert (ledger.parent / "catalogue.toml").read_bytes() == taught


# --- communes as units, and their codes


@pytest.mark.parametrize("code_label", ["Mã ĐVQHNS", "Mã QHNS", "Mã ĐVSDNS", "Mã đơn vị"])
def test_communes_and_their_unit_codes(tmp_path, code_label) -> None:
    ledger = new_books(tmp_path / "so")
    title = (*REGION_TITLE[:3], "Đơn vị sử dụng ngân sách: UBND các xã, phường",
             *REGION_TITLE[3:])
    rows = [voucher(1, unit="UBND xã Bình Lư", code="1098765", amount=10),
            voucher(2, unit="UBND phường Tân Phong", code=1123456, amount=20),
            voucher(3, unit="UBND xã Phong Thổ", code="0012345", amount=30),
            voucher(4, unit="Ủy ban nhân dân xã Sìn Hồ", code=None, amount=40)]
    path = statement(tmp_path, rows, title=title, labels=LABELS | {"code": code_label})
    run("import", path, "--ledger", ledger)
    entries, errors, _ = loader.load_file(str(ledger))
    found = {entry.meta["voucher"]: entry for entry in entries
             if "voucher" in getattr(entry, "meta", {})}
    assert {voucher: (entry.payee, entry.meta.get("unit_code"), entry.meta["row"])
            for voucher, entry in found.items()} == {
        "KV9-PGD3-00001": ("UBND xã Bình Lư", "1098765", 9),
        "KV9-PGD3-00002": ("UBND phường Tân Phong", "1123456", 10),
        "KV9-PGD3-00003": ("UBND xã Phong Thổ", "0012345", 11),
        "KV9-PGD3-00004": ("Ủy ban nhân dân xã Sìn Hồ", None, 12)}
    assert {entry.postings[0].account for entry in found.values()} == \
        {f"Expenses:Disbursed:{ND01}"}
    assert errors == []


@pytest.mark.parametrize("title, province", [
    ("KHO BẠC NHÀ NƯỚC KHU VỰC XI", "ThanhHoa"),
    ("Kho bạc Nhà nước khu vực 11 - Phòng Giao dịch số 2", "ThanhHoa"),
    ("KBNN KHU VỰC IX - PGD SỐ 3", "LaiChau"),
    ("kbnn khu vực 9", "LaiChau"),
])
def test_xi_and_ix_are_told_apart(tmp_path, title, province) -> None:
    ledger = new_books(tmp_path / "so", "ThanhHoa")
    run("import", statement(tmp_path, [voucher(1)], title=(title,)), "--ledger", ledger)
    line = ND01.replace("LaiChau", province)
    assert booked(ledger) == {"KV9-PGD3-00001": paid_on(line, 1_250_000_000)}




@pytest.mark.parametrize("grouped", [False, True])
def test_two_header_rows_and_one_sheet_per_transaction_office(tmp_path, grouped) -> None:
    ledger = new_books(tmp_path / "so")
    top = ["STT", "Chứng từ", None, "Đơn vị sử dụng ngân sách", None, "Diễn giải",
           "Chương trình, dự án", None, None, None if grouped else "Nội dung", "Nguồn vốn",
           "Loại vốn", "Nghiệp vụ", "Năm KH", "Số tiền"]
    below = [None, "Số", "Ngày", "Mã ĐVQHNS", "Tên đơn vị", None, "Chương trình",
             "Dự án/Hợp phần", "Tiểu dự án/Nội dung thành phần", "Nội dung" if grouped else None]
    merges = ["B7:C7", "D7:E7", "G7:J7" if grouped else "G7:I7",
              *(f"{c}7:{c}8" for c in ("AFKLMNO" if grouped else "AFJKLMNO"))]
    sheets = {}
    for office, unit, amount in ((3, "UBND xã Bình Lư", 700_000_000),
                                 (7, "UBND phường Đoàn Kết", 800_000_001)):
        row = voucher(office, amount=amount, unit=unit)
        sheets[f"PGD số {office}"] = [
            ["KHO BẠC NHÀ NƯỚC KHU VỰC IX"], [f"PHÒNG GIAO DỊCH SỐ {office}"], [],
            ["BẢNG KÊ CHỨNG TỪ THANH TOÁN VỐN CTMTQG"], ["Tháng 3 năm 2026"],
            ["Đơn vị tính: đồng"], top, below, [str(number) for number in range(1, 16)],
            [row[key] for key in ("n", "voucher", "day", "code", "unit", "text", "program",
                                  "project", "sub", "content", "source", "capital", "kind",
                                  "year", "amount")]]
    path = write_book(tmp_path / "KBNN-KV9-T03-2026.xlsx", sheets,
                      {name: merges for name in sheets})
    shown = run("import", path, "--ledger", ledger).output
    assert shown.count("tỉnh Lai Châu lấy từ sổ") == 2
    assert booked(ledger) == {"KV9-PGD3-00003": paid_on(ND01, 700_000_000),
                              "KV9-PGD3-00007": paid_on(ND01, 800_000_001)}
