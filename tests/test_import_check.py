"""New entries are validated without the transactions that cannot fail (the import's check and
appended text, snapshot.validations.new_entry_errors): the errors are those of Beancount's
validations over every entry; and the text the import writes for recurring texts."""

from __future__ import annotations

import datetime
import heapq
from decimal import Decimal

from beancount.core import amount, data
from beancount.ops import validation
from beancount.parser.options import OPTIONS_DEFAULTS

from mtqgledger.outputs.beancount_text import format_entries, format_transaction
from mtqgledger.snapshot.validations import new_entry_errors

DAY = datetime.date(2025, 3, 1)
LINE = 0


def _meta(**extra: object) -> dict:
    global LINE
    LINE += 1
    return {"filename": "<test>", "lineno": LINE, **extra}


def _open(account: str, day: datetime.date, currencies: list[str] | None = None) -> data.Open:
    return data.Open(_meta(), day, account, currencies, None)


def _close(account: str, day: datetime.date) -> data.Close:
    return data.Close(_meta(), day, account)


def _move(day: datetime.date, debit: str, credit: str, currency: str = "VND",
          off: int = 0) -> data.Transaction:
    return data.Transaction(_meta(voucher=f"KB-{LINE}"), day, "*", None, "Thanh toán",
                            frozenset(), frozenset(), [
                                data.Posting(debit, amount.Amount(Decimal(5 + off), currency),
                                             None, None, None, None),
                                data.Posting(credit, amount.Amount(Decimal(-5), currency),
                                             None, None, None, None)])


def _described(errors: list) -> list[tuple[str, int]]:
    return [(error.message, error.entry.meta["lineno"]) for error in errors]


def test_validations_see_every_transaction_that_could_fail() -> None:
    a, b, c, d = (f"Assets:Appropriation:LaiChau:GNBV:DA{n}:NSTW:SN:Y2025" for n in range(4))
    e, twice = "Expenses:Disbursed:LaiChau:GNBV:DA1:NSTW:SN:Y2025", "Assets:Twice"
    structure = sorted([
        _open(a, datetime.date(2025, 1, 1), ["VND"]), _open(b, datetime.date(2025, 1, 1)),
        _open(c, datetime.date(2025, 1, 1)), _close(c, datetime.date(2025, 2, 1)),
        _open(c.replace("DA2", "DA4"), datetime.date(2025, 1, 1)),
        _open(d, DAY), _open(e, datetime.date(2025, 1, 1), ["VND"]),
        _open(twice, datetime.date(2025, 1, 1), ["USD"]),
        _open(twice, datetime.date(2025, 1, 2)),
    ], key=data.entry_sortkey)
    unbalanced = _move(DAY, e, a, off=1)  # on sure accounts, but it does not balance
    added = sorted([
        unbalanced,
        _move(DAY, e, a),  # fine
        _move(DAY, b, c.replace("DA2", "DA4"), "USD"),  # both take any currency: fine
        _move(DAY, e, a, "USD"),  # a takes only VND
        _move(DAY, e, c),  # c was closed
        _move(DAY, e, d),  # d opened that very day: fine, but sent on
        _move(datetime.date(2024, 12, 31), e, a),  # before the accounts were opened
        _move(DAY, e, "Assets:Unknown"),
        _move(DAY, e, twice),  # opened twice
        _open("Assets:New", DAY),
        _move(DAY, e, "Assets:New"),
    ], key=data.entry_sortkey)
    everything = list(heapq.merge(structure, added, key=data.entry_sortkey))
    options = dict(OPTIONS_DEFAULTS)
    expected = [error for check in validation.VALIDATIONS for error in check(everything, options)]
    found = new_entry_errors(structure, added, options)
    assert _described(found) == _described(expected)
    assert len(expected) >= 6
    assert [error.entry for error in found if "does not balance" in error.message] == [unbalanced]


def test_recurring_texts_are_written_as_before() -> None:
    account = "Assets:Appropriation:LaiChau:GNBV:DA1:NSTW:SN:Y2025"
    entries = [_move(DAY + datetime.timedelta(days=n % 3), "Expenses:Disbursed:X", account)
               for n in range(10)]
    for entry in entries:
        entry.meta.update({"unit": 'UBND "xã" A\\B', "row": Decimal(LINE), "kind": "thanh-toan"})
    assert format_entries(entries) == "\n".join(format_transaction(entry)
                                                for entry in entries)
