"""New books: the ``main.beancount`` header and the ``open`` directives of a province's lines."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from pathlib import Path

from mtqgledger.model.accounts import Line
from mtqgledger.model.catalogue import Catalogue, LookupFailed, Node
from mtqgledger.model.text import bilingual
from mtqgledger.outputs.beancount_text import format_entries, open_entries, quote


class BooksExist(FileExistsError):
    """``mtqg init`` never overwrites books."""


def leaf_items(catalogue: Catalogue, program: str) -> list[Node]:
    """The items money is allocated to: sub-projects, or projects that have none."""
    root = catalogue.node([program])
    if root is None:
        raise LookupFailed(bilingual(f"chương trình '{program}' không có trong danh mục",
                                 f"known: {', '.join(catalogue.programs)}"))
    return [node for node in catalogue.walk()
            if node.path[0] == program and len(node.path) > 1 and not node.children]


def lines_for(catalogue: Catalogue, province: str, programs: Sequence[str], year: int,
              sources: Iterable[str]) -> list[tuple[Line, Node]]:
    """Every line of the given programmes for one province and plan year."""
    result = []
    for program in programs:
        for node in leaf_items(catalogue, program):
            for source in sources:
                for capital in sorted(node.capitals):
                    result.append((Line(province, node.path, source, capital, year), node))
    return result


def open_directives(catalogue: Catalogue, province: str, programs: Sequence[str], year: int,
                    sources: Iterable[str] | None = None,
                    opened: datetime.date | None = None) -> str:
    """``open`` directives, with Vietnamese ``name:`` titles, for all four roots of each line."""
    sources = sorted(sources or catalogue.default_sources())
    day = opened or datetime.date(year, 1, 1)
    return format_entries(entry for line, _ in lines_for(catalogue, province, programs, year,
                                                          sources)
                          for entry in open_entries(line, catalogue, day))


def main_file(catalogue: Catalogue, province: str, year: int) -> str:
    title = catalogue.provinces[province].title_vi if province in catalogue.provinces else province
    return f'''; Sổ vốn các chương trình mục tiêu quốc gia – tỉnh {title}
; Tạo bởi `mtqg init`. Xem docs/accounts.md về mô hình tài khoản.

option "title" {quote("Sổ vốn CTMTQG – " + title)}
option "operating_currency" "VND"
option "display_precision" "VND:1"

{year}-01-01 commodity VND
  name: "Việt Nam đồng"
  precision: 0

{year}-01-01 custom "fava-option" "locale" "vi_VN"
{year}-01-01 custom "fava-extension" "mtqgledger.fava_ext"

plugin "mtqgledger.plugins.budget_rules"

include "accounts.beancount"
'''


def create_books(directory: Path, catalogue: Catalogue, province: str, year: int,
                 programs: Sequence[str]) -> list[Path]:
    """Write ``main.beancount`` and ``accounts.beancount``; refuse if either exists."""
    if province not in catalogue.provinces:
        raise LookupFailed(bilingual(f"tỉnh '{province}' không có trong danh mục",
                                 "unknown province code; see mtqg provinces"))
    targets = {directory / "main.beancount": main_file(catalogue, province, year),
               directory / "accounts.beancount":
                   "; Tài khoản các dòng vốn (open directives)\n\n"
                   + open_directives(catalogue, province, programs, year)}
    existing = [path for path in targets if path.exists()]
    if existing:
        raise BooksExist(bilingual(f"{existing[0]}: đã có sổ, không ghi đè",
                                   "books exist; not overwritten"))
    directory.mkdir(parents=True, exist_ok=True)
    for path, text in targets.items():
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(text)
    return list(targets)
