"""The rules of the README's "Architecture" as checks: ruff, and the import contracts of ``pyproject.toml``
(import-linter: core below every domain, one order between domains, a domain's pages and API apart, no cycle
inside a domain, and the domain boundaries of ``tests/contracts.py``). A copy of the package with bad imports
shows each contract catches them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(tool: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run([str(BIN / tool), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_ruff_finds_nothing():
    result = run("ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_import_contracts_hold():
    result = run("lint-imports", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 5 kept, 0 broken." in result.stdout


def _append_import(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_a_bad_import_breaks_its_contract(tmp_path):
    shutil.copytree(ROOT / "ecabinet", tmp_path / "ecabinet",
                    ignore=shutil.ignore_patterns("__pycache__", "translations"))
    (tmp_path / "tests").mkdir()
    for name in ("__init__.py", "contracts.py"):
        shutil.copy(ROOT / "tests" / name, tmp_path / "tests" / name)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    package = tmp_path / "ecabinet"
    _append_import(package / "core" / "routes.py", "from ecabinet.policy import allowed")
    _append_import(package / "tasks" / "operations.py", "from ecabinet.conclusions import operations as conclusions")
    _append_import(package / "live" / "routes.py", "from ecabinet.meetings.routes import localtime")
    _append_import(package / "minutes" / "document.py", "from ecabinet.meetings.operations import _check_editable")
    _append_import(package / "live" / "snapshot.py", "from ecabinet.live import actions")
    _append_import(package / "registers" / "routes.py", "from ecabinet.registers.api import number_row")

    result = run("lint-imports", "--no-cache", cwd=tmp_path)

    assert result.returncode == 1
    out = result.stdout
    assert "Contracts: 0 kept, 5 broken." in out, out
    assert "ecabinet.core is not allowed to import ecabinet.policy" in out
    assert "ecabinet.tasks is not allowed to import ecabinet.conclusions" in out
    assert "ecabinet.live.routes:" in out and "uses ecabinet.meetings.routes" in out
    assert "uses ecabinet.meetings.operations._check_editable" in out
    assert "No cycles are allowed in ecabinet.live." in out
    assert "ecabinet.registers.routes is not allowed to import ecabinet.registers.api" in out
