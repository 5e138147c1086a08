"""The one atomic writer (mtqgledger.files): all or nothing, and one rule for file modes.

A file that exists keeps its own mode; a new file gets what the umask allows.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mtqgledger.files import StagedFiles, write_atomically

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture
def umask_027():
    before = os.umask(0o027)
    yield 0o027
    os.umask(before)


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_a_new_file_gets_what_the_umask_allows(tmp_path: Path, umask_027: int) -> None:
    target = tmp_path / "new" / "report.csv"
    write_atomically(target, lambda path: path.write_text("a\n", encoding="utf-8"))
    assert target.read_text(encoding="utf-8") == "a\n"
    assert mode(target) == 0o640


def test_an_existing_file_keeps_its_mode(tmp_path: Path, umask_027: int) -> None:
    target = tmp_path / "report.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o604)
    write_atomically(target, lambda path: path.write_text("new\n", encoding="utf-8"))
    assert target.read_text(encoding="utf-8") == "new\n"
    assert mode(target) == 0o604


def test_a_failed_write_leaves_the_target_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    target.write_text("old\n", encoding="utf-8")

    def broken(path: Path) -> None:
        path.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically(target, broken)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.csv"]


def test_staged_files_change_nothing_until_committed(tmp_path: Path, umask_027: int) -> None:
    kept, new = tmp_path / "kept.txt", tmp_path / "new.txt"
    kept.write_text("before\n", encoding="utf-8")
    kept.chmod(0o600)
    staged = StagedFiles([kept, new])
    staged.write({kept: "after\n", new: "created\n"})
    assert kept.read_text(encoding="utf-8") == "before\n" and not new.exists()
    staged.commit()
    assert kept.read_text(encoding="utf-8") == "after\n" and mode(kept) == 0o600
    assert new.read_text(encoding="utf-8") == "created\n" and mode(new) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.txt", "new.txt"]
