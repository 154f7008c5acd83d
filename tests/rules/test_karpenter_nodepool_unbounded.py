"""karpenter-nodepool-unbounded: limits, consolidation, spot preference."""

from __future__ import annotations

from pathlib import Path

from conftest import TESTS, hits, make_settings, run_scan

FIXTURES = TESTS / "rules" / "fixtures" / "karpenter_nodepool_unbounded"
RULE = "karpenter-nodepool-unbounded"


def test_bad_fixtures() -> None:
    result = run_scan(FIXTURES / "bad")

    found = sorted(
        (Path(f.location.file).name, f.location.line, f.message)
        for f in result.findings
        if f.rule == RULE
    )
    assert found == [
        (
            "nodepools.yaml",
            3,
            "NodePool general has no limits, so it can launch nodes "
            "without bound",
        ),
        (
            "nodepools.yaml",
            31,
            "NodePool pinned disables consolidation (consolidateAfter: "
            "Never), so underused nodes keep running",
        ),
        (
            "nodepools.yaml",
            35,
            "NodePool dev allows only on-demand, but the bundle prefers "
            "spot for environment development",
        ),
        (
            "v1beta1.yaml",
            13,
            "NodePool staging allows only on-demand, but the bundle "
            "prefers spot for environment staging",
        ),
        (
            "v1beta1.yaml",
            21,
            "NodePool staging has a disruption budget of 0 nodes at all "
            "times, so consolidation never runs",
        ),
    ]


def test_good_fixtures_are_clean() -> None:
    result = run_scan(FIXTURES / "good")

    assert hits(result, RULE) == []


def test_when_empty_only_when_asked() -> None:
    settings = make_settings(rules={RULE: {"flag_when_empty": True}})

    result = run_scan(FIXTURES / "good", settings)

    assert hits(result, RULE) == [(RULE, "nodepools.yaml", 45)]


def test_spot_preference_comes_from_the_bundle() -> None:
    settings = make_settings(
        bundle={"kubernetes": {"karpenter": {"prefer_spot": ["production"]}}},
    )

    result = run_scan(FIXTURES / "good", settings)

    assert hits(result, RULE) == [(RULE, "nodepools.yaml", 33)]
