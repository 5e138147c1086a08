"""Time `mtqg rollup` over a nation's Parquet export, beside the Python report on the same data.

Usage::

    python bench/rollup_bench.py [--movements 10000000] [--provinces 34] [--repeat 3]
    python bench/rollup_bench.py --movements 300000 --repeat 1 --results -   # a quick look

bench/rollup_generate.py writes the export folder under ``--out`` (reused when it was
generated with the same parameters). Then, each in a fresh process (run.measure: wall
time and peak RSS), medians of ``--repeat`` rounds: `mtqg rollup DIR --by project
--plan-year 2026 --as-of 2026-09-30 --format json -o FILE`, national and for one
province (Tuyên Quang, with Hà Giang merged into it), and the Python report on the same
files (``python-report`` below: pyarrow into ``Movement`` rows, then
``disbursement_report``), whose JSON must equal the roll-up's byte for byte. Where the
Python report would not fit in memory, ``--python-movements N`` runs it (and the
roll-up beside it) on a folder of N movements. One more run of each kind times its
phases from inside. It rewrites its section of bench/RESULTS.md (``--results -``:
only prints it).
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "src"), str(HERE)]

SECTION = "## National roll-up over Parquet (issue 13)"
AS_OF, PLAN_YEAR, PROVINCE = datetime.date(2026, 9, 30), 2026, "TuyenQuang"
REPORT = ("--by", "project", "--plan-year", str(PLAN_YEAR), "--as-of", AS_OF.isoformat(),
          "--format", "json")
GOALS = {"rollup national": (10.0, 2048.0), "rollup province": (2.0, None)}  # s, MB
STEPS = ("rollup national", "rollup province", "python national", "python province")
# outputs.parquet.ITEM_COLUMNS and AMOUNTS, not imported: the measured processes import
# only what they use
LEVELS = ("program", "project", "subproject", "content")
AMOUNTS = ("plan", "payments", "advances")


# -- the Python report on the same data, and the phases of each ---------------------------


def movements_of(path: Path) -> list:
    """One movement file as ``Movement`` rows (its province and plan year from its folders):
    each line, unit and day made once, then shared by the rows that name it."""
    import numpy as np
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from mtqgledger.figures.movements import Movement
    from mtqgledger.model.accounts import Line
    from mtqgledger.model.units import UnitRef

    province = path.parent.parent.name.partition("=")[2]
    year = int(path.parent.name.partition("=")[2])
    table = pq.read_table(path, columns=[*LEVELS, "source", "capital", "extended_into", "line",
                                         "unit", "unit_code", "date", *AMOUNTS])
    by_line = table["line"].combine_chunks().dictionary_encode()
    _, first = np.unique(by_line.indices.to_numpy(), return_index=True)
    lines = [Line(province, tuple(record[level] for level in LEVELS
                                  if record[level] is not None),
                  record["source"], record["capital"], year, record["extended_into"])
             for record in table.take(first).to_pylist()]
    unit_key = pc.binary_join_element_wise(pc.fill_null(table["unit"], ""),
                                           pc.fill_null(table["unit_code"], ""), "\x1f")
    by_unit = unit_key.combine_chunks().dictionary_encode()
    units = [UnitRef(*key.split("\x1f")) for key in by_unit.dictionary.to_pylist()]
    by_day = table["date"].combine_chunks().dictionary_encode()
    days = by_day.dictionary.to_pylist()
    return list(map(Movement, map(lines.__getitem__, by_line.indices.to_numpy().tolist()),
                    map(days.__getitem__, by_day.indices.to_numpy().tolist()),
                    *(table[name].to_numpy().tolist() for name in AMOUNTS),
                    map(units.__getitem__, by_unit.indices.to_numpy().tolist())))


def python_report(folder: Path, province: str | None = None, phases: dict | None = None):
    """``disbursement_report`` over every movement of the folder (of ``province`` and the
    provinces merged into it), as a province's own report adds its books up."""
    from mtqgledger.figures.disbursement import disbursement_report
    from mtqgledger.national.folder import National

    started = time.perf_counter()
    national = National([folder])
    catalogue = national.catalogue
    codes = None if province is None else [
        code for code in national.provinces if catalogue.current_province(code).code == province]
    table = []
    for name in national.movement_files(codes):
        table += movements_of(Path(name))
    read = time.perf_counter()
    report = disbursement_report(table, catalogue, as_of=AS_OF, budget_year=PLAN_YEAR,
                                 province=province, by="project",
                                 extensions=national.extensions)
    if phases is not None:
        phases |= {"read s": read - started, "report s": time.perf_counter() - read,
                   "movements": len(table)}
    return report


def rollup_phases(folder: Path, province: str | None) -> dict[str, float]:
    """What `mtqg rollup` does, timed step by step in this (fresh) process."""
    clock = [time.perf_counter()]

    def lap() -> float:
        clock.append(time.perf_counter())
        return clock[-1] - clock[-2]

    from mtqgledger.cli import main  # noqa: F401  (what the command imports)
    from mtqgledger.figures.disbursement import arranged_report
    from mtqgledger.national.folder import National
    from mtqgledger.national.rollup import Rollup
    from mtqgledger.outputs.disbursement import to_json

    lap()
    phases = {}
    national = National([folder])
    selection = Rollup(national, [province] if province else None)
    national.catalogue, national.extensions  # noqa: B018  (read once, as the report does)
    phases["manifests and catalogue s"] = lap()
    figures = selection.line_figures(AS_OF, PLAN_YEAR)
    phases["DuckDB query s"] = lap()
    report = arranged_report(figures, national.catalogue, as_of=AS_OF, budget_year=PLAN_YEAR,
                             province=province, by="project", extensions=national.extensions,
                             titles=national.catalogue_of)
    phases["arranged_report s"] = lap()
    to_json(report)
    phases["JSON s"] = lap()
    phases["lines"] = len(figures.by_line)
    return phases


def subcommand(argv: list[str]) -> None:
    """``python-report DIR OUT.json PHASES.json [PROVINCE]`` or ``rollup-phases DIR
    PHASES.json [PROVINCE]``: the fresh processes the bench measures."""
    from mtqgledger.outputs.disbursement import to_json

    if argv[0] == "rollup-phases":
        folder, phases_file, *province = argv[1:]
        phases = rollup_phases(Path(folder), province[0] if province else None)
    else:
        folder, out, phases_file, *province = argv[1:]
        phases = {}
        report = python_report(Path(folder), province[0] if province else None, phases)
        written = time.perf_counter()
        Path(out).write_text(to_json(report), encoding="utf-8")
        phases["JSON s"] = time.perf_counter() - written
    Path(phases_file).write_text(json.dumps(phases), encoding="utf-8")


# -- timing -------------------------------------------------------------------------------


def command(step: str, folder: Path, out: Path) -> list[str]:
    from run import tools

    province = ["--province", PROVINCE] if step.endswith("province") else []
    if step.startswith("rollup"):
        return [*tools()[1], "rollup", str(folder), *REPORT, *province, "-o", str(out)]
    return [sys.executable, str(Path(__file__).resolve()), "python-report", str(folder),
            str(out), str(out.with_suffix(".phases.json")), *province[1:]]


def timed(folder: Path, steps: list[str], repeat: int) -> dict[str, dict]:
    """Each step's runs (wall s, peak MB), its JSON's rows, and its phases from one more
    run; the Python report's JSON must be the roll-up's."""
    from run import child_env, measure

    found = {step: {"runs": []} for step in steps}
    with tempfile.TemporaryDirectory(prefix="rollup-bench-") as scratch:
        for number in range(repeat):
            outputs = {}
            for step in steps:
                outputs[step] = Path(scratch) / f"{step.replace(' ', '-')}.json"
                run = measure(command(step, folder, outputs[step]), child_env(), step)
                found[step]["runs"].append((run.wall, run.rss_mb))
                found[step]["rows"] = len(json.loads(outputs[step].read_text("utf-8")))
                print(f"round {number + 1}: {step} {run.wall:.2f} s {run.rss_mb:.0f} MB",
                      file=sys.stderr, flush=True)
            for where in ("national", "province"):
                mine, theirs = outputs.get(f"python {where}"), outputs.get(f"rollup {where}")
                if mine and theirs and mine.read_bytes() != theirs.read_bytes():
                    kept = [folder.parent / f"differs-{path.name}" for path in (mine, theirs)]
                    for path, copy in zip((mine, theirs), kept, strict=True):
                        copy.write_bytes(path.read_bytes())
                    raise SystemExit(f"{folder}: the Python report {where} differs from "
                                     f"mtqg rollup's (kept: {kept[0]}, {kept[1]})")
        for step in steps:
            found[step]["phases"] = phases_of(step, folder, Path(scratch))
    return found


def phases_of(step: str, folder: Path, scratch: Path) -> dict[str, float]:
    """The step's phases, timed from inside a fresh process; the rest of its wall time is
    the interpreter's start, the imports and the exit."""
    from run import child_env, measure

    out = scratch / "phases.json"
    args = [sys.executable, str(Path(__file__).resolve()), "rollup-phases", str(folder),
            str(out), *([PROVINCE] if step.endswith("province") else [])]
    if step.startswith("python"):
        args, out = command(step, folder, scratch / "phased.json"), \
            scratch / "phased.phases.json"
    run = measure(args, child_env(), f"{step} (phases)")
    phases = json.loads(out.read_text(encoding="utf-8"))
    inside = sum(value for name, value in phases.items() if name.endswith(" s"))
    return {"start-up and imports s": run.wall - inside, **phases}


# -- the results --------------------------------------------------------------------------


def _verdict(step: str, wall: float, rss: float) -> str:
    seconds, megabytes = GOALS.get(step, (None, None))
    parts = []
    if seconds is not None:
        parts.append(f"≤ {seconds:g} s " + ("met" if wall <= seconds else "**missed**"))
    if megabytes is not None:
        parts.append(f"≤ {megabytes / 1024:g} GB " + ("met" if rss <= megabytes else
                                                       "**missed**"))
    return ", ".join(parts) or "(beside it)"


def _phases(phases: dict) -> str:
    return ", ".join(f"{name.removesuffix(' s')} {value:.2f} s" if name.endswith(" s")
                     else f"{value:,} {name}" for name, value in phases.items())


def table(results: list[tuple[dict, dict]]) -> tuple[str, str]:
    """The timings table, and where each step's time went."""
    rows, phases = [], []
    label = {"rollup national": "`mtqg rollup` national",
             "rollup province": f"`mtqg rollup --province {PROVINCE}`",
             "python national": "Python report national",
             "python province": f"Python report {PROVINCE}"}
    for summary, found in results:
        for step, value in found.items():
            walls = [wall for wall, _ in value["runs"]]
            wall, rss = statistics.median(walls), statistics.median(r for _, r in value["runs"])
            rows.append(f"| {label[step]} | {summary['movements']:,} | {wall:.2f} | "
                        f"{', '.join(f'{w:.2f}' for w in walls)} | {rss:.0f} | "
                        f"{value['rows']:,} | {_verdict(step, wall, rss)} |")
            phases.append(f"- {label[step]} ({summary['movements']:,} movements): "
                          + _phases(value["phases"]))
    return "\n".join(rows), "\n".join(phases)


def section(results: list[tuple[dict, dict]], args, machine: dict[str, str]) -> str:
    summary = results[0][0]
    described = ", ".join(f"{key} {value}" for key, value in machine.items())
    rows, phases = table(results)
    return f"""{SECTION}

Written by `bench/rollup_bench.py` on {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} \
UTC (`--movements {args.movements} --provinces {args.provinces} --merged {args.merged} \
--seed {args.seed} --repeat {args.repeat}`; {described}).

Data (`bench/rollup_generate.py`, generated in {summary['generate_s']:.0f} s): \
{summary['books']} books, one per province, holding {len(summary['codes'])} province codes \
({', '.join(summary['merged'])} merged away, in their successors' books, to 2025), plan \
years {summary['years']}, {summary['lines']:,} lines ({summary['extended']:,} of them \
extended into the next year), {summary['units']:,} spending units, \
{summary['movements']:,} movements in {summary['files']} Parquet files: \
{summary['movements_mb']:.0f} MB on disk ({summary['mb']:.0f} MB with the dimension \
tables and manifests).

Each command in a fresh process (run.measure: wall time, peak RSS), medians of \
{args.repeat} rounds; the report is by project for plan year {PLAN_YEAR} (its own lines \
and the 2022-2025 money extended into it), as of {AS_OF:%d/%m/%Y}; the province is \
{PROVINCE}, with the lines of Hà Giang merged into it. The Python report reads the same \
files with pyarrow into `Movement` rows (each line, unit and day one object, shared) and \
calls `disbursement_report`; its JSON equalled the roll-up's byte for byte in every round. \
Rows: the report's rows.

| command | movements | wall s | runs s | peak MB | rows | goal |
|---|---:|---:|---|---:|---:|---|
{rows}

Where the time goes (one more run of each, timed from inside):

{phases}
"""


def main() -> None:
    if sys.argv[1:2] in (["python-report"], ["rollup-phases"]):
        subcommand(sys.argv[1:])
        return
    from rollup_generate import ensure
    from run import changed_sources, machine_info, source_digests

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movements", type=int, default=10_000_000)
    parser.add_argument("--python-movements", type=int,
                        help="run the Python report on a folder of this many movements "
                             "(default: the same folder)")
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--merged", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "rollup")
    parser.add_argument("--results", default=str(HERE / "RESULTS.md"),
                        help="RESULTS.md to update, or - to only print")
    args = parser.parse_args()
    shape = (args.provinces, args.merged, args.seed)
    before = source_digests()
    folder, summary = ensure(args.out, args.movements, *shape)
    apart = args.python_movements not in (None, args.movements)
    results = [(summary, timed(folder, list(STEPS[:2] if apart else STEPS), args.repeat))]
    if apart:
        folder, summary = ensure(args.out, args.python_movements, *shape)
        results.append((summary, timed(folder, list(STEPS), args.repeat)))
    text = section(results, args, machine_info())
    changed = changed_sources(before, source_digests())
    if changed:
        text += ("\n**Warning**: these package sources changed while the benchmark ran, so "
                 f"the figures may mix versions: {', '.join(f'`{n}`' for n in changed)}.\n")
    print(text)
    if args.results != "-":
        from sections import replace_section

        replace_section(SECTION, text, Path(args.results))


if __name__ == "__main__":
    main()
