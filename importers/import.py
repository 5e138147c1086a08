#!/usr/bin/env python3
"""Importers for beangulp's command line and Fava's import page.

    python importers/import.py identify importers/samples
    python importers/import.py extract importers/samples -e ledgers/main.beancount

Fava reads CONFIG when the books say
``custom "fava-option" "import-config" "../importers/import.py"`` (path relative to
the ledger) and ``custom "fava-option" "import-dirs" "../importers/samples"``.
``mtqg import`` uses the same importers and also writes and checks the books.
"""

import beangulp

from mtqgledger.importers.decision import DecisionImporter
from mtqgledger.importers.treasury import TreasuryImporter

CONFIG = [DecisionImporter(), TreasuryImporter()]

if __name__ == "__main__":
    beangulp.Ingest(CONFIG)()
