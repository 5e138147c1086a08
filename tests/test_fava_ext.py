"""The Fava page "Giải ngân MTQG", through Fava's own application and Flask's test client."""

from __future__ import annotations

import datetime
import html
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from booktext import HEADER, TDA1_SN, TDA2_SN, allocate, opens, pay
from fava.application import create_app
from openpyxl import load_workbook

from mtqgledger import books as books_module
from mtqgledger.fava_ext import tables
from mtqgledger.fava_ext.rows import row_id
from mtqgledger.figures.disbursement import disbursement_report
from mtqgledger.figures.movements import movements
from mtqgledger.figures.pace import pace_of
from mtqgledger.model.catalogue_files import load_catalogue
from mtqgledger.outputs.formatting import format_amount, format_ratio
from mtqgledger.web.serve import use_snapshots

SAMPLE = Path(__file__).resolve().parents[1] / "ledgers" / "main.beancount"
EXTENSION = 'custom "fava-extension" "mtqgledger.fava_ext"'
DAY = "as_of=14/11/2025&year=2025"
TDA1 = "r-subproject-LaiChau-GNBV-DA4-TDA1"
TDA2 = "r-subproject-LaiChau-GNBV-DA4-TDA2"
TDA3 = "r-subproject-LaiChau-GNBV-DA4-TDA3"


class Fava:
    """A Fava application on one ledger, and the page's URL."""

    def __init__(self, ledger: Path) -> None:
        self.app = create_app([str(ledger)], load=True, read_only=True)
        self.client = self.app.test_client()
        self.slug = self.app.config["LEDGERS"].first_slug()
        self.ledger = self.app.config["LEDGERS"][self.slug]
        self.base = f"/{quote(self.slug)}/extension/DisbursementPage/"

    def get(self, url: str, status: int = 200):
        response = self.client.get(url)
        assert response.status_code == status, response.get_data(as_text=True)[:2000]
        return response

    def page(self, query: str = DAY) -> str:
        return self.get(f"{self.base}?{query}").get_data(as_text=True)


@pytest.fixture(scope="module")
def sample() -> Fava:
    return Fava(SAMPLE)


def row(page: str, row_id: str) -> str:
    found = re.search(rf'<tr id="{re.escape(row_id)}".*?</tr>', page, re.DOTALL)
    assert found, f"no row {row_id}"
    return found.group(0)


def cells(row_html: str) -> list[str]:
    texts = re.findall(r'<td class="mtqg-num[^"]*">(.*?)</td>', row_html)
    return [html.unescape(text) for text in texts]


def ratio(row_html: str) -> str:
    return html.unescape(re.search(r'class="mtqg-ratio-text">(.*?)</span>', row_html).group(1))


def links(row_html: str) -> list[str]:
    return [html.unescape(href) for href in re.findall(r'href="([^"]*)"', row_html)]


def test_page_shows_the_published_lai_chau_ratios(sample: Fava) -> None:
    page = sample.page()
    assert "Giải ngân MTQG" in page
    assert (ratio(row(page, TDA1)), ratio(row(page, TDA2)), ratio(row(page, TDA3))) == \
        ("54,1 %", "6,9 %", "68,4 %")
    # plan, payments, advances, disbursed, remaining, as format_amount prints them
    assert cells(row(page, TDA1)) == ["177.215.000.000", "90.400.000.000", "5.500.000.000",
                                     "95.900.000.000", "81.315.000.000"]
    assert "Tiểu dự án 1: Phát triển giáo dục nghề nghiệp vùng nghèo, vùng khó khăn" in \
        row(page, TDA1)
    assert 'value="14/11/2025"' in page and "Số liệu đến hết ngày 14/11/2025" in page


def test_every_figure_is_the_reports(sample: Fava) -> None:
    """Each node row prints the row of disbursement_report with the same key, unchanged:
    the items, and the spending units of the items the reader opened (TDA1 here)."""
    page = sample.page(f"{DAY}&units=LaiChau.GNBV.DA4.TDA1")
    catalogue = load_catalogue()
    report = disbursement_report(movements(sample.ledger.all_entries,
                                           catalogue.unit_registry)[0], catalogue,
                                 as_of=datetime.date(2025, 11, 14), budget_year=2025, by="unit")
    nodes = [item for item in report.rows if not item.is_split
             and (item.level != "unit" or item.item_path == ("GNBV", "DA4", "TDA1"))]
    assert len(nodes) == page.count('class="node ')
    assert any(item.level == "unit" for item in nodes)
    for item in nodes:
        shown = row(page, row_id(item))
        assert cells(shown) == [format_amount(value) for value in (
            item.plan, item.payments, item.advances, item.disbursed, item.remaining)]
        assert ratio(shown) == format_ratio(item.ratio)


def test_money_extended_into_the_year_is_shown_apart_under_the_total(sample: Fava) -> None:
    """The sample books extend 2024 money into 2025 by 245/QĐ-UBND: the total is followed,
    always shown, by the year's own plan and the extended money, titled with the decision."""
    page = sample.page()
    extended = row(page, "r-total-plan_year-2024")
    own = row(page, "r-total-plan_year-2025")
    assert 'class="part level-total' in extended and " hidden" not in extended.split(">")[0]
    assert "Vốn năm 2024 kéo dài sang 2025 (245/QĐ-UBND)" in extended
    assert "Kế hoạch năm 2025" in own
    report = disbursement_report(movements(sample.ledger.all_entries)[0], load_catalogue(),
                                 as_of=datetime.date(2025, 11, 14), budget_year=2025)
    parts = [item for item in report.rows if item.level == "total" and item.plan_year]
    assert [cells(row(page, f"r-total-plan_year-{item.plan_year}"))[0] for item in parts] == \
        [format_amount(item.plan) for item in parts]
    assert sum(item.plan for item in parts) == report.total.plan


def test_unit_switch(sample: Fava) -> None:
    assert cells(row(sample.page(DAY + "&unit=trieu"), TDA1))[0] == "177.215,000"
    assert cells(row(sample.page(DAY + "&unit=ty"), TDA1))[0] == "177,215"
    page = sample.page(DAY + "&unit=ty")
    assert "Đơn vị: tỷ đồng" in page
    current = re.findall(r'class="mtqg-chip current" href="[^"]*">([^<]*)<', page)
    assert "tỷ đồng" in current


def test_time_filter_changes_the_figures(sample: Fava) -> None:
    """With time=…, the page reports Fava's filtered entries, as Fava's own reports do."""
    time = "2025-01-01 - 2025-06-30"
    page = sample.page(f"{DAY}&time={quote(time)}")
    filtered = sample.ledger.get_filtered(time=time).entries
    report = disbursement_report(movements(filtered)[0], load_catalogue(),
                                 as_of=datetime.date(2025, 11, 14), budget_year=2025)
    expected = report.find(province="LaiChau", program="GNBV", project="DA4", subproject="TDA1")
    assert ratio(row(page, TDA1)) == format_ratio(expected.ratio) != "54,1 %"
    assert cells(row(page, TDA1))[3] == format_amount(expected.disbursed)
    # the filter is kept in the page's own links and form
    assert all("time=" in link for link in links(row(page, TDA1)))
    assert f'name="time" value="{time}"' in page


def test_metadata_and_account_filters_change_the_figures(sample: Fava) -> None:
    allocations_only = sample.page(f"{DAY}&filter={quote('kind:giao')}")
    assert ratio(row(allocations_only, TDA1)) == "0,0 %"
    assert cells(row(allocations_only, TDA1))[0] == "172.300.000.000"  # without the top-up
    # Fava keeps whole transactions touching TDA2: TDA1 only gets its share of the one
    # allocation decision that also allocated TDA2 (35/QĐ-UBND), and none of its spending.
    tda2_only = sample.page(f"{DAY}&account=TDA2")
    assert ratio(row(tda2_only, TDA2)) == "6,9 %"
    assert cells(row(tda2_only, TDA1))[0] == "129.460.000.000"
    assert cells(row(tda2_only, TDA1))[3] == "0"
    assert "r-subproject-LaiChau-DTTS-DA5-TDA3" not in tda2_only


def test_plan_year_selector(sample: Fava) -> None:
    page = sample.page("as_of=31/01/2025&year=2024")
    assert "Kế hoạch năm 2024" in page
    assert re.findall(r'data-year="([^"]*)"', page) == ["2024", "2025", "2026", "Tất cả"]
    current = re.findall(r'class="mtqg-chip current" href="[^"]*" data-year="([^"]*)"', page)
    assert current == ["2024"]
    project = row(page, "r-subproject-LaiChau-GNBV-DA1-TDA1")
    assert ratio(project) != "–"
    assert TDA1 not in page  # DA4 has no 2024 money
    every_year = sample.page("as_of=14/11/2025&year=all")
    assert "Tất cả các năm kế hoạch" in every_year
    assert TDA1 in every_year and "r-subproject-LaiChau-GNBV-DA1-TDA1" in every_year


def test_year_links_keep_the_other_settings(sample: Fava) -> None:
    page = sample.page(DAY + "&unit=trieu")
    href = html.unescape(re.search(r'href="([^"]*)" data-year="2024"', page).group(1))
    query = parse_qs(urlsplit(href).query)
    assert query == {"year": ["2024"], "as_of": ["14/11/2025"], "unit": ["trieu"]}


def test_bad_settings_are_reported_not_fatal(sample: Fava) -> None:
    page = sample.page("as_of=31/02/2025&year=20x5")
    assert "ngày không hợp lệ" in page and "năm kế hoạch không hợp lệ" in page
    assert TDA1 in page


def test_rows_link_to_fava_account_page_and_journal(sample: Fava) -> None:
    tda1 = links(row(sample.page(), TDA1))
    account = next(link for link in tda1 if "/account/" in link)
    assert urlsplit(account).path == \
        f"/{quote(sample.slug)}/account/Income:Allocated:LaiChau:GNBV:DA4:TDA1/"
    sample.get(account)
    journal = next(link for link in tda1 if "/journal/" in link)
    assert urlsplit(journal).path == f"/{quote(sample.slug)}/journal/"
    sample.get(journal)
    pattern = parse_qs(urlsplit(journal).query)["account"][0]
    # The journal filter is exactly the four accounts of each 2025 TDA1 line.
    matched = {name for name in sample.ledger.accounts if re.search(pattern, name, re.I)}
    expected = {name for name in sample.ledger.accounts
                if ":LaiChau:GNBV:DA4:TDA1:" in name and name.endswith(":Y2025")}
    assert matched == expected and len(expected) == 4 * 3  # NSTW SN/DTPT, NSDP SN


def test_split_rows_link_to_the_journal_of_their_lines(sample: Fava) -> None:
    page = sample.page()
    split = row(page, f"{TDA1}-capital-DTPT")
    assert 'class="split' in split and " hidden>" in split
    pattern = parse_qs(urlsplit(links(split)[-1]).query)["account"][0]
    matched = {name for name in sample.ledger.accounts if re.search(pattern, name, re.I)}
    assert matched == {f"{root}:LaiChau:GNBV:DA4:TDA1:NSTW:DTPT:Y2025" for root in
                       ("Income:Allocated", "Assets:Appropriation", "Assets:Advance",
                        "Expenses:Disbursed")}


def test_lines_behind_target_are_highlighted_with_their_pace(sample: Fava) -> None:
    page = sample.page()
    report = disbursement_report(movements(sample.ledger.all_entries)[0], load_catalogue(),
                                 as_of=datetime.date(2025, 11, 14), budget_year=2025)
    tda2 = report.find(province="LaiChau", program="GNBV", project="DA4", subproject="TDA2")
    pace = pace_of(report, tda2, datetime.date(2025, 11, 14))
    assert pace.behind
    shown = row(page, TDA2)
    assert 'class="node level-subproject behind"' in shown
    assert f"dự kiến {format_ratio(pace.projected_ratio)}" in shown
    assert format_amount(pace.monthly_needed) in html.unescape(shown)
    assert "Chậm tiến độ" in page and "GNBV·DA4·TDA2" in page


def _books(tmp_path: Path, *parts: str) -> Path:
    ledger = tmp_path / "main.beancount"
    ledger.write_text(f'option "title" "Sổ thử"\n{HEADER}2024-01-01 {EXTENSION}\n'
                      + "\n".join(parts), encoding="utf-8")
    return ledger


def test_done_and_behind_lines(tmp_path: Path) -> None:
    fava = Fava(_books(tmp_path, opens(TDA1_SN, TDA2_SN),
                       allocate("2025-01-10", TDA1_SN, 1_000_000_000),
                       allocate("2025-01-10", TDA2_SN, 1_000_000_000),
                       pay("2025-03-01", TDA1_SN, 980_000_000),
                       pay("2025-03-01", TDA2_SN, 50_000_000)))
    page = fava.page("as_of=30/06/2025")
    assert 'class="node level-subproject done"' in row(page, TDA1)
    assert 'class="node level-subproject behind"' in row(page, TDA2)
    assert (ratio(row(page, TDA1)), ratio(row(page, TDA2))) == ("98,0 %", "5,0 %")


def test_budget_rule_breach_is_listed_with_its_source(tmp_path: Path) -> None:
    ledger = _books(tmp_path, opens(TDA2_SN), allocate("2025-01-10", TDA2_SN, 100_000_000),
                    pay("2025-03-01", TDA2_SN, 150_000_000))
    fava = Fava(ledger)
    page = fava.page("as_of=31/03/2025")
    assert "Vi phạm quy tắc ngân sách (1)" in page
    item = re.search(r'<ul class="mtqg-breaches">(.*?)</ul>', page, re.DOTALL).group(1)
    error = next(e for e in fava.ledger.load_errors if "Appropriation" in e.message)
    assert html.escape(error.message, quote=False) in item
    href = html.unescape(re.search(r'href="([^"]*)"', item).group(1))
    query = parse_qs(urlsplit(href).query)
    assert urlsplit(href).path.endswith("/editor/")
    assert query["file_path"] == [str(ledger)]
    assert query["line"] == [str(error.source["lineno"])]
    assert f"main.beancount:{error.source['lineno']}" in item


def _units_books(tmp_path: Path, options: str = "", *parts: str) -> Path:
    """TDA2 divided between two units (1 tỷ each) that paid 10 % and 60 % by 30/06/2025."""
    mt, so = "UBND huyện Mường Tè", "Sở Nội vụ"
    ledger = _books(tmp_path, opens(TDA2_SN),
                    allocate("2025-01-10", TDA2_SN, 1_000_000_000, unit=mt),
                    allocate("2025-01-10", TDA2_SN, 1_000_000_000, unit=so),
                    pay("2025-03-01", TDA2_SN, 100_000_000, unit=mt),
                    pay("2025-03-01", TDA2_SN, 600_000_000, unit=so), *parts)
    if options:
        text = ledger.read_text(encoding="utf-8").replace(
            'plugin "mtqgledger.plugins.budget_rules"',
            f'plugin "mtqgledger.plugins.budget_rules" "{options}"')
        ledger.write_text(text, encoding="utf-8")
    return ledger


def test_units_behind_are_listed_worst_first_and_drilled_to(tmp_path: Path) -> None:
    fava = Fava(_units_books(tmp_path))
    page = fava.page("as_of=30/06/2025")
    block = re.search(r'<div class="mtqg-behind mtqg-units-behind">(.*?)</div>', page,
                      re.DOTALL).group(1)
    # Half the year gone: Mường Tè at 10 % is 39,6 points behind; the Sở, at 60 %, is not.
    assert "UBND huyện Mường Tè" in block and "chậm 39,6 %" in block
    assert "Sở Nội vụ" not in block
    # Units are sent for the items opened only: none yet, and TDA2 links to its own.
    assert "level-unit" not in page
    link = html.unescape(re.search(r'class="mtqg-units-link" href="([^"]+)"',
                                   row(page, TDA2)).group(1))
    assert "units=LaiChau.GNBV.DA4.TDA2" in unquote(link)
    opened = fava.get(link.split("#")[0]).get_data(as_text=True)
    units = re.findall(r'<tr id="(r-unit-[^"]+)" class="node level-unit[^"]*"\s+'
                       r'data-parent="([^"]+)">', opened)
    assert len(units) == 2 and {parent for _, parent in units} == {TDA2}
    assert sorted(ratio(row(opened, unit)) for unit, _ in units) == ["10,0 %", "60,0 %"]
    # The unit behind links to its item with the units opened.
    assert "units=LaiChau.GNBV.DA4.TDA2" in unquote(html.unescape(
        re.search(r'href="([^"]+)" class="mtqg-behind-item"', block).group(1)))


def test_warnings_of_rules_set_to_warn_are_listed(tmp_path: Path) -> None:
    ledger = _units_books(tmp_path, "warn=unit_allocation",
                          pay("2025-04-01", TDA2_SN, 50_000_000, unit="UBND xã Bum Nưa"))
    page = Fava(ledger).page("as_of=30/06/2025")
    assert "Vi phạm quy tắc ngân sách (0)" in page
    assert "Cảnh báo quy tắc ngân sách (1)" in page and "UBND xã Bum Nưa" in page


def test_clean_books_have_no_breach(sample: Fava) -> None:
    assert "Vi phạm quy tắc ngân sách (0)" in sample.page()


def test_movement_table_is_computed_once_per_filter_state(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    calls = []

    def counting(entries, units=None):
        entries = list(entries)
        calls.append(len(entries))
        return movements(entries, units)

    monkeypatch.setattr(tables, "movements", counting)
    monkeypatch.setattr(books_module, "movements", counting)  # the unfiltered table's
    use_snapshots()  # as mtqg serve loads: the whole books' table is kept with the books
    ledger = _books(tmp_path, opens(TDA1_SN), allocate("2025-01-10", TDA1_SN, 10**9),
                    pay("2025-03-01", TDA1_SN, 10**8))
    fava = Fava(ledger)
    for day in ("01/04/2025", "02/04/2025", "03/04/2025"):
        assert "10,0 %" in fava.page(f"as_of={day}&unit=dong")
    assert len(calls) == 1
    fava.page("as_of=01/04/2025&time=2025-03")
    fava.page("as_of=02/04/2025&time=2025-03")
    assert len(calls) == 2
    with ledger.open("a", encoding="utf-8") as handle:  # Fava reloads changed books
        handle.write("\n" + pay("2025-03-02", TDA1_SN, 10**8))
    fava.ledger.load_file()
    assert "20,0 %" in fava.page("as_of=01/04/2025")
    assert len(calls) == 3
    fava.ledger.load_file()  # unchanged books: the unfiltered table is the cached one
    assert "20,0 %" in fava.page("as_of=01/04/2025")
    assert len(calls) == 3


def test_charts_are_inline_svg(sample: Fava) -> None:
    page = sample.page()
    assert page.count('<svg class="mtqg-chart"') == 2
    assert "Tỷ lệ giải ngân theo dự án" in page and "Giải ngân lũy kế năm 2025" in page
    assert "GNBV·DA4" in page
    assert "<script src=" not in page and "http://" not in page.split("<svg", 1)[1]


def test_javascript_module_is_served(sample: Fava) -> None:
    module = sample.get(f"/{quote(sample.slug)}/extension_js_module/DisbursementPage.js")
    assert b"onExtensionPageLoad" in module.data


def _download(fava: Fava, page: str, label: str) -> bytes:
    href = html.unescape(re.search(rf'download href="([^"]*)"[^>]*>{re.escape(label)}<',
                                   page).group(1))
    response = fava.get(href)
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    return response.data


def test_quarterly_workbook_download(sample: Fava) -> None:
    data = _download(sample, sample.page(), "Quý III/2025")
    book = load_workbook(io.BytesIO(data))
    text = " ".join(str(cell.value) for sheet in book for line in sheet.iter_rows()
                    for cell in line if cell.value is not None)
    assert "QUÝ III NĂM 2025" in text.upper()
    assert "Tiểu dự án 1" in text


@pytest.mark.parametrize(("unit", "shown"), [("trieu", "triệu đồng"), ("ty", "triệu đồng"),
                                            ("dong", "đồng")])
def test_quarterly_workbook_in_the_pages_unit(sample: Fava, unit: str, shown: str) -> None:
    data = _download(sample, sample.page(f"{DAY}&unit={unit}"), "Quý IV/2025")
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    texts = [str(cell.value) for line in sheet.iter_rows(max_row=12) for cell in line
             if isinstance(cell.value, str)]
    assert any(text.strip().endswith(f"tính: {shown}") for text in texts), texts


def test_audit_workbook_download(sample: Fava) -> None:
    data = _download(sample, sample.page(), "Sổ kiểm toán")
    book = load_workbook(io.BytesIO(data))
    assert len(book.sheetnames) >= 3
    text = " ".join(str(cell.value) for sheet in book for line in sheet.iter_rows()
                    for cell in line if cell.value is not None)
    assert "KBLC-25-01811" in text  # a voucher of the sample books


def test_serve_without_sample_books_is_a_clear_error(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    from mtqgledger.web import serve

    monkeypatch.setattr(serve.mtqgledger, "__file__", str(tmp_path / "a" / "b" / "x.py"))
    with pytest.raises(serve.ServeError, match="không có sổ mẫu"):
        serve.sample_ledger()


def test_new_books_from_mtqg_init_show_the_page(tmp_path: Path) -> None:
    from mtqgledger.outputs.newbooks import create_books

    create_books(tmp_path, load_catalogue(), "LaiChau", 2025, ["GNBV"])
    fava = Fava(tmp_path / "main.beancount")
    page = fava.page("")
    assert "Tổng số" in page and "Vi phạm quy tắc ngân sách (0)" in page


def test_books_the_report_cannot_add_up_are_explained(tmp_path: Path) -> None:
    fava = Fava(_books(tmp_path, opens(TDA1_SN), allocate("2025-01-10", TDA1_SN, 1000),
                       pay("2025-03-01", TDA1_SN, 1000).replace(" 1000 VND", " 0.5 VND")
                       .replace("-1000 VND", "-0.5 VND")))
    page = fava.page("as_of=31/03/2025")
    assert "Không lập được báo cáo" in page and "expected whole VND" in page
