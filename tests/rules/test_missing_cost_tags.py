"""missing-cost-tags: bad and good fixtures, exact lines."""

from __future__ import annotations

from pathlib import Path

from conftest import hits, make_settings, run_scan

FIXTURES = Path(__file__).parent / "fixtures" / "missing_cost_tags"
RULE = "missing-cost-tags"


def test_bad_fixture_findings() -> None:
    result = run_scan(FIXTURES / "bad")

    assert hits(result, RULE) == [
        (RULE, "main.tf", 15),
        (RULE, "main.tf", 21),
        (RULE, "main.tf", 29),
        (RULE, "main.tf", 33),
        (RULE, "main.tf", 43),
    ]


def test_bad_fixture_messages() -> None:
    result = run_scan(FIXTURES / "bad")
    messages = [f.message for f in result.findings if f.rule == RULE]

    assert messages == [
        "missing cost-allocation tag CostCenter",
        "tag Environment has value 'Production', not one of the allowed "
        "values (production, staging, development, test)",
        "missing cost-allocation tags Service, Environment, CostCenter in "
        "tag blocks",
        "tag Team is not propagated to the instances",
        "missing cost-allocation tags Service, Environment, CostCenter in "
        "tag_specifications for instance",
    ]


def test_alias_default_tags_do_not_leak() -> None:
    result = run_scan(FIXTURES / "bad")

    alerts = [f for f in result.findings if "alerts" in f.address]
    assert [f.message.split(",")[0] for f in alerts] == [
        "tag Environment has value 'Production'",
    ]


def test_good_fixture_is_clean() -> None:
    result = run_scan(FIXTURES / "good")

    assert hits(result) == []
    assert result.unresolved == []


def test_ignore_case_accepts_other_spelling() -> None:
    tags = {
        "Team": {},
        "Service": {},
        "Environment": {
            "allowed": ["production", "staging"],
            "ignore_case": True,
        },
        "CostCenter": {},
    }
    result = run_scan(FIXTURES / "bad", make_settings(required_tags=tags))

    assert not any("Production" in f.message for f in result.findings)


def test_ignore_types_option() -> None:
    settings = make_settings(
        rules={RULE: {"ignore_types": ["aws_sqs_queue"]}},
    )
    result = run_scan(FIXTURES / "bad", settings)

    assert not any("jobs" in f.address for f in result.findings)


def test_finding_carries_why_and_fix() -> None:
    result = run_scan(FIXTURES / "bad")
    finding = result.findings[0]

    assert "allocated" in finding.why
    assert finding.fix.startswith("add CostCenter")
    assert finding.address == "aws_sqs_queue.jobs"
