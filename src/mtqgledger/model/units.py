"""Spending units (đơn vị, chủ đầu tư, xã): the registry and how entries name a unit.

Decisions allocate a line's money to units (rows under a sub-project: a
department, a project board, a commune) and the State Treasury controls each
unit against its own allocation. A unit is named on a transaction by metadata,
not by an account component (docs/accounts.md says why)::

    unit: "UBND huyện Mường Tè"      the name as the decision writes it
    unit_code: "1049912"             its Mã ĐVQHNS at the treasury, when known

A handover (bàn giao) moves money between two units in one transaction, so it
names the unit on each posting instead; a posting's ``unit`` wins over its
transaction's.

The registry is the catalogue's ``[[units]]`` table, in a file beside the
books (``units.toml``) that ``mtqg import`` fills and the officer may edit::

    [[units]]
    province = "LaiChau"
    name = "UBND huyện Mường Tè"
    code = "1049912"
    kind = "huyen"                  # optional: read from the name's first words
    aliases = ["UBND H. Mường Tè"]  # other spellings, taught once

Names are compared as programme names are (``model/name_labels.Folding``: no
accents, abbreviations read, plus the catalogue's unit-only abbreviations such
as "H." for huyện), so "UBND huyện Mường Tè" and "UBND H. Mường Tè" are one unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from beancount.core import data

from mtqgledger.model.catalogue import Catalogue, Unit, UnitKind
from mtqgledger.model.name_labels import Folding

UNITS_FILE = "units.toml"  # the books' registry, beside the main file
REGISTRY_HEADER = (
    "# Danh mục đơn vị sử dụng vốn của sổ (spending units: name ↔ Mã ĐVQHNS ↔ kind).\n"
    "# mtqg import thêm đơn vị mới vào cuối tệp; có thể sửa tay: kind, aliases (cách viết\n"
    "# khác của cùng đơn vị, dạy một lần). See model/units.py and docs/accounts.md.\n")
UNIT_KEY = "unit"  # transaction or posting metadata
UNIT_CODE_KEY = "unit_code"
LEGACY_UNIT_KEY = "detail"  # what decision rows were kept as before units were a dimension


class UnitRef(NamedTuple):
    """A unit as reports key it: the registry's name and code, or the entry's own."""

    name: str
    code: str = ""


NO_UNIT = UnitRef("")


def unit_written(meta: Mapping[str, Any] | None) -> tuple[str, str]:
    """(name, code) a transaction's or posting's metadata gives, ``""`` where absent."""
    if not meta:
        return "", ""
    name = meta.get(UNIT_KEY) or meta.get(LEGACY_UNIT_KEY) or ""
    code = meta.get(UNIT_CODE_KEY) or ""
    return str(name).strip(), str(code).strip()


def posting_unit(entry: data.Transaction, posting: data.Posting) -> tuple[str, str]:
    """(name, code) of the unit a posting's money belongs to, as the books write it.

    The posting's own ``unit`` (a handover), else the transaction's; a treasury
    movement written by hand without one is its payee's (the unit that paid).
    """
    if posting.meta and UNIT_KEY in posting.meta:
        return unit_written(posting.meta)
    name, code = unit_written(entry.meta)
    if not name and entry.payee and "voucher" in entry.meta:
        return entry.payee.strip(), code
    return name, code


_LEVEL_WORDS = frozenset({"huyen", "tinh"})
_COMMITTEE = "uy ban nhan dan "


def loose(folded: str) -> str:
    """A folded name without the words of the administrative level and a leading "UBND", so
    "Trung tâm GDNN-GDTX huyện Phong Thổ" is found as a statement writes it, "Trung tâm
    GDNN-GDTX Phong Thổ", and a decision's "Xã Bum Nưa" is the statement's "UBND xã Bum Nưa"."""
    first, *rest = folded.removeprefix(_COMMITTEE).split() or [""]
    # A first word names the unit itself ("Huyện Mường Tè"): only a later one is dropped.
    return " ".join([first, *(word for word in rest if word not in _LEVEL_WORDS)])


class Units:
    """The registry of a catalogue: look-ups by code, by name and by spelling."""

    def __init__(self, catalogue: Catalogue) -> None:
        self._folding = Folding(catalogue.abbreviations)
        self.kinds: tuple[UnitKind, ...] = catalogue.unit_kinds
        self._starts = sorted(((self.fold(start), kind) for kind in self.kinds
                               for start in kind.starts), key=lambda item: -len(item[0]))
        self.units = catalogue.units
        self._by_code: dict[tuple[str, str], Unit] = {}
        self._by_name: dict[tuple[str, str], Unit] = {}
        self._by_loose: dict[tuple[str, str], Unit | None] = {}
        for unit in self.units:
            if unit.code:
                self._by_code.setdefault((unit.province, unit.code), unit)
            for written in (unit.name, *unit.aliases):
                folded = self.fold(written)
                self._by_name.setdefault((unit.province, folded), unit)
                key = (unit.province, loose(folded))
                # A loose spelling two units share names neither.
                self._by_loose[key] = unit if self._by_loose.get(key, unit) == unit else None
        self._refs: dict[tuple[str, str, str], UnitRef] = {}

    def fold(self, name: str) -> str:
        """A unit's name folded for matching: abbreviations read, and without "và", which
        names write as "&" as often ("Sở NN&MT", "Sở Nông nghiệp & Môi trường")."""
        return " ".join(word for word in self._folding(name).split() if word != "va")

    def find(self, province: str, name: str = "", code: str = "") -> Unit | None:
        """The registered unit with this code, else with this name or spelling."""
        if code and (unit := self._by_code.get((province, code))) is not None:
            return unit
        if name:
            folded = self.fold(name)
            unit = self._by_name.get((province, folded)) or \
                self._by_loose.get((province, loose(folded)))
            if unit is not None and (not code or not unit.code or unit.code == code):
                return unit
        return None

    def ref(self, province: str, name: str, code: str = "") -> UnitRef:
        """How reports and rules key the unit an entry names (cached: asked per posting)."""
        key = (province, name, code)
        found = self._refs.get(key)
        if found is None:
            unit = self.find(province, name, code)
            found = self._refs[key] = (UnitRef(unit.name, unit.code) if unit
                                       else UnitRef(name, code) if name or code else NO_UNIT)
        return found

    def kind_of(self, name: str) -> UnitKind | None:
        """The kind a unit's name starts with ("UBND xã …" → xã), or None."""
        folded = self.fold(name)
        return next((kind for start, kind in self._starts
                     if folded == start or folded.startswith(start + " ")), None)
