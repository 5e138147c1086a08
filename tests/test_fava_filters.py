"""Fava's filters on the page "Giải ngân MTQG": a bad one shows Fava's message, never a 500.

Fava's own reports fetch their data from its JSON API, which answers a filter it
cannot read with 400 and the FilterError's message; the page shows that message
("Loading … failed with error") in place of the report. Some bad values escape
Fava 1.30 as other exceptions (its API answers a bare 500): the extension words
those itself (mtqgledger.fava_ext.filters).
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
import test_browser
from cheroot.wsgi import Server
from playwright.sync_api import Page, expect
from test_fava_ext import DAY, SAMPLE, TDA1, Fava, cells, row

# The browser tests' fixtures: chromium, and a tab that fails the test on a JavaScript error.
browser = test_browser.browser
page = test_browser.page

NOTICE = 'id="mtqg-filter-error"'
# What the page says where Fava's API has no FilterError message (Fava 1.30.16).
OWN_WORDS = {
    ("time", "2025-13"): "Failed to parse date: 2025-13",
    ("time", "2025-02-30"): "Failed to parse date: 2025-02-30",
    ("time", "2025 to 2024"): "Failed to parse date: 2025 to 2024",
    ("account", "["): "not a regular expression",
}
BAD = [("time", "2025-13"), ("account", "["), ("filter", "((("),
       ("time", "2025-02-30"), ("time", "abc"), ("filter", 'account:"'),
       ("time", "2025 to 2024")]


@pytest.fixture(scope="module")
def fava() -> Fava:
    return Fava(SAMPLE)


def query(**params: str) -> str:
    return urlencode(params)


def favas_message(fava: Fava, name: str, value: str) -> str:
    """What Fava's own income statement shows for this filter: its API's error."""
    answer = fava.client.get(f"/{fava.slug}/api/income_statement?{query(**{name: value})}")
    if answer.status_code == 400:
        return answer.get_json()["error"]
    assert answer.status_code == 500  # Fava's own page then shows "HTTP 500" only
    return OWN_WORDS[name, value]


def notice(body: str) -> str:
    found = re.search(r'<div class="mtqg-filter-error".*?</div>', body, re.DOTALL)
    assert found, "no filter notice"
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(0)))


@pytest.mark.parametrize(("name", "value"), BAD)
def test_a_bad_filter_shows_favas_message_not_a_500(fava: Fava, name: str, value: str) -> None:
    body = fava.page(f"{DAY}&{query(**{name: value})}")  # asserts 200
    assert "Giải ngân MTQG" in body  # inside Fava's layout, with its filter bar
    text = notice(body)
    assert favas_message(fava, name, value) in text
    assert "không hợp lệ" in text
    # Like Fava's reports: no figures under a filter that was not applied.
    assert 'id="mtqg-table"' not in body and 'class="mtqg-kpi-value"' not in body


def test_fava_words_its_filter_errors_as_the_page_shows_them(fava: Fava) -> None:
    assert favas_message(fava, "filter", "(((") == "Failed to parse filter: ((("
    assert favas_message(fava, "time", "abc") == "Failed to parse date: abc"
    assert favas_message(fava, "filter", 'account:"') == \
        'Illegal character """ in filter.account:"'


def test_fava_routers_partial_load_gets_the_notice_too(fava: Fava) -> None:
    # Fava's router fetches the page with partial=true when the filter bar changes.
    body = fava.page(f"{DAY}&partial=true&{query(filter='(((')}")
    assert "Failed to parse filter: (((" in notice(body)


def test_the_notice_links_to_the_page_without_the_bad_filter(fava: Fava) -> None:
    body = fava.page(f"{DAY}&partial=true&{query(time='2025-13', account='LaiChau')}")
    link = html.unescape(re.search(r'href="([^"]*)" id="mtqg-drop-filter"', body).group(1))
    assert "time=" not in link and "partial" not in link
    assert "account=LaiChau" in link and "year=2025" in link and "as_of=14" in link
    fava.get(link)


def test_a_good_filter_still_filters_the_figures(fava: Fava) -> None:
    whole = cells(row(fava.page(), TDA1))
    body = fava.page(f"{DAY}&{query(time='2025-01-01 - 2025-06-30')}")
    assert NOTICE not in body
    half = cells(row(body, TDA1))
    assert half[0] == whole[0]  # the plan of 2025 was allocated before July
    assert half[1] != whole[1]  # payments of the first half year only
    assert (whole[1], half[1]) == ("90.400.000.000", "30.000.000.000")


@pytest.mark.parametrize("download", ["audit", "quarterly"])
@pytest.mark.parametrize(("name", "value"), [("filter", "((("), ("time", "2025-13"),
                                             ("account", "[")])
def test_downloads_refuse_a_bad_filter_with_400(fava: Fava, download: str, name: str,
                                                value: str) -> None:
    answer = fava.get(f"{fava.base}{download}?{DAY}&{query(**{name: value})}", status=400)
    text = html.unescape(answer.get_data(as_text=True))
    assert favas_message(fava, name, value) in text
    assert "không hợp lệ" in text and "Traceback" not in text


def test_downloads_follow_a_good_filter(fava: Fava) -> None:
    for download in ("audit", "quarterly"):
        answer = fava.get(f"{fava.base}{download}?{DAY}&{query(time='2025')}")
        assert answer.data[:2] == b"PK"  # an xlsx workbook


@pytest.fixture(scope="module")
def served(fava: Fava) -> Iterator[str]:
    """The module's Fava app on a free loopback port, by the server ``mtqg serve`` uses.

    In this process: the books are loaded once for the module, not again by a
    second ``mtqg serve``.
    """
    server = Server(("127.0.0.1", 0), fava.app)
    server.prepare()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.bind_addr[1]}{fava.base}"
    finally:
        server.stop()
        thread.join(timeout=10)


def test_in_a_browser_a_bad_filter_shows_favas_message(served: str, page: Page) -> None:
    answer = page.goto(f"{served}?{DAY}&{query(filter='(((')}")
    assert answer is not None and answer.status == 200
    expect(page.locator("#mtqg-filter-error")).to_contain_text("Failed to parse filter: (((")
    # The link drops the bad filter: Fava's router loads the figures.
    page.locator("#mtqg-drop-filter").click()
    expect(page.locator(f"#{TDA1}")).to_be_visible()
    assert "filter=" not in page.url
    # A bad time typed in Fava's own filter bar: the router's partial load shows the notice.
    time_filter = page.locator("header input").first
    time_filter.fill("2025-13")
    time_filter.press("Enter")
    page.wait_for_url(re.compile(r"time=2025-13"))
    expect(page.locator("#mtqg-filter-error")).to_contain_text("Failed to parse date: 2025-13")
    expect(page.locator(f"#{TDA1}")).to_have_count(0)
