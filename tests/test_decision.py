"""The allocation-decision importer: layouts it reads, and each bad input it refuses."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from workbooks import DA4, GNBV, TDA1, TDA2, TITLE, decision_workbook, standard_rows

from mtqgledger.importers.decision import DecisionImporter, read_decision
from mtqgledger.importers.workbook import ImportProblem
from mtqgledger.model.catalogue_files import load_catalogue

SAMPLES = Path(__file__).resolve().parents[1] / "importers" / "samples"


def read(path, **options):
    """The decision read against the bundled catalogue."""
    return read_decision(path, load_catalogue(), **options)


def postings_by_account(entries) -> dict[str, int]:
    totals: dict[str, int] = {}
    for entry in entries:
        for posting in entry.postings:
            totals[posting.account] = totals.get(posting.account, 0) + int(posting.units.number)
    return totals


def test_reads_a_standard_appendix(tmp_path):
    result = read(decision_workbook(tmp_path / "qd.xlsx"))
    info = result.info
    assert (info.number, info.date, info.province, info.plan_year, info.kind) == (
        "77/QĐ-UBND", datetime.date(2025, 3, 5), "LaiChau", 2025, "giao")
    totals = postings_by_account(result.entries)
    line = "LaiChau:GNBV:DA4:TDA1"
    assert totals[f"Income:Allocated:{line}:NSTW:DTPT:Y2025"] == -100_000_000
    assert totals[f"Income:Allocated:{line}:NSDP:SN:Y2025"] == -10_000_000
    assert totals["Assets:Appropriation:LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025"] == 40_500_000
    assert len(result.entries) == 3  # zero and empty cells give no entry
    entry = result.entries[0]
    assert entry.date == datetime.date(2025, 3, 5)
    assert entry.meta["decision"] == "77/QĐ-UBND"
    assert entry.meta["decision_date"] == datetime.date(2025, 3, 5)
    assert entry.meta["source_file"] == "qd.xlsx" and entry.meta["sheet"] == "PL01"
    assert entry.meta["row"] == Decimal(12)  # Excel row of "a Tiểu dự án 1"
    assert entry.meta["kind"] == "giao"


def test_units_convert_exactly(tmp_path):
    rows = [[None, "Tổng số", 92057.861, 92057.861, 0, 0, 0],
            ["1", DA4, 92057.861, 92057.861, 0, 0, 0]]
    title = [*TITLE[:3], f"KẾ HOẠCH VỐN NĂM 2025 {GNBV.upper()}", TITLE[4]]
    result = read(decision_workbook(tmp_path / "qd.xlsx", rows, title=title))
    assert postings_by_account(result.entries)[
        "Assets:Appropriation:LaiChau:GNBV:DA4:NSTW:DTPT:Y2025"] == 92_057_861_000


@pytest.mark.parametrize("unit, value, expected", [
    ("Đơn vị: đồng", 1234567, 1234567),
    ("ĐVT: nghìn đồng", "1.234,5", 1234500),
    ("Đơn vị tính: tỷ đồng", "1,5", 1_500_000_000),
    ("Đơn vị: triệu đồng", "92.057,861", 92_057_861_000),
    ("Đơn vị: triệu đồng", "-", 0),
])
def test_unit_lines_and_text_numbers(tmp_path, unit, value, expected):
    rows = [["I", GNBV, None, None, None, None, None],
            ["1", DA4, value, value, None, None, None]]
    result = read(decision_workbook(tmp_path / "qd.xlsx", rows, unit=unit))
    assert sum(int(p.units.number) for e in result.entries for p in e.postings
               if p.account.startswith("Assets")) == expected


def test_english_style_document(tmp_path):
    rows = [["I", GNBV, None, None, None, None, None],
            ["1", DA4, "1,234.5", "1,234.5", None, None, None],
            ["2", "Dự án 5: Hỗ trợ nhà ở cho hộ nghèo, hộ cận nghèo", "2.250", "2.250", None,
             None, None]]
    result = read(decision_workbook(tmp_path / "qd.xlsx", rows))
    totals = postings_by_account(result.entries)
    assert totals["Assets:Appropriation:LaiChau:GNBV:DA4:NSTW:DTPT:Y2025"] == 1_234_500_000
    # "2.250" alone is ambiguous; the document's other numbers are English-style
    assert totals["Assets:Appropriation:LaiChau:GNBV:DA5:NSTW:DTPT:Y2025"] == 2_250_000


def test_of_which_rows_are_not_added(tmp_path):
    rows = [*standard_rows()[:4],
            [None, "Trong đó: hỗ trợ huyện nghèo", 60, 60, None, None, None],
            standard_rows()[4]]
    result = read(decision_workbook(tmp_path / "qd.xlsx", rows))
    assert len(result.entries) == 3
    assert all("huyện nghèo" not in entry.narration for entry in result.entries)


def test_unit_rows_become_entries_with_their_title(tmp_path):
    rows = [[None, "TỔNG SỐ", 110, 100, None, None, 10],
            ["I", GNBV, 110, 100, None, None, 10],
            ["1", DA4, 110, 100, None, None, 10],
            ["a", TDA1, 110, 100, None, None, 10],
            ["-", "Trường Cao đẳng Lai Châu", 70, 70, None, None, None],
            ["-", "Trung tâm GDNN-GDTX Phong Thổ", 40, 30, None, None, 10]]
    result = read(decision_workbook(tmp_path / "qd.xlsx", rows))
    units = sorted((e.meta["unit"], int(e.meta["row"])) for e in result.entries)
    assert units == [("Trung tâm GDNN-GDTX Phong Thổ", 14), ("Trung tâm GDNN-GDTX Phong Thổ",
                                                              14),
                       ("Trường Cao đẳng Lai Châu", 13)]


def test_sheets_that_are_not_appendices_are_named(tmp_path):
    path = decision_workbook(tmp_path / "qd.xlsx",
                             extra_sheets={"Hướng dẫn": [["Ghi chú chung"], ["…"]]})
    assert read(path).ignored == ["Hướng dẫn"]


def test_one_source_and_one_capital_from_the_title(tmp_path):
    title = ["UBND TỈNH LAI CHÂU", "BỔ SUNG DỰ TOÁN VỐN SỰ NGHIỆP NGÂN SÁCH ĐỊA PHƯƠNG NĂM 2025",
             "(Kèm theo Quyết định số 1128/QĐ-UBND ngày 18/6/2025)"]
    rows = [["I", GNBV, 5], ["1", DA4, 5], ["a", TDA1, 5]]
    result = read(decision_workbook(
        tmp_path / "qd.xlsx", rows, title=title, header_top=["STT", "Nội dung", "Số tiền"],
        header_sub=[None, None, None]))
    assert result.info.kind == "bo-sung"
    assert postings_by_account(result.entries) == {
        "Assets:Appropriation:LaiChau:GNBV:DA4:TDA1:NSDP:SN:Y2025": 5_000_000,
        "Income:Allocated:LaiChau:GNBV:DA4:TDA1:NSDP:SN:Y2025": -5_000_000}


def test_options_override_the_title(tmp_path):
    result = read(decision_workbook(tmp_path / "qd.xlsx"), number="9/QĐ-UBND",
                  date=datetime.date(2024, 12, 20), plan_year=2024, province="LaoCai")
    entry = result.entries[0]
    assert entry.meta["decision"] == "9/QĐ-UBND" and entry.date == datetime.date(2024, 12, 20)
    assert entry.postings[0].account.startswith("Assets:Appropriation:LaoCai:GNBV:")
    assert entry.postings[0].account.endswith(":Y2024")


def test_beangulp_importer_identifies_and_extracts(tmp_path):
    path = str(decision_workbook(tmp_path / "qd.xlsx"))
    importer = DecisionImporter()
    assert importer.identify(path)
    assert importer.date(path) == datetime.date(2025, 3, 5)
    assert len(importer.extract(path, [])) == 3
    other = tmp_path / "other.xlsx"
    decision_workbook(other, [], title=["Danh sách cán bộ"])
    assert not importer.identify(str(other))


def test_sample_workbooks_read():
    assert len(read(SAMPLES / "QD-35-giao-von-2025.xlsx").entries) == 11
    top_up = read(SAMPLES / "QD-1128-bo-sung-2025.xls")  # the old .xls format
    assert sum(int(e.postings[0].units.number) for e in top_up.entries) == 4_915_000_000
    adjustment = read(SAMPLES / "QD-1390-dieu-chinh-2025.xlsx")
    assert adjustment.info.kind == "dieu-chinh"
    assert sum(int(e.postings[0].units.number) for e in adjustment.entries) == 0


# --- bad input: each names the file, sheet and row and what was expected

def refused(path: Path, **options) -> str:
    with pytest.raises(ImportProblem) as caught:
        read(path, **options)
    return str(caught.value)


def test_not_a_workbook(tmp_path):
    path = tmp_path / "qd.xlsx"
    path.write_text("đây không phải bảng tính", encoding="utf-8")
    message = refused(path)
    assert "qd.xlsx" in message and "không đọc được bảng tính" in message


def test_wrong_extension(tmp_path):
    path = tmp_path / "qd.pdf"
    path.write_bytes(b"%PDF-1.4")
    assert "không phải bảng tính Excel" in refused(path)


def test_unrelated_workbook(tmp_path):
    path = decision_workbook(tmp_path / "staff.xlsx", [], title=["Danh sách cán bộ"],
                             header_top=["Họ tên", "Chức vụ"], header_sub=[None, None])
    assert "không có phụ lục quyết định" in refused(path)


def test_missing_required_column(tmp_path):
    top = ["STT", "Ghi chú", "Tổng số", "Ngân sách trung ương", None, "Ngân sách địa phương",
           None, "Ghi chú"]
    path = decision_workbook(tmp_path / "qd.xlsx", header_top=top)
    # Without a Nội dung column the header row is not found: no appendix at all.
    assert "không có phụ lục" in refused(path)


def test_missing_stt_column(tmp_path):
    top = ["Số", "Nội dung", "Tổng số", "Ngân sách trung ương", None, "Ngân sách địa phương",
           None, "Ghi chú"]
    message = refused(decision_workbook(tmp_path / "qd.xlsx", header_top=top))
    assert "không có phụ lục" in message


def test_unknown_programme_title_lists_closest(tmp_path):
    rows = [["I", "Chương trình MTQG phòng, chống ma túy", 10, 10, None, None, None],
            ["1", DA4, 10, 10, None, None, None]]
    message = refused(decision_workbook(tmp_path / "qd.xlsx", rows))
    assert "sheet 'PL01'" in message and "dòng (row) 9" in message
    assert "GNBV" in message  # among the closest matches


def test_unknown_sub_project_lists_closest(tmp_path):
    rows = [["I", GNBV, 10, 10, None, None, None], ["1", DA4, 10, 10, None, None, None],
            ["a", "Tiểu dự án 9: Hỗ trợ việc làm thời vụ", 10, 10, None, None, None]]
    message = refused(decision_workbook(tmp_path / "qd.xlsx", rows))
    assert "dòng (row) 11" in message and "Tiểu dự án 9" in message and "TDA" in message


def test_parent_row_that_does_not_add_up(tmp_path):
    rows = standard_rows()
    rows[4] = ["b", TDA2, 41.5, None, 41.5, None, None]  # DA4 (row 11) says 40,5 for SN
    message = refused(decision_workbook(tmp_path / "qd.xlsx", rows))
    assert "sheet 'PL01'" in message and "dòng (row) 11" in message
    assert "cột 'Tổng số'" in message and "ghi 150.5" in message and "là 151.5" in message
    assert "dòng 12, 13" in message


def test_total_column_that_does_not_add_up(tmp_path):
    rows = standard_rows()
    rows[4] = ["b", TDA2, 41, None, 40.5, None, None]
    message = refused(decision_workbook(tmp_path / "qd.xlsx", rows))
    assert "dòng (row) 13" in message and "Tổng số" in message


def test_negative_amount(tmp_path):
    rows = [["I", GNBV, None, None, None, None, None],
            ["1", DA4, -5, -5, None, None, None]]
    message = refused(decision_workbook(tmp_path / "qd.xlsx", rows))
    assert "dòng (row) 10" in message and "số âm" in message


def test_non_numeric_amount(tmp_path):
    rows = [["I", GNBV, None, None, None, None, None],
            ["1", DA4, "năm tỷ", "năm tỷ", None, None, None]]
    message = refused(decision_workbook(tmp_path / "qd.xlsx", rows))
    assert "dòng (row) 10" in message and "năm tỷ" in message and "expected a number" in message


def test_fractional_dong(tmp_path):
    rows = [["I", GNBV, None, None, None, None, None],
            ["1", DA4, 1.5, 1.5, None, None, None]]
    message = refused(decision_workbook(tmp_path / "qd.xlsx", rows, unit="Đơn vị: đồng"))
    assert "dòng (row) 10" in message and "whole number of đồng" in message


def test_decision_without_number_or_date(tmp_path):
    title = ["UBND TỈNH LAI CHÂU", "KẾ HOẠCH VỐN NĂM 2025"]
    message = refused(decision_workbook(tmp_path / "qd.xlsx", title=title))
    assert "số quyết định" in message and "--decision" in message
    # ... and options fill the gap
    assert read(tmp_path / "qd.xlsx", number="5/QĐ-UBND",
                         date=datetime.date(2025, 1, 2)).entries


def test_missing_unit_line(tmp_path):
    message = refused(decision_workbook(tmp_path / "qd.xlsx", unit=""))
    assert "dòng đơn vị" in message


def test_capital_not_allowed_by_the_catalogue(tmp_path, monkeypatch):
    extra = tmp_path / "cat.toml"
    extra.write_text('[[programs]]\ncode = "GNBV"\n[[programs.projects]]\ncode = "DA4"\n'
                     'capitals = ["SN"]\n', encoding="utf-8")
    monkeypatch.setenv("MTQG_CATALOGUE", str(extra))
    rows = [["I", GNBV, None, None, None, None, None], ["1", DA4, 5, 5, None, None, None]]
    assert "không nhận vốn DTPT" in refused(decision_workbook(tmp_path / "qd.xlsx", rows))


def test_layout_mapping_file_reads_an_unusual_table(tmp_path):
    top = ["No.", "Item", "Central inv.", "Central rec.", "Local rec."]
    rows = [["I", GNBV, None, None, None], ["1", DA4, None, None, None],
            ["a", TDA1, 12.5, 30, 4], ["b", TDA2, None, 8.25, None]]
    path = decision_workbook(tmp_path / "odd.xlsx", rows, header_top=top,
                             header_sub=[None] * 5, unit="")
    assert "không có phụ lục" in refused(path)  # the keywords cannot read it
    mapping = tmp_path / "odd.toml"
    mapping.write_text("""
[layout]
header_row = 7
first_data_row = 9
stt_column = "A"
title_column = "B"
unit = "tỷ đồng"

[[layout.columns]]
column = "C"
source = "NSTW"
capital = "DTPT"

[[layout.columns]]
column = "D"
source = "NSTW"
capital = "SN"

[[layout.columns]]
column = 5
source = "NSDP"
capital = "SN"
""", encoding="utf-8")
    totals = postings_by_account(read(path, mapping=mapping).entries)
    assert totals["Assets:Appropriation:LaiChau:GNBV:DA4:TDA1:NSTW:DTPT:Y2025"] == 12_500_000_000
    assert totals["Assets:Appropriation:LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025"] == 8_250_000_000
    assert totals["Assets:Appropriation:LaiChau:GNBV:DA4:TDA1:NSDP:SN:Y2025"] == 4_000_000_000


def test_bad_layout_mapping_file(tmp_path):
    mapping = tmp_path / "bad.toml"
    mapping.write_text('[layout]\nheader_row = 7\n', encoding="utf-8")
    assert "bad.toml" in refused(decision_workbook(tmp_path / "qd.xlsx"), mapping=mapping)


def test_every_appendix_sheet_is_imported(tmp_path):
    second = [[line] for line in TITLE] + [
        [None, None, None, None, None, None, "Đơn vị: triệu đồng"],
        ["STT", "Nội dung", "Tổng số", "Vốn ĐTPT NSTW", "Vốn sự nghiệp NSTW"],
        ["1", "Dự án 5: Hỗ trợ nhà ở cho hộ nghèo, hộ cận nghèo", 3, 3, None]]
    path = decision_workbook(tmp_path / "qd.xlsx", extra_sheets={"PL02": second,
                                                                 "Ghi chú": [["…"]]})
    result = read(path)
    assert [sheet.name for sheet in result.sheets] == ["PL01", "PL02"]
    assert result.ignored == ["Ghi chú"]
    pl02 = result.sheets[1].entries
    assert [e.postings[0].account for e in pl02] == [
        "Assets:Appropriation:LaiChau:GNBV:DA5:NSTW:DTPT:Y2025"]
    assert pl02[0].meta["sheet"] == "PL02"


def test_three_level_merged_header(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for text in TITLE:
        sheet.append([text])
    sheet.append([None, None, None, None, "Đơn vị: triệu đồng"])
    sheet.append(["STT", "Nội dung", "Kế hoạch vốn năm 2025", None, None, None])  # row 7
    sheet.append([None, None, "Ngân sách trung ương", None, "Ngân sách địa phương", None])
    sheet.append([None, None, "Vốn ĐTPT", "Vốn sự nghiệp", "Vốn ĐTPT", "Vốn sự nghiệp"])
    sheet.merge_cells("C7:F7")
    sheet.merge_cells("C8:D8")
    sheet.merge_cells("E8:F8")
    sheet.merge_cells("A7:A9")
    sheet.merge_cells("B7:B9")
    sheet.append(["I", GNBV, 20, 5, None, 2])
    sheet.append(["1", DA4, 20, 5, None, 2])
    sheet.append(["a", TDA1, 20, 5, None, 2])
    book.save(tmp_path / "qd.xlsx")
    totals = postings_by_account(read(tmp_path / "qd.xlsx").entries)
    base = "Assets:Appropriation:LaiChau:GNBV:DA4:TDA1"
    assert totals == {f"{base}:NSTW:DTPT:Y2025": 20_000_000, f"{base}:NSTW:SN:Y2025": 5_000_000,
                      f"{base}:NSDP:SN:Y2025": 2_000_000,
                      "Income:Allocated:LaiChau:GNBV:DA4:TDA1:NSTW:DTPT:Y2025": -20_000_000,
                      "Income:Allocated:LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2025": -5_000_000,
                      "Income:Allocated:LaiChau:GNBV:DA4:TDA1:NSDP:SN:Y2025": -2_000_000}


def test_fava_loads_the_import_config():
    from fava.core.ingest import load_import_config

    config = load_import_config(SAMPLES.parent / "import.py")
    assert set(config.importers) == {"mtqgledger.decision", "mtqgledger.treasury"}
