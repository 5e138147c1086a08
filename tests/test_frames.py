"""mtqgledger.frames: the same DataFrames from a ledger and from its Parquet export."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from clirun import mtqg

from mtqgledger import frames
from mtqgledger.outputs.disbursement import JSON_KEYS
from mtqgledger.outputs.parquet import AMOUNTS

SAMPLE = Path(__file__).resolve().parents[1] / "ledgers" / "main.beancount"
ORDER = ["ledger_file", "ledger_line", "line", "unit"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("frames") / "parquet"
    mtqg("export", "parquet", SAMPLE, "-o", out)
    return out


def test_the_movement_table_is_the_same_from_the_books_and_the_folder(folder: Path) -> None:
    from_books = frames.movements(SAMPLE).sort_values(ORDER, ignore_index=True)
    from_folder = frames.movements(folder).sort_values(ORDER, ignore_index=True)
    pd.testing.assert_frame_equal(from_books, from_folder)
    assert all(str(from_folder[name].dtype) == "Int64" for name in AMOUNTS)
    assert from_folder["plan"].sum() == sum(move.plan for move in _books().movements)


def test_the_report_rows_are_the_same_from_the_books_and_the_folder(folder: Path) -> None:
    for options in ({"plan_year": 2026, "by": "content"}, {"plan_year": "all", "by": "unit"}):
        from_books = frames.report(SAMPLE, **options)
        from_folder = frames.report(folder, **options)
        pd.testing.assert_frame_equal(from_books, from_folder)
        assert list(from_folder.columns) == list(JSON_KEYS)
        total = from_folder.iloc[0]
        assert total["level"] == "total"
        assert total["disbursed"] == total["payments"] + total["advances"]


def test_ratios_by_province_and_programme_from_the_frame(folder: Path) -> None:
    moves = frames.movements(folder)
    moves = moves[moves["date"] <= "2026-09-30"]
    current = moves[moves["extended_into"].fillna(moves["plan_year"]) == 2026]
    sums = current.groupby(["province", "program"])[["plan", "payments", "advances"]].sum()
    report = frames.report(folder, plan_year=2026, by="program",
                           as_of=pd.Timestamp("2026-09-30").date())
    programmes = report[(report["level"] == "program") & report["source"].isna()
                        & report["capital"].isna() & report["plan_year"].isna()]
    for _, row in programmes.iterrows():
        found = sums.loc[("LaiChau", row["program"])]
        assert (found["plan"], found["payments"] + found["advances"]) == \
            (row["plan"], row["disbursed"])


def _books():
    from mtqgledger.books import Books

    return Books.open(SAMPLE)
