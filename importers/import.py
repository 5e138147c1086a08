#!/usr/bin/env python3
"""Importers for beangulp's command line and Fava's import page.

    python importers/import.py identify importers/samples
    python importers/import.py extract importers/samples -e ledgers/main.beancount

Fava reads CONFIG when the books say
``custom "fava-option" "import-config" "../importers/import.py"`` (path relative to
the ledger) and ``custom "fava-option" "import-dirs" "../importers/samples"``.
``mtqg import`` uses the same importers and also writes and checks the books.

The importers read names against the catalogue of LEDGER (the one its budget-rule
plugin line names); point LEDGER at your own books when you copy this file.
"""

from pathlib import Path

import beangulp

from mtqgledger.importers.decision import DecisionImporter
from mtqgledger.importers.treasury import TreasuryImporter

LEDGER = Path(__file__).resolve().parents[1] / "ledgers" / "main.beancount"
CONFIG = [DecisionImporter(ledger=LEDGER), TreasuryImporter(ledger=LEDGER)]

if __name__ == "__main__":
    beangulp.Ingest(CONFIG)()
