"""Flag instance types that do not exist (a typo such as `t3.mirco`).

Why: a misspelt type fails at apply time, after review, or worse, a
module falls back to a default size nobody chose. Catching it in the
pull request costs nothing.

Checks the same attributes as previous-generation-instance (instances,
launch templates and configurations, autoscaling `override` types, EKS
node group `instance_types`, RDS `db.*` classes, ElastiCache `cache.*`
node types) against the packaged catalog, and names the closest real
types. RDS classes with processor features
(`db.r5.2xlarge.tpc2.mem4x`) are judged by their base class.

Options: ``allow`` - type names or shell-style patterns to accept
(`["m9i.*"]`), for types newer than the catalog.

Bad:   instance_type = "t3.mirco"
Good:  instance_type = "t3.micro"

Limits: the catalog lists the types AWS offered when it was compiled
(its version is its date); a newer type is reported until the catalog
is updated or the type is allowed. A type known only at apply time is
not judged.
"""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import Any

from costlint.catalog import (
    load_catalog,
    parse_type,
    service_label,
    type_slots,
)
from costlint.model import Outcome, Resource, RuleMeta, Severity, Unknown
from costlint.rules.base import RuleContext, make_finding

META = RuleMeta(
    id="unknown-instance-type",
    name="Unknown instance type",
    severity=Severity.WARNING,
    summary="instance, DB or cache node type not in the catalog",
    rationale=("a type that does not exist fails at apply time, after review"),
    tags=("aws", "terraform", "ec2", "rds", "elasticache"),
)
DEFAULTS: dict[str, Any] = {"allow": []}


def _allowed(name: str, patterns: list[str]) -> bool:
    return any(fnmatchcase(name, pattern) for pattern in patterns)


def check(res: Resource, ctx: RuleContext) -> Iterator[Outcome]:
    """Judge whether the types one resource names exist."""
    catalog = load_catalog()
    for slot in type_slots(res):
        value = slot.value
        if isinstance(value, Unknown) or not isinstance(value, str):
            continue
        if catalog.lookup(value) is not None:
            continue
        if _allowed(value, ctx.options["allow"]):
            continue

        parsed = parse_type(value)
        label = service_label(parsed.service if parsed else "ec2")
        closest = catalog.closest(value)
        hint = f" (closest: {', '.join(closest)})" if closest else ""
        yield make_finding(
            META,
            res,
            slot.path,
            f"{label} {value!r} is not in the catalog{hint}",
            f"check the spelling; a type newer than the catalog "
            f"({catalog.version}) can go in the rule's `allow` list",
        )
