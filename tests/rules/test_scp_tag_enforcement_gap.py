"""scp-tag-enforcement-gap: each classic mistake, at the statement."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import TESTS, hits, make_settings, run_scan
from costlint.config import Settings
from costlint.engine import ScanResult

FIXTURES = TESTS / "rules" / "fixtures" / "scp_tag_enforcement_gap"
RULE = "scp-tag-enforcement-gap"
TAGS = {
    "CostCenter": {},
    "Environment": {"allowed": ["production", "staging"]},
}


@pytest.fixture
def settings() -> Settings:
    """Two tags, one with allowed values; instances and volumes."""
    return make_settings(
        required_tags=TAGS,
        bundle={"scp": {"enforce": ["ec2:instance", "ec2:volume"]}},
    )


def messages(result: ScanResult) -> list[str]:
    return [f.message for f in result.findings if f.rule == RULE]


@pytest.mark.parametrize(
    "paths",
    [
        pytest.param(["enforced.json"], id="scoped-with-exemption"),
        pytest.param(
            ["split/cost-center.json", "split/environment.json"],
            id="set-across-documents-and-a-list-file",
        ),
    ],
)
def test_good_sets_are_clean(paths: list[str], settings: Settings) -> None:
    result = run_scan([FIXTURES / "good" / p for p in paths], settings)

    assert hits(result) == []
    assert result.unresolved == []
    assert result.problems == []


def test_resource_covering_only_instances(settings: Settings) -> None:
    result = run_scan(
        FIXTURES / "bad" / "resource_instance_only.json", settings
    )

    assert hits(result, RULE) == [(RULE, "resource_instance_only.json", 5)]
    assert messages(result) == [
        "ec2:RunInstances can create ec2:volume without tag CostCenter: "
        'statement 1 ("DenyLaunchWithoutCostCenter") does not cover '
        "ec2:volume: its Resource is arn:aws:ec2:*:*:instance/*",
    ]
    assert result.findings[0].fix == (
        "add arn:*:ec2:*:*:volume/* to its Resource"
    )


def test_keys_in_one_null_block_are_anded(settings: Settings) -> None:
    result = run_scan(FIXTURES / "bad" / "null_keys_anded.json", settings)

    found = hits(result, RULE)
    assert set(found) == {(RULE, "null_keys_anded.json", 5)}
    # 5 (action, resource type) pairs x 2 tags, one finding each
    assert len(found) == 10
    assert all(
        'keys in one "Null" block are ANDed' in m for m in messages(result)
    )
    assert (
        "ec2:CreateVolume can create ec2:volume without tag Environment"
        in "\n".join(messages(result))
    )


def test_null_false_where_true_was_meant(settings: Settings) -> None:
    result = run_scan(FIXTURES / "bad" / "null_false.json", settings)

    assert set(hits(result, RULE)) == {(RULE, "null_false.json", 5)}
    text = "\n".join(messages(result))
    assert (
        "ec2:CreateVolume can create ec2:volume without tag CostCenter: "
        'statement 1 ("DenyCreateWithoutCostCenter") denies only when the '
        "tag is present" in text
    )
    assert "denies ec2:RunInstances even with every required tag" in text


def test_tag_keys_letting_some_keys_through(settings: Settings) -> None:
    result = run_scan(FIXTURES / "bad" / "tag_keys_some.json", settings)

    assert set(hits(result, RULE)) == {(RULE, "tag_keys_some.json", 5)}
    assert len(hits(result, RULE)) == 10
    assert (
        "lets through a request carrying only some of the required keys"
        in messages(result)[0]
    )


def test_allowed_values_check_blocking_allowed_values(
    settings: Settings,
) -> None:
    result = run_scan(
        FIXTURES / "bad" / "allowed_value_blocked.json", settings
    )

    assert sorted(set(hits(result, RULE))) == [
        (RULE, "allowed_value_blocked.json", 12),
        (RULE, "allowed_value_blocked.json", 21),
    ]
    text = "\n".join(messages(result))
    assert "rejects Environment=staging, an allowed value" in text
    assert "rejects Environment=production, an allowed value" in text


def test_resource_star_on_ec2_actions_denies_every_call(
    settings: Settings,
) -> None:
    result = run_scan(FIXTURES / "bad" / "resource_star.json", settings)

    assert hits(result, RULE) == [
        (RULE, "resource_star.json", 5),
        (RULE, "resource_star.json", 5),
    ]
    first = messages(result)[0]
    assert first.startswith(
        'statement 1 ("DenyCreateWithoutCostCenter") denies '
        "ec2:RunInstances even with every required tag: its Resource also "
        "matches ec2:image, ec2:subnet",
    )
    assert "so it denies every call" in first


def test_no_statement_reports_once_at_line_one(settings: Settings) -> None:
    result = run_scan(FIXTURES / "bad" / "no_enforcement.json", settings)

    assert hits(result, RULE) == [(RULE, "no_enforcement.json", 1)]
    assert messages(result)[0].startswith(
        "no statement of the SCP set denies creating without tags "
        "CostCenter, Environment: ec2:RunInstances, ",
    )


def test_what_is_not_understood_is_unresolved_not_guessed(
    settings: Settings,
) -> None:
    result = run_scan(
        FIXTURES / "bad" / "unresolved_policy_variable.json",
        settings,
    )

    assert hits(result, RULE) == []
    assert [(n.rule, n.location.line) for n in result.unresolved] == [
        (RULE, 5),
    ]
    assert "policy variable" in result.unresolved[0].reason
    assert (
        "tagged as the bundle asks is allowed" in result.unresolved[0].reason
    )


def test_only_the_first_document_judges_the_set(
    settings: Settings,
    tmp_path: Path,
) -> None:
    for name, folder in (("no_enforcement", "bad"), ("enforced", "good")):
        source = FIXTURES / folder / f"{name}.json"
        (tmp_path / f"{name}.json").write_text(source.read_text())

    result = run_scan(tmp_path, settings)

    assert hits(result, RULE) == []


def test_each_folder_is_its_own_set(settings: Settings) -> None:
    paths = [
        FIXTURES / "bad" / "no_enforcement.json",
        FIXTURES / "good" / "enforced.json",
    ]
    result = run_scan(paths, settings)

    assert {Path(f.location.file).name for f in result.findings} == {
        "no_enforcement.json",
    }


def test_terraform_only_scans_never_run_it() -> None:
    fixture = TESTS / "rules" / "fixtures" / "gp2_volume" / "bad"
    result = run_scan(fixture)

    assert hits(result, RULE) == []


def test_skipped_actions_are_not_checked(tmp_path: Path) -> None:
    settings = make_settings(
        required_tags={"CostCenter": {}},
        bundle={
            "scp": {
                "enforce": ["ec2:instance"],
                "skip_actions": ["ec2:CreateFleet"],
            },
        },
    )
    policy = tmp_path / "scp.json"
    policy.write_text(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", '
        '"Action": "ec2:RunInstances", '
        '"Resource": "arn:aws:ec2:*:*:instance/*", '
        '"Condition": {"Null": {"aws:RequestTag/CostCenter": "true"}}}]}',
    )

    assert hits(run_scan(policy, settings), RULE) == []


def test_ignore_case_values_must_pass_in_any_case(tmp_path: Path) -> None:
    policy = tmp_path / "scp.json"
    policy.write_text(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", '
        '"Action": "ec2:CreateVolume", '
        '"Resource": "arn:aws:ec2:*:*:volume/*", "Condition": '
        '{"StringNotEquals": {"aws:RequestTag/Environment": '
        '["production", "staging"]}}}]}',
    )

    def scan_with(ignore_case: bool) -> list[str]:
        settings = make_settings(
            required_tags={
                "Environment": {
                    "allowed": ["production", "staging"],
                    "ignore_case": ignore_case,
                },
            },
            bundle={
                "scp": {
                    "enforce": ["ec2:volume"],
                    "skip_actions": ["ec2:RunInstances", "ec2:CreateFleet"],
                },
            },
        )
        return messages(run_scan(policy, settings))

    assert scan_with(False) == []
    [message] = scan_with(True)
    assert "rejects Environment=PRODUCTION, an allowed value" in message
