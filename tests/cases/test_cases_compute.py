"""Cases on plans and instance types that peer tools got wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import CASE_TAGS, hits, make_settings, run_scan
from costlint.cli import ExitCode, exit_code_for
from costlint.config import Settings
from costlint.engine import ScanResult
from costlint.model import Severity

HERE = Path(__file__).parent
INSTANCE_RULES = (
    "previous-generation-instance",
    "oversized-instance",
    "unknown-instance-type",
)


def instance_hits(result: ScanResult) -> list[tuple[str, str, int]]:
    return [hit for hit in hits(result) if hit[0] in INSTANCE_RULES]


def test_c16_plan_tags_all_and_lifecycle_by_reference(
    case_settings: Settings,
) -> None:
    """tags_all holds the default tags; the lifecycle link is found."""
    result = run_scan(HERE / "C16" / "plan.json", case_settings)

    assert result.problems == []
    assert result.resources == 2
    assert hits(result) == []
    assert exit_code_for(result, Severity.WARNING) == ExitCode.CLEAN


def test_c16_plan_names_the_address_when_it_reports(
    case_settings: Settings,
) -> None:
    """With a tag the plan lacks, the finding names address and line."""
    settings = make_settings(required_tags={**CASE_TAGS, "Team": {}})
    result = run_scan(HERE / "C16" / "plan.json", settings)

    assert hits(result) == [("missing-cost-tags", "plan.json", 17)]
    assert result.findings[0].address == "aws_s3_bucket.artifacts"


def test_c20_resources_never_created_give_nothing(
    case_settings: Settings,
) -> None:
    result = run_scan(HERE / "C20", case_settings)

    assert result.problems == []
    assert hits(result) == []
    assert exit_code_for(result, Severity.WARNING) == ExitCode.CLEAN


def test_c20_unknown_count_still_judges_the_literal_type(
    tmp_path: Path,
    case_settings: Settings,
) -> None:
    """Only an unknown attribute suppresses a finding, not a count."""
    text = (HERE / "C20" / "main.tf").read_text()
    (tmp_path / "main.tf").write_text(
        text.replace(
            "  type    = bool\n  default = false\n", "  type = bool\n"
        ),
    )
    result = run_scan(tmp_path, case_settings)

    # Line 15 of the case; one line shorter without the default.
    assert ("gp2-volume", "main.tf", 14) in hits(result)


def test_c26_expressions_resolve_or_stay_unknown(
    case_settings: Settings,
) -> None:
    result = run_scan(HERE / "C26", case_settings)

    assert result.problems == []
    assert hits(result) == [("previous-generation-instance", "main.tf", 36)]
    assert "m4.xlarge" in result.findings[0].message
    unknown = {n.address for n in result.unresolved}
    assert unknown == {"aws_instance.app", "aws_instance.templated"}
    assert exit_code_for(result, Severity.WARNING) == ExitCode.FINDINGS


def test_c27_type_parsing_with_an_8xlarge_threshold() -> None:
    """The case assumes `oversized-instance` above 8xlarge, no tags."""
    settings = make_settings(
        rules={
            "missing-cost-tags": {"enabled": False},
            "oversized-instance": {
                "environment": "development",
                "limits": {"development": {"max_size": "8xlarge"}},
            },
        },
    )
    result = run_scan(HERE / "C27", settings)

    assert result.problems == []
    assert hits(result) == [
        ("oversized-instance", "main.tf", 3),
        ("oversized-instance", "main.tf", 18),
        ("oversized-instance", "main.tf", 24),
        ("gp2-volume", "main.tf", 26),
    ]
    assert exit_code_for(result, Severity.WARNING) == ExitCode.FINDINGS


def test_c30_previous_generation_follows_the_pinned_aws_list(
    case_settings: Settings,
) -> None:
    """List of 2026-12-04: m3, c3, m4 and db.m3 are previous; t2, r5
    are not (see the rule's docs for the decision)."""
    result = run_scan(HERE / "C30", case_settings)

    assert instance_hits(result) == [
        ("previous-generation-instance", "main.tf", 3),
        ("previous-generation-instance", "main.tf", 8),
        ("previous-generation-instance", "main.tf", 18),
        ("previous-generation-instance", "main.tf", 29),
    ]
    fixes = [f.fix for f in result.findings if f.rule in INSTANCE_RULES]
    assert all("2026-12-04" in fix for fix in fixes)
    assert exit_code_for(result, Severity.WARNING) == ExitCode.FINDINGS


def test_c30_a_type_missing_from_the_catalog_is_never_old(
    tmp_path: Path,
    case_settings: Settings,
) -> None:
    shutil.copy(HERE / "C30" / "main.tf", tmp_path / "main.tf")
    text = (tmp_path / "main.tf").read_text()
    (tmp_path / "main.tf").write_text(text.replace("r5.large", "r9z.large"))

    result = run_scan(tmp_path, case_settings)

    assert ("unknown-instance-type", "main.tf", 23) in instance_hits(result)
    assert (
        "previous-generation-instance",
        "main.tf",
        23,
    ) not in instance_hits(result)
