"""A workbook parsed ahead in a thread (workbook.prefetch_workbook) reads as one parsed when
asked for, and a bad file still gets its clear error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mtqgledger.importers import workbook
from mtqgledger.importers.workbook import (
    ImportProblem,
    forget_workbooks,
    prefetch_workbook,
    read_workbook,
)

SAMPLES = Path(__file__).resolve().parents[1] / "importers" / "samples"


def contents(sheets: list) -> list:
    return [(sheet.name, sheet.rows, sheet.merged) for sheet in sheets]


@pytest.mark.parametrize("name", ["KBNN-bang-ke-2025.xlsx", "QD-1128-bo-sung-2025.xls"])
def test_a_prefetched_workbook_reads_as_one_read_when_asked(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    shutil.copy(SAMPLES / name, path)
    forget_workbooks()
    plain = contents(read_workbook(path))
    forget_workbooks()
    prefetch_workbook(path)
    assert workbook._PREFETCHING  # parsing in its thread
    assert contents(read_workbook(path)) == plain
    assert not workbook._PREFETCHING
    forget_workbooks()


def test_a_damaged_prefetched_file_still_names_itself(tmp_path: Path) -> None:
    path = tmp_path / "bang-ke-hong.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    prefetch_workbook(path)
    with pytest.raises(ImportProblem) as raised:
        read_workbook(path)
    assert "bang-ke-hong.xlsx" in str(raised.value)
    assert "không đọc được bảng tính" in str(raised.value)


def test_what_is_no_workbook_is_not_prefetched(tmp_path: Path) -> None:
    text = tmp_path / "ghi-chu.txt"
    text.write_text("không phải bảng tính", encoding="utf-8")
    prefetch_workbook(text)
    prefetch_workbook(tmp_path / "missing.xlsx")
    assert not workbook._PREFETCHING
    with pytest.raises(ImportProblem, match="không phải bảng tính Excel"):
        read_workbook(text)


def test_forgetting_waits_for_a_parse_under_way(tmp_path: Path) -> None:
    path = tmp_path / "bang-ke.xlsx"
    shutil.copy(SAMPLES / "KBNN-bang-ke-2025.xlsx", path)
    prefetch_workbook(path)
    forget_workbooks()
    assert not workbook._PREFETCHING
    assert workbook._parse_workbook.cache_info().currsize == 0


def test_mtqg_import_starts_parsing_its_first_workbook_before_the_library_loads(
        tmp_path: Path) -> None:
    from mtqgledger.cli import start_reading_first_workbook

    first, second = tmp_path / "Bang-Ke.XLSX", tmp_path / "qd.xls"
    shutil.copy(SAMPLES / "KBNN-bang-ke-2025.xlsx", first)
    shutil.copy(SAMPLES / "QD-1128-bo-sung-2025.xls", second)
    codes = tmp_path / "ma.toml"
    codes.write_text("[codes]\n", encoding="utf-8")
    forget_workbooks()
    start_reading_first_workbook(["--codes", str(codes), "--ledger", "so/main.beancount",
                                  str(tmp_path / "missing.xlsx"), str(first), str(second)])
    assert [key[0] for key in workbook._PREFETCHING] == [first.resolve()]
    sample = contents(read_workbook(SAMPLES / "KBNN-bang-ke-2025.xlsx"))
    assert contents(read_workbook(first)) == sample
    forget_workbooks()
    start_reading_first_workbook(["--ledger", "so/main.beancount", "--dry-run", str(codes)])
    assert not workbook._PREFETCHING
