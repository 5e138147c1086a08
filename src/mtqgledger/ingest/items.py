"""The books' own catalogue of items met in decisions: ``imports/catalogue.toml``.

An open level's items ("Nội dung 03" of a 2026–2035 nội dung thành phần) are not
listed in the bundled catalogue; ``mtqg import`` keeps each one a document names,
by number, with the document's title. They go to a catalogue file beside the
imported entries, written by the import as a whole each time (never edited by
hand), and named on the books' budget-rule plugin line so that every command,
the budget rules and the Fava page read them.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path

from mtqgledger.model.catalogue import Node
from mtqgledger.model.text import bilingual
from mtqgledger.outputs.beancount_text import quote

ITEMS_FILE = "catalogue.toml"  # in the imports folder
_CHILD_KEYS = ("programs", "projects", "subprojects", "contents")
_PLUGIN = re.compile(r'^(plugin\s+"mtqgledger\.plugins\.budget_rules")(?:\s+"([^"]*)")?[ \t]*$',
                     re.MULTILINE)

Tree = dict[str, dict]  # code -> {"title": str, "children": Tree}


def _tree_of(document: dict) -> Tree:
    def read(entries: list[dict], depth: int) -> Tree:
        key = _CHILD_KEYS[depth + 1] if depth + 1 < len(_CHILD_KEYS) else None
        return {entry["code"]: {"title": entry.get("title_vi", ""),
                                "note": entry.get("note", ""),
                                "children": read(entry.get(key, []), depth + 1) if key else {}}
                for entry in entries}

    return read(document.get("programs", []), 0)


def items_text(existing: str, nodes: Iterable[Node], note: str) -> str:
    """The file's text with ``nodes`` added to the items it already holds."""
    tree = _tree_of(tomllib.loads(existing)) if existing.strip() else {}
    for node in nodes:
        branch = tree
        for depth, code in enumerate(node.path):
            leaf = depth == len(node.path) - 1
            entry = branch.setdefault(code, {"title": node.title_vi if leaf else "",
                                             "note": note if leaf else "", "children": {}})
            branch = entry["children"]
    lines = ["# Tạo bởi mtqg import: các mục danh mục gặp trong quyết định (items met in",
             "# decisions). Không sửa tay; sửa tên trong tệp danh mục của sổ.", ""]
    _write(tree, 0, lines)
    return "\n".join(lines) + "\n"


def _write(tree: Tree, depth: int, lines: list[str]) -> None:
    table = ".".join(_CHILD_KEYS[:depth + 1])
    indent = "  " * depth
    for code, entry in tree.items():
        lines.append(f"{indent}[[{table}]]")
        lines.append(f'{indent}code = "{code}"')
        if entry["title"]:
            lines.append(f"{indent}title_vi = {quote(entry['title'])}")
        if entry["note"]:
            lines.append(f"{indent}note = {quote(entry['note'])}")
        lines.append("")
        _write(entry["children"], depth + 1, lines)


def naming_the_items(main_text: str, relative: str) -> str:
    """The main file's text with the budget-rule plugin line naming the items file."""
    match = _PLUGIN.search(main_text)
    if match is None:
        raise ValueError(bilingual(
            "sổ chính không có dòng plugin \"mtqgledger.plugins.budget_rules\"",
            "the main file has no budget-rule plugin line to name the imported items on"))
    config = match.group(2) or ""
    parts = [part.strip() for part in config.split(";") if part.strip()]
    for index, part in enumerate(parts):
        key, _, value = part.partition("=")
        if key.strip() == "catalogue":
            files = [name.strip() for name in value.split(",") if name.strip()]
            if relative in files:
                return main_text
            parts[index] = f"catalogue={','.join([*files, relative])}"
            break
    else:
        parts.append(f"catalogue={relative}")
    line = f'{match.group(1)} "{"; ".join(parts)}"'
    return main_text[:match.start()] + line + main_text[match.end():]


def items_path(ledger: Path, folder: str) -> Path:
    return ledger.parent / folder / ITEMS_FILE


def where_to_teach(ledger: Path, named: Iterable[str], folder: str) -> str:
    """Which file a refused spelling is taught in: the books' own catalogue file, or how to
    make one."""
    imported = items_path(ledger, folder).resolve()
    own = [name for name in named if Path(name).resolve() != imported]
    if own:
        return bilingual(f"Tệp danh mục của sổ: {own[0]}", "the books' catalogue file")
    return bilingual(
        f"Sổ chưa có tệp danh mục: tạo {ledger.parent / 'catalogue.toml'} và ghi "
        '"catalogue=catalogue.toml" trên dòng plugin "mtqgledger.plugins.budget_rules" '
        f"của {ledger.name}", "the books name no catalogue file yet; make one")
