"""Validation blocks and preconditions accept and refuse what they say.

How the conditions are checked: no Terraform binary is available, so
each case writes a scratch root that calls the module with sample
inputs (`module "m" { source = ...; ... }`) and evaluates it with
tfparse (a Go HCL evaluator with Terraform's built-in functions, the
one costlint uses), which evaluates the `condition` of every
`validation` block and `precondition` to true or false. A case lists
the checks it expects to fail, by a fragment of their error message;
every other check must be true, and none may be left undecided. A
last test proves that every check written in the modules is refused by
some case and passes in some case.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from tfmodule_helpers import (
    MODULES,
    Check,
    declared_checks,
    evaluate_call,
    module_dir,
)

from costlint.catalog import load_catalog
from costlint.config import default_bundle_path, read_bundle

BASE: dict[str, dict[str, Any]] = {
    "cost-tags": {
        "tags": {
            "Team": "payments",
            "Service": "billing-api",
            "Environment": "production",
            "CostCenter": "cc-4100",
        },
    },
    "s3-bucket": {"bucket": "example-bucket", "tags": {}},
    "ebs-volume": {
        "name": "data",
        "availability_zone": "eu-west-1a",
        "size": 100,
        "tags": {},
    },
    "asg-mixed-instances": {
        "name": "workers",
        "image_id": "ami-0123456789abcdef0",
        "subnet_ids": ["subnet-1"],
        "max_size": 4,
        "tags": {},
    },
    "budget-alerts": {
        "name": "team-monthly",
        "limit_amount": 100,
        "notification_emails": ["finops@example.com"],
        "tags": {},
    },
}


@dataclass(frozen=True, eq=False)
class Case:
    """Inputs over a module's base inputs, and the checks that fail."""

    module: str
    name: str
    inputs: Mapping[str, Any] = field(default_factory=dict)
    refused: frozenset[str] = frozenset()


def case(module: str, label: str, /, *refused: str, **inputs: Any) -> Case:
    return Case(module, label, inputs, frozenset(refused))


def _tags(**changes: Any) -> dict[str, Any]:
    tags = dict(BASE["cost-tags"]["tags"])
    for key, value in changes.items():
        if value is None:
            tags.pop(key, None)
        else:
            tags[key] = value
    return tags


def _environments() -> list[str]:
    bundle = read_bundle(default_bundle_path())
    required = bundle["aws"]["required_tags"]
    return list(required["Environment"]["allowed"])


KEYS = "every required cost-allocation key"
CASED = "differs from a required key only in case"
ENV = "The Environment tag must be one of"
LIMITS = "Tag keys must be 1 to 128 characters"

CASES = [
    # cost-tags: the validations generated from the bundle.
    case("cost-tags", "all-required-keys"),
    *[
        case("cost-tags", f"environment-{env}", tags=_tags(Environment=env))
        for env in _environments()
    ],
    case("cost-tags", "extra-keys", tags=_tags(Owner="alice", Name="x")),
    case("cost-tags", "missing-key", KEYS, tags=_tags(CostCenter=None)),
    case("cost-tags", "empty-value", KEYS, tags=_tags(Team="")),
    case("cost-tags", "blank-value", KEYS, tags=_tags(Team="   ")),
    case(
        "cost-tags",
        "key-in-wrong-case",
        KEYS,
        CASED,
        tags={**_tags(Environment=None), "environment": "production"},
    ),
    case(
        "cost-tags", "value-not-allowed", ENV, tags=_tags(Environment="prod")
    ),
    case(
        "cost-tags",
        "value-case-matters",
        ENV,
        tags=_tags(Environment="Production"),
    ),
    case("cost-tags", "aws-prefix", LIMITS, tags=_tags(**{"aws:owner": "x"})),
    case("cost-tags", "value-too-long", LIMITS, tags=_tags(Team="t" * 257)),
    case("cost-tags", "value-at-limit", tags=_tags(Team="t" * 256)),
    case("cost-tags", "extra-tags", extra_tags={"Name": "api"}),
    case(
        "cost-tags",
        "extra-tags-aws-prefix",
        "Tag keys must be 1 to 128",
        extra_tags={"AWS:x": "y"},
    ),
    # s3-bucket
    case("s3-bucket", "defaults"),
    case("s3-bucket", "bad-name", "bucket name", bucket="Bad_Bucket"),
    case(
        "s3-bucket",
        "ia-too-early",
        "only after 30 days",
        transition_to_ia_days=10,
    ),
    case(
        "s3-bucket",
        "glacier-only-at-once",
        transition_to_ia_days=None,
        transition_to_glacier_days=0,
    ),
    case(
        "s3-bucket",
        "glacier-negative",
        "transition_to_glacier_days must be 0",
        transition_to_ia_days=None,
        transition_to_glacier_days=-1,
    ),
    case(
        "s3-bucket",
        "glacier-class",
        "glacier_storage_class must be",
        glacier_storage_class="STANDARD",
    ),
    case(
        "s3-bucket",
        "glacier-too-soon-after-ia",
        "30 days in Standard-IA",
        transition_to_ia_days=30,
        transition_to_glacier_days=45,
    ),
    case(
        "s3-bucket",
        "glacier-30-days-after-ia",
        transition_to_ia_days=30,
        transition_to_glacier_days=60,
    ),
    case(
        "s3-bucket",
        "expires-before-moving",
        "later than every transition",
        expiration_days=60,
    ),
    case("s3-bucket", "expires-after-moving", expiration_days=365),
    case(
        "s3-bucket",
        "expiration-zero",
        "The expiration_days must be 1",
        "later than every transition",
        expiration_days=0,
    ),
    case(
        "s3-bucket",
        "noncurrent-zero",
        "noncurrent_version_expiration_days must be",
        noncurrent_version_expiration_days=0,
    ),
    case(
        "s3-bucket",
        "keep-too-many-versions",
        "noncurrent_versions_to_keep must be",
        noncurrent_versions_to_keep=101,
    ),
    case("s3-bucket", "keep-some-versions", noncurrent_versions_to_keep=3),
    case(
        "s3-bucket",
        "abort-zero",
        "abort_incomplete_multipart_upload_days must",
        abort_incomplete_multipart_upload_days=0,
    ),
    case("s3-bucket", "kms-not-arn", "KMS key ARN", kms_key_arn="alias/x"),
    case(
        "s3-bucket",
        "kms-arn",
        kms_key_arn="arn:aws:kms:eu-west-1:123456789012:key/abcd",
    ),
    # ebs-volume
    case("ebs-volume", "defaults"),
    case(
        "ebs-volume",
        "gp2",
        "gp2 volume type is refused",
        "type must be one of",
        type="gp2",
    ),
    case("ebs-volume", "magnetic", "type must be one of", type="standard"),
    case("ebs-volume", "io2-with-iops", type="io2", iops=10000),
    case("ebs-volume", "io2-without-iops", "need iops", type="io2"),
    case("ebs-volume", "gp3-extra", iops=6000, throughput=250),
    case("ebs-volume", "gp3-below-baseline", "at least 3,000 IOPS", iops=2000),
    case(
        "ebs-volume",
        "st1-with-iops",
        "iops can be set only",
        type="st1",
        size=500,
        iops=500,
    ),
    case("ebs-volume", "st1-too-small", "at least 125 GiB", type="st1"),
    case("ebs-volume", "st1", type="st1", size=500),
    case(
        "ebs-volume",
        "throughput-on-io2",
        "throughput can be set only",
        type="io2",
        iops=4000,
        throughput=500,
    ),
    case(
        "ebs-volume",
        "throughput-below-baseline",
        "throughput must be a whole number",
        throughput=100,
    ),
    case(
        "ebs-volume",
        "iops-too-low",
        "iops must be a whole",
        type="io2",
        iops=50,
    ),
    case("ebs-volume", "size-zero", "size must be a whole", size=0),
    case("ebs-volume", "size-fraction", "size must be a whole", size=10.5),
    case("ebs-volume", "name-empty", "name must be 1 to 256", name=""),
    # asg-mixed-instances
    case("asg-mixed-instances", "defaults"),
    case(
        "asg-mixed-instances",
        "graviton",
        instance_types=["m7g.large", "c7g.large", "r7g.large"],
    ),
    case(
        "asg-mixed-instances",
        "older-current-family",
        "current-generation family",
        instance_types=["m5.large", "m7i.large"],
    ),
    case(
        "asg-mixed-instances",
        "previous-generation",
        "current-generation family",
        instance_types=["m4.large", "m7i.large"],
    ),
    case(
        "asg-mixed-instances",
        "mixed-architectures",
        "one AMI serves one architecture",
        instance_types=["m7g.large", "m7i.large"],
    ),
    case(
        "asg-mixed-instances",
        "no-size",
        "current-generation family",
        "at least two instance types",
        instance_types=["m7i"],
    ),
    case(
        "asg-mixed-instances",
        "no-types",
        "At least one instance type",
        "at least two instance types",
        instance_types=[],
    ),
    case(
        "asg-mixed-instances",
        "one-type-all-on-demand",
        instance_types=["m7i.large"],
        on_demand_percentage_above_base_capacity=100,
    ),
    case(
        "asg-mixed-instances",
        "one-type-on-spot",
        "at least two instance types",
        instance_types=["m7i.large"],
    ),
    case(
        "asg-mixed-instances",
        "lowest-price",
        "spot_allocation_strategy must be",
        spot_allocation_strategy="lowest-price",
    ),
    case(
        "asg-mixed-instances",
        "percentage-over-100",
        "percentage_above_base_capacity must be",
        on_demand_percentage_above_base_capacity=101,
    ),
    case(
        "asg-mixed-instances",
        "negative-base",
        "on_demand_base_capacity must be a whole",
        on_demand_base_capacity=-1,
    ),
    case(
        "asg-mixed-instances",
        "base-above-max",
        "on_demand_base_capacity must not exceed",
        on_demand_base_capacity=5,
    ),
    case(
        "asg-mixed-instances",
        "min-above-max",
        "min_size must not exceed",
        min_size=5,
    ),
    case(
        "asg-mixed-instances", "negative-min", "min_size must be", min_size=-1
    ),
    case(
        "asg-mixed-instances",
        "max-zero",
        "max_size must be",
        "min_size must not exceed",
        "on_demand_base_capacity must not exceed",
        max_size=0,
    ),
    case(
        "asg-mixed-instances",
        "root-gp2",
        "root_volume_type must be",
        root_volume_type="gp2",
    ),
    case(
        "asg-mixed-instances",
        "root-size-zero",
        "root_volume_size must be",
        root_volume_size=0,
    ),
    case("asg-mixed-instances", "bad-name", "name must start", name="-w"),
    case("asg-mixed-instances", "no-subnets", "one subnet", subnet_ids=[]),
    # budget-alerts
    case("budget-alerts", "defaults"),
    case("budget-alerts", "colon-in-name", "without colons", name="a:b"),
    case(
        "budget-alerts", "zero-limit", "limit_amount must be", limit_amount=0
    ),
    case("budget-alerts", "daily", "time_unit must be", time_unit="DAILY"),
    case(
        "budget-alerts",
        "empty-filter",
        "Each cost filter",
        cost_filters={"TagKeyValue": []},
    ),
    case(
        "budget-alerts",
        "team-filter",
        cost_filters={"TagKeyValue": ["user:Team$payments"]},
    ),
    case(
        "budget-alerts",
        "actual-zero",
        "Every actual threshold",
        actual_thresholds=[0],
    ),
    case(
        "budget-alerts",
        "forecast-zero",
        "Every forecasted threshold",
        forecasted_thresholds=[0],
    ),
    case(
        "budget-alerts",
        "no-notifications",
        "1 to 10 notifications",
        actual_thresholds=[],
        forecasted_thresholds=[],
    ),
    case(
        "budget-alerts",
        "eleven-notifications",
        "1 to 10 notifications",
        actual_thresholds=list(range(10, 110, 10)),
        forecasted_thresholds=[100],
    ),
    case(
        "budget-alerts",
        "ten-notifications",
        actual_thresholds=list(range(10, 100, 10)),
        forecasted_thresholds=[100],
    ),
    case(
        "budget-alerts",
        "bad-email",
        "look like name@example.com",
        notification_emails=["finops"],
    ),
    case(
        "budget-alerts",
        "eleven-emails",
        "at most 10 email",
        notification_emails=[f"u{n}@example.com" for n in range(11)],
    ),
    case(
        "budget-alerts",
        "not-an-sns-arn",
        "SNS topic ARN",
        sns_topic_arn="arn:aws:sqs:us-east-1:123456789012:q",
    ),
    case(
        "budget-alerts",
        "nobody-to-tell",
        "needs a subscriber: give",
        "anomaly subscription needs a subscriber",
        notification_emails=[],
    ),
    case(
        "budget-alerts",
        "sns-immediate",
        notification_emails=[],
        sns_topic_arn="arn:aws:sns:us-east-1:123456789012:cost-alerts",
        anomaly_frequency="IMMEDIATE",
    ),
    case(
        "budget-alerts",
        "immediate-needs-sns",
        "anomaly subscription needs a subscriber",
        anomaly_frequency="IMMEDIATE",
    ),
    case(
        "budget-alerts",
        "no-monitor",
        "needs a monitor",
        create_service_monitor=False,
    ),
    case(
        "budget-alerts",
        "existing-monitor",
        create_service_monitor=False,
        monitor_arns=["arn:aws:ce::123456789012:anomalymonitor/abc"],
    ),
    case(
        "budget-alerts",
        "tag-monitor",
        anomaly_monitor_tag={"key": "Team", "values": ["payments"]},
    ),
    case(
        "budget-alerts",
        "tag-monitor-without-values",
        "needs a key and at least one value",
        anomaly_monitor_tag={"key": "Team", "values": []},
    ),
    case(
        "budget-alerts",
        "hourly",
        "anomaly_frequency must be",
        anomaly_frequency="HOURLY",
    ),
    case(
        "budget-alerts",
        "negative-impact",
        "anomaly_threshold_usd must be",
        anomaly_threshold_usd=-1,
    ),
]


@cache
def _declared(module: str) -> tuple[tuple[str, str, str], ...]:
    return tuple(declared_checks(module_dir(module)))


def _matching(fragment: str, module: str) -> str:
    hits = {msg for _k, _o, msg in _declared(module) if fragment in msg}
    assert len(hits) == 1, f"{fragment!r} names {len(hits)} checks"
    return hits.pop()


_RESULTS: dict[tuple[str, str], list[Check]] = {}


def _evaluate(case: Case, tmp: Path) -> list[Check]:
    key = (case.module, case.name)
    if key not in _RESULTS:
        inputs = {**BASE[case.module], **case.inputs}
        _RESULTS[key] = evaluate_call(tmp, module_dir(case.module), inputs)
    return _RESULTS[key]


def test_cases_cover_every_module() -> None:
    assert {c.module for c in CASES} == set(MODULES)
    names = [(c.module, c.name) for c in CASES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    "case",
    CASES,
    ids=[f"{c.module}:{c.name}" for c in CASES],
)
def test_checks_accept_and_refuse(case: Case, tmp_path: Path) -> None:
    expected = {_matching(f, case.module) for f in case.refused}

    checks = _evaluate(case, tmp_path)

    undecided = [c for c in checks if not isinstance(c.condition, bool)]
    assert undecided == []
    refused = {c.message for c in checks if c.condition is False}
    assert refused == expected


def test_every_check_is_seen_refusing_and_passing(tmp_path: Path) -> None:
    refused: set[tuple[str, str]] = set()
    passed: set[tuple[str, str]] = set()
    for index, item in enumerate(CASES):
        for check in _evaluate(item, tmp_path / str(index)):
            key = (item.module, check.message)
            (passed if check.condition else refused).add(key)

    declared = {
        (module, message)
        for module in MODULES
        for _kind, _owner, message in _declared(module)
    }
    assert declared - refused == set()
    assert declared - passed == set()


def test_asg_families_are_current_in_the_catalog() -> None:
    text = (module_dir("asg-mixed-instances") / "variables.tf").read_text()
    listed = re.search(r"contains\(\[\s*(.*?)\s*\], split", text, re.S)
    assert listed is not None
    families = re.findall(r'"([a-z0-9-]+)"', listed.group(1))
    catalog = load_catalog()

    assert len(families) == 23
    for name in families:
        family = catalog.family(name)
        assert family is not None, name
        assert family.generation == "current", name
        assert catalog.lookup(f"{name}.large") is not None, name
