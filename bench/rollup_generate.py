"""A nation's `mtqg export parquet` folder, generated: for bench/rollup_bench.py.

Usage::

    python bench/rollup_generate.py N OUT_DIR [--provinces 34] [--merged 3] [--seed 1]

Writes, with numpy and pyarrow (seeded, deterministic), a folder in exactly the export's
layout (outputs/parquet.py): one books per surviving province of the bundled catalogue,
the first ``--merged`` provinces merged away in their successor's books (plan years
2022-2025 only; the successors are chosen first), plan years 2022-2026 on the leaves of
the programmes in force (GNBV, DTTS, NTM to 2025, MTQG2635 from 2026), NSTW/NSDP ×
the item's capitals, spending units with Mã ĐVQHNS (3 % of the money with none), and
per line: its allocation early in the year, top-ups and cancellations, advances,
payments and recoveries of advances (negative advances), with decision or voucher,
file, sheet and row; about a sixth of the lines of 2022-2024 and 30 % of 2025's extended
into the next year (``K`` lines, spent then), 2025's by NQ 257/2025/QH15. One Parquet
file per province and plan year, the dimension tables as the export writes them, and
a manifest per books, so that `mtqg rollup` reads it as it reads real exports.
"""

from __future__ import annotations

import argparse
import datetime
import json
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "src"), str(HERE)]

from mtqgledger import __version__  # noqa: E402
from mtqgledger.figures.movement_rows import MovementRow  # noqa: E402
from mtqgledger.model.accounts import Line  # noqa: E402
from mtqgledger.model.catalogue import Catalogue  # noqa: E402
from mtqgledger.model.catalogue_files import load_catalogue  # noqa: E402
from mtqgledger.model.units import NO_UNIT, UnitRef  # noqa: E402
from mtqgledger.outputs import parquet  # noqa: E402

GENERATOR = 2  # raised whenever the generated data changes: a folder of another is remade
YEARS = range(2022, 2027)
EPOCH = datetime.date(1970, 1, 1)
# Row kinds (transaction ``kind`` metadata), what they change and their narration.
KINDS = ("giao", "bo-sung", "huy", "thanh-toan", "tam-ung", "thu-hoi-tam-ung", "keo-dai")
NARRATIONS = ("Giao kế hoạch vốn năm {y}", "Bổ sung kế hoạch vốn năm {y}",
              "Hủy dự toán năm {y}", "Thanh toán khối lượng hoàn thành",
              "Tạm ứng vốn theo hợp đồng", "Thu hồi tạm ứng",
              "Kéo dài thời gian thực hiện và giải ngân vốn năm {y}")
GIAO, BO_SUNG, HUY, THANH_TOAN, TAM_UNG, THU_HOI, KEO_DAI = range(len(KINDS))
UNIT_KINDS = ("UBND xã", "Ban QLDA ĐTXD huyện", "Phòng Dân tộc huyện",
              "Trường PTDTBT TH&THCS", "Trung tâm Y tế huyện", "Phòng Nông nghiệp huyện")
PLACES = ("Mường Tè", "Nậm Nhùn", "Sìn Hồ", "Phong Thổ", "Tam Đường", "Than Uyên", "Tân Uyên",
          "Bắc Mê", "Đồng Văn", "Mèo Vạc", "Quản Bạ", "Yên Minh", "Hoàng Su Phì", "Xín Mần",
          "Na Hang", "Lâm Bình", "Chiêm Hóa", "Hàm Yên", "Bảo Lâm", "Pác Nặm")


# -- the data -----------------------------------------------------------------------------


def choose_books(catalogue: Catalogue, count: int, merged: int) -> dict[str, list[str]]:
    """Each books' own province and the province codes it holds: the first ``merged``
    provinces merged away go into their successor's books (successors chosen first)."""
    gone = [code for code, found in catalogue.provinces.items() if found.successor][:merged]
    surviving = [code for code, found in catalogue.provinces.items() if not found.successor]
    successors = [catalogue.provinces[code].successor for code in gone]
    chosen = list(dict.fromkeys([*successors, *surviving]))[:count]
    return {code: [code, *(old for old in gone if catalogue.provinces[old].successor == code)]
            for code in chosen}


def leaves(catalogue: Catalogue, year: int) -> list[tuple[tuple[str, ...], list[str]]]:
    """(item path, capitals) of every leaf of the programmes in force in ``year``."""
    found = []
    for program in catalogue.programs.values():
        first, _, last = program.period.partition("-")
        if program.period and not int(first) <= year <= int(last or first):
            continue
        found += [(node.path, sorted(node.capitals) or ["DTPT", "SN"])
                  for node in catalogue.descendants(program.path) if not node.children]
    return found


def year_lines(catalogue: Catalogue, code: str, year: int, rng: np.random.Generator,
               ) -> tuple[list[Line], list[int]]:
    """A province's lines of a plan year, then the lines extended into the next year
    (``K`` lines), with the base line each extends."""
    base = []
    for path, capitals in leaves(catalogue, year):
        if rng.random() < 0.8:
            sources = ["NSTW", "NSDP"] if rng.random() < 0.4 else ["NSTW"]
            kept = [c for c in capitals if rng.random() < 0.7] or capitals[:1]
            base += [Line(code, path, source, capital, year)
                     for source in sources for capital in kept]
    share = 0.3 if year == 2025 else 0.15 if year < YEARS[-1] else 0.0
    extended = [n for n in range(len(base)) if rng.random() < share]
    return base + [base[n].extended(year + 1) for n in extended], extended


def _rows(lines: np.ndarray, kind: object, day: object, plan: object = 0,
          payments: object = 0, advances: object = 0) -> dict[str, np.ndarray]:
    n = lines.size
    return {"line": lines.astype(np.int32), "kind": np.broadcast_to(kind, n).astype(np.int8),
            "day": np.broadcast_to(day, n).astype(np.int32),
            **{name: np.broadcast_to(value, n).astype(np.int64) for name, value in
               (("plan", plan), ("payments", payments), ("advances", advances))}}


def _plan_rows(size: np.ndarray, n: int, span: tuple[int, int], rng: np.random.Generator,
               ) -> dict[str, np.ndarray]:
    """Each line's allocation early in the year, then top-ups and cancellations."""
    start, end = span
    lines = np.concatenate([np.arange(size.size),
                            rng.integers(0, size.size, max(0, n // 25 - size.size))])
    kind = np.where(rng.random(lines.size) < 0.75, BO_SUNG, HUY)
    kind[:size.size] = GIAO
    share = np.where(kind == GIAO, 0.85, rng.uniform(0.02, 0.1, lines.size)
                     * np.where(kind == HUY, -1 / 3, 1))
    day = np.where(kind == GIAO, start + rng.integers(0, 60, lines.size),
                   rng.integers(start + 60, end, lines.size))
    return _rows(lines, kind, day, plan=(size[lines] * share).round(-6))


def _spending_rows(lines: np.ndarray, target: np.ndarray, day: np.ndarray, end: int,
                   rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Payments and advances adding up to about ``target`` a line, and recoveries of about
    four fifths of each line's advances, dated in the second half of what is left of
    the year after ``day``."""
    share = rng.exponential(1.0, lines.size)
    share /= np.bincount(lines, share, target.size)[lines]
    amount = (target[lines] * share).round(-3)
    kind = rng.choice([THANH_TOAN, TAM_UNG, THU_HOI], lines.size, p=[0.55, 0.25, 0.2])
    advanced = np.bincount(lines, np.where(kind == TAM_UNG, amount, 0), target.size)
    kind[(kind == THU_HOI) & (advanced[lines] == 0)] = THANH_TOAN
    back = np.where(kind == THU_HOI, share, 0)
    back = (0.8 * advanced[lines] * back / np.maximum(np.bincount(lines, back, target.size)[lines],
                                                      1e-12)).round(-3)
    amount = np.where(kind == THU_HOI, back, amount)
    day = np.where(kind == THU_HOI, day + (end - 1 - day) * rng.uniform(0.5, 1, lines.size), day)
    return _rows(lines, kind, day, payments=np.where(kind == TAM_UNG, 0, amount),
                 advances=np.select([kind == TAM_UNG, kind == THU_HOI], [amount, -amount], 0))


def year_rows(lines: list[Line], extended: list[int], n: int, rng: np.random.Generator,
              ) -> dict[str, np.ndarray]:
    """About ``n`` rows over a partition's lines (numbered as ``lines``): kind, day since
    1970, plan, payments, advances; money extended early the next year is spent then."""
    base, ext = len(lines) - len(extended), np.asarray(extended, dtype=np.int64)
    start, end = ((datetime.date(y, 1, 1) - EPOCH).days for y in (lines[0].plan_year,
                                                                   lines[0].plan_year + 1))
    size = rng.lognormal(np.log(4e9), 1.0, base).round(-6)  # each line's plan
    plan = _plan_rows(size, n, (start, end), rng)
    moved = (size[ext] * rng.uniform(0.05, 0.25, ext.size)).round(-6)
    ext_day = end + int(rng.integers(5, 40))  # the extension decision, early next year
    extension = _rows(np.concatenate([ext, base + np.arange(ext.size)]), KEO_DAI, ext_day,
                      plan=np.concatenate([-moved, moved]))
    later_n = n // 10 if ext.size else 0
    own_n = max(0, n - plan["line"].size - extension["line"].size - later_n)
    target = rng.uniform(0.5, 0.95, len(lines)) * np.append(size, moved)
    own = _spending_rows(rng.integers(0, base, own_n), target,
                         start + rng.beta(1.8, 1.0, own_n) * (end - start), end, rng)
    later = _spending_rows(base + rng.integers(0, max(ext.size, 1), later_n), target,
                           ext_day + rng.beta(1.5, 1.2, later_n) * (end + 360 - ext_day),
                           end + 365, rng)
    return {key: np.concatenate([part[key] for part in (plan, extension, own, later)])
            for key in plan}


def decision_of(kind: int, day: int, year: int) -> str:
    """The decision a plan or extension row cites; 2025 money went on by NQ 257/2025/QH15."""
    if kind == KEO_DAI and year == 2025:
        return "257/2025/QH15"
    return f"{100 + (day * 37 + kind) % 2900}/QĐ-UBND"


def _texts(rows: dict[str, np.ndarray], year: int) -> dict[str, pa.Array]:
    """The provenance columns: decision or voucher, source file, sheet, row, ledger place."""
    n, kind, day = rows["line"].size, rows["kind"], rows["day"]
    cites = np.isin(kind, [GIAO, BO_SUNG, HUY, KEO_DAI])
    number = pc.cast(pa.array(100 + (day.astype(np.int64) * 37 + kind) % 2900), pa.string())
    decision = pc.binary_join_element_wise(number, "/QĐ-UBND", "")
    if year == 2025:
        decision = pc.if_else(pa.array(kind == KEO_DAI), "257/2025/QH15", decision)
    serial = pc.utf8_lpad(pc.cast(pa.array(np.arange(1, n + 1)), pa.string()), 7, "0")
    month = (day.astype("datetime64[D]").astype("datetime64[M]").astype(int)
             - (year - 1970) * 12)
    files = pa.array([f"quyet-dinh/QD-giao-von-{year}-{m % 12 + 1:02d}.xlsx" for m in range(24)]
                     + [f"kho-bac/sao-ke-{year + m // 12}-{m % 12 + 1:02d}.xlsx"
                        for m in range(24)])
    return {"decision": pc.if_else(pa.array(cites), decision, None),
            "decision_date": pc.if_else(pa.array(cites), pa.array(day, pa.date32()), None),
            "voucher": pc.if_else(pa.array(cites), None, pc.binary_join_element_wise(
                f"KB{year % 100}-", serial, "")),
            "source_file": files.take(pa.array(np.where(cites, 0, 24) + month)),
            "sheet": pa.array(["Phụ lục", "Sao kê"]).take(pa.array((~cites).astype(np.int8))),
            "row": pa.array(8 + np.arange(n) % 4000, pa.int64()),
            "ledger_file": pa.array([f"{year}.beancount"]).take(pa.array(np.zeros(n, int))),
            "ledger_line": pa.array(10 + 6 * np.arange(n), pa.int64())}


def partition_table(lines: list[Line], rows: dict[str, np.ndarray], units: list[UnitRef],
                    books: str) -> pa.Table:
    """The rows as the export's movement table, in the books' order (by day)."""
    order = np.argsort(rows["day"], kind="stable")
    rows = {key: values[order] for key, values in rows.items()}
    year = lines[0].plan_year
    at = pa.array(rows["line"])
    unit_at = pa.array(rows["unit"], mask=rows["unit"] < 0)
    columns = {level: pa.array([line.item_path[depth] if len(line.item_path) > depth else None
                                for line in lines], pa.string()).take(at)
               for depth, level in enumerate(parquet.ITEM_COLUMNS)}
    columns |= {
        "source": pa.array([line.source for line in lines]).take(at),
        "capital": pa.array([line.capital for line in lines]).take(at),
        "extended_into": pa.array([line.extended_into for line in lines], pa.int32()).take(at),
        "line": pa.array([line.name() for line in lines]).take(at),
        "unit": pa.array([unit.name for unit in units]).take(unit_at),
        "unit_code": pa.array([unit.code for unit in units]).take(unit_at),
        "date": pa.array(rows["day"], pa.date32()),
        **{name: pa.array(rows[name]) for name in parquet.AMOUNTS},
        "kind": pa.array(KINDS).take(pa.array(rows["kind"])),
        "narration": pa.array([text.format(y=year) for text in NARRATIONS]).take(
            pa.array(rows["kind"])),
        **_texts(rows, year),
        "books": pa.array([books]).take(pa.array(np.zeros(at.__len__(), int)))}
    return pa.Table.from_arrays([columns[field.name] for field in parquet.MOVEMENTS],
                                schema=parquet.MOVEMENTS)


def province_units(number: int, rng: np.random.Generator) -> list[UnitRef]:
    """The spending units of the ``number``-th province code: names unique in it, and codes
    (Mã ĐVQHNS) unique in the nation."""
    return [UnitRef(f"{UNIT_KINDS[i % len(UNIT_KINDS)]} "
                    f"{PLACES[(i // len(UNIT_KINDS) + number) % len(PLACES)]}",
                    str(1_000_000 + 1000 * number + i))
            for i in range(int(rng.integers(15, 60)))]


def partitions(catalogue: Catalogue, movements: int, provinces: int, merged: int,
               seed: int) -> list[tuple[str, str, int, int]]:
    """(books' province, province code, plan year, movements) of every partition: provinces
    of uneven size, more movements in later years, none after a province was merged away."""
    rng = np.random.default_rng(seed)
    parts = [(own, code, year) for own, codes in choose_books(catalogue, provinces,
                                                              merged).items()
             for code in codes for year in YEARS if code == own or year < 2026]
    size = {code: rng.lognormal(0, 0.5) for _, code, _ in parts}
    weights = np.array([size[code] * (1 + 0.1 * (year - YEARS[0])) for _, code, year in parts])
    counts = rng.multinomial(movements, weights / weights.sum())
    return [(*part, int(count)) for part, count in zip(parts, counts, strict=True)]


def write_partition(folder: Path, catalogue: Catalogue, part: tuple[str, str, int, int],
                    books: str, units: list[UnitRef], rng: np.random.Generator,
                    ) -> tuple[str, int, set[MovementRow], dict[tuple[int, int], str]]:
    """One movement file: its name, rows, (line, unit) pairs and extension decision."""
    _, code, year, n = part
    lines, extended = year_lines(catalogue, code, year, rng)
    rows = year_rows(lines, extended, n, rng)
    home = rng.integers(0, len(units), len(lines))
    rows["unit"] = (home[rows["line"]] + rng.integers(0, 4, rows["line"].size)) % len(units)
    rows["unit"][rng.random(rows["line"].size) < 0.03] = -1  # money no unit was named for
    name = f"movements/province={code}/plan_year={year}/{books}.parquet"
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(partition_table(lines, rows, units, books), folder / name,
                   compression="zstd")
    pairs = np.unique(rows["line"].astype(np.int64) * 1000 + rows["unit"] + 1)
    seen = {MovementRow(lines[pair // 1000], EPOCH, 0, 0, 0,
                        units[pair % 1000 - 1] if pair % 1000 else NO_UNIT, None, "", None,
                        None, None, None, None, None, None, None) for pair in pairs.tolist()}
    cited = {}
    if extended:
        day = int(rows["day"][rows["kind"] == KEO_DAI][0])
        cited[(year, year + 1)] = decision_of(KEO_DAI, day, year)
    return name, rows["line"].size, seen, cited


def write_books(folder: Path, catalogue: Catalogue, own: str,
                parts: list[tuple[str, str, int, int]], seed: int) -> dict[str, int]:
    """One province's books as `mtqg export parquet` writes them, manifest last."""
    codes = list(dict.fromkeys(code for _, code, _, _ in parts))
    ledger = f"/srv/mtqg/so-{own.lower()}/main.beancount"
    books = parquet.books_name(Path(ledger))
    numbers = {code: list(catalogue.provinces).index(code) for code in codes}
    units = {code: province_units(numbers[code], np.random.default_rng([seed, 1, numbers[code]]))
             for code in codes}
    files, rows, seen, cited = [], 0, set(), {}
    for part in parts:
        rng = np.random.default_rng([seed, 2, numbers[part[1]], part[2]])
        name, count, pairs, decisions = write_partition(folder, catalogue, part, books,
                                                        units[part[1]], rng)
        files.append(name)
        rows += count
        seen |= pairs
        for key, decision in decisions.items():
            cited.setdefault(key, []).append(decision)
    extensions = {key: tuple(dict.fromkeys(found)) for key, found in sorted(cited.items())}
    fingerprint = f"rollup-bench-{GENERATOR}-{seed}-{own}"
    export = parquet.Export(books, ledger, fingerprint, sorted(seen, key=lambda r: (
        r.line.sort_key, r.unit)), catalogue, [], extensions)
    files += parquet._write_dimensions(folder, export)  # as the export writes them
    manifest = pa.table({
        "books": [books], "ledger": [ledger], "fingerprint": [fingerprint],
        "schema_version": [parquet.SCHEMA_VERSION], "mtqgledger": [__version__],
        "exported_at": [datetime.datetime.now(datetime.UTC).replace(tzinfo=None)],
        "provinces": [sorted(codes)], "rows": [rows], "files": [sorted(files)]},
        schema=parquet.MANIFEST)
    (folder / "books").mkdir(parents=True, exist_ok=True)
    pq.write_table(manifest, folder / "books" / f"{books}.parquet", compression="zstd")
    return {"rows": rows, "lines": len({pair.line for pair in seen}),
            "extended": len({pair.line for pair in seen if pair.line.extended_into}),
            "units": len({(pair.line.province, pair.unit) for pair in seen
                          if pair.unit != NO_UNIT})}


def generate(folder: Path, movements: int, provinces: int = 34, merged: int = 3,
             seed: int = 1) -> dict[str, object]:
    """Write the export folder; what it holds."""
    catalogue = load_catalogue()
    started = time.perf_counter()
    every = partitions(catalogue, movements, provinces, merged, seed)
    totals = {"rows": 0, "lines": 0, "extended": 0, "units": 0}
    books = list(dict.fromkeys(own for own, _, _, _ in every))
    for own in books:
        found = write_books(folder, catalogue, own, [p for p in every if p[0] == own], seed)
        totals = {key: totals[key] + found[key] for key in totals}
    files = list((folder / "movements").rglob("*.parquet"))
    return {"books": len(books), "codes": sorted({code for _, code, _, _ in every}),
            "merged": sorted({code for own, code, _, _ in every if code != own}),
            "years": f"{YEARS[0]}-{YEARS[-1]}", "movements": totals["rows"],
            "lines": totals["lines"], "extended": totals["extended"], "units": totals["units"],
            "files": len(files), "mb": sum(path.stat().st_size for path in folder.rglob("*")
                                            if path.is_file()) / 2**20,
            "movements_mb": sum(path.stat().st_size for path in files) / 2**20,
            "generate_s": time.perf_counter() - started}


def ensure(out: Path, movements: int, provinces: int = 34, merged: int = 3, seed: int = 1,
           ) -> tuple[Path, dict[str, object]]:
    """The folder of these parameters under ``out``, generated unless it is there already
    (its ``generated.json``, written last, records the parameters and what it holds)."""
    params = {"generator": GENERATOR, "movements": movements, "provinces": provinces,
              "merged": merged, "seed": seed}
    place = out / f"m{movements}-p{provinces}-g{merged}-s{seed}"
    record = place / "generated.json"
    if record.is_file():
        found = json.loads(record.read_text(encoding="utf-8"))
        if found["params"] == params:
            return place / "export", found["summary"]
    shutil.rmtree(place, ignore_errors=True)
    summary = generate(place / "export", movements, provinces, merged, seed)
    record.write_text(json.dumps({"params": params, "summary": summary}, indent=1),
                      encoding="utf-8")
    return place / "export", summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("movements", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--merged", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if (args.out / "books").exists():
        parser.error(f"{args.out} holds an export already")
    print(json.dumps(generate(args.out, args.movements, args.provinces, args.merged,
                              args.seed), indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
