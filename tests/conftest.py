"""What every test shares: a cache and catalogue of its own, whatever the machine has set."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test caches in its own folder and reads the bundled catalogue only."""
    monkeypatch.setenv("MTQG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MTQG_CACHE", raising=False)
    monkeypatch.delenv("MTQG_CATALOGUE", raising=False)
