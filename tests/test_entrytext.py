"""The text mtqg import writes parses back to exactly the entries it was made from."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core import amount, data
from beancount.parser import parser

from mtqgledger.importers.decision import read_decision
from mtqgledger.importers.treasury import read_statement
from mtqgledger.ingest.writing import opens_for
from mtqgledger.model.catalogue_files import load_catalogue
from mtqgledger.outputs.beancount_text import format_entries

SAMPLES = Path(__file__).resolve().parents[1] / "importers" / "samples"


def comparable(entry: data.Directive) -> tuple:
    meta = {k: v for k, v in entry.meta.items() if k not in ("filename", "lineno")}
    if isinstance(entry, data.Open):
        return ("open", entry.date, entry.account, tuple(entry.currencies), meta)
    postings = tuple((p.account, p.units.number, p.units.currency) for p in entry.postings)
    return ("txn", entry.date, entry.flag, entry.payee, entry.narration, meta, postings)


def round_trip(entries: list[data.Directive]) -> None:
    parsed, errors, _ = parser.parse_string(format_entries(entries))
    assert errors == []
    # The parser returns entries in date order; compare them as sorted multisets.
    assert sorted(map(comparable, parsed), key=repr) == sorted(map(comparable, entries),
                                                               key=repr)


def sample_entries() -> list[data.Directive]:
    entries: list[data.Directive] = []
    for path in sorted(p for p in SAMPLES.glob("QD-*") if p.suffix in (".xlsx", ".xls")):
        entries += read_decision(path, load_catalogue()).entries
    entries += read_statement(SAMPLES / "KBNN-bang-ke-2025.xlsx", load_catalogue()).entries
    return entries


def test_sample_documents_round_trip():
    entries = sample_entries()
    assert len(entries) > 30
    round_trip([*opens_for(entries, [], load_catalogue()), *entries])


@pytest.mark.parametrize("text", [
    'Trường "Cao đẳng" Lai Châu', "đường dẫn C:\\tai-lieu\\", "hai\ndòng", "", "  cách  ",
    "Ðơn vị ÐƯỢC (Ð latin)",
])
def test_awkward_strings_round_trip(text):
    units = amount.Amount(Decimal(12_345_678_901_234_567), "VND")
    meta = data.new_metadata("x", 1, {"voucher": text, "row": Decimal(7),
                                      "decision_date": datetime.date(2025, 3, 5),
                                      "flagged": True})
    entry = data.Transaction(meta, datetime.date(2025, 3, 5), "*", text or None, text,
                             frozenset(), frozenset(),
                             [data.Posting("Assets:Advance:A:B:C:NSTW:SN:Y2025", units, None,
                                           None, None, None),
                              data.Posting("Assets:Appropriation:A:B:C:NSTW:SN:Y2025", -units,
                                           None, None, None, None)])
    round_trip([entry])
