"""``python -m mtqgledger.cli``: the ``mtqg`` command."""

from mtqgledger.cli import run

run()
