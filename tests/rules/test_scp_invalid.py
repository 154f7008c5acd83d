"""scp-invalid: the SCP grammar, at the key at fault."""

from __future__ import annotations

from pathlib import Path

from conftest import TESTS, hits, run_scan

FIXTURES = TESTS / "rules" / "fixtures" / "scp_invalid"
RULE = "scp-invalid"


def test_bad_fixtures_report_each_error() -> None:
    result = run_scan(FIXTURES / "bad")

    assert sorted(hits(result, RULE)) == [
        (RULE, "action_shape.json", 8),
        (RULE, "action_shape.json", 12),
        (RULE, "action_shape.json", 14),
        (RULE, "action_shape.json", 20),
        (RULE, "duplicates.json", 11),
        (RULE, "duplicates.json", 13),
        (RULE, "effect_and_version.json", 2),
        (RULE, "effect_and_version.json", 5),
        (RULE, "operators.json", 10),
        (RULE, "operators.json", 11),
        (RULE, "operators.json", 12),
        (RULE, "operators.json", 13),
        (RULE, "principal.json", 13),
        (RULE, "unknown_keys.json", 3),
        (RULE, "unknown_keys.json", 6),
        (RULE, "unknown_keys.json", 8),
    ]
    assert result.problems == []


def test_messages_say_what_and_how_to_fix() -> None:
    result = run_scan(FIXTURES / "bad")
    by_place = {
        (Path(f.location.file).name, f.location.line): (f.message, f.fix)
        for f in result.findings
        if f.rule == RULE
    }

    assert by_place[("principal.json", 13)][0].startswith(
        "Principal is not allowed in an SCP",
    )
    assert by_place[("unknown_keys.json", 8)][0] == (
        "unknown statement key Actions"
    )
    assert by_place[("operators.json", 10)] == (
        "unknown condition operator NullIfExists",
        "Null has no IfExists form",
    )
    assert by_place[("operators.json", 11)][1] == (
        "operator names are case-sensitive: StringEqualsIgnoreCase"
    )
    assert by_place[("operators.json", 12)][1] == (
        "the only prefixes are ForAllValues: and ForAnyValue:"
    )
    assert by_place[("duplicates.json", 11)][0] == (
        "Sid DenyLeave is used by another statement of this policy"
    )
    assert by_place[("duplicates.json", 13)][0].startswith(
        "key Effect is written twice",
    )
    assert by_place[("effect_and_version.json", 2)][0] == (
        "Version 2008-10-17 is not valid for an SCP"
    )
    assert by_place[("action_shape.json", 14)][0] == (
        "Action value ec2 CreateVolume is malformed"
    )


def test_good_fixtures_are_valid() -> None:
    result = run_scan(FIXTURES / "good")

    assert hits(result, RULE) == []
    assert result.problems == []
    assert result.resources == 3
