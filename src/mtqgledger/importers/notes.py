"""What an importer tells the user beside the entries: names it read loosely, items it added.

A name accepted by its number with other words, or by close words, is kept as the
document wrote it (the ``written_as`` metadata of its entries) and listed in the
import summary; so is an item of an open level (a "Nội dung NN" of the 2026–2035
programme) that the catalogue did not list, which the import adds to the books'
catalogue with the decision's title.
"""

from __future__ import annotations

from dataclasses import dataclass

from mtqgledger.model.names import Match


@dataclass(frozen=True)
class NameRead:
    """A name read from a document, where, and what it resolved to."""

    where: str  # "QD-12.xlsx, sheet 'PL01', dòng 14"
    match: Match

    def line(self) -> str:
        node = self.match.node
        if self.match.how == "new":
            return (f"{self.where}: thêm vào danh mục của sổ (new catalogue item) "
                    f"{node.ref}: {node.title_vi}")
        return (f"{self.where}: '{self.match.written.strip()}' → {node.ref} "
                f"({node.title_vi}) (chấp nhận gần đúng — accepted as close)")


def noted(match: Match) -> bool:
    """True for the names the summary lists: close words, or a new item."""
    return match.approximate or match.how == "new"
