"""Flag instance sizes above the limit of the resource's environment.

Why: an instance's on-demand price doubles with each size step
(m7i.large $0.1008 an hour, m7i.xlarge $0.2016 in us-east-1, public
on-demand price tables, 2026), and non-production environments
rarely need the sizes production runs. A per-environment ceiling
catches the copy-pasted production size in a development stack before
it is billed.

Checks the same attributes as previous-generation-instance (instances,
launch templates and configurations, autoscaling `override` types, EKS
node group `instance_types`, RDS `db.*` classes, ElastiCache `cache.*`
node types). The environment is, in order: the resource's effective
`environment_tag` (its `tags_all`, autoscaling `tag` blocks, or a
launch template's instance `tag_specifications`), the value of the
Terraform root variable named by `environment_variable` (available for
plans), or the fixed `environment` of the project's config. Names
compare without regard to case. An environment that cannot be told, or
that has no entry in `limits`, gives no finding.

A size is above the limit when it is larger than `max_size` (nano <
micro < small < medium < large < xlarge < 2xlarge < ... ; `metal` and
`metal-24xl` are larger than any numbered size) or has more vCPUs than
`max_vcpu` (vCPUs from the packaged catalog).

Options: ``limits`` - environment name to ``{max_size, max_vcpu}``
(either may be left out); ``environment_tag`` (default
``Environment``); ``environment_variable`` - a root variable naming
the environment; ``environment`` - the environment of everything
scanned, when tags do not say. The default bundle limits
`development`, `test` and `staging` to 2xlarge and 8 vCPU.

Bad:   instance_type = "m7i.4xlarge", tags = { Environment = "test" }
Good:  instance_type = "m7i.xlarge",  tags = { Environment = "test" }

Limits: an HCL scan cannot read `environment_variable` (the Terraform
loader does not pass root variables to rules); use tags, a plan, or
`environment`. Sizes known only at apply time are not judged. A
project config's `limits` replaces the bundle's as a whole.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from costlint.catalog import (
    load_catalog,
    parse_type,
    service_label,
    size_units,
    type_slots,
)
from costlint.model import (
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
    id="oversized-instance",
    name="Instance larger than its environment allows",
    severity=Severity.WARNING,
    summary="instance size above the limit set for its environment",
    rationale=(
        "each size step doubles an instance's price, and non-production "
        "environments rarely need production sizes"
    ),
    tags=("aws", "terraform", "ec2", "rds", "elasticache", "rightsizing"),
)
DEFAULTS: dict[str, Any] = {
    "limits": {},
    "environment_tag": "Environment",
    "environment_variable": None,
    "environment": None,
}


def _tag_maps(res: Resource) -> list[Any]:
    """Where the resource's effective tags are, most specific first."""
    attrs = res.attrs
    if res.type == "aws_autoscaling_group":
        tags = {}
        for _index, block in iter_blocks(attrs.get("tag")):
            key = block.get("key")
            if isinstance(key, str):
                tags[key] = block.get("value")
        return [tags]
    maps = []
    if res.type == "aws_launch_template":
        for _index, spec in iter_blocks(attrs.get("tag_specifications")):
            if spec.get("resource_type") == "instance":
                maps.append(spec.get("tags"))
    maps.append(attrs.get("tags_all", attrs.get("tags")))
    return maps


def _from_tags(res: Resource, key: str) -> Any:
    """The environment tag's value, Unknown, or None when not tagged."""
    for tags in _tag_maps(res):
        if isinstance(tags, Unknown):
            return None
        if isinstance(tags, Mapping) and key in tags:
            return tags[key]
        if isinstance(tags, OpenMap):
            return None
    return None


def _environment(res: Resource, options: Mapping[str, Any]) -> Any:
    """The environment's name, Unknown if unknowable, None if unset."""
    tagged = _from_tags(res, options["environment_tag"])
    if tagged is not None:
        return tagged

    variable = options["environment_variable"]
    if variable:
        known = res.context.get("variables") or {}
        if variable in known and known[variable] is not None:
            return known[variable]
    return options["environment"]


def _limit_for(
    environment: str,
    limits: Mapping[str, Any],
) -> Mapping[str, Any] | None:
    wanted = environment.lower()
    for name, limit in limits.items():
        if str(name).lower() == wanted:
            return limit if isinstance(limit, Mapping) else None
    return None


def _excess(value: str, limit: Mapping[str, Any]) -> str | None:
    """What is above the limit, in words, or None if within it."""
    parsed = parse_type(value)
    if parsed is None:
        return None
    found = load_catalog().lookup(value)
    units = size_units(parsed.size)
    max_size = limit.get("max_size")
    max_units = size_units(max_size) if isinstance(max_size, str) else None
    if units is not None and max_units is not None and units > max_units:
        return f"size {parsed.size} is above {max_size}"

    max_vcpu = limit.get("max_vcpu")
    vcpu = found.vcpu if found is not None else None
    if isinstance(max_vcpu, int) and vcpu is not None and vcpu > max_vcpu:
        return f"{vcpu} vCPUs are above {max_vcpu}"
    return None


def _describe(limit: Mapping[str, Any]) -> str:
    parts = []
    if limit.get("max_size"):
        parts.append(str(limit["max_size"]))
    if limit.get("max_vcpu"):
        parts.append(f"{limit['max_vcpu']} vCPUs")
    return " and ".join(parts) or "no limit"


def check(res: Resource, ctx: RuleContext) -> Iterator[Outcome]:
    """Judge the instance sizes of one resource against its limit."""
    slots = list(type_slots(res))
    if not slots:
        return
    environment = _environment(res, ctx.options)
    if not isinstance(environment, str):
        return
    limit = _limit_for(environment, ctx.options["limits"] or {})
    if limit is None:
        return

    for slot in slots:
        value = slot.value
        if isinstance(value, Unknown):
            what = ".".join(str(part) for part in slot.path)
            yield make_unresolved(META, res, f"{what}: {value.reason}")
            continue
        if not isinstance(value, str):
            continue
        excess = _excess(value, limit)
        if excess is None:
            continue

        parsed = parse_type(value)
        label = service_label(parsed.service if parsed else "ec2")
        yield make_finding(
            META,
            res,
            slot.path,
            f"{label} {value} is larger than {environment} allows ({excess})",
            f"use a size within {_describe(limit)} in {environment}, or "
            "raise the limit in the bundle "
            "(rules.oversized-instance.limits)",
        )
