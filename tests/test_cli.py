"""Tests for the ``mtqg`` command line (mtqgledger.cli), mostly through click's CliRunner."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core import data
from beancount.parser import parser
from click.testing import CliRunner, Result
from clirun import isolated_env
from openpyxl import load_workbook

from mtqgledger import __version__
from mtqgledger.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "ledgers" / "main.beancount"
AS_OF = "2025-11-14"  # date of the published figures the sample books reproduce

# Sub-projects of GNBV DA4 as of 14/11/2025, derived from ledgers/laichau/2025.beancount:
# (plan, disbursed = payments + outstanding advances, published ratio in %).
PUBLISHED = {
    "TDA1": (177_215_000_000, 95_900_000_000, 54.1),
    "TDA2": (8_120_000_000, 560_000_000, 6.9),
    "TDA3": (23_540_000_000, 16_105_000_000, 68.4),
}
# Plan-year 2024 money still in 2024 (ledgers/laichau/2024.beancount): NSTW 45 bn less the
# 6,4 bn extended into 2025, NSĐP 3 bn less 250 million cancelled.
PLAN_2024 = 45_000_000_000 - 6_400_000_000 + 3_000_000_000 - 250_000_000

KEYS = ("province", "program", "project", "subproject", "source", "capital", "plan_year",
        "title", "plan", "payments", "advances", "disbursed", "remaining", "ratio",
        "ratio_paid")
AMOUNTS = ("plan", "payments", "advances", "disbursed", "remaining")

LINE = "LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025"
ROOTS = ("Income:Allocated", "Assets:Appropriation", "Assets:Advance", "Expenses:Disbursed")
# A payment of 1,5 bn against an allocation of 1 bn: the budget rules must refuse it.
OVERDRAWN = (
    'option "operating_currency" "VND"\n'
    'plugin "mtqgledger.plugins.budget_rules"\n\n'
    + "".join(f"2025-01-01 open {root}:{LINE} VND\n" for root in ROOTS)
    + f"""
2025-01-10 * "UBND tỉnh Lai Châu" "Giao dự toán"
  decision: "35/QĐ-UBND"
  decision_date: 2025-01-08
  Assets:Appropriation:{LINE}   1000000000 VND
  Income:Allocated:{LINE}      -1000000000 VND

2025-03-05 * "Trung tâm Dịch vụ việc làm tỉnh" "Thanh toán vượt dự toán"
  voucher: "KBLC-25-99999"
  Expenses:Disbursed:{LINE}       1500000000 VND
  Assets:Appropriation:{LINE}    -1500000000 VND
""")


@pytest.fixture(scope="module")
def cache_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str | None]:
    return isolated_env(tmp_path_factory.mktemp("cache"))


def run(*args: object, env: dict[str, str | None] | None = None) -> Result:
    return CliRunner(env=env).invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def records(cache_env: dict[str, str | None]) -> list[dict]:
    result = run("report", "disbursement", SAMPLE, "--format", "json", "--as-of", AS_OF,
                 env=cache_env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _node(records: list[dict], level: str, **keys: object) -> dict:
    """The unique row of this level whose given keys match and whose split keys are None."""
    wanted = {"source": None, "capital": None, "plan_year": None, **keys}
    (row,) = [r for r in records
              if r["level"] == level and all(r[k] == v for k, v in wanted.items())]
    return row


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    path = tmp_path / "broken.beancount"
    path.write_text(OVERDRAWN, encoding="utf-8")
    return path


# --- help --------------------------------------------------------------------------------

COMMANDS = [
    [],
    ["check"],
    ["report", "disbursement"],
    ["init"],
    ["accounts"],
    ["find"],
    ["provinces"],
    ["report"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "mtqg")
def test_help_has_an_example(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    body = "\n".join(line for line in result.output.splitlines()
                     if not line.startswith("Usage:"))
    assert "Ví dụ" in body or "mtqg " in body


def test_short_help_option_and_version() -> None:
    assert run("-h").exit_code == 0
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


# --- check -------------------------------------------------------------------------------


def test_check_accepts_the_sample() -> None:
    result = run("check", SAMPLE)
    assert result.exit_code == 0, result.output
    # the count of dated transactions ("YYYY-MM-DD *") in the sample's files
    count = sum(len(re.findall(r"^\d{4}-\d\d-\d\d [*!] ", path.read_text(encoding="utf-8"),
                               re.MULTILINE))
                for path in (ROOT / "ledgers").rglob("*.beancount"))
    assert f"{count} giao dịch" in result.output
    assert "OK" in result.output


def test_check_refuses_a_payment_above_the_allocation(broken: Path) -> None:
    result = run("check", broken)
    assert result.exit_code != 0
    assert f"Assets:Appropriation:{LINE}" in result.output
    assert "05/03/2025" in result.output
    assert "500.000.000" in result.output  # 1,5 bn paid - 1 bn allocated
    assert "1 lỗi" in result.output


def test_check_reports_missing_provenance_with_its_date(tmp_path: Path) -> None:
    path = tmp_path / "no-provenance.beancount"
    path.write_text(OVERDRAWN.replace('  voucher: "KBLC-25-99999"\n', "")
                    .replace("1500000000", "400000000"), encoding="utf-8")
    result = run("check", path)
    assert result.exit_code != 0
    assert "05/03/2025" in result.output
    assert "voucher" in result.output


def test_check_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run("check", tmp_path / "nothing.beancount")
    assert result.exit_code == 2


# --- report disbursement: figures --------------------------------------------------------


@pytest.mark.parametrize("sub", sorted(PUBLISHED))
def test_report_json_subproject_figures(records: list[dict], sub: str) -> None:
    plan, disbursed, percent = PUBLISHED[sub]
    row = _node(records, "subproject", program="GNBV", project="DA4", subproject=sub)
    assert row["province"] == "LaiChau"
    assert row["plan"] == plan
    assert row["disbursed"] == disbursed
    assert round(row["ratio"] * 100, 1) == percent


def test_report_json_capital_split(records: list[dict]) -> None:
    def split(sub: str, capital: str) -> dict:
        return _node(records, "subproject", program="GNBV", project="DA4", subproject=sub,
                     capital=capital)

    tda3 = split("TDA3", "DTPT")  # 11.520.000.000 / 12.000.000.000 = 96 %
    assert (tda3["plan"], tda3["disbursed"]) == (12_000_000_000, 11_520_000_000)
    assert tda3["ratio"] > 0.95
    assert split("TDA1", "DTPT")["ratio"] == 1.0  # 17.840.000.000 fully paid
    assert split("TDA1", "SN")["ratio"] == pytest.approx(0.49, abs=0.01)


def test_report_json_rows_have_every_key_and_whole_dong(records: list[dict]) -> None:
    assert records
    for row in records:
        assert set(KEYS) <= set(row)
        for key in AMOUNTS:
            assert type(row[key]) is int, (key, row)
        assert row["disbursed"] == row["payments"] + row["advances"]
        assert row["remaining"] == row["plan"] - row["disbursed"]
        for key in ("ratio", "ratio_paid"):
            assert row[key] is None or isinstance(row[key], float)


def test_report_json_total_comes_first_and_adds_up(records: list[dict]) -> None:
    total = records[0]
    assert total["level"] == "total"
    programs = [r for r in records if r["level"] == "program" and r["capital"] is None
                and r["source"] is None and r["plan_year"] is None]
    assert {r["program"] for r in programs} == {"GNBV", "DTTS"}
    for key in AMOUNTS:
        assert total[key] == sum(r[key] for r in programs)


def test_report_csv_agrees_with_json(records: list[dict],
                                     cache_env: dict[str, str | None]) -> None:
    result = run("report", "disbursement", SAMPLE, "--format", "csv", "--as-of", AS_OF,
                 env=cache_env)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len(records)
    for row, record in zip(rows, records, strict=True):
        assert set(row) == set(record)
        for key, value in record.items():
            if value is None:
                assert row[key] == ""
            elif isinstance(value, float):
                assert Decimal(row[key]) == Decimal(str(value)), key
            elif isinstance(value, int):
                assert int(row[key]) == value, key
            else:
                assert row[key] == value, key


def test_report_as_of_accepts_dd_mm_yyyy(records: list[dict],
                                         cache_env: dict[str, str | None]) -> None:
    result = run("report", "disbursement", SAMPLE, "--format", "json", "--as-of",
                 "14/11/2025", env=cache_env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == records


def test_report_as_of_earlier_sees_less(records: list[dict],
                                        cache_env: dict[str, str | None]) -> None:
    result = run("report", "disbursement", SAMPLE, "--format", "json", "--as-of",
                 "2025-06-30", env=cache_env)
    assert result.exit_code == 0, result.output
    early = _node(json.loads(result.stdout), "subproject", program="GNBV", project="DA4",
                  subproject="TDA2")
    # TDA2's first movement after its allocation is an advance on 05/08/2025
    assert (early["plan"], early["disbursed"]) == (7_620_000_000, 0)
    assert early["ratio"] == 0.0


def test_report_table_is_the_default(cache_env: dict[str, str | None]) -> None:
    result = run("report", "disbursement", SAMPLE, "--as-of", AS_OF, env=cache_env)
    assert result.exit_code == 0, result.output
    assert "177.215.000.000" in result.output
    assert "54,1 %" in result.output
    assert "Số liệu đến ngày 14/11/2025" in result.output


def test_report_table_to_a_file(tmp_path: Path, cache_env: dict[str, str | None]) -> None:
    target = tmp_path / "out" / "report.txt"
    shown = run("report", "disbursement", SAMPLE, "--as-of", AS_OF, "--unit", "trieu",
                env=cache_env)
    written = run("report", "disbursement", SAMPLE, "--as-of", AS_OF, "--unit", "trieu",
                  "-o", target, env=cache_env)
    assert written.exit_code == 0, written.output
    assert "Đã ghi" in written.output
    assert target.read_text(encoding="utf-8") == shown.stdout
    assert "177.215,000" in shown.stdout


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_report_output_keeps_the_mode_of_the_file_it_replaces(
        tmp_path: Path, cache_env: dict[str, str | None]) -> None:
    # One rule for every file the project writes (mtqgledger/files.py).
    target = tmp_path / "report.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o600)
    result = run("report", "disbursement", SAMPLE, "--as-of", AS_OF, "--format", "csv",
                 "-o", target, env=cache_env)
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("level,")
    assert target.stat().st_mode & 0o777 == 0o600


# --- report disbursement: xlsx -----------------------------------------------------------


def test_report_xlsx(tmp_path: Path, cache_env: dict[str, str | None]) -> None:
    target = tmp_path / "x.xlsx"
    result = run("report", "disbursement", SAMPLE, "--as-of", AS_OF, "--format", "xlsx",
                 "-o", target, env=cache_env)
    assert result.exit_code == 0, result.output
    book = load_workbook(target)
    assert "Giải ngân" in book.sheetnames
    rows = list(book["Giải ngân"].iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if r[0] == "Cấp")
    header = rows[header_at]
    table = [dict(zip(header, r, strict=True)) for r in rows[header_at + 1:]]
    (tda1,) = [r for r in table if r["Cấp"] == "subproject" and r["Dự án"] == "DA4"
               and r["Tiểu dự án"] == "TDA1" and r["Nguồn"] is None and r["Loại vốn"] is None
               and r["Năm KH"] is None]
    assert tda1["Kế hoạch"] == PUBLISHED["TDA1"][0]
    assert not list(tmp_path.glob(".x.xlsx*")), "no temporary file left behind"


def test_report_xlsx_needs_an_output_file(tmp_path: Path,
                                          cache_env: dict[str, str | None]) -> None:
    result = run("report", "disbursement", SAMPLE, "--as-of", AS_OF, "--format", "xlsx",
                 env=cache_env)
    assert result.exit_code == 2
    assert "-o" in result.output


# --- report disbursement: levels and plan years ------------------------------------------


def _report(*options: str, env: dict[str, str | None]) -> list[dict]:
    result = run("report", "disbursement", SAMPLE, "--format", "json", *options, env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_report_by_project_has_no_subproject_rows(cache_env: dict[str, str | None]) -> None:
    rows = _report("--as-of", AS_OF, "--by", "project", env=cache_env)
    levels = {r["level"] for r in rows}
    assert "project" in levels
    assert not levels & {"subproject", "line"}
    da4 = _node(rows, "project", program="GNBV", project="DA4")
    assert da4["plan"] == sum(plan for plan, _, _ in PUBLISHED.values())


def test_report_by_program_has_programmes_only(cache_env: dict[str, str | None]) -> None:
    rows = _report("--as-of", AS_OF, "--by", "program", env=cache_env)
    assert {r["level"] for r in rows} == {"total", "program"}


def test_report_by_line_has_line_rows(cache_env: dict[str, str | None]) -> None:
    rows = _report("--as-of", AS_OF, "--by", "line", env=cache_env)
    lines = [r for r in rows if r["level"] == "line"]
    assert lines
    assert all(r["source"] and r["capital"] and r["plan_year"] for r in lines)
    tda1 = [r for r in lines if (r["program"], r["project"], r["subproject"])
            == ("GNBV", "DA4", "TDA1")]
    assert {(r["source"], r["capital"]) for r in tda1} == {
        ("NSTW", "DTPT"), ("NSTW", "SN"), ("NSDP", "SN")}
    assert sum(r["plan"] for r in tda1) == PUBLISHED["TDA1"][0]
    assert sum(r["disbursed"] for r in tda1) == PUBLISHED["TDA1"][1]


def test_report_plan_year_2024_selects_only_2024_money(
        cache_env: dict[str, str | None]) -> None:
    rows = _report("--as-of", AS_OF, "--plan-year", "2024", "--by", "line", env=cache_env)
    lines = [r for r in rows if r["level"] == "line"]
    assert lines
    assert all(r["plan_year"] == 2024 and r["extended_into"] is None for r in lines)
    assert {r["project"] for r in rows if r["project"]} == {"DA1"}
    assert rows[0]["level"] == "total"
    assert rows[0]["plan"] == PLAN_2024
    assert sum(r["plan"] for r in lines) == PLAN_2024


def test_report_plan_year_all_splits_by_plan_year(cache_env: dict[str, str | None]) -> None:
    rows = _report("--as-of", AS_OF, "--plan-year", "all", env=cache_env)
    total = rows[0]
    by_year = {r["plan_year"]: r for r in rows if r["level"] == "total" and r["plan_year"]}
    assert set(by_year) == {2024, 2025}
    assert sum(r["plan"] for r in by_year.values()) == total["plan"]
    # 2024 money: what stayed in 2024 plus the 6,4 bn extended into 2025
    assert by_year[2024]["plan"] == PLAN_2024 + 6_400_000_000


@pytest.mark.parametrize("bad", ["25", "20x5", "20255", "next"])
def test_report_invalid_plan_year(bad: str, cache_env: dict[str, str | None]) -> None:
    result = run("report", "disbursement", SAMPLE, "--plan-year", bad, env=cache_env)
    assert result.exit_code == 2
    assert "--plan-year" in result.output
    assert repr(bad) in result.output


def test_report_filters_by_programme(cache_env: dict[str, str | None]) -> None:
    rows = _report("--as-of", AS_OF, "--program", "DTTS", env=cache_env)
    assert {r["program"] for r in rows if r["program"]} == {"DTTS"}
    assert rows[0]["plan"] == 12_300_000_000  # decision 37/QĐ-UBND in 2025.beancount


# --- report disbursement: books with errors ----------------------------------------------


def test_report_refuses_books_with_errors(broken: Path) -> None:
    result = run("report", "disbursement", broken, "--format", "json")
    assert result.exit_code != 0
    assert "--ignore-errors" in result.output
    assert f"Assets:Appropriation:{LINE}" in result.stderr


def test_report_ignore_errors(broken: Path) -> None:
    result = run("report", "disbursement", broken, "--format", "json", "--plan-year", "2025",
                 "--ignore-errors")
    assert result.exit_code == 0, result.output
    assert "05/03/2025" in result.stderr
    rows = json.loads(result.stdout)
    assert rows[0]["plan"] == 1_000_000_000
    assert rows[0]["payments"] == 1_500_000_000
    assert rows[0]["remaining"] == -500_000_000


def test_report_errors_are_reported_again_from_the_cache(broken: Path) -> None:
    first = run("report", "disbursement", broken, "--format", "json")
    second = run("report", "disbursement", broken, "--format", "json")
    assert first.exit_code != 0
    assert second.exit_code != 0
    assert first.stderr == second.stderr


# --- init --------------------------------------------------------------------------------


def test_init_creates_books_that_check_accepts(tmp_path: Path) -> None:
    target = tmp_path / "so-laichau"
    result = run("init", target, "--province", "LaiChau", "--year", "2025", "--program", "GNBV")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in target.iterdir()) == ["accounts.beancount", "catalogue.toml",
                                                        "main.beancount", "units.toml"]
    assert "Đã tạo" in result.output
    checked = run("check", target / "main.beancount")
    assert checked.exit_code == 0, checked.output
    assert "0 giao dịch" in checked.output
    accounts = (target / "accounts.beancount").read_text(encoding="utf-8")
    assert "Income:Allocated:LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025" in accounts
    assert ":DTTS:" not in accounts


def test_init_of_a_province_merged_away_warns_and_suggests_its_successor(tmp_path: Path,
                                                                         ) -> None:
    result = run("init", tmp_path / "so", "--province", "HaGiang", "--year", "2025",
                 "--program", "GNBV")
    assert result.exit_code == 0, result.output
    assert "Tuyên Quang" in result.output and "--province TuyenQuang" in result.output


def test_second_init_fails_and_changes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "books"
    assert run("init", target, "--province", "LaiChau", "--year", "2025",
               "--program", "GNBV").exit_code == 0
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    again = run("init", target, "--province", "LaiChau", "--year", "2026", "--program", "DTTS")
    assert again.exit_code != 0
    assert "main.beancount" in again.output
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before


def test_init_unknown_province(tmp_path: Path) -> None:
    target = tmp_path / "books"
    result = run("init", target, "--province", "Atlantis", "--year", "2025")
    assert result.exit_code == 1
    assert "Atlantis" in result.output
    assert "Traceback" not in result.output
    assert not target.exists()


def test_init_unknown_programme(tmp_path: Path) -> None:
    target = tmp_path / "books"
    result = run("init", target, "--province", "LaiChau", "--program", "XYZ")
    assert result.exit_code == 1
    assert "XYZ" in result.output
    assert not target.exists()


# --- accounts, find, provinces -----------------------------------------------------------


def test_accounts_prints_open_directives_for_the_year() -> None:
    result = run("accounts", "--province", "LaiChau", "--program", "GNBV", "--year", "2026")
    assert result.exit_code == 0, result.output
    entries, errors, _ = parser.parse_string(result.stdout)
    assert errors == []
    assert entries
    assert all(isinstance(e, data.Open) for e in entries)
    assert all(e.account.endswith(":Y2026") for e in entries)
    assert all(e.meta.get("name") for e in entries)
    assert all(e.account.split(":")[2:4] == ["LaiChau", "GNBV"] for e in entries)
    assert len(entries) % 4 == 0  # four roots per line


def test_accounts_unknown_province() -> None:
    result = run("accounts", "--province", "Atlantis", "--program", "GNBV")
    assert result.exit_code == 1
    assert "Atlantis" in result.output


def test_accounts_needs_a_programme() -> None:
    assert run("accounts", "--province", "LaiChau").exit_code == 2


def test_find_by_accentless_title_within_a_project() -> None:
    result = run("find", "tieu du an 2", "--within", "GNBV/DA4")
    assert result.exit_code == 0, result.output
    path, title, _ = result.output.rstrip("\n").split("\t")
    assert path == "GNBV/DA4/TDA2"
    assert title.startswith("Tiểu dự án 2")


def test_find_nonsense_fails() -> None:
    result = run("find", "zzqxw nonsense")
    assert result.exit_code != 0
    assert "zzqxw nonsense" in result.output


def test_provinces_lists_codes_and_titles() -> None:
    result = run("provinces")
    assert result.exit_code == 0
    assert "LaiChau\tLai Châu" in result.output.splitlines()


# --- the installed console script --------------------------------------------------------


# The venv's scripts sit beside its interpreter, whether or not the venv is on PATH.
CONSOLE_SCRIPT = shutil.which("mtqg", path=str(Path(sys.executable).parent)) or shutil.which(
    "mtqg")


@pytest.mark.skipif(CONSOLE_SCRIPT is None,
                    reason="console script `mtqg` is not installed (pip install -e .)")
def test_console_script_checks_the_sample(tmp_path: Path) -> None:
    done = subprocess.run([CONSOLE_SCRIPT, "check", str(SAMPLE)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "MTQG_CACHE_DIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert "giao dịch" in done.stdout


def test_only_a_process_that_leaves_keeps_values_unfreed(monkeypatch) -> None:
    from mtqgledger.cli import commands

    value = object()
    commands.leave_unfreed(value)  # run in-process (as here): everything is freed
    assert commands._UNFREED is None
    monkeypatch.setattr(commands, "_UNFREED", [])  # as run_and_leave sets it
    commands.leave_unfreed(value)
    assert [value] == commands._UNFREED
