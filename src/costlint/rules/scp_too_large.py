"""Report SCPs above the size AWS Organizations accepts.

Why: AWS refuses an SCP larger than its size quota, so an oversized
deny-list never takes effect; splitting it late, under pressure, is how
guardrails get dropped.

Counts the characters of the policy with the white space outside
strings removed, because AWS counts every character and the console,
and tools that minify, strip that white space (AWS Organizations SCP
syntax guide; awsdocs/aws-organizations-docs#21): a pretty-printed
policy that fits once minified is not reported. The limit is the
bundle's `scp.max_size`. costlint's default is 5,120 characters, the
quota AWS documents; a raise to 10,240 in May 2026 is reported by third
parties (FogSecurity/aws-size#71) but not verified against AWS here,
and an SCP that fits 5,120 fits either
quota, so the lower one is the safe default. Set 10,240 in the bundle
once your organization has it. The message prints the limit applied.

Options: none (the limit is `scp.max_size` in the bundle, shared with
`costlint generate scp`).

Bad:   a 5,242-character minified deny-list with the limit at 5,120
Good:  the same statements split over two SCPs

Limits: a policy uploaded with the AWS CLI or an SDK is stored as
written, white space included; minify it before upload (or keep the
as-written size under the limit) - costlint does not see how a file
will be uploaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from costlint.model import Outcome, Resource, RuleMeta, Severity
from costlint.rules.base import RuleContext, make_finding
from costlint.scp.settings import scp_settings

META = RuleMeta(
    id="scp-too-large",
    name="SCP over the size limit",
    severity=Severity.ERROR,
    summary="SCP exceeds the maximum size AWS Organizations accepts",
    rationale=(
        "AWS rejects an SCP above its size quota, so none of its "
        "statements take effect"
    ),
    tags=("aws", "scp", "organizations"),
)
DEFAULTS: dict[str, Any] = {}


def check(res: Resource, ctx: RuleContext) -> Iterator[Outcome]:
    """Judge the minified size of one SCP document."""
    if res.kind != "scp":
        return
    size = res.context.get("size")
    limit = scp_settings(ctx.bundle).max_size
    if isinstance(size, int) and size > limit:
        over = size - limit
        yield make_finding(
            META,
            res,
            (),
            f"SCP is {size:,} characters minified, over the limit of "
            f"{limit:,} applied (scp.max_size): {over:,} must go",
            "split the statements over several SCPs (at most 5 per "
            "target) or merge statements that share a condition",
        )
