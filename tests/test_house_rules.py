"""The house rules of docs/architecture.md that a machine can check.

No module of the library grows past about 400 lines and no function past about
60: beyond that a second job is hiding inside. Each layer imports only the
layers below it. The paths users' files name keep working.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "mtqgledger"
MODULES = sorted(SOURCE.rglob("*.py"))
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def test_every_module_is_short() -> None:
    long = {str(path.relative_to(SOURCE)): count for path in MODULES
            if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_every_function_is_short() -> None:
    long = {}
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(SOURCE)}:{node.name}"] = length
    assert long == {}


# What each part of the library may import (besides itself); docs/architecture.md draws it.
LAYERS = {
    "model": set(),
    "figures": {"model"},
    "files": set(),
    "plugins": {"model", "outputs.formatting"},
    "books_cache": {"model", "figures", "files"},
    "snapshot": {"model", "plugins", "files", "books_cache"},
    "books": {"model", "figures", "plugins", "files", "books_cache", "snapshot"},
    "importers": {"model", "books"},
    "outputs": {"model", "figures", "files"},
    "ingest": {"model", "figures", "plugins", "files", "books", "snapshot", "importers",
               "outputs"},
    "fava_ext": {"model", "figures", "plugins", "books", "outputs"},
    "web": {"model", "files", "snapshot"},
    "national": {"model", "figures", "files", "books", "outputs"},
    "frames": {"model", "figures", "books", "outputs", "national"},
}


def _part(module: str) -> str:
    """The part of the library a module belongs to ("" for the package itself)."""
    if module == "mtqgledger.outputs.formatting":
        return "outputs.formatting"
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_each_layer_imports_only_the_layers_below_it() -> None:
    found = {}
    for path in MODULES:
        own = _part(".".join(path.relative_to(SOURCE.parent).with_suffix("").parts))
        if own not in LAYERS:
            continue  # cli: the top, may use everything
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else \
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                other = _part(name) if name.startswith("mtqgledger") else own
                allowed = LAYERS[own] | {own, ""}  # "": the package, its version
                if "outputs" in allowed:
                    allowed.add("outputs.formatting")
                if other not in allowed:
                    found[str(path.relative_to(SOURCE))] = name
    assert found == {}


@pytest.mark.parametrize("module, name", [
    ("mtqgledger.plugins.budget_rules", "budget_rules"),
    ("mtqgledger.fava_ext", "DisbursementPage"),
    ("mtqgledger.importers.decision", "DecisionImporter"),
    ("mtqgledger.importers.treasury", "TreasuryImporter"),
    ("mtqgledger.cli", "main"),
])
def test_the_paths_users_files_name_still_work(module: str, name: str) -> None:
    assert callable(getattr(importlib.import_module(module), name))
