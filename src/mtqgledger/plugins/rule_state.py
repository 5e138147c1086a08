"""The budget rules' running state, kept so that a later run can go on from it.

The rules walk the books in date order, keeping each line's (and unit's)
balances, extensions and deadlines. Books that grow by entries dated after all
their others (a month's statement) need not be walked again: the state just
before the run's last day-end, restored, and fed the new entries, ends exactly
as a run over everything would (the same entries are seen in the same order).
snapshot/ keeps the state with the books' snapshot; the plugin leaves the state
of its last run in this thread (:func:`remember`) for the snapshot of a full
load to pick up.
"""

from __future__ import annotations

import pickle
import threading
from collections.abc import Callable
from typing import NamedTuple


class RuleState(NamedTuple):
    """A checker's state between two entries."""

    pickled: bytes  # the checker, without its catalogue, configuration and callbacks
    divided: frozenset  # the lines it follows per unit (unit_rules.divided_lines)

_last_run = threading.local()


def frozen(checker) -> RuleState:
    """The checker's state, without what it was given (restored by :func:`resumed`)."""
    given = checker.catalogue, checker.config, checker.units.units, checker.units.report
    checker.catalogue = checker.config = checker.units.units = checker.units.report = None
    try:
        return RuleState(pickle.dumps(checker, protocol=pickle.HIGHEST_PROTOCOL),
                         frozenset(checker.units.divided))
    finally:
        checker.catalogue, checker.config, checker.units.units, checker.units.report = given


def resumed(state: RuleState, catalogue, config):
    """A checker in ``state``, with the catalogue and configuration of the books now (the
    caller makes sure they are those the state was made with)."""
    checker = pickle.loads(state.pickled)
    checker.catalogue, checker.config = catalogue, config
    checker.units.units = catalogue.unit_registry
    checker.units.report = checker.error
    return checker


def remember(entries: list) -> Callable[[RuleState], None]:
    """What the plugin calls with the state of its run over ``entries``."""
    def keep(state: RuleState) -> None:
        _last_run.found = (len(entries), entries[-1] if entries else None, state)

    return keep


def last_run(entries: list) -> RuleState | None:
    """The state the plugin left in this thread, if its run was over these entries."""
    found = getattr(_last_run, "found", None)
    _last_run.found = None
    if found is None:
        return None
    count, last, state = found
    if count != len(entries) or (entries and entries[-1] is not last):
        return None
    return state
