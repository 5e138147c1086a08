"""The auditor's workbook (``mtqg export audit``): every figure traced to its source.

Sheets: Thông tin (the files read and their SHA-256, versions, options, counts),
Nhật ký (every posting of the period with its decision or voucher and where it
was read from), Cân đối (trial balance), Giải ngân (per-line disbursement with
live formulas), Đối chiếu (balance assertions) and Cảnh báo (every load error).
The figures are in :mod:`mtqgledger.outputs.audit_sheets`.

The CLI and the Fava page both call :func:`write_audit_workbook`.
"""

from __future__ import annotations

import datetime
import hashlib
import platform
from collections.abc import Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import BinaryIO

from beancount.core import data

from mtqgledger import __version__
from mtqgledger.figures.balances import Period
from mtqgledger.figures.extension import extension_decisions
from mtqgledger.figures.movements import movements
from mtqgledger.model.catalogue import Catalogue
from mtqgledger.model.postings import PROVENANCE_KEYS
from mtqgledger.model.text import bilingual
from mtqgledger.model.units import LEGACY_UNIT_KEY, UNIT_CODE_KEY, UNIT_KEY, posting_unit
from mtqgledger.outputs.audit_sheets import (
    DISBURSEMENT_COLUMNS,
    TITLE_COLUMN,
    Places,
    account_title,
    disbursement_sheet,
    message_sheet,
    reconciliation_sheet,
    trial_balance_sheet,
)
from mtqgledger.outputs.xlsx_rows import CellWriter, Column, Sheet, write_workbook

INFO_COLUMNS = (Column("Mục (item)", 44), Column("Giá trị (value)", 48, "amount"),
                Column("SHA-256", 68))
JOURNAL_COLUMNS = (
    Column("Ngày (date)", 11, "date"), Column("Cờ (flag)", 6),
    Column("Đơn vị (payee)", 28), Column("Diễn giải (narration)", 50),
    Column("Tài khoản (account)", 52), Column("Nội dung dòng vốn (line title)", 60),
    Column("Đơn vị sử dụng vốn (spending unit)", 34), Column("Mã ĐVQHNS (unit code)", 12),
    Column("Số tiền (đồng)", 20, "amount"), Column("Tiền tệ", 8),
    Column("Số quyết định (decision)", 18), Column("Ngày quyết định (decision date)", 12, "date"),
    Column("Chứng từ kho bạc (voucher)", 20), Column("Tệp nguồn (source file)", 26),
    Column("Sheet", 10), Column("Dòng nguồn (row)", 10, "integer"),
    Column("Sổ: tệp:dòng (ledger file:line)", 32), Column("Khác (other metadata)", 40))
WARNING_COLUMNS = (
    Column("Vị trí: tệp:dòng (file:line)", 34), Column("Loại (kind)", 18),
    Column("Nhóm (group)", 28), Column("Ngày (date)", 11, "date"),
    Column("Thông báo (message)", 100))
_LOCATION_KEYS = frozenset({"filename", "lineno"})
_UNIT_KEYS = frozenset({UNIT_KEY, UNIT_CODE_KEY, LEGACY_UNIT_KEY})
_OWN_COLUMNS = _LOCATION_KEYS | frozenset(PROVENANCE_KEYS) | _UNIT_KEYS
_GROUPS = {"BudgetRuleError": "Quy tắc ngân sách (budget rules)",
           "BudgetRuleWarning": "Quy tắc ngân sách, mức cảnh báo (budget rules set to warn)",
           "ReportProblem": "Báo cáo giải ngân (disbursement report)"}


# ------------------------------------------------------------------ Thông tin


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "không cài (not installed)"


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def info_sheet(options_map: dict, ledger: Path | None, period: Period, counts: dict[str, int],
               places: Places, catalogue_files: Sequence[str] = ()) -> Sheet:
    whole = "(cả sổ – whole books)"
    rows: list[tuple[object, ...]] = [
        ("Sổ (ledger)", str(ledger) if ledger else options_map.get("filename", "")),
        ("Từ ngày (--from)", period.since or whole),
        ("Đến ngày (--to); giải ngân tính đến ngày này", period.until or whole),
        ("Thời điểm lập (generated)", datetime.datetime.now().strftime("%d/%m/%Y %H:%M")),
        ("mtqgledger", __version__),
        ("beancount", _version("beancount")),
        ("fava", _version("fava")),
        ("openpyxl", _version("openpyxl")),
        ("python", platform.python_version()),
        ("Số giao dịch trong kỳ (transactions)", counts["transactions"]),
        ("Số bút toán trong kỳ = số dòng Nhật ký (postings)", counts["postings"]),
        ("Số lỗi khi nạp sổ = số dòng Cảnh báo (errors)", counts["errors"]),
    ]
    rows += [("Tệp sổ đã đọc (ledger file)", places.name(filename), _sha256(filename))
             for filename in options_map.get("include", [])]
    # The books' own catalogue files give titles, items and rules: an auditor checks them too.
    rows += [("Tệp danh mục của sổ (catalogue file)", places.name(filename), _sha256(filename))
             for filename in catalogue_files if Path(filename).is_file()]
    return Sheet("Thông tin", INFO_COLUMNS, lambda _cells: rows, len(rows))


# ------------------------------------------------------------------ Nhật ký


def _other_metadata(meta: dict, skip: frozenset[str]) -> str:
    return "; ".join(f"{key}={value}" for key, value in meta.items()
                     if key not in skip and not key.startswith("__"))


def journal_sheet(entries: Sequence[data.Directive], period: Period, catalogue: Catalogue,
                  places: Places, postings: int) -> Sheet:
    """One row per posting.

    Each transaction's shared cells and each account's cells are rendered and
    encoded once: at 300,000 postings this sheet is most of the export's work.
    """
    def rows(cells: CellWriter) -> Iterator[bytes]:
        unit_texts: dict[tuple[str, str], bytes] = {}

        def unit_cells(unit: tuple[str, str]) -> bytes:
            found = unit_texts.get(unit)
            if found is None:
                found = unit_texts[unit] = (cells.text(unit[0]) + cells.text(unit[1])).encode()
            return found

        accounts: dict[str, bytes] = {}
        currencies: dict[str, bytes] = {}
        for entry in period.transactions(entries):
            meta = entry.meta
            head = (cells.date(entry.date) + cells.cell(entry.flag) + cells.cell(entry.payee)
                    + cells.cell(entry.narration)).encode()
            other = _other_metadata(meta, _OWN_COLUMNS)
            get = meta.get
            tail = (cells.cell(get("decision")) + cells.cell(get("decision_date"), "date")
                    + cells.cell(get("voucher")) + cells.cell(get("source_file"))
                    + cells.cell(get("sheet")) + cells.cell(get("row"), "integer")
                    + cells.text(places.where(meta)))
            rest = (tail + cells.text(other)).encode()
            entry_unit = None
            for posting in entry.postings:
                if posting.meta and UNIT_KEY in posting.meta:  # a handover's side
                    unit = unit_cells(posting_unit(entry, posting))
                else:
                    unit = entry_unit = entry_unit or unit_cells(posting_unit(entry, posting))
                account = accounts.get(posting.account)
                if account is None:
                    account = accounts[posting.account] = (
                        cells.text(posting.account)
                        + cells.text(account_title(catalogue, posting.account))).encode()
                units = posting.units
                currency = currencies.get(units.currency)
                if currency is None:
                    currency = currencies[units.currency] = cells.cell(units.currency).encode()
                amount = cells.empty if units.number is None else cells.amount(units.number)
                # Postings carry only their file and line unless someone added more.
                own = _other_metadata(posting.meta, _LOCATION_KEYS | _UNIT_KEYS) \
                    if posting.meta and len(posting.meta) > 2 else ""
                if own:
                    extra = cells.text(f"{other}; {own}" if other else own)
                    yield b"".join((head, account, unit, amount.encode(), currency,
                                    (tail + extra).encode()))
                else:
                    yield b"".join((head, account, unit, amount.encode(), currency, rest))

    return Sheet("Nhật ký", JOURNAL_COLUMNS, rows, postings)


# ------------------------------------------------------------------ Cảnh báo


def warnings_sheet(errors: Sequence[object], places: Places) -> Sheet:
    rows = []
    for error in errors:
        kind = type(error).__name__
        source = getattr(error, "source", None)
        rows.append((places.where(source) if isinstance(source, dict) else "", kind,
                     _GROUPS.get(kind, "Beancount"),
                     getattr(getattr(error, "entry", None), "date", None),
                     str(getattr(error, "message", error))))
    if not rows:
        return message_sheet("Cảnh báo", WARNING_COLUMNS, 4, "Không có cảnh báo (no warnings)")
    return Sheet("Cảnh báo", WARNING_COLUMNS, lambda _cells: rows, len(rows))


# ------------------------------------------------------------------ the workbook


def write_audit_workbook(entries: list[data.Directive], errors: list, options_map: dict,
                         output: Path | BinaryIO, *, since: datetime.date | None = None,
                         until: datetime.date | None = None, catalogue: Catalogue,
                         ledger: Path | None = None,
                         catalogue_files: Sequence[str] = ()) -> None:
    """Write the auditor's workbook of ``entries`` (as loaded by beancount.loader) to ``output``.

    ``output`` is a path or a binary file object. Nhật ký, Cân đối and Đối
    chiếu cover [since, until]; Giải ngân is the disbursement as of ``until``.
    ``catalogue_files``: the books' own catalogue files, listed with their hashes.
    """
    if since is not None and until is not None and since > until:
        raise ValueError(bilingual(f"--from {since} sau --to {until}: kỳ trống",
                                   "the period is empty"))
    period = Period(since, until)
    places = Places(options_map)
    table, problems = movements(entries, catalogue.unit_registry)
    warnings = [*errors, *problems]
    if problems:
        disbursement = message_sheet("Giải ngân", DISBURSEMENT_COLUMNS, TITLE_COLUMN,
                                     "Không tính được giải ngân: xem Cảnh báo (see Cảnh báo)")
    else:
        disbursement = disbursement_sheet(table, catalogue, until,
                                          extension_decisions(entries))
    counts = {"transactions": 0, "postings": 0, "errors": len(warnings)}
    for entry in period.transactions(entries):
        counts["transactions"] += 1
        counts["postings"] += len(entry.postings)
    sheets = [
        info_sheet(options_map, ledger, period, counts, places, catalogue_files),
        journal_sheet(entries, period, catalogue, places, counts["postings"]),
        trial_balance_sheet(entries, period, catalogue),
        disbursement,
        reconciliation_sheet(entries, period, places),
        warnings_sheet(warnings, places),
    ]
    write_workbook(sheets, output, title=f"Sổ kiểm toán – {options_map.get('title', '')}")
