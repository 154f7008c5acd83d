"""The project's own linters run as part of the test suite.

ruff and mypy are in the `test` extra, so the README's test command and
CI check style and types with every run; a failure names the file.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(
            ("ruff", "check", "src", "tests", "benchmarks"), id="ruff-check"
        ),
        pytest.param(
            ("ruff", "format", "--check", "src", "tests", "benchmarks"),
            id="ruff-format",
        ),
        pytest.param(("mypy",), id="mypy-strict"),
    ],
)
def test_linter_passes(args: tuple[str, ...]) -> None:
    done = run(*args)

    assert done.returncode == 0, done.stdout + done.stderr


def test_readme_opens_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text()
    blocks = [part.split("\n", 1)[1] for part in text.split("```sh")[1:3]]

    assert blocks[0].startswith(
        "python3 -m venv .venv && .venv/bin/pip "
        "install . && .venv/bin/costlint scan"
    )
    assert blocks[1].startswith(
        "python3 -m venv .venv && .venv/bin/pip "
        "install '.[test]' && .venv/bin/python -m "
        "pytest"
    )
    ci = (ROOT / ".ci" / "run").read_text()
    assert blocks[1].strip().splitlines()[0] in ci
