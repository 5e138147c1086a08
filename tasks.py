#!/usr/bin/env python3
"""Set up a local virtualenv and run the project's jobs: ``demo`` or ``test``.

Only the Python standard library is used here, so that a fresh machine with
Python >= 3.11 and git can run ``python3 tasks.py demo`` straight after cloning.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".mtqg-installed"
SAMPLE = ROOT / "ledgers" / "main.beancount"
SAMPLE_DOCUMENTS = ROOT / "importers" / "samples"
SAMPLE_AS_OF = "2025-11-14"  # the press report the 2025 sample reproduces
AS_OF_2026 = "2026-11-30"
DEMO_BOOKS = ROOT / "out" / "demo-books"
DEMO_QUARTERLY = [ROOT / "out" / "bao-cao-giai-ngan-2025Q3.xlsx",
                  ROOT / "out" / "bao-cao-giai-ngan-2026Q3.xlsx"]
# NQ 257/2025/QH15 lets the 2025 money of the 2021-2025 programmes be disbursed in 2026.
EXTENSION = ["--from", "2025", "--into", "2026", "--decision", "257/2025/QH15",
             "--decision-date", "2025-12-11", "--date", "2026-01-31"]


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def shown(arg: str | Path) -> str:
    """An argument as the user would type it: paths relative to the clone."""
    path = Path(arg)
    if path.is_absolute() and path.is_relative_to(ROOT):
        return str(path.relative_to(ROOT))
    return str(arg)


def run(*args: str | Path) -> None:
    say(" ".join(shown(a) for a in args))
    subprocess.run([str(a) for a in args], check=True, cwd=ROOT)


def install_fingerprint() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def bootstrap_pip(python: Path) -> None:
    """Install pip into a venv made without it (Debian ships Python without ensurepip)."""
    index = "https://pypi.org/pypi/pip/json"
    with urllib.request.urlopen(index, timeout=60) as reply:
        release = json.load(reply)
    wheel = next(f for f in release["urls"] if f["filename"].endswith(".whl"))
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / wheel["filename"]
        # Mirrors may answer with links relative to the index page.
        urllib.request.urlretrieve(urllib.parse.urljoin(index, wheel["url"]), target)
        digest = hashlib.sha256(target.read_bytes()).hexdigest()
        if digest != wheel["digests"]["sha256"]:
            raise SystemExit(f"pip wheel checksum mismatch: {digest}")
        # A wheel is a zip archive that Python can run pip from directly.
        run(python, str(target / "pip"), "install", "--quiet", str(target))


def ensure_venv() -> None:
    """Create .venv and install the project with its test extra, once per pyproject change."""
    if sys.version_info < (3, 11):  # noqa: UP036 - tell users of an older python3 clearly
        raise SystemExit(f"Python >= 3.11 is needed, this is {sys.version.split()[0]}")
    python = BIN / "python"
    if STAMP.exists() and STAMP.read_text() == install_fingerprint() and python.exists():
        return
    if not python.exists():
        say(f"creating virtualenv {VENV.relative_to(ROOT)}")
        try:
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True,
                           capture_output=True)
        except subprocess.CalledProcessError:
            say("venv has no ensurepip here; creating it without pip and fetching pip")
            subprocess.run([sys.executable, "-m", "venv", "--clear", "--without-pip", str(VENV)],
                           check=True)
            bootstrap_pip(python)
    run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(python, "-m", "pip", "install", "--quiet", "-e", ".[test]")
    STAMP.write_text(install_fingerprint())


def compile_sources() -> None:
    """Byte-compile the package, as pip does what it installs: an editable install is not,
    and where PYTHONDONTWRITEBYTECODE is set every command would compile it again (a third
    of a second each). Only files changed since the last run are compiled."""
    subprocess.run([str(BIN / "python"), "-m", "compileall", "-q", str(ROOT / "src")],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def demo() -> None:
    """The main job: import the sample documents of 2025 and 2026 into new books, report on
    both years, write the quarterly workbooks and serve the books in Fava."""
    mtqg = BIN / "mtqg"
    run(mtqg, "check", SAMPLE)
    if DEMO_BOOKS.exists():
        shutil.rmtree(DEMO_BOOKS)
    ledger = DEMO_BOOKS / "main.beancount"
    run(mtqg, "init", DEMO_BOOKS, "--province", "LaiChau", "--year", "2025",
        "--program", "GNBV", "--program", "DTTS")
    documents = sorted(p for p in SAMPLE_DOCUMENTS.iterdir() if p.suffix in (".xlsx", ".xls"))
    run(mtqg, "import", *(p for p in documents if "2025" in p.name), "--ledger", ledger)
    run(mtqg, "report", "disbursement", ledger, "--as-of", SAMPLE_AS_OF, "--plan-year", "2025")
    run(mtqg, "extend", ledger, *EXTENSION)
    run(mtqg, "import", *(p for p in documents if "2026" in p.name), "--ledger", ledger)
    run(mtqg, "report", "disbursement", ledger, "--as-of", AS_OF_2026, "--plan-year", "2026",
        "--unit", "trieu")
    for workbook in DEMO_QUARTERLY:
        quarter = workbook.stem.rsplit("-", 1)[-1]
        run(mtqg, "report", "quarterly", ledger, "--quarter", quarter, "-o", workbook)
    say("serving the books in Fava until Ctrl+C (port: $MTQG_DEMO_PORT, default 5000)")
    try:
        run(mtqg, "serve", ledger, "--host", "127.0.0.1", "--port",
            os.environ.get("MTQG_DEMO_PORT", "5000"))
    except KeyboardInterrupt:
        say("stopped")


def test() -> None:
    """Lint and the whole test suite."""
    run(BIN / "ruff", "check", ".")
    run(BIN / "python", "-m", "pytest")


JOBS = {"demo": demo, "test": test}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in JOBS:
        print(f"usage: python3 tasks.py {{{'|'.join(JOBS)}}}", file=sys.stderr)
        return 2
    ensure_venv()
    compile_sources()
    try:
        JOBS[argv[0]]()
    except subprocess.CalledProcessError as failure:
        return failure.returncode or 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
