"""Prove that the scanned SCPs enforce the bundle's required tags.

Why: an organization only gets cost-allocation tags on everything when
untagged creation is refused, and tag-on-create SCPs are easy to get
subtly wrong: the policy looks right and either lets untagged
resources through or blocks every launch.

All SCP documents of a scan form one set. For each resource type in
the bundle's `scp.enforce`, each action of the tag-on-create table
(`costlint/data/scp_tag_on_create.yaml`, a source per entry) that
creates it, and each required tag (`aws.required_tags`), costlint's
evaluator asks: is a request whose new resource lacks the tag denied,
and is a request tagging everything with allowed values not denied?
Each failure is one finding naming the action, the resource type and
the tag, at the statement at fault (at its condition for a condition
key the action does not support), or at the first line of the set's
first document when no statement tries. Mistakes it explains:

- a Resource that covers `instance/*` while `ec2:RunInstances` also
  creates volumes;
- several keys in one `Null` block (ANDed: only all-missing is denied);
- `"Null": {...: "false"}` where `"true"` was meant;
- an `aws:TagKeys` test that lets a request carry only some keys;
- an allowed-values check that also rejects an allowed value;
- `Resource: "*"` on an EC2 action that also uses existing subnets,
  VPCs or images, where the request's tags are absent, so every call
  is denied;
- a condition key the action does not support (always absent).

Statements with a tag condition are judged where they apply: a
condition on another key (an exemption for an admin role, a region) is
taken as true. What the evaluator cannot decide (an unknown operator on
a tag key, a Resource matching only some ARNs, the tags of existing
resources) is listed as not fully evaluated (`-v`), never guessed.

Options: none (what to enforce is the bundle's `scp` section).

Bad:   "Null": {"aws:RequestTag/CostCenter": "true",
                "aws:RequestTag/Owner": "true"}
Good:  one Deny statement per key, each with its own "Null" block, on
       the ARNs of the created resources (`costlint generate scp`)

Limits: the table lists the actions costlint knows (table version in
each message about it); other ways to create a resource are not
checked. Only EC2 actions model the existing resources a call also
uses. Allow statements are not evaluated (FullAWSAccess is assumed at
every level), SCPs of different targets in one scan are judged as one
set (scan one target's SCPs at a time), and SCPs do not apply to the
management account or to service-linked roles.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from costlint.model import Outcome, Resource, RuleMeta, Severity, Unresolved
from costlint.rules.base import RuleContext, make_finding
from costlint.scp.coverage import Doubt, Gap, check_coverage
from costlint.scp.settings import scp_settings

META = RuleMeta(
    id="scp-tag-enforcement-gap",
    name="SCP tag enforcement gap",
    severity=Severity.WARNING,
    summary="SCP set lets untagged resources be created, or blocks tagged",
    rationale=(
        "resources created without cost-allocation tags cannot be "
        "charged to a team, and a policy that blocks every launch gets "
        "removed rather than fixed"
    ),
    tags=("aws", "scp", "tagging"),
)
DEFAULTS: dict[str, Any] = {}


def check(res: Resource, ctx: RuleContext) -> Iterator[Outcome]:
    """Judge the whole SCP set once, on its first document."""
    if res.kind != "scp":
        return
    policies = ctx.index.of_type(res.type)
    if not policies or policies[0] is not res:
        return

    coverage = check_coverage(policies, scp_settings(ctx.bundle))
    unguarded = [g for g in coverage.gaps if g.statement is None]
    for gap in coverage.gaps:
        if gap.statement is not None:
            yield make_finding(
                META,
                gap.statement.policy,
                gap.path,
                gap.message,
                gap.fix,
            )
    if unguarded:
        yield _unguarded(unguarded, res)

    yield from _unresolved(coverage.doubts, res)


def _unguarded(gaps: list[Gap], first: Resource) -> Outcome:
    """One finding for every create that no statement of the set denies.

    A set written for other purposes (region locks, guardrails) would
    otherwise give one finding per action and tag, dozens per folder.
    """
    actions = list(dict.fromkeys(gap.action for gap in gaps))
    tags = ", ".join(dict.fromkeys(gap.tag for gap in gaps))
    shown = ", ".join(actions[:6])
    if len(actions) > 6:
        shown += f" and {len(actions) - 6} more"
    if len(gaps) == 1:
        return make_finding(META, first, (), gaps[0].message, gaps[0].fix)
    return make_finding(
        META,
        first,
        (),
        f"no statement of the SCP set denies creating without tags "
        f"{tags}: {shown}",
        "add one Deny statement per required tag with "
        '"Null": {"aws:RequestTag/<key>": "true"}, scoped to the ARNs '
        "each action creates (costlint generate scp writes them)",
    )


def _unresolved(doubts: list[Doubt], first: Resource) -> Iterator[Outcome]:
    """One note per statement and reason, naming the actions affected."""
    grouped: dict[tuple[Any, ...], list[Doubt]] = {}
    for doubt in doubts:
        where = doubt.statement.policy if doubt.statement else first
        path = doubt.statement.path if doubt.statement else ()
        key = (id(where), path, doubt.kind, doubt.reason)
        grouped.setdefault(key, []).append(doubt)
    for group in grouped.values():
        doubt = group[0]
        where = doubt.statement.policy if doubt.statement else first
        path = doubt.statement.path if doubt.statement else ()
        actions = ", ".join(dict.fromkeys(d.action for d in group))
        if doubt.kind == "missing":
            tags = ", ".join(dict.fromkeys(d.tag for d in group))
            question = f"{actions} without tag {tags} is denied"
        else:
            question = f"{actions} tagged as the bundle asks is allowed"
        yield Unresolved(
            META.id,
            where.address,
            where.locate(path),
            f"cannot tell whether {question}: {doubt.reason}",
        )
