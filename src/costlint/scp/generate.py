"""Write deny-untagged-create SCPs from the policy bundle.

For every required tag, one Deny statement per group of actions: the
tag-on-create actions that create the resource types of `scp.enforce`,
on the ARNs of those types only (never `Resource: "*"` on an EC2
action, which would also match the subnets, images and security groups
a launch only uses). A tag without allowed values is required with
`"Null": {"aws:RequestTag/<key>": "true"}`; a tag with allowed values
with `StringNotEquals` on the list, which is also true when the tag is
missing. Actions whose existing resources would be matched by another
action's ARNs (a NAT gateway uses an Elastic IP, which
`ec2:AllocateAddress` creates) go to a separate statement.

Statements are packed into documents whose size as written stays under
`scp.max_size`, so they fit whether uploaded as written (CLI, SDK) or
minified (console); at most 5 SCPs fit a target, minus those already
attached there. The result is proven complete by the same coverage
check as `scp-tag-enforcement-gap` before anything is written, and the
output is deterministic (no dates), so a test can detect drift.
"""

from __future__ import annotations

import json
import logging
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from costlint.generated import GeneratedFile
from costlint.generated import stale_files as stale_names
from costlint.generated import write_generated as write_files
from costlint.loaders import LoadContext
from costlint.loaders.scp import load_scp, minified_sizes
from costlint.scp.actions import Action, ActionTable, action_table
from costlint.scp.arn import Cover, cover_all
from costlint.scp.coverage import check_coverage
from costlint.scp.settings import (
    MAX_PER_TARGET,
    Requirement,
    ScpSettings,
    scp_settings,
)

log = logging.getLogger(__name__)

PREFIX = "deny-untagged-create-"
README = "README.md"
VERSION = "2012-10-17"


class GenerationError(Exception):
    """The bundle asks for SCPs that cannot be generated; one sentence."""


@dataclass(frozen=True)
class _Group:
    actions: tuple[Action, ...]
    patterns: tuple[str, ...]


def generate_scps(bundle: Mapping[str, Any]) -> list[GeneratedFile]:
    """The SCP documents and README for a bundle, proven complete."""
    settings = scp_settings(bundle)
    table = action_table()
    if not settings.required:
        raise GenerationError("the bundle requires no tag (aws.required_tags)")
    if not settings.enforce:
        raise GenerationError(
            "the bundle enforces no resource type (scp.enforce)"
        )

    groups = _groups(settings, table)
    statements = [
        statement
        for req in settings.required
        for index, group in enumerate(groups)
        for statement in _statements(req, group, index, len(groups))
    ]
    documents = _pack(statements, settings.max_size)
    if len(documents) > settings.slots:
        raise GenerationError(
            f"the SCPs need {len(documents)} documents of at most "
            f"{settings.max_size:,} characters, but only {settings.slots} "
            f"fit a target ({MAX_PER_TARGET} minus those already attached)",
        )

    files = [
        GeneratedFile(f"{PREFIX}{n}.json", text)
        for n, text in enumerate(documents, start=1)
    ]
    _prove(files, settings)
    files.append(GeneratedFile(README, _readme(files, settings, table)))
    return files


def _groups(settings: ScpSettings, table: ActionTable) -> list[_Group]:
    """Actions grouped so no group's ARNs match a resource one only uses."""
    groups: list[_Group] = []
    seen: set[str] = set()
    for type_name in settings.enforce:
        for info in table.creators(type_name):
            if info.name in seen or info.name.lower() in settings.skip_actions:
                continue
            seen.add(info.name)
            mine = _patterns(info, settings, table)
            for index, group in enumerate(groups):
                if _fits(group, info, mine, settings, table):
                    groups[index] = _Group(
                        (*group.actions, info),
                        tuple(dict.fromkeys((*group.patterns, *mine))),
                    )
                    break
            else:
                groups.append(_Group((info,), mine))
    return groups


def _patterns(
    info: Action,
    settings: ScpSettings,
    table: ActionTable,
) -> tuple[str, ...]:
    return tuple(
        table.types[t].pattern for t in info.creates if t in settings.enforce
    )


def _untouchable(
    info: Action,
    settings: ScpSettings,
    table: ActionTable,
) -> list[str]:
    """Types a Deny on this action must not match.

    The resources it uses and those it creates that the bundle does not
    enforce; for an action whose table entry does not model what it
    uses (outside EC2), every other type of its own service, since the
    call may be authorised against those too.
    """
    out = [*info.uses, *(t for t in info.creates if t not in settings.enforce)]
    if not info.models_uses:
        service = info.name.split(":", 1)[0] + ":"
        out.extend(
            t
            for t in table.types
            if t.startswith(service) and t not in info.creates
        )
    return out


def _fits(
    group: _Group,
    info: Action,
    mine: tuple[str, ...],
    settings: ScpSettings,
    table: ActionTable,
) -> bool:
    if "*" in mine or "*" in group.patterns:
        return False
    patterns = (*group.patterns, *mine)
    for member in (*group.actions, info):
        for type_name in _untouchable(member, settings, table):
            if cover_all(patterns, table.types[type_name]) is not Cover.NONE:
                return False
    return True


def _sid_part(key: str) -> str:
    words = re.split(r"[^A-Za-z0-9]+", key)
    return "".join(w[:1].upper() + w[1:] for w in words if w) or "Tag"


def _statements(
    req: Requirement,
    group: _Group,
    index: int,
    count: int,
) -> list[dict[str, Any]]:
    suffix = str(index + 1) if count > 1 else ""
    key = f"aws:RequestTag/{req.key}"
    if req.allowed:
        operator = (
            "StringNotEqualsIgnoreCase"
            if req.ignore_case
            else "StringNotEquals"
        )
        condition: dict[str, Any] = {operator: {key: list(req.allowed)}}
    else:
        condition = {"Null": {key: "true"}}
    return [
        {
            "Sid": f"DenyCreateWithout{_sid_part(req.key)}{suffix}",
            "Effect": "Deny",
            "Action": [a.name for a in group.actions],
            "Resource": list(group.patterns),
            "Condition": condition,
        },
    ]


def _render(statements: list[dict[str, Any]]) -> str:
    document = {"Version": VERSION, "Statement": statements}
    return json.dumps(document, indent=2) + "\n"


def _split(statement: dict[str, Any]) -> list[dict[str, Any]]:
    actions = statement["Action"]
    if len(actions) < 2:
        raise GenerationError(
            f"statement {statement['Sid']} alone exceeds the size limit",
        )
    half = len(actions) // 2
    return [
        {**statement, "Sid": f"{statement['Sid']}{part}", "Action": chunk}
        for part, chunk in (("A", actions[:half]), ("B", actions[half:]))
    ]


def _pack(statements: list[dict[str, Any]], limit: int) -> list[str]:
    """Documents of at most `limit` characters as written, in order."""
    queue = list(statements)
    documents: list[str] = []
    current: list[dict[str, Any]] = []
    while queue:
        statement = queue.pop(0)
        if len(_render([statement])) > limit:
            queue[:0] = _split(statement)
            continue
        if len(_render([*current, statement])) <= limit:
            current.append(statement)
            continue
        documents.append(_render(current))
        current = [statement]
    if current:
        documents.append(_render(current))
    return documents


def _prove(files: list[GeneratedFile], settings: ScpSettings) -> None:
    """Fail unless the generated set passes costlint's own checks."""
    ctx = LoadContext(base=Path.cwd())
    policies = []
    for item in files:
        data = json.loads(item.text)
        policies.extend(load_scp(data, item.text, item.name, ctx).resources)
        size = minified_sizes(item.text)[0]
        if len(item.text) > settings.max_size or size > settings.max_size:
            raise GenerationError(f"{item.name} exceeds the size limit")
    coverage = check_coverage(policies, settings)
    if not coverage.complete:
        first = (
            coverage.gaps[0].message
            if coverage.gaps
            else coverage.doubts[0].reason
        )
        raise GenerationError(f"generated SCPs are not complete: {first}")


def _readme(
    files: list[GeneratedFile],
    settings: ScpSettings,
    table: ActionTable,
) -> str:
    tags = ", ".join(
        f"`{r.key}`"
        + (f" (one of {', '.join(r.allowed)})" if r.allowed else "")
        for r in settings.required
    )
    actions = sorted(
        {
            a.name
            for t in settings.enforce
            for a in table.creators(t)
            if a.name.lower() not in settings.skip_actions
        },
    )
    rows = "\n".join(
        f"| `{f.name}` | {len(json.loads(f.text)['Statement'])} | "
        f"{len(f.text):,} | {minified_sizes(f.text)[0]:,} |"
        for f in files
    )
    targets = (
        "\n".join(
            f"- {t.name}"
            + (f" (`{t.id}`)" if t.id else "")
            + f": {t.attached} SCP(s) already attached"
            for t in settings.targets
        )
        or "- (none listed in the bundle)"
    )
    lines = [
        f"for f in {' '.join(f.name for f in files)}; do",
        "  aws organizations create-policy --type SERVICE_CONTROL_POLICY \\",
        '    --name "costlint-${f%.json}" \\',
        '    --description "Deny creating resources without cost tags" \\',
        '    --content "file://scp/$f"',
        "done",
    ]
    creates = "\n   ".join(lines)
    enforced = textwrap.fill(
        f"Creating a resource of the types "
        f"{', '.join(f'`{t}`' for t in settings.enforce)} is denied unless "
        f"the request tags it with {tags}. Actions covered (tag-on-create "
        f"action table {table.version}): "
        f"{', '.join(f'`{a}`' for a in actions)}.",
        width=72,
        break_on_hyphens=False,
        break_long_words=False,
    )
    return _README.format(
        enforced=enforced,
        rows=rows,
        limit=f"{settings.max_size:,}",
        slots=settings.slots,
        count=len(files),
        targets=targets,
        creates=creates,
    )


_README = """\
# Generated service control policies

Generated by `costlint generate scp` from the policy bundle
(`policies/costlint.yaml` by default). Do not edit these files: change
the bundle and run `costlint generate scp` again. A test regenerates
them and fails when this directory is out of date.

## What they enforce

{enforced}

Each tag has its own Deny statement (keys in one condition block would
be ANDed), scoped to the ARNs of the created resources, so a launch is
never denied because of the subnet, image or security group it uses.
`costlint scan scp/` proves it: every action, resource type and tag is
checked by the `scp-tag-enforcement-gap` rule, which finds no gap.

| file | statements | characters as written | minified |
| --- | --- | --- | --- |
{rows}

Every file is at most {limit} characters as written (the bundle's
`scp.max_size`), so it fits whether uploaded as is with the AWS CLI or
an SDK, which store white space, or through the console. There are
{count} of them; at most {slots} fit each target (5 SCPs per root, OU or
account, minus those already attached there).

## Attaching them

Targets named in the bundle:

{targets}

1. Keep `FullAWSAccess` (or your own Allow list) attached: these SCPs
   only deny.
2. Create the policies (from the repository root, in the management
   account or the delegated administrator for AWS Organizations):

   ```sh
   {creates}
   ```

3. Attach each policy to a test OU first, check that your tools still
   launch resources, then attach it to the target OU or the root:

   ```sh
   aws organizations attach-policy --policy-id p-EXAMPLE --target-id ou-EXAMPLE
   ```

## Before you attach

- Tools that create a resource and tag it in a second call are denied;
  they must pass tags on create (Terraform `tags` and provider
  `default_tags`, CloudFormation `Tags`, `TagSpecifications` in the
  EC2 API, EC2NodeClass `tags` in Karpenter).
- An EC2 launch must tag the volumes it creates too
  (`TagSpecifications` with `ResourceType=volume`, or a launch
  template's `tag_specifications`), since `ec2:volume` is enforced.
- SCPs do not apply to the management account or to service-linked
  roles, so resources those create are not covered.
- IAM compares the tag key in `aws:RequestTag/<key>` without regard to
  case: a request tagged `costcenter` passes the `CostCenter` check.
  `costlint scan` (`missing-cost-tags`) checks the exact case in code.
"""


def generated_here(out: Path) -> list[str]:
    """Generated SCP files now in `out`."""
    return sorted(path.name for path in out.glob(f"{PREFIX}*.json"))


def write_generated(files: list[GeneratedFile], out: Path) -> list[Path]:
    """Write the files into `out`, removing stale generated SCPs."""
    return write_files(files, out, generated_here)


def stale_files(files: list[GeneratedFile], out: Path) -> list[str]:
    """Names in `out` that differ from what would be generated."""
    return stale_names(files, out, generated_here)
