"""Breaking a module on purpose makes costlint report it.

Each case copies `terraform-modules/` to a temporary directory, makes
one cost mistake (gp2, no lifecycle, a missing tag, an old or oversized
instance type) in a module or in its example, scans the example, and
expects the finding at the module's own address. Together with the
clean scans this shows the modules are judged, not merely unknown.
Cases named `control-` change something harmless and expect no
finding, so that the rules are not simply firing on any edit.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from tfmodule_helpers import (
    MODULES_DIR,
    findings_of,
    replace_once,
    scan_paths,
)


@dataclass(frozen=True)
class Breakage:
    """One deliberate mistake and what costlint must say about it."""

    name: str
    file: str  # relative to terraform-modules/
    old: str
    new: str
    example: str  # the example directory to scan
    expected: tuple[tuple[str, str], ...]  # (rule, address)


EBS = "ebs-volume/examples/basic"
S3 = "s3-bucket/examples/basic"
ASG = "asg-mixed-instances/examples/basic"
TAGS = "cost-tags/examples/basic"
BUDGET = "budget-alerts/examples/basic"
VOLUME = "module.data_volume.aws_ebs_volume.this"
BUCKET = "module.logs.aws_s3_bucket.this"
GROUP = "module.workers.aws_autoscaling_group.this"
TEMPLATE = "module.workers.aws_launch_template.this"

BREAKAGES = [
    Breakage(
        "ebs-module-hardcodes-gp2",
        "ebs-volume/main.tf",
        "type              = var.type",
        'type              = "gp2"',
        EBS,
        (("gp2-volume", VOLUME),),
    ),
    Breakage(
        "ebs-module-leaves-type-unset",
        "ebs-volume/main.tf",
        "  type              = var.type\n",
        "",
        EBS,
        (("gp2-volume", VOLUME),),
    ),
    Breakage(
        "ebs-example-asks-for-gp2",
        "ebs-volume/examples/basic/main.tf",
        "  size              = 200\n",
        '  size              = 200\n  type              = "gp2"\n',
        EBS,
        (("gp2-volume", VOLUME),),
    ),
    Breakage(
        "ebs-module-drops-tags",
        "ebs-volume/main.tf",
        "  tags = merge(var.tags, { Name = var.name })\n",
        "",
        EBS,
        (("missing-cost-tags", VOLUME),),
    ),
    Breakage(
        "asg-module-root-volume-gp2",
        "asg-mixed-instances/variables.tf",
        '  default     = "gp3"',
        '  default     = "gp2"',
        ASG,
        (("gp2-volume", TEMPLATE),),
    ),
    Breakage(
        "asg-module-tags-not-propagated",
        "asg-mixed-instances/main.tf",
        "      propagate_at_launch = true",
        "      propagate_at_launch = false",
        ASG,
        (("missing-cost-tags", GROUP),),
    ),
    Breakage(
        "asg-module-drops-group-tags",
        "asg-mixed-instances/main.tf",
        '  dynamic "tag" {',
        '  dynamic "unused_tag" {',
        ASG,
        (("missing-cost-tags", GROUP),),
    ),
    Breakage(
        "asg-module-untagged-instances",
        "asg-mixed-instances/main.tf",
        '"instance"\n    tags          = local.instance_tags',
        '"instance"\n    tags          = {}',
        ASG,
        (("missing-cost-tags", TEMPLATE),),
    ),
    Breakage(
        "asg-example-previous-generation-type",
        "asg-mixed-instances/examples/basic/main.tf",
        '"m6a.large"]',
        '"m4.large"]',
        ASG,
        (("previous-generation-instance", GROUP),),
    ),
    Breakage(
        "asg-example-misspelt-type",
        "asg-mixed-instances/examples/basic/main.tf",
        '"m6a.large"]',
        '"m6a.lrage"]',
        ASG,
        (("unknown-instance-type", GROUP),),
    ),
    Breakage(
        "control-asg-example-large-is-fine-in-staging",
        "asg-mixed-instances/examples/basic/main.tf",
        'Environment = "production"',
        'Environment = "staging"',
        ASG,
        (),  # large instances are within the staging limit
    ),
    Breakage(
        "s3-example-turns-lifecycle-off",
        "s3-bucket/examples/basic/main.tf",
        '  bucket = "example-platform-log-archive"\n',
        '  bucket = "example-platform-log-archive"\n'
        "  lifecycle_enabled = false\n",
        S3,
        (("s3-missing-lifecycle", BUCKET),),
    ),
    Breakage(
        "s3-module-drops-lifecycle-resource",
        "s3-bucket/main.tf",
        'resource "aws_s3_bucket_lifecycle_configuration" "this" {',
        'resource "aws_s3_bucket_notification" "this" {',
        S3,
        (("s3-missing-lifecycle", BUCKET),),
    ),
    Breakage(
        "control-s3-module-disables-one-of-three-rules",
        "s3-bucket/main.tf",
        '    id     = "abort-incomplete-multipart-uploads"\n'
        '    status = "Enabled"',
        '    id     = "abort-incomplete-multipart-uploads"\n'
        '    status = "Disabled"',
        S3,
        (),  # the two other rules are still enabled
    ),
    Breakage(
        "s3-example-drops-default-tags",
        "s3-bucket/examples/basic/main.tf",
        "    tags = module.cost_tags.default_tags\n",
        "    tags = {}\n",
        S3,
        (("missing-cost-tags", BUCKET),),
    ),
    Breakage(
        "cost-tags-example-forgets-cost-center",
        "cost-tags/examples/basic/main.tf",
        '    CostCenter  = "cc-4100"\n',
        "",
        TAGS,
        (
            ("missing-cost-tags", "aws_cloudwatch_log_group.app"),
            ("missing-cost-tags", "aws_sqs_queue.jobs"),
        ),
    ),
    Breakage(
        "cost-tags-example-bad-environment",
        "cost-tags/examples/basic/main.tf",
        'Environment = "production"',
        'Environment = "prod"',
        TAGS,
        (
            ("missing-cost-tags", "aws_cloudwatch_log_group.app"),
            ("missing-cost-tags", "aws_sqs_queue.jobs"),
        ),
    ),
    Breakage(
        "control-budget-module-tags-empty-default-tags-kept",
        "budget-alerts/examples/basic/main.tf",
        "  tags = module.cost_tags.tags\n",
        "  tags = {}\n",
        BUDGET,
        (),  # the provider's default_tags still carry the cost tags
    ),
    Breakage(
        "budget-module-and-provider-untagged",
        "budget-alerts/examples/basic/main.tf",
        "    tags = module.cost_tags.default_tags\n",
        "    tags = {}\n",
        BUDGET,
        (("missing-cost-tags", "aws_sns_topic.cost_alerts"),),
    ),
]


@pytest.fixture
def modules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "terraform-modules"
    shutil.copytree(MODULES_DIR, target)
    return target


@pytest.mark.parametrize("case", BREAKAGES, ids=lambda c: c.name)
def test_costlint_catches_the_breakage(
    case: Breakage,
    modules_copy: Path,
) -> None:
    replace_once(modules_copy / case.file, case.old, case.new)

    result = scan_paths(modules_copy / case.example)

    assert result.problems == []
    assert findings_of(result) == set(case.expected)


def test_oversized_instance_in_test_is_caught(modules_copy: Path) -> None:
    example = modules_copy / "asg-mixed-instances/examples/basic/main.tf"
    replace_once(example, 'Environment = "production"', 'Environment = "test"')
    replace_once(example, '"m6a.large"]', '"m7i.4xlarge"]')

    result = scan_paths(example.parent)

    assert findings_of(result) == {("oversized-instance", GROUP)}


def test_findings_point_into_the_module_source(modules_copy: Path) -> None:
    replace_once(
        modules_copy / "ebs-volume/main.tf",
        "type              = var.type",
        'type              = "gp2"',
    )

    result = scan_paths(modules_copy / EBS)

    (finding,) = result.findings
    assert finding.location.file.endswith("ebs-volume/main.tf")
    assert finding.location.line == 4
