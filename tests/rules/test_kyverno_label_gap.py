"""kyverno-label-gap: hand-written Kyverno policies and the cost labels."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import TESTS, hits, make_settings, run_scan

FIXTURES = TESTS / "rules" / "fixtures" / "kyverno_label_gap"
RULE = "kyverno-label-gap"


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        pytest.param(
            "deployment_only.yaml",
            23,
            "rule workload-labels requires team, service, env on "
            "Deployment, StatefulSet but no scanned policy requires them on "
            "the pod template or on Pods",
            id="workload-labels-only",
        ),
        pytest.param(
            "cronjob.yaml",
            27,
            "rule own-labels requires team, service, env on CronJob but no "
            "scanned policy requires them on the pod template",
            id="cronjob-in-second-document",
        ),
        pytest.param(
            "partial.yaml",
            19,
            "no scanned Kyverno policy requires the cost labels service "
            "(the policies require team, env)",
            id="some-labels",
        ),
        pytest.param(
            "values.yaml",
            18,
            "rule env-values lets label env be prod, which the bundle does "
            "not allow",
            id="value-not-allowed",
        ),
        pytest.param(
            "any_value.yaml",
            18,
            "label env may take any value under the scanned policies; the "
            "bundle allows only production, staging, development, test",
            id="any-value",
        ),
    ],
)
def test_each_bad_fixture_reports_one_gap(
    name: str,
    line: int,
    message: str,
) -> None:
    result = run_scan(FIXTURES / "bad" / name)

    assert hits(result) == [(RULE, name, line)]
    assert result.findings[0].message.startswith(message)


def test_the_fix_names_where_the_labels_belong() -> None:
    result = run_scan(FIXTURES / "bad" / "cronjob.yaml")

    assert result.findings[0].fix == (
        "require team, service, env under "
        "spec.jobTemplate.spec.template.metadata.labels too, or on Pods"
    )


def test_good_fixtures_are_clean() -> None:
    result = run_scan(FIXTURES / "good")

    assert hits(result) == []
    assert result.problems == []


def test_a_cel_rule_about_labels_is_listed_as_not_judged() -> None:
    result = run_scan(FIXTURES / "good" / "pods_and_others.yaml")

    notes = [u for u in result.unresolved if u.rule == RULE]
    assert [(u.address, u.location.line) for u in notes] == [
        ("ClusterPolicy/cel-labels", 55),
    ]
    assert "rule cel checks labels" in notes[0].reason


def test_policies_are_read_together(tmp_path: Path) -> None:
    (tmp_path / "partial.yaml").write_text(
        (FIXTURES / "bad" / "partial.yaml").read_text(),
    )
    (tmp_path / "service.yaml").write_text(
        "apiVersion: kyverno.io/v1\n"
        "kind: ClusterPolicy\n"
        "metadata: {name: require-service}\n"
        "spec:\n"
        "  rules:\n"
        "    - name: service\n"
        "      match: {any: [{resources: {kinds: [Pod]}}]}\n"
        "      validate:\n"
        "        failureAction: Audit\n"
        "        pattern: {metadata: {labels: {service: '?*'}}}\n",
    )

    assert hits(run_scan(tmp_path)) == []


def test_a_pod_rule_covers_the_pods_of_a_workload_rule(tmp_path: Path) -> None:
    text = (FIXTURES / "bad" / "deployment_only.yaml").read_text()
    (tmp_path / "p.yaml").write_text(
        text.replace("kinds: [Deployment, StatefulSet]", "kinds: [Pod]"),
    )

    assert hits(run_scan(tmp_path)) == []


def test_the_bundle_decides_which_labels_count() -> None:
    kubernetes = dict(make_settings().bundle["kubernetes"])
    kubernetes["required_labels"] = {
        "team": {},
        "env": {"allowed": ["production", "staging"], "ignore_case": True},
    }
    settings = make_settings(bundle={"kubernetes": kubernetes})

    result = run_scan(FIXTURES / "bad" / "partial.yaml", settings)

    assert hits(result) == [(RULE, "partial.yaml", 33)]
    assert result.findings[0].message.startswith(
        "rule pod-env lets label env be development, test",
    )


def test_no_required_labels_means_nothing_to_judge() -> None:
    kubernetes = dict(make_settings().bundle["kubernetes"])
    kubernetes["required_labels"] = {}
    settings = make_settings(bundle={"kubernetes": kubernetes})

    result = run_scan(FIXTURES / "bad", settings)

    assert hits(result, RULE) == []


def test_the_generated_policies_have_no_gap() -> None:
    result = run_scan(TESTS.parent / "kyverno")

    assert hits(result, RULE) == []
    assert [u for u in result.unresolved if u.rule == RULE] == []


def test_values_limited_by_a_wildcard_are_not_judged(tmp_path: Path) -> None:
    text = (FIXTURES / "bad" / "values.yaml").read_text()
    (tmp_path / "p.yaml").write_text(
        text.replace('"prod | production | staging"', '"prod*"'),
    )

    assert hits(run_scan(tmp_path)) == []
