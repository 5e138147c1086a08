"""``mtqg import``: source documents into the books, checked, atomically, without duplicates."""

from mtqgledger.ingest.pipeline import ImportFailed, ImportResult, import_files

__all__ = ["ImportFailed", "ImportResult", "import_files"]
