"""unknown-instance-type: bad and good fixtures, exact lines."""

from __future__ import annotations

from pathlib import Path

from conftest import hits, make_settings, run_scan

FIXTURES = Path(__file__).parent / "fixtures" / "unknown_instance_type"
RULE = "unknown-instance-type"
ALLOW_NEWEST = {RULE: {"allow": ["m9i.*"]}}


def test_bad_fixture_findings() -> None:
    result = run_scan(FIXTURES / "bad")

    assert hits(result, RULE) == [
        (RULE, "main.tf", 3),
        (RULE, "main.tf", 8),
        (RULE, "main.tf", 16),
        (RULE, "main.tf", 28),
        (RULE, "main.tf", 36),
    ]


def test_message_names_the_closest_real_types() -> None:
    result = run_scan(FIXTURES / "bad")
    messages = {
        f.address: f.message for f in result.findings if f.rule == RULE
    }

    assert messages["aws_instance.web"] == (
        "EC2 instance type 't3.mirco' is not in the catalog (closest: "
        "t3.micro, t3a.micro, t2.micro)"
    )
    assert "closest: db.m5.large" in messages["aws_db_instance.orders"]
    assert (
        "ElastiCache node type 'cache.r6g.xlage'"
        in messages["aws_elasticache_cluster.sessions"]
    )


def test_good_fixture_is_clean_with_the_newest_type_allowed() -> None:
    result = run_scan(FIXTURES / "good", make_settings(rules=ALLOW_NEWEST))

    assert hits(result, RULE) == []


def test_type_newer_than_the_catalog_is_reported_until_allowed() -> None:
    result = run_scan(FIXTURES / "good")

    assert hits(result, RULE) == [(RULE, "main.tf", 24)]
    newest = next(f for f in result.findings if f.rule == RULE)
    assert "newer than the catalog (2026-12-04)" in newest.fix
