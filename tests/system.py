"""Real outside programs for tests: Debian packages installed on demand, LibreOffice recalculation.

Tests that need chromium or LibreOffice call :func:`debian_program`; on a machine
without the program it is installed with apt when the tests run as root (as CI
does), so a clean clone needs nothing installed by hand.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from pathlib import Path

import pytest

_LOCK = Path("/tmp/mtqg-test-apt.lock")


def debian_program(program: str, package: str) -> str:
    """Path of ``program``, installing Debian's ``package`` first if it is missing."""
    found = shutil.which(program)
    if found:
        return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip(f"{program} is missing and cannot be installed here: run as root on "
                    f"Debian, or `apt-get install {package}`")
    # Parallel test sessions on one machine must not run apt at the same time.
    with _LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not shutil.which(program):
            environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            install = ["apt-get", "install", "-y", "--no-install-recommends", package]
            if subprocess.run(install, env=environment, capture_output=True).returncode != 0:
                subprocess.run(["apt-get", "update"], env=environment, check=True,
                               capture_output=True)
                subprocess.run(install, env=environment, check=True, capture_output=True)
    found = shutil.which(program)
    assert found, f"apt-get installed {package} but {program} is not on PATH"
    return found


def recalculate(workbook: Path, folder: Path) -> Path:
    """Open ``workbook`` in LibreOffice headless, recalculate every formula, save a copy.

    The copy (in ``folder``) holds LibreOffice's computed value of each formula
    cell; read it with ``openpyxl.load_workbook(path, data_only=True)``.
    """
    soffice = debian_program("soffice", "libreoffice-calc-nogui")
    folder.mkdir(parents=True, exist_ok=True)
    profile = folder / "lo-profile"
    command = [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
               "--calc", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir",
               str(folder), str(workbook)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    result = folder / workbook.with_suffix(".xlsx").name
    assert done.returncode == 0 and result.exists(), \
        f"LibreOffice did not convert {workbook}: {done.stdout} {done.stderr}"
    return result
