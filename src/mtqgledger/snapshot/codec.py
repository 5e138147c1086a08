"""How a snapshot's entries are written to disk: plain tuples, rebuilt by ``tuple.__new__``.

Pickling a province's history as Beancount's objects took longer than a tenth
of loading it (every named tuple, amount and Decimal reduced one by one) and
reading it back called each named tuple's Python-level ``__new__``. Nearly all
of it is transactions whose postings hold a whole number, no cost or price and
only the parser's file-and-line metadata: those are written as plain tuples
(whole numbers as ints, the posting's line number alone), and everything else
as it is. Names that repeat (accounts, currencies, files) are written once.
What is read back is equal to what was written, to the repr of every number
(tests/test_snapshot_codec.py).
"""

from __future__ import annotations

import datetime
import pickle
from decimal import Decimal
from typing import IO

from beancount.core import amount, data
from beancount.utils.defdict import ImmutableDictWithDefault

_new = tuple.__new__
_TOLERANCES = ImmutableDictWithDefault
_TRANSACTION, _POSTING, _AMOUNT = data.Transaction, data.Posting, amount.Amount
_PLAIN = 0  # a transaction written as tuples
_AS_IS = 1  # anything else, pickled whole


def _plain_postings(entry: data.Transaction, names: dict) -> list | None:
    """The postings as (account, whole number, currency, flag, line), if all are plain."""
    filename = entry.meta.get("filename")
    postings = []
    for posting in entry.postings:
        units, meta = posting.units, posting.meta
        if posting.cost is not None or posting.price is not None or type(units) is not \
                _AMOUNT or type(units.number) is not Decimal:
            return None
        sign, digits, exponent = units.number.as_tuple()
        if exponent != 0 or (sign and digits == (0,)):  # "1.0", "1E+3", "-0" print otherwise
            return None
        if meta is None:
            line = None
        elif len(meta) == 2 and next(iter(meta)) == "filename" and \
                meta["filename"] == filename and type(line := meta.get("lineno")) is int:
            pass
        else:
            return None
        postings.append((names.setdefault(posting.account, posting.account), int(units.number),
                         names.setdefault(units.currency, units.currency), posting.flag, line))
    return postings


def _shared_tolerances(value: ImmutableDictWithDefault, names: dict) -> object:
    """One object for every transaction's tolerances that print the same (booking gives
    each transaction its own; nearly all are alike): written and read back once. They are
    immutable, so sharing them changes nothing a reader can see."""
    key = (_TOLERANCES, value.default.__class__, str(value.default),
           tuple((currency, type(number), str(number)) for currency, number in value.items()))
    return names.setdefault(key, value)


def encoded(entries: list) -> list:
    names: dict = {}  # one object per repeated name, key tuple or short text
    records = []
    for entry in entries:
        postings = _plain_postings(entry, names) if type(entry) is _TRANSACTION else None
        if postings is None:
            records.append((_AS_IS, entry))
            continue
        meta = entry.meta
        keys = tuple(meta)
        values = [*meta.values()]
        for number, value in enumerate(values):
            if type(value) is str and len(value) < 40:  # a kind, a sheet, a source file
                values[number] = names.setdefault(value, value)
            elif type(value) is _TOLERANCES:
                values[number] = _shared_tolerances(value, names)
        records.append((_PLAIN, names.setdefault(keys, keys), tuple(values),
                        entry.date.toordinal(),
                        entry.flag, entry.payee, entry.narration, entry.tags, entry.links,
                        tuple(postings)))
    return records


def decoded(records: list) -> list:
    days: dict[int, datetime.date] = {}
    entries = []
    append = entries.append
    for record in records:
        if record[0] == _AS_IS:
            append(record[1])
            continue
        _, keys, values, ordinal, flag, payee, narration, tags, links, plain = record
        meta = dict(zip(keys, values, strict=True))
        day = days.get(ordinal)
        if day is None:
            day = days[ordinal] = datetime.date.fromordinal(ordinal)
        filename = meta.get("filename")
        postings = [_new(_POSTING, (account, _new(_AMOUNT, (Decimal(number), currency)), None,
                                    None, posting_flag,
                                    None if line is None else
                                    {"filename": filename, "lineno": line}))
                    for account, number, currency, posting_flag, line in plain]
        append(_new(_TRANSACTION, (meta, day, flag, payee, narration, tags, links, postings)))
    return entries


def dump(value: object, handle: IO[bytes]) -> None:
    pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)


def dumps(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def load(handle: IO[bytes]) -> object:
    return pickle.load(handle)
