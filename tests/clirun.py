"""The `mtqg` command run in-process, and what a folder of books holds byte for byte."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from mtqgledger.cli import main


def mtqg(*args: object, code: int | None = 0,
         env: dict[str, str | None] | None = None) -> Result:
    """Run ``mtqg ARGS``; unless ``code`` is None, its exit code must be ``code``."""
    result = CliRunner(env=env).invoke(main, [str(arg) for arg in args],
                                       catch_exceptions=False)
    if code is not None:
        assert result.exit_code == code, result.output
    return result


def isolated_env(cache: Path) -> dict[str, str | None]:
    """The environment of a module's books (built once, outside a test's own): a cache
    folder of their own and the bundled catalogue only, as conftest gives each test."""
    return {"MTQG_CACHE_DIR": str(cache), "MTQG_CACHE": None, "MTQG_CATALOGUE": None}


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below the folder, by relative path. Beancount's own pickle cache (only
    written for loads slower than a second) is not part of the books."""
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*"))
            if path.is_file() and not path.name.endswith(".picklecache")}
