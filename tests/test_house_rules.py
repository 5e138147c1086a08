"""The house rules of docs/architecture.md that a machine can check.

No module of the library grows past about 400 lines and no function past about
60: beyond that a second job is hiding inside. The paths users' files name keep
working.
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


@pytest.mark.parametrize("module, name", [
    ("mtqgledger.plugins.budget_rules", "budget_rules"),
    ("mtqgledger.fava_ext", "DisbursementPage"),
    ("mtqgledger.importers.decision", "DecisionImporter"),
    ("mtqgledger.importers.treasury", "TreasuryImporter"),
    ("mtqgledger.cli", "main"),
])
def test_the_paths_users_files_name_still_work(module: str, name: str) -> None:
    assert callable(getattr(importlib.import_module(module), name))
