"""State Treasury (KBNN) statement importer: workbooks built here with openpyxl."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from beancount import loader
from beancount.core import data
from beancount.parser import printer

from mtqgledger.importers.statement_lines import classify_kind
from mtqgledger.importers.treasury import TreasuryImporter, looks_like_statement, read_statement
from mtqgledger.importers.workbook import ImportProblem
from mtqgledger.model.accounts import Root
from mtqgledger.model.catalogue_files import load_catalogue

D = datetime.date
TDA2 = "LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025"
TDA3 = "LaiChau:GNBV:DA4:TDA3:NSTW:SN:Y2025"
OLD = "LaiChau:GNBV:DA1:TDA1:NSTW:DTPT:Y2024"

TITLE = [["KHO BẠC NHÀ NƯỚC LAI CHÂU"],
         ["BẢNG KÊ CHỨNG TỪ THANH TOÁN VỐN CHƯƠNG TRÌNH MTQG"],
         ["Năm 2025"],
         ["Đơn vị: đồng"]]
HEADER = ["STT", "Ngày chứng từ", "Số chứng từ", "Mã ĐVQHNS", "Đơn vị", "Nội dung",
          "Chương trình", "Dự án", "Tiểu dự án", "Nguồn vốn", "Loại vốn", "Nghiệp vụ",
          "Số tiền"]
UNIT = "Trung tâm Dịch vụ việc làm tỉnh"
GDNN = "Trung tâm GDNN-GDTX Tân Uyên"


def movement(day, voucher, sub, kind, amount, *, unit=UNIT, text="", program="Giảm nghèo bền vững",
             project="Dự án 4", source="NSTW", capital="Vốn sự nghiệp", unit_code="1234567"):
    return [None, day, voucher, unit_code, unit, text, program, project, sub, source, capital,
            kind, amount]


# Title rows 1-4, header row 5, movements from row 6.
MOVEMENTS = [
    movement(D(2025, 8, 5), "KBLC-25-02271", "Tiểu dự án 2", "Tạm ứng", 300_000_000,
             text="Tạm ứng kinh phí đào tạo ngoại ngữ"),
    movement("18/06/2025", "KBLC-25-01701", "TDA3", "Thanh toán", "1.700.000.000",
             text="Thanh toán kinh phí kết nối cung cầu lao động", program="GNBV",
             project="DA4", source="Ngân sách trung ương", capital="SN"),
    movement(D(2025, 10, 28), "KBLC-25-03352", "Tiểu dự án 2", "Thu hồi tạm ứng", 150_000_000),
    movement(D(2025, 10, 29), "KBLC-25-03353", "Tiểu dự án 2", "Thanh toán tạm ứng",
             100_000_000, text="Thanh toán khối lượng hoàn thành từ tạm ứng"),
    movement(D(2025, 10, 5), "KBLC-25-03015", "Tiểu dự án 3", "Nộp trả (giảm chi)",
             120_000_000, unit=GDNN, unit_code="", text="Nộp trả kinh phí thanh toán thừa"),
    movement(D(2025, 11, 3), 3400, "Tiểu dự án 2", "Nộp trả tạm ứng", 50_000_000),
    ["Tổng cộng", None, None, None, None, None, None, None, None, None, None, None,
     2_420_000_000],
    [],
    [None, None, None, None, "Người lập biểu", None, None, None, None, "Giám đốc"],
]


def write_book(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None
               = None) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cells in (merges or {}).get(name, []):
            sheet.merge_cells(cells)
    book.save(path)
    return path


def statement(tmp_path: Path, rows=None, *, title=None, header=None, name="KB.xlsx",
              extra_sheets: dict[str, list[list]] | None = None) -> Path:
    sheet = [*(TITLE if title is None else title), header or HEADER,
             *(MOVEMENTS if rows is None else rows)]
    return write_book(tmp_path / name, {"KB": sheet, **(extra_sheets or {})})


def postings(entry: data.Transaction) -> list[tuple[str, int]]:
    return [(p.account, int(p.units.number)) for p in entry.postings]


def by_voucher(entries) -> dict[str, data.Transaction]:
    return {entry.meta["voucher"]: entry for entry in entries}


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


# --- the four kinds across two lines


def test_every_kind_posts_to_the_model_accounts(tmp_path, catalogue):
    result = read_statement(statement(tmp_path), catalogue)
    assert result.sheets == ["KB"] and result.ignored == []
    found = by_voucher(result.entries)
    assert len(result.entries) == 6  # the total and the signature rows are not movements
    assert postings(found["KBLC-25-02271"]) == [
        (f"Assets:Advance:{TDA2}", 300_000_000), (f"Assets:Appropriation:{TDA2}", -300_000_000)]
    assert postings(found["KBLC-25-01701"]) == [
        (f"Expenses:Disbursed:{TDA3}", 1_700_000_000),
        (f"Assets:Appropriation:{TDA3}", -1_700_000_000)]
    assert postings(found["KBLC-25-03352"]) == [
        (f"Expenses:Disbursed:{TDA2}", 150_000_000), (f"Assets:Advance:{TDA2}", -150_000_000)]
    assert postings(found["KBLC-25-03353"]) == [
        (f"Expenses:Disbursed:{TDA2}", 100_000_000), (f"Assets:Advance:{TDA2}", -100_000_000)]
    assert postings(found["KBLC-25-03015"]) == [
        (f"Assets:Appropriation:{TDA3}", 120_000_000),
        (f"Expenses:Disbursed:{TDA3}", -120_000_000)]
    assert postings(found["3400"]) == [
        (f"Assets:Appropriation:{TDA2}", 50_000_000), (f"Assets:Advance:{TDA2}", -50_000_000)]
    kinds = {voucher: entry.meta["kind"] for voucher, entry in found.items()}
    assert kinds == {"KBLC-25-02271": "tam-ung", "KBLC-25-01701": "thanh-toan",
                     "KBLC-25-03352": "thu-hoi-tam-ung", "KBLC-25-03353": "thu-hoi-tam-ung",
                     "KBLC-25-03015": "giam-chi", "3400": "giam-chi"}
    for entry in result.entries:
        assert all(p.units.currency == "VND" for p in entry.postings)
        assert all(p.units.number == p.units.number.to_integral_value() for p in entry.postings)


def test_transaction_fields_and_metadata(tmp_path, catalogue):
    path = statement(tmp_path)
    entries = read_statement(path, catalogue).entries
    advance = entries[0]
    assert advance.date == D(2025, 8, 5) and advance.flag == "*"
    assert advance.payee == UNIT
    assert advance.narration == "Tạm ứng kinh phí đào tạo ngoại ngữ"
    assert advance.meta["filename"] == str(path) and advance.meta["lineno"] == 6
    assert advance.meta["voucher"] == "KBLC-25-02271"
    assert advance.meta["source_file"] == "KB.xlsx"
    assert advance.meta["sheet"] == "KB" and advance.meta["row"] == 6
    assert advance.meta["unit_code"] == "1234567"
    payment = entries[1]
    assert payment.date == D(2025, 6, 18)  # a dd/mm/yyyy text date
    assert payment.meta["row"] == 7
    settlement = entries[2]
    assert settlement.narration == "Thu hồi tạm ứng"  # no Nội dung: the kind names it
    returned = entries[4]
    assert returned.payee == GDNN and "unit_code" not in returned.meta
    assert entries[5].meta["voucher"] == "3400"  # a numeric voucher cell, read as typed


def test_amounts_in_trieu_dong_with_decimals(tmp_path, catalogue):
    title = [*TITLE[:3], ["Đơn vị: triệu đồng"]]
    rows = [movement(D(2025, 3, 1), "KB-1", "TDA2", "Thanh toán", "1.234,5"),
            movement(D(2025, 3, 2), "KB-2", "TDA2", "Thanh toán", 12.5),
            movement(D(2025, 3, 3), "KB-3", "TDA2", "Tạm ứng", "0,000001")]
    entries = read_statement(statement(tmp_path, rows, title=title), catalogue).entries
    assert [int(e.postings[0].units.number) for e in entries] == [1_234_500_000, 12_500_000, 1]


def test_two_header_rows_and_numbering_row(tmp_path, catalogue):
    top = ["STT", "Chứng từ", None, "Đơn vị", "Diễn giải", "Mã dòng vốn", "Nguồn vốn",
           "Loại vốn", "Loại", "Số tiền (đồng)"]
    below = [None, "Số", "Ngày", None, None, None, None, None, None, None]
    numbering = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]
    row = [1, "KB-9", "05/03/2025", UNIT, "Chi hỗ trợ", "GNBV/DA4/TDA2", "NSĐP",
           "Chi thường xuyên", "Thanh toán", 1000]
    merges = ["B5:C5", "A5:A6", "D5:D6", "E5:E6", "F5:F6", "G5:G6", "H5:H6", "I5:I6", "J5:J6"]
    path = write_book(tmp_path / "two.xlsx", {"S": [*TITLE, top, below, numbering, row]},
                      {"S": merges})
    entry, = read_statement(path, catalogue).entries
    assert entry.date == D(2025, 3, 5) and entry.meta["voucher"] == "KB-9"
    assert entry.meta["row"] == 8 and entry.narration == "Chi hỗ trợ"
    assert postings(entry)[0] == ("Expenses:Disbursed:LaiChau:GNBV:DA4:TDA2:NSDP:SN:Y2025",
                                  1000)


def test_programme_source_and_capital_from_the_title_and_kind_from_the_narration(
        tmp_path, catalogue):
    title = [["KHO BẠC NHÀ NƯỚC LAI CHÂU"],
             ["BẢNG KÊ CHỨNG TỪ CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG"],
             ["Vốn sự nghiệp - Ngân sách trung ương"], ["Năm 2025"], ["Đơn vị: đồng"]]
    header = ["Ngày", "Số CT", "Chủ đầu tư", "Diễn giải", "Dự án", "Tiểu dự án", "Số tiền"]
    rows = [[D(2025, 5, 2), "KB-1", UNIT, "Tạm ứng hợp đồng đào tạo", "Dự án 4",
             "Tiểu dự án 2", 70],
            [D(2025, 5, 3), "KB-2", UNIT, "Thanh toán tạm ứng hợp đồng đào tạo", "Dự án 4",
             "Tiểu dự án 2", 70]]
    first, second = read_statement(statement(tmp_path, rows, title=title, header=header),
                                   catalogue).entries
    assert postings(first) == [(f"Assets:Advance:{TDA2}", 70),
                               (f"Assets:Appropriation:{TDA2}", -70)]
    assert postings(second) == [(f"Expenses:Disbursed:{TDA2}", 70),
                                (f"Assets:Advance:{TDA2}", -70)]
    assert first.payee == UNIT and first.meta["kind"] == "tam-ung"


# --- the line as a code column


def test_code_column_with_a_code_table(tmp_path, catalogue):
    table = tmp_path / "codes.toml"
    table.write_text('[codes]\n"0061" = "GNBV/DA4/TDA2"\n"0062" = "GNBV/DA4/TDA3"\n',
                     encoding="utf-8")
    header = ["Ngày hạch toán", "Số CT", "Mã CTMT", "Nguồn vốn", "Loại vốn", "Hình thức",
              "Số tiền"]
    rows = [[D(2025, 4, 1), "KB-1", "0061", "NSTW", "ĐTPT", "Thanh toán", 5_000],
            [D(2025, 4, 2), "KB-2", 62, "NSTW", "Vốn đầu tư phát triển", "Tạm ứng", 7_000],
            [D(2025, 4, 3), "KB-3", "GNBV/DA4/TDA1", "NSĐP", "Vốn sự nghiệp", "Thanh toán",
             9_000]]
    path = statement(tmp_path, rows, header=header)
    entries = read_statement(path, catalogue, codes=table).entries
    assert [e.postings[0].account for e in entries] == [
        "Expenses:Disbursed:LaiChau:GNBV:DA4:TDA2:NSTW:DTPT:Y2025",
        "Assets:Advance:LaiChau:GNBV:DA4:TDA3:NSTW:DTPT:Y2025",  # 62: leading zeros lost
        "Expenses:Disbursed:LaiChau:GNBV:DA4:TDA1:NSDP:SN:Y2025",
    ]
    assert entries[0].payee is None and entries[0].narration == "Thanh toán"


def test_unknown_code_without_a_table_is_an_error(tmp_path, catalogue):
    header = ["Ngày", "Số chứng từ", "Mã dòng vốn", "Nguồn vốn", "Loại vốn", "Nghiệp vụ",
              "Số tiền"]
    rows = [[D(2025, 4, 1), "KB-1", "0061", "NSTW", "SN", "Thanh toán", 5_000]]
    with pytest.raises(ImportProblem) as caught:
        read_statement(statement(tmp_path, rows, header=header), catalogue)
    assert "sheet 'KB'" in str(caught.value) and "dòng (row) 6" in str(caught.value)
    assert "0061" in str(caught.value)


def test_code_table_naming_an_unknown_item_is_an_error(tmp_path, catalogue):
    table = tmp_path / "codes.toml"
    table.write_text('[codes]\n"0061" = "GNBV/DA9"\n', encoding="utf-8")
    with pytest.raises(ImportProblem, match="GNBV/DA9"):
        read_statement(statement(tmp_path), catalogue, codes=table)


# --- plan years and extended money


def extended_books_text() -> str:
    lines = [OLD, f"{OLD}:K2025", "LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2024",
             "LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2025"]
    opens = "".join(f"2024-01-01 open {root.value}:{line} VND\n" for line in lines
                    for root in Root)
    return opens + f"""
2024-02-01 * "Giao kế hoạch vốn 2024"
  decision: "1/QĐ-UBND"
  decision_date: 2024-02-01
  Assets:Appropriation:{OLD}  1000000000 VND
  Income:Allocated:{OLD}  -1000000000 VND

2024-02-01 * "Giao kế hoạch vốn 2024"
  decision: "1/QĐ-UBND"
  decision_date: 2024-02-01
  Assets:Appropriation:LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2024  90000000 VND
  Income:Allocated:LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2024  -90000000 VND

2025-01-10 * "Giao kế hoạch vốn 2025"
  decision: "2/QĐ-UBND"
  decision_date: 2025-01-10
  Assets:Appropriation:LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2025  90000000 VND
  Income:Allocated:LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2025  -90000000 VND

2024-06-01 * "Tạm ứng 2024"
  voucher: "KB-24-1"
  Assets:Advance:{OLD}  200000000 VND
  Assets:Appropriation:{OLD}  -200000000 VND

2025-02-20 * "Kéo dài kế hoạch vốn năm 2024 sang năm 2025"
  decision: "245/QĐ-UBND"
  decision_date: 2025-02-18
  Income:Allocated:{OLD}  500000000 VND
  Income:Allocated:{OLD}:K2025  -500000000 VND
  Assets:Appropriation:{OLD}:K2025  500000000 VND
  Assets:Appropriation:{OLD}  -500000000 VND
"""


PLUGIN_HEADER = 'option "operating_currency" "VND"\nplugin "mtqgledger.plugins.budget_rules"\n'


def test_plan_year_column_and_extended_segment(tmp_path, catalogue):
    header = [*HEADER[:-1], "Năm KH", "Số tiền"]

    def row(day, voucher, project, sub, capital, kind, amount, year):
        return [*movement(day, voucher, sub, kind, amount, project=project,
                          capital=capital)[:-1], year, amount]

    rows = [row(D(2025, 3, 10), "KB-1", "DA1", "TDA1", "ĐTPT", "Thanh toán", 300_000_000, 2024),
            row(D(2025, 4, 1), "KB-2", "DA1", "TDA1", "ĐTPT", "Thu hồi tạm ứng", 200_000_000,
                "2024"),
            # within January: recurrent money of 2024 may still pay for 2024's work
            row(D(2025, 1, 21), "KB-3", "DA4", "TDA1", "SN", "Thanh toán", 40_000_000,
                "Năm 2024"),
            row(D(2025, 3, 12), "KB-4", "DA4", "TDA1", "SN", "Thanh toán", 50_000_000, None)]
    path = statement(tmp_path, rows, header=header)
    books = extended_books_text()
    existing, errors, _ = loader.load_string(books)
    assert errors == []
    entries = read_statement(path, catalogue, existing=existing).entries
    found = by_voucher(entries)
    # 2024 money paid in 2025 comes from the open K2025 segment...
    assert postings(found["KB-1"]) == [(f"Expenses:Disbursed:{OLD}:K2025", 300_000_000),
                                       (f"Assets:Appropriation:{OLD}:K2025", -300_000_000)]
    # ...but the 2024 advance is settled on the 2024 line, where it is outstanding.
    assert postings(found["KB-2"]) == [(f"Expenses:Disbursed:{OLD}", 200_000_000),
                                       (f"Assets:Advance:{OLD}", -200_000_000)]
    # No K2025 segment is open for this line: the plan year stays.
    assert found["KB-3"].postings[1].account == \
        "Assets:Appropriation:LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2024"
    # No plan year in the row: the statement's year from the title.
    assert found["KB-4"].postings[1].account == \
        "Assets:Appropriation:LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2025"
    text = "".join(printer.format_entry(entry) + "\n" for entry in entries)
    _, errors, _ = loader.load_string(PLUGIN_HEADER + books + text)
    assert [error.message for error in errors] == []


def test_without_existing_entries_plan_year_money_is_not_extended(tmp_path, catalogue):
    header = [*HEADER[:-1], "Năm kế hoạch", "Số tiền"]
    rows = [[*movement(D(2025, 3, 10), "KB-1", "TDA1", "Thanh toán", 10, project="DA1",
                       capital="ĐTPT")[:-1], 2024, 10]]
    entry, = read_statement(statement(tmp_path, rows, header=header), catalogue).entries
    assert entry.postings[0].account == f"Expenses:Disbursed:{OLD}"


def test_plan_year_option_and_period_title(tmp_path, catalogue):
    title = [["KHO BẠC NHÀ NƯỚC LAI CHÂU"], ["Từ ngày 01/01/2025 đến ngày 14/11/2025"],
             ["Đơn vị: đồng"]]
    rows = [movement(D(2025, 3, 1), "KB-1", "TDA2", "Thanh toán", 10)]
    path = statement(tmp_path, rows, title=title)
    entry, = read_statement(path, catalogue).entries
    assert entry.postings[0].account.endswith(":Y2025")  # the movement's year
    entry, = read_statement(path, catalogue, plan_year=2024).entries
    assert entry.postings[0].account.endswith(":Y2024")


def test_programme_title_shared_by_two_periods_follows_the_plan_year(tmp_path, catalogue):
    # "Giảm nghèo bền vững" is in the titles of GNBV (2021-2025) and MTQG2635 (2026-2035).
    header = [*HEADER[:-1], "Năm KH", "Số tiền"]
    rows = [[*movement(D(2026, 3, 1), "KB-1", "TDA2", "Thanh toán", 10)[:-1], 2025, 10],
            [*movement(D(2026, 3, 2), "KB-2", "Nội dung thành phần 4", "Thanh toán", 10,
                       project="Hợp phần 1")[:-1], 2026, 10]]
    first, second = read_statement(statement(tmp_path, rows, header=header), catalogue).entries
    assert first.postings[0].account == "Expenses:Disbursed:LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025"
    assert second.postings[0].account == \
        "Expenses:Disbursed:LaiChau:MTQG2635:HP1:TP04:NSTW:SN:Y2026"


# --- province


def test_province_from_ubnd_title_and_from_option(tmp_path, catalogue):
    title = [["UBND TỈNH LẠNG SƠN"], ["BẢNG KÊ CHỨNG TỪ"], ["Năm 2025"]]
    rows = [movement(D(2025, 3, 1), "KB-1", "TDA2", "Thanh toán", 10)]
    path = statement(tmp_path, rows, title=title)
    entry, = read_statement(path, catalogue).entries
    assert entry.postings[0].account == "Expenses:Disbursed:LangSon:GNBV:DA4:TDA2:NSTW:SN:Y2025"
    entry, = read_statement(path, catalogue, province="Lai Châu").entries
    assert entry.postings[0].account == f"Expenses:Disbursed:{TDA2}"


def test_province_from_the_treasury_title(tmp_path, catalogue):
    entry = read_statement(statement(tmp_path), catalogue).entries[0]
    assert entry.postings[0].account.split(":")[2] == "LaiChau"


def test_missing_province_is_an_error(tmp_path, catalogue):
    title = [["KHO BẠC NHÀ NƯỚC KHU VỰC VIII"], ["Năm 2025"]]
    rows = [movement(D(2025, 3, 1), "KB-1", "TDA2", "Thanh toán", 10)]
    with pytest.raises(ImportProblem, match="province") as caught:
        read_statement(statement(tmp_path, rows, title=title), catalogue)
    assert "sheet 'KB'" in str(caught.value)


# --- sheets


def test_sheets_without_a_statement_header_are_ignored(tmp_path, catalogue):
    notes = {"Ghi chú": [["Ghi chú"], ["Số liệu đối chiếu quý III"]]}
    result = read_statement(statement(tmp_path, extra_sheets=notes), catalogue)
    assert result.sheets == ["KB"] and result.ignored == ["Ghi chú"]


def test_a_workbook_without_any_statement_is_an_error(tmp_path, catalogue):
    path = write_book(tmp_path / "x.xlsx", {"A": [["Ghi chú"], ["STT", "Nội dung"]]})
    with pytest.raises(ImportProblem, match=r"x\.xlsx"):
        read_statement(path, catalogue)


def test_xls_workbook(tmp_path, catalogue):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("KB")
    for r, row in enumerate([*TITLE, HEADER, MOVEMENTS[1]]):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    book.save(str(tmp_path / "kb.xls"))
    entry, = read_statement(tmp_path / "kb.xls", catalogue).entries
    assert postings(entry)[0] == (f"Expenses:Disbursed:{TDA3}", 1_700_000_000)


# --- bad inputs: each message names the sheet and the row


def problem_of(tmp_path, catalogue, rows=None, **options) -> str:
    with pytest.raises(ImportProblem) as caught:
        read_statement(statement(tmp_path, rows, **options), catalogue)
    return str(caught.value)


def test_missing_amount_column(tmp_path, catalogue):
    header = HEADER[:-1]
    rows = [movement(D(2025, 3, 1), "KB-1", "TDA2", "Thanh toán", 10)[:-1]]
    message = problem_of(tmp_path, catalogue, rows, header=header)
    assert "sheet 'KB'" in message and "dòng (row) 5" in message and "Số tiền" in message


def test_unknown_kind(tmp_path, catalogue):
    rows = [MOVEMENTS[0], movement(D(2025, 3, 1), "KB-1", "TDA2", "Chuyển khoản", 10)]
    message = problem_of(tmp_path, catalogue, rows)
    assert "sheet 'KB'" in message and "dòng (row) 7" in message
    assert "Chuyển khoản" in message and "Tạm ứng" in message and "Nộp trả" in message


def test_unknown_programme_title_lists_closest_matches(tmp_path, catalogue):
    rows = [movement(D(2025, 3, 1), "KB-1", "TDA2", "Thanh toán", 10,
                     program="Chương trình phát triển vùng biên giới")]
    message = problem_of(tmp_path, catalogue, rows)
    assert "sheet 'KB'" in message and "dòng (row) 6" in message
    assert "closest" in message and "GNBV" in message and "[[spellings]]" in message


@pytest.mark.parametrize(("amount", "expected"), [
    (-5_000, "phải dương"),
    ("(5.000)", "phải dương"),
    (0, "phải dương"),
    ("abc", "expected a number"),
    (1000.5, "whole number of đồng"),
    ("1.000,5", "whole number of đồng"),
])
def test_bad_amounts(tmp_path, catalogue, amount, expected):
    rows = [movement(D(2025, 3, 1), "KB-1", "TDA2", "Thanh toán", amount)]
    message = problem_of(tmp_path, catalogue, rows)
    assert "sheet 'KB'" in message and "dòng (row) 6" in message
    assert "Số tiền" in message and expected in message


def test_missing_voucher(tmp_path, catalogue):
    rows = [movement(D(2025, 3, 1), None, "TDA2", "Thanh toán", 10)]
    message = problem_of(tmp_path, catalogue, rows)
    assert "sheet 'KB'" in message and "dòng (row) 6" in message and "chứng từ" in message


def test_bad_date(tmp_path, catalogue):
    rows = [movement("31/02/2025", "KB-1", "TDA2", "Thanh toán", 10)]
    message = problem_of(tmp_path, catalogue, rows)
    assert "dòng (row) 6" in message and "31/02/2025" in message and "14/11/2025" in message


def test_unknown_source(tmp_path, catalogue):
    rows = [movement(D(2025, 3, 1), "KB-1", "TDA2", "Thanh toán", 10, source="Vốn vay")]
    message = problem_of(tmp_path, catalogue, rows)
    assert "dòng (row) 6" in message and "Vốn vay" in message and "NSTW" in message


def test_project_with_sub_projects_needs_one(tmp_path, catalogue):
    rows = [movement(D(2025, 3, 1), "KB-1", None, "Thanh toán", 10)]
    message = problem_of(tmp_path, catalogue, rows)
    assert "dòng (row) 6" in message and "TDA1" in message


def test_not_a_workbook(tmp_path, catalogue):
    path = tmp_path / "fake.xlsx"
    path.write_text("this is not a spreadsheet\n", encoding="utf-8")
    with pytest.raises(ImportProblem, match=r"fake\.xlsx"):
        read_statement(path, catalogue)
    assert not looks_like_statement(path)


# --- the budget rules accept what was imported


def test_imported_entries_pass_the_budget_rules(tmp_path, catalogue):
    entries = read_statement(statement(tmp_path), catalogue).entries
    opens = "".join(f"2025-01-01 open {root.value}:{line} VND\n" for line in (TDA2, TDA3)
                    for root in Root)
    allocation = "".join(f"""
2025-01-10 * "UBND tỉnh Lai Châu" "Giao dự toán"
  decision: "35/QĐ-UBND"
  decision_date: 2025-01-08
  Assets:Appropriation:{line}  {amount} VND
  Income:Allocated:{line}  -{amount} VND
""" for line, amount in ((TDA2, 1_000_000_000), (TDA3, 2_000_000_000)))
    text = "".join(printer.format_entry(entry) + "\n" for entry in entries)
    loaded, errors, _ = loader.load_string(PLUGIN_HEADER + opens + allocation + text)
    assert [error.message for error in errors] == []
    imported = [e for e in loaded if isinstance(e, data.Transaction) and "voucher" in e.meta]
    assert len(imported) == 6
    assert {e.meta["row"] for e in imported} == {6, 7, 8, 9, 10, 11}


def test_budget_rules_catch_an_overdrawn_import(tmp_path, catalogue):
    rows = [movement(D(2025, 3, 1), "KB-1", "TDA2", "Thanh toán", 2_000)]
    entries = read_statement(statement(tmp_path, rows), catalogue).entries
    opens = "".join(f"2025-01-01 open {root.value}:{TDA2} VND\n" for root in Root)
    allocation = (f'2025-01-10 * "Giao"\n  decision: "1/QĐ-UBND"\n'
                  "  decision_date: 2025-01-10\n"
                  f"  Assets:Appropriation:{TDA2}  1000 VND\n"
                  f"  Income:Allocated:{TDA2}  -1000 VND\n")
    text = printer.format_entry(entries[0])
    _, errors, _ = loader.load_string(PLUGIN_HEADER + opens + allocation + text)
    assert len(errors) == 1 and "Vượt kế hoạch vốn còn lại" in errors[0].message


# --- kinds, identify and the beangulp importer


@pytest.mark.parametrize(("text", "code", "credit"), [
    ("Tạm ứng", "tam-ung", Root.APPROPRIATION),
    ("TẠM ỨNG", "tam-ung", Root.APPROPRIATION),
    ("thanh toan", "thanh-toan", Root.APPROPRIATION),
    ("Thanh toán tạm ứng", "thu-hoi-tam-ung", Root.ADVANCE),
    ("Thu hồi tạm ứng", "thu-hoi-tam-ung", Root.ADVANCE),
    ("Giảm chi", "giam-chi", Root.DISBURSED),
    ("Nộp trả", "giam-chi", Root.DISBURSED),
    ("Nộp trả tạm ứng", "giam-chi", Root.ADVANCE),
    ("thu-hoi-tam-ung", "thu-hoi-tam-ung", Root.ADVANCE),
])
def test_kind_texts(text, code, credit):
    kind = classify_kind(text)
    assert kind is not None and kind.code == code and kind.credit is credit


def test_unknown_kind_text():
    assert classify_kind("Chuyển khoản") is None


def test_looks_like_statement(tmp_path):
    assert looks_like_statement(statement(tmp_path))
    decision = write_book(tmp_path / "qd.xlsx", {"PL01": [
        ["UBND TỈNH LAI CHÂU"], ["Kèm theo Quyết định số 35/QĐ-UBND ngày 08/01/2025"],
        ["STT", "Nội dung", "Tổng số", "NSTW"], ["1", "Dự án 4", 10, 10]]})
    assert not looks_like_statement(decision)


def test_beangulp_importer(tmp_path, catalogue):
    path = str(statement(tmp_path))
    importer = TreasuryImporter(catalogue, province="LaiChau")
    assert importer.name == "mtqgledger.treasury"
    assert importer.identify(path)
    assert importer.account(path) == "Expenses:Disbursed"
    assert importer.date(path) == D(2025, 11, 3)
    assert importer.filename(path) is None
    entries = importer.extract(path, [])
    assert len(entries) == 6 and all(isinstance(e, data.Transaction) for e in entries)
    assert sum(p.units.number for e in entries for p in e.postings) == Decimal(0)
