"""missing-cost-labels: workload and pod template labels, namespaces."""

from __future__ import annotations

from pathlib import Path

from conftest import TESTS, hits, make_settings, run_scan
from costlint.config import Settings

FIXTURES = TESTS / "rules" / "fixtures" / "missing_cost_labels"
RULE = "missing-cost-labels"


def test_bad_fixtures_report_each_place() -> None:
    result = run_scan(FIXTURES / "bad")

    assert sorted(hits(result, RULE)) == [
        (RULE, "cronjob.yaml", 16),
        (RULE, "deployment.yaml", 19),
        (RULE, "multi.yaml", 28),
        (RULE, "pod.yaml", 3),
    ]


def test_messages_name_the_place_and_the_labels() -> None:
    result = run_scan(FIXTURES / "bad")
    by_file = {
        Path(f.location.file).name: f.message
        for f in result.findings
        if f.rule == RULE
    }

    assert by_file["deployment.yaml"].startswith(
        "pod template labels lack team, service, env",
    )
    assert by_file["cronjob.yaml"].startswith(
        "pod template labels lack service, env",
    )
    assert "env is 'prod', not one of production" in by_file["multi.yaml"]
    assert by_file["pod.yaml"].startswith("Pod labels lack")


def test_good_fixtures_are_clean() -> None:
    result = run_scan(FIXTURES / "good")

    assert hits(result) == []
    assert result.problems == []


def test_ignore_case_accepts_other_case(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
        "  labels: {team: a, service: b, env: Production}\n"
        "spec:\n  containers: [{name: c, image: i}]\n",
    )
    strict = run_scan(tmp_path)
    labels = {
        "team": {},
        "service": {},
        "env": {
            "allowed": ["production", "test"],
            "ignore_case": True,
        },
    }
    relaxed = run_scan(
        tmp_path,
        make_settings(bundle={"kubernetes": {"required_labels": labels}}),
    )

    assert hits(strict, RULE) == [(RULE, "pod.yaml", 5)]
    assert hits(relaxed, RULE) == []


_NAMESPACED = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: team-a
  labels: {service: api}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata:
      labels: {app: api, service: api}
    spec:
      containers: [{name: api, image: api:1}]
"""
_NAMESPACE = """\
---
apiVersion: v1
kind: Namespace
metadata:
  name: team-a
  labels: {team: a, env: staging}
"""


def _namespace_settings() -> Settings:
    return make_settings(
        bundle={
            "kubernetes": {
                "required_labels": {
                    "team": {},
                    "service": {},
                    "env": {"allowed": ["staging"]},
                },
                "namespace_labels": True,
            },
        },
    )


def test_namespace_labels_count_when_configured(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(_NAMESPACED + _NAMESPACE)

    default = run_scan(tmp_path)
    with_namespace = run_scan(tmp_path, _namespace_settings())

    assert hits(default, RULE) == [
        (RULE, "app.yaml", 6),
        (RULE, "app.yaml", 11),
    ]
    assert hits(with_namespace, RULE) == []


def test_unscanned_namespace_is_unresolved_not_missing(
    tmp_path: Path,
) -> None:
    (tmp_path / "app.yaml").write_text(_NAMESPACED)

    result = run_scan(tmp_path, _namespace_settings())

    assert hits(result, RULE) == []
    reasons = [u.reason for u in result.unresolved if u.rule == RULE]
    assert reasons == [
        "Deployment labels team, env may come from Namespace team-a, "
        "which is not in the scanned files",
        "pod template labels team, env may come from Namespace team-a, "
        "which is not in the scanned files",
    ]
