"""Benchmark of the Fava page "Giải ngân MTQG" on large books.

Usage::

    python bench/fava_bench.py [--transactions 100000] [--repeat 7] [--results bench/RESULTS.md]

Generates books with ``bench/generate.py`` (into ``bench/out/``, git-ignored), enables the
extension in them, loads them in Fava through ``create_app`` and Flask's test client,
warms up with a first request (the extension works out the unfiltered movement table as
part of Fava's load), then times the page:
each timed request asks for another as-of date, so the report, the pace of every row and
the chart's twelve monthly reports are computed afresh and only the movement table is
reused. Prints a Markdown section; with ``--results`` it also replaces (or appends) the
section "## Fava page (issue 5)" at the end of that file. Exits 1 when the median is not
under the goal (1 s).
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT / "src"), str(BENCH)]

import generate  # noqa: E402
from sections import replace_section  # noqa: E402

HEADING = "## Fava page (issue 5)"
GOAL = 1.0
EXTENSION = 'custom "fava-extension" "mtqgledger.fava_ext"'


def books(transactions: int, seed: int, provinces: int) -> tuple[Path, dict]:
    """Generated books with the extension enabled."""
    folder = BENCH / "out" / f"fava-n{transactions}"
    summary = generate.generate(transactions, folder, seed, provinces)
    ledger = Path(summary["path"])
    text = ledger.read_text(encoding="utf-8")
    marker = '2021-01-01 custom "fava-option" "locale" "vi_VN"\n'
    assert marker in text, "generate.py's header changed: enable the extension elsewhere"
    ledger.write_text(text.replace(marker, f"{marker}2021-01-01 {EXTENSION}\n"),
                      encoding="utf-8")
    return ledger, summary


def timed(client, url: str) -> tuple[float, str]:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, response.get_data(as_text=True)


def measure(ledger: Path, repeat: int) -> dict[str, object]:
    os.environ["MTQG_CACHE"] = "0"
    from fava.application import create_app

    app = create_app([str(ledger)], load=False, read_only=True)
    client = app.test_client()
    ledgers = app.config["LEDGERS"]
    started = time.perf_counter()
    slug = ledgers.first_slug()  # loads the books in Fava
    load = time.perf_counter() - started
    page = f"/{slug}/extension/DisbursementPage/"
    first, html = timed(client, f"{page}?as_of=31/12/2025&year=2025&partial=true")
    assert "Tổng số" in html, "the page did not render the report"

    def days(count: int, month: int) -> list[str]:
        start = datetime.date(2025, month, 1)
        return [f"{start + datetime.timedelta(days=day):%d/%m/%Y}" for day in range(count)]

    renders = []
    for as_of in days(repeat, 12):
        elapsed, html = timed(client, f"{page}?as_of={as_of}&year=2025&partial=true")
        renders.append(elapsed)
    rows = html.count("<tr id=")
    size = len(html.encode())
    documents = [timed(client, f"{page}?as_of={as_of}&year=2025")[0] for as_of in days(3, 11)]
    shell = [timed(client, f"/{slug}/income_statement/")[0] for _ in range(3)]
    filtered, _ = timed(client, f"{page}?as_of=31/12/2025&year=2025&time=2025&partial=true")
    filtered_again, _ = timed(client,
                              f"{page}?as_of=30/12/2025&year=2025&time=2025&partial=true")
    every_year = [timed(client, f"{page}?as_of={as_of}&year=all&partial=true")[0]
                  for as_of in days(3, 10)]
    return {"load": load, "first": first, "renders": renders, "rows": rows, "bytes": size,
            "documents": statistics.median(documents), "shell": statistics.median(shell),
            "filtered": filtered, "filtered_again": filtered_again,
            "every_year": statistics.median(every_year)}


def section(summary: dict, figures: dict, command: str) -> str:
    from run import machine_info

    median = statistics.median(figures["renders"])
    verdict = "met" if median < GOAL else "**missed**"
    machine = "\n".join(f"- {key}: {value}" for key, value in machine_info().items())
    spread = ", ".join(f"{value:.3f}" for value in figures["renders"])
    return f"""{HEADING}

Written by `bench/fava_bench.py` on {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC:
`{command}`.

{machine}

Books from `bench/generate.py`: {summary['transactions']:,} transactions,
{summary['lines']:,} lines in {len(summary['provinces'])} provinces, plan years 2021–2025,
with `{EXTENSION}` added. They are loaded in Fava 1.30 through `create_app` and Flask's
test client in one process (`MTQG_CACHE=0`). Loading includes the extension's
movement table of the unfiltered books and the default chart (its `after_load_file`
hook). Each timed request then asks for another as-of date
(01/12/2025, 02/12/2025, …, plan year 2025), so the page's report, the pace of every row
and the chart's last point are computed afresh; the movement table and the chart's
month-end totals (which do not depend on the as-of date) are reused. "Page render" is
the page as Fava's router fetches it when one clicks "Giải ngân MTQG" in the sidebar
(`?partial=true`, the page's HTML without Fava's shell); "full document" is a fresh
browser load of the URL, which adds Fava's shell (for these books its ledger data is
about 15 MB of JSON, the same for every Fava page: see the Income Statement line).

| step | seconds |
|---|---:|
| Fava loads the books (`create_app`, first access, with the movement table) \
| {figures['load']:.1f} |
| first page render after the load (Jinja compiles the templates) | {figures['first']:.2f} |
| **page render, median of {len(figures['renders'])}** ({figures['rows']:,} table rows, \
{figures['bytes'] / 1e6:.1f} MB of HTML) | **{median:.3f}** |
| full document of the page, median of 3 | {figures['documents']:.3f} |
| full document of Fava's Income Statement, median of 3 (Fava's shell alone) \
| {figures['shell']:.3f} |
| first page render with a new Fava filter (`time=2025`) | {figures['filtered']:.2f} |
| the same filter again, another as-of date | {figures['filtered_again']:.3f} |
| every plan year (`year=all`), median of 3 | {figures['every_year']:.3f} |

- Page render under {GOAL:.0f} s: {verdict} (each render: {spread} s).
- A new filter state costs one pass of `movements()` over the filtered entries (plus
  Fava's own filtering); it is kept until the books are reloaded (8 states at most).
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7, help="timed page requests (median)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--provinces", type=int, default=6)
    parser.add_argument("--results", type=Path, help="also write the section into this file")
    args = parser.parse_args()
    ledger, summary = books(args.transactions, args.seed, args.provinces)
    print(f"books: {ledger} ({summary['transactions']:,} transactions)", file=sys.stderr)
    figures = measure(ledger, args.repeat)
    command = "python bench/fava_bench.py " + " ".join(sys.argv[1:])
    text = section(summary, figures, command.strip())
    print(text)
    if args.results:
        replace_section(HEADING, text, args.results)
    return 0 if statistics.median(figures["renders"]) < GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
