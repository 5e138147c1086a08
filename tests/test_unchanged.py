"""The reorganisation by layer (issue 9) changed no output: the sample books' JSON report,
quarterly workbooks and audit workbooks, and the demo books' report, equal the files
written by the code before it (tests/before/, made by tests/snapshot.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from snapshot import BEFORE, snapshots


@pytest.fixture(scope="module")
def now(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    return snapshots(tmp_path_factory.mktemp("unchanged"))


def _files() -> list[Path]:
    return sorted(BEFORE.glob("*.json"))


def test_every_case_has_its_file(now: dict[str, object]) -> None:
    assert sorted(now) == [path.stem for path in _files()]


@pytest.mark.parametrize("path", _files(), ids=lambda path: path.stem)
def test_output_is_as_before(path: Path, now: dict[str, object]) -> None:
    before = json.loads(path.read_text(encoding="utf-8"))
    after = json.loads(json.dumps(now[path.stem], ensure_ascii=False))
    if isinstance(before, dict):  # a workbook: compare sheet by sheet for a readable failure
        assert sorted(after) == sorted(before)
        for sheet in before:
            assert after[sheet]["merged"] == before[sheet]["merged"], sheet
            changed = {cell: (value, after[sheet]["cells"].get(cell))
                       for cell, value in before[sheet]["cells"].items()
                       if after[sheet]["cells"].get(cell) != value}
            added = sorted(set(after[sheet]["cells"]) - set(before[sheet]["cells"]))
            assert not changed and not added, (sheet, dict(list(changed.items())[:10]),
                                               added[:10])
    else:
        assert after == before
