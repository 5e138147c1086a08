"""Vietnamese words shown to users: titles of accounts, lines, report rows, kinds and forms.

Computing modules produce codes and numbers; whatever a reader sees as text
comes from here (or from the catalogue, for names of programmes, sources,
capital types and provinces), so a title is written once. Error messages
follow :func:`mtqgledger.model.text.bilingual`: Vietnamese first, English after " — ".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from mtqgledger.model.accounts import Line, Root
from mtqgledger.model.catalogue import Capital, Catalogue
from mtqgledger.model.deadlines import extension_end, parse_rule

REPORT_TITLE = "BÁO CÁO TÌNH HÌNH GIẢI NGÂN VỐN CÁC CHƯƠNG TRÌNH MỤC TIÊU QUỐC GIA"
TOTAL = "Tổng số"
NO_UNIT_TITLE = "Chưa ghi đơn vị (not assigned to a unit)"
NOT_IN_CATALOGUE = "chưa có trong danh mục"
ROOT_TITLES = {
    Root.ALLOCATED: "Kế hoạch vốn được giao",
    Root.APPROPRIATION: "Kế hoạch vốn chưa sử dụng",
    Root.ADVANCE: "Tạm ứng chưa thu hồi",
    Root.DISBURSED: "Đã thanh toán",
}
# Transaction kinds by the name of their posting pattern (mtqgledger.model.postings),
# and the decisions an appendix may carry, by their ``kind`` code.
KIND_TITLES = {
    "advance": "Tạm ứng", "payment": "Thanh toán", "settlement": "Thu hồi tạm ứng",
    "return": "Nộp trả / giảm chi", "return_advance": "Nộp trả tạm ứng",
}
DECISION_TITLES = {"giao": "Giao kế hoạch vốn", "bo-sung": "Bổ sung kế hoạch vốn",
                   "dieu-chinh": "Điều chỉnh kế hoạch vốn"}
ROMAN_QUARTERS = {1: "I", 2: "II", 3: "III", 4: "IV"}


def source_title(catalogue: Catalogue, code: str) -> str:
    source = catalogue.sources.get(code)
    return source.title_vi if source else code


def capital_title(catalogue: Catalogue, code: str) -> str:
    capital = catalogue.capitals.get(code)
    return capital.title_vi if capital else code


def item_title(catalogue: Catalogue, path: Sequence[str]) -> str:
    """A programme item's title, or its code path marked as missing from the catalogue."""
    return catalogue.title(path) or f"{'/'.join(path)} ({NOT_IN_CATALOGUE})"


def line_title(catalogue: Catalogue, line: Line, *, with_item: bool = True) -> str:
    """'Tiểu dự án 2: … – Ngân sách trung ương – Vốn sự nghiệp – KH 2025 [kéo dài sang 2026]'."""
    parts = [source_title(catalogue, line.source), capital_title(catalogue, line.capital),
             f"KH {line.plan_year}"]
    if with_item:
        parts.insert(0, catalogue.title(line.item_path) or "/".join(line.item_path))
    text = " – ".join(parts)
    return text + (f" kéo dài sang {line.extended_into}" if line.extended_into else "")


def plan_year_title(year: int, budget_year: int | None, cited: Sequence[str] = ()) -> str:
    """The plan-year breakdown row of a report for ``budget_year``; ``cited``: the
    decisions that extended the money ("NQ 257/2025/QH15")."""
    if budget_year is None or year == budget_year:
        return f"Kế hoạch năm {year}"
    by = f" ({', '.join(cited)})" if cited else ""
    return f"Vốn năm {year} kéo dài sang {budget_year}{by}"


def budget_year_heading(year: int) -> str:
    return f"Kế hoạch năm {year} (gồm vốn các năm trước kéo dài)"


def quarter_title(year: int, number: int) -> str:
    return f"QUÝ {ROMAN_QUARTERS[number]} NĂM {year}"


def _committee(catalogue: Catalogue, province: str) -> tuple[str, str]:
    """('tỉnh' or 'thành phố', the name without it), as the province is."""
    known = catalogue.provinces.get(province)
    name = known.title_vi if known else province
    name = name.removeprefix("Thành phố ").removeprefix("Tỉnh ")
    return ("thành phố" if known is not None and known.city else "tỉnh"), name


# The body sending a report of many provinces (a ministry, the programme's owner), to fill in.
NATIONAL_SENDER = "……………………………"


def report_number(committee: str) -> str:
    """'Số: ……/BC-UBND' under a province's committee; 'Số: ……/BC-……' under another body."""
    return "Số: ……/BC-UBND" if committee.startswith("UBND") else "Số: ……/BC-……"


def committee_title(catalogue: Catalogue, province: str | None) -> str:
    """'UBND TỈNH LAI CHÂU', 'UBND THÀNH PHỐ HUẾ'; a blank to fill in when the report
    spans several provinces."""
    if province is None:
        return "UBND TỈNH ……………"
    kind, name = _committee(catalogue, province)
    return f"UBND {kind.upper()} {name.upper()}"


def province_row_title(catalogue: Catalogue, province: str) -> str:
    """A report's province row: 'Lai Châu'; 'Hà Giang (cũ)' for a province merged away."""
    known = catalogue.provinces.get(province)
    title = catalogue.province_title(province)
    return f"{title} (cũ)" if known is not None and known.successor else title


def province_name(catalogue: Catalogue, province: str) -> str:
    """'tỉnh Lai Châu', 'thành phố Huế'."""
    kind, name = _committee(catalogue, province)
    return f"{kind} {name}"


def committee_name(catalogue: Catalogue, province: str) -> str:
    """'UBND tỉnh Lai Châu', 'UBND thành phố Huế': the payee of the province's decisions."""
    return f"UBND {province_name(catalogue, province)}"


def lower_first(text: str) -> str:
    """'Vốn ĐTPT' → 'vốn ĐTPT', inside a sentence."""
    return text[:1].lower() + text[1:]


def deadline_legend(capitals: Iterable[Capital]) -> str:
    """'vốn ĐTPT năm kế hoạch: 31/01 năm sau; vốn khác: 31/12', from the capitals' rules."""
    year_end = extension_end(2000)
    parts = []
    for capital in capitals:
        rule = parse_rule(capital.spend_until)
        if rule.for_year(2000) == year_end:
            continue
        when = f"{rule.day:02d}/{rule.month:02d}" + {0: "", 1: " năm sau"}.get(
            rule.years_after, f" năm N+{rule.years_after}")
        parts.append(f"{lower_first(capital.heading)} năm kế hoạch: {when}")
    parts.append(f"vốn khác: {year_end:%d/%m}")
    return "; ".join(parts)


def unit_title(name: str) -> str:
    """A spending unit's row title: its name, or what stands for money no unit was named for."""
    return name or NO_UNIT_TITLE
