"""Report containers that request more than the bundle allows.

Why: a request is reserved, and paid for, whether the container uses
it or not. One container asking for a whole large node keeps that node
running for it; requests above a house threshold usually come from a
copied manifest or a guess, not from measured usage.

Checks each container and init container of every workload's pod
template (init containers count: the pod reserves the larger of its
biggest init container and the sum of its app containers). A limit
without a request counts as the request, as the API server copies it.
Thresholds are the bundle's `kubernetes.max_requests`, one quantity per
resource name (`cpu`, `memory`, or any extended resource such as
`nvidia.com/gpu`).

Options: none in the rule; the thresholds live in the bundle.

Bad:   resources: {requests: {cpu: "32", memory: 128Gi}}
Good:  resources: {requests: {cpu: "2", memory: 4Gi}}

Limits: the threshold is per container, not per node type, so a
workload that really needs a large node must raise the bundle's
threshold or disable the rule for its project.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from costlint.k8s_workloads import (
    containers_of,
    kubernetes_policy,
    parse_quantity,
    pod_template,
)
from costlint.model import Outcome, Resource, RuleMeta, Severity
from costlint.rules.base import RuleContext, make_finding, make_unresolved

META = RuleMeta(
    id="oversized-requests",
    name="Oversized resource requests",
    severity=Severity.WARNING,
    summary="container requests more CPU or memory than the bundle allows",
    rationale=(
        "requests are reserved and paid for whether used or not; a "
        "request above the house threshold keeps a large node running"
    ),
    tags=("kubernetes", "requests", "rightsizing"),
)
DEFAULTS: dict[str, Any] = {}


def _thresholds(ctx: RuleContext) -> dict[str, tuple[str, Decimal]]:
    limits = kubernetes_policy(ctx.bundle).get("max_requests") or {}
    out = {}
    for name, text in limits.items():
        amount = parse_quantity(text)
        if amount is not None:
            out[name] = (str(text), amount)
    return out


def _section(data: Any, key: str) -> Mapping[str, Any]:
    value = data.get(key) if isinstance(data, Mapping) else None
    return value if isinstance(value, Mapping) else {}


def check(res: Resource, ctx: RuleContext) -> Iterator[Outcome]:
    """Judge each container's requests against the bundle."""
    template = pod_template(res)
    if template is None:
        return
    thresholds = _thresholds(ctx)
    if not thresholds:
        return

    for container in containers_of(template, include_init=True):
        resources = _section(container.data, "resources")
        for name, (shown, most) in thresholds.items():
            for part in ("requests", "limits"):
                if name in _section(resources, part):
                    break
            else:
                continue
            value = _section(resources, part)[name]
            amount = parse_quantity(value)
            if amount is None:
                yield make_unresolved(
                    META,
                    res,
                    f"{container.what}: {name} {value!r} is not a quantity",
                )
                continue
            if amount <= most:
                continue
            source = (
                f"requests {name} {value}"
                if part == "requests"
                else f"has {name} limit {value} (and so that request)"
            )
            yield make_finding(
                META,
                res,
                (*container.path, "resources", part, name),
                f"{container.what} {source}, above the bundle's "
                f"{shown} (reserved and paid for even when idle)",
                f"lower the {name} request to measured usage, or raise "
                f"kubernetes.max_requests.{name} in the bundle",
            )
