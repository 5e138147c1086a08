"""``mtqg import`` (mtqgledger.ingest.pipeline) end to end: documents into books, checked, atomic.

Books are made by ``mtqg init`` and fed the four sample documents of importers/samples
(written by importers/make_samples.py). Where a test needs books that already hold some
documents, a template is built once per module and copied.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest
from beancount import loader
from beancount.core import data
from click.testing import CliRunner, Result
from clirun import isolated_env
from openpyxl import Workbook
from workbooks import decision_workbook

from mtqgledger.cli import main
from mtqgledger.importers.workbook import ImportProblem
from mtqgledger.ingest.pipeline import ImportFailed, import_files
from mtqgledger.model.catalogue_files import load_catalogue

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "importers" / "samples"
QD35 = SAMPLES / "QD-35-giao-von-2025.xlsx"
QD1128 = SAMPLES / "QD-1128-bo-sung-2025.xls"
QD1390 = SAMPLES / "QD-1390-dieu-chinh-2025.xlsx"
KBNN = SAMPLES / "KBNN-bang-ke-2025.xlsx"
ALL = (QD35, QD1128, QD1390, KBNN)
SAMPLE_BOOKS = ROOT / "ledgers" / "main.beancount"
AS_OF = "2025-11-14"

# Entries in the documents (see the golden files): QĐ 35 has 9 non-zero cells on line
# rows, QĐ 1128 two detail rows, QĐ 1390 two changed rows, the statement 26 movements.
ENTRIES = 11 + 2 + 2 + 26


def trieu(*cells: str) -> int:
    """Whole đồng of cells written in triệu đồng (decimal comma, as in QĐ 35)."""
    return int(sum(Decimal(cell.replace(".", "").replace(",", ".")) for cell in cells)
               * 1_000_000)


def nghin(*cells: str) -> int:
    """Whole đồng of cells written in nghìn đồng (QĐ 1128)."""
    return sum(int(cell.replace(".", "")) for cell in cells) * 1000


TDA2_SN = "LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025"
# QĐ 35 row 17: TDA2 gets 7.620 triệu NSTW SN.
TDA2_SN_ALLOCATED = trieu("7.620")


# --- helpers ---------------------------------------------------------------------------


def run(*args: object, env: dict[str, str | None] | None = None) -> Result:
    return CliRunner(env=env).invoke(main, [str(a) for a in args], catch_exceptions=False)


def init_books(folder: Path, programs: Sequence[str] = ("GNBV", "DTTS"),
               env: dict[str, str | None] | None = None) -> Path:
    options = [part for code in programs for part in ("--program", code)]
    result = run("init", folder, "--province", "LaiChau", "--year", "2025", *options, env=env)
    assert result.exit_code == 0, result.output
    return folder / "main.beancount"


def import_(ledger: Path, *files: Path, env: dict[str, str | None] | None = None,
            extra: Sequence[str] = ()) -> Result:
    return run("import", *files, "--ledger", ledger, *extra, env=env)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below the folder, by relative path. Beancount's own pickle cache (only
    written for loads slower than a second) is not part of the books."""
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*"))
            if path.is_file() and not path.name.endswith(".picklecache")}


def report(ledger: Path, env: dict[str, str | None] | None = None) -> list[dict]:
    result = run("report", "disbursement", ledger, "--as-of", AS_OF, "--format", "json",
                 env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def node(rows: list[dict], program: str, project: str, subproject: str,
         capital: str | None = None) -> dict:
    """The unique sub-project row (or its capital split) of the report."""
    (row,) = [r for r in rows if r["level"] == "subproject" and r["program"] == program
              and r["project"] == project and r["subproject"] == subproject
              and r["capital"] == capital and r["source"] is None and r["plan_year"] is None]
    return row


def dotted(amount: int) -> str:
    """Đồng as the CLI prints them: 159.380.000.000."""
    return f"{amount:,}".replace(",", ".")


def percent(row: dict) -> float:
    return round(row["ratio"] * 100, 1)


def transactions(ledger: Path) -> list[data.Transaction]:
    entries, errors, _ = loader.load_file(str(ledger))
    assert not errors, errors
    return [entry for entry in entries if isinstance(entry, data.Transaction)]


def not_a_workbook(path: Path) -> Path:
    path.write_text("Đây là ghi chú, không phải bảng tính.\n", encoding="utf-8")
    return path


def staff_list(path: Path) -> Path:
    """A real workbook that is neither a decision appendix nor a treasury statement."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append(["SỞ NỘI VỤ TỈNH LAI CHÂU"])
    sheet.append(["DANH SÁCH CÁN BỘ, CÔNG CHỨC NĂM 2025"])
    sheet.append([])
    sheet.append(["STT", "Họ và tên", "Ngày sinh", "Chức vụ", "Phòng"])
    sheet.append([1, "Nguyễn Văn A", "12/03/1980", "Trưởng phòng", "Phòng Lao động"])
    sheet.append([2, "Trần Thị B", "05/09/1991", "Chuyên viên", "Phòng Việc làm"])
    book.save(path)
    return path


def movement(make_samples: ModuleType, day: str, voucher: str, subproject: str, source: str,
             kind: str, amount: int, *, program: str | None = None,
             project: str | None = None) -> tuple:
    """One statement row in the shape of make_samples.MOVEMENTS."""
    return (day, voucher, "1117702", "Trung tâm Dịch vụ việc làm tỉnh", f"{kind} (kiểm thử)",
            program or make_samples.GNBV, project or make_samples.DA4, subproject, source, "SN",
            kind, amount)


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Books made by init with some samples imported, built once per list of samples."""
    env = isolated_env(tmp_path_factory.mktemp("template-cache"))
    built: dict[tuple[Path, ...], Path] = {}

    def make(*files: Path) -> Path:
        if files not in built:
            folder = tmp_path_factory.mktemp("template") / "books"
            ledger = init_books(folder, env=env)
            if files:
                result = import_(ledger, *files, env=env)
                assert result.exit_code == 0, result.output
            built[files] = folder
        return built[files]

    return make


def copy_books(template: Path, tmp_path: Path) -> Path:
    """A private copy of template books; returns its main file."""
    folder = tmp_path / "books"
    shutil.copytree(template, folder)
    return folder / "main.beancount"


@pytest.fixture(scope="module")
def first_import(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Fresh books (GNBV + DTTS) and one `mtqg import` of all four samples."""
    env = isolated_env(tmp_path_factory.mktemp("cache"))
    folder = tmp_path_factory.mktemp("first") / "books"
    ledger = init_books(folder, env=env)
    before = snapshot(folder)
    result = import_(ledger, *ALL, env=env)
    return {"folder": folder, "ledger": ledger, "before": before, "result": result,
            "env": env}


# --- 1. init, import everything, check, report ---------------------------------------


def test_import_all_samples_writes_include_files_and_checks(first_import: dict) -> None:
    result, folder = first_import["result"], first_import["folder"]
    assert result.exit_code == 0, result.output
    assert f"Đã thêm {ENTRIES} giao dịch" in result.output
    assert (folder / "imports" / "decisions.beancount").is_file()
    assert (folder / "imports" / "treasury.beancount").is_file()
    main_before = first_import["before"]["main.beancount"].decode("utf-8")
    main_after = (folder / "main.beancount").read_text(encoding="utf-8")
    assert main_after.startswith(main_before.rstrip("\n"))
    added = main_after[len(main_before.rstrip("\n")):]
    assert 'include "imports/decisions.beancount"' in added
    assert 'include "imports/treasury.beancount"' in added
    assert 'include "imports/decisions.beancount"' not in main_before
    # init opened every GNBV and DTTS line, so no accounts file was needed
    assert not (folder / "imports" / "accounts.beancount").exists()
    assert "accounts.beancount" not in added

    checked = run("check", first_import["ledger"], env=first_import["env"])
    assert checked.exit_code == 0, checked.output
    assert f"{ENTRIES} giao dịch" in checked.output
    assert len(transactions(first_import["ledger"])) == ENTRIES


# Plans of GNBV DA4 as of 14/11/2025, derived from the documents, in đồng:
#   TDA1 = QĐ 35 rows 14-15 (17.840 + 38.250,5 + 91.209,5 + 25.000 triệu)
#          + QĐ 1128 rows 11-12 (2.915.000 + 2.000.000 nghìn)
#   TDA2 = QĐ 35 row 17 (7.620 triệu) + QĐ 1390 row 10 (+500.000.000)
#   TDA3 = QĐ 35 row 18 (12.000 + 10.000 + 2.040 triệu) + QĐ 1390 row 11 (-500.000.000)
PLANS = {
    "TDA1": trieu("17.840", "38.250,5", "91.209,5", "25.000") + nghin("2.915.000", "2.000.000"),
    "TDA2": trieu("7.620") + 500_000_000,
    "TDA3": trieu("12.000", "10.000", "2.040") - 500_000_000,
}
PUBLISHED = {"TDA1": 54.1, "TDA2": 6.9, "TDA3": 68.4}  # README / the province's figures


def test_report_after_import_gives_the_published_figures(first_import: dict) -> None:
    rows = report(first_import["ledger"], env=first_import["env"])
    for code, ratio in PUBLISHED.items():
        row = node(rows, "GNBV", "DA4", code)
        assert row["plan"] == PLANS[code], code
        assert percent(row) == ratio, (code, row["ratio"])
    assert node(rows, "GNBV", "DA4", "TDA3", "DTPT")["ratio"] > 0.95
    assert node(rows, "GNBV", "DA4", "TDA1", "DTPT")["ratio"] == 1.0
    assert abs(node(rows, "GNBV", "DA4", "TDA1", "SN")["ratio"] * 100 - 49) <= 1


def test_report_after_import_equals_the_sample_books(first_import: dict) -> None:
    imported = report(first_import["ledger"], env=first_import["env"])
    bundled = report(SAMPLE_BOOKS, env=first_import["env"])
    for code in PUBLISHED:
        mine, theirs = node(imported, "GNBV", "DA4", code), node(bundled, "GNBV", "DA4", code)
        assert (mine["plan"], mine["disbursed"]) == (theirs["plan"], theirs["disbursed"]), code
        assert mine["disbursed"] > 0


# --- 2. a second import adds nothing ---------------------------------------------------


def test_second_import_adds_nothing_and_changes_no_byte(first_import: dict,
                                                        tmp_path: Path) -> None:
    ledger = copy_books(first_import["folder"], tmp_path)
    before = snapshot(ledger.parent)
    result = import_(ledger, *ALL)
    assert result.exit_code == 0, result.output
    assert "Đã thêm 0" in result.output
    assert f"bỏ qua {ENTRIES} đã có trong sổ" in result.output
    assert "Đã ghi" not in result.output
    assert snapshot(ledger.parent) == before


# --- 3. one by one, in different orders ------------------------------------------------

# QĐ 35 must come before QĐ 1390 (which takes 500 million from TDA3) and before the
# statement (which spends it); otherwise any order is valid.
ORDERS = [
    (QD35, QD1128, QD1390, KBNN),
    (QD35, KBNN, QD1390, QD1128),
    (QD1128, QD35, KBNN, QD1390),
]


@pytest.mark.parametrize("order", ORDERS, ids=["-".join(p.stem.split("-")[1] for p in order)
                                               for order in ORDERS])
def test_one_by_one_in_any_valid_order_gives_the_same_report(
        order: tuple[Path, ...], first_import: dict, tmp_path: Path) -> None:
    ledger = init_books(tmp_path / "books")
    for path in order:
        result = import_(ledger, path)
        assert result.exit_code == 0, f"{path.name}: {result.output}"
    assert report(ledger) == report(first_import["ledger"], env=first_import["env"])
    assert len(transactions(ledger)) == ENTRIES


def test_statement_before_its_allocation_is_refused(tmp_path: Path) -> None:
    ledger = init_books(tmp_path / "books")
    before = snapshot(ledger.parent)
    result = import_(ledger, KBNN)
    assert result.exit_code != 0
    assert "Vượt kế hoạch vốn còn lại" in result.output
    assert snapshot(ledger.parent) == before


# --- 4. dry run --------------------------------------------------------------------------


def test_dry_run_prints_entries_and_writes_nothing(tmp_path: Path) -> None:
    ledger = init_books(tmp_path / "books")
    before = snapshot(ledger.parent)
    result = import_(ledger, *ALL, extra=["--dry-run"])
    assert result.exit_code == 0, result.output
    assert "2025-01-08 *" in result.stdout  # QĐ 35 of 08/01/2025
    assert "decision:" in result.stdout
    assert 'voucher: "KBLC-25-03352"' in result.stdout  # the statement's last voucher
    assert f"Sẽ thêm {ENTRIES} giao dịch" in result.output
    assert "Đã ghi" not in result.output
    assert snapshot(ledger.parent) == before
    assert not (ledger.parent / "imports").exists()


# --- 5, 6. statements the budget rules refuse -------------------------------------------


def test_over_disbursing_statement_is_rejected(make_samples: ModuleType,
                                               templates: Callable[..., Path],
                                               tmp_path: Path) -> None:
    ledger = copy_books(templates(QD35), tmp_path)
    before = snapshot(ledger.parent)
    statement = tmp_path / "bang-ke-vuot.xlsx"
    make_samples.treasury_statement(statement, [
        # a valid advance first: it must not be written either
        movement(make_samples, "05/08/2025", "KBLC-25-09001", make_samples.TDA2, "NSTW",
                 "Tạm ứng", 300_000_000),
        movement(make_samples, "10/11/2025", "KBLC-25-09002", make_samples.TDA2, "NSTW",
                 "Thanh toán", 8_000_000_000),
    ])
    result = import_(ledger, statement)
    assert result.exit_code != 0
    assert "Vượt kế hoạch vốn còn lại" in result.output
    assert f"Assets:Appropriation:{TDA2_SN}" in result.output
    assert "không ghi gì" in result.output
    # remaining on 10/11: QĐ 35's 7.620.000.000 less the 300.000.000 advance
    over = 8_000_000_000 - (TDA2_SN_ALLOCATED - 300_000_000)
    assert f"vượt {dotted(over)} đ" in result.output  # 680.000.000
    assert snapshot(ledger.parent) == before


@pytest.mark.parametrize("line", ["opened", "not opened"])
def test_statement_row_on_a_line_without_allocation_is_rejected(
        line: str, make_samples: ModuleType, templates: Callable[..., Path],
        tmp_path: Path) -> None:
    ledger = copy_books(templates(QD35), tmp_path)
    before = snapshot(ledger.parent)
    if line == "opened":  # init opened NSĐP lines of TDA2, but no decision gives it money
        row = movement(make_samples, "15/09/2025", "KBLC-25-09100", make_samples.TDA2, "NSĐP",
                       "Thanh toán", 50_000_000)
        account = "Assets:Appropriation:LaiChau:GNBV:DA4:TDA2:NSDP:SN:Y2025"
    else:  # a programme the books were not made for: no open directive, no allocation
        row = movement(make_samples, "15/09/2025", "KBLC-25-09101", "", "NSTW", "Thanh toán",
                       50_000_000, program="Chương trình MTQG xây dựng nông thôn mới",
                       project="Nội dung thành phần 1: Nâng cao hiệu quả quản lý và thực "
                               "hiện xây dựng nông thôn mới theo quy hoạch")
        account = "Assets:Appropriation:LaiChau:NTM:ND01:NSTW:SN:Y2025"
    statement = tmp_path / "bang-ke.xlsx"
    make_samples.treasury_statement(statement, [row])
    result = import_(ledger, statement)
    assert result.exit_code != 0
    assert "Vượt kế hoạch vốn còn lại" in result.output
    assert account in result.output
    assert "không ghi gì" in result.output
    assert snapshot(ledger.parent) == before


# --- 7. books with errors ---------------------------------------------------------------

BAD_TRANSACTION = f"""
2025-02-01 * "Chi không có căn cứ"
  Expenses:Disbursed:{TDA2_SN}      100000000 VND
  Assets:Appropriation:{TDA2_SN}   -100000000 VND
"""


def test_books_with_errors_are_refused_before_reading(tmp_path: Path) -> None:
    ledger = init_books(tmp_path / "books")
    with ledger.open("a", encoding="utf-8") as handle:
        handle.write(BAD_TRANSACTION)
    before = snapshot(ledger.parent)
    # The document is not even a workbook: had it been read, that would be the error.
    garbage = not_a_workbook(tmp_path / "hong.xlsx")
    result = import_(ledger, QD35, garbage)
    assert result.exit_code != 0
    assert "sổ đang có" in result.output
    assert "không đọc được bảng tính" not in result.output
    assert snapshot(ledger.parent) == before

    steps: list[str] = []
    with pytest.raises(ImportFailed, match="sổ đang có"):
        import_files(ledger, [QD35, garbage], progress=steps.append)
    assert len(steps) == 1 and "đọc sổ" in steps[0]  # the books only, no document
    assert snapshot(ledger.parent) == before


# --- 8. documents that are not ours -----------------------------------------------------


@pytest.mark.parametrize(("maker", "reason"), [
    (staff_list, "không nhận ra loại tài liệu"),
    (not_a_workbook, "không đọc được bảng tính"),
], ids=["staff-list", "text-as-xlsx"])
def test_unknown_document_is_refused(maker: Callable[[Path], Path], reason: str,
                                     tmp_path: Path) -> None:
    ledger = init_books(tmp_path / "books")
    before = snapshot(ledger.parent)
    document = maker(tmp_path / "tai-lieu-la.xlsx")
    result = import_(ledger, QD1128, document)  # a good document first: not written either
    assert result.exit_code != 0
    assert "tai-lieu-la.xlsx" in result.output
    assert reason in result.output
    assert "Đã ghi" not in result.output
    assert snapshot(ledger.parent) == before


# --- 9. a programme the books were not made for -----------------------------------------

DTTS_TITLE = ["UBND TỈNH LAI CHÂU", "", "PHỤ LỤC",
              "KẾ HOẠCH VỐN NĂM 2025 CHƯƠNG TRÌNH MTQG PHÁT TRIỂN KINH TẾ - XÃ HỘI VÙNG ĐỒNG "
              "BÀO DÂN TỘC THIỂU SỐ VÀ MIỀN NÚI",
              "(Kèm theo Quyết định số 210/QĐ-UBND ngày 20 tháng 2 năm 2025 của UBND tỉnh)"]


def dtts_decision(path: Path, make_samples: ModuleType) -> Path:
    """DTTS DA5 TDA3: 250 triệu NSTW SN and 70 triệu NSĐP SN."""
    rows: list[list[object]] = [
        [None, "TỔNG SỐ", 320, None, 250, None, 70],
        ["I", make_samples.DTTS, 320, None, 250, None, 70],
        ["1", make_samples.DA5, 320, None, 250, None, 70],
        ["a", make_samples.DA5_TDA3, 320, None, 250, None, 70],
    ]
    return decision_workbook(path, rows, title=DTTS_TITLE)


def test_new_programme_lines_are_opened_in_the_accounts_include(
        make_samples: ModuleType, tmp_path: Path) -> None:
    ledger = init_books(tmp_path / "books", programs=("GNBV",))
    decision = dtts_decision(tmp_path / "QD-210.xlsx", make_samples)
    result = import_(ledger, decision)
    assert result.exit_code == 0, result.output
    assert "mở 4 tài khoản" in result.output  # 2 lines × (Appropriation, Allocated)
    accounts = ledger.parent / "imports" / "accounts.beancount"
    text = accounts.read_text(encoding="utf-8")
    opened = re.findall(r"^(\d{4}-\d\d-\d\d) open (\S+) VND$", text, re.MULTILINE)
    lines = ("LaiChau:DTTS:DA5:TDA3:NSTW:SN:Y2025", "LaiChau:DTTS:DA5:TDA3:NSDP:SN:Y2025")
    assert sorted(account for _, account in opened) == sorted(
        f"{root}:{line}" for line in lines for root in ("Assets:Appropriation",
                                                       "Income:Allocated"))
    assert {day for day, _ in opened} == {"2025-01-01"}  # the plan year's first day
    title = load_catalogue().node(["DTTS", "DA5", "TDA3"]).title_vi
    names = re.findall(r'^  name: "(.*)"$', text, re.MULTILINE)
    assert len(names) == 4
    assert all(name.startswith(title) and name.endswith("KH 2025") for name in names)
    assert f"{title} – Ngân sách trung ương – Vốn sự nghiệp – KH 2025" in names
    assert 'include "imports/accounts.beancount"' in ledger.read_text(encoding="utf-8")

    checked = run("check", ledger)
    assert checked.exit_code == 0, checked.output
    rows = report(ledger)
    assert node(rows, "DTTS", "DA5", "TDA3")["plan"] == trieu("250", "70")
    # imported again: nothing more to open or add
    again = import_(ledger, decision)
    assert again.exit_code == 0 and "Đã thêm 0 giao dịch, mở 0 tài khoản" in again.output


# --- 10. the summary --------------------------------------------------------------------

# (kind, source, capital, total in đồng), derived from the documents:
SUMMARY = [
    # QĐ 35 NSTW SN cells: 38.250,5 + 91.209,5 + 7.620 + 10.000 + 12.300 triệu
    ("giao", "NSTW", "SN", trieu("38.250,5", "91.209,5", "7.620", "10.000", "12.300")),
    # QĐ 35 NSTW ĐTPT cells: 17.840 + 12.000 triệu
    ("giao", "NSTW", "DTPT", trieu("17.840", "12.000")),
    # QĐ 35 NSĐP SN cells: 25.000 + 2.040 triệu
    ("giao", "NSDP", "SN", trieu("25.000", "2.040")),
    # QĐ 1128: 2.915.000 + 2.000.000 nghìn
    ("bo-sung", "NSDP", "SN", nghin("2.915.000", "2.000.000")),
    # QĐ 1390: +500.000.000 to TDA2, -500.000.000 from TDA3
    ("dieu-chinh", "NSTW", "SN", 0),
    # statement rows 7, 12, 18, 26, Tạm ứng NSTW SN (đồng)
    ("tam-ung", "NSTW", "SN", 12_000_000_000 + 8_000_000_000 + 300_000_000 + 4_000_000_000),
    # statement row 25, Giảm chi (đồng)
    ("giam-chi", "NSDP", "SN", 120_000_000),
]


def test_summary_prints_totals_per_kind_source_capital(first_import: dict) -> None:
    output = first_import["result"].output
    assert dotted(SUMMARY[0][3]) == "159.380.000.000"
    for kind, source, capital, total in SUMMARY:
        pattern = rf"^\s*{kind}\s+{source}\s+{capital}\s+{re.escape(dotted(total))} đ$"
        assert re.search(pattern, output, re.MULTILINE), (kind, source, capital, output)


def test_import_result_totals(tmp_path: Path) -> None:
    ledger = init_books(tmp_path / "books")
    result = import_files(ledger, list(ALL), dry_run=True)
    totals = result.totals()
    for kind, source, capital, total in SUMMARY:
        assert totals[(kind, source, capital)] == total, kind
    assert len(result.added) == ENTRIES and result.duplicates == 0
    assert result.written == []


# --- 11. all or nothing -----------------------------------------------------------------


@pytest.mark.parametrize("failure", ["unreadable", "over-disbursing"])
def test_failure_on_the_third_document_writes_nothing(failure: str, make_samples: ModuleType,
                                                      templates: Callable[..., Path],
                                                      tmp_path: Path) -> None:
    # Books holding QĐ 35, so that QĐ 1128 and QĐ 1390 are valid on their own.
    ledger = copy_books(templates(QD35), tmp_path)
    before = snapshot(ledger.parent)
    if failure == "unreadable":
        third, expected = not_a_workbook(tmp_path / "thu-ba.xlsx"), ImportProblem
    else:  # TDA2: 7.620.000.000 (QĐ 35) + 500.000.000 (QĐ 1390); this pays 9 billion
        third, expected = tmp_path / "thu-ba.xlsx", ImportFailed
        make_samples.treasury_statement(third, [
            movement(make_samples, "10/09/2025", "KBLC-25-09200", make_samples.TDA2, "NSTW",
                     "Thanh toán", 9_000_000_000)])
    steps: list[str] = []
    with pytest.raises(expected) as raised:
        import_files(ledger, [QD1128, QD1390, third], progress=steps.append)
    if failure == "unreadable":
        assert "thu-ba.xlsx" in str(raised.value)
        assert steps[1:] == [f"đọc {QD1128.name}", f"đọc {QD1390.name}", "đọc thu-ba.xlsx"]
    else:
        assert "không ghi gì" in str(raised.value)
        over = 9_000_000_000 - (TDA2_SN_ALLOCATED + 500_000_000)
        assert f"vượt {dotted(over)} đ" in str(raised.value)  # 880.000.000
    assert snapshot(ledger.parent) == before


# --- 12. permissions --------------------------------------------------------------------


def test_existing_files_keep_their_mode(make_samples: ModuleType, tmp_path: Path) -> None:
    ledger = init_books(tmp_path / "books")
    os.chmod(ledger, 0o600)
    assert import_(ledger, QD1128).exit_code == 0
    assert 'include "imports/decisions.beancount"' in ledger.read_text(encoding="utf-8")
    assert stat.S_IMODE(ledger.stat().st_mode) == 0o600  # rewritten, mode kept

    decisions = ledger.parent / "imports" / "decisions.beancount"
    os.chmod(decisions, 0o640)
    size = decisions.stat().st_size
    result = import_(ledger, dtts_decision(tmp_path / "QD-210.xlsx", make_samples))
    assert result.exit_code == 0, result.output
    assert decisions.stat().st_size > size  # the file was replaced with a longer one
    assert stat.S_IMODE(decisions.stat().st_mode) == 0o640


def test_new_include_files_follow_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0o077)
    try:
        ledger = init_books(tmp_path / "books")
        result = import_(ledger, QD1128)
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(ledger.stat().st_mode) == 0o600  # init honours the umask
    decisions = ledger.parent / "imports" / "decisions.beancount"
    assert stat.S_IMODE(decisions.stat().st_mode) == 0o600


# --- include lines the import must recognise -----------------------------------------------


@pytest.mark.parametrize("existing", ['; include "imports/decisions.beancount"',
                                      'include "./imports/decisions.beancount"'],
                         ids=["commented-out", "dot-slash"])
def test_import_is_visible_in_the_books_whatever_the_main_file_says(
        existing: str, tmp_path: Path) -> None:
    ledger = init_books(tmp_path / "books")
    (ledger.parent / "imports").mkdir()
    (ledger.parent / "imports" / "decisions.beancount").write_text("; nhập\n",
                                                                   encoding="utf-8")
    with ledger.open("a", encoding="utf-8") as handle:
        handle.write(existing + "\n")
    result = import_(ledger, QD1128)
    assert result.exit_code == 0, result.output
    checked = run("check", ledger)
    assert checked.exit_code == 0, checked.output
    assert "2 giao dịch" in checked.output  # QĐ 1128: two detail rows


# --- 13. beangulp's command line ----------------------------------------------------------


def beangulp(*args: object, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "MTQG_CACHE_DIR": str(cache)}
    env.pop("MTQG_CATALOGUE", None)
    return subprocess.run([sys.executable, str(ROOT / "importers" / "import.py"),
                           *map(str, args)], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120, check=False)


def test_beangulp_identify_names_the_importers(tmp_path: Path) -> None:
    done = beangulp("identify", SAMPLES, cache=tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    found: dict[str, str] = {}
    lines = done.stdout.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("* ") and line.endswith(" ... OK"):
            found[Path(line[2:-len(" ... OK")]).name] = lines[index + 1].strip()
    assert found == {QD35.name: "mtqgledger.decision", QD1128.name: "mtqgledger.decision",
                     QD1390.name: "mtqgledger.decision", KBNN.name: "mtqgledger.treasury",
                     "QD-215-giao-von-2026.xlsx": "mtqgledger.decision",
                     "KBNN-KV9-bang-ke-2026.xlsx": "mtqgledger.treasury"}


def test_beangulp_extract_marks_imported_entries_as_duplicates(first_import: dict,
                                                               tmp_path: Path) -> None:
    done = beangulp("extract", SAMPLES, "-e", first_import["ledger"], cache=tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    commented = re.findall(r"^; 2025-\d\d-\d\d \*", done.stdout, re.MULTILINE)
    assert len(commented) == ENTRIES
    assert not re.search(r"^2025-", done.stdout, re.MULTILINE)



def test_two_movements_on_one_voucher_and_line_are_both_kept(
        make_samples: ModuleType, templates: Callable[..., Path], tmp_path: Path) -> None:
    ledger = copy_books(templates(QD35), tmp_path)
    statement = tmp_path / "bang-ke-hai-dong.xlsx"
    make_samples.treasury_statement(statement, [
        movement(make_samples, "05/08/2025", "KBLC-25-07000", make_samples.TDA2, "NSTW",
                 "Thanh toán", 100_000_000),
        movement(make_samples, "05/08/2025", "KBLC-25-07000", make_samples.TDA2, "NSTW",
                 "Thanh toán", 200_000_000),
    ])
    result = import_(ledger, statement)
    assert result.exit_code == 0, result.output
    assert "Đã thêm 2 giao dịch" in result.output
    paid = [t for t in transactions(ledger) if t.meta.get("voucher") == "KBLC-25-07000"]
    assert sorted(int(t.postings[0].units.number) for t in paid) == [100_000_000, 200_000_000]
    again = import_(ledger, statement)
    assert "Đã thêm 0 giao dịch" in again.output and "bỏ qua 2" in again.output


@pytest.mark.parametrize("parallel", [False, True])
def test_staged_files_are_written_only_when_committed(tmp_path: Path, parallel: bool) -> None:
    from mtqgledger.files import StagedFiles
    from mtqgledger.ingest.writing import ImportFailed, write_while

    target = tmp_path / "imports" / "treasury.beancount"
    staged = StagedFiles([target])
    problems = write_while(staged, lambda: {target: "; nội dung mới\n"}, lambda: ["lỗi"],
                           parallel=parallel)
    assert problems == ["lỗi"] and not target.exists()  # filled, not yet committed
    staged.commit()
    assert target.read_text(encoding="utf-8") == "; nội dung mới\n"

    def broken() -> dict[Path, str]:
        raise OSError("đĩa đầy")

    again = StagedFiles([target])
    with pytest.raises((ImportFailed, OSError)):
        write_while(again, broken, lambda: [], parallel=parallel)
    again.discard()
    assert target.read_text(encoding="utf-8") == "; nội dung mới\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["treasury.beancount"]


def test_source_and_capital_options_read_as_documents_write_them(tmp_path: Path) -> None:
    # A one-amount table whose title names neither source nor capital type.
    title = ["UBND TỈNH LAI CHÂU", "PHÂN BỔ KINH PHÍ NĂM 2025",
             "(Kèm theo Quyết định số 77/QĐ-UBND ngày 05/3/2025)"]
    rows = [["I", "Chương trình MTQG giảm nghèo bền vững", 5], ["1", "Dự án 4", 5],
            ["a", "Tiểu dự án 1", 5]]
    document = decision_workbook(tmp_path / "qd.xlsx", rows, title=title,
                                 header_top=["STT", "Nội dung", "Số tiền"],
                                 header_sub=[None, None, None])
    ledger = init_books(tmp_path / "books")
    before = ledger.read_bytes()
    refused = run("import", document, "--ledger", ledger, "--source", "Ngân sách xã",
                  "--capital", "SN")
    assert refused.exit_code != 0 and "--source" in refused.output
    assert ledger.read_bytes() == before and not (ledger.parent / "imports").exists()
    done = run("import", document, "--ledger", ledger, "--source", "ngân sách trung ương",
               "--capital", "Chi thường xuyên")
    assert done.exit_code == 0, done.output
    imported = (ledger.parent / "imports" / "decisions.beancount").read_text(encoding="utf-8")
    assert "Assets:Appropriation:LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2025" in imported
