"""The Terraform cases that peer tools got wrong, as regression tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import hits, make_settings, run_scan
from costlint.config import Settings

HERE = Path(__file__).parent


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        pytest.param("C01", [], id="C01-empty-filter-covers-bucket"),
        pytest.param("C02", [], id="C02-default-tags-count"),
        pytest.param("C03", [], id="C03-unknown-tags-not-missing"),
        pytest.param(
            "C04",
            [("missing-cost-tags", "main.tf", 28)],
            id="C04-merge-of-variable-default",
        ),
        pytest.param("C05", [], id="C05-inline-v3-lifecycle-rule"),
        pytest.param(
            "C06",
            [("s3-missing-lifecycle", "main.tf", 29)],
            id="C06-only-disabled-rule",
        ),
        pytest.param(
            "C07",
            [("s3-missing-lifecycle", "main.tf", 1)],
            id="C07-inline-rule-disabled",
        ),
        pytest.param(
            "C18",
            [
                ("missing-cost-tags", "main.tf", 8),
                ("missing-cost-tags", "main.tf", 35),
            ],
            id="C18-asg-tag-blocks",
        ),
        pytest.param(
            "C19",
            [("s3-missing-lifecycle", "main.tf", 40)],
            id="C19-dynamic-rule-over-empty-list",
        ),
    ],
)
def test_case_findings(
    case: str,
    expected: list[tuple[str, str, int]],
    case_settings: Settings,
) -> None:
    result = run_scan(HERE / case, case_settings)

    assert result.problems == []
    assert hits(result) == expected


def test_c03_reports_what_was_not_resolved(case_settings: Settings) -> None:
    result = run_scan(HERE / "C03", case_settings)

    notes = [(n.rule, n.address) for n in result.unresolved]
    assert notes == [("missing-cost-tags", "aws_ssm_parameter.app_flag")]
    assert "var.common_tags" in result.unresolved[0].reason


def test_c06_message_says_no_rule_is_enabled(case_settings: Settings) -> None:
    result = run_scan(HERE / "C06", case_settings)

    assert "no enabled rule" in result.findings[0].message


def test_c18_names_the_missing_key(case_settings: Settings) -> None:
    result = run_scan(HERE / "C18", case_settings)

    batch = [f for f in result.findings if f.address.endswith("batch")]
    assert len(batch) == 1
    assert "Owner" in batch[0].message
    assert "CostCenter" not in batch[0].message


def test_c19_unknown_dynamic_rules_leave_bucket_unjudged(
    tmp_path: Path,
    case_settings: Settings,
) -> None:
    project = tmp_path / "C19"
    shutil.copytree(HERE / "C19", project)
    main = project / "main.tf"
    text = main.read_text().replace("  default = []\n", "")
    main.write_text(text)

    result = run_scan(project, case_settings)

    assert hits(result) == []
    lifecycle = [n for n in result.unresolved if n.rule.startswith("s3")]
    assert {n.address for n in lifecycle} == {"aws_s3_bucket.events"}


def test_c25_broken_file_is_reported_and_siblings_still_scanned() -> None:
    result = run_scan(HERE / "C25", make_settings(required_tags={}))

    [problem] = result.problems
    assert Path(problem.location.file).name == "iam.tf"
    assert (problem.location.line, problem.location.column) == (9, 44)
    assert problem.reason == (
        "Invalid attribute name; An attribute name is required after a dot."
    )
    assert hits(result) == [("gp2-volume", "ok.tf", 4)]
    assert all("deployer" not in f.address for f in result.findings), (
        "nothing is known about a resource in an unparseable file"
    )
