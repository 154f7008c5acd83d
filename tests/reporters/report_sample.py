"""A fixed scan result and rule texts that the reporter tests render.

Built by hand, not by a scan, so that golden files change only when a
reporter does, not when a rule's wording or a loader's position does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from costlint.engine import ScanResult
from costlint.model import (
    Finding,
    Location,
    ParseProblem,
    Severity,
    Unresolved,
)
from costlint.reporters.registry import ReportContext
from costlint.reporters.ruletext import RuleText
from costlint.suppress import Suppressed, Suppression

TEST_VERSION = "0.0.0-test"


def _finding(
    rule: str,
    severity: Severity,
    where: Location,
    address: str,
    message: str,
) -> Finding:
    return Finding(
        rule=rule,
        severity=severity,
        message=message,
        fix=f"fix for {rule}",
        location=where,
        address=address,
        why=f"why {rule} costs money",
    )


def sample_result() -> ScanResult:
    """Findings of three severities, repeats, odd characters, suppressed."""
    gp2 = _finding(
        "gp2-volume",
        Severity.WARNING,
        Location("infra/main.tf", 12, 3),
        "aws_ebs_volume.data",
        "volume type gp2 costs 25% more: use gp3, not gp2",
    )
    findings = [
        gp2,
        dataclasses.replace(gp2, location=Location("infra/main.tf", 30, 3)),
        _finding(
            "missing-cost-tags",
            Severity.ERROR,
            Location("infra/modules/app/main.tf", 3, 1, 9),
            'module.app.aws_instance.web["a"]',
            "missing cost-allocation tags Team, Service <here> | there\n"
            "second line",
        ),
        _finding(
            "missing-requests",
            Severity.INFO,
            Location("k8s/deploy.yaml", 5, 1),
            "Deployment/default/web",
            "container web has no CPU request",
        ),
    ]
    suppressed = [
        Suppressed(
            _finding(
                "gp2-volume",
                Severity.WARNING,
                Location("infra/legacy.tf", 4, 1, 7),
                "aws_ebs_volume.old",
                "volume type gp2 costs more",
            ),
            Suppression(
                source="inline",
                rules=frozenset({"gp2-volume"}),
                reason="retired with the legacy stack",
                location=Location("infra/legacy.tf", 3, 1),
                until=dt.date(2030, 1, 31),
            ),
        ),
        Suppressed(
            _finding(
                "missing-cost-tags",
                Severity.ERROR,
                Location("infra/legacy.tf", 9, 1),
                "aws_s3_bucket.old",
                "missing cost-allocation tag Team",
            ),
            Suppression(
                source="baseline",
                rules=frozenset(),
                reason="accepted in baseline .costlint-baseline.json",
                location=Location(".costlint-baseline.json", 1, 1),
            ),
        ),
    ]
    return ScanResult(
        findings=findings,
        unresolved=[
            Unresolved(
                "missing-cost-tags",
                "aws_sqs_queue.jobs",
                Location("infra/main.tf", 40, 1),
                "tags: var.tags has no value",
            ),
        ],
        problems=[
            ParseProblem(
                Location("infra/broken.tf", 4, 7),
                "Invalid expression; expected the start of an expression",
            ),
        ],
        files=5,
        resources=7,
        suppressed=suppressed,
    )


def fake_rules(rule_id: str) -> RuleText | None:
    """Fixed rule texts; `missing-requests` is left unknown on purpose."""
    if rule_id == "missing-requests":
        return None
    severity = {
        "gp2-volume": Severity.WARNING,
        "missing-cost-tags": Severity.ERROR,
    }.get(rule_id, Severity.WARNING)
    return RuleText(
        id=rule_id,
        name=f"{rule_id} name",
        severity=severity,
        summary=f"summary of {rule_id}",
        rationale=f"{rule_id} wastes money",
        doc=f"Doc of {rule_id}.\n\nBad: x\nGood: y",
    )


def sample_context() -> ReportContext:
    """The context the golden files are rendered with."""
    return ReportContext(
        exit_code=2,
        tool_version=TEST_VERSION,
        rules=fake_rules,
    )
