"""The reference modules pass every costlint rule, and are judged.

A clean scan proves nothing if the values it needed were unknown, so
the examples pass concrete values and each test also requires that no
resource was left unresolved. Scanned alone (without an example), a
module's required inputs are unknown: that scan must be clean too, with
only the unresolved entries listed here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tfmodule_helpers import (
    MODULES,
    MODULES_DIR,
    example_dirs,
    example_id,
    module_dir,
    scan_files,
    scan_paths,
)

from costlint.loaders import LoadContext
from costlint.loaders.terraform.loader import load_terraform
from costlint.model import Resource

EXAMPLES = example_dirs()

# Resources each example must produce, so that a module refactoring
# that silently drops one (or tfparse losing it) fails here.
EXPECTED_RESOURCES = {
    "cost-tags/basic": {
        "aws_cloudwatch_log_group.app",
        "aws_sqs_queue.jobs",
    },
    "s3-bucket/basic": {
        "module.logs.aws_s3_bucket.this",
        "module.logs.aws_s3_bucket_lifecycle_configuration.this[0]",
        "module.logs.aws_s3_bucket_ownership_controls.this",
        "module.logs.aws_s3_bucket_public_access_block.this[0]",
        "module.logs.aws_s3_bucket_server_side_encryption_configuration.this",
        "module.logs.aws_s3_bucket_versioning.this",
    },
    "ebs-volume/basic": {"module.data_volume.aws_ebs_volume.this"},
    "asg-mixed-instances/basic": {
        "module.workers.aws_autoscaling_group.this",
        "module.workers.aws_launch_template.this",
    },
    "budget-alerts/basic": {
        "aws_sns_topic.cost_alerts",
        "aws_sns_topic_policy.cost_alerts",
        "module.budget.aws_budgets_budget.this",
        "module.budget.aws_ce_anomaly_monitor.services[0]",
        "module.budget.aws_ce_anomaly_monitor.tagged[0]",
        "module.budget.aws_ce_anomaly_subscription.this",
    },
}

# What a module scanned on its own cannot know: the caller's tags (and
# the bucket name the lifecycle configuration is matched by).
EXPECTED_UNRESOLVED_ALONE = {
    "cost-tags": set(),
    "s3-bucket": {
        ("missing-cost-tags", "aws_s3_bucket.this"),
        ("s3-missing-lifecycle", "aws_s3_bucket.this"),
    },
    "ebs-volume": {("missing-cost-tags", "aws_ebs_volume.this")},
    "asg-mixed-instances": {
        ("missing-cost-tags", "aws_autoscaling_group.this"),
        ("missing-cost-tags", "aws_launch_template.this"),
    },
    "budget-alerts": {
        ("missing-cost-tags", "aws_budgets_budget.this"),
        ("missing-cost-tags", "aws_ce_anomaly_monitor.services[0]"),
        ("missing-cost-tags", "aws_ce_anomaly_subscription.this"),
    },
}


def _loaded(example: Path) -> dict[str, Resource]:
    ctx = LoadContext(base=Path.cwd(), explicit=frozenset())
    loaded = load_terraform(sorted(example.glob("*.tf")), ctx)
    return {res.address: res for res in loaded.resources}


def test_every_example_is_listed() -> None:
    assert sorted(map(example_id, EXAMPLES)) == sorted(EXPECTED_RESOURCES)


@pytest.mark.parametrize("example", EXAMPLES, ids=map(example_id, EXAMPLES))
def test_example_scans_clean_and_fully_judged(example: Path) -> None:
    result = scan_paths(example)

    assert result.problems == []
    assert result.findings == []
    assert result.unresolved == []
    addresses = set(_loaded(example))
    assert EXPECTED_RESOURCES[example_id(example)] <= addresses


def test_whole_tree_scans_clean() -> None:
    result = scan_paths(MODULES_DIR)

    assert result.problems == []
    assert result.findings == []
    assert result.unresolved == []
    assert result.resources == sum(map(len, EXPECTED_RESOURCES.values()))


@pytest.mark.parametrize("module", MODULES)
def test_module_alone_scans_clean(module: str) -> None:
    result = scan_files(module_dir(module))

    assert result.problems == []
    assert result.findings == []
    unresolved = {(u.rule, u.address) for u in result.unresolved}
    assert unresolved == EXPECTED_UNRESOLVED_ALONE[module]


def test_asg_example_instance_types_are_seen() -> None:
    example = module_dir("asg-mixed-instances") / "examples" / "basic"
    group = _loaded(example)["module.workers.aws_autoscaling_group.this"]

    policy = group.attrs["mixed_instances_policy"][0]
    overrides = policy["launch_template"][0]["override"]
    assert [o["instance_type"] for o in overrides] == [
        "m7i.large",
        "m7a.large",
        "m6i.large",
        "m6a.large",
    ]
    assert group.attrs["capacity_rebalance"] is True
    distribution = policy["instances_distribution"][0]
    assert distribution["on_demand_base_capacity"] == 1
    assert distribution["spot_allocation_strategy"] == (
        "price-capacity-optimized"
    )


def test_asg_example_tags_reach_instances_and_volumes() -> None:
    example = module_dir("asg-mixed-instances") / "examples" / "basic"
    loaded = _loaded(example)
    group = loaded["module.workers.aws_autoscaling_group.this"]
    template = loaded["module.workers.aws_launch_template.this"]

    tags = {t["key"]: t for t in group.attrs["tag"]}
    assert {"Team", "Service", "Environment", "CostCenter"} <= set(tags)
    assert all(t["propagate_at_launch"] is True for t in tags.values())
    kinds = {
        spec["resource_type"]: spec["tags"]
        for spec in template.attrs["tag_specifications"]
    }
    assert {"instance", "volume"} <= set(kinds)
    assert kinds["volume"]["CostCenter"] == "cc-3100"
    device = template.attrs["block_device_mappings"][0]["ebs"][0]
    assert device["volume_type"] == "gp3"


def test_s3_example_lifecycle_rules_are_all_seen() -> None:
    example = module_dir("s3-bucket") / "examples" / "basic"
    address = "module.logs.aws_s3_bucket_lifecycle_configuration.this[0]"
    config = _loaded(example)[address]

    rules = config.attrs["rule"]
    assert [r["status"] for r in rules] == ["Enabled"] * 3
    kinds = [sorted(set(r) - {"status", "filter"}) for r in rules]
    assert kinds == [
        ["abort_incomplete_multipart_upload"],
        ["expiration", "transition"],
        ["noncurrent_version_expiration"],
    ]
    assert [t["storage_class"] for t in rules[1]["transition"]] == [
        "STANDARD_IA",
        "GLACIER",
    ]
