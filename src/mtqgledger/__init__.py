"""mtqgledger: budget and disbursement ledger for Vietnam's national target programmes."""

__version__ = "0.1.0"
