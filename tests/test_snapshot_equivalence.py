"""The snapshot loader gives exactly what Beancount's loader gives, whatever path it takes.

mtqgledger.snapshot.load_books reads unchanged books back from a snapshot and, when files
only grew, parses, books and checks only the appended text; its entries, errors and
options must still be those of a full load. Books of a few hundred transactions go through
random changes (tests/change_books.py); after each, load_books is compared with a fresh
full load, then once more unchanged. bench/equivalence.py runs many more such cases.
"""

from __future__ import annotations

import copy
import datetime
import os
import random
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import pytest
from beancount import loader
from beancount.parser import printer
from change_books import CHANGES, DATED, DECISIONS, EXTRA, MAIN_FILE, TDA1_SN, TREASURY, UNITS, Book

from mtqgledger.snapshot import load_books

# -- comparison -----------------------------------------------------------------------------


def full_load(path: Path) -> tuple[list, list, dict]:
    """What load_books must give: Beancount's loader without its pickle cache (in
    Beancount 3 ``_uncached_load_file`` takes the loader's three other arguments)."""
    return loader._uncached_load_file(str(path), None, None, None)


def _dcontext(dcontext: object) -> tuple:
    """A display context as data (DisplayContext has no ``__eq__``), read without touching
    its defaultdict so that comparing adds no currency."""
    contexts = [(currency, {key: dict(value.hist) if hasattr(value, "hist") else value
                            for key, value in sorted(vars(context).items())})
                for currency, context in sorted(dcontext.ccontexts.items())]
    return dcontext.commas, str(dcontext), contexts


def _entry_text(entry: object) -> str:
    return f"{printer.format_entry(entry).rstrip()}\n    meta={getattr(entry, 'meta', None)}"


def _first(what: str, got: list, want: list, show: Callable = str) -> str | None:
    """The first item that differs (by == and by repr: Decimal("1.0") == Decimal("1") but
    prints otherwise), or the first one only a longer list has."""
    for number, (mine, theirs) in enumerate(zip(got, want, strict=False)):
        if mine != theirs or repr(mine) != repr(theirs):
            return f"{what} {number} differs:\n  fast: {show(mine)}\n  full: {show(theirs)}"
    if len(got) == len(want):
        return None
    longer = got if len(got) > len(want) else want
    return (f"{what}: {len(got)} (fast) != {len(want)} (full); the first unmatched ("
            f"{'fast' if longer is got else 'full'}): {show(longer[min(len(got), len(want))])}")


def formatted(errors: list) -> list[str]:
    """Errors as bean-check prints them, with their class (a budget rule's or Beancount's)."""
    return [f"{type(error).__name__}: {printer.format_error(error)}" for error in errors]


def _first_option_difference(got: dict, want: dict) -> str | None:
    if sorted(got) != sorted(want):
        return (f"option keys differ: only fast {set(got) - set(want)}, "
                f"only full {set(want) - set(got)}")
    for key in sorted(want):
        mine, theirs = got[key], want[key]
        if key == "dcontext":
            mine, theirs = _dcontext(mine), _dcontext(theirs)
        elif key == "mtqg_warnings":  # BudgetRuleWarning tuples, compared as printed
            mine, theirs = formatted(mine), formatted(theirs)
            found = _first("warning", mine, theirs)
            if found:
                return f"option mtqg_warnings: {found}"
        if mine != theirs:
            return f"option {key!r} differs:\n  fast: {mine!r}\n  full: {theirs!r}"
    return None


def first_difference(got: tuple, want: tuple) -> str | None:
    """The first difference between two loads (entries, errors, options), or None."""
    return (_first("entry", got[0], want[0], _entry_text)
            or _first("error", formatted(got[1]), formatted(want[1]))
            or _first_option_difference(got[2], want[2]))


# -- cases ----------------------------------------------------------------------------------


class Step(NamedTuple):
    number: int
    kind: str
    detail: str
    clean_before: bool  # the books loaded without errors before the change
    how: str  # how load_books loaded the changed books
    again: str  # how it loaded them once more, unchanged
    difference: str | None

    def describe(self, seed: object) -> str:
        return (f"case {seed!r}, step {self.number}: {self.kind} ({self.detail}); "
                f"load_books took {self.how!r} then {self.again!r}"
                + (f"\n{self.difference}" if self.difference else ""))


def made_earlier(folder: Path) -> None:
    """Books as if written a minute ago: a load does not keep a snapshot when a catalogue
    file changed within its clock's tick, and books made just now would never get one."""
    moment = datetime.datetime.now().timestamp() - 60
    for path in folder.rglob("*"):
        os.utime(path, (moment, moment))


def restore_books(book: Book, pristine: dict[str, str]) -> str:
    """Books as made a minute ago, MTQG_CATALOGUE unset: no errors, for the fast path."""
    for path in book.folder.rglob("*"):
        if path.is_file() and path.relative_to(book.folder).as_posix() not in pristine:
            path.unlink()
    for name, text in pristine.items():
        book.write(name, text)
    os.environ.pop("MTQG_CATALOGUE", None)
    made_earlier(book.folder)
    return "all files as made"


def _next_kind(rng: random.Random, forced: list[str], left: int, clean: bool) -> str:
    """Forced kinds spread out; imports often; books with errors (full loads) restored."""
    if forced and (len(forced) >= left or rng.random() < len(forced) / left):
        return forced.pop()
    if not clean and rng.random() < 0.4:
        return "restore_books"
    return "append_document" if rng.random() < 0.3 else rng.choice(sorted(CHANGES))


def _fast(main: Path, full: bool = False) -> tuple:
    """load_books, or (with no entries) the exception it raised: a crash is a difference."""
    try:
        return load_books(main, full=full)
    except Exception as problem:
        return [], [], {}, f"raised {type(problem).__name__}: {problem}"


def _labelled(which: str, got: tuple, want: tuple) -> str | None:
    found = first_difference(got, want)
    return f"load_books of the {which} books ({got[3]!r}): {found}" if found else None


def run_case(folder: Path, seed: object, steps: int, forced: list[str] = (),
             transactions: int = 240) -> list[Step]:
    """Books made in ``folder``, then ``steps`` changes, each followed by two loads
    compared with a full load; stops at the first difference."""
    rng = random.Random(str(seed))
    book = Book(folder, rng, transactions)
    made_earlier(folder)
    main = folder / MAIN_FILE
    pristine = {name: book.read(name) for name in [*book.ledger_files(), "catalogue.toml",
                                                  "units.toml"]}
    forced = rng.sample(list(forced), len(forced))
    got, want = _fast(main), full_load(main)
    done = [Step(0, "made", f"{len(want[0])} entries", True, got[3], "",
                 _labelled("new", got, want))]
    for number in range(1, steps + 1):
        if done[-1].difference:
            break
        clean = not want[1]
        kind = _next_kind(rng, forced, steps + 1 - number, clean)
        detail = restore_books(book, pristine) if kind == "restore_books" else CHANGES[kind](book)
        got, want, again = _fast(main), full_load(main), _fast(main)
        difference = _labelled("changed", got, want) or _labelled("same", again, want)
        done.append(Step(number, kind, detail, clean, got[3], again[3], difference))
    return done


# -- tests ----------------------------------------------------------------------------------

SEEDS = range(5)
STEPS = 8


@pytest.mark.parametrize("serving", [False, True], ids=["commands", "server"])
@pytest.mark.parametrize("seed", SEEDS)
def test_random_changes_load_as_a_full_load_does(tmp_path: Path, seed: int,
                                                 serving: bool) -> None:
    """``server``: each load starts from the one before it in memory (snapshot.reuse_loads,
    as mtqg serve reloads), not from the snapshot on disk."""
    if serving:
        from mtqgledger import snapshot

        snapshot.reuse_loads()
    # Every kind of change is forced into one of the seeds, so each runs in CI.
    forced = sorted(CHANGES)[seed::len(SEEDS)]
    steps = run_case(tmp_path / "books", seed, STEPS, forced)
    for step in steps:
        assert step.difference is None, step.describe(seed)
    assert set(forced) <= {step.kind for step in steps}
    assert {kind for one in SEEDS for kind in sorted(CHANGES)[one::len(SEEDS)]} == set(CHANGES)


def _books(tmp_path: Path, name: str, transactions: int = 240,
           warn: str = "") -> tuple[Book, Path]:
    """Error-free books (``warn`` on the plugin line), loaded in full, then from a snapshot."""
    book = Book(tmp_path / "books", random.Random(name), transactions)
    if warn:
        book.write(MAIN_FILE, book.read(MAIN_FILE).replace("units.toml", f"units.toml; {warn}"))
    made_earlier(tmp_path / "books")
    main = tmp_path / "books" / MAIN_FILE
    want = full_load(main)
    assert want[1] == []
    for how in ("full", "snapshot"):
        loaded = load_books(main)
        assert (loaded.how, first_difference(loaded, want)) == (how, None)
    return book, main


def _appended(main: Path, difference_only: bool = False, target: str = "") -> str | None:
    """load_books after an append, then unchanged again: what differs from a full load, or
    (unless ``difference_only``) a path other than delta then snapshot. Text appended to
    the main file is loaded in full: the file sets options, which apply to its later text."""
    appended, want, again = load_books(main), full_load(main), load_books(main)
    found = first_difference(appended, want) or first_difference(again, want)
    first = "full" if target == MAIN_FILE else "delta"
    expected = (appended.how, again.how) == (first, "snapshot")
    return found if found or difference_only or expected else f"{appended.how}, {again.how}"


def test_the_fast_path_is_taken(tmp_path: Path) -> None:
    """Unchanged books are read back and imports to error-free books are appended: the
    equivalence above cannot hold by loading in full every time. Twenty imports in a row
    take the log of appended entries past the share that makes a new base."""
    book, main = _books(tmp_path, "fast")
    rng = random.Random("fast imports")
    for number in range(20):
        target = rng.choice((TREASURY, DECISIONS, EXTRA, MAIN_FILE))
        book.write(target, book.valid_text(rng.randint(1, 8)), "a")
        found = _appended(main, target=target)
        assert found is None, f"import {number} to {target}: {found}"


def test_rule_warnings_go_on_over_appended_days(tmp_path: Path) -> None:
    """Rules set to warn, and breaches appended on the books' last day and on later days:
    the rules go on from the state they kept, and must warn as a run over everything."""
    book, main = _books(tmp_path, "warn", warn="warn=overdraft,unit_overdraft,provenance")
    rng = random.Random("warn imports")
    for number in range(12):
        if number % 3 == 1:  # a later day; else the books' last one
            book.day += datetime.timedelta(days=rng.choice((1, 5)))
        line = rng.choice((TDA1_SN, *UNITS))  # an undivided line, one divided among units
        unit = UNITS.get(line, ("",))[0]
        text = book.movement(line, unit, max(book.remaining.get((line, unit), 0), 0)
                             + 1_000_000) if number % 2 else book.valid_text(1)
        if number % 4 == 3:
            text = text.replace("  voucher:", "  chung_tu:")  # no provenance
        book.write(rng.choice((TREASURY, EXTRA)), text, "a")
        found = _appended(main)
        assert found is None, f"step {number}: {found}"
    assert len(full_load(main)[2]["mtqg_warnings"]) >= 6


TIED = {  # a directive of each kind Beancount sorts by date, kind and line number alone
    "open": lambda book, day: f"{day} open Assets:Cash VND\n",  # first: opens end at line 26
    "transaction": lambda book, day: book.allocation(TDA1_SN, day=day),
    "note": lambda book, day: f'{day} note Assets:Appropriation:{TDA1_SN} "ghi chú"\n',
    "price": lambda book, day: f"{day} price USD 26000 VND\n",
    "custom": lambda book, day: f'{day} custom "fava-option" "locale" "vi_VN"\n',
}


def _dated(text: str) -> list[tuple[int, str, str]]:
    return [(text.count("\n", 0, match.start()) + 1, match.group(1), match.group(2))
            for match in DATED.finditer(text)]


@pytest.mark.parametrize("target", [MAIN_FILE, EXTRA])
def test_appended_entries_tied_with_another_files_keep_the_loaders_order(
        tmp_path: Path, target: str) -> None:
    """Entries of one date, kind and line number in two files keep the order in which the
    loader parsed the files: main.beancount before its includes, includes in turn."""
    book, main = _books(tmp_path, "tied")
    for kind, directive in TIED.items():
        text = book.read(target)
        start = text.count("\n") + 1
        wanted = "open" if kind == "open" and target == MAIN_FILE else "*"
        tied = [(other, number, day) for other in book.ledger_files() if other != target
                for number, day, found in _dated(book.read(other))
                if found == wanted and number >= start]
        assert tied, f"no {wanted} directive in another file after line {start}"
        other, number, day = tied[0]
        book.write(target, "\n" * (number - start) + directive(book, day), "a")
        found = _appended(main, target=target)
        assert found is None, f"{kind} tied with {other}:{number}: {found}"


def test_the_books_path_as_the_loader_spells_it(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A relative path, one through ``..`` and one through a symbolic link: each loads as
    Beancount's loader loads it (load_file makes a path absolute, never resolves links)."""
    book, main = _books(tmp_path, "paths", transactions=40)
    (tmp_path / "link").symlink_to(tmp_path / "books", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    paths = ("books/main.beancount", tmp_path / "books" / ".." / "books" / MAIN_FILE,
             tmp_path / "link" / MAIN_FILE, str(main))
    for step in range(3):
        for path in paths:
            want = full_load(Path(os.path.normpath(os.path.abspath(path))))
            assert _labelled(f"{path} (step {step})", _fast(path), want) is None
        book.write(TREASURY, book.valid_text(2), "a")


def test_a_damaged_snapshot_is_only_a_missed_shortcut(tmp_path: Path) -> None:
    book, main = _books(tmp_path, "damaged", transactions=60)
    book.write(TREASURY, book.valid_text(2), "a")
    assert _appended(main) is None
    for damage in (lambda data: data[:len(data) // 2], lambda data: b"\0" * len(data)):
        for path in (tmp_path / "cache").rglob("*"):
            if path.is_file():
                path.write_bytes(damage(path.read_bytes()))
        loaded, want = load_books(main), full_load(main)
        assert (loaded.how, first_difference(loaded, want)) == ("full", None)


def test_full_and_a_switched_off_cache_load_in_full(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _, main = _books(tmp_path, "full", transactions=20)
    want = full_load(main)
    forced = load_books(main, full=True)
    assert (forced.how, first_difference(forced, want)) == ("full", None)
    monkeypatch.setenv("MTQG_CACHE", "0")
    for _ in range(2):
        loaded = load_books(main)
        assert (loaded.how, first_difference(loaded, want)) == ("full", None)


OPTION_CASES = {  # (file, option line, what is appended after it)
    "name_assets-main": (MAIN_FILE, 'option "name_assets" "TaiSan"', "payment"),
    "name_assets-included": (TREASURY, 'option "name_assets" "TaiSan"', "payment"),
    "display_precision-included": (TREASURY, 'option "display_precision" "VND:1"', "top-up"),
}


@pytest.mark.parametrize("case", sorted(OPTION_CASES))
def test_options_earlier_in_a_file_apply_to_its_appended_text(tmp_path: Path,
                                                              case: str) -> None:
    target, option, appended = OPTION_CASES[case]
    book, main = _books(tmp_path, "option", transactions=60)
    book.write(target, option + "\n", "a")  # the books still load without errors
    assert _appended(main, difference_only=True) is None
    assert full_load(main)[1] == []
    book.write(target, book.movement(TDA1_SN, "", 1_000_000) if appended == "payment" else
               book.allocation(TDA1_SN, amount=10 ** 15), "a")  # more digits than ever
    assert _appended(main, difference_only=True) is None


def test_an_edit_keeping_the_files_size_and_time_is_seen(tmp_path: Path) -> None:
    _, main = _books(tmp_path, "same size", transactions=60)
    path = tmp_path / "books" / TREASURY
    stat, text = path.stat(), path.read_text(encoding="utf-8")
    path.write_text(text.replace("Thanh toán", "Thanh toàn", 1), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    assert first_difference(load_books(main), full_load(main)) is None


@pytest.mark.parametrize("full", [False, True])
def test_an_include_the_parse_order_misses(tmp_path: Path, full: bool) -> None:
    book, main = _books(tmp_path, "joined include", transactions=30)
    book.write("imports/new.beancount", book.valid_text(2))
    book.write(MAIN_FILE, book.read(MAIN_FILE).rstrip("\n") + 'include "imports/new.beancount"\n')
    assert _labelled("joined", _fast(main, full), full_load(main)) is None


def test_the_comparison_sees_every_kind_of_difference(tmp_path: Path) -> None:
    """Each check of first_difference can fail: a copy of a full load, changed once."""
    book = Book(tmp_path / "books", random.Random("compare"), transactions=30)
    book.write(TREASURY, book.valid_text(1).replace("VND", "USD", 1), "a")  # an error
    main = tmp_path / "books" / MAIN_FILE
    load = full_load(main)
    entries, errors, same = load
    assert errors and first_difference(load, full_load(main)) is None
    moved = entries[-1]._replace(meta={**entries[-1].meta, "lineno": 1})
    posting = entries[-1].postings[0]
    exponent = entries[-1]._replace(postings=[posting._replace(units=posting.units._replace(
        number=posting.units.number.quantize(Decimal("0.1")))), *entries[-1].postings[1:]])
    dcontext = copy.deepcopy(load[2]["dcontext"])
    dcontext.update(Decimal("1.25"), "USD")
    differing = {
        "entry": ([*entries[:-1], moved], errors, same),
        "entries": (entries[:-1], errors, same),
        "exponent": ([*entries[:-1], exponent], errors, same),
        "error": (entries, errors[:-1], same),
        "title": (entries, errors, {**same, "title": "other"}),
        "dcontext": (entries, errors, {**same, "dcontext": dcontext}),
        "warnings": (entries, errors, {**same, "mtqg_warnings": [
            *same.get("mtqg_warnings", []), errors[0]]}),
        "key": (entries, errors, {**same, "new_option": datetime.date.today()}),
    }
    found = {what: first_difference(changed, load) for what, changed in differing.items()}
    assert all(found.values()), {what: found for what, found in found.items() if not found}
    assert "entry" in found["exponent"] and "option 'dcontext'" in found["dcontext"]
