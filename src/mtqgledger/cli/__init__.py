"""The ``mtqg`` command: a thin click layer over the library.

The commands are in ``commands.py`` (``main``, the click group, is importable from
here as before). This module stays light: :func:`run`, the installed command,
first asks answers.py whether the same report of unchanged books was answered
before, and only then imports the library; ``mtqg import`` starts parsing its
first workbook before that (half a second of imports the parse need not wait for).
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
    if arguments[:1] == ["import"]:
        start_reading_first_workbook(arguments[1:])
    from mtqgledger.cli.commands import run_and_leave

    run_and_leave()


def start_reading_first_workbook(arguments: list[str]) -> None:
    """Parse the first workbook among ``mtqg import``'s arguments in a thread
    (importers.workbook.prefetch_workbook), while the library is imported.

    Its options name TOML files and books, never a workbook; a guess that is not the
    file the command reads first is parsed in vain, and costs no wrong result.
    """
    from mtqgledger.importers.workbook import prefetch_workbook

    for argument in arguments:
        if prefetch_workbook(argument):
            return


def __getattr__(name: str) -> object:
    if name == "main":  # the click group, imported when first asked for
        from mtqgledger.cli.commands import main

        return main
    raise AttributeError(name)
