"""New books: the ``main.beancount`` header and the ``open`` directives of a province's lines."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from pathlib import Path

from mtqgledger.model.accounts import Line
from mtqgledger.model.catalogue import Catalogue, LookupFailed, Node
from mtqgledger.model.text import bilingual
from mtqgledger.model.titles import province_name
from mtqgledger.model.units import REGISTRY_HEADER, UNITS_FILE
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


def merged_away(catalogue: Catalogue, province: str) -> str | None:
    """A warning for books opened under a province merged away on 1/7/2025, or None."""
    known = catalogue.provinces.get(province)
    if known is None or not known.successor:
        return None
    successor = catalogue.provinces.get(known.successor)
    name = successor.title_vi if successor else known.successor
    return bilingual(
        f"{known.title_vi} đã hợp nhất vào {name} (NQ 202/2025/QH15, từ 01/07/2025): sổ mới "
        f"nên mở cho {known.successor} (mtqg init … --province {known.successor}); các báo "
        f"cáo của {known.successor} gồm cả sổ của {province}",
        f"merged away; suggest --province {known.successor}")


def main_file(catalogue: Catalogue, province: str, year: int) -> str:
    title = catalogue.provinces[province].title_vi if province in catalogue.provinces else province
    return f'''; Sổ vốn các chương trình mục tiêu quốc gia – {province_name(catalogue, province)}
; Tạo bởi `mtqg init`. Xem docs/accounts.md về mô hình tài khoản.

option "title" {quote("Sổ vốn CTMTQG – " + title)}
option "operating_currency" "VND"
option "display_precision" "VND:1"

{year}-01-01 commodity VND
  name: "Việt Nam đồng"
  precision: 0

{year}-01-01 custom "fava-option" "locale" "vi_VN"
{year}-01-01 custom "fava-extension" "mtqgledger.fava_ext"

plugin "mtqgledger.plugins.budget_rules" "catalogue={BOOKS_CATALOGUE},{UNITS_FILE}"

include "accounts.beancount"
'''


BOOKS_CATALOGUE = "catalogue.toml"
CATALOGUE_TEXT = """\
# Danh mục riêng của sổ (the books' own catalogue), named on the budget-rule plugin
# line of main.beancount. It adds to the catalogue shipped with mtqgledger; every
# command, the budget rules and the Fava page read it. See README, "The catalogue".
#
# Dạy một cách viết (teach a spelling) that mtqg import refused; the refusal prints
# the lines to copy here:
#
#   [[spellings]]
#   text = "Dự án hỗ trợ phát triển giáo dục nghề nghiệp vùng DTTS"
#   item = "DTTS/DA5/TDA3"
#
# Thêm một chữ viết tắt (an abbreviation your documents use):
#
#   [[abbreviations]]
#   short = "GDNN"
#   long = "giáo dục nghề nghiệp"
#
# Đổi hạn giải ngân của một loại vốn (a deadline rule), e.g. switch the recurrent rule off:
#
#   [[capitals]]
#   code = "SN"
#   enforced = false
"""


def create_books(directory: Path, catalogue: Catalogue, province: str, year: int,
                 programs: Sequence[str]) -> list[Path]:
    """Write ``main.beancount``, ``accounts.beancount`` and the books' catalogue and units
    files; refuse if any exists."""
    if province not in catalogue.provinces:
        raise LookupFailed(bilingual(f"tỉnh '{province}' không có trong danh mục",
                                 "unknown province code; see mtqg provinces"))
    targets = {directory / "main.beancount": main_file(catalogue, province, year),
               directory / BOOKS_CATALOGUE: CATALOGUE_TEXT,
               directory / UNITS_FILE: REGISTRY_HEADER,
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
