"""Flag EBS and RDS storage still on gp2.

Why: gp3 costs $0.08 per GB-month against gp2's $0.10 in us-east-1
(about 20% less) and gives every volume a baseline of 3,000 IOPS and
125 MB/s whatever its size, where gp2 needs 1,000 GB to reach 3,000.
Source: AWS EBS pricing as compared in
https://www.saisci.com/aws/gp2-vs-gp3-cost-comparison-ebs-volumes/.

Checks `aws_ebs_volume.type` (unset means gp2, the provider default),
`root_block_device` and `ebs_block_device` of instances and launch
configurations, `block_device_mappings` of launch templates, and
`aws_db_instance.storage_type` (unset means gp2, the provider default,
unless `iops`, a replica source or a snapshot decides it, or the engine
is unknown or Aurora).

Bad:   resource "aws_ebs_volume" "data" { size = 100, type = "gp2" }
Good:  resource "aws_ebs_volume" "data" { size = 100, type = "gp3" }

Limits: an instance's root or EBS device without `volume_type` takes
the type of the AMI's block device mapping, which is not in the code,
so only an explicit gp2 is reported there. Volumes created outside the
scanned code are not seen.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from costlint.model import (
    AttrPath,
    OpenList,
    Outcome,
    Resource,
    RuleMeta,
    Severity,
    Unknown,
    iter_blocks,
)
from costlint.rules.base import RuleContext, make_finding, make_unresolved
from costlint.rules.ebs_facts import GP3_RATIONALE, GP3_WHY

META = RuleMeta(
    id="gp2-volume",
    name="gp2 storage",
    severity=Severity.WARNING,
    summary="EBS volume or RDS storage uses gp2 instead of gp3",
    rationale=GP3_RATIONALE,
    tags=("aws", "terraform", "ebs", "rds"),
)
DEFAULTS: dict[str, Any] = {}

_WHY = GP3_WHY
_FIX_EBS = "use gp3; above 1,000 GB set iops to match gp2's 3 IOPS per GB"
_DEVICE_BLOCKS = ("root_block_device", "ebs_block_device")


def _finding(res: Resource, path: AttrPath, what: str) -> Outcome:
    return make_finding(
        META,
        res,
        path,
        f"{what} is gp2 ({_WHY})",
        _FIX_EBS,
    )


def _check_ebs_volume(res: Resource) -> Iterator[Outcome]:
    kind = res.attrs.get("type")
    if isinstance(kind, Unknown):
        yield make_unresolved(META, res, f"type: {kind.reason}")
    elif kind is None:
        yield make_finding(
            META,
            res,
            (),
            f"EBS volume type is not set, so the provider creates gp2 "
            f"({_WHY})",
            'set type = "gp3"',
        )
    elif kind == "gp2":
        yield _finding(res, ("type",), "EBS volume type")


def _check_devices(res: Resource) -> Iterator[Outcome]:
    for block_name in _DEVICE_BLOCKS:
        devices = res.attrs.get(block_name)
        yield from _not_all_known(res, devices, block_name)
        for index, device in iter_blocks(devices):
            if device.get("volume_type") == "gp2":
                yield _finding(
                    res,
                    (block_name, index, "volume_type"),
                    f"{block_name} volume_type",
                )


def _check_launch_template(res: Resource) -> Iterator[Outcome]:
    mappings = res.attrs.get("block_device_mappings")
    yield from _not_all_known(res, mappings, "block_device_mappings")
    for index, mapping in iter_blocks(mappings):
        for inner, ebs in iter_blocks(mapping.get("ebs")):
            if ebs.get("volume_type") == "gp2":
                path = (
                    "block_device_mappings",
                    index,
                    "ebs",
                    inner,
                    "volume_type",
                )
                yield _finding(res, path, "block device volume_type")


def _not_all_known(
    res: Resource,
    blocks: Any,
    name: str,
) -> Iterator[Outcome]:
    """A note when more device blocks may exist than were evaluated."""
    if isinstance(blocks, OpenList):
        yield make_unresolved(META, res, f"{name}: {blocks.reason}")


def _storage_defaulted_elsewhere(res: Resource) -> bool:
    """Whether an unset storage_type is decided by something else.

    Provisioned IOPS select io1; a replica or a restore takes the
    source's storage; Aurora storage has no type to choose.
    """
    engine = res.attrs.get("engine")
    return (
        res.attrs.get("iops") is not None
        or res.attrs.get("replicate_source_db") is not None
        or res.attrs.get("snapshot_identifier") is not None
        or not isinstance(engine, str)
        or engine.startswith("aurora")
    )


def _check_db_instance(res: Resource) -> Iterator[Outcome]:
    storage = res.attrs.get("storage_type")
    if isinstance(storage, Unknown):
        yield make_unresolved(META, res, f"storage_type: {storage.reason}")
    elif storage == "gp2":
        yield make_finding(
            META,
            res,
            ("storage_type",),
            f"RDS storage_type is gp2 ({_WHY})",
            'set storage_type = "gp3"',
        )
    elif storage is None and not _storage_defaulted_elsewhere(res):
        yield make_finding(
            META,
            res,
            (),
            f"RDS storage_type is not set, so the provider uses gp2 ({_WHY})",
            'set storage_type = "gp3"',
        )


def check(res: Resource, ctx: RuleContext) -> Iterator[Outcome]:
    """Judge the storage type of one Terraform resource."""
    if res.kind != "terraform":
        return
    if res.type == "aws_ebs_volume":
        yield from _check_ebs_volume(res)
    elif res.type in ("aws_instance", "aws_launch_configuration"):
        yield from _check_devices(res)
    elif res.type == "aws_launch_template":
        yield from _check_launch_template(res)
    elif res.type == "aws_db_instance":
        yield from _check_db_instance(res)
