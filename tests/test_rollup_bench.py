"""The folder bench/rollup_generate.py writes is an export `mtqg rollup` reads, and adds up
to the đồng as the Python report does over the same movements (bench/rollup_bench.py
times both at ten million movements)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pyarrow.parquet as pq
import pytest
from clirun import mtqg

from mtqgledger.national.folder import National
from mtqgledger.outputs.disbursement import to_json
from mtqgledger.outputs.parquet import AMOUNTS, ITEM_COLUMNS, MOVEMENTS

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _bench(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("rollup") / "export"
    return folder, _bench("rollup_generate").generate(folder, 20_000, provinces=3, merged=3,
                                                      seed=7)


def test_the_folder_is_an_export(generated: tuple[Path, dict]) -> None:
    folder, summary = generated
    assert summary["movements"] == 20_000 and summary["books"] == 3
    assert summary["merged"] == ["BacKan", "HaGiang", "YenBai"]
    national = National([folder])
    assert national.provinces == summary["codes"]
    assert national.owner["HaGiang"] is national.owner["TuyenQuang"]
    assert national.extensions[(2025, 2026)] == ("257/2025/QH15",)
    files = national.movement_files()
    assert len(files) == summary["files"] == 3 * 5 + 3 * 4
    table = pq.read_table(files[0])
    assert table.schema.equals(MOVEMENTS)
    assert sum(pq.read_metadata(name).num_rows for name in files) == 20_000
    kinds = set(table["kind"].to_pylist())
    assert {"giao", "thanh-toan", "tam-ung", "thu-hoi-tam-ung", "keo-dai"} <= kinds
    assert min(table["advances"].to_pylist()) < 0 < max(table["advances"].to_pylist())


@pytest.mark.parametrize("province", [None, "TuyenQuang"])
def test_the_rollup_equals_the_python_report(generated: tuple[Path, dict], tmp_path: Path,
                                             province: str | None) -> None:
    folder, _ = generated
    bench = _bench("rollup_bench")
    assert (bench.LEVELS, bench.AMOUNTS) == (ITEM_COLUMNS, AMOUNTS)
    out = tmp_path / "rollup.json"
    mtqg("rollup", folder, *bench.REPORT, *(["--province", province] if province else []),
         "-o", out)
    text = out.read_text(encoding="utf-8")
    assert text == to_json(bench.python_report(folder, province))
    rows = json.loads(text)
    assert {row["phase"] for row in rows} >= {"current", "extended"}
    assert any(row["level"] == "project" and row["advances"] for row in rows)
    provinces = {row["province"] for row in rows if row["level"] == "province"}
    assert provinces == (set() if province else {"LaoCai", "ThaiNguyen", "TuyenQuang"})
