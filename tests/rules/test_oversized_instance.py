"""oversized-instance: bad and good fixtures, exact lines."""

from __future__ import annotations

from pathlib import Path

from conftest import hits, make_settings, run_scan

FIXTURES = Path(__file__).parent / "fixtures" / "oversized_instance"
RULE = "oversized-instance"


def test_bad_fixture_findings() -> None:
    result = run_scan(FIXTURES / "bad")

    assert hits(result, RULE) == [
        (RULE, "main.tf", 12),
        (RULE, "main.tf", 18),
        (RULE, "main.tf", 27),
        (RULE, "main.tf", 59),
        (RULE, "main.tf", 70),
        (RULE, "main.tf", 82),
        (RULE, "main.tf", 94),
    ]


def test_message_names_environment_and_limit() -> None:
    result = run_scan(FIXTURES / "bad")
    api = next(f for f in result.findings if f.rule == RULE)

    assert api.address == "aws_instance.api"
    assert api.message == (
        "EC2 instance type m7i.4xlarge is larger than development allows "
        "(size 4xlarge is above 2xlarge)"
    )
    assert "2xlarge and 8 vCPUs in development" in api.fix


def test_good_fixture_is_clean() -> None:
    result = run_scan(FIXTURES / "good")

    assert hits(result, RULE) == []
    notes = [n.address for n in result.unresolved if n.rule == RULE]
    assert notes == ["aws_instance.sized"]


def test_vcpu_limit_alone() -> None:
    settings = make_settings(
        rules={RULE: {"limits": {"development": {"max_vcpu": 16}}}},
    )
    result = run_scan(FIXTURES / "bad", settings)

    assert hits(result, RULE) == [
        (RULE, "main.tf", 59),
        (RULE, "main.tf", 70),
    ]
    messages = [f.message for f in result.findings if f.rule == RULE]
    assert messages[0].endswith("(96 vCPUs are above 16)")


def test_fixed_environment_applies_when_tags_do_not_say() -> None:
    settings = make_settings(
        rules={
            RULE: {
                "environment": "development",
                "limits": {"development": {"max_size": "8xlarge"}},
            },
        },
    )
    result = run_scan(FIXTURES / "good", settings)

    assert hits(result, RULE) == [(RULE, "main.tf", 32)]


def test_no_limits_no_findings() -> None:
    settings = make_settings(rules={RULE: {"limits": {}}})

    assert hits(run_scan(FIXTURES / "bad", settings), RULE) == []
