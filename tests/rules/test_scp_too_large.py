"""scp-too-large: minified size against the bundle's limit."""

from __future__ import annotations

from conftest import TESTS, hits, make_settings, run_scan

FIXTURES = TESTS / "rules" / "fixtures" / "scp_too_large"
RULE = "scp-too-large"


def test_minified_policy_over_the_default_limit() -> None:
    result = run_scan(FIXTURES / "bad")

    found = [f for f in result.findings if f.rule == RULE]
    assert hits(result, RULE) == [(RULE, "over_limit.json", 1)]
    assert found[0].message == (
        "SCP is 5,262 characters minified, over the limit of 5,120 "
        "applied (scp.max_size): 142 must go"
    )


def test_pretty_printed_policy_counts_minified() -> None:
    text = (FIXTURES / "good" / "pretty_under_limit.json").read_text()
    result = run_scan(FIXTURES / "good")

    assert len(text) > 5120
    assert hits(result, RULE) == []


def test_limit_is_the_bundle_setting() -> None:
    settings = make_settings(bundle={"scp": {"max_size": 10240}})

    assert hits(run_scan(FIXTURES / "bad", settings), RULE) == []


def test_message_prints_a_lower_limit() -> None:
    settings = make_settings(bundle={"scp": {"max_size": 5000}})
    result = run_scan(FIXTURES / "good", settings)

    found = [f for f in result.findings if f.rule == RULE]
    assert [f.message for f in found] == [
        "SCP is 5,102 characters minified, over the limit of 5,000 "
        "applied (scp.max_size): 102 must go",
    ]
