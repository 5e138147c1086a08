"""docs/parquet.md and docs/analysis.md hold true for an export of the sample books.

Every column of every table the export writes is named in docs/parquet.md, with the
movement table's types; the schema version there is SCHEMA_VERSION; its SQL is
LINE_FIGURES_SQL filled in and gives the roll-up's figures in DuckDB; the example of
docs/analysis.md runs, prints what the page shows, and its ratios are the report's.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import re
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from clirun import isolated_env, mtqg

from mtqgledger.figures.movements import BUDGET_YEAR_SQL, LINE_FIGURES_SQL
from mtqgledger.outputs.parquet import MOVEMENTS, PARTITIONS, SCHEMA_VERSION, TABLES

ROOT = Path(__file__).resolve().parents[1]
LEDGER = ROOT / "ledgers" / "main.beancount"
PARQUET_DOC = ROOT / "docs" / "parquet.md"
ANALYSIS_DOC = ROOT / "docs" / "analysis.md"
DOC_TYPES = {"string": "string", "int32": "int32", "int64": "int64", "date32[day]": "date"}


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample books exported as the docs do, into a folder of this module's own."""
    base = tmp_path_factory.mktemp("national")
    folder = base / "toan-quoc"
    mtqg("export", "parquet", LEDGER, "-o", folder, env=isolated_env(base / "cache"))
    return folder


def blocks(path: Path, language: str) -> list[str]:
    """The fenced code blocks of one language in a Markdown file."""
    return re.findall(rf"^```{language}\n(.*?)^```$", path.read_text(encoding="utf-8"),
                      re.M | re.S)


def json_rows(*args: object) -> list[dict]:
    return json.loads(mtqg(*args, "--format", "json").output)


def node_rows(rows: list[dict], level: str) -> list[dict]:
    """The rows of one level without their capital, source and plan-year breakdowns."""
    return [row for row in rows if row["level"] == level and row["source"] is None
            and row["capital"] is None and row["plan_year"] is None]


def test_every_exported_column_is_named_in_the_doc(export: Path) -> None:
    doc = PARQUET_DOC.read_text(encoding="utf-8")
    files = [path for path in export.rglob("*.parquet") if not path.name.startswith(".")]
    assert {path.relative_to(export).parts[0] for path in files} == set(TABLES)
    for path in files:
        table = path.relative_to(export).parts[0]
        assert f"### `{table}`" in doc, f"no section for the {table} table"
        partitions = [part.split("=")[0] for part in path.parent.relative_to(export).parts
                      if "=" in part]
        for column in [*pq.read_schema(path).names, *partitions]:
            assert f"`{column}`" in doc, f"{table}.{column} is not in docs/parquet.md"


def test_the_doc_gives_the_movement_tables_types_and_the_schema_version() -> None:
    doc = PARQUET_DOC.read_text(encoding="utf-8")
    section = doc.split("### `movements`")[1].split("\n### ")[0]
    documented = dict(re.findall(r"^\| `(\w+)` \| ([\w\[\]]+) \|", section, re.M))
    written = {field.name: DOC_TYPES[str(field.type)] for field in [*PARTITIONS, *MOVEMENTS]}
    assert documented == written
    assert [int(found) for found in re.findall(r"schema version is \*\*(\d+)\*\*", doc)] == \
        [SCHEMA_VERSION]


def test_the_docs_sql_is_the_rollups(export: Path) -> None:
    """The first query is LINE_FIGURES_SQL filled in; the query by project, run in DuckDB
    over the export, gives the project rows of `mtqg rollup`; every row is read."""
    line_sql, project_sql, check_sql = [block for block in blocks(PARQUET_DOC, "sql")
                                        if "CREATE" not in block]
    day = re.search(r"date <= DATE '([\d-]+)'", line_sql).group(1)
    year = int(re.search(r"plan_year\) = (\d{4})", line_sql).group(1))
    where = f"date <= DATE '{day}' AND {BUDGET_YEAR_SQL} = {year}"

    def words(sql: str) -> list[str]:
        return re.sub(r"--[^\n]*", "", sql).split()

    assert words(line_sql) == words(LINE_FIGURES_SQL.format(unit="", movements="movements",
                                                            where=where))
    connection = duckdb.connect()
    connection.execute(
        "CREATE VIEW movements AS SELECT * FROM read_parquet("
        f"'{export}/movements/*/*/*.parquet', hive_partitioning = true, "
        "hive_types = {'province': VARCHAR, 'plan_year': INTEGER})")
    for table in ("provinces", "books"):
        connection.execute(f"CREATE VIEW {table} AS SELECT * FROM "
                           f"read_parquet('{export}/{table}/*.parquet')")
    found = connection.execute(project_sql).fetchall()
    rolled = node_rows(json_rows("rollup", export, "--as-of", day, "--plan-year", year),
                       "project")
    assert [(*keys, int(plan), int(disbursed), int(remaining))
            for *keys, plan, disbursed, remaining, _ in found] == \
        [(row["province"], row["program"], row["project"], row["plan"], row["disbursed"],
          row["remaining"]) for row in rolled]
    assert len(found) > 1
    assert all(abs(ratio - row["ratio"]) <= 5e-7
               for (*_, ratio), row in zip(found, rolled, strict=True))
    assert all(exported == read for _, exported, read in connection.execute(check_sql).fetchall())


def test_the_analysis_example_runs_and_gives_the_reports_ratios(export: Path) -> None:
    (code,) = blocks(ANALYSIS_DOC, "python")
    (shown,) = blocks(ANALYSIS_DOC, "text")
    code, replaced = re.subn(r"^FOLDER = .*$", f"FOLDER = Path({str(export)!r})", code,
                             count=1, flags=re.M)
    assert replaced == 1
    printed, names = io.StringIO(), {"__name__": "analysis"}
    with contextlib.redirect_stdout(printed):
        exec(compile(code, str(ANALYSIS_DOC), "exec"), names)
    assert printed.getvalue().split() == shown.split()  # the page shows what it prints
    as_of, year = names["AS_OF"], names["YEAR"]
    assert isinstance(as_of, datetime.date)
    report = node_rows(json_rows("report", "disbursement", LEDGER, "--as-of",
                                 as_of.isoformat(), "--plan-year", year, "--by", "program"),
                       "program")
    expected = {(row["province"], row["program"]): row["ratio"] for row in report}
    ratios = names["sums"]["ratio"]
    assert sorted(ratios.index) == sorted(expected) and expected
    for key, ratio in ratios.items():
        assert abs(float(ratio) - expected[key]) <= 5e-7, key
    percentages = re.findall(r"(\d+\.\d%)$", printed.getvalue(), re.M)
    assert percentages == [f"{expected[key]:.1%}" for key in ratios.index]
