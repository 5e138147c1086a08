"""The books' registry of spending units, ``units.toml`` beside the main file, kept by imports.

Every unit a document names is looked up in the registry (by its treasury code,
else by its name read as ``model/units.py`` reads names); the entry then carries
the registry's name, so "UBND H. Mường Tè" of a statement is booked as the
"UBND huyện Mường Tè" its decision allocated to. A unit the registry lacks is
added, a code it lacks is learnt. Decisions are read first: the name a decision
writes is the unit's name.

The file is only ever appended to, so the officer may edit it (fix a kind, add
``aliases`` that teach a spelling once) and the next import keeps the edits.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from beancount.core import data

from mtqgledger.model.accounts import parse_account
from mtqgledger.model.catalogue import Unit
from mtqgledger.model.units import (
    REGISTRY_HEADER,
    UNIT_CODE_KEY,
    UNIT_KEY,
    UNITS_FILE,
    Units,
    loose,
    unit_written,
)
from mtqgledger.outputs.beancount_text import quote


def units_path(ledger: Path) -> Path:
    return ledger.parent / UNITS_FILE


class UnitNames:
    """Resolves the units a batch of documents names against the registry and each other."""

    def __init__(self, registry: Units) -> None:
        self.registry = registry
        self.added: dict[tuple[str, str], Unit] = {}  # (province, folded name) -> new unit
        self.codes: dict[tuple[str, str], Unit] = {}  # (province, code) -> new or learnt
        self.resolved: dict[tuple[str, str, str], str] = {}

    def name_of(self, province: str, name: str, code: str) -> str:
        """The registry's name of the unit written ``name`` (with ``code``), registering it."""
        key = (province, name, code)
        found = self.resolved.get(key)
        if found is None:
            found = self.resolved[key] = self._resolve(province, name, code)
        return found

    def _resolve(self, province: str, name: str, code: str) -> str:
        known = self.registry.find(province, name, code) or \
            (self.codes.get((province, code)) if code else None) or \
            self.added.get((province, loose(self.registry.fold(name))))
        if known is None and code and (named := self.registry.find(province, name)):
            return named.name  # its registered code differs: the registry's is kept
        if known is None:
            kind = self.registry.kind_of(name) if name else None
            unit = Unit(province, name or code, code, kind.code if kind else "")
            self.added[(province, loose(self.registry.fold(unit.name)))] = unit
            if code:
                self.codes[(province, code)] = unit
            return unit.name
        if code and not known.code and (province, code) not in self.codes:
            key = (province, loose(self.registry.fold(known.name)))
            if self.added.get(key) is known:  # new in this import: written with its code
                known = self.added[key] = Unit(province, known.name, code, known.kind)
            else:
                known = Unit(province, known.name, code)  # learnt: appended as name + code
            self.codes[(province, code)] = known
        return known.name

    def text(self, before: str) -> str:
        """The registry file's text with the new units and learnt codes appended."""
        news = [*self.added.values(),
                *(unit for unit in self.codes.values() if unit not in self.added.values())]
        if not news:
            return before
        blocks = [before.rstrip("\n") + "\n" if before.strip() else REGISTRY_HEADER]
        for unit in news:
            lines = ["", "[[units]]", f'province = "{unit.province}"',
                     f"name = {quote(unit.name)}"]
            if unit.code:
                lines.append(f"code = {quote(unit.code)}")
            if unit.kind:
                lines.append(f'kind = "{unit.kind}"')
            blocks.append("\n".join(lines) + "\n")
        return "".join(blocks)


def name_units(documents: Sequence, registry: Units) -> UnitNames:
    """Put the registry's name on every entry of the documents that names a unit."""
    names = UnitNames(registry)
    provinces: dict[str, str] = {}
    for document in sorted(documents, key=lambda document: document.kind != "decision"):
        for entry in document.entries:
            if not isinstance(entry, data.Transaction):
                continue
            # A handover names each posting's unit; other entries the transaction's.
            for meta in [entry.meta, *(p.meta for p in entry.postings if p.meta)]:
                name, code = unit_written(meta)
                if not (name or code) or (province := _province(entry, provinces)) is None:
                    continue
                meta[UNIT_KEY] = names.name_of(province, name, code)
                if code:
                    meta[UNIT_CODE_KEY] = code
    return names


def _province(entry: data.Transaction, known: dict[str, str]) -> str | None:
    for posting in entry.postings:
        found = known.get(posting.account)
        if found is None:
            parsed = parse_account(posting.account)
            if parsed is None:
                continue
            found = known[posting.account] = parsed[1].province
        return found
    return None
