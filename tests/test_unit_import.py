"""``mtqg import`` and spending units: decision rows naming units, statements naming them
another way, the books' registry ``units.toml`` kept beside the books, and the unit rules
refusing a document before anything is written.

Books are made by ``mtqg init`` (GNBV, Lai Châu, 2025). QĐ 77 gives TDA1 NSTW SN 1 tỷ of its
own and divides TDA2 NSTW SN between UBND huyện Mường Tè (2,5 tỷ) and the Sở (5 tỷ).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import ModuleType

import pytest
from beancount import loader
from beancount.core import data
from clirun import isolated_env, mtqg, snapshot
from workbooks import DA4, GNBV, TDA1, TDA2, decision_workbook

from mtqgledger.model.catalogue import Unit
from mtqgledger.model.catalogue_files import load_catalogue
from mtqgledger.plugins.budget_rules import rule_warnings

ROOT = Path(__file__).resolve().parents[1]
TDA1_SN = "LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2025"
TDA2_SN = "LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2025"
MT = "UBND huyện Mường Tè"
SO = "Sở Nông nghiệp và Môi trường"
BUM_NUA = "UBND xã Bum Nưa"
TRUONG = "Trường CĐ Lai Châu"  # first written so by a statement: the registry keeps it
TY = 1_000_000_000
TRIEU = 1_000_000

# --- documents -------------------------------------------------------------------------------


def decision(path: Path) -> Path:
    """QĐ 77/QĐ-UBND of 05/03/2025, in triệu đồng: TDA1 1.000 (no unit rows), TDA2 7.500
    divided between two units."""
    rows: list[list[object]] = [
        [None, "TỔNG SỐ", 8500, None, 8500, None, None],
        ["I", GNBV, 8500, None, 8500, None, None],
        ["1", DA4, 8500, None, 8500, None, None],
        ["a", TDA1, 1000, None, 1000, None, None],
        ["b", TDA2, 7500, None, 7500, None, None],
        ["-", MT, 2500, None, 2500, None, None],
        ["-", SO, 5000, None, 5000, None, None],
    ]
    return decision_workbook(path, rows)


Row = tuple[str, str, str, str, str, int, str]  # day, voucher, code, unit, kind, đồng, sub


def row(day: str, voucher: str, code: str, unit: str, kind: str, amount: int,
        subproject: str = TDA2) -> Row:
    return (day, voucher, code, unit, kind, amount, subproject)


def statement(make_samples: ModuleType, path: Path, *rows: Row) -> Path:
    """A KBNN statement (make_samples' layout) of NSTW SN movements on GNBV DA4, in đồng."""
    make_samples.treasury_statement(path, [
        (day, voucher, code, unit, f"{kind} (kiểm thử)", make_samples.GNBV, make_samples.DA4,
         subproject, "NSTW", "SN", kind, amount)
        for day, voucher, code, unit, kind, amount, subproject in rows])
    return path


# --- books -------------------------------------------------------------------------------


def init_books(folder: Path, env: dict[str, str | None] | None = None) -> Path:
    mtqg("init", folder, "--province", "LaiChau", "--year", "2025", "--program", "GNBV",
         env=env)
    return folder / "main.beancount"


@pytest.fixture(scope="module")
def decided(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Books made by init with QĐ 77 imported (built once; tests copy them)."""
    env = isolated_env(tmp_path_factory.mktemp("cache"))
    folder = tmp_path_factory.mktemp("decided") / "books"
    ledger = init_books(folder, env)
    mtqg("import", decision(folder.parent / "QD-77.xlsx"), "--ledger", ledger, env=env)
    return folder


def copy_books(template: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "books"
    shutil.copytree(template, folder)
    return folder / "main.beancount"


@pytest.fixture
def books(decided: Path, tmp_path: Path) -> Path:
    return copy_books(decided, tmp_path)


def import_(ledger: Path, *files: Path, code: int | None = 0):
    return mtqg("import", *files, "--ledger", ledger, code=code)


def registry_units(ledger: Path) -> dict[str, Unit]:
    """The books' units.toml as the catalogue reads it (entries of one name merged)."""
    units = load_catalogue([ledger.parent / "units.toml"]).units
    return {unit.name: unit for unit in units}


def units_text(ledger: Path) -> str:
    return (ledger.parent / "units.toml").read_text(encoding="utf-8")


def transactions(ledger: Path) -> list[data.Transaction]:
    entries, errors, _ = loader.load_file(str(ledger))
    assert not errors, [error.message for error in errors]
    return [entry for entry in entries if isinstance(entry, data.Transaction)]


def by_voucher(ledger: Path) -> dict[str, data.Transaction]:
    return {str(entry.meta["voucher"]): entry for entry in transactions(ledger)
            if "voucher" in entry.meta}


# --- the decision ------------------------------------------------------------------------------


def test_decision_rows_allocate_to_units_and_register_them(decided: Path):
    ledger = decided / "main.beancount"
    allocations = [entry for entry in transactions(ledger) if "decision" in entry.meta]
    by_unit = {(entry.meta.get("unit"), entry.postings[0].account.split(":", 2)[2]):
               int(entry.postings[0].units.number) for entry in allocations}
    assert by_unit == {(None, TDA1_SN): 1_000 * TRIEU, (MT, TDA2_SN): 2_500 * TRIEU,
                       (SO, TDA2_SN): 5_000 * TRIEU}
    units = registry_units(ledger)
    assert sorted(units) == sorted([MT, SO])
    assert (units[MT].kind, units[SO].kind) == ("huyen", "so")
    assert units_text(ledger).count("[[units]]") == 2


# --- a statement naming the units its own way ---------------------------------------------------


def first_statement(make_samples: ModuleType, folder: Path) -> Path:
    return statement(make_samples, folder / "bang-ke-thang-6.xlsx",
                     row("10/06/2025", "KBLC-25-06001", "1049912", "UBND H. Mường Tè",
                         "Thanh toán", TY),
                     row("11/06/2025", "KBLC-25-06002", "1104573", "Sở NN&MT", "Tạm ứng",
                         2 * TY),
                     row("12/06/2025", "KBLC-25-06003", "1092231", TRUONG, "Thanh toán",
                         300 * TRIEU, TDA1))


def test_statement_units_are_booked_under_the_registrys_names(
        make_samples: ModuleType, books: Path, tmp_path: Path):
    import_(books, first_statement(make_samples, tmp_path))
    found = by_voucher(books)
    assert {number: (entry.meta["unit"], entry.meta["unit_code"])
            for number, entry in found.items()} == {
        "KBLC-25-06001": (MT, "1049912"), "KBLC-25-06002": (SO, "1104573"),
        "KBLC-25-06003": (TRUONG, "1092231")}
    units = registry_units(books)
    assert sorted(units) == sorted([MT, SO, TRUONG])
    assert [(units[name].kind, units[name].code) for name in (MT, SO, TRUONG)] == [
        ("huyen", "1049912"), ("so", "1104573"), ("truong", "1092231")]
    text = units_text(books)
    assert "UBND H. Mường Tè" not in text and "Sở NN&MT" not in text
    assert text.count(f'name = "{TRUONG}"') == 1  # a unit new to the books: one entry
    mtqg("check", books)


def test_a_new_unit_is_written_once_with_its_kind_and_code(
        make_samples: ModuleType, tmp_path: Path):
    ledger = init_books(tmp_path / "books")
    import_(ledger, decision(tmp_path / "QD-77.xlsx"), first_statement(make_samples, tmp_path))
    text = units_text(ledger)
    for name, kind, code in ((MT, "huyen", "1049912"), (SO, "so", "1104573"),
                             (TRUONG, "truong", "1092231")):
        assert text.count(f'name = "{name}"') == 1, text
        block = text.split(f'name = "{name}"\n', 1)[1].split("[[units]]", 1)[0]
        assert f'code = "{code}"' in block and f'kind = "{kind}"' in block, block


def test_a_second_import_adds_nothing_to_units_toml(make_samples: ModuleType, books: Path,
                                                    tmp_path: Path):
    june = first_statement(make_samples, tmp_path)
    import_(books, june)
    before = snapshot(books.parent)
    again = import_(books, june)
    assert "Đã thêm 0 giao dịch" in again.output
    assert snapshot(books.parent) == before
    # the same units written yet other ways: still nothing new to register
    july = statement(make_samples, tmp_path / "bang-ke-thang-7.xlsx",
                     row("10/07/2025", "KBLC-25-07001", "1049912",
                         "Ủy ban nhân dân huyện Mường Tè", "Thanh toán", 100 * TRIEU),
                     row("11/07/2025", "KBLC-25-07002", "", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
                         "Thanh toán", 100 * TRIEU),
                     row("12/07/2025", "KBLC-25-07003", "1092231", "Trường Cao đẳng Lai Châu",
                         "Thanh toán", 100 * TRIEU, TDA1))
    registry = units_text(books)
    done = import_(books, july)
    assert "Đã thêm 3 giao dịch" in done.output
    assert units_text(books) == registry
    found = by_voucher(books)
    assert [found[f"KBLC-25-0700{n}"].meta["unit"] for n in (1, 2, 3)] == [MT, SO, TRUONG]


def test_hand_edited_aliases_survive_an_import_and_teach_a_spelling(
        make_samples: ModuleType, books: Path, tmp_path: Path):
    # The Sở's statement still carries its name before the 2025 merger.
    old_name = row("15/06/2025", "KBLC-25-06101", "", "Sở NN&PTNT", "Thanh toán", 200 * TRIEU)
    new_unit = row("16/06/2025", "KBLC-25-06102", "1092231", TRUONG, "Thanh toán",
                   100 * TRIEU, TDA1)
    document = statement(make_samples, tmp_path / "bang-ke.xlsx", old_name, new_unit)
    before = snapshot(books.parent)
    refused = import_(books, document, code=None)
    assert refused.exit_code != 0
    assert "bang-ke.xlsx:6" in refused.output and "'Sở NN&PTNT'" in refused.output
    assert TDA2_SN in refused.output and "aliases" in refused.output
    assert snapshot(books.parent) == before

    path = books.parent / "units.toml"
    edited = units_text(books).replace(f'name = "{SO}"\n',
                                       f'name = "{SO}"\naliases = ["Sở NN&PTNT"]  # tên cũ\n')
    edited = edited.replace("[[units]]", "# sửa tay\n[[units]]", 1)
    path.write_text(edited, encoding="utf-8")
    import_(books, document)
    after = units_text(books)
    assert after.startswith(edited)  # the officer's edits kept, byte for byte
    assert "Sở NN&PTNT" not in after[len(edited):]  # taught, so not a new unit
    assert f'name = "{TRUONG}"' in after[len(edited):]  # the import did write the file
    found = by_voucher(books)
    assert found["KBLC-25-06101"].meta["unit"] == SO
    assert registry_units(books)[SO].aliases == ("Sở NN&PTNT",)


# --- the unit rules refusing a document ------------------------------------------------------


def test_a_unit_spending_its_whole_plan_is_imported(make_samples: ModuleType, books: Path,
                                                    tmp_path: Path):
    document = statement(make_samples, tmp_path / "bang-ke.xlsx",
                         row("10/06/2025", "KBLC-25-06201", "1049912", "UBND H. Mường Tè",
                             "Thanh toán", 2_500 * TRIEU))
    import_(books, document)
    assert by_voucher(books)["KBLC-25-06201"].meta["unit"] == MT


def test_a_unit_overdraft_is_refused_and_nothing_written(make_samples: ModuleType,
                                                         books: Path, tmp_path: Path):
    # Mường Tè has 2,5 tỷ of TDA2's 7,5 tỷ; a statement pays it 2,6 tỷ.
    document = statement(make_samples, tmp_path / "bang-ke.xlsx",
                         row("10/06/2025", "KBLC-25-06301", "1049912", "UBND H. Mường Tè",
                             "Thanh toán", 2_600 * TRIEU))
    before = snapshot(books.parent)
    refused = import_(books, document, code=None)
    assert refused.exit_code != 0
    assert f"'{MT}'" in refused.output and TDA2_SN in refused.output
    assert "bang-ke.xlsx:6" in refused.output and "10/06/2025" in refused.output
    assert "vượt 100.000.000 đ" in refused.output and "không ghi gì" in refused.output
    assert snapshot(books.parent) == before


def test_a_unit_without_a_plan_is_refused_naming_the_row_and_the_unit(
        make_samples: ModuleType, books: Path, tmp_path: Path):
    document = statement(make_samples, tmp_path / "bang-ke.xlsx",
                         row("12/06/2025", "KBLC-25-06401", "1050001", BUM_NUA, "Thanh toán",
                             TRIEU))
    before = snapshot(books.parent)
    refused = import_(books, document, code=None)
    assert refused.exit_code != 0
    assert "bang-ke.xlsx:6" in refused.output and f"'{BUM_NUA}'" in refused.output
    assert TDA2_SN in refused.output and MT in refused.output and SO in refused.output
    assert "không ghi gì" in refused.output
    assert snapshot(books.parent) == before  # units.toml did not gain the commune either


BREACHES = {
    "unit_allocation": row("12/06/2025", "KBLC-25-06501", "1050001", BUM_NUA, "Thanh toán",
                           TRIEU),
    "unit_overdraft": row("10/06/2025", "KBLC-25-06502", "1049912", "UBND H. Mường Tè",
                          "Thanh toán", 2_600 * TRIEU),
}


@pytest.mark.parametrize("rule", ["unit_allocation",
                                  "unit_overdraft"])
def test_a_warned_rule_lets_the_document_in_with_a_warning(
        rule: str, make_samples: ModuleType, books: Path, tmp_path: Path):
    plugin = '"catalogue=catalogue.toml,units.toml"'
    main = books.read_text(encoding="utf-8")
    assert plugin in main
    books.write_text(main.replace(plugin, f'"catalogue=catalogue.toml,units.toml; '
                                          f'warn={rule}"'), encoding="utf-8")
    breach = BREACHES[rule]
    import_(books, statement(make_samples, tmp_path / "bang-ke.xlsx", breach))
    assert f"warn={rule}" in books.read_text(encoding="utf-8")
    _, errors, options_map = loader.load_file(str(books))
    assert [error.message for error in errors] == []
    (warning,) = [warning.message for warning in rule_warnings(options_map)]
    assert warning.startswith(f"[{rule}]") and (MT if rule == "unit_overdraft" else BUM_NUA) \
        in warning
    mtqg("check", books)

