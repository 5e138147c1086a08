"""The ``mtqg`` command: a thin click layer over the library.

The commands are in ``commands.py`` (``main``, the click group, is importable from
here as before). This module stays light: :func:`run`, the installed command,
first asks answers.py whether the same report of unchanged books was answered
before, and only then imports the library.
"""

from __future__ import annotations

import os
import sys


def run() -> None:
    """The installed ``mtqg`` command."""
    from mtqgledger.cli import answers

    arguments = sys.argv[1:]
    if answers.replay(arguments):
        os._exit(0)
    answers.remember_arguments(arguments)
    from mtqgledger.cli.commands import run_and_leave

    run_and_leave()


def __getattr__(name: str) -> object:
    if name == "main":  # the click group, imported when first asked for
        from mtqgledger.cli.commands import main

        return main
    raise AttributeError(name)
