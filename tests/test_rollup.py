"""One source of each figure: `mtqg rollup` over Parquet gives `disbursement_report`'s rows.

Random books of three provinces in two ledgers (Lai Châu; Tuyên Quang holding the lines
of Hà Giang, merged into it in 2025), amounts above 10¹³ đồng, money extended into the
next year, spending units: each exported into one folder, then every report the books
give compared with the roll-up's, row for row, to the đồng, titles included. Also the
export's own promises: its rows add up to the movement table, a re-export of unchanged
books writes nothing, a province comes from one ledger only, int64 never wraps.
"""

from __future__ import annotations

import datetime
import random
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from booktext import HEADER, advance, allocate, line_of, opens, pay, settle, transaction
from clirun import mtqg

from mtqgledger.books import Books
from mtqgledger.figures.disbursement import LineFigures, arranged_report, disbursement_report
from mtqgledger.figures.movement_rows import movement_rows
from mtqgledger.figures.movements import figures_by_line, figures_by_unit
from mtqgledger.figures.pace import TARGET
from mtqgledger.figures.quarterly import Quarter, quarterly_report
from mtqgledger.model import postings
from mtqgledger.national.export import export_books
from mtqgledger.national.folder import National, RollupError
from mtqgledger.national.rollup import Rollup
from mtqgledger.outputs import parquet
from mtqgledger.outputs.disbursement import to_json

# (item path, source, capital, plan year) of lines the bundled catalogue holds
LINES = [("GNBV:DA4:TDA1", "NSTW", "SN", 2025), ("GNBV:DA4:TDA1", "NSDP", "SN", 2025),
         ("GNBV:DA4:TDA1", "NSTW", "DTPT", 2025), ("GNBV:DA4:TDA2", "NSTW", "SN", 2025),
         ("GNBV:DA4:TDA3", "NSTW", "DTPT", 2025), ("DTTS:DA5:TDA3", "NSTW", "SN", 2025),
         ("MTQG2635:HP1:TP04:ND01", "NSTW", "SN", 2026),
         ("MTQG2635:HP1:TP04:ND03", "NSDP", "DTPT", 2026),
         ("MTQG2635:HP2:TP01:ND01", "NSTW", "DTPT", 2026),
         ("MTQG2635:HP2:TP03:ND02", "NSTW", "SN", 2026)]
UNITS = ["UBND xã Bản Lang", "Trung tâm GDNN-GDTX huyện Phong Thổ", "Phòng Dân tộc huyện Sìn Hồ"]
BOOKS = {"laichau": ("LaiChau",), "tuyenquang": ("TuyenQuang", "HaGiang")}
EXTENDED_BY = {"LaiChau": "257/2025/QH15", "TuyenQuang": "1520/QĐ-UBND"}
SAMPLE_CATALOGUE = Path(__file__).resolve().parents[1] / "ledgers" / "catalogue.toml"


def _day(chance: random.Random, first: datetime.date, last: datetime.date) -> str:
    return (first + datetime.timedelta(days=chance.randrange((last - first).days + 1))).isoformat()


def _line_history(chance: random.Random, account: str, year: int, hagiang: bool) -> list[str]:
    """Allocation, then payments, advances and their settlement within the plan, and for
    2025 money some extended into 2026 and spent there."""
    unit = chance.choice([None, *UNITS])
    plan = chance.choice([10**13 + chance.randrange(10**12), chance.randrange(10**9, 10**11)])
    start = datetime.date(year, 1, 15)
    last = datetime.date(2025, 6, 30) if hagiang else datetime.date(year, 11, 30)
    text = [allocate(start.isoformat(), account, plan, unit=unit)]
    spent = 0
    for _ in range(chance.randrange(1, 6)):
        amount = chance.randrange(1, plan // 8)
        day = _day(chance, start + datetime.timedelta(days=5), last)
        if chance.random() < 0.3:
            text.append(advance(day, account, amount, unit=unit))
            text.append(settle(_day(chance, datetime.date.fromisoformat(day), last), account,
                               amount, unit=unit))
        else:
            text.append(pay(day, account, amount, unit=unit))
        spent += amount
    if year == 2025 and not hagiang and chance.random() < 0.5:
        moved = (plan - spent) // 2
        text.append(transaction("2026-01-20", "Kéo dài kế hoạch vốn", {
            # each province's books cite their own decision (and titles must not mix them)
            "decision": EXTENDED_BY[account.split(":")[0]],
            "decision_date": datetime.date(2025, 12, 11),
            "kind": postings.EXTENSION_CODE,
            "extend_to": datetime.date(2026, 12, 31), **({"unit": unit} if unit else {})},
            postings.extension(line_of(account), 2026, moved)))
        text.append(pay(_day(chance, datetime.date(2026, 2, 1), datetime.date(2026, 9, 30)),
                        f"{account}:K2026", chance.randrange(1, moved // 2), unit=unit))
    return text


def write_books(folder: Path, provinces: tuple[str, ...], seed: int) -> Path:
    chance = random.Random(seed)
    accounts, text = [], []
    for province in provinces:
        for item, source, capital, year in chance.sample(LINES, 6):
            if province == "HaGiang" and year != 2025:
                continue
            account = f"{province}:{item}:{source}:{capital}:Y{year}"
            accounts += [account] + ([f"{account}:K2026"] if year == 2025 else [])
            text += _line_history(chance, account, year, province == "HaGiang")
    folder.mkdir(parents=True, exist_ok=True)
    # The 2026 programme's contents are each province's own (their decisions title them)
    catalogue = SAMPLE_CATALOGUE.read_text(encoding="utf-8")
    if "TuyenQuang" in provinces:
        catalogue = catalogue.replace("Nội dung 01: Hỗ trợ đào tạo nghề",
                                      "Nội dung 01: Đào tạo nghề (Tuyên Quang)")
    (folder / "catalogue.toml").write_text(catalogue, encoding="utf-8")
    main = folder / "main.beancount"
    header = HEADER.replace('"mtqgledger.plugins.budget_rules"',
                            '"mtqgledger.plugins.budget_rules" "catalogue=catalogue.toml"')
    main.write_text(header + opens(*accounts) + "\n".join(text), encoding="utf-8")
    return main


def export(ledger: Path, folder: Path) -> Books:
    books = Books.open(ledger)
    assert books.messages == []
    assert export_books(books, ledger, folder).written
    return books


@pytest.fixture(scope="module", params=[1, 2, 3])
def nation(request, tmp_path_factory) -> tuple[dict[str, Books], Path]:
    base = tmp_path_factory.mktemp(f"nation{request.param}")
    books = {name: export(write_books(base / name, provinces, request.param * 10 + number),
                          base / "parquet")
             for number, (name, provinces) in enumerate(BOOKS.items())}
    return books, base / "parquet"


AS_OF = [datetime.date(2025, 3, 31), datetime.date(2025, 9, 30), datetime.date(2026, 6, 30),
         datetime.date(2026, 12, 31)]
OPTIONS = [dict(by="content"), dict(by="line"), dict(by="unit"), dict(by="program"),
           dict(by="project", program="GNBV"), dict(by="content", merged_apart=True)]


@pytest.mark.parametrize("as_of", AS_OF)
@pytest.mark.parametrize("year", [2025, 2026, None])
def test_each_province_is_its_own_report(nation, as_of, year) -> None:
    books, folder = nation
    national = National([folder])
    for own, provinces in (("laichau", ["LaiChau"]), ("tuyenquang", ["TuyenQuang"])):
        for options in OPTIONS:
            report_options = {key: value for key, value in options.items() if key != "program"}
            rollup = Rollup(national, provinces, options.get("program"))
            expected = disbursement_report(
                books[own].movements, books[own].catalogue, as_of=as_of, budget_year=year,
                province=provinces[0], extensions=books[own].extensions,
                program=options.get("program"), **report_options)
            assert to_json(rollup.report(as_of, year, **report_options)) == to_json(expected), \
                (own, options)


@pytest.mark.parametrize("year", [2025, 2026, None])
def test_the_nation_is_the_report_of_all_books_together(nation, year) -> None:
    books, folder = nation
    everything = [move for own in books.values() for move in own.movements]
    as_of = datetime.date(2026, 9, 30)
    extensions: dict[tuple[int, int], tuple[str, ...]] = {}  # the nation cites both books'
    for own in ("laichau", "tuyenquang"):
        for key, cited in books[own].extensions.items():
            extensions[key] = (*extensions.get(key, ()),
                               *(decision for decision in cited
                                 if decision not in extensions.get(key, ())))
    own = {"LaiChau": books["laichau"].catalogue, "TuyenQuang": books["tuyenquang"].catalogue}
    for by in ("project", "unit"):
        # the movement table's sums, each province's rows titled by its own catalogue
        expected = arranged_report(
            LineFigures(figures_by_line(everything, as_of), figures_by_unit(everything, as_of)),
            books["laichau"].catalogue, as_of=as_of, budget_year=year, by=by,
            extensions=extensions, titles=lambda province: own.get(province, own["TuyenQuang"]))
        found = Rollup(National([folder])).report(as_of, year, by=by)
        assert to_json(found) == to_json(expected)
        provinces = [row for row in found.rows if row.level == "province" and not row.is_split]
        assert [row.province for row in provinces] == ["LaiChau", "TuyenQuang"]
        for amount in ("plan", "payments", "advances"):
            assert getattr(found.total, amount) == sum(getattr(row, amount) for row in provinces)
        assert found.total.plan > 10**13


def test_a_provinces_default_period_is_its_books(nation) -> None:
    books, folder = nation
    national = National([folder])
    for own, province in (("tuyenquang", "HaGiang"), ("tuyenquang", "TuyenQuang"),
                          ("laichau", "LaiChau")):
        assert Rollup(national, [province]).period(None, None) == books[own].period(), province


def test_the_quarterly_form_by_province(nation) -> None:
    books, folder = nation
    quarter = Quarter(2026, 3)
    form = Rollup(National([folder])).quarterly(quarter, target=TARGET)
    numbers = [line.number for line in form.lines if line.row.level == "province"]
    assert numbers == ["A", "B"]
    for own, letter in (("laichau", "A"), ("tuyenquang", "B")):
        alone = quarterly_report(books[own].movements, books[own].catalogue, quarter,
                                 extensions=books[own].extensions)
        line = next(line for line in form.lines if line.number == letter)
        assert line.figures.row.figures == alone.total.row.figures
        assert line.figures.disbursed_in_quarter == alone.total.figures.disbursed_in_quarter


def rows_adding_up(books: Books) -> list:
    """The books' movement rows, once it is checked that per line, day and unit they add up
    to the movement table."""
    rows, problems = movement_rows(books.entries, books.catalogue.unit_registry)
    assert problems == []
    added: dict[tuple, list[int]] = {}
    for row in rows:
        cell = added.setdefault((row.line, row.date, row.unit), [0, 0, 0])
        for column, amount in enumerate((row.plan, row.payments, row.advances)):
            cell[column] += amount
    assert added == {(move.line, move.date, move.unit): [move.plan, move.payments, move.advances]
                     for move in books.movements}
    return rows


def test_the_rows_add_up_to_the_movement_table(nation) -> None:
    books, _ = nation
    for own in books.values():
        rows = rows_adding_up(own)
        assert all(row.decision or row.voucher for row in rows)  # every row cites its document


def test_amounts_are_exact_int64(nation) -> None:
    _, folder = nation
    files = National([folder]).movement_files()
    schema = pq.read_schema(files[0])
    assert {schema.field(name).type for name in parquet.AMOUNTS} == {parquet.pa.int64()}
    total = sum(sum(pq.read_table(name, columns=["plan"]).column("plan").to_pylist())
                for name in files)
    assert total > 10**13


def test_an_amount_beyond_int64_is_refused(tmp_path: Path) -> None:
    ledger = tmp_path / "books" / "main.beancount"
    ledger.parent.mkdir()
    account = "LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2025"
    ledger.write_text(HEADER + opens(account) + allocate("2025-01-10", account, 10**19),
                      encoding="utf-8")
    result = mtqg("export", "parquet", ledger, "-o", tmp_path / "out", code=1)
    assert "int64" in result.output and "main.beancount:" in result.output
    assert not (tmp_path / "out" / "books").exists()


def test_unchanged_books_write_nothing_and_changed_ones_only_their_own(tmp_path: Path) -> None:
    folder = tmp_path / "parquet"
    ledgers = {name: write_books(tmp_path / name, provinces, 7)
               for name, provinces in BOOKS.items()}
    for ledger in ledgers.values():
        mtqg("export", "parquet", ledger, "-o", folder)
    stamps = {path: (path.stat().st_ino, path.stat().st_mtime_ns)
              for path in folder.rglob("*.parquet")}
    again = mtqg("export", "parquet", ledgers["laichau"], "-o", folder)
    assert "không thay đổi" in again.output
    assert {path: (path.stat().st_ino, path.stat().st_mtime_ns)
            for path in folder.rglob("*.parquet")} == stamps
    before = Rollup(National([folder]), ["LaiChau"]).report(None, None).total.plan
    with ledgers["laichau"].open("a", encoding="utf-8") as file:
        later = "LaiChau:GNBV:DA4:TDA2:NSTW:SN:Y2027"  # a plan year the export had not held
        file.write("\n" + opens(later, day="2027-01-05") + allocate("2027-01-05", later, 5))
    mtqg("export", "parquet", ledgers["laichau"], "-o", folder)
    changed = {path for path in folder.rglob("*.parquet")
               if stamps.get(path) != (path.stat().st_ino, path.stat().st_mtime_ns)}
    assert any("plan_year=2027" in str(path) for path in changed)
    assert not any("TuyenQuang" in path.name for path in changed)
    after = Rollup(National([folder]), ["LaiChau"]).report(None, None).total.plan
    assert after == before + 5


def test_a_province_from_two_ledgers_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "parquet"
    first = write_books(tmp_path / "one", ("LaiChau",), 3)
    second = write_books(tmp_path / "two", ("LaiChau",), 4)
    mtqg("export", "parquet", first, "-o", folder)
    files = sorted(folder.rglob("*"))
    refused = mtqg("export", "parquet", second, "-o", folder, code=1)
    assert str(first) in refused.output and "LaiChau" in refused.output
    assert sorted(folder.rglob("*")) == files
    with pytest.raises(RollupError, match="LaiChau"):
        other = tmp_path / "other"
        mtqg("export", "parquet", second, "-o", other)
        National([folder, other])


def test_a_folder_without_exports_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = mtqg("rollup", tmp_path / "empty", code=1)
    assert str(tmp_path / "empty") in result.output and "mtqg export parquet" in result.output


def test_books_that_come_to_hold_another_province_export_again(tmp_path: Path) -> None:
    """Tuyên Quang's books taking in Hà Giang's lines stay the same books in the folder."""
    folder = tmp_path / "parquet"
    ledger = write_books(tmp_path / "tuyenquang", ("TuyenQuang",), 5)
    mtqg("export", "parquet", ledger, "-o", folder)
    merged = "HaGiang:GNBV:DA4:TDA1:NSTW:SN:Y2025"
    with ledger.open("a", encoding="utf-8") as file:
        file.write("\n" + opens(merged) + allocate("2025-02-10", merged, 7))
    mtqg("export", "parquet", ledger, "-o", folder)
    national = National([folder])
    assert national.provinces == ["HaGiang", "TuyenQuang"]
    assert len(national.exports) == 1


def test_every_books_dimension_tables_read_as_one_table(nation) -> None:
    """Typed columns: an empty one (no Nội dung in 2025 books) is still a string column, so
    pandas, DuckDB or Spark read the files of every books together."""
    import duckdb
    import pandas as pd

    _, folder = nation
    for table in ("lines", "units", "items", "provinces", "extensions", "books"):
        frame = pd.read_parquet(folder / table)
        assert len(frame) > 0, table
        found = duckdb.sql(f"SELECT COUNT(*) FROM read_parquet('{folder / table}/**/*.parquet')")
        assert found.fetchone()[0] == len(frame), table


def test_the_same_options_give_the_same_rows_as_the_report(tmp_path: Path) -> None:
    """Asked alike (defaults included), `mtqg rollup` of one province's export prints what
    `mtqg report disbursement` of its books prints."""
    sample = Path(__file__).resolve().parents[1] / "ledgers" / "main.beancount"
    mtqg("export", "parquet", sample, "-o", tmp_path / "parquet")
    for options in ((), ("--format", "json"), ("--plan-year", "all", "--format", "csv")):
        assert mtqg("rollup", tmp_path / "parquet", *options).output == \
            mtqg("report", "disbursement", sample, *options).output, options


def test_books_with_errors_are_exported_only_when_asked(tmp_path: Path) -> None:
    ledger = tmp_path / "books" / "main.beancount"
    ledger.parent.mkdir()
    account = "LaiChau:GNBV:DA4:TDA1:NSTW:SN:Y2025"
    ledger.write_text(HEADER + opens(account) + allocate("2025-01-10", account, 10**9)
                      + pay("2025-02-10", account, 2 * 10**9), encoding="utf-8")  # overdrawn
    refused = mtqg("export", "parquet", ledger, "-o", tmp_path / "out", code=1)
    assert "main.beancount" in refused.output and "--ignore-errors" in refused.output
    assert not (tmp_path / "out").exists()
    mtqg("export", "parquet", ledger, "-o", tmp_path / "out", "--ignore-errors")
    assert Rollup(National([tmp_path / "out"])).report(None, None).total.payments == 2 * 10**9


def test_a_handover_between_units_rolls_up_as_the_report_has_it(tmp_path: Path) -> None:
    """Bàn giao: each posting of a handover names its own unit; the rows and the roll-up by
    unit name them as the movement table does."""
    from handover_books import august_statement, decision, main_handover, may_statement

    ledger = tmp_path / "books" / "main.beancount"
    mtqg("init", ledger.parent, "--province", "LaiChau", "--year", "2025", "--program", "GNBV")
    for document in (decision(tmp_path / "QD-15.xlsx"), may_statement(tmp_path / "thang-5.xlsx"),
                     main_handover(tmp_path / "BB-05.xlsx"),
                     august_statement(tmp_path / "thang-8.xlsx")):
        mtqg("import", document, "--ledger", ledger)
    books = export(ledger, tmp_path / "parquet")
    rows_adding_up(books)
    for as_of in (datetime.date(2025, 6, 30), datetime.date(2025, 8, 31)):
        expected = disbursement_report(books.movements, books.catalogue, as_of=as_of,
                                       budget_year=2025, by="unit")
        found = Rollup(National([tmp_path / "parquet"])).report(as_of, 2025, by="unit")
        assert to_json(found) == to_json(expected)
        assert len({row.unit for row in found.rows if row.level == "unit"}) >= 2


def test_the_nations_quarterly_form_is_headed_by_its_sender(nation, tmp_path: Path) -> None:
    import openpyxl

    _, folder = nation
    for options, sender, number in (((), "……………………………", "Số: ……/BC-……"),
                                    (("--sender", "BỘ TÀI CHÍNH"), "BỘ TÀI CHÍNH",
                                     "Số: ……/BC-……")):
        path = tmp_path / "quy3.xlsx"
        mtqg("rollup", folder, "--quarterly", "2026Q3", "-o", path, *options)
        sheet = openpyxl.load_workbook(path).worksheets[0]
        assert (sheet["A1"].value, sheet["A2"].value) == (sender, number)
    path = tmp_path / "laichau.xlsx"  # one province's form stays its committee's
    mtqg("rollup", folder, "--province", "LaiChau", "--quarterly", "2026Q3", "-o", path)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert (sheet["A1"].value, sheet["A2"].value) == ("UBND TỈNH LAI CHÂU", "Số: ……/BC-UBND")


def test_a_province_nobody_exported_is_a_clear_error(nation) -> None:
    _, folder = nation
    result = mtqg("rollup", folder, "--province", "Hà Nội", code=1)
    assert "HaNoi" in result.output and "LaiChau" in result.output
