"""Require the bundle's cost-allocation tags on taggable AWS resources.

Why: AWS Cost Explorer and the Cost and Usage Report split the bill by
cost-allocation tags. Spend on a resource without them lands in an
"untagged" bucket that no team owns, so nobody is asked to reduce it.

Checks the effective tags, the way the AWS provider computes
`tags_all`: the resource's `tags` over the `default_tags` of the
provider configuration it really uses (aliases and module `providers`
maps followed). Keys match case-sensitively, as in AWS; values are
compared with the bundle's `allowed` list, ignoring case only where the
bundle sets `ignore_case: true`.

Autoscaling groups are judged by their `tag` blocks (static or
`dynamic`), which must set `propagate_at_launch = true` for the
instances to carry them; `default_tags` never reach them. Launch
templates are judged by the tags of their `tag_specifications`, which
is what the instances and volumes they launch receive.

Options: ``ignore_types`` - resource types not to check.

Bad:   resource "aws_sqs_queue" "jobs" { name = "jobs" }
Good:  resource "aws_sqs_queue" "jobs" {
         name = "jobs"
         tags = { Team = "core", Service = "billing",
                  Environment = "production", CostCenter = "cc-1" }
       }

Limits: tags whose keys depend on a value that is only known at apply
time (a variable without a value, a data source, a module that is not
available locally) are not judged; the run's summary counts them and
`-v` lists them. Tags added outside Terraform (tag policies, tagging
tools run after apply) are not seen.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

import yaml

from costlint.model import (
    AttrPath,
    OpenList,
    OpenMap,
    Outcome,
    Resource,
    RuleMeta,
    Severity,
    Unknown,
    iter_blocks,
)
from costlint.rules.base import RuleContext, make_finding, make_unresolved

META = RuleMeta(
    id="missing-cost-tags",
    name="Missing cost-allocation tags",
    severity=Severity.WARNING,
    summary="taggable AWS resource lacks the bundle's cost tags",
    rationale=(
        "spend on untagged resources cannot be allocated to a team, so "
        "nobody owns reducing it"
    ),
    tags=("aws", "terraform", "tagging"),
)
DEFAULTS: dict[str, Any] = {"ignore_types": []}


@cache
def taggable_types() -> frozenset[str]:
    """AWS resource types that take `tags`, from the packaged data."""
    text = (
        resources.files("costlint.data")
        .joinpath("taggable_aws.yaml")
        .read_text(encoding="utf-8")
    )
    return frozenset(yaml.safe_load(text)["types"])


def _requirements(ctx: RuleContext) -> Mapping[str, Mapping[str, Any]]:
    aws = ctx.bundle.get("aws") or {}
    return aws.get("required_tags") or {}


def _value_allowed(value: Any, rule: Mapping[str, Any]) -> bool:
    allowed = rule.get("allowed")
    if not allowed or isinstance(value, Unknown):
        return True
    if rule.get("ignore_case"):
        return str(value).lower() in {a.lower() for a in allowed}
    return value in allowed


def judge_tags(
    meta: RuleMeta,
    res: Resource,
    tags: Any,
    path: AttrPath,
    ctx: RuleContext,
    what: str = "tags",
) -> Iterator[Outcome]:
    """Findings for one tag map against the bundle's requirements."""
    required = _requirements(ctx)
    if isinstance(tags, Unknown):
        yield make_unresolved(meta, res, f"{what}: {tags.reason}")
        return

    present = tags if isinstance(tags, Mapping) else {}
    missing = [key for key in required if key not in present]
    if missing and isinstance(tags, OpenMap):
        yield make_unresolved(
            meta,
            res,
            f"{what} may hold {', '.join(missing)}: {tags.reason}",
        )
    elif missing:
        yield make_finding(
            meta,
            res,
            path,
            f"missing cost-allocation tag{_plural(missing)} "
            f"{', '.join(missing)}{_where(what)}",
            f"add {', '.join(missing)} to {what} (or to the provider's "
            "default_tags where they apply)",
        )

    for key, rule in required.items():
        value = present.get(key)
        if key in present and not _value_allowed(value, rule):
            allowed = ", ".join(rule["allowed"])
            yield make_finding(
                meta,
                res,
                path,
                f"tag {key} has value {value!r}, not one of the allowed "
                f"values ({allowed})",
                f"set {key} to one of: {allowed}",
            )


def _where(what: str) -> str:
    return "" if what == "tags" else f" in {what}"


def _plural(items: Sequence[str]) -> str:
    return "s" if len(items) > 1 else ""


def _asg_tags(res: Resource) -> tuple[Any, list[str]]:
    """Tags of an autoscaling group, and those not propagated."""
    blocks = res.attrs.get("tag", [])
    if isinstance(blocks, Unknown):
        return blocks, []
    legacy = res.attrs.get("tags")
    if isinstance(legacy, list):
        blocks = [*blocks, *legacy]

    tags: dict[str, Any] = {}
    held_back = []
    for _index, block in iter_blocks(blocks):
        key = block.get("key")
        if isinstance(key, Unknown):
            return Unknown(f"a tag key is not known: {key.reason}"), []
        if block.get("propagate_at_launch") is False:
            held_back.append(str(key))
        tags[str(key)] = block.get("value")

    if isinstance(blocks, OpenList):
        return OpenMap.of(tags, blocks.reason), held_back
    return tags, held_back


def _check_asg(res: Resource, ctx: RuleContext) -> Iterator[Outcome]:
    tags, held_back = _asg_tags(res)
    yield from judge_tags(META, res, tags, (), ctx, "tag blocks")

    required = set(_requirements(ctx))
    for key in held_back:
        if key in required:
            yield make_finding(
                META,
                res,
                ("tag",),
                f"tag {key} is not propagated to the instances",
                f"set propagate_at_launch = true on tag {key}",
            )


def _check_launch_template(
    res: Resource,
    ctx: RuleContext,
) -> Iterator[Outcome]:
    specs = res.attrs.get("tag_specifications", [])
    if isinstance(specs, Unknown):
        yield make_unresolved(META, res, specs.reason)
        return

    launched = {}
    for index, spec in iter_blocks(specs):
        kind = spec.get("resource_type")
        launched[kind] = True
        what = f"tag_specifications for {kind}"
        yield from judge_tags(
            META,
            res,
            spec.get("tags", {}),
            ("tag_specifications", index),
            ctx,
            what,
        )

    if "instance" in launched or any(
        isinstance(kind, Unknown) for kind in launched
    ):
        return
    if isinstance(specs, OpenList):
        yield make_unresolved(META, res, specs.reason)
        return
    yield make_finding(
        META,
        res,
        ("tag_specifications",),
        "launch template does not tag the instances it launches",
        'add tag_specifications { resource_type = "instance" } with the '
        "cost tags (default_tags do not reach launched instances)",
    )


def check(res: Resource, ctx: RuleContext) -> Iterator[Outcome]:
    """Judge the cost tags of one Terraform resource."""
    if res.kind != "terraform" or res.type in ctx.options["ignore_types"]:
        return
    if res.type == "aws_autoscaling_group":
        yield from _check_asg(res, ctx)
    elif res.type == "aws_launch_template":
        yield from _check_launch_template(res, ctx)
    elif res.type in taggable_types():
        tags = res.attrs.get("tags_all", res.attrs.get("tags", {}))
        yield from judge_tags(META, res, tags, ("tags",), ctx)
