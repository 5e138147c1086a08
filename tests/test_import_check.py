"""The import's check leaves out of Beancount's validations only the transactions that
cannot fail them: the errors are those of the validations over every entry."""

from __future__ import annotations

import datetime
import heapq
from decimal import Decimal

from beancount.core import amount, data
from beancount.ops import validation

from mtqgledger.ingest.check import to_validate
from mtqgledger.outputs.beancount_text import format_entries, format_transaction

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
          ) -> data.Transaction:
    return data.Transaction(_meta(voucher=f"KB-{LINE}"), day, "*", None, "Thanh toán",
                            frozenset(), frozenset(), [
                                data.Posting(debit, amount.Amount(Decimal(5), currency),
                                             None, None, None, None),
                                data.Posting(credit, amount.Amount(Decimal(-5), currency),
                                             None, None, None, None)])


def _errors(entries: list[data.Directive]) -> list[tuple[str, int]]:
    return [(error.message, error.entry.meta["lineno"]) for check in validation.VALIDATIONS
            if check is not validation.validate_check_transaction_balances
            for error in check(entries, {})]


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
    added = sorted([
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
    kept = to_validate(structure, added)
    assert _errors(kept) == _errors(everything)
    assert len(_errors(everything)) >= 5
    # only the two sure transactions are left out
    assert len(everything) - len(kept) == 2


def test_recurring_texts_are_written_as_before() -> None:
    account = "Assets:Appropriation:LaiChau:GNBV:DA1:NSTW:SN:Y2025"
    entries = [_move(DAY + datetime.timedelta(days=n % 3), "Expenses:Disbursed:X", account)
               for n in range(10)]
    for entry in entries:
        entry.meta.update({"unit": 'UBND "xã" A\\B', "row": Decimal(LINE), "kind": "thanh-toan"})
    assert format_entries(entries) == "\n".join(format_transaction(entry)
                                                for entry in entries)
