"""s3-missing-lifecycle: bad and good fixtures, exact lines."""

from __future__ import annotations

from pathlib import Path

from conftest import hits, run_scan

FIXTURES = Path(__file__).parent / "fixtures" / "s3_missing_lifecycle"
RULE = "s3-missing-lifecycle"


def test_bad_fixture_findings() -> None:
    result = run_scan(FIXTURES / "bad")

    assert hits(result, RULE) == [
        (RULE, "main.tf", 1),
        (RULE, "main.tf", 5),
        (RULE, "main.tf", 23),
    ]


def test_good_fixture_is_clean() -> None:
    result = run_scan(FIXTURES / "good")

    assert hits(result, RULE) == []
    assert [n for n in result.unresolved if n.rule == RULE] == []
