"""Small books in a folder and the changes users and commands make to them (``CHANGES``).

Shared by tests/test_snapshot_equivalence.py and bench/equivalence.py; laid out as `mtqg
init` and `mtqg import` lay books out. A :class:`Book` keeps a rough model of each line's
plan left, to write transactions that break no rule: the appends the fast path is for.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import os
import random
import re
from collections.abc import Callable
from pathlib import Path

from booktext import TDA1_DTPT, TDA1_SN, TDA2_SN, opens, transaction

from mtqgledger.model import postings
from mtqgledger.model.units import REGISTRY_HEADER
from mtqgledger.outputs.newbooks import CATALOGUE_TEXT

MAIN = """option "title" "Sổ vốn CTMTQG – thử"
option "operating_currency" "VND"
option "display_precision" "VND:1"

2025-01-01 commodity VND

plugin "mtqgledger.plugins.budget_rules" "catalogue=catalogue.toml,units.toml"

include "accounts.beancount"
include "imports/decisions.beancount"
include "imports/treasury.beancount"
include "imports/extra/*.beancount"
"""
MAIN_FILE, ACCOUNTS = "main.beancount", "accounts.beancount"
DECISIONS, TREASURY = "imports/decisions.beancount", "imports/treasury.beancount"
EXTRA = "imports/extra/2025-q1.beancount"
LINES = (TDA1_SN, TDA1_DTPT, TDA2_SN, "LaiChau:GNBV:DA1:TDA1:NSTW:DTPT:Y2025",
         "LaiChau:NTM:ND04:NSDP:DTPT:Y2025", "LaiChau:NTM:ND04:NSDP:SN:Y2025")
SPARE_LINES = ("LaiChau:NTM:ND02:NSTW:DTPT:Y2025", "LaiChau:GNBV:DA4:TDA2:NSDP:SN:Y2025",
               "LaiChau:GNBV:DA4:TDA9:NSTW:SN:Y2025", "LaiChau:GNBV:DA4")  # not in the model
# TDA2_SN is divided among spending units: each decision and movement on it names one.
UNITS = {TDA2_SN: ("UBND xã Mường Tè", "Ban QLDA tỉnh Lai Châu")}
FIRST_DAY = datetime.date(2025, 1, 2)
LAST_DAY = datetime.date(2025, 11, 30)  # before every deadline of plan-year 2025 money
DATED = re.compile(r"^(\d{4}-\d\d-\d\d) (\*|!|txn|open|close|balance|pad|commodity)[ \n]",
                   re.MULTILINE)


class Book:
    """Books in ``folder`` and a model of their lines' remaining plan."""

    def __init__(self, folder: Path, rng: random.Random, transactions: int = 240) -> None:
        self.folder, self.rng = folder, rng
        self.day, self.numbers = FIRST_DAY, itertools.count(1)
        self.remaining: dict[tuple[str, str], int] = {}  # (line, unit) -> plan left
        self.history: dict[str, list[str]] = {}  # earlier versions of each file, to revert
        texts = {DECISIONS: "; Quyết định giao vốn\n\n", TREASURY: "; Chứng từ kho bạc\n\n",
                 EXTRA: "; Quý I\n\n"}
        texts[DECISIONS] += "".join(self.allocation(line, unit) + "\n" for line in LINES
                                    for unit in UNITS.get(line, ("",)))
        for _ in range(transactions):
            target, text = self.valid()
            texts[target] += text + "\n"
        texts.update({MAIN_FILE: MAIN, "catalogue.toml": CATALOGUE_TEXT,
                      "units.toml": REGISTRY_HEADER,
                      ACCOUNTS: "; Tài khoản\n\n" + opens(*LINES, day="2025-01-01")})
        for name, text in texts.items():
            self.write(name, text)

    def read(self, name: str) -> str:
        return (self.folder / name).read_text(encoding="utf-8")

    def write(self, name: str, text: str, mode: str = "w") -> None:
        """Write, or append with mode "a" (as ``mtqg import`` does: only the end grows)."""
        path = self.folder / name
        if path.exists():
            self.history.setdefault(name, []).append(self.read(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, mode, encoding="utf-8") as handle:
            handle.write(text)

    def ledger_files(self) -> list[str]:
        return sorted(path.relative_to(self.folder).as_posix()
                      for path in self.folder.rglob("*.beancount"))

    def pick(self, *names: str) -> str:
        """One of ``names`` that exists, else any Beancount file of the books."""
        present = [name for name in names if (self.folder / name).exists()]
        return self.rng.choice(present or self.ledger_files())

    def earlier_day(self) -> str:
        return (FIRST_DAY + datetime.timedelta(
            days=self.rng.randrange((self.day - FIRST_DAY).days + 1))).isoformat()

    def allocation(self, line: str, unit: str = "", amount: int = 0, day: str = "",
                   source: str = "") -> str:
        """A top-up of the line (for ``unit``), or an adjustment moving plan from ``source``."""
        amount = amount or self.rng.randrange(200, 2000) * 1_000_000
        day = day or self.day.isoformat()
        self.remaining[(line, unit)] = self.remaining.get((line, unit), 0) + amount
        self.remaining[(source, "")] = self.remaining.get((source, ""), 0) - amount
        meta: dict[str, object] = {"decision": f"{next(self.numbers)}/QĐ-UBND",
                                   "decision_date": datetime.date.fromisoformat(day),
                                   "kind": "dieu-chinh" if source else "bo-sung",
                                   **({"unit": unit} if unit else {})}
        return transaction(day, "Điều chỉnh" if source else "Bổ sung kế hoạch vốn", meta,
                           postings.adjustment(source, line, amount) if source else
                           postings.TOP_UP.postings(line, amount))

    def movement(self, line: str, unit: str, amount: int, day: str = "") -> str:
        """A payment of ``amount`` from the line's (unit's) remaining plan."""
        self.remaining[(line, unit)] = self.remaining.get((line, unit), 0) - amount
        meta = {"voucher": f"KB-{next(self.numbers)}", "kind": postings.PAYMENT.code,
                **({"unit": unit} if unit else {})}
        return transaction(day or self.day.isoformat(), "Thanh toán", meta,
                           postings.PAYMENT.postings(line, amount))

    def valid(self) -> tuple[str, str]:
        """(file, text) of a top-up or a payment within the plan left, dated after all."""
        if self.rng.random() < 0.35 and self.day < LAST_DAY:
            self.day += datetime.timedelta(days=self.rng.choice((1, 1, 2, 3)))
        funded = sorted(key for key, left in self.remaining.items() if left >= 2_000_000
                        and key[0] in LINES and (key[1] or key[0] not in UNITS))
        if not funded or self.rng.random() < 0.2:
            line = self.rng.choice(LINES)
            return DECISIONS, self.allocation(line, self.rng.choice(UNITS.get(line, ("",))))
        line, unit = self.rng.choice(funded)
        amount = self.rng.randrange(1, self.remaining[(line, unit)] // 4_000_000 + 1) * 1000
        if not unit and self.rng.random() < 0.1:  # one entry on two lines ties their rules
            other = self.rng.choice([other for other in LINES if other not in UNITS])
            return DECISIONS, self.allocation(other, amount=amount, source=line)
        return (TREASURY if self.rng.random() < 0.85 else EXTRA,
                self.movement(line, unit, amount))

    def valid_text(self, count: int) -> str:
        return "".join(self.valid()[1] + "\n" for _ in range(count))


# -- changes: each edits the books and returns what it did, for a failure message ----------

def append_document(book: Book) -> str:
    """An import: valid transactions dated after all, some with an amount interpolated."""
    target, count = book.pick(DECISIONS, TREASURY, EXTRA, MAIN_FILE), book.rng.randint(1, 6)
    text = book.valid_text(count)
    if book.rng.random() < 0.2:
        text = re.sub(r"(\n  Assets:Appropriation:\S+)\s+-\d+ VND", r"\1", text)
    book.write(target, book.rng.choice(("", "\n")) + text, "a")
    return f"{count} transactions to {target}"


def append_backdated(book: Book) -> str:
    line, day = book.rng.choice(LINES), book.earlier_day()
    unit = book.rng.choice(UNITS.get(line, ("",)))
    text = book.allocation(line, unit, day=day) if book.rng.random() < 0.5 else \
        book.movement(line, unit, book.rng.randrange(1, 900) * 1_000_000, day)
    target = book.pick(DECISIONS, TREASURY, EXTRA, MAIN_FILE)
    book.write(target, "\n" + text, "a")
    return f"dated {day}, to {target}"


def _middle_block(book: Book, name: str) -> tuple[list[str], int, int]:
    """A file's lines and the (first, end) indexes of a directive in its middle third."""
    lines = book.read(name).split("\n")
    starts = [number for number, line in enumerate(lines) if DATED.match(line + "\n")] or [0]
    first = end = starts[book.rng.randrange(len(starts) // 3, len(starts) * 2 // 3 + 1)]
    while end + 1 < len(lines) and lines[end + 1].startswith(" "):
        end += 1
    return lines, first, end + 1


def _unbalance(lines: list[str], first: int, end: int) -> None:
    """The last digit of the block's first amount changed: that transaction no longer adds
    up (Beancount's error, from a full load and from the snapshot alike)."""
    for number in range(first, end):
        if lines[number].endswith(" VND"):
            lines[number] = re.sub(r"(\d) VND$", lambda m: f"{int(m.group(1)) % 9 + 1} VND",
                                   lines[number])
            return


EDITS: dict[str, Callable[[list[str], int, int], None]] = {
    "narration": lambda lines, first, end: lines.__setitem__(
        first, lines[first].replace('"', '"Sửa: ', 1) + " ; sửa"),
    "amounts": lambda lines, first, end: lines.__setitem__(slice(first, end), [
        re.sub(r"(\d+) VND$", lambda m: f"{int(m.group(1)) * 3} VND", x)
        for x in lines[first:end]]),
    "date": lambda lines, first, end: lines.__setitem__(
        first, lines[first][:5] + "03-1" + lines[first][9:]),
    "comment": lambda lines, first, end: lines.insert(first, "; dòng ghi chú chèn vào"),
    "delete": lambda lines, first, end: lines.__delitem__(slice(first, end)),
    "unbalance": lambda lines, first, end: _unbalance(lines, first, end),
    "digit": lambda lines, first, end: lines.__setitem__(slice(first, end), [  # same size
        re.sub(r"(\d)000 VND$", lambda m: f"{int(m.group(1)) % 9 + 1}000 VND", x)
        for x in lines[first:end]]),
}


def edit_middle(book: Book) -> str:
    """A hand edit in the middle of an old file: narration, amounts, date, lines; a digit
    changed with the file's size and modification time kept."""
    name = book.pick(DECISIONS, TREASURY, ACCOUNTS, EXTRA)
    (lines, first, end), stat = _middle_block(book, name), (book.folder / name).stat()
    how = book.rng.choice(sorted(EDITS))
    EDITS[how](lines, first, end)
    book.write(name, "\n".join(lines))
    if how == "digit":
        os.utime(book.folder / name, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    return f"{how} at line {first + 1} of {name}"


def _remove_file(book: Book, rename: bool) -> str:
    """A file deleted or renamed; its include line goes, follows, stays or is a glob."""
    name = book.pick(TREASURY, DECISIONS, EXTRA, ACCOUNTS)
    new = f"imports/{book.rng.choice(('', 'extra/'))}renamed-{next(book.numbers)}.beancount"
    (book.folder / name).rename(book.folder / new) if rename else (book.folder / name).unlink()
    main = book.read(MAIN_FILE)
    if book.rng.random() < 0.7 and f'include "{name}"\n' in main:
        book.write(MAIN_FILE, main.replace(f'include "{name}"\n',
                                           f'include "{new}"\n' if rename else ""))
        return f"{name} -> {new if rename else 'deleted'}, include line too"
    return f"{name} -> {new if rename else 'deleted'}"


PLUGIN_OPTIONS = ("warn=overdraft,unit_overdraft", "sources=NSTW", "warn=provenance",
                  "advance_recovery=50", "stop=overdraft", "nonsense=1", "warn=whole_dong",
                  "warn=unit_allocation,unit_overdraft,catalogue")


def plugin_line(book: Book) -> str:
    text = book.rng.choice(("catalogue=catalogue.toml,units.toml; ", "catalogue=units.toml; ",
                            "")) + book.rng.choice(PLUGIN_OPTIONS)
    book.write(MAIN_FILE, re.sub(r'^plugin "mtqgledger.plugins.budget_rules".*$',
                                 f'plugin "mtqgledger.plugins.budget_rules" "{text}"',
                                 book.read(MAIN_FILE), count=1, flags=re.MULTILINE))
    return text


OPTIONS = ('option "title" "Sổ đã đổi tên"', 'option "operating_currency" "USD"',
           'option "render_commas" "TRUE"', 'option "inferred_tolerance_default" "VND:1"',
           'option "booking_method" "FIFO"', 'option "name_assets" "TaiSan"',
           'option "documents" "chung-tu"', 'option "insert_pythonpath" "TRUE"',
           'option "title" "Sổ vốn CTMTQG – thử"')


def option_line(book: Book) -> str:
    """An option line of main.beancount replaced, or one added between the others."""
    option, lines = book.rng.choice(OPTIONS), book.read(MAIN_FILE).split("\n")
    places = [number for number, line in enumerate(lines) if line.startswith("option ")]
    if places and book.rng.random() < 0.5:
        lines[book.rng.choice(places)] = option
    else:
        lines.insert(2, option)
    book.write(MAIN_FILE, "\n".join(lines))
    return option


CATALOGUE_EDITS = {  # units.toml takes the unit-… ones
    "sn-unenforced": '[[capitals]]\ncode = "SN"\nenforced = false\n',
    "sn-until-march": '[[capitals]]\ncode = "SN"\nspend_until = "31/03 N"\nenforced = true\n',
    "tda1-dtpt-only": '[[programs]]\ncode = "GNBV"\n[[programs.projects]]\ncode = "DA4"\n'
                      '[[programs.projects.subprojects]]\ncode = "TDA1"\ncapitals = ["DTPT"]\n',
    "new-item": '[[programs]]\ncode = "NTM"\n[[programs.projects]]\ncode = "ND99"\n'
                'title_vi = "Nội dung thử"\n',
    "syntax-error": "[[capitals\n", "unit-bad": '[[units]]\nprovince = "Lai Chau"\n',
    "unit-alias": '[[units]]\nprovince = "LaiChau"\nname = "UBND xã Mường Tè"\ncode = "1049912"'
                  '\naliases = ["Xã Mới"]\n',
}


def catalogue_file(book: Book) -> str:
    """catalogue.toml or units.toml (named on the plugin line) or the file MTQG_CATALOGUE
    names edited (`revert` restores them), or MTQG_CATALOGUE unset: the plugin reads all."""
    name, text = book.rng.choice(sorted(CATALOGUE_EDITS.items()))
    target = book.rng.choice(("units.toml" if name.startswith("unit") else "catalogue.toml",
                              "environ.toml"))
    if target == "environ.toml" and os.environ.get("MTQG_CATALOGUE") and book.rng.random() < .4:
        del os.environ["MTQG_CATALOGUE"]
        return "MTQG_CATALOGUE unset"
    book.write(target, "\n" + text, "a")
    if target == "environ.toml":
        os.environ["MTQG_CATALOGUE"] = str(book.folder / target)
    return f"{target}: {name}"


def _breach(book: Book, middle: bool) -> str:
    """A payment beyond the plan left, or without voucher, unit or whole đồng, by hand."""
    name = book.pick(TREASURY, EXTRA, *([] if middle else [MAIN_FILE]))
    lines, first, _ = _middle_block(book, name)
    day = lines[first][:10] if middle and DATED.match(lines[first] + "\n") else ""
    line = book.rng.choice(LINES)
    unit = book.rng.choice(UNITS.get(line, ("",)))
    how = book.rng.choice(("overdraft", "overdraft", "fraction", "no-voucher", "no-unit"))
    text = book.movement(line, "" if how == "no-unit" else unit,
                         max(book.remaining.get((line, unit), 0), 0) + 1_000_000, day)
    text = re.sub(r"(\d+) VND", r"\1.5 VND", text) if how == "fraction" else \
        re.sub(r"  voucher: .*\n", "", text) if how == "no-voucher" else text
    book.write(*((name, "\n".join([*lines[:first], text, *lines[first:]])) if middle
                 else (name, "\n" + text, "a")))
    return f"{how} {'at line ' + str(first + 1) if middle else 'appended'} in {name}"


def _same_line_number(book: Book, target: str) -> str:
    """A top-up on the date and line number of a transaction in another file."""
    text = book.read(target)
    start = text.count("\n") + 1 + (not text.endswith("\n"))  # the first line appended
    found = [(other.count("\n", 0, match.start()) + 1, match.group(1))
             for other in (book.read(name) for name in book.ledger_files() if name != target)
             for match in DATED.finditer(other) if match.group(2) == "*"]
    found = [(number, day) for number, day in found if number >= start]
    if not found:
        return book.valid_text(1)
    number, day = book.rng.choice(found)
    line = book.rng.choice(LINES)
    return "\n" * (number - start + (not text.endswith("\n"))) + book.allocation(
        line, book.rng.choice(UNITS.get(line, ("",))), day=day)


def _divide_line(book: Book, target: str) -> str:
    """A unit given money on an undivided line, then the line's pool pays all the line has:
    unit rules follow a line from its start once a decision divides it, so the pool breaks."""
    line = book.rng.choice([line for line in LINES if line not in UNITS])
    left = book.remaining.get((line, ""), 0)
    return book.allocation(line, "UBND xã Mới", 50_000_000) + "\n" + book.movement(
        line, "", left + 10_000_000)


PLUGINS = ('plugin "beancount.plugins.auto_accounts"', 'plugin "beancount.plugins.nounused"',
           'plugin "mtqgledger.plugins.budget_rules" "warn=overdraft"')
TAILS = ('  ghi_chu: "dòng nối vào bút toán cuối"\n', f"  Expenses:Disbursed:{TDA1_SN}  5 VND\n",
         "  ; chú thích thụt lề\n", "poptag #khong-co\n", '2025-13-45 * "ngày sai"\n',
         "đây không phải Beancount\n", "; chỉ một chú thích\n", "\n\n\n")
# kind -> (the files it may be appended to, the text)
_AMOUNT = re.compile(r"(-?\d+) VND$", re.MULTILINE)


def _unbalanced(book: Book, _target: str) -> str:
    """A payment typed by hand whose postings do not add up: off by one đồng, off by a fraction
    Beancount tolerates (the amounts written with decimals), or by one it does not."""
    line = book.rng.choice([line for line in LINES if line not in UNITS])
    text = book.movement(line, "", book.rng.randrange(1, 50) * 1000)
    found = list(_AMOUNT.finditer(text))
    first, second = found[0], found[-1]
    how = book.rng.choice(("one-dong", "tolerated", "fraction"))
    new_first = {"one-dong": f"{int(first.group(1)) + 1} VND",
                 "tolerated": f"{first.group(1)}.004 VND",
                 "fraction": f"{first.group(1)}.4 VND"}[how]
    new_second = f"{second.group(1)}.00 VND" if how == "tolerated" else second.group(0)
    return (text[:first.start()] + new_first + text[first.end():second.start()] + new_second
            + text[second.end():] + "\n")


APPENDS: dict[str, tuple[tuple[str, ...], Callable[[Book, str], str]]] = {
    "append_open": ((ACCOUNTS, MAIN_FILE), lambda b, _: opens(
        b.rng.choice(SPARE_LINES + LINES), day=b.earlier_day())),
    "append_same_line_number": ((), _same_line_number),
    "append_pushtag": ((TREASURY, EXTRA, DECISIONS), lambda b, _: b.rng.choice((
        "pushtag #dot\n", 'pushmeta dot: "2"\n')) + b.valid_text(2) + b.rng.choice((
        "poptag #dot\n", "popmeta dot:\n", ""))),
    "append_option": ((MAIN_FILE, TREASURY), lambda b, _: b.rng.choice(OPTIONS) + "\n"),
    "append_plugin": ((MAIN_FILE, ACCOUNTS), lambda b, _: b.rng.choice(PLUGINS) + "\n"),
    "append_continuation": ((TREASURY, DECISIONS, EXTRA, ACCOUNTS),
                            lambda b, _: b.rng.choice(TAILS)),
    "append_balance": ((ACCOUNTS, TREASURY), lambda b, _: f"{b.day} balance Assets:Appropriation:"
                       f"{b.rng.choice(LINES)}  {b.rng.randrange(5)} VND\n"
                       f"{b.earlier_day()} pad Assets:Advance:{TDA1_SN} Income:Allocated:"
                       f"{TDA1_SN}\n{b.day} balance Assets:Advance:{TDA1_SN}  0 VND\n"),
    "append_divide_line": ((DECISIONS, TREASURY), _divide_line),
    "append_unbalanced": ((TREASURY, EXTRA), _unbalanced),
}


def _append(kind: str, book: Book) -> str:
    files, text = APPENDS[kind]
    target = book.pick(*(files or (MAIN_FILE, ACCOUNTS, DECISIONS, TREASURY, EXTRA)))
    book.write(target, added := text(book, target), "a")
    return f"{target}: {added[:70]!r}"


def include_line(book: Book) -> str:
    """A new file under the glob, or an include of a new, missing or included file."""
    name = f"imports/{book.rng.choice(('', 'extra/'))}new-{next(book.numbers)}.beancount"
    if book.rng.random() < 0.7:
        book.write(name, book.valid_text(book.rng.randint(1, 3)))
    if "extra/" in name:
        return name
    included = book.rng.choice((name, name, ACCOUNTS, "imports/*.beancount"))
    target = book.pick(MAIN_FILE, MAIN_FILE, DECISIONS)
    book.write(target, f'include "{"../" * (target != MAIN_FILE)}{included}"\n', "a")
    return f"{target}: include {included}"


def no_final_newline(book: Book) -> str:
    """A file loses its last newline, or gets text appended to a last line without one."""
    name = book.pick(TREASURY, DECISIONS, EXTRA, MAIN_FILE)
    text = book.read(name)
    if text.endswith("\n"):
        book.write(name, text.rstrip("\n") + book.rng.choice(("", "\n; cuối tệp")))
        return f"{name} now ends without a newline"
    book.write(name, book.rng.choice(("", "\n", " ")) + book.valid_text(1), "a")
    return f"appended to {name}, which ended without a newline"


def touch(book: Book) -> str:
    """A file saved again unchanged: only its modification time moves."""
    path = book.folder / book.pick(*book.ledger_files(), "catalogue.toml")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    return str(path.relative_to(book.folder))


def revert(book: Book) -> str:
    """A file put back as it was some changes ago (an undo, a checkout)."""
    name = book.rng.choice(sorted(book.history) or [MAIN_FILE])  # none yet: saved unchanged
    book.write(name, book.rng.choice(book.history.get(name) or [book.read(name)]))
    return name


CHANGES: dict[str, Callable[[Book], str]] = {
    "append_document": append_document, "append_backdated": append_backdated,
    "edit_middle": edit_middle, "delete_include": lambda book: _remove_file(book, False),
    "rename_include": lambda book: _remove_file(book, True), "plugin_line": plugin_line,
    "option_line": option_line, "catalogue_file": catalogue_file,
    "breach_appended": lambda book: _breach(book, False),
    "breach_in_middle": lambda book: _breach(book, True),
    **{kind: functools.partial(_append, kind) for kind in APPENDS},
    "include_line": include_line, "no_final_newline": no_final_newline, "touch": touch,
    "revert": revert,
}
