"""The budget rules of books with new entries, run only on the new entries when they can.

The rules walk the books in date order. When every new entry comes after all
the others (a month's statement appended), the run goes on from the state the
last run kept before its last day's end (plugins/rule_state.py) over the new
entries only, and ends as a run over everything would; when an entry is
back-dated, a catalogue file changed, or a new entry divides a line among units
(which changes how the earlier entries of that line are followed), the rules
run over everything again. Either way the run keeps its state for the next.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from mtqgledger.model.catalogue import Catalogue, CatalogueError
from mtqgledger.model.catalogue_files import load_catalogue
from mtqgledger.plugins import budget_rules
from mtqgledger.plugins.rule_options import RuleConfig
from mtqgledger.plugins.rule_state import RuleState
from mtqgledger.plugins.unit_rules import divided_lines
from mtqgledger.snapshot.sources import Overlay, read_bytes

PLUGIN = budget_rules.__name__


def _catalogue(files: tuple[str, ...], overlay: Overlay | None) -> Catalogue | None:
    """The catalogue the plugin would load, with the overlay's contents of its files (all
    passed as texts then, so that they merge in the plugin line's order)."""
    if overlay is None or not any(name in overlay for name in files):
        return load_catalogue(files)
    texts = []
    for name in files:
        contents = read_bytes(name, overlay)
        if contents is None:
            return None
        texts.append((name, contents.decode("utf-8")))
    return load_catalogue((), texts)


def rules_on(entries: Callable[[], list], added: list, options: dict, overlay: Overlay | None,
             state: RuleState | None, resume: bool,
             ) -> tuple[list, list | None, RuleState | None] | None:
    """The budget rules' errors, warnings (None when the books do not run the rules) and
    state on books ``entries()`` that gained ``added``; ``resume``: go on from ``state`` if the
    new entries do not divide a line among units. None when the plugin line or a catalogue
    file is one the plugin would report as an error (a full load says how)."""
    plugins = options.get("plugin", [])
    if not plugins:
        return [], None, None
    (_, config_text), = plugins
    base_dir = os.path.dirname(options.get("filename") or ".")
    try:
        config = RuleConfig.parse(config_text, base_dir)
        catalogue = _catalogue(config.catalogue_files, overlay)
    except (ValueError, CatalogueError, UnicodeDecodeError):
        return None
    if catalogue is None:
        return None
    kept: list[RuleState] = []
    if resume and state is not None and divided_lines(added) <= state.divided:
        errors, warnings = budget_rules.check_rules(added, catalogue, config, state=state,
                                                    keep=kept.append)
    else:
        errors, warnings = budget_rules.check_rules(entries(), catalogue, config,
                                                    keep=kept.append)
    return list(errors), list(warnings), kept[0]
