"""oversized-requests: requests above the bundle's thresholds."""

from __future__ import annotations

from pathlib import Path

from conftest import TESTS, hits, make_settings, run_scan
from costlint.engine import ScanResult

FIXTURES = TESTS / "rules" / "fixtures" / "oversized_requests"
RULE = "oversized-requests"


def _messages(result: ScanResult) -> list[str]:
    return [f.message for f in result.findings if f.rule == RULE]


def test_bad_fixtures_point_at_the_quantity() -> None:
    result = run_scan(FIXTURES / "bad")

    assert sorted(hits(result, RULE)) == [
        (RULE, "cronjob.yaml", 17),
        (RULE, "workloads.yaml", 34),
        (RULE, "workloads.yaml", 42),
    ]
    assert sorted(_messages(result)) == [
        "container cache has memory limit 64Gi (and so that request), "
        "above the bundle's 32Gi (reserved and paid for even when idle)",
        "container db requests cpu 16, above the bundle's 8 (reserved "
        "and paid for even when idle)",
        "init container fetch requests cpu 12000m, above the bundle's 8 "
        "(reserved and paid for even when idle)",
    ]


def test_requests_at_the_threshold_pass() -> None:
    result = run_scan(FIXTURES / "good")

    assert hits(result, RULE) == []


def test_thresholds_come_from_the_bundle() -> None:
    settings = make_settings(
        bundle={"kubernetes": {"max_requests": {"memory": "256Mi"}}},
    )

    result = run_scan(FIXTURES / "good", settings)

    assert hits(result, RULE) == [
        (RULE, "workloads.yaml", 19),
        (RULE, "workloads.yaml", 24),
    ]


def test_unreadable_quantity_is_unresolved(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
        "  containers:\n"
        "    - {name: c, image: i, resources: {requests: {cpu: lots}}}\n",
    )

    result = run_scan(tmp_path)

    assert hits(result, RULE) == []
    assert [u.reason for u in result.unresolved if u.rule == RULE] == [
        "container c: cpu 'lots' is not a quantity",
    ]
