"""Require an enabled lifecycle rule on every S3 bucket.

Why: without lifecycle rules every object, old version and abandoned
multipart upload stays in S3 Standard ($0.023 per GB-month) for ever.
A rule that moves cold data to Standard-IA ($0.0125) or Glacier tiers
($0.0036 to $0.00099), or expires it, bounds that cost. Prices:
us-east-1, May 2026, as listed in
https://www.usage.ai/blogs/aws/storage-cost/glacier-deep-archive-pricing/.

A bucket counts as covered when an enabled rule exists in either form:
the inline `lifecycle_rule` block of AWS provider v3 (`enabled = true`)
or an `aws_s3_bucket_lifecycle_configuration` whose `bucket` refers to
it (through `aws_s3_bucket.x.id` or `.bucket`, matched on the evaluated
reference or name) with a rule of `status = "Enabled"`. An empty
`filter {}` applies a rule to the whole bucket. Disabled rules do not
count.

Bad:   resource "aws_s3_bucket" "logs" { bucket = "logs" }
Good:  the same bucket plus an aws_s3_bucket_lifecycle_configuration
       with bucket = aws_s3_bucket.logs.id and an Enabled rule

Limits: a lifecycle configuration whose bucket cannot be known, or
whose rules come from a `dynamic` block over an unknown value, leaves
the bucket unjudged (counted in the summary). Lifecycle rules managed
outside the scanned code are not seen.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from costlint.model import (
    OpenList,
    Outcome,
    Reference,
    Resource,
    RuleMeta,
    Severity,
    Unknown,
    iter_blocks,
)
from costlint.rules.base import RuleContext, make_finding, make_unresolved

META = RuleMeta(
    id="s3-missing-lifecycle",
    name="S3 bucket without lifecycle rules",
    severity=Severity.WARNING,
    summary="S3 bucket has no enabled lifecycle rule",
    rationale=(
        "objects, old versions and incomplete uploads stay in S3 "
        "Standard for ever without a lifecycle rule"
    ),
    tags=("aws", "terraform", "s3"),
)
DEFAULTS: dict[str, Any] = {}

_CONFIG_TYPE = "aws_s3_bucket_lifecycle_configuration"
_FIX = (
    "add an aws_s3_bucket_lifecycle_configuration with an Enabled rule "
    "that transitions or expires objects and aborts incomplete uploads"
)


def _state(
    rules: Any,
    enabled: Any,
) -> tuple[str, str]:
    """('enabled'|'disabled'|'none'|'unknown', reason) of rule blocks."""
    if isinstance(rules, Unknown):
        return "unknown", rules.reason
    seen = False
    unknown = ""
    for _index, rule in iter_blocks(rules):
        seen = True
        state = enabled(rule)
        if state is True:
            return "enabled", ""
        if isinstance(state, Unknown):
            unknown = state.reason
    if unknown:
        return "unknown", unknown
    if isinstance(rules, OpenList):
        return "unknown", rules.reason
    return ("disabled", "") if seen else ("none", "")


def _inline_enabled(rule: dict[str, Any]) -> Any:
    value = rule.get("enabled")
    return value if isinstance(value, Unknown) else value is True


def _config_enabled(rule: dict[str, Any]) -> Any:
    value = rule.get("status")
    return value if isinstance(value, Unknown) else value == "Enabled"


def _links(config: Resource, bucket: Resource) -> Any:
    """True, False, or Unknown: does `config` manage `bucket`."""
    target = config.attrs.get("bucket")
    if isinstance(target, Reference):
        return target.address == bucket.address
    if isinstance(target, Unknown):
        return target
    return target is not None and target == bucket.attrs.get("bucket")


def _configs_for(
    bucket: Resource,
    ctx: RuleContext,
) -> tuple[list[Resource], list[str]]:
    linked, unknown = [], []
    for config in ctx.index.of_type(_CONFIG_TYPE):
        if config.context.get("root") != bucket.context.get("root"):
            continue
        link = _links(config, bucket)
        if isinstance(link, Unknown):
            unknown.append(f"{config.address}: bucket {link.reason}")
        elif link:
            linked.append(config)
    return linked, unknown


def _verdict(
    bucket: Resource,
    configs: Sequence[Resource],
) -> tuple[str, str]:
    states = [_state(bucket.attrs.get("lifecycle_rule"), _inline_enabled)]
    states += [
        _state(config.attrs.get("rule"), _config_enabled) for config in configs
    ]
    for wanted in ("enabled", "unknown", "disabled"):
        for state, reason in states:
            if state == wanted:
                return state, reason
    return "none", ""


def check(res: Resource, ctx: RuleContext) -> Iterator[Outcome]:
    """Judge whether one S3 bucket has an enabled lifecycle rule."""
    if res.kind != "terraform" or res.type != "aws_s3_bucket":
        return
    configs, unknown_links = _configs_for(res, ctx)
    state, reason = _verdict(res, configs)

    if state == "enabled":
        return
    if state == "unknown":
        yield make_unresolved(META, res, f"lifecycle rules: {reason}")
    elif unknown_links:
        yield make_unresolved(META, res, unknown_links[0])
    elif state == "disabled":
        yield make_finding(
            META,
            res,
            (),
            "S3 bucket has a lifecycle configuration but no enabled rule",
            'enable a rule (status = "Enabled") that transitions or '
            "expires objects",
        )
    else:
        yield make_finding(
            META,
            res,
            (),
            "S3 bucket has no lifecycle rule",
            _FIX,
        )
