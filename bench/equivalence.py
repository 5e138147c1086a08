#!/usr/bin/env python3
"""Many cases of tests/test_snapshot_equivalence.py: the snapshot loader against a full load.

    python bench/equivalence.py [--cases 200] [--seed 0] [--steps 10] [--transactions 240]
    python bench/equivalence.py --seed 0 --case 17      # one case again, every step shown
    python bench/equivalence.py --skip digit            # without a kind of change or edit

Each case makes small books (tests/change_books.py), applies ``--steps`` random changes
(three kinds forced per case, in turn, so every kind runs about equally often) and
after each compares mtqgledger.snapshot.load_books, then the same once more unchanged,
with Beancount's full load. Prints, for each kind of change, how load_books loaded the
changed books (full / snapshot / delta, split by whether the books had errors before:
with errors the fast path never applies) and every difference with the case to run
again. Exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from change_books import CHANGES, EDITS  # noqa: E402
from test_snapshot_equivalence import Step, run_case  # noqa: E402

FORCED_PER_CASE = 3
HOWS = ("full", "snapshot", "delta")


def forced_kinds(case: int) -> list[str]:
    kinds = sorted(CHANGES)
    return [kinds[(case * FORCED_PER_CASE + n) % len(kinds)] for n in range(FORCED_PER_CASE)]


def run(seed: int, cases: list[int], steps: int, transactions: int, verbose: bool,
        ) -> tuple[list[tuple[int, Step]], list[tuple[int, Step]]]:
    """Every step of every case, and the steps that found a difference."""
    done, failed = [], []
    with tempfile.TemporaryDirectory(prefix="mtqg-equivalence-") as folder:
        # A private cache and the bundled catalogue only, as tests/conftest.py gives a test.
        os.environ["MTQG_CACHE_DIR"] = str(Path(folder) / "cache")
        for name in ("MTQG_CACHE", "MTQG_CATALOGUE"):
            os.environ.pop(name, None)
        for case in cases:
            found = run_case(Path(folder) / f"case-{case}", f"{seed}-{case}", steps,
                             forced_kinds(case), transactions)
            os.environ.pop("MTQG_CATALOGUE", None)  # a change may have set it
            done += [(case, step) for step in found]
            failed += [(case, step) for step in found if step.difference]
            if verbose:
                for step in found:
                    print(step.describe(f"{seed}-{case}"))
    return done, failed


def summary(done: list[tuple[int, Step]]) -> list[str]:
    """Per kind: how the changed books were loaded, after clean books and after books
    with errors, and how they were loaded again unchanged."""
    table: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for _, step in done:
        if step.number:
            table[step.kind][("clean" if step.clean_before else "errors", step.how)] += 1
            table[step.kind][("again", step.again)] += 1
    head = f"{'change':26} {'steps':>5}  {'clean books: full/snap/delta':>28}  " \
           f"{'books with errors: full/snap/delta':>34}  {'again: full/snap/delta':>22}"
    lines = [head, "-" * len(head)]
    for kind in sorted(table):
        counts = table[kind]
        cells = ["/".join(str(counts[(state, how)]) for how in HOWS)
                 for state in ("clean", "errors", "again")]
        steps = sum(counts[("again", how)] for how in HOWS)
        lines.append(f"{kind:26} {steps:5}  {cells[0]:>28}  {cells[1]:>34}  {cells[2]:>22}")
    return lines


def missed_imports(seed: int, done: list[tuple[int, Step]]) -> list[str]:
    """Imports of valid transactions to books without errors that were loaded in full:
    the fast path could have taken them unless an earlier change left a reason."""
    found = [f"  case {seed}-{case} step {step.number} ({step.detail}), after "
             f"{before.kind} ({before.detail})"
             for (case, before), (_, step) in itertools.pairwise(done)
             if step.number and step.kind == "append_document" and step.clean_before
             and step.how == "full"]
    return [f"\nimports to books without errors loaded in full: {len(found)}", *found[:40]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--transactions", type=int, default=240)
    parser.add_argument("--case", type=int, help="run this case of the seed only, verbosely")
    parser.add_argument("--serving", action="store_true",
                        help="each load starts from the one before it in memory, as mtqg "
                             "serve reloads (snapshot.reuse_loads)")
    parser.add_argument("--skip", action="append", default=[], metavar="NAME",
                        help="leave out a kind of change (CHANGES) or of hand edit (EDITS), "
                             "e.g. to look past a known difference")
    args = parser.parse_args()
    for name in args.skip:
        if CHANGES.pop(name, None) is None and EDITS.pop(name, None) is None:
            parser.error(f"no change or edit {name!r}")
    if args.serving:
        from mtqgledger.snapshot import reuse_loads

        reuse_loads()
    cases = [args.case] if args.case is not None else list(range(args.cases))
    started = time.perf_counter()
    done, failed = run(args.seed, cases, args.steps, args.transactions, args.case is not None)
    elapsed = time.perf_counter() - started
    print("\n".join(summary(done)))
    hows = collections.Counter(step.how for _, step in done if step.number)
    print(f"\n{len(cases)} cases, {sum(1 for _, step in done if step.number)} steps in "
          f"{elapsed:.0f} s; changed books loaded: "
          + ", ".join(f"{how} {hows[how]}" for how in HOWS))
    print("\n".join(missed_imports(args.seed, done)))
    for case, step in failed:
        print(f"\nDIFFERENCE — {step.describe(f'{args.seed}-{case}')}\n  again: "
              f"python bench/equivalence.py --seed {args.seed} --case {case} "
              f"--steps {args.steps} --transactions {args.transactions}"
              + (" --serving" if args.serving else "")
              + "".join(f" --skip {name}" for name in args.skip))
    print(f"\n{len(failed)} difference(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
