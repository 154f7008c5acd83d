"""Flag instance types of a previous generation.

Why: AWS keeps previous-generation families running for those who have
not moved, but the current families that replace them give more
performance per dollar (Nitro, newer processors, faster networks), and
the newest features and price cuts reach current families first.

Checks `instance_type` of instances, spot requests, launch templates
and launch configurations; the `override` instance types of autoscaling
groups' `mixed_instances_policy`; EKS node groups' `instance_types`;
`instance_class` of RDS instances and cluster instances and
`db_cluster_instance_class` of RDS clusters (`db.*`); and `node_type`
of ElastiCache clusters and replication groups (`cache.*`). The fix
names the current families that replace the old one (m4 -> m7i or m6i).

Which families are "previous" is a policy decision, because lists
disagree (AWS's own page against opinionated "older" lists such as
steampipe-mod-aws-thrifty#21): costlint fires only for families on AWS's own
previous-generation lists, as recorded in the packaged catalog with the
list's version (date) and sources: for EC2, the families AWS's
"Previous Generation Instances" page and the previous-generation
section of the EC2 Instance Types guide name (A1, C1, C3, C4, CC1, CC2,
CG1, CR1, G2, G3, G3s, HI1, HS1, I2, M1, M2, M3, M4, P2, R3, R4, T1);
for RDS, db.t1, db.m1, db.m2, db.m3, db.r3 and db.cr1; for ElastiCache,
cache.t1, cache.m1, cache.m2, cache.m3, cache.c1 and cache.r3. Older
but current families (t2, m5) are not reported. A type missing from
the catalog is never "previous" (unknown-instance-type reports it).
`costlint explain previous-generation-instance` and every finding's fix
name the list's version; https://aws.amazon.com/ec2/previous-generation/
is the page to re-check.

Options: ``allow_families`` - families not to report (`["m4"]`).

Bad:   instance_type = "m4.large"
Good:  instance_type = "m7i.large"

Limits: a type known only at apply time (a variable without a value, a
data source) is not judged. The list is as of the catalog's date; a
family AWS moves to the previous generation later is reported only
after the catalog is updated.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from costlint.catalog import (
    Catalog,
    InstanceType,
    load_catalog,
    service_label,
    type_slots,
)
from costlint.model import Outcome, Resource, RuleMeta, Severity, Unknown
from costlint.rules.base import RuleContext, make_finding, make_unresolved

META = RuleMeta(
    id="previous-generation-instance",
    name="Previous-generation instance type",
    severity=Severity.WARNING,
    summary="instance, DB or cache node type of a previous generation",
    rationale=(
        "current-generation families give more performance per dollar "
        "than the previous generation they replace"
    ),
    tags=("aws", "terraform", "ec2", "rds", "elasticache"),
)
DEFAULTS: dict[str, Any] = {"allow_families": []}


def _replacement(catalog: Catalog, found: InstanceType) -> str:
    """`m4 -> m7i or m6i (for example m7i.large)`."""
    family = catalog.family(found.family)
    successors = family.successors if family else ()
    if not successors:
        return f"{found.family} -> a current-generation family"
    example = f"{successors[0]}.{found.size}"
    hint = f" (for example {example})" if catalog.lookup(example) else ""
    return f"{found.family} -> {' or '.join(successors)}{hint}"


def check(res: Resource, ctx: RuleContext) -> Iterator[Outcome]:
    """Judge the instance types named by one resource."""
    catalog = load_catalog()
    allowed = set(ctx.options["allow_families"])
    for slot in type_slots(res):
        if isinstance(slot.value, Unknown):
            what = ".".join(str(part) for part in slot.path)
            yield make_unresolved(META, res, f"{what}: {slot.value.reason}")
            continue
        if not isinstance(slot.value, str):
            continue
        found = catalog.lookup(slot.value)
        if found is None or found.generation != "previous":
            continue
        if found.family in allowed:
            continue

        label = service_label(found.service)
        yield make_finding(
            META,
            res,
            slot.path,
            f"{label} {slot.value} is of a previous generation "
            f"(AWS previous-generation list as of "
            f"{catalog.previous_version})",
            f"move {_replacement(catalog, found)}; source: "
            f"{_list_source(catalog, found)}",
        )


def _list_source(catalog: Catalog, found: InstanceType) -> str:
    family = catalog.family(found.family)
    source = catalog.sources.get(family.source) if family else None
    if not source:
        return f"costlint catalog {catalog.version}"
    url = source.get("url") or source["title"]
    return f"{url} (read {source['date']})"
