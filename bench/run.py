"""Time loading (``bean-check``) against ``mtqg report disbursement`` on synthetic books.

Usage::

    python bench/run.py [--sizes 10000,100000,300000] [--repeat 1] [--out bench/out]

For each size the script generates books with bench/generate.py, then runs, each in a
fresh subprocess whose wall time and peak RSS are measured (``os.wait4`` gives the
child's own resource usage):

a. ``bean-check main.beancount``, cold: Beancount's pickle cache removed;
b. ``mtqg report disbursement … --format json -o FILE``, cold: pickle cache removed and
   an empty ``MTQG_CACHE_DIR``;
c. the same report again, warm: mtqgledger's cache as (b) left it;
d. ``bean-check`` again, warm: Beancount's pickle cache as (b) left it.

It prints a Markdown table and rewrites bench/RESULTS.md (a hand-written ``## Notes``
section at its end is kept). ``bean-check`` and Python are taken from the running
interpreter's bin folder, and the children import mtqgledger from this checkout's
``src``, so the numbers describe the working tree.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import hashlib
import importlib.metadata
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SRC = ROOT / "src"
sys.path[:0] = [str(SRC), str(BENCH)]

import generate  # noqa: E402
from beancount import loader  # noqa: E402

# The report covers every plan year: the CLI's default is the current year only.
REPORT_ARGS = ("report", "disbursement", "--plan-year", "all", "--format", "json")
TIME_GOAL = 1.2
MEMORY_GOAL = 1.2
WARM_GOAL = 5.0  # "much faster": a warm report at least this many times faster than cold
NOTES_HEADING = "## Notes"


@dataclass
class Run:
    """One measured subprocess."""

    wall: float  # seconds
    cpu: float  # user + system seconds
    rss_mb: float  # peak resident set size, MB (2^20 bytes)


@dataclass
class SizeResult:
    size: int
    transactions: int
    lines: int
    file_mb: float
    generate_s: float
    check_cold: Run
    report_cold: Run
    report_warm: Run
    check_warm: Run
    pickle_cache_after_report: bool
    warm_cache_hit: bool

    @property
    def time_ratio(self) -> float:
        return self.report_cold.wall / self.check_cold.wall

    @property
    def memory_ratio(self) -> float:
        return self.report_cold.rss_mb / self.check_cold.rss_mb

    @property
    def warm_speedup(self) -> float:
        return self.report_cold.wall / self.report_warm.wall


# -- running commands ---------------------------------------------------------------------


def tools() -> tuple[list[str], list[str]]:
    """The bean-check and ``mtqg`` command lines of the running interpreter's environment."""
    bin_dir = Path(sys.executable).parent
    bean_check = bin_dir / "bean-check"
    check = ([str(bean_check)] if bean_check.exists()
             else [sys.executable, "-m", "beancount.scripts.check"])
    return check, [sys.executable, "-m", "mtqgledger.cli"]


def child_env(cache_dir: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    # Default caching behaviour for both tools, the bundled catalogue only.
    for name in ("BEANCOUNT_DISABLE_LOAD_CACHE", "BEANCOUNT_LOAD_CACHE_FILENAME", "MTQG_CACHE",
                 "MTQG_CATALOGUE"):
        env.pop(name, None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    if cache_dir is not None:
        env["MTQG_CACHE_DIR"] = str(cache_dir)
    return env


# Measures one command from inside a fresh, small interpreter. Linux carries the RSS high
# water mark of a process image over an exec, so a command started straight from this
# (large) script would report at least this script's peak as its own: the wrapper starts
# small, spawns the command and reads the command's own rusage with os.wait4.
WRAPPER = """
import json, os, sys, time
out, command = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.posix_spawn(command[0], command, os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(out, "w") as handle:
    json.dump({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
               "maxrss_kb": usage.ru_maxrss, "code": os.waitstatus_to_exitcode(status)}, handle)
"""


@functools.cache
def compile_sources() -> None:
    """Byte-compile this tree's package once, as an installed package is (pip compiles what
    it installs; with PYTHONDONTWRITEBYTECODE set, every timed command would compile it)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(SRC)], check=True,
                   stdout=subprocess.DEVNULL)


def measure(command: list[str], env: dict[str, str], what: str) -> Run:
    """Run ``command`` in its own process through the wrapper; fail loudly if it fails."""
    compile_sources()
    executable = shutil.which(command[0], path=env.get("PATH")) or command[0]
    with tempfile.TemporaryFile() as errors, tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "usage.json"
        wrapper = [sys.executable, "-I", "-S", "-c", WRAPPER, str(report), executable,
                   *command[1:]]
        subprocess.run(wrapper, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=errors, check=False)
        try:
            usage = json.loads(report.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            usage = {"code": "no report from the wrapper"}
        if usage["code"] != 0:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace")[-3000:]
            raise SystemExit(f"{what} failed (exit {usage['code']}): "
                             f"{' '.join(command)}\n{tail}")
    # Linux reports ru_maxrss in kilobytes.
    return Run(usage["wall"], usage["cpu"], usage["maxrss_kb"] / 1024)


def remove_pickle_cache(ledger: Path) -> None:
    cache = Path(loader.get_cache_filename(loader.PICKLE_CACHE_FILENAME, str(ledger)))
    cache.unlink(missing_ok=True)


def cache_state(folder: Path) -> dict[str, tuple[int, int]]:
    """Inode and modification time of every file in mtqgledger's cache folder."""
    if not folder.is_dir():
        return {}
    return {entry.name: (entry.stat().st_ino, entry.stat().st_mtime_ns)
            for entry in folder.iterdir()}


def pickle_cache_exists(ledger: Path) -> bool:
    return Path(loader.get_cache_filename(loader.PICKLE_CACHE_FILENAME, str(ledger))).exists()


def bench_size(size: int, out: Path, repeat: int, seed: int, provinces: int) -> SizeResult:
    folder = out / f"n{size}"
    start = time.perf_counter()
    summary = generate.generate(size, folder, seed, provinces)
    generate_s = time.perf_counter() - start
    ledger = Path(summary["path"]).resolve()
    check, mtqg = tools()
    runs: dict[str, list[Run]] = {"check_cold": [], "report_cold": [], "report_warm": [],
                                  "check_warm": []}
    pickled: list[bool] = []
    hits: list[bool] = []
    for _ in range(repeat):
        remove_pickle_cache(ledger)
        runs["check_cold"].append(measure([*check, str(ledger)], child_env(), "bean-check"))

        remove_pickle_cache(ledger)
        # The reports go to a folder of their own: mtqgledger's cache key includes the
        # listing of the ledger's folder, so an output written beside the ledger would
        # invalidate the cache before the warm run.
        scratch = Path(tempfile.mkdtemp(prefix="mtqg-bench-"))
        try:
            cache_dir = scratch / "cache"
            env = child_env(cache_dir)
            cold_out, warm_out = scratch / "report-cold.json", scratch / "report-warm.json"
            report = [*mtqg, *REPORT_ARGS, str(ledger), "-o"]
            runs["report_cold"].append(measure([*report, str(cold_out)], env, "report (cold)"))
            before = cache_state(cache_dir)
            if not before:
                raise SystemExit(f"the cold report left nothing in MTQG_CACHE_DIR={cache_dir}")
            pickled.append(pickle_cache_exists(ledger))
            runs["report_warm"].append(measure([*report, str(warm_out)], env, "report (warm)"))
            # A cache miss rewrites the cache file (os.replace gives it a new inode).
            hits.append(cache_state(cache_dir) == before)
            if cold_out.read_bytes() != warm_out.read_bytes():
                raise SystemExit(f"{size}: the warm report differs from the cold one")
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

        runs["check_warm"].append(measure([*check, str(ledger)], child_env(), "bean-check"))
    median = {key: Run(statistics.median(r.wall for r in values),
                       statistics.median(r.cpu for r in values),
                       statistics.median(r.rss_mb for r in values))
              for key, values in runs.items()}
    return SizeResult(size, summary["transactions"], summary["lines"],
                      summary["bytes"] / 1e6, generate_s, **median,
                      pickle_cache_after_report=all(pickled), warm_cache_hit=all(hits))


# -- describing the machine ---------------------------------------------------------------


def _proc_value(path: str, key: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                name, _, value = line.partition(":")
                if name.strip() == key:
                    return value.strip()
    except OSError:
        pass
    return None


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _git(*args: str) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                                check=True)
    except (OSError, subprocess.CalledProcessError):
        return ""
    return result.stdout.strip()


def source_digests() -> dict[str, str]:
    """SHA-256 of each package source, to notice edits made while the benchmark runs."""
    return {str(path.relative_to(SRC)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted((SRC / "mtqgledger").rglob("*"))
            if path.is_file() and path.suffix in (".py", ".toml")}


def changed_sources(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(name for name in before.keys() | after.keys()
                  if before.get(name) != after.get(name))


def machine_info() -> dict[str, str]:
    import mtqgledger

    memory = _proc_value("/proc/meminfo", "MemTotal")
    ram = f"{int(memory.split()[0]) / 2**20:.1f} GiB" if memory else "unknown"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    cores = f"{os.cpu_count()} logical" + (f", {usable} usable" if usable else "")
    commit = _git("rev-parse", "--short", "HEAD")
    if commit and _git("status", "--porcelain", "--untracked-files=no"):
        commit += " + uncommitted changes"
    return {
        "CPU": _proc_value("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
        "Cores": cores,
        "RAM": ram,
        "OS": platform.platform(),
        "Python": f"{platform.python_version()} ({sys.executable})",
        "beancount": _version("beancount"),
        "fava": _version("fava"),
        "mtqgledger": f"{mtqgledger.__version__} (git {commit or 'unknown'}, from {SRC})",
    }


# -- the report ---------------------------------------------------------------------------

COLUMNS = ("size", "transactions", "lines", "file MB", "gen s", "bean-check cold s",
           "bean-check cold MB", "report cold s", "report cold MB", "time ratio",
           "memory ratio", "report warm s", "report warm MB", "warm speed-up",
           "bean-check warm s")


def table(results: list[SizeResult]) -> str:
    rows = ["| " + " | ".join(COLUMNS) + " |", "|" + "---:|" * len(COLUMNS)]
    for r in results:
        cells = [f"{r.size // 1000}k" if r.size % 1000 == 0 else str(r.size),
                 f"{r.transactions:,}", f"{r.lines:,}", f"{r.file_mb:.1f}",
                 f"{r.generate_s:.1f}",
                 f"{r.check_cold.wall:.2f}", f"{r.check_cold.rss_mb:.0f}",
                 f"{r.report_cold.wall:.2f}", f"{r.report_cold.rss_mb:.0f}",
                 f"{r.time_ratio:.2f}×", f"{r.memory_ratio:.2f}×",
                 f"{r.report_warm.wall:.2f}", f"{r.report_warm.rss_mb:.0f}",
                 f"{r.warm_speedup:.1f}×", f"{r.check_warm.wall:.2f}"]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _worst(results: list[SizeResult], value, goal: float, label: str) -> str:
    worst = max(results, key=value)
    met = all(value(r) <= goal for r in results)
    spread = ", ".join(f"{r.size // 1000}k {value(r):.2f}×" for r in results)
    state = "**met**" if met else "**missed**"
    return (f"- {label} ≤ {goal}× bean-check's, cold: {state} "
            f"(worst {value(worst):.2f}× at {worst.size:,}; {spread})")


def verdicts(results: list[SizeResult]) -> list[str]:
    lines = [
        _worst(results, lambda r: r.time_ratio, TIME_GOAL, "Report wall time"),
        _worst(results, lambda r: r.memory_ratio, MEMORY_GOAL, "Report peak memory"),
    ]
    slowest = min(results, key=lambda r: r.warm_speedup)
    met = all(r.warm_speedup >= WARM_GOAL for r in results)
    spread = ", ".join(f"{r.size // 1000}k {r.report_warm.wall:.2f} s ({r.warm_speedup:.1f}×)"
                       for r in results)
    misses = [f"{r.size:,}" for r in results if not r.warm_cache_hit]
    lines.append(f"- Warm report much faster (≥ {WARM_GOAL:.0f}× faster than cold): "
                 f"{'**met**' if met else '**missed**'} (least {slowest.warm_speedup:.1f}× "
                 f"at {slowest.size:,}; {spread}"
                 + (f"; the warm run missed the cache at {', '.join(misses)})" if misses
                    else "; every warm run was served from the cache)"))
    return lines


def results_markdown(results: list[SizeResult], machine: dict[str, str], args, notes: str,
                     started: datetime.datetime, elapsed: float, changed: list[str]) -> str:
    check, _ = tools()
    info = "\n".join(f"- {key}: {value}" for key, value in machine.items())
    pickled = ", ".join(f"{r.size // 1000}k {'yes' if r.pickle_cache_after_report else 'no'}"
                        for r in results)
    warning = ("\n**Warning**: these package sources changed while the benchmark ran (the "
               "figures may mix versions if the measured commands use them): "
               f"{', '.join(f'`{name}`' for name in changed)}.\n" if changed else "")
    return f"""# Benchmark: loading (`bean-check`) vs `mtqg report disbursement`

Written by `bench/run.py` on {started:%Y-%m-%d %H:%M} UTC \
(`--sizes {args.sizes} --repeat {args.repeat} --seed {args.seed} \
--provinces {args.provinces}`, {elapsed / 60:.1f} min in all).
Re-run with `python bench/run.py`; everything above "{NOTES_HEADING}" is rewritten.

## Machine

{info}

## Method

- Books: `bench/generate.py N` writes one `main.beancount` with the budget-rule plugin,
  `open` directives (with `name:`/`role:` metadata) for the four roots of every line used,
  and N transactions over plan years 2021-2025 in {args.provinces} provinces: about 5 %
  allocations (`giao`, `bo-sung`, `dieu-chinh`), the rest advances, payments and advance
  settlements, all with provenance. Every generated file passes `bean-check` with no error.
- Each command runs in a fresh process, started by a small wrapper interpreter that
  times it and reads its peak RSS (`ru_maxrss`) with `os.wait4` (Linux carries a process's
  RSS high-water mark across `exec`, so spawning straight from the benchmark would add the
  benchmark's own memory). Figures are medians of {args.repeat} run(s). The ledger file
  sits in the OS page cache (written just before); "cold" means no application cache.
- bean-check: `{' '.join(Path(c).name for c in check[:1])} main.beancount`. Cold: Beancount's
  pickle cache (`.main.beancount.picklecache` beside the ledger) removed first. Warm: run
  last, with the pickle cache the cold report left (it existed: {pickled}).
- report: `python -m mtqgledger.cli {' '.join(REPORT_ARGS)} main.beancount -o FILE`
  (`--plan-year all`: every plan year, not only the default one). Cold: pickle cache
  removed and an empty `MTQG_CACHE_DIR`. Warm: the same command again with the cache the
  cold run wrote; its JSON output is checked to be identical to the cold run's.
- Ratios are report cold ÷ bean-check cold; warm speed-up is report cold ÷ report warm.

## Results

{table(results)}

## Verdict

{chr(10).join(verdicts(results))}
{warning}
{notes}"""


def existing_notes(path: Path) -> str:
    if path.exists():
        text = path.read_text(encoding="utf-8")
        index = text.find(f"\n{NOTES_HEADING}\n")
        if index >= 0:
            return text[index + 1:].rstrip() + "\n"
    return f"{NOTES_HEADING}\n\n(none yet)\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,300000",
                        help="comma-separated transaction counts")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement (median)")
    parser.add_argument("--out", type=Path, default=BENCH / "out",
                        help="folder for the generated books (git-ignored)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--provinces", type=int, default=6)
    parser.add_argument("--results", type=Path, default=BENCH / "RESULTS.md",
                        help="Markdown file to write; '-' to write none")
    args = parser.parse_args(argv)
    sizes = [int(part.replace("_", "")) for part in args.sizes.split(",") if part.strip()]
    if args.repeat < 1 or not sizes:
        parser.error("need at least one size and --repeat >= 1")

    started = datetime.datetime.now(datetime.UTC)
    clock = time.perf_counter()
    machine = machine_info()
    sources_before = source_digests()
    results = []
    for size in sizes:
        print(f"… {size:,} transactions", file=sys.stderr, flush=True)
        result = bench_size(size, args.out.resolve(), args.repeat, args.seed, args.provinces)
        results.append(result)
        print(f"  bean-check {result.check_cold.wall:.2f} s / {result.check_cold.rss_mb:.0f} MB,"
              f" report {result.report_cold.wall:.2f} s / {result.report_cold.rss_mb:.0f} MB, "
              f"warm {result.report_warm.wall:.2f} s, bean-check warm "
              f"{result.check_warm.wall:.2f} s", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - clock
    changed = changed_sources(sources_before, source_digests())
    if changed:
        print(f"warning: package sources changed during the run: {', '.join(changed)}",
              file=sys.stderr)

    print(table(results))
    print()
    print("\n".join(verdicts(results)))
    raw = {"started": started.isoformat(), "machine": machine, "args": vars(args) | {
        "out": str(args.out), "results": str(args.results)},
        "results": [asdict(r) for r in results]}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(raw, indent=1), encoding="utf-8")
    if str(args.results) != "-":
        notes = existing_notes(args.results)
        args.results.write_text(
            results_markdown(results, machine, args, notes, started, elapsed, changed),
            encoding="utf-8")
        print(f"\nwrote {args.results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
