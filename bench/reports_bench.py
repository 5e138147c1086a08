#!/usr/bin/env python3
"""Time `mtqg report quarterly` and `mtqg export audit` against `bean-check` on large books.

    python bench/reports_bench.py [--size 100000] [--repeat 3] [--out bench/out/reports]

Generates books with bench/generate.py, then runs, each in a fresh process and cold
(Beancount's pickle cache removed, an empty MTQG_CACHE_DIR): bean-check, the quarterly
workbook for the third quarter of the last plan year, and the audit workbook. Goal
(issue 4): each command within 1.5 x bean-check's wall time. The result replaces the
"Quarterly report and audit export" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402 - bench/ is not a package
from run import child_env, measure, remove_pickle_cache, tools  # noqa: E402
from sections import replace_section  # noqa: E402

SECTION = "## Quarterly report and audit export (issue 4)"
GOAL = 1.5


def commands(ledger: Path, scratch: Path) -> dict[str, list[str]]:
    check, mtqg = tools()
    return {
        "bean-check": [*check, str(ledger)],
        "report quarterly": [*mtqg, "report", "quarterly", str(ledger), "--quarter", "2025Q3",
                             "-o", str(scratch / "quarterly.xlsx")],
        "export audit": [*mtqg, "export", "audit", str(ledger), "-o",
                         str(scratch / "audit.xlsx")],
    }


def bench(ledger: Path, repeat: int) -> dict[str, list]:
    runs: dict[str, list] = {}
    for _ in range(repeat):
        scratch = Path(tempfile.mkdtemp(prefix="mtqg-reports-"))
        try:
            for name, command in commands(ledger, scratch).items():
                remove_pickle_cache(ledger)
                cache = scratch / f"cache-{name.replace(' ', '-')}"
                runs.setdefault(name, []).append(measure(command, child_env(cache), name))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return runs


def section(size: int, summary: dict, runs: dict[str, list], repeat: int) -> str:
    median = {name: statistics.median(run.wall for run in values)
              for name, values in runs.items()}
    memory = {name: statistics.median(run.rss_mb for run in values)
              for name, values in runs.items()}
    check = median["bean-check"]
    rows = []
    verdicts = []
    for name in runs:
        ratio = median[name] / check
        spread = ", ".join(f"{run.wall:.1f}" for run in sorted(runs[name], key=lambda r: r.wall))
        rows.append(f"| `{name}` | {median[name]:.1f} | {spread} | {memory[name]:.0f} | "
                    f"{ratio:.2f}× |")
        if name != "bean-check":
            verdict = "met" if ratio <= GOAL else "**missed**"
            verdicts.append(f"- `{name}` within {GOAL}× bean-check: {verdict} ({ratio:.2f}×)")
    table = "\n".join(rows)
    stamp = f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M}"
    return f"""{SECTION}

Written by `bench/reports_bench.py` on {stamp} UTC on {platform.processor() or
platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.
Books: `bench/generate.py {size}` ({summary["transactions"]:,} transactions,
{summary["lines"]:,} lines, {summary["bytes"] / 1e6:.1f} MB). Each command runs cold in
a fresh process (Beancount's pickle cache removed, empty `MTQG_CACHE_DIR`), timed with
its peak RSS by the wrapper of `bench/run.py`; medians of {repeat}.

| command | wall s (median) | runs s | peak RSS MB | ÷ bean-check |
|---|---:|---|---:|---:|
{table}

{chr(10).join(verdicts)}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "reports")
    args = parser.parse_args()
    folder = args.out / f"n{args.size}"
    summary = generate.generate(args.size, folder)
    ledger = Path(summary["path"]).resolve()
    text = section(args.size, summary, bench(ledger, args.repeat), args.repeat)
    print(text)
    replace_section(SECTION, text)


if __name__ == "__main__":
    main()
