"""ruff and mypy are part of the test run, so CI enforces them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, check=False)


def test_ruff_is_clean() -> None:
    result = _run("ruff", "check", "bot", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean_on_bot() -> None:
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
