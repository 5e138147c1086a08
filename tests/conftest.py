"""What every test shares: a cache and catalogue of its own, whatever the machine has set."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from mtqgledger import snapshot

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test caches in its own folder and reads the bundled catalogue only."""
    monkeypatch.setenv("MTQG_CACHE_DIR", str(tmp_path / "cache"))
    # loads start from the snapshot on disk unless a test serves (snapshot.reuse_loads)
    monkeypatch.setattr(snapshot, "_REUSE", [False])
    monkeypatch.delenv("MTQG_CACHE", raising=False)
    monkeypatch.delenv("MTQG_CATALOGUE", raising=False)


@pytest.fixture(scope="module")
def make_samples() -> ModuleType:
    """importers/make_samples.py, for its statement writer and headers."""
    spec = importlib.util.spec_from_file_location("make_samples",
                                                  ROOT / "importers" / "make_samples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
