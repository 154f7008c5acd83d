"""Explain one decision of an SCP set, for a person debugging a policy.

`costlint scp simulate POLICY --action ec2:CreateVolume --tag
CostCenter=abc` builds the request the way the coverage check does (the
resources the action creates carry the tags; for EC2, the existing
resources it uses do not), evaluates every statement on every resource
and prints, per resource, whether it is denied and by which statement.
Keys other than tags are unknown unless given with `--context`, and a
decision that depends on them says so instead of guessing.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from costlint.discover import discover
from costlint.loaders import LoadContext
from costlint.loaders.json_docs import load_json_files, load_json_text
from costlint.model import Loaded, Resource
from costlint.scp.actions import action_table
from costlint.scp.evaluate import (
    Decision,
    Hit,
    Maybe,
    Request,
    Target,
    decide,
    request_for,
)
from costlint.scp.policy import Statement, statements_of

STDIN = Path("-")


class SimulationError(Exception):
    """The simulation cannot run as asked; one sentence for the user."""


class Verdict(enum.IntEnum):
    """The outcome, also the command's exit code."""

    NOT_DENIED = 0
    DENIED = 1
    UNDECIDED = 2


@dataclass(frozen=True)
class Simulation:
    """A request, the statements it met and the decision."""

    request: Request
    decision: Decision
    statements: tuple[Statement, ...]

    @property
    def verdict(self) -> Verdict:
        """Denied, not denied, or undecided."""
        if self.decision.denied is True:
            return Verdict.DENIED
        if self.decision.denied is False:
            return Verdict.NOT_DENIED
        return Verdict.UNDECIDED


def parse_pairs(items: Sequence[str], what: str) -> dict[str, list[str]]:
    """KEY=VALUE options as a map; a repeated key collects values."""
    out: dict[str, list[str]] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise SimulationError(f"{what} {item!r} is not KEY=VALUE")
        out.setdefault(key, []).append(value)
    return out


def load_policies(
    paths: Sequence[Path],
    stdin_text: str | None = None,
) -> list[Resource]:
    """The SCP documents in files, directories and standard input."""
    found = discover([p for p in paths if p != STDIN], (), Path.cwd())
    ctx = LoadContext(base=Path.cwd(), explicit=frozenset(found.explicit))
    loaded = Loaded()
    loaded.extend(load_json_files(found.files.get("json", []), ctx))
    if STDIN in paths:
        loaded.extend(load_json_text(stdin_text or "", "<stdin>", True, ctx))
    if loaded.problems:
        raise SimulationError(str(loaded.problems[0]))
    policies = [res for res in loaded.resources if res.kind == "scp"]
    if not policies:
        shown = ", ".join(str(p) for p in paths)
        raise SimulationError(f"no service control policy found in {shown}")
    return policies


def simulate(
    policies: Sequence[Resource],
    action: str,
    tags: Mapping[str, str],
    resource_arn: str | None = None,
    context: Mapping[str, Sequence[str]] | None = None,
) -> Simulation:
    """Evaluate one request against the policies."""
    if ":" not in action:
        raise SimulationError(
            f"action {action!r} is not service:Action (e.g. ec2:RunInstances)",
        )
    table = action_table()
    known = {k: tuple(v) for k, v in (context or {}).items()}
    if resource_arn:
        info = table.action(action)
        target = Target(None, True, dict(tags), resource_arn)
        request = Request(
            info.name if info else action,
            (target,),
            info,
            known,
        )
    else:
        info = table.action(action)
        created = info.creates if info else ("*",)
        request = request_for(
            action,
            table,
            {t: dict(tags) for t in created},
            known,
        )
    statements = tuple(s for p in policies for s in statements_of(p))
    return Simulation(request, decide(statements, request, table), statements)


def _where(hit: Hit) -> str:
    statement = hit.statement
    loc = statement.policy.locate(statement.path)
    return f"{statement.label} at {loc.file}:{loc.line}"


def _target_line(sim: Simulation, target: Target) -> str:
    role = "given" if target.arn else "created" if target.created else "used"
    name = f"{target.label} ({role})"
    denials = [h for h in sim.decision.denials if h.target is target]
    sure = [h for h in denials if h.truth is True]
    if sure:
        state = "denied by " + "; ".join(_where(h) for h in sure)
    elif denials:
        reasons = sorted(
            {
                text
                for h in denials
                if isinstance(h.truth, Maybe)
                for text in h.truth.texts()
            },
        )
        state = (
            "may be denied by "
            + "; ".join(_where(h) for h in denials)
            + f" ({'; '.join(reasons)})"
        )
    else:
        state = "not denied"
    return f"  {name:<40} {state}"


def render_simulation(sim: Simulation) -> str:
    """The simulation as text: one line per resource, then the verdict."""
    first = sim.request.targets[0]
    tags = ", ".join(f"{k}={v}" for k, v in first.tags.items()) or "no tags"
    lines = [f"request: {sim.request.action} with {tags}"]
    if sim.request.info is None and first.arn is None:
        lines.append(
            "  (action not in the tag-on-create table: one resource of "
            "unknown ARN; give --resource ARN to match Resource patterns)",
        )
    lines.extend(_target_line(sim, t) for t in sim.request.targets)

    verdict = sim.verdict
    if verdict is Verdict.DENIED:
        hit = next(h for h in sim.decision.denials if h.truth is True)
        lines.append(
            f"decision: denied by {_where(hit)} on {hit.target.label}",
        )
    elif verdict is Verdict.UNDECIDED:
        lines.append(
            "decision: undecided (give the keys it depends on with "
            "--context KEY=VALUE)",
        )
    elif any(s.effect == "Allow" for s in sim.statements):
        allowed = {id(h.statement) for h in sim.decision.allows}
        state = (
            "allowed by an Allow statement"
            if allowed
            else (
                "not allowed by any Allow statement of these SCPs (denied "
                "unless every level has an Allow for it)"
            )
        )
        lines.append(f"decision: not denied; {state}")
    else:
        lines.append(
            "decision: not denied (these SCPs hold no Allow statement; "
            "FullAWSAccess or another SCP must allow it)",
        )
    return "\n".join(lines) + "\n"
