"""costlint generate kyverno: the committed kyverno/ is what the bundle
generates, the CLI writes and checks it, and the bundle decides the
enforcement action and refuses values Kyverno would misread.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from kyverno_helpers import COMMITTED, ROOT, policies_for

from conftest import hits, make_settings, run_scan
from costlint.cli import main
from costlint.config import ConfigError, read_bundle
from costlint.gen_kyverno import (
    AUTOGEN,
    PREFIX,
    README,
    ROLLOUTS_DIR,
    GenerationError,
    generate_policies,
    stale_files,
    write_generated,
)

LIBRARY_ANNOTATIONS = (
    "policies.kyverno.io/title",
    "policies.kyverno.io/category",
    "policies.kyverno.io/severity",
    "policies.kyverno.io/subject",
    "policies.kyverno.io/description",
    "policies.kyverno.io/minversion",
)


def default_bundle() -> dict[str, Any]:
    return dict(make_settings().bundle)


def with_kubernetes(**changes: Any) -> dict[str, Any]:
    bundle = default_bundle()
    bundle["kubernetes"] = {**bundle["kubernetes"], **changes}
    return bundle


def _write_config(tmp_path: Path, bundle: dict[str, Any]) -> Path:
    (tmp_path / "bundle.yaml").write_text(yaml.safe_dump(bundle))
    config = tmp_path / ".costlint.yaml"
    config.write_text("bundle: bundle.yaml\n")
    return config


def _files(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): path.read_text()
        for path in folder.rglob("*")
        if path.is_file()
    }


def test_committed_policies_match_a_fresh_generation(tmp_path: Path) -> None:
    write_generated(generate_policies(default_bundle()), tmp_path)

    fresh = _files(tmp_path)
    committed = _files(COMMITTED)
    assert committed == fresh, (
        "kyverno/ is out of date: run `costlint generate kyverno --isolated`"
    )


def test_cli_regenerates_the_committed_directory(tmp_path: Path) -> None:
    out = tmp_path / "kyverno"

    done = CliRunner().invoke(
        main,
        ["generate", "kyverno", "--isolated", "--out", str(out)],
    )

    assert done.exit_code == 0, done.output
    assert f"wrote 8 files to {out}" in done.output
    assert _files(out) == _files(COMMITTED)


def test_cli_check_passes_on_the_committed_directory() -> None:
    done = CliRunner().invoke(
        main,
        [
            "generate",
            "kyverno",
            "--isolated",
            "--check",
            "--out",
            str(COMMITTED),
        ],
        catch_exceptions=False,
    )

    assert done.exit_code == 0, done.output
    assert "up to date" in done.output


def test_cli_check_names_edited_and_stale_files(tmp_path: Path) -> None:
    out = tmp_path / "kyverno"
    write_generated(generate_policies(default_bundle()), out)
    edited = out / f"{PREFIX}require-requests.yaml"
    edited.write_text(edited.read_text().replace("Audit", "Enforce"))
    (out / f"{PREFIX}old-policy.yaml").write_text("kind: ClusterPolicy\n")
    (out / ROLLOUTS_DIR / f"{PREFIX}old.yaml").write_text("kind: X\n")

    done = CliRunner().invoke(
        main,
        ["generate", "kyverno", "--isolated", "--check", "--out", str(out)],
    )

    assert done.exit_code == 1
    assert f"{PREFIX}require-requests.yaml" in done.output
    assert f"{PREFIX}old-policy.yaml" in done.output
    assert f"{ROLLOUTS_DIR}/{PREFIX}old.yaml" in done.output


def test_writing_removes_stale_generated_policies(tmp_path: Path) -> None:
    (tmp_path / f"{PREFIX}old-policy.yaml").write_text("x: 1\n")
    (tmp_path / "team-policy.yaml").write_text("x: 1\n")

    files = generate_policies(default_bundle())
    write_generated(files, tmp_path)

    assert not (tmp_path / f"{PREFIX}old-policy.yaml").exists()
    assert (tmp_path / "team-policy.yaml").exists()
    assert stale_files(files, tmp_path) == []


def test_cli_reports_a_bundle_it_cannot_generate(tmp_path: Path) -> None:
    bundle = with_kubernetes(
        required_labels={"env": {"allowed": ["prod"], "ignore_case": True}},
    )
    config = _write_config(tmp_path, bundle)

    done = CliRunner().invoke(
        main,
        [
            "generate",
            "kyverno",
            "--config",
            str(config),
            "--out",
            str(tmp_path / "out"),
        ],
    )

    assert done.exit_code == 2
    assert "ignore_case" in done.output
    assert "bundle.yaml" in done.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("bundle", "message"),
    [
        pytest.param(
            with_kubernetes(required_labels={"env": {"allowed": ["prod-*"]}}),
            "wildcard",
            id="wildcard-value",
        ),
        pytest.param(
            with_kubernetes(required_labels={"env": {"allowed": [""]}}),
            "non-empty",
            id="empty-value",
        ),
        pytest.param(
            with_kubernetes(required_labels={"Team Name": {}}),
            "not a Kubernetes label key",
            id="bad-label-key",
        ),
        pytest.param(
            with_kubernetes(
                spot={
                    "providers": {
                        "aws": {
                            "notice_seconds": 120,
                            "labels": {"pool": ["spot|od"]},
                        },
                    },
                },
            ),
            "pattern",
            id="spot-value-with-a-bar",
        ),
        pytest.param(
            with_kubernetes(
                spot={
                    "providers": {
                        "aws": {
                            "notice_seconds": 120,
                            "labels": {"pool": ["1"]},
                        },
                    },
                },
            ),
            "pattern",
            id="spot-value-a-number",
        ),
    ],
)
def test_refuses_values_kyverno_would_misread(
    bundle: dict[str, Any],
    message: str,
) -> None:
    with pytest.raises(GenerationError, match=message):
        generate_policies(bundle)


def test_audit_is_the_default_and_every_rule_carries_it() -> None:
    for policy in policies_for(default_bundle()).values():
        assert "validationFailureAction" not in policy["spec"]
        actions = {
            r["validate"]["failureAction"] for r in policy["spec"]["rules"]
        }
        assert actions == {"Audit"}


def test_the_bundle_can_switch_every_rule_to_enforce() -> None:
    bundle = {**default_bundle(), "kyverno": {"failure_action": "enforce"}}

    for policy in policies_for(bundle).values():
        actions = {
            r["validate"]["failureAction"] for r in policy["spec"]["rules"]
        }
        assert actions == {"Enforce"}
    readme = {f.name: f.text for f in generate_policies(bundle)}[README]
    assert "failureAction: Enforce" in readme


def test_the_bundle_schema_refuses_other_actions(tmp_path: Path) -> None:
    bundle = {**default_bundle(), "kyverno": {"failure_action": "block"}}
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(bundle))

    with pytest.raises(ConfigError, match=r"kyverno\.failure_action"):
        read_bundle(tmp_path / "b.yaml")

    bundle["kyverno"] = {"failure_action": "audit", "autogen": True}
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(bundle))
    with pytest.raises(ConfigError, match="autogen"):
        read_bundle(tmp_path / "b.yaml")


def test_policies_carry_the_library_annotations_and_no_autogen() -> None:
    for name, policy in policies_for(default_bundle()).items():
        annotations = policy["metadata"]["annotations"]
        for key in LIBRARY_ANNOTATIONS:
            assert annotations.get(key), (name, key)
        assert annotations[AUTOGEN] == "none"
        assert annotations["policies.kyverno.io/severity"] == "medium"
        assert name.startswith(PREFIX)
        assert policy["spec"]["background"] is True


def test_deny_rules_never_match_deletes() -> None:
    for policy in policies_for(default_bundle()).values():
        for rule in policy["spec"]["rules"]:
            for entry in rule["match"]["any"]:
                assert entry["resources"]["operations"] == ["CREATE", "UPDATE"]


def test_label_rules_follow_the_bundle() -> None:
    bundle = with_kubernetes(
        required_labels={
            "example.com/cost-center": {"allowed": ["a1", "b2"]},
            "owner": {},
        },
    )

    policy = policies_for(bundle)["costlint-require-cost-labels"]

    first = policy["spec"]["rules"][0]
    labels = first["validate"]["pattern"]["metadata"]["labels"]
    assert labels == {"example.com/cost-center": "?*", "owner": "?*"}
    values = policy["spec"]["rules"][1]["validate"]["deny"]["conditions"]
    assert values["any"] == [
        {
            "key": "{{ request.object.metadata.labels."
            "\"example.com/cost-center\" || '' }}",
            "operator": "AnyNotIn",
            "value": ["a1", "b2"],
        },
    ]


def test_policies_are_left_out_when_the_bundle_asks_for_nothing() -> None:
    bundle = with_kubernetes(
        required_labels={},
        spot={"min_replicas": 2, "providers": {}},
    )

    names = sorted(policies_for(bundle))

    assert names == [
        "costlint-disallow-gp2-storageclass",
        "costlint-require-requests",
        "costlint-rollout-require-requests",
    ]


def test_long_rule_names_are_shortened_within_kyverno_limit() -> None:
    key = "very-long-provider-name.example.com/" + "spot-capacity-" * 3
    key = key.rstrip("-")
    bundle = with_kubernetes(
        spot={
            "min_replicas": 2,
            "providers": {
                "x": {"notice_seconds": 30, "labels": {key: ["yes"]}},
            },
        },
    )

    policy = policies_for(bundle)["costlint-rollout-spot-min-replicas"]

    (rule,) = policy["spec"]["rules"]
    assert len(rule["name"]) == 63
    assert rule["name"].startswith("selector-very-long-provider")


def test_scanning_the_generated_policies_finds_nothing() -> None:
    result = run_scan(COMMITTED)

    assert hits(result) == []
    assert result.problems == []
    assert result.resources == 7


def test_the_readme_explains_install_and_enforce() -> None:
    text = (COMMITTED / README).read_text()

    assert "kubectl apply -f kyverno/" in text
    assert "kyverno.failure_action" in text
    assert "autogen" in text
    assert (ROOT / "kyverno" / README).is_file()


def test_argo_rollouts_have_policies_of_their_own() -> None:
    for path in COMMITTED.rglob("*.yaml"):
        policy = yaml.safe_load(path.read_text())
        kinds = {
            kind
            for rule in policy["spec"]["rules"]
            for entry in rule["match"]["any"]
            for kind in entry["resources"]["kinds"]
        }
        if path.parent.name == ROLLOUTS_DIR:
            assert kinds == {"argoproj.io/v1alpha1/Rollout"}, path.name
        else:
            assert all("/" not in kind for kind in kinds), path.name
