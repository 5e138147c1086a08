"""Vietnamese titles of sources, capital types and lines, from the catalogue."""

from __future__ import annotations

from mtqgledger.model.accounts import Line
from mtqgledger.model.catalogue import Catalogue


def source_title(catalogue: Catalogue, code: str) -> str:
    source = catalogue.sources.get(code)
    return source.title_vi if source else code


def capital_title(catalogue: Catalogue, code: str) -> str:
    titles = catalogue.capitals.get(code)
    return titles[0] if titles else code


def line_title(catalogue: Catalogue, line: Line, *, with_item: bool = True) -> str:
    """'Tiểu dự án 2: … – Ngân sách trung ương – Vốn sự nghiệp – KH 2025 [kéo dài sang 2026]'."""
    parts = [source_title(catalogue, line.source), capital_title(catalogue, line.capital),
             f"KH {line.plan_year}"]
    if with_item:
        parts.insert(0, catalogue.title(line.item_path) or "/".join(line.item_path))
    text = " – ".join(parts)
    return text + (f" kéo dài sang {line.extended_into}" if line.extended_into else "")
