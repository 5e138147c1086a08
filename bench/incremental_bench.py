#!/usr/bin/env python3
"""Time the everyday steps on province-size books against `bean-check` (issue 12).

    python bench/incremental_bench.py [--history 100000] [--rows 500] [--repeat 3]

Builds books the way a province gets them: `mtqg init`, every GNBV / DTTS line of
Lai Châu 2025 allocated, and a treasury history of HISTORY rows imported with
`mtqg import` (imports/treasury.beancount). Then, each in a fresh process, wall time
and peak RSS (run.measure):

- `bean-check` cold (Beancount's pickle cache removed): the yardstick;
- `mtqg check` (the first load: full, writes the snapshot), and `mtqg check --full`;
- `mtqg import` of a monthly statement of ROWS rows into the books (snapshot present);
- `mtqg report disbursement` cold (empty cache: no snapshot, no table) and warm (the same
  report again: the text the cold run printed, cli/answers.py);
- `mtqg serve` on unchanged books: start to the disbursement page answered (the address
  `mtqg serve` prints), with what a command's child keeps for a server and without it;
- the first page after an import into the served books (Fava reloads);
and rewrites the section "Everyday steps on province-size books" of RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from import_bench import load_samples_module, make_books, movements  # noqa: E402
from run import child_env, machine_info, measure, remove_pickle_cache, tools  # noqa: E402

SECTION = "## Everyday steps on province-size books (issue 12)"


def monthly_rows(lines: list, rows: int, month: int, seed: int) -> list[tuple]:
    """A month's statement: the history's layout, new voucher numbers, dated in ``month``."""
    result = []
    for number, row in enumerate(movements(lines, rows, seed=seed)):
        day = datetime.date(2025, month, 1 + number * 27 // rows)
        result.append((day.strftime("%d/%m/%Y"), f"KB-{month:02d}-{number:05d}", *row[2:]))
    return result


def build(out: Path, history: int, rows: int, mtqg: list[str], env: dict) -> dict[str, Path]:
    """The books with their history, and the monthly statements."""
    samples = load_samples_module()
    books = out / "books"
    lines = make_books(books, mtqg, env)
    paths = {"books": books}
    history_file = out / f"history-{history}.xlsx"
    samples.treasury_statement(history_file, movements(lines, history))
    subprocess.run([*mtqg, "import", str(history_file), "--ledger", str(books / "main.beancount")],
                   check=True, env={**env, "MTQG_CACHE": "0"}, stdout=subprocess.DEVNULL)
    for month in (12, 11):
        paths[f"month{month}"] = out / f"statement-{rows}-{month}.xlsx"
        samples.treasury_statement(paths[f"month{month}"], monthly_rows(lines, rows, month,
                                                                         seed=month))
    return paths


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def page_answered(url: str, started: float, process: subprocess.Popen,
                  timeout: float = 900) -> float:
    """Seconds from ``started`` until ``url`` answers 200."""
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise SystemExit(f"mtqg serve ended (exit {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=timeout) as answer:
                answer.read()
                if answer.status == 200:
                    return time.perf_counter() - started
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"{url} did not answer in {timeout} s")


def serve_times(mtqg: list[str], ledger: Path, statement: Path | None, env: dict,
                ) -> tuple[float, float | None, float]:
    """The disbursement page (the address `mtqg serve` prints) first answered after the start
    on unchanged books; and after an import of ``statement`` into the served books (Fava
    reloads; None without a statement)."""
    started = time.perf_counter()
    process = subprocess.Popen([*mtqg, "serve", str(ledger), "--port", str(free_port())],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    try:
        url = next((line.split()[1] for line in process.stdout if line.startswith("Fava: ")),
                   None)
        if url is None:
            raise SystemExit("mtqg serve printed no address")
        first, after = page_answered(url, started, process), None
        if statement is not None:
            subprocess.run([*mtqg, "import", str(statement), "--ledger", str(ledger)],
                           check=True, env=env, stdout=subprocess.DEVNULL)
            time.sleep(1.1)  # Fava's watcher compares modification times
            after = page_answered(url, time.perf_counter(), process)
        peak = peak_mb(process.pid)
    finally:
        process.terminate()
        process.wait()
    return first, after, peak


def fresh(paths: dict[str, Path], pristine: Path, cache: Path, keep_cache: Path | None) -> None:
    """The books as built, and the cache as ``keep_cache`` holds it (or empty)."""
    shutil.rmtree(paths["books"])
    shutil.copytree(pristine, paths["books"])
    shutil.rmtree(cache, ignore_errors=True)
    if keep_cache is not None:
        shutil.copytree(keep_cache, cache)
    else:
        cache.mkdir(parents=True)


def peak_mb(pid: int) -> float:
    """The high-water mark of a running process's resident memory (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def leftover_children(own: set[int]) -> list[int]:
    """``mtqg`` processes still running that this bench did not start as its server: the
    children that keep a snapshot after a command has answered (files.defer_writes)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in own:
            continue
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"mtqgledger.cli" in command:
            found.append(int(entry.name))
    return found


def settle(own: set[int] = frozenset()) -> tuple[float, float]:
    """Wait until the children keeping a snapshot are done, so that no step pays for the
    one before it: (seconds waited, their peak MB)."""
    started, peak = time.perf_counter(), 0.0
    while children := leftover_children({os.getpid(), *own}):
        for pid in children:
            with contextlib.suppress(OSError):
                peak = max(peak, peak_mb(pid))
        time.sleep(0.05)
    return time.perf_counter() - started, peak


GOALS = {"import": 0.1, "serve": 0.15, "serve, the snapshot alone kept": 0.15,
         "after import": 0.15, "report cold": 0.9}
SECONDS_GOALS = {"report warm": 0.3}


def timed_steps(paths: dict[str, Path], out: Path, env: dict, check: list[str],
                mtqg: list[str]) -> dict[str, tuple[float, float]]:
    """One round of every step: (wall s, peak MB) by step."""
    ledger = paths["books"] / "main.beancount"
    cache, warm = Path(env["MTQG_CACHE_DIR"]), out / "cache-warm"
    pristine = out / "pristine"
    result = {}
    fresh(paths, pristine, cache, None)
    remove_pickle_cache(ledger)
    run = measure([*check, str(ledger)], env, "bean-check")
    settle()
    result["bean-check"] = (run.wall, run.rss_mb)
    remove_pickle_cache(ledger)
    fresh(paths, pristine, cache, None)
    run = measure([*mtqg, "check", str(ledger)], env, "mtqg check")
    settle()
    result["check (first: full, writes the snapshot)"] = (run.wall, run.rss_mb)
    shutil.rmtree(warm, ignore_errors=True)
    shutil.copytree(cache, warm)
    run = measure([*mtqg, "check", str(ledger)], env, "mtqg check")
    settle()
    result["check (snapshot)"] = (run.wall, run.rss_mb)
    run = measure([*mtqg, "check", "--full", str(ledger)], env, "mtqg check --full")
    settle()
    result["check --full"] = (run.wall, run.rss_mb)
    fresh(paths, pristine, cache, warm)
    run = measure([*mtqg, "import", str(paths["month12"]), "--ledger", str(ledger)], env,
                  "mtqg import")
    settle()
    result["import"] = (run.wall, run.rss_mb)
    fresh(paths, pristine, cache, None)
    report = [*mtqg, "report", "disbursement", str(ledger)]
    run = measure(report, env, "report cold")
    result["report cold"] = (run.wall, run.rss_mb)
    result["report cold: its snapshot kept, after the answer"] = settle()
    run = measure(report, env, "report warm")
    settle()
    result["report warm"] = (run.wall, run.rss_mb)
    fresh(paths, pristine, cache, warm)
    for kept in [*cache.glob("*.fava-*"), *cache.glob("*.pickle")]:
        kept.unlink()  # what a command's child keeps for a server (web.serve.keep_for_serving)
    first, _, peak = serve_times(mtqg, ledger, None, env)
    result["serve, the snapshot alone kept"] = (first, peak)
    fresh(paths, pristine, cache, warm)
    first, after, peak = serve_times(mtqg, ledger, paths["month12"], env)
    result["serve"] = (first, peak)
    result["after import"] = (after, peak)
    return result


def section(rounds: list[dict], args, machine: dict[str, str]) -> str:
    steps = list(rounds[0])
    yardstick = statistics.median(r["bean-check"][0] for r in rounds)
    memory = statistics.median(r["bean-check"][1] for r in rounds)
    rows = []
    for step in steps:
        walls = [r[step][0] for r in rounds]
        wall = statistics.median(walls)
        rss = statistics.median(r[step][1] for r in rounds)
        goal, verdict = GOALS.get(step), ""
        if goal is not None:
            verdict = f"≤ {goal}× " + ("met" if wall / yardstick <= goal else "**missed**")
        elif step in SECONDS_GOALS:
            verdict = f"≤ {SECONDS_GOALS[step]} s " + \
                ("met" if wall <= SECONDS_GOALS[step] else "**missed**")
        rows.append(f"| {step} | {wall:.2f} | {', '.join(f'{w:.2f}' for w in walls)} | "
                    f"{rss:.0f} | {wall / yardstick:.3f}× | {rss / memory:.2f}× | {verdict} |")
    described = ", ".join(f"{key} {value}" for key, value in machine.items())
    return f"""{SECTION}

Written by `bench/incremental_bench.py` on {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M}
UTC ({described}). Books: `mtqg init` for Lai Châu 2025 (GNBV, DTTS), every line allocated,
and a treasury history of {args.history:,} rows imported by `mtqg import` (one transaction per
row). Monthly statement: {args.rows} rows. Each step in a fresh process (run.measure: wall time,
peak RSS); medians of {len(rounds)} rounds; ratios to `bean-check` cold in the same round set.
The serve steps time `mtqg serve` from its start to the disbursement page (the address it
prints) answered, then an import of the monthly statement and the page again (Fava reloads);
their memory is the server's peak over both (VmHWM). `serve` starts on the cache the first
`mtqg check` left: the snapshot, and what its child kept for a server (Fava's indexes, the
movement table: web.serve.keep_for_serving); "serve, the snapshot alone kept" removes those
first, so the server works them out. A command keeps the snapshot of a full
load in a child once it has answered (files.defer_writes); the bench waits for such children
after every step, and the row "its snapshot kept, after the answer" is the seconds the cold
report's child took after the report had printed, with that child's peak memory.

| step | wall s | runs s | peak MB | ÷ bean-check | memory ÷ | goal |
|---|---:|---|---:|---:|---:|---|
{chr(10).join(rows)}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "incremental")
    parser.add_argument("--reuse", action="store_true", help="keep books built before")
    parser.add_argument("--results", default=str(HERE / "RESULTS.md"),
                        help="RESULTS.md to update, or - to only print")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    env = child_env(args.out / "cache")
    check, mtqg = tools()
    pristine = args.out / "pristine"
    if args.reuse and pristine.exists():
        paths = {"books": args.out / "books",
                 "month12": args.out / f"statement-{args.rows}-12.xlsx"}
    else:
        paths = build(args.out, args.history, args.rows, mtqg, env)
        shutil.rmtree(pristine, ignore_errors=True)
        shutil.copytree(paths["books"], pristine)
    rounds = []
    for number in range(args.repeat):
        rounds.append(timed_steps(paths, args.out, env, check, mtqg))
        print(f"round {number + 1}: " + ", ".join(f"{k} {v[0]:.2f}s"
                                                 for k, v in rounds[-1].items()), flush=True)
    text = section(rounds, args, machine_info())
    print(text)
    if args.results != "-":
        from sections import replace_section

        replace_section(SECTION, text, Path(args.results))


if __name__ == "__main__":
    main()
