"""The columns of an allocation table: which holds STT, the title, and each source × capital.

Found from the header labels by keywords, accent- and case-insensitive (the
sources' and capital types' words come from the catalogue), or given by a
mapping file when a layout defeats the keywords (see docs/importers.md).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from mtqgledger.importers.cells import unit_factor
from mtqgledger.importers.money import (
    Words,
    all_words,
    capital_words,
    first_named,
    named_in_title,
    source_words,
)
from mtqgledger.importers.workbook import (
    ImportProblem,
    Sheet,
    find_header_row,
    header_labels,
    is_numbering_row,
    title_lines,
)
from mtqgledger.model.catalogue import Catalogue
from mtqgledger.model.text import bilingual, matches

STT = ("stt", "so tt", "tt", "so thu tu")
TITLE = ("noi dung", "ten du an", "danh muc", "don vi", "ten chuong trinh", "chuong trinh",
         "ten don vi", "nhiem vu", "ten cong trinh")
TOTAL = ("tong so", "tong cong", "tong")
NOTE = ("ghi chu",)
# A plain amount column, in a table of one source and one capital type.
AMOUNT = ("so tien", "so von", "kinh phi", "du toan", "ke hoach von", "muc von", "bo sung")
DECREASE = ("giam", "dieu chinh giam")
INCREASE = ("tang", "dieu chinh tang")
# Informational columns of adjustment tables, not amounts to book.
IGNORED = ("da giao", "truoc dieu chinh", "sau dieu chinh", "luy ke", "ke hoach giao",
           "da phan bo")


@dataclass(frozen=True)
class AmountColumn:
    """An amount column; source / capital None where the column adds up over them."""

    index: int
    source: str | None
    capital: str | None
    sign: int
    label: str

    @property
    def is_cell(self) -> bool:
        """True for a column of one source × capital: the figures that are booked."""
        return self.source is not None and self.capital is not None

    def covers(self, other: AmountColumn) -> bool:
        """True if this (total) column adds up the cell column ``other``."""
        return (self.sign == other.sign and self.source in (None, other.source)
                and self.capital in (None, other.capital))


@dataclass(frozen=True)
class Layout:
    header_row: int
    first_data_row: int
    stt_column: int
    title_column: int
    amounts: tuple[AmountColumn, ...]
    unit_factor: int | None = None  # from a mapping file; else read from the unit line

    @property
    def cells(self) -> tuple[AmountColumn, ...]:
        return tuple(column for column in self.amounts if column.is_cell)

    @property
    def totals(self) -> tuple[AmountColumn, ...]:
        return tuple(column for column in self.amounts if not column.is_cell)


def classify_columns(sheet: Sheet, labels: list[tuple[str, ...]], header_row: int,
                     first_data_row: int, words: tuple[Words, Words],
                     default_source: str | None, default_capital: str | None) -> Layout:
    """Turn per-column header labels into a layout, filling absent dimensions by default."""
    stt = title = None
    raw: list[tuple[int, str | None, str | None, int, str]] = []
    for index, path in enumerate(labels, start=1):
        if not path:
            continue
        top = path[0]
        if stt is None and matches(top, STT):
            stt = index
        elif title is None and matches(top, TITLE) and not matches(top, TOTAL):
            title = index
        elif any(matches(label, NOTE + IGNORED) for label in path):
            continue
        else:
            source = first_named(path, words[0])
            capital = first_named(path, words[1])
            sign = -1 if any(matches(label, DECREASE) for label in path) else 1
            total = any(matches(label, TOTAL) for label in path)
            if source or capital or total or sign < 0 or any(
                    matches(label, INCREASE + AMOUNT) for label in path):
                raw.append((index, source, capital, sign, " / ".join(path)))
    if stt is None or title is None:
        missing = "STT" if stt is None else "Nội dung"
        raise sheet.problem(bilingual(f"không thấy cột {missing} trong dòng tiêu đề",
                                      f"missing the '{missing}' column"), header_row)
    has_source = any(source for _, source, _, _, _ in raw)
    has_capital = any(capital for _, _, capital, _, _ in raw)
    if not has_source and default_source is None:
        raise sheet.problem(bilingual("bảng không có cột nguồn vốn (NSTW / NSĐP) và tiêu đề "
                                      "không nói nguồn: dùng --source",
                                      "no source column and none in the title"))
    if not has_capital and default_capital is None:
        raise sheet.problem(bilingual("bảng không có cột loại vốn (ĐTPT / SN) và tiêu đề "
                                      "không nói loại vốn: dùng --capital",
                                      "no capital-type column and none in the title"))
    amounts = tuple(
        AmountColumn(index, source or (None if has_source else default_source),
                     capital or (None if has_capital else default_capital), sign, label)
        for index, source, capital, sign, label in raw)
    if not any(column.is_cell for column in amounts):
        raise sheet.problem(bilingual("không thấy cột số liệu theo nguồn vốn và loại vốn",
                                      "no amount columns by source and capital type"),
                            header_row)
    return Layout(header_row, first_data_row, stt, title, amounts)


def _column_number(value: object, mapping: Path) -> int:
    from openpyxl.utils import column_index_from_string  # only for mapping files

    if isinstance(value, int) and value > 0:
        return value
    try:
        return column_index_from_string(str(value).strip().upper())
    except ValueError:
        raise ImportProblem(mapping, bilingual(f"cột '{value}' không hợp lệ",
                                               "a column is a letter such as 'E' or a number")
                            ) from None


def load_mapping(mapping: Path) -> Layout:
    """A layout described by hand, for a table the keywords cannot read."""
    try:
        config = tomllib.loads(mapping.read_text(encoding="utf-8"))["layout"]
        columns = tuple(
            AmountColumn(_column_number(item["column"], mapping), item.get("source"),
                         item.get("capital"), -1 if item.get("sign") == "giam" else 1,
                         f"{item.get('source')} / {item.get('capital')}")
            for item in config["columns"])
        factor = unit_factor(f"Đơn vị: {config['unit']}")
        if factor is None:
            raise ImportProblem(mapping, bilingual(
                f"đơn vị '{config['unit']}' không hợp lệ",
                "use đồng, nghìn đồng, triệu đồng or tỷ đồng"))
        return Layout(int(config["header_row"]), int(config["first_data_row"]),
                      _column_number(config["stt_column"], mapping),
                      _column_number(config["title_column"], mapping), columns, factor)
    except (KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as error:
        if isinstance(error, ImportProblem):
            raise
        raise ImportProblem(mapping, bilingual("tệp mô tả bố cục không hợp lệ",
                                               f"bad layout mapping: {type(error).__name__}: "
                                               f"{error}")) from None


def find_layout(sheet: Sheet, catalogue: Catalogue, *, source: str | None = None,
                capital: str | None = None, mapping: Path | None = None) -> Layout | None:
    """The sheet's table layout, or None if the sheet is not an appendix."""
    if mapping is not None:
        return load_mapping(mapping)
    header = find_header_row(sheet, [STT, TITLE])
    if header is None:
        return None
    # The header's labels span down to the last row before the data: a numbering row
    # (which ends the header without being labels) or a row whose STT cell or title
    # reads like data.
    words = (source_words(catalogue), capital_words(catalogue))
    money = all_words(*words)
    last = labels_end = header
    for row in range(header + 1, min(header + 4, sheet.height) + 1):
        texts = sheet.row_texts(row)
        if is_numbering_row(texts):
            last = row
            break
        if any(texts[:2]) and not any(matches(t, money) for t in texts if t):
            break
        last = labels_end = row
    labels = header_labels(sheet, header, labels_end)
    above = title_lines(sheet, header)
    return classify_columns(sheet, labels, header, last + 1, words,
                            source or named_in_title(above, words[0]),
                            capital or named_in_title(above, words[1]))
