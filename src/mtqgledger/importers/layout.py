"""The columns of an allocation table: which holds STT, the title, and each source × capital.

Found from the header labels by keywords, accent- and case-insensitive, or
given by a mapping file when a layout defeats the keywords (see
docs/importers.md).
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mtqgledger.importers.workbook import ImportProblem, Sheet, matches
from mtqgledger.model.catalogue import Catalogue, normalise

STT = ("stt", "so tt", "tt", "so thu tu")
TITLE = ("noi dung", "ten du an", "danh muc", "don vi", "ten chuong trinh", "chuong trinh",
         "ten don vi", "nhiem vu", "ten cong trinh")
TOTAL = ("tong so", "tong cong", "tong")
NOTE = ("ghi chu",)
SOURCES = {
    "NSTW": ("ngan sach trung uong", "nstw", "ns tw", "von tw", "trung uong", "von trung uong",
             "nstu"),
    "NSDP": ("ngan sach dia phuong", "nsdp", "ns dp", "von doi ung", "doi ung", "dia phuong",
             "von dia phuong", "ngan sach tinh"),
}
CAPITALS = {
    "DTPT": ("von dau tu phat trien", "von dtpt", "dau tu phat trien", "von dau tu", "dtpt",
             "dau tu", "xdcb"),
    "SN": ("von su nghiep", "kinh phi su nghiep", "su nghiep", "chi thuong xuyen",
           "thuong xuyen", "sn", "kinh phi thuong xuyen"),
}
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


def _first_key(labels: tuple[str, ...], table: dict[str, tuple[str, ...]]) -> str | None:
    for label in labels:
        for key, keywords in table.items():
            if matches(label, keywords):
                return key
    return None


def classify_columns(sheet: Sheet, labels: list[tuple[str, ...]], header_row: int,
                     first_data_row: int, default_source: str | None,
                     default_capital: str | None) -> Layout:
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
            source = _first_key(path, SOURCES)
            capital = _first_key(path, CAPITALS)
            sign = -1 if any(matches(label, DECREASE) for label in path) else 1
            total = any(matches(label, TOTAL) for label in path)
            if source or capital or total or sign < 0 or any(
                    matches(label, INCREASE + AMOUNT) for label in path):
                raw.append((index, source, capital, sign, " / ".join(path)))
    if stt is None or title is None:
        missing = "STT" if stt is None else "Nội dung"
        raise sheet.problem(f"không thấy cột {missing} trong dòng tiêu đề (missing the "
                            f"'{missing}' column)", header_row)
    has_source = any(source for _, source, _, _, _ in raw)
    has_capital = any(capital for _, _, capital, _, _ in raw)
    if not has_source and default_source is None:
        raise sheet.problem("bảng không có cột nguồn vốn (NSTW / NSĐP) và tiêu đề không nói "
                            "nguồn: dùng --source (no source column and none in the title)")
    if not has_capital and default_capital is None:
        raise sheet.problem("bảng không có cột loại vốn (ĐTPT / SN) và tiêu đề không nói "
                            "loại vốn: dùng --capital (no capital-type column)")
    amounts = tuple(
        AmountColumn(index, source or (None if has_source else default_source),
                     capital or (None if has_capital else default_capital), sign, label)
        for index, source, capital, sign, label in raw)
    if not any(column.is_cell for column in amounts):
        raise sheet.problem("không thấy cột số liệu theo nguồn vốn và loại vốn (no amount "
                            "columns by source and capital type)", header_row)
    return Layout(header_row, first_data_row, stt, title, amounts)


def _column_number(value: object, mapping: Path) -> int:
    if isinstance(value, int) and value > 0:
        return value
    text = str(value).strip().upper()
    if text.isalpha():
        number = 0
        for letter in text:
            number = number * 26 + ord(letter) - ord("A") + 1
        return number
    raise ImportProblem(mapping, f"cột '{value}' không hợp lệ (a column is a letter such as "
                                 "'E' or a number)")


def load_mapping(mapping: Path) -> Layout:
    """A layout described by hand, for a table the keywords cannot read."""
    from mtqgledger.importers.cells import unit_factor

    try:
        config = tomllib.loads(mapping.read_text(encoding="utf-8"))["layout"]
        columns = tuple(
            AmountColumn(_column_number(item["column"], mapping), item.get("source"),
                         item.get("capital"), -1 if item.get("sign") == "giam" else 1,
                         f"{item.get('source')} / {item.get('capital')}")
            for item in config["columns"])
        factor = unit_factor(f"Đơn vị: {config['unit']}")
        if factor is None:
            raise ImportProblem(mapping, f"đơn vị '{config['unit']}' không hợp lệ (use đồng, "
                                         "nghìn đồng, triệu đồng or tỷ đồng)")
        return Layout(int(config["header_row"]), int(config["first_data_row"]),
                      _column_number(config["stt_column"], mapping),
                      _column_number(config["title_column"], mapping), columns, factor)
    except (KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as error:
        if isinstance(error, ImportProblem):
            raise
        raise ImportProblem(mapping, f"tệp mô tả bố cục không hợp lệ (bad layout mapping: "
                                     f"{type(error).__name__}: {error})") from None


def default_from_title(lines: Sequence[str], table: dict[str, tuple[str, ...]]) -> str | None:
    """The one source (or capital type) the title lines name, or None if none or several."""
    found = {key for key, keywords in table.items() if any(matches(t, keywords) for t in lines)}
    return found.pop() if len(found) == 1 else None


def program_in_title(lines: Sequence[str], catalogue: Catalogue) -> tuple[str, ...]:
    """The programme a sheet's title names, so rows or columns may leave it out."""
    folded_lines = [normalise(text) for text in lines]
    # Longest title first: the 2026-2035 programme's title contains the older ones'.
    for program in sorted(catalogue.programs.values(), key=lambda p: -len(p.title_vi)):
        title = normalise(program.title_vi)
        bare = title.removeprefix("chuong trinh mtqg ").removeprefix("chuong trinh ")
        if any(title in line or (bare and bare in line) for line in folded_lines):
            return program.path
    return ()
