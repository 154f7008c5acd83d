"""What every rule receives and the helpers rules build results with.

A rule module holds `META` (a `RuleMeta`), `DEFAULTS` (its options and
their defaults) and `check(resource, ctx)`, a generator of `Finding`
and `Unresolved` records. Rules never read files and never print.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from types import ModuleType
from typing import Any, Protocol

from costlint.index import ResourceIndex
from costlint.model import (
    AttrPath,
    Finding,
    Location,
    Outcome,
    Resource,
    RuleMeta,
    Unresolved,
)


class RuleModule(Protocol):
    """The shape of a rule module, for type checking the registry."""

    META: RuleMeta
    DEFAULTS: Mapping[str, Any]
    __doc__: str | None

    def check(self, res: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        """Judge one resource."""


@dataclass(frozen=True)
class RuleContext:
    """A rule's settings, the policy bundle and the other resources."""

    options: Mapping[str, Any]
    bundle: Mapping[str, Any]
    index: ResourceIndex = field(default_factory=lambda: ResourceIndex(()))


def make_finding(
    meta: RuleMeta,
    res: Resource,
    path: AttrPath,
    message: str,
    fix: str,
) -> Finding:
    """A finding at the written position of `path` in `res`."""
    location = res.locate(path)
    return Finding(
        rule=meta.id,
        severity=meta.severity,
        message=message,
        fix=fix,
        location=location,
        address=res.address,
        why=meta.rationale,
        via=_via(res, location),
    )


def _via(res: Resource, location: Location) -> str:
    """The evaluating root, when the finding lies outside its folder."""
    root = res.context.get("root")
    if not isinstance(root, str) or not res.address.startswith("module."):
        return ""
    folder = PurePath(location.file).parent
    if folder == PurePath(root) or PurePath(root) in folder.parents:
        return ""
    return root


def make_unresolved(meta: RuleMeta, res: Resource, reason: str) -> Unresolved:
    """A note that `res` could not be judged, and why."""
    return Unresolved(meta.id, res.address, res.location, reason)


def rule_doc(rule: ModuleType | RuleModule) -> str:
    """The rule's documentation page: its module docstring."""
    return (rule.__doc__ or "").strip()
