"""previous-generation-instance: bad and good fixtures, exact lines."""

from __future__ import annotations

from pathlib import Path

from conftest import hits, make_settings, run_scan

FIXTURES = Path(__file__).parent / "fixtures" / "previous_generation_instance"
RULE = "previous-generation-instance"


def test_bad_fixture_findings() -> None:
    result = run_scan(FIXTURES / "bad")

    assert hits(result, RULE) == [
        (RULE, "main.tf", 3),
        (RULE, "main.tf", 8),
        (RULE, "main.tf", 14),
        (RULE, "main.tf", 32),
        (RULE, "main.tf", 43),
        (RULE, "main.tf", 55),
        (RULE, "main.tf", 64),
        (RULE, "main.tf", 70),
        (RULE, "main.tf", 77),
    ]


def test_fix_names_the_replacement_and_the_list() -> None:
    result = run_scan(FIXTURES / "bad")
    web = [f for f in result.findings if f.address == "aws_instance.web"]
    finding = next(f for f in web if f.rule == RULE)

    assert finding.message == (
        "EC2 instance type m4.large is of a previous generation (AWS "
        "previous-generation list as of 2026-12-04)"
    )
    assert finding.fix.startswith(
        "move m4 -> m7i or m6i (for example m7i.large); source: https://"
    )
    assert "(read 2026-12-04)" in finding.fix


def test_rds_and_elasticache_replacements_keep_their_prefix() -> None:
    result = run_scan(FIXTURES / "bad")
    fixes = {
        f.address: f.fix
        for f in result.findings
        if f.rule == RULE and f.address.startswith("aws_elasticache")
    }

    assert fixes["aws_elasticache_cluster.sessions"].startswith(
        "move cache.m3 -> cache.m7g or cache.m6g;",
    )


def test_good_fixture_is_clean_and_unknown_type_is_noted() -> None:
    result = run_scan(FIXTURES / "good")

    assert hits(result, RULE) == []
    notes = [(n.rule, n.address) for n in result.unresolved if n.rule == RULE]
    assert notes == [(RULE, "aws_instance.sized")]


def test_plan_input_points_at_plan_lines() -> None:
    result = run_scan(FIXTURES / "plan")

    assert hits(result, RULE) == [
        (RULE, "plan.json", 27),
        (RULE, "plan.json", 46),
    ]
    notes = [n.address for n in result.unresolved if n.rule == RULE]
    assert notes == ["aws_db_instance.legacy[0]"]


def test_allowed_families_are_not_reported() -> None:
    settings = make_settings(rules={RULE: {"allow_families": ["m4", "db.m3"]}})
    result = run_scan(FIXTURES / "bad", settings)

    lines = [line for _rule, _file, line in hits(result, RULE)]
    assert 3 not in lines and 55 not in lines
    assert len(lines) == 7
