"""Generate synthetic MTQG books for the benchmark.

Usage::

    python bench/generate.py N OUT_DIR [--seed S] [--provinces K]

Writes ``OUT_DIR/main.beancount``: the usual options, the budget-rule plugin, ``open``
directives (with ``name:`` / ``role:`` metadata) for the four roots of every line used, and
exactly N transactions for plan years 2021-2025, deterministic for a seed.

Shapes follow the sample books (ledgers/laichau):

* ``giao`` allocations: one decision per province, programme and plan year in early
  January, allocating every active line of the programme (Appropriation + / Allocated -);
* ``bo-sung`` supplementary allocations and ``dieu-chinh`` adjustments moving plan between
  two lines, spread over the year (all allocations together are about 5 % of N);
* ``tam-ung`` advances (Advance + / Appropriation -), ``thanh-toan`` payments
  (Disbursed + / Appropriation -, sometimes also recovering part of an advance) and
  ``thu-hoi-tam-ung`` settlements (Disbursed + / Advance -).

The generator keeps every line's unused appropriation and outstanding advance
non-negative after each transaction, dates everything inside its plan year (so investment
money is always spent before its 31/01 deadline) and gives every transaction its
provenance (``decision`` + ``decision_date`` or ``voucher``), so the books pass
``bean-check`` with the strict budget-rule plugin. One large investment line per year gets
an allocation and a payment above 10^12 đồng, so national totals exceed 10^13.

Postings follow mtqgledger.model.postings and the text is written by
mtqgledger.outputs.beancount_text, as ``mtqg import`` writes it.
"""

from __future__ import annotations

import argparse
import datetime
import math
import random
import sys
import zlib
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from beancount.core import amount as amounts
from beancount.core import data

from mtqgledger.model import postings as patterns
from mtqgledger.model.accounts import Line, Root
from mtqgledger.model.catalogue import Catalogue
from mtqgledger.model.catalogue_files import load_catalogue
from mtqgledger.outputs.beancount_text import format_entries, format_transaction, open_entries
from mtqgledger.outputs.newbooks import lines_for

PROGRAMS = ("GNBV", "DTTS", "NTM")
SOURCES = ("NSDP", "NSTW")
YEARS = tuple(range(2021, 2026))
# Provinces of the northern mountains first, then the rest of the catalogue's order.
PREFERRED_PROVINCES = ("LaiChau", "LaoCai", "TuyenQuang", "DienBien", "SonLa", "CaoBang",
                       "LangSon", "ThaiNguyen", "PhuTho", "ThanhHoa", "NgheAn", "GiaLai")
ALLOCATION_SHARE = 0.05
TX_PER_LINE = 20  # with few transactions, open only about this many per line
MIN_LINES = 12
MEDIAN_AMOUNT = 300_000_000  # đồng; spending amounts are log-normal around this
SIGMA = 1.0
MIN_AMOUNT = 1_000_000
BIG = 10**12
BIG_ITEM = ("GNBV", "DA1", "TDA1")  # its NSTW investment line gets amounts above BIG

PAYEES = (
    "Ban QLDA đầu tư xây dựng huyện",
    "Ban QLDA các công trình dân dụng và công nghiệp tỉnh",
    "Sở Nông nghiệp và Môi trường",
    "Sở Dân tộc và Tôn giáo",
    "Sở Nội vụ",
    "Sở Giáo dục và Đào tạo",
    "Trường Cao đẳng tỉnh",
    "Trung tâm Dịch vụ việc làm tỉnh",
    "Trung tâm Y tế huyện",
    "UBND xã",
)
WORKS = (
    "đường giao thông nông thôn", "nước sinh hoạt tập trung", "trường học điểm bản",
    "nhà văn hóa thôn", "kênh mương nội đồng", "đào tạo nghề cho lao động nông thôn",
    "hỗ trợ phát triển sản xuất", "cải thiện dinh dưỡng trẻ em", "trạm y tế xã",
    "hỗ trợ nhà ở hộ nghèo",
)


@dataclass
class LineState:
    """One active line: its account names and the balances the rules watch."""

    line: Line
    appropriation: int = 0
    advance: int = 0


class Books:
    """Accumulates the text of the ledger and the counts reported at the end."""

    def __init__(self, units: bool = False) -> None:
        self.units = units  # every line's money given to one spending unit (issue 11)
        self.parts: list[str] = []
        self.kinds: Counter[str] = Counter()
        self.max_amount = 0
        self.plan_total = 0
        self.disbursed_total = 0

    def transaction(self, day: datetime.date, payee: str, narration: str, meta: dict,
                    postings: list[tuple[str, int]], kind: str) -> None:
        total = 0
        for account, value in postings:
            total += value
            self.max_amount = max(self.max_amount, abs(value))
            if account.startswith(Root.ALLOCATED.value):
                self.plan_total -= value
            elif account.startswith(Root.DISBURSED.value):
                self.disbursed_total += value
        assert total == 0, (day, narration, postings)
        meta = {**meta, "kind": kind}
        posting_units: dict[str, dict] = {}
        if self.units:
            lines = {account.split(":", 2)[-1] for account, _ in postings}
            if len(lines) == 1:  # as imports write it: the transaction names the unit
                meta["unit"] = unit_of(lines.pop())
            else:  # a decision over several lines: each posting its line's unit
                posting_units = {line: {"unit": unit_of(line)} for line in lines}
        entry = data.Transaction(
            meta, day, "*", payee, narration, frozenset(), frozenset(),
            [data.Posting(account, amounts.Amount(Decimal(value), "VND"), None, None, None,
                          posting_units.get(account.split(":", 2)[-1]))
             for account, value in postings])
        self.parts.append(format_transaction(entry) + "\n")
        self.kinds[kind] += 1


def unit_of(line: str) -> str:
    """The one spending unit a line's money is given to in books made with --units."""
    return f"{PAYEES[zlib.crc32(line.encode()) % len(PAYEES)]} ({line.split(':', 1)[0]})"


def header(catalogue: Catalogue, units: bool = False) -> str:
    # Random spending does not recover advances by 80 % of each unit's plan (NĐ 254):
    # books with units keep that rule as a warning, as a province may choose to.
    rules = ' "warn=advance_recovery"' if units else ""
    return f"""; Sổ vốn các chương trình mục tiêu quốc gia – dữ liệu tổng hợp
; (synthetic benchmark books)
; Generated by bench/generate.py: every figure, decision and voucher is made up.

option "title" "Sổ vốn CTMTQG – dữ liệu tổng hợp (benchmark)"
option "operating_currency" "VND"
option "display_precision" "VND:1"

{YEARS[0]}-01-01 commodity VND
  name: "Việt Nam đồng"
  precision: 0

{YEARS[0]}-01-01 custom "fava-option" "locale" "vi_VN"

plugin "mtqgledger.plugins.budget_rules"{rules}

"""


def pick_provinces(catalogue: Catalogue, count: int) -> list[str]:
    in_force = [code for code, p in catalogue.provinces.items() if not p.successor]
    ordered = [c for c in PREFERRED_PROVINCES if c in in_force]
    ordered += [c for c in in_force if c not in ordered]
    if not 1 <= count <= len(ordered):
        raise SystemExit(f"--provinces must be between 1 and {len(ordered)}")
    return ordered[:count]


def amount(rng: random.Random) -> int:
    """A spending amount in whole đồng: mostly round thousands, sometimes to the đồng."""
    value = int(rng.lognormvariate(math.log(MEDIAN_AMOUNT), SIGMA))
    if rng.random() < 0.9:
        value -= value % 1000
    return max(value, MIN_AMOUNT)


def round_million(value: float) -> int:
    return max(int(value) // 1_000_000 * 1_000_000, 1_000_000)


def spread_dates(rng: random.Random, year: int, count: int, first: datetime.date) -> list:
    """``count`` sorted random dates from ``first`` to 31/12 of ``year``."""
    span = (datetime.date(year, 12, 31) - first).days
    offsets = sorted(rng.randrange(span + 1) for _ in range(count))
    return [first + datetime.timedelta(days=d) for d in offsets]


class Generator:
    def __init__(self, n: int, seed: int, provinces: int, units: bool = False) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.catalogue = load_catalogue()
        self.provinces = pick_provinces(self.catalogue, provinces)
        self.books = Books(units)
        self.opens: list[str] = []
        self.voucher_seq: Counter[tuple[str, int]] = Counter()
        self.decision_seq: Counter[tuple[str, int]] = Counter()
        self.big: LineState | None = None

    # -- provenance ------------------------------------------------------------------------

    def voucher(self, province: str, year: int) -> dict[str, object]:
        self.voucher_seq[province, year] += 1
        number = self.voucher_seq[province, year]
        return {"voucher": f"KB-{province}-{year % 100:02d}-{number:06d}"}

    def decision(self, province: str, day: datetime.date) -> dict[str, object]:
        self.decision_seq[province, day.year] += 1
        signed = day - datetime.timedelta(days=self.rng.randint(1, 5))
        return {"decision": f"{self.decision_seq[province, day.year]}/QĐ-UBND",
                "decision_date": signed}

    # -- lines -----------------------------------------------------------------------------

    def active_lines(self, province: str, year: int, slots: int, big: bool) -> list[LineState]:
        """The lines one province uses in one plan year, with their ``open`` directives."""
        candidates = lines_for(self.catalogue, province, PROGRAMS, year, SOURCES)
        wanted = min(len(candidates), max(MIN_LINES, slots // TX_PER_LINE))
        chosen = sorted(self.rng.sample(range(len(candidates)), wanted))
        big_index = next(i for i, (line, _) in enumerate(candidates)
                         if line.item_path == BIG_ITEM and (line.source, line.capital)
                         == ("NSTW", "DTPT"))
        if big and big_index not in chosen:
            chosen = sorted([big_index, *chosen[1:]])
        states = []
        for index in chosen:
            line, _ = candidates[index]
            state = LineState(line)
            states.append(state)
            if big and index == big_index:
                self.big = state
            self.opens.append(format_entries(open_entries(line, self.catalogue,
                                                          datetime.date(year, 1, 1))) + "\n")
        return states

    # -- transactions ----------------------------------------------------------------------

    def allocate(self, day: datetime.date, province: str, title: str, narration: str,
                 grants: list[tuple[LineState, int]], kind: str) -> None:
        postings = []
        for state, value in grants:
            postings += patterns.ALLOCATION.postings(state.line, value)
            state.appropriation += value
        self.books.transaction(day, f"UBND tỉnh {title}", narration,
                               self.decision(province, day), postings, kind)

    def adjust(self, day: datetime.date, province: str, title: str, source: LineState,
               target: LineState) -> bool:
        moved = round_million(source.appropriation * self.rng.uniform(0.05, 0.2))
        if moved > source.appropriation:
            return False
        source.appropriation -= moved
        target.appropriation += moved
        self.books.transaction(day, f"UBND tỉnh {title}",
                               f"Điều chỉnh kế hoạch vốn năm {day.year} giữa các dự án",
                               self.decision(province, day),
                               patterns.adjustment(source.line, target.line, moved),
                               patterns.ADJUSTMENT_CODE)
        return True

    def spend(self, day: datetime.date, province: str, state: LineState,
              forced: int | None = None) -> bool:
        """One treasury movement on a line; False when the line has nothing left to move."""
        rng = self.rng
        line = state.line
        payee = rng.choice(PAYEES)
        work = rng.choice(WORKS)
        contract = rng.randrange(1, 999)
        roll = rng.random()
        if forced is not None:
            postings = patterns.PAYMENT.postings(line, forced)
            state.appropriation -= forced
            kind, text = patterns.PAYMENT, f"Thanh toán khối lượng hoàn thành công trình {work}"
        elif state.advance > 0 and roll < 0.2:
            settled = state.advance if rng.random() < 0.5 else max(
                1, int(state.advance * rng.uniform(0.2, 0.9)))
            state.advance -= settled
            postings = patterns.SETTLEMENT.postings(line, settled)
            kind, text = patterns.SETTLEMENT, f"Thu hồi tạm ứng hợp đồng số {contract} – {work}"
        elif state.advance > 0 and roll < 0.35:
            settled = max(1, int(state.advance * rng.uniform(0.3, 1.0)))
            extra = min(amount(rng), state.appropriation)
            state.advance -= settled
            state.appropriation -= extra
            postings = patterns.payment(line, settled + extra, recovered=settled)
            kind, text = patterns.PAYMENT, \
                f"Thanh toán khối lượng hoàn thành, thu hồi tạm ứng – {work}"
        else:
            value = min(amount(rng), state.appropriation)
            if value < MIN_AMOUNT:
                return False
            state.appropriation -= value
            if roll < 0.6:
                state.advance += value
                kind, text = patterns.ADVANCE, f"Tạm ứng hợp đồng số {contract} – {work}"
            else:
                kind, text = patterns.PAYMENT, f"Thanh toán khối lượng hoàn thành – {work}"
            postings = kind.postings(line, value)
        self.books.transaction(day, payee, text, self.voucher(province, day.year), postings,
                               kind.code)
        return True

    # -- a plan year -----------------------------------------------------------------------

    def year(self, year: int, count: int, extra_allocations: int) -> None:
        rng = self.rng
        initial = len(self.provinces) * len(PROGRAMS)
        others = count - initial
        # Which province each remaining slot belongs to, and what it is.
        owners = [rng.randrange(len(self.provinces)) for _ in range(others)]
        kinds = ["alloc"] * extra_allocations + ["spend"] * (others - extra_allocations)
        rng.shuffle(kinds)
        per_province = Counter(owners)
        lines: list[list[LineState]] = []
        scales: list[float] = []
        for index, province in enumerate(self.provinces):
            slots = per_province[index]
            states = self.active_lines(province, year, slots, big=index == 0)
            lines.append(states)
            # Expected appropriation used per line: about 3 in 4 movements draw on it.
            expected = slots / len(states) * 0.75 * MEDIAN_AMOUNT * math.exp(SIGMA**2 / 2)
            scales.append(max(expected, 50 * MEDIAN_AMOUNT))

        # Early January (2-12/01, before any spending): the year's allocation decisions,
        # one per province and programme, in date order.
        offsets = sorted(rng.randint(0, 10) for _ in self.provinces)
        for index, province in enumerate(self.provinces):
            day = datetime.date(year, 1, 2) + datetime.timedelta(days=offsets[index])
            title = self.catalogue.provinces[province].title_vi
            for program in PROGRAMS:
                grants = []
                for state in lines[index]:
                    if state.line.program != program:
                        continue
                    value = round_million(scales[index] * rng.uniform(0.9, 1.4))
                    if index == 0 and state is self.big:
                        value = rng.randrange(12, 25) * 10**11  # national-scale investment line
                    grants.append((state, value))
                program_title = self.catalogue.title([program])
                narration = f"Giao kế hoạch vốn năm {year} – {program_title}"
                if grants:
                    self.allocate(day, province, title, narration, grants,
                                  patterns.ALLOCATION.code)
                else:  # no active line in this programme: allocate to any line instead
                    state = rng.choice(lines[index])
                    self.allocate(day, province, title, narration,
                                  [(state, round_million(scales[index]))], patterns.ALLOCATION.code)

        big_done = False
        first = datetime.date(year, 1, 15)
        for when, kind, owner in zip(spread_dates(rng, year, others, first), kinds, owners,
                                     strict=True):
            province = self.provinces[owner]
            title = self.catalogue.provinces[province].title_vi
            states = lines[owner]
            if kind == "alloc":
                self.extra_allocation(when, province, title, states, scales[owner])
                continue
            if owner == 0 and not big_done and when.month >= 6:
                big = self.big
                value = BIG + rng.randrange(10**11)
                if big.appropriation >= value:
                    big_done = self.spend(when, province, big, forced=value)
                    continue
            for _ in range(8):
                if self.spend(when, province, rng.choice(states)):
                    break
            else:  # every line tried is used up: top one up instead
                self.extra_allocation(when, province, title, states, scales[owner], top_up=True)

    def extra_allocation(self, day: datetime.date, province: str, title: str,
                         states: list[LineState], scale: float, top_up: bool = False) -> None:
        rng = self.rng
        if not top_up and rng.random() < 0.2:
            # Plan moves between items of the same source and capital type.
            source = rng.choice(states)
            targets = [s for s in states if s is not source
                       and (s.line.source, s.line.capital) == (source.line.source,
                                                                source.line.capital)]
            if targets and self.adjust(day, province, title, source, rng.choice(targets)):
                return
        grants = [(state, round_million(scale * rng.uniform(0.05, 0.25)))
                  for state in rng.sample(states, min(len(states), rng.choice((1, 1, 2, 3))))]
        self.allocate(day, province, title,
                      f"Bổ sung dự toán vốn năm {day.year} cho các dự án", grants,
                      patterns.TOP_UP.code)

    def run(self) -> str:
        initial = len(self.provinces) * len(PROGRAMS) * len(YEARS)
        if self.n < 4 * initial:
            raise SystemExit(f"N={self.n} is too small for {len(self.provinces)} provinces "
                             f"(need at least {4 * initial}); use fewer --provinces")
        extra = max(0, round(self.n * ALLOCATION_SHARE) - initial)
        for offset, year in enumerate(YEARS):
            count = self.n // len(YEARS) + (1 if offset < self.n % len(YEARS) else 0)
            extra_here = extra // len(YEARS) + (1 if offset < extra % len(YEARS) else 0)
            self.year(year, count, extra_here)
        return "".join([header(self.catalogue, self.books.units), *self.opens,
                        *self.books.parts])


def generate(n: int, out_dir: Path, seed: int = 1, provinces: int = 6,
             units: bool = False) -> dict[str, object]:
    """Write ``out_dir/main.beancount``; return a summary of what was written. With
    ``units`` every line's plan is given to one spending unit, which spends it."""
    generator = Generator(n, seed, provinces, units)
    text = generator.run()
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "main.beancount"
    target.write_text(text, encoding="utf-8")
    books = generator.books
    return {
        "path": target,
        "transactions": sum(books.kinds.values()),
        "kinds": dict(sorted(books.kinds.items())),
        "lines": len(generator.opens),
        "provinces": generator.provinces,
        "plan_total": books.plan_total,
        "disbursed_total": books.disbursed_total,
        "max_amount": books.max_amount,
        "bytes": target.stat().st_size,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of transactions")
    parser.add_argument("out_dir", type=Path, help="folder for main.beancount")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--provinces", type=int, default=6, help="number of provinces")
    parser.add_argument("--units", action="store_true",
                        help="give every line's plan to a spending unit (unit: metadata)")
    args = parser.parse_args(argv)
    summary = generate(args.n, args.out_dir, args.seed, args.provinces, args.units)
    print(f"{summary['path']}: {summary['transactions']} transactions "
          f"({', '.join(f'{k} {v}' for k, v in summary['kinds'].items())}), "
          f"{summary['lines']} lines in {', '.join(summary['provinces'])}; "
          f"plan {summary['plan_total']:,} đ, disbursed {summary['disbursed_total']:,} đ, "
          f"largest amount {summary['max_amount']:,} đ, {summary['bytes'] / 1e6:.1f} MB",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
