"""The bundled Kubernetes examples: the bad one shows every rule."""

from __future__ import annotations

from conftest import TESTS, run_scan

EXAMPLES = TESTS.parent / "examples" / "kubernetes"
KUBERNETES_RULES = {
    "missing-cost-labels",
    "missing-requests",
    "oversized-requests",
    "gp2-storage-class",
    "spot-unsafe-workload",
    "karpenter-nodepool-unbounded",
}


def test_good_example_scans_clean() -> None:
    result = run_scan(EXAMPLES / "good")

    assert result.problems == []
    assert result.findings == []
    assert result.unresolved == []
    assert result.resources == 7


def test_bad_example_shows_every_kubernetes_rule() -> None:
    result = run_scan(EXAMPLES / "bad")

    assert result.problems == []
    assert {f.rule for f in result.findings} == KUBERNETES_RULES
    assert len(result.findings) == 15
