#!/usr/bin/env python3
"""What the spending-unit dimension (issue 11) costs: load, report and import, before/after.

    python bench/units_bench.py [--size 100000] [--rows 100000] [--repeat 3] [--base REV]

Times, in fresh processes (medians, peak RSS as bench/run.py measures them), the code
before the unit dimension (``--base``, checked out as a git worktree under bench/out)
and this checkout on the same generated books:

- ``plain``: bench/generate.py books, treasury movements naming their unit by payee
  only (as hand-written books do); the lines are not divided among units.
- ``units``: the same transactions with every line's plan given to one unit by a
  ``unit:`` on each transaction (a posting's own on a decision over several lines), so
  that every line is checked per unit.

For each: ``bean-check`` cold (the budget-rule plugin of that tree), ``mtqg report
disbursement --plan-year all --format json`` cold, and, for this checkout, ``--by unit``.
Then ``mtqg import`` of a statement of ``--rows`` rows into allocated books
(bench/import_bench.py's books and statement) with each tree. The section "Cost of the
spending-unit dimension" of bench/RESULTS.md is rewritten.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SECTION = "## Cost of the spending-unit dimension (issue 11)"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

from generate import generate  # noqa: E402
from run import measure, remove_pickle_cache  # noqa: E402


def base_tree(rev: str, out: Path) -> Path:
    """A worktree of ``rev`` to time the code before the change with."""
    tree = out / f"base-{rev[:10]}"
    if not tree.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), rev],
                       check=True, stdout=subprocess.DEVNULL)
    return tree


def env_for(tree: Path, cache: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("MTQG_CACHE", "MTQG_CATALOGUE", "BEANCOUNT_DISABLE_LOAD_CACHE")}
    env["PYTHONPATH"] = str(tree / "src")
    env["MTQG_CACHE_DIR"] = str(cache)
    return env


def timed(command: list[str], env: dict[str, str], ledger: Path | None, repeat: int,
          what: str) -> tuple[float, float]:
    """(median wall s, max peak MB) of ``command`` run cold ``repeat`` times."""
    walls, peaks = [], []
    for _ in range(repeat):
        if ledger is not None:
            remove_pickle_cache(ledger)
        shutil.rmtree(env["MTQG_CACHE_DIR"], ignore_errors=True)
        run = measure(command, env, what)
        walls.append(run.wall)
        peaks.append(run.rss_mb)
    return statistics.median(walls), max(peaks)


def loads(trees: dict[str, Path], books: dict[str, Path], repeat: int,
          cache: Path) -> list[tuple[str, str, str, float, float]]:
    python = sys.executable
    check = [str(Path(python).parent / "bean-check")]
    rows = []
    for tree_name, tree in trees.items():
        env = env_for(tree, cache)
        for books_name, ledger in books.items():
            if tree_name == "before" and books_name == "units":
                continue  # the plugin options of units books are new
            report = [python, "-m", "mtqgledger.cli", "report", "disbursement",
                      "--plan-year", "all", "--format", "json", str(ledger), "-o",
                      str(cache.parent / "report.json")]
            steps = [("bean-check", [*check, str(ledger)]), ("report", report)]
            if tree_name == "after":
                steps.append(("report --by unit", [*report[:-2], "--by", "unit", "-o",
                                                   str(cache.parent / "units.json")]))
            for step, command in steps:
                wall, peak = timed(command, env, ledger, repeat, f"{tree_name} {step}")
                rows.append((tree_name, books_name, step, wall, peak))
                print(f"{tree_name:6} {books_name:5} {step:16} {wall:7.2f} s {peak:6.0f} MB",
                      flush=True)
    return rows


def imports(trees: dict[str, Path], rows: int, repeat: int,
            out: Path) -> list[tuple[str, float, float]]:
    """``mtqg import`` of the import benchmark's statement into its books, per tree."""
    import import_bench

    statement = out / f"statement-{rows}.xlsx"
    results = []
    for tree_name, tree in trees.items():
        env = {**os.environ, "PYTHONPATH": str(tree / "src"), "MTQG_CACHE": "0"}
        mtqg = [sys.executable, "-m", "mtqgledger.cli"]
        books = out / f"books-{tree_name}"
        lines = import_bench.make_books(books, mtqg, env)
        if not statement.exists():
            import_bench.load_samples_module().treasury_statement(
                statement, import_bench.movements(lines, rows))
        pristine = out / f"pristine-{tree_name}"
        shutil.rmtree(pristine, ignore_errors=True)
        shutil.copytree(books, pristine)
        walls, peaks = [], []
        for _ in range(repeat):
            shutil.rmtree(books)
            shutil.copytree(pristine, books)
            run = measure([*mtqg, "import", str(statement), "--ledger",
                           str(books / "main.beancount")], env, f"{tree_name} import")
            walls.append(run.wall)
            peaks.append(run.rss_mb)
        results.append((tree_name, statistics.median(walls), max(peaks)))
        print(f"{tree_name:6} import {rows} rows {results[-1][1]:7.2f} s "
              f"{results[-1][2]:6.0f} MB", flush=True)
    return results


def section(args, base: str, head: str, load_rows, import_rows) -> str:
    by = {(tree, books, step): (wall, peak) for tree, books, step, wall, peak in load_rows}
    lines = [SECTION, "",
             f"`bench/units_bench.py --size {args.size} --rows {args.rows} --repeat "
             f"{args.repeat} --base {base}`: before = `{base}` (no unit dimension), after = "
             f"`{head}`. Medians of {args.repeat} cold runs in fresh processes; MB = peak "
             "RSS. `plain` books name units by payee only (no line divided among units); "
             "`units` books give every line's plan to a unit (`unit:` metadata), so every "
             "movement is checked per unit.", "",
             "| step | books | before s | before MB | after s | after MB | after ÷ before |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for books in ("plain", "units"):
        for step in ("bean-check", "report", "report --by unit"):
            after = by.get(("after", books, step))
            if after is None:
                continue
            before = by.get(("before", "plain", step if step != "report --by unit"
                             else "report"))
            ratio = f"{after[0] / before[0]:.2f}×" if before else "–"
            lines.append(f"| {step} | {books} | {before[0]:.2f} | {before[1]:.0f} | "
                         f"{after[0]:.2f} | {after[1]:.0f} | {ratio} |" if before else
                         f"| {step} | {books} | – | – | {after[0]:.2f} | {after[1]:.0f} | – |")
    imported = dict((tree, (wall, peak)) for tree, wall, peak in import_rows)
    if "before" in imported and "after" in imported:
        before, after = imported["before"], imported["after"]
        lines.append(f"| import of {args.rows:,} rows | statement | {before[0]:.2f} | "
                     f"{before[1]:.0f} | {after[0]:.2f} | {after[1]:.0f} | "
                     f"{after[0] / before[0]:.2f}× |")
    lines.append("")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="transactions in the books")
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the statement")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--base", default="fc1cfc8", help="the revision before issue 11")
    parser.add_argument("--out", type=Path, default=HERE / "out" / "units")
    parser.add_argument("--results", default="bench/RESULTS.md",
                        help="'-' to print only")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    trees = {"before": base_tree(args.base, HERE / "out"), "after": ROOT}
    books = {}
    for name, units in (("plain", False), ("units", True)):
        summary = generate(args.size, args.out / name, units=units)
        books[name] = Path(summary["path"])
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder) / "cache"
        load_rows = loads(trees, books, args.repeat, cache)
    import_rows = imports(trees, args.rows, args.repeat, args.out)
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip()
    text = section(args, args.base, head + " (+ uncommitted)" if subprocess.run(
        ["git", "-C", str(ROOT), "diff", "--quiet", "HEAD", "--", "src"]).returncode else head,
        load_rows, import_rows)
    print(text)
    if args.results != "-":
        from sections import replace_section

        replace_section(SECTION, text)


if __name__ == "__main__":
    main()
