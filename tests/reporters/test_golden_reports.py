"""Every format's output for a fixed result, compared with golden files.

Rebuild with `COSTLINT_UPDATE_GOLDEN=1 python -m pytest -q
tests/reporters/test_golden_reports.py` (see golden/README.md) and
review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from report_sample import TEST_VERSION, sample_context, sample_result

from costlint.reporters import json_report
from costlint.reporters.registry import FORMATS, render

GOLDEN = Path(__file__).parent / "golden"
NAMES = {
    "text": "report.txt",
    "json": "report.json",
    "sarif": "report.sarif",
    "junit": "report.junit.xml",
    "gitlab": "report.gitlab.json",
    "github": "report.github.txt",
    "markdown": "report.md",
}
UPDATE = os.environ.get("COSTLINT_UPDATE_GOLDEN") == "1"


def test_every_format_has_a_golden_file() -> None:
    assert set(NAMES) == set(FORMATS)


@pytest.mark.parametrize("fmt", sorted(NAMES), ids=sorted(NAMES))
def test_report_matches_golden(
    fmt: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(json_report, "__version__", TEST_VERSION)
    text = render(fmt, sample_result(), sample_context())
    golden = GOLDEN / NAMES[fmt]
    if UPDATE:
        golden.write_text(text, encoding="utf-8")

    assert text == golden.read_text(encoding="utf-8"), (
        f"{fmt} output changed; review it, then rebuild with "
        "COSTLINT_UPDATE_GOLDEN=1 (see tests/reporters/golden/README.md)"
    )
