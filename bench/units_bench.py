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


def loads(trees: dict[str, Path], books: dict[str, Path], repeat: int,
          cache: Path) -> list[tuple[str, str, str, float, float]]:
    """Each step on each books, the trees taking turns run by run, so that the machine's
    drift over the minutes of a benchmark falls on both alike."""
    python = sys.executable
    check = [str(Path(python).parent / "bean-check")]
    rows = []
    for books_name, ledger in books.items():
        report = [python, "-m", "mtqgledger.cli", "report", "disbursement", "--plan-year",
                  "all", "--format", "json", str(ledger), "-o", str(cache.parent / "r.json")]
        steps = {"bean-check": [*check, str(ledger)], "report": report,
                 "report --by unit": [*report, "--by", "unit"]}
        for step, command in steps.items():
            # Units books name rules the code before does not know; it has no --by unit.
            runs: dict[str, list] = {name: [] for name in trees
                                     if name == "after" or (books_name == "plain"
                                                            and step != "report --by unit")}
            for _ in range(repeat):
                for tree_name in runs:
                    env = env_for(trees[tree_name], cache)
                    remove_pickle_cache(ledger)
                    shutil.rmtree(cache, ignore_errors=True)
                    runs[tree_name].append(measure(command, env, f"{tree_name} {step}"))
            for tree_name, measured in runs.items():
                wall = statistics.median(run.wall for run in measured)
                peak = max(run.rss_mb for run in measured)
                rows.append((tree_name, books_name, step, wall, peak))
                print(f"{tree_name:6} {books_name:5} {step:16} {wall:7.2f} s {peak:6.0f} MB",
                      flush=True)
    return rows


def imports(trees: dict[str, Path], rows: int, repeat: int,
            out: Path) -> list[tuple[str, float, float]]:
    """``mtqg import`` of the import benchmark's statement into its books, per tree."""
    import import_bench

    statement = out / f"statement-{rows}.xlsx"
    mtqg = [sys.executable, "-m", "mtqgledger.cli"]
    envs = {name: {**os.environ, "PYTHONPATH": str(tree / "src"), "MTQG_CACHE": "0"}
            for name, tree in trees.items()}
    for name in trees:  # each tree's own `mtqg init`, the same allocations
        books = out / f"books-{name}"
        lines = import_bench.make_books(books, mtqg, envs[name])
        shutil.rmtree(out / f"pristine-{name}", ignore_errors=True)
        shutil.copytree(books, out / f"pristine-{name}")
    if not statement.exists():
        import_bench.load_samples_module().treasury_statement(
            statement, import_bench.movements(lines, rows))
    runs: dict[str, list] = {name: [] for name in trees}
    for _ in range(repeat):
        for name in trees:
            books = out / f"books-{name}"
            shutil.rmtree(books)
            shutil.copytree(out / f"pristine-{name}", books)
            runs[name].append(measure([*mtqg, "import", str(statement), "--ledger",
                                       str(books / "main.beancount")], envs[name],
                                      f"{name} import"))
    results = []
    for name, measured in runs.items():
        results.append((name, statistics.median(run.wall for run in measured),
                        max(run.rss_mb for run in measured)))
        print(f"{name:6} import {rows} rows {results[-1][1]:7.2f} s {results[-1][2]:6.0f} MB",
              flush=True)
    return results


def section(args, base: str, head: str, load_rows, import_rows) -> str:
    by = {(tree, books, step): (wall, peak) for tree, books, step, wall, peak in load_rows}
    lines = [SECTION, "",
             f"`bench/units_bench.py --size {args.size} --rows {args.rows} --repeat "
             f"{args.repeat} --base {base}`: before = `{base}` (no unit dimension), after = "
             f"`{head}`. Medians of {args.repeat} cold runs in fresh processes, the two "
             "trees taking turns run by run; MB = peak "
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
