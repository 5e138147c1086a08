"""Bàn giao: a district abolished on 1/7/2025 hands its MTQG money to a commune.

Books are made by ``mtqg init`` (Lai Châu, 2025, GNBV). QĐ 15/QĐ-UBND of 10/01/2025 gives
UBND huyện Mường Tè 1 tỷ of TDA1 NSTW SN and 2,5 tỷ of TDA2 NSTW SN, and Sở Nội vụ the other
2,5 tỷ of TDA2. In May the district (written "UBND H. Mường Tè" by the treasury) advances 1 tỷ
and pays 0,5 tỷ on TDA2. BB 05/BB-BG of 30/6/2025 hands its remaining plan (1 tỷ) and its
outstanding advance (1 tỷ) to UBND xã Mường Tè, which in August settles the advance and pays
0,9 tỷ. See importers/handover.py, model/postings.handover and plugins/unit_rules.py.
"""

from __future__ import annotations

import datetime
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from clirun import isolated_env, mtqg, snapshot
from handover_books import (
    HANDOVER_HEADER,
    HANDOVER_TITLE,
    MT,
    MT_ABBREVIATED,
    MT_CODE,
    NOI_VU,
    TDA1_SN,
    TDA2_SN,
    TRIEU,
    TY,
    XA_BUM_NUA,
    XA_BUM_NUA_CODE,
    XA_MT,
    XA_MT_CODE,
    august_statement,
    decision,
    handover,
    handover_row,
    main_handover,
    may_statement,
    sheet_workbook,
    statement,
)
from workbooks import DA4, GNBV, TDA1, TDA2

from mtqgledger.importers.handover import read_handover
from mtqgledger.importers.workbook import ImportProblem
from mtqgledger.model.catalogue_files import load_catalogue

RECORD = "05/BB-BG"
HANDOVER_DAY = datetime.date(2025, 6, 30)
TDA1_CODE, TDA2_CODE = "TDA1", "TDA2"
Figures = tuple[int, int, int, int]  # plan, payments, advances, remaining

# --- the books, stage by stage -----------------------------------------------------------------


def import_(ledger: Path, *files: Path, code: int | None = 0,
            env: dict[str, str | None] | None = None):
    return mtqg("import", *files, "--ledger", ledger, code=code, env=env)


@pytest.fixture(scope="module")
def stages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The main files of the books after each document (built once; tests copy them):
    decided (QĐ 15), spent (May statement), handed (BB 05), final (August statement); and
    "outputs", the import's messages joined."""
    env = isolated_env(tmp_path_factory.mktemp("cache"))
    root = tmp_path_factory.mktemp("handover")
    documents = root / "documents"
    documents.mkdir()
    ledger = root / "books" / "main.beancount"
    mtqg("init", ledger.parent, "--province", "LaiChau", "--year", "2025", "--program", "GNBV",
         env=env)
    found: dict[str, Path] = {}
    outputs = []
    for name, document in (("decided", decision(documents / "QD-15.xlsx")),
                           ("spent", may_statement(documents / "bang-ke-thang-5.xlsx")),
                           ("handed", main_handover(documents / "BB-05-ban-giao.xlsx")),
                           ("final", august_statement(documents / "bang-ke-thang-8.xlsx"))):
        outputs.append(import_(ledger, document, env=env).output)
        shutil.copytree(ledger.parent, root / name)
        found[name] = root / name / "main.beancount"
    found["outputs"] = root / "outputs.txt"
    found["outputs"].write_text("\n".join(outputs), encoding="utf-8")
    return found


def copy_books(stages: dict[str, Path], stage: str, tmp_path: Path) -> Path:
    folder = tmp_path / "books"
    shutil.copytree(stages[stage].parent, folder)
    return folder / "main.beancount"


def transactions(ledger: Path) -> list[data.Transaction]:
    entries, errors, _ = loader.load_file(str(ledger))
    assert not errors, [error.message for error in errors]
    return [entry for entry in entries if isinstance(entry, data.Transaction)]


def handovers(ledger: Path) -> list[data.Transaction]:
    return [entry for entry in transactions(ledger) if entry.meta.get("kind") == "ban-giao"]


def report(ledger: Path, by: str, as_of: str = "31/12/2025") -> list[dict]:
    result = mtqg("report", "disbursement", ledger, "--by", by, "--format", "json", "--as-of",
                  as_of)
    return json.loads(result.output)


def own_row(row: dict) -> bool:
    """A node's own row, not its capital / source / plan-year breakdown."""
    return row["source"] is None and row["capital"] is None and row["plan_year"] is None


def unit_rows(ledger: Path, as_of: str = "31/12/2025") -> dict[tuple[str, str | None], Figures]:
    """(sub-project code, unit) -> (plan, payments, advances, remaining) of `--by unit`."""
    return {(row["subproject"], row["unit"]): (row["plan"], row["payments"], row["advances"],
                                               row["remaining"])
            for row in report(ledger, "unit", as_of) if row["level"] == "unit" and own_row(row)}


def line_rows(ledger: Path, as_of: str = "31/12/2025") -> dict[tuple, Figures]:
    return {(row["subproject"], row["source"], row["capital"], row["plan_year"]):
            (row["plan"], row["payments"], row["advances"], row["remaining"])
            for row in report(ledger, "line", as_of) if row["level"] == "line"}


def unit_codes(ledger: Path) -> dict[str, str | None]:
    return {row["unit"]: row["unit_code"] for row in report(ledger, "unit")
            if row["level"] == "unit"}


def refused(ledger: Path, *files: Path) -> str:
    """The output of an import that must be refused leaving every file as it was."""
    before = snapshot(ledger.parent)
    result = import_(ledger, *files, code=None)
    assert result.exit_code != 0, result.output
    assert snapshot(ledger.parent) == before
    return result.output


# --- 1. the main case: district → commune across 1/7/2025 -------------------------------------


def test_every_document_imports_and_the_books_check(stages: dict[str, Path]):
    outputs = stages["outputs"].read_text(encoding="utf-8")
    # QĐ 15's three unit rows, May's two vouchers, BB 05's one row, August's two vouchers
    assert re.findall(r"Đã thêm (\d+) giao dịch", outputs) == ["3", "2", "1", "2"], outputs
    assert "ban-giao" in outputs and "2.000.000.000 đ" in outputs  # plan + advance handed
    mtqg("check", stages["final"])


def test_the_handover_is_booked_with_each_postings_unit(stages: dict[str, Path]):
    (entry,) = handovers(stages["handed"])
    assert (entry.date, entry.meta["decision"], entry.meta["decision_date"]) == (
        HANDOVER_DAY, RECORD, HANDOVER_DAY)
    assert entry.meta["source_file"] == "BB-05-ban-giao.xlsx"
    assert "unit" not in entry.meta
    assert [(posting.account, int(posting.units.number), posting.meta["unit"])
            for posting in entry.postings] == [
        (f"Income:Allocated:{TDA2_SN}", 2 * TY, MT),
        (f"Income:Allocated:{TDA2_SN}", -2 * TY, XA_MT),
        (f"Assets:Appropriation:{TDA2_SN}", -TY, MT),
        (f"Assets:Appropriation:{TDA2_SN}", TY, XA_MT),
        (f"Assets:Advance:{TDA2_SN}", -TY, MT),
        (f"Assets:Advance:{TDA2_SN}", TY, XA_MT)]
    units = load_catalogue([stages["handed"].parent / "units.toml"]).units
    assert {unit.name: unit.kind for unit in units if unit.kind} == {
        MT: "huyen", NOI_VU: "so", XA_MT: "xa"}


def test_the_district_keeps_what_it_spent_and_the_commune_takes_the_rest(
        stages: dict[str, Path]):
    rows = unit_rows(stages["final"])
    assert rows[(TDA2_CODE, MT)] == (500 * TRIEU, 500 * TRIEU, 0, 0)
    assert rows[(TDA2_CODE, XA_MT)] == (2 * TY, 1_900 * TRIEU, 0, 100 * TRIEU)
    assert rows[(TDA2_CODE, NOI_VU)] == (2_500 * TRIEU, 0, 0, 2_500 * TRIEU)
    assert rows[(TDA1_CODE, MT)] == (TY, 0, 0, TY)  # a line the record did not hand over
    # the unit rows show the registry's codes, learnt from the statements
    codes = unit_codes(stages["final"])
    assert (codes[MT], codes[XA_MT]) == (MT_CODE, XA_MT_CODE)


def test_the_handover_does_not_change_the_lines_figures(stages: dict[str, Path]):
    before, after = line_rows(stages["spent"]), line_rows(stages["handed"])
    assert after == before
    assert before[(TDA2_CODE, "NSTW", "SN", 2025)] == (5 * TY, 500 * TRIEU, TY, 3_500 * TRIEU)
    # the unit rows of each sub-project still add up to its line
    rows = unit_rows(stages["handed"])
    assert [sum(figures[i] for (sub, _), figures in rows.items() if sub == TDA2_CODE)
            for i in range(4)] == list(before[(TDA2_CODE, "NSTW", "SN", 2025)])


def test_on_30_june_the_commune_holds_the_districts_advance(stages: dict[str, Path]):
    on_the_day = unit_rows(stages["final"], "30/06/2025")
    assert on_the_day[(TDA2_CODE, XA_MT)] == (2 * TY, 0, TY, TY)
    assert on_the_day[(TDA2_CODE, MT)] == (500 * TRIEU, 500 * TRIEU, 0, 0)
    the_day_before = unit_rows(stages["final"], "29/06/2025")
    assert the_day_before[(TDA2_CODE, MT)] == (2_500 * TRIEU, 500 * TRIEU, TY, TY)
    assert (TDA2_CODE, XA_MT) not in the_day_before  # the commune had nothing yet


def test_importing_the_handover_and_the_communes_statement_together(
        stages: dict[str, Path], tmp_path: Path):
    ledger = copy_books(stages, "spent", tmp_path)
    import_(ledger, august_statement(tmp_path / "bang-ke-thang-8.xlsx"),
            main_handover(tmp_path / "BB-05.xlsx"))
    assert unit_rows(ledger) == unit_rows(stages["final"])


# --- 2.–4. what the unit rules refuse ----------------------------------------------------------


def test_the_commune_paying_beyond_what_it_received_is_refused(stages: dict[str, Path],
                                                                tmp_path: Path):
    # 1 tỷ of plan and 1 tỷ of advance received: settling the advance and paying 1,1 tỷ
    # spends 2,1 tỷ
    ledger = copy_books(stages, "handed", tmp_path)
    output = refused(ledger, august_statement(tmp_path / "bang-ke.xlsx", paid=1_100 * TRIEU))
    assert f"Vượt kế hoạch vốn còn lại của đơn vị '{XA_MT}'" in output
    assert TDA2_SN in output and "15/08/2025" in output and "bang-ke.xlsx:7" in output
    assert "kế hoạch còn lại đầu ngày 1.000.000.000 đ" in output
    assert "vượt 100.000.000 đ" in output and "không ghi gì" in output


def test_the_commune_settling_more_than_the_advance_it_received_is_refused(
        stages: dict[str, Path], tmp_path: Path):
    ledger = copy_books(stages, "handed", tmp_path)
    output = refused(ledger, statement(
        tmp_path / "bang-ke.xlsx",
        ("15/08/2025", "KBLC-25-08001", XA_MT_CODE, XA_MT, "Thu hồi tạm ứng", 1_200 * TRIEU)))
    assert f"Thu hồi vượt tạm ứng chưa thu hồi của đơn vị '{XA_MT}'" in output
    assert TDA2_SN in output and "vượt 200.000.000 đ" in output


def test_without_the_handover_the_communes_payment_is_refused(stages: dict[str, Path],
                                                               tmp_path: Path):
    ledger = copy_books(stages, "spent", tmp_path)
    output = refused(ledger, august_statement(tmp_path / "bang-ke.xlsx"))
    assert f"Đơn vị '{XA_MT}' không có kế hoạch vốn trên dòng {TDA2_SN}" in output
    assert f"các đơn vị được giao: {NOI_VU}, {MT}" in output
    assert "bang-ke.xlsx:6" in output and "không ghi gì" in output


@pytest.mark.parametrize(("plan", "advance", "breach"), [
    (1_100 * TRIEU, TY, "Bàn giao vượt kế hoạch vốn còn lại của đơn vị"),
    (TY, 1_100 * TRIEU, "Bàn giao vượt tạm ứng chưa thu hồi của đơn vị"),
], ids=["plan", "advance"])
def test_handing_over_more_than_the_district_has_left_is_refused(
        plan: int, advance: int, breach: str, stages: dict[str, Path], tmp_path: Path):
    ledger = copy_books(stages, "spent", tmp_path)
    output = refused(ledger, main_handover(tmp_path / "BB-05.xlsx", plan, advance))
    assert f"{breach} '{MT}'" in output, output
    assert TDA2_SN in output and "30/06/2025" in output and "BB-05.xlsx:6" in output
    assert "1.000.000.000 đ" in output and "vượt 100.000.000 đ" in output


def test_a_handover_from_a_district_the_line_never_gave_money_is_refused(
        stages: dict[str, Path], tmp_path: Path):
    ledger = copy_books(stages, "spent", tmp_path)
    other = "UBND huyện Tân Uyên"
    output = refused(ledger, handover(tmp_path / "BB-06.xlsx",
                                      [handover_row(1, other, XA_BUM_NUA, 100 * TRIEU, None)]))
    assert f"Bàn giao vượt kế hoạch vốn còn lại của đơn vị '{other}'" in output
    assert TDA2_SN in output


# --- 5. layouts of the handover table ----------------------------------------------------------

Built = tuple[Path, int, int]  # the workbook, the plan and the advance its one row hands over


def layout_decision(folder: Path) -> Built:
    title = ["UBND TỈNH LAI CHÂU", "BẢNG BÀN GIAO KẾ HOẠCH VỐN CHƯƠNG TRÌNH MTQG",
             "(Kèm theo Quyết định số 1500/QĐ-UBND ngày 28 tháng 6 năm 2025 của UBND tỉnh)"]
    return handover(folder / "QD-1500.xlsx", [handover_row(1, MT, XA_MT, TY, TY)],
                    title=title), TY, TY


def layout_two_row_header(folder: Path) -> Built:
    top = ["STT", "Đơn vị", None, "Chương trình", "Dự án", "Tiểu dự án", "Nguồn vốn",
           "Loại vốn", "Năm KH", "Kế hoạch vốn còn lại", "Tạm ứng chưa thu hồi"]
    sub = [None, "Bên giao", "Bên nhận", *[None] * 8]
    rows = [*([line] for line in HANDOVER_TITLE), [*[None] * 10, "Đơn vị: đồng"], top, sub,
            handover_row(1, MT, XA_MT, TY, TY)]
    merges = [(5, 2, 5, 3), *((5, column, 6, column) for column in (1, *range(4, 12)))]
    return sheet_workbook(folder / "hai-dong.xlsx", rows, merges), TY, TY


def layout_millions(folder: Path) -> Built:
    # the unit line set off from the header by a blank row (and right above it, below)
    rows = [*([line] for line in HANDOVER_TITLE), [*[None] * 10, "Đơn vị tính: triệu đồng"],
            [], HANDOVER_HEADER, handover_row(1, MT, XA_MT, 999.5, "1.000,25")]
    return sheet_workbook(folder / "trieu-dong.xlsx", rows), 999_500_000, 1_000_250_000


def layout_numbering_row(folder: Path) -> Built:
    numbering = [str(number) for number in range(1, 12)]
    return handover(folder / "danh-so.xlsx", [numbering, handover_row(1, MT, XA_MT, TY, TY)]), \
        TY, TY


def layout_total_and_signatures(folder: Path) -> Built:
    tail = [["Tổng cộng", *[None] * 8, TY, TY], [],
            ["Ghi chú: số liệu đã đối chiếu với Kho bạc."],
            [None, None, None, "ĐẠI DIỆN BÊN GIAO", *[None] * 4, "ĐẠI DIỆN BÊN NHẬN"],
            [None, None, None, "(Ký, ghi rõ họ tên, đóng dấu)", *[None] * 4,
             "(Ký, ghi rõ họ tên, đóng dấu)"], [], [None, None, None, "Nguyễn Văn A",
                                                    *[None] * 4, "Trần Thị B"]]
    return handover(folder / "tong-cong.xlsx", [handover_row(1, MT, XA_MT, TY, TY)],
                    tail=tail), TY, TY


CODES_HEADER = ["STT", "Mã ĐVQHNS bên giao", "Đơn vị giao", "Mã ĐVQHNS bên nhận", "Đơn vị nhận",
                "Chương trình", "Dự án", "Tiểu dự án", "Nguồn vốn", "Loại vốn", "Năm KH",
                "Kế hoạch vốn còn lại", "Tạm ứng chưa thu hồi"]


def codes_row(giver: str = MT, receiver: str = XA_MT, plan: object = TY,
              advance: object = TY) -> list[object]:
    return [1, MT_CODE, giver, XA_MT_CODE, receiver, GNBV, DA4, TDA2, "NSTW", "SN", 2025, plan,
            advance]


def layout_unit_codes(folder: Path) -> Built:
    return handover(folder / "ma-dvqhns.xlsx", [codes_row()], header=CODES_HEADER), TY, TY


LAYOUTS: dict[str, Callable[[Path], Built]] = {
    "record-is-a-decision": layout_decision,
    "two-row-header": layout_two_row_header,
    "trieu-dong-with-decimals": layout_millions,
    "numbering-row": layout_numbering_row,
    "total-note-and-signature-rows": layout_total_and_signatures,
    "unit-code-columns": layout_unit_codes,
}


def read(path: Path) -> list[data.Transaction]:
    return read_handover(path, load_catalogue()).entries


def handed(entry: data.Transaction) -> list[tuple[str, int, str]]:
    return [(posting.account.split(":", 2)[1], int(posting.units.number), posting.meta["unit"])
            for posting in entry.postings]


def expected_postings(plan: int, advance: int, giver: str = MT,
                      receiver: str = XA_MT) -> list[tuple[str, int, str]]:
    return [("Allocated", plan + advance, giver), ("Allocated", -plan - advance, receiver),
            ("Appropriation", -plan, giver), ("Appropriation", plan, receiver),
            ("Advance", -advance, giver), ("Advance", advance, receiver)]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_layout_of_the_handover_table_gives_the_handover(layout: str, tmp_path: Path):
    path, plan, advance = LAYOUTS[layout](tmp_path)
    (entry,) = read(path)
    assert handed(entry) == expected_postings(plan, advance)
    assert {posting.account.split(":", 2)[2] for posting in entry.postings} == {TDA2_SN}
    assert entry.meta["kind"] == "ban-giao" and entry.meta["source_file"] == path.name
    if layout == "record-is-a-decision":
        assert (entry.meta["decision"], entry.date) == ("1500/QĐ-UBND", datetime.date(2025, 6, 28))
    else:
        assert (entry.meta["decision"], entry.date) == (RECORD, HANDOVER_DAY)
    codes = [posting.meta.get("unit_code") for posting in entry.postings]
    assert codes == ([MT_CODE, XA_MT_CODE] * 3 if layout == "unit-code-columns" else [None] * 6)


def test_a_record_cited_as_a_decision_is_imported_as_a_handover(stages: dict[str, Path],
                                                                 tmp_path: Path):
    ledger = copy_books(stages, "spent", tmp_path)
    path, _, _ = layout_decision(tmp_path)
    done = import_(ledger, path)
    assert "Đã thêm 1 giao dịch" in done.output
    decisions = (ledger.parent / "imports" / "decisions.beancount").read_text(encoding="utf-8")
    assert "1500/QĐ-UBND" not in decisions  # not read as an allocation decision
    (entry,) = handovers(ledger)
    assert entry.meta["decision"] == "1500/QĐ-UBND"
    import_(ledger, august_statement(tmp_path / "bang-ke-thang-8.xlsx"))
    assert unit_rows(ledger) == unit_rows(stages["final"])


def test_units_written_with_abbreviations_and_codes_are_the_registrys(stages: dict[str, Path],
                                                                       tmp_path: Path):
    ledger = copy_books(stages, "spent", tmp_path)
    registry = ledger.parent / "units.toml"
    before = registry.read_text(encoding="utf-8")
    table = handover(tmp_path / "BB-05.xlsx", [codes_row(giver=MT_ABBREVIATED)],
                     header=CODES_HEADER)
    import_(ledger, table)
    (entry,) = handovers(ledger)
    assert handed(entry) == expected_postings(TY, TY)  # booked under the decision's name
    after = registry.read_text(encoding="utf-8")
    assert after.startswith(before) and MT_ABBREVIATED not in after
    added = after[len(before):]
    assert added.count("[[units]]") == 1  # the commune, with its code and kind
    assert f'name = "{XA_MT}"' in added and f'code = "{XA_MT_CODE}"' in added
    assert 'kind = "xa"' in added
    import_(ledger, august_statement(tmp_path / "bang-ke-thang-8.xlsx"))
    assert unit_rows(ledger) == unit_rows(stages["final"])


def several_rows(path: Path, rows: tuple[int, ...] = (1, 2, 3)) -> Path:
    """BB 05: the district hands TDA2 to two communes and TDA1 to one of them."""
    every = {1: handover_row(1, MT, XA_MT, 600 * TRIEU, TY),
             2: handover_row(2, MT, XA_BUM_NUA, 400 * TRIEU, None),
             3: handover_row(3, MT, XA_BUM_NUA, TY, "-", TDA1)}
    return handover(path, [every[number] for number in rows])


def test_one_district_hands_several_lines_to_two_communes(stages: dict[str, Path],
                                                          tmp_path: Path):
    path = several_rows(tmp_path / "BB-05.xlsx")
    entries = read(path)
    assert [(entry.meta["row"], entry.postings[0].account.split(":", 2)[2]) for entry in entries
            ] == [(6, TDA2_SN), (7, TDA2_SN), (8, TDA1_SN)]
    assert handed(entries[1]) == expected_postings(400 * TRIEU, 0, receiver=XA_BUM_NUA)[:4]
    assert handed(entries[2]) == expected_postings(TY, 0, receiver=XA_BUM_NUA)[:4]

    ledger = copy_books(stages, "spent", tmp_path)
    done = import_(ledger, path)
    assert "Đã thêm 3 giao dịch" in done.output
    rows = unit_rows(ledger)
    assert rows[(TDA2_CODE, MT)] == (500 * TRIEU, 500 * TRIEU, 0, 0)
    assert rows[(TDA2_CODE, XA_MT)] == (1_600 * TRIEU, 0, TY, 600 * TRIEU)
    assert rows[(TDA2_CODE, XA_BUM_NUA)] == (400 * TRIEU, 0, 0, 400 * TRIEU)
    assert rows[(TDA1_CODE, MT)] == (0, 0, 0, 0)  # all handed over; its row kept
    assert rows[(TDA1_CODE, XA_BUM_NUA)] == (TY, 0, 0, TY)
    assert line_rows(ledger) == line_rows(stages["spent"])
    # each commune spends what it received on each line
    import_(ledger, statement(tmp_path / "bang-ke-thang-8.xlsx",
                              ("15/08/2025", "KBLC-25-08101", XA_BUM_NUA_CODE, XA_BUM_NUA,
                               "Thanh toán", 400 * TRIEU)))
    import_(ledger, statement(tmp_path / "bang-ke-thang-9.xlsx",
                              ("15/09/2025", "KBLC-25-09101", XA_BUM_NUA_CODE, XA_BUM_NUA,
                               "Thanh toán", TY), subproject=TDA1))
    output = refused(ledger, statement(tmp_path / "bang-ke-thang-10.xlsx",
                                       ("15/10/2025", "KBLC-25-10101", XA_BUM_NUA_CODE,
                                        XA_BUM_NUA, "Thanh toán", 1)))
    assert f"'{XA_BUM_NUA}'" in output and TDA2_SN in output and "vượt 1 đ" in output


# --- 5. layouts that once were misread -------------------------------------------------------


def test_a_millions_unit_line_directly_above_the_header_is_read(tmp_path: Path):
    path = handover(tmp_path / "trieu-dong.xlsx", [handover_row(1, MT, XA_MT, 1000, 1000)],
                    unit="Đơn vị tính: triệu đồng")
    (entry,) = read(path)
    assert handed(entry) == expected_postings(TY, TY)


def test_a_millions_unit_in_the_amount_headers_is_read(tmp_path: Path):
    header = [*HANDOVER_HEADER[:-2], "Kế hoạch vốn còn lại (triệu đồng)",
              "Tạm ứng chưa thu hồi (triệu đồng)"]
    path = sheet_workbook(tmp_path / "trieu-dong.xlsx", [
        *([line] for line in HANDOVER_TITLE), [], header, handover_row(1, MT, XA_MT, 1000, 1000)])
    (entry,) = read(path)
    assert handed(entry) == expected_postings(TY, TY)


def test_the_record_line_directly_above_the_header_is_read(tmp_path: Path):
    path = sheet_workbook(tmp_path / "BB-05.xlsx", [*([line] for line in HANDOVER_TITLE),
                                                    HANDOVER_HEADER,
                                                    handover_row(1, MT, XA_MT, TY, TY)])
    (entry,) = read(path)
    assert (entry.meta["decision"], entry.date) == (RECORD, HANDOVER_DAY)


def test_a_total_row_labelled_in_the_giving_units_column_is_skipped(tmp_path: Path):
    tail = [[None, "Tổng cộng", *[None] * 7, TY, TY]]
    path = handover(tmp_path / "BB-05.xlsx", [handover_row(1, MT, XA_MT, TY, TY)], tail=tail)
    (entry,) = read(path)
    assert handed(entry) == expected_postings(TY, TY)


def test_a_signature_block_under_the_unit_columns_is_skipped(tmp_path: Path):
    tail = [[], [None, "ĐẠI DIỆN BÊN GIAO", None, None, None, None, None, None,
                 "ĐẠI DIỆN BÊN NHẬN"],
            [None, "(Ký, ghi rõ họ tên)", *[None] * 6, "(Ký, ghi rõ họ tên)"]]
    path = handover(tmp_path / "BB-05.xlsx", [handover_row(1, MT, XA_MT, TY, TY)], tail=tail)
    (entry,) = read(path)
    assert handed(entry) == expected_postings(TY, TY)


def test_unit_code_columns_under_a_group_label_are_codes(tmp_path: Path):
    top = ["STT", "Mã ĐVQHNS", None, "Đơn vị", None, "Chương trình", "Dự án", "Tiểu dự án",
           "Nguồn vốn", "Loại vốn", "Năm KH", "Kế hoạch vốn còn lại", "Tạm ứng chưa thu hồi"]
    sub = [None, "Bên giao", "Bên nhận", "Bên giao", "Bên nhận", *[None] * 8]
    row = [1, MT_CODE, XA_MT_CODE, MT, XA_MT, GNBV, DA4, TDA2, "NSTW", "SN", 2025, TY, TY]
    merges = [(5, 2, 5, 3), (5, 4, 5, 5), *((5, column, 6, column)
                                           for column in (1, *range(6, 14)))]
    path = sheet_workbook(tmp_path / "BB-05.xlsx", [
        *([line] for line in HANDOVER_TITLE), [*[None] * 12, "Đơn vị: đồng"], top, sub, row],
        merges)
    (entry,) = read(path)
    assert handed(entry) == expected_postings(TY, TY)
    assert [posting.meta.get("unit_code") for posting in entry.postings] == [
        MT_CODE, XA_MT_CODE] * 3


# --- 6. documents refused ----------------------------------------------------------------------


def test_a_row_missing_the_receiving_unit_is_refused_naming_file_sheet_and_row(
        stages: dict[str, Path], tmp_path: Path):
    ledger = copy_books(stages, "spent", tmp_path)
    table = handover(tmp_path / "BB-05.xlsx", [handover_row(1, MT, XA_MT, 500 * TRIEU, TY),
                                               handover_row(2, MT, None, 500 * TRIEU, None)])
    output = refused(ledger, table)
    assert "BB-05.xlsx, sheet 'Bàn giao', dòng (row) 7, ô (cell) C7" in output
    assert "thiếu đơn vị giao hoặc đơn vị nhận" in output
    with pytest.raises(ImportProblem, match="dòng \\(row\\) 7"):
        read(table)


def test_a_negative_amount_is_refused(stages: dict[str, Path], tmp_path: Path):
    ledger = copy_books(stages, "spent", tmp_path)
    output = refused(ledger, handover(tmp_path / "BB-05.xlsx",
                                      [handover_row(1, MT, XA_MT, TY, -TY)]))
    assert "BB-05.xlsx, sheet 'Bàn giao', dòng (row) 6, ô (cell) K6" in output
    assert "Tạm ứng chưa thu hồi" in output and "không âm" in output


def test_a_row_handing_over_nothing_is_refused(tmp_path: Path):
    path = handover(tmp_path / "BB-05.xlsx", [handover_row(1, MT, XA_MT, 0, "-")])
    with pytest.raises(ImportProblem, match="không có số tiền"):
        read(path)


@pytest.mark.parametrize("cited", [
    "BẢNG TỔNG HỢP VỐN BÀN GIAO KHI SẮP XẾP ĐƠN VỊ HÀNH CHÍNH",  # neither number nor date
    "(Kèm theo Biên bản bàn giao số 05/BB-BG)",  # a number, no date
    "(Kèm theo Biên bản bàn giao ngày 30/6/2025)",  # a date, no number
], ids=["nothing", "no-date", "no-number"])
def test_a_title_without_the_records_number_and_date_is_refused(
        cited: str, stages: dict[str, Path], tmp_path: Path):
    ledger = copy_books(stages, "spent", tmp_path)
    title = ["UBND TỈNH LAI CHÂU", "BẢNG BÀN GIAO VỐN CHƯƠNG TRÌNH MTQG", cited]
    output = refused(ledger, handover(tmp_path / "BB.xlsx", [handover_row(1, MT, XA_MT, TY, TY)],
                                      title=title))
    assert "BB.xlsx, sheet 'Bàn giao'" in output
    assert "không thấy số và ngày của biên bản / quyết định bàn giao" in output


@pytest.mark.parametrize("kind", ["units-table-not-titled-handover", "staff-list"])
def test_a_workbook_that_is_no_known_document_is_refused(kind: str, stages: dict[str, Path],
                                                         tmp_path: Path):
    ledger = copy_books(stages, "spent", tmp_path)
    if kind == "staff-list":
        path = sheet_workbook(tmp_path / "danh-sach.xlsx", [
            ["UBND TỈNH LAI CHÂU"], ["DANH SÁCH CÁN BỘ ĐIỀU ĐỘNG VỀ XÃ"],
            ["STT", "Họ và tên", "Đơn vị cũ", "Đơn vị mới", "Chức vụ"],
            [1, "Nguyễn Văn A", MT, XA_MT, "Kế toán"]])
    else:  # the handover's own table, under a title that does not say bàn giao
        path = handover(tmp_path / "danh-sach.xlsx", [handover_row(1, MT, XA_MT, TY, TY)],
                        title=["UBND TỈNH LAI CHÂU", "DANH SÁCH ĐƠN VỊ",
                               "(Kèm theo Công văn số 05/UBND ngày 30/6/2025)"])
    output = refused(ledger, path)
    assert "danh-sach.xlsx" in output and "không nhận ra loại tài liệu" in output


# --- 7. duplicates -------------------------------------------------------------------------------


def test_reimporting_the_handover_adds_nothing(stages: dict[str, Path], tmp_path: Path):
    ledger = copy_books(stages, "handed", tmp_path)
    before = snapshot(ledger.parent)
    again = import_(ledger, main_handover(tmp_path / "BB-05-ban-giao.xlsx"))
    assert "Đã thêm 0 giao dịch" in again.output and "bỏ qua 1 đã có" in again.output
    assert snapshot(ledger.parent) == before
    # nor after the commune has spent it
    ledger = copy_books(stages, "final", tmp_path / "final")
    before = snapshot(ledger.parent)
    again = import_(ledger, main_handover(tmp_path / "BB-05-ban-giao.xlsx"))
    assert "Đã thêm 0 giao dịch" in again.output
    assert snapshot(ledger.parent) == before


def test_a_second_row_on_the_line_to_another_commune_is_not_a_duplicate(
        stages: dict[str, Path], tmp_path: Path):
    ledger = copy_books(stages, "spent", tmp_path)
    import_(ledger, several_rows(tmp_path / "BB-05-dong-1.xlsx", rows=(1,)))
    done = import_(ledger, several_rows(tmp_path / "BB-05.xlsx", rows=(1, 2)))
    assert "Đã thêm 1 giao dịch" in done.output and "bỏ qua 1 đã có" in done.output
    assert [(entry.meta["decision"], handed(entry)[1][2]) for entry in handovers(ledger)] == [
        (RECORD, XA_MT), (RECORD, XA_BUM_NUA)]
    rows = unit_rows(ledger)
    assert rows[(TDA2_CODE, XA_MT)][0] == 1_600 * TRIEU
    assert rows[(TDA2_CODE, XA_BUM_NUA)][0] == 400 * TRIEU
    assert rows[(TDA2_CODE, MT)] == (500 * TRIEU, 500 * TRIEU, 0, 0)


# --- 8. a handover written by hand ------------------------------------------------------------

def hand_written(plan: int = TY, advance: int = TY) -> str:
    """BB 05 as docs/accounts.md writes a handover by hand: each posting names its unit."""
    moved = plan + advance
    sides = (("Income:Allocated", moved), ("Assets:Appropriation", -plan),
             ("Assets:Advance", -advance))
    postings = "".join(f"  {root}:{TDA2_SN}  {amount * sign} VND\n    unit: \"{unit}\"\n"
                       for root, amount in sides for sign, unit in ((1, MT), (-1, XA_MT)))
    return (f"; Bàn giao vốn khi kết thúc hoạt động cấp huyện, ghi tay theo Biên bản {RECORD}\n\n"
            f'2025-06-30 * "UBND tỉnh Lai Châu" "Bàn giao vốn TDA2 – {MT} → {XA_MT}"\n'
            f'  decision: "{RECORD}"\n  decision_date: 2025-06-30\n  kind: "ban-giao"\n'
            + postings)


def hand_written_books(stages: dict[str, Path], tmp_path: Path, text: str) -> Path:
    ledger = copy_books(stages, "spent", tmp_path)
    (ledger.parent / "ban-giao.beancount").write_text(text, encoding="utf-8")
    with ledger.open("a", encoding="utf-8") as main:
        main.write('\n; Bàn giao ghi tay\ninclude "ban-giao.beancount"\n')
    return ledger


def test_a_hand_written_handover_gives_the_imported_ones_report(stages: dict[str, Path],
                                                                tmp_path: Path):
    text = hand_written()
    assert "    unit: " in text  # the posting's own metadata, indented under it
    ledger = hand_written_books(stages, tmp_path, text)
    (entry,) = handovers(ledger)  # loads without errors
    assert handed(entry) == expected_postings(TY, TY)
    mtqg("check", ledger)
    for by in ("unit", "line"):
        for as_of in ("30/06/2025", "31/12/2025"):
            assert report(ledger, by, as_of) == report(stages["handed"], by, as_of)
    # and the commune may then spend what it received, as after the imported one
    import_(ledger, august_statement(tmp_path / "bang-ke-thang-8.xlsx"))
    assert report(ledger, "unit") == report(stages["final"], "unit")


def test_a_hand_written_handover_beyond_the_districts_plan_is_an_error(
        stages: dict[str, Path], tmp_path: Path):
    text = hand_written(plan=1_100 * TRIEU)
    ledger = hand_written_books(stages, tmp_path, text)
    _, errors, _ = loader.load_file(str(ledger))
    (message,) = [error.message for error in errors]
    assert f"Bàn giao vượt kế hoạch vốn còn lại của đơn vị '{MT}'" in message
    assert "vượt 100.000.000 đ" in message
