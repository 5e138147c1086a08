"""``mtqg serve`` in a real browser: the CLI as a subprocess, Debian's chromium through Playwright.

Playwright's own browser builds are never downloaded: the test launches the
chromium that ``system.debian_program`` finds (or installs with apt).
"""

from __future__ import annotations

import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect, sync_playwright
from system import debian_program

ROOT = Path(__file__).resolve().parents[1]
TDA1 = "r-subproject-LaiChau-GNBV-DA4-TDA1"
TDA2 = "r-subproject-LaiChau-GNBV-DA4-TDA2"
TDA3 = "r-subproject-LaiChau-GNBV-DA4-TDA3"
DA4 = "r-project-LaiChau-GNBV-DA4"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _url_from(process: subprocess.Popen, timeout: float) -> str:
    """The page URL `mtqg serve` prints once the books are loaded."""
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not selector.select(timeout=1):
            assert process.poll() is None, "mtqg serve exited before printing its URL"
            continue
        line = process.stdout.readline()
        assert line, "mtqg serve closed its output before printing its URL"
        if found := re.search(r"http://\S+", line):
            return found.group(0)
    raise AssertionError(f"mtqg serve printed no URL within {timeout} s")


def _wait_until_serving(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                assert response.status == 200
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`mtqg serve` on the sample books, on a free loopback port; stopped by its PID."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "stderr.txt"
    paths = [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "MTQG_CACHE": "0"}
    with log.open("w") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "mtqgledger.cli", "serve", "--port", str(port)],
            stdout=subprocess.PIPE, stderr=errors, text=True, env=environment, cwd=ROOT)
    try:
        url = _url_from(process, timeout=120)
        assert url.startswith(f"http://127.0.0.1:{port}/")
        assert url.endswith("/extension/DisbursementPage/")
        _wait_until_serving(url, timeout=60)
        yield url
    finally:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        process.stdout.close()
    assert process.returncode is not None


def test_serve_is_read_only(server: str) -> None:
    request = urllib.request.Request(server.split("/extension/")[0] + "/api/source",
                                     data=b"{}", method="PUT",
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 401


def test_serve_reports_a_busy_port() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        environment = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "MTQG_CACHE": "0"}
        done = subprocess.run([sys.executable, "-m", "mtqgledger.cli", "serve", "--port",
                               str(port)], capture_output=True, text=True, env=environment,
                              timeout=120)
    assert done.returncode == 1
    assert f"không mở được cổng 127.0.0.1:{port}" in done.stderr
    assert "http://" not in done.stdout  # no address is printed before the port is bound


@pytest.fixture(scope="module")
def browser():
    chromium = debian_program("chromium", "chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium)
        yield launched
        launched.close()


@pytest.fixture
def page(browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  accept_downloads=True, locale="vi-VN")
    opened = context.new_page()
    failures: list[str] = []
    opened.on("pageerror", lambda error: failures.append(str(error)))
    yield opened
    context.close()
    assert failures == [], f"JavaScript errors: {failures}"


def _ratio(page: Page, row_id: str) -> str:
    return page.locator(f"#{row_id} .mtqg-ratio-text").inner_text().strip()


def test_page_shows_ratios_and_looks_right(server: str, page: Page, tmp_path: Path) -> None:
    page.goto(f"{server}?as_of=14/11/2025&year=2025")
    expect(page.locator(f"#{TDA1}")).to_be_visible(timeout=30_000)
    assert (_ratio(page, TDA1), _ratio(page, TDA2), _ratio(page, TDA3)) == \
        ("54,1 %", "6,9 %", "68,4 %")
    expect(page.locator("#mtqg-as-of")).to_have_value("14/11/2025")
    assert "Giải ngân MTQG" in page.title()
    # Fava loaded the extension's module: the rows collapse and open.
    toggle = page.locator(f"#{DA4} .mtqg-toggle")
    toggle.click()
    expect(page.locator(f"#{TDA1}")).to_be_hidden()
    toggle.click()
    expect(page.locator(f"#{TDA1}")).to_be_visible()
    split = page.locator(f"#{TDA1}-capital-DTPT")
    expect(split).to_be_hidden()
    page.locator("#mtqg-splits").check()
    expect(split).to_be_visible()
    page.locator("#mtqg-splits").uncheck()
    # A sub-project drills down to its spending units, and back.
    units = page.locator(f'tr.level-unit[data-parent="{TDA1}"]')
    expect(units).to_have_count(0)
    page.locator(f"#{TDA1} .mtqg-units-link").click()
    expect(units.first).to_be_visible()
    assert any("Trường Cao đẳng Lai Châu" in text for text in units.all_inner_texts())
    page.locator(f"#{TDA1} .mtqg-units-link").click()
    expect(units).to_have_count(0)
    # 13-digit amounts stay on one line and inside the 1280 px window
    layout = page.evaluate("""() => {
        const table = document.getElementById('mtqg-table');
        const lines = cell => {
            const range = document.createRange();
            range.selectNodeContents(cell);
            return range.getClientRects().length;
        };
        const shown = [...table.querySelectorAll('tr:not([hidden]) td.mtqg-num')];
        return {right: table.getBoundingClientRect().right, cells: shown.length,
                wrapped: shown.filter(cell => lines(cell) !== 1).length};
    }""")
    assert layout["right"] <= 1280 and layout["cells"] > 0 and layout["wrapped"] == 0, layout
    shot = tmp_path / "giai-ngan.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    # Fava scrolls inside its own layout: a window as tall as the page shows all of it.
    height = page.evaluate("document.querySelector('article').scrollHeight") + 60
    page.set_viewport_size({"width": 1280, "height": min(height, 4000)})
    expect(page.locator(".mtqg-charts svg")).to_have_count(2)
    page.screenshot(path=str(tmp_path / "giai-ngan-full.png"))
    print(f"screenshots: {shot}, {tmp_path / 'giai-ngan-full.png'}")


def test_as_of_form_and_plan_year(server: str, page: Page) -> None:
    page.goto(f"{server}?as_of=14/11/2025&year=2025")
    field = page.locator("#mtqg-as-of")
    field.fill("30/06/2025")
    field.press("Enter")
    page.wait_for_url(re.compile(r"as_of=30%2F06%2F2025"))
    expect(page.locator(f"#{TDA2} .mtqg-ratio-text")).to_have_text("0,0 %")
    page.locator('a[data-year="2024"]').click()
    page.wait_for_url(re.compile(r"year=2024"))
    expect(page.locator("#r-subproject-LaiChau-GNBV-DA1-TDA1")).to_be_visible()
    expect(page.locator(f"#{TDA1}")).to_have_count(0)


def test_row_link_opens_favas_account_page(server: str, page: Page) -> None:
    page.goto(f"{server}?as_of=14/11/2025&year=2025")
    page.locator(f"#{TDA1} a.mtqg-title").click()
    page.wait_for_url(re.compile(r"/account/Income:Allocated:LaiChau:GNBV:DA4:TDA1/"))
    # Fava's own account report: its journal lists the line's allocation decision.
    expect(page.get_by_text("Giao dự toán vốn sự nghiệp NSTW năm 2025").first).to_be_visible(
        timeout=30_000)


def test_download_quarterly_workbook(server: str, page: Page, tmp_path: Path) -> None:
    page.goto(f"{server}?as_of=14/11/2025&year=2025")
    with page.expect_download() as download:
        page.get_by_text("Quý III/2025").click()
    target = tmp_path / download.value.suggested_filename
    download.value.save_as(target)
    assert target.name == "giai-ngan-2025Q3.xlsx"
    book = load_workbook(target)
    text = " ".join(str(cell.value) for sheet in book for line in sheet.iter_rows()
                    for cell in line if cell.value is not None)
    assert "QUÝ III NĂM 2025" in text.upper() and "Tiểu dự án 1" in text
