"""Report Karpenter NodePools that can grow or idle without bound.

Why: a NodePool launches whatever capacity pending pods ask for. With
no `limits`, a runaway deployment or a bad HPA target buys nodes until
the account's quota stops it; with consolidation disabled, nodes left
half empty after a scale-down keep running and billing; and a pool for
a development or test environment that allows only on-demand pays the
on-demand price for capacity that could run on spot.

Checks each NodePool (`karpenter.sh/v1` and `v1beta1`):
- `spec.limits` missing or empty;
- consolidation disabled: `spec.disruption.consolidateAfter: Never`,
  or a disruption budget of `nodes: "0"` (or "0%") with no `schedule`
  that covers consolidation (no `reasons`, or `Underutilized` or
  `Empty` among them), which blocks it at all times;
- with ``flag_when_empty``, `consolidationPolicy: WhenEmpty`, which
  never packs underused nodes;
- capacity types without spot (no `karpenter.sh/capacity-type`
  requirement means on-demand only) when the pool's environment is in
  the bundle's `kubernetes.karpenter.prefer_spot`. The environment is
  the label `kubernetes.karpenter.environment_label` (default `env`)
  on the NodePool or on its node template.

Options: ``flag_when_empty`` (false) - also report
`consolidationPolicy: WhenEmpty`.

Bad:   spec: {disruption: {consolidateAfter: Never}}   # and no limits
Good:  spec: {limits: {cpu: "1000", memory: 1000Gi},
              disruption: {consolidationPolicy: WhenEmptyOrUnderutilized}}

Limits: a NodePool without an environment label is not judged for its
capacity types. Limits set by other means (a cluster autoscaling
quota, an account's EC2 quota) are not seen.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from costlint.k8s_spot import (
    CAPACITY_KEY,
    is_nodepool,
    nodepool_capacity_types,
    nodepool_requirements,
)
from costlint.k8s_workloads import kubernetes_policy, labels_of, name_of
from costlint.model import AttrPath, Outcome, Resource, RuleMeta, Severity
from costlint.rules.base import RuleContext, make_finding

META = RuleMeta(
    id="karpenter-nodepool-unbounded",
    name="Unbounded Karpenter NodePool",
    severity=Severity.WARNING,
    summary=(
        "Karpenter NodePool without limits, without consolidation, or "
        "on-demand only where spot is preferred"
    ),
    rationale=(
        "a NodePool buys whatever pending pods ask for; without limits "
        "and consolidation its cost has no ceiling and idle nodes stay"
    ),
    tags=("kubernetes", "karpenter", "aws", "spot"),
)
DEFAULTS: dict[str, Any] = {"flag_when_empty": False}

_CONSOLIDATION_REASONS = frozenset({"Underutilized", "Empty"})


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _check_limits(res: Resource) -> Iterator[Outcome]:
    limits = _mapping(res.attrs.get("spec")).get("limits")
    if isinstance(limits, Mapping) and limits:
        return
    yield make_finding(
        META,
        res,
        ("spec", "limits") if limits is not None else (),
        f"NodePool {name_of(res)} has no limits, so it can launch nodes "
        "without bound",
        "set spec.limits.cpu and spec.limits.memory to the most this "
        "pool should ever run",
    )


def _blocks_always(budget: Mapping[str, Any]) -> bool:
    if str(budget.get("nodes")).strip() not in ("0", "0%"):
        return False
    if "schedule" in budget:
        return False
    reasons = budget.get("reasons")
    if not isinstance(reasons, list) or not reasons:
        return True
    return bool(_CONSOLIDATION_REASONS & {str(r) for r in reasons})


def _check_consolidation(
    res: Resource,
    flag_when_empty: bool,
) -> Iterator[Outcome]:
    disruption = _mapping(_mapping(res.attrs.get("spec")).get("disruption"))
    base: AttrPath = ("spec", "disruption")
    fix = (
        "let Karpenter consolidate (consolidationPolicy: "
        "WhenEmptyOrUnderutilized and a finite consolidateAfter)"
    )
    if str(disruption.get("consolidateAfter")) == "Never":
        yield make_finding(
            META,
            res,
            (*base, "consolidateAfter"),
            f"NodePool {name_of(res)} disables consolidation "
            "(consolidateAfter: Never), so underused nodes keep running",
            fix,
        )
    elif flag_when_empty and disruption.get("consolidationPolicy") == (
        "WhenEmpty"
    ):
        yield make_finding(
            META,
            res,
            (*base, "consolidationPolicy"),
            f"NodePool {name_of(res)} consolidates only empty nodes "
            "(WhenEmpty), so half-used nodes keep running",
            fix,
        )

    budgets = disruption.get("budgets")
    for index, budget in enumerate(
        budgets if isinstance(budgets, list) else [],
    ):
        if isinstance(budget, Mapping) and _blocks_always(budget):
            yield make_finding(
                META,
                res,
                (*base, "budgets", index),
                f"NodePool {name_of(res)} has a disruption budget of 0 "
                "nodes at all times, so consolidation never runs",
                "give the zero budget a schedule and duration, or limit "
                "its reasons to Drifted",
            )


def _environment(res: Resource, label: str) -> str | None:
    template = _mapping(_mapping(res.attrs.get("spec")).get("template"))
    node_labels = _mapping(_mapping(template.get("metadata")).get("labels"))
    for labels in (labels_of(res), node_labels):
        if label in labels:
            return str(labels[label])
    return None


def _check_capacity(res: Resource, ctx: RuleContext) -> Iterator[Outcome]:
    karpenter = _mapping(kubernetes_policy(ctx.bundle).get("karpenter"))
    label = str(karpenter.get("environment_label") or "env")
    prefer = {str(env) for env in karpenter.get("prefer_spot") or []}
    environment = _environment(res, label)
    if environment is None or environment not in prefer:
        return
    types = nodepool_capacity_types(res)
    if "spot" in types:
        return

    base, requirements = nodepool_requirements(res)
    path: AttrPath = ()
    for index, req in enumerate(requirements):
        if isinstance(req, Mapping) and req.get("key") == CAPACITY_KEY:
            path = (*base, index)
            break
    allowed = ", ".join(sorted(types)) or "no capacity type"
    yield make_finding(
        META,
        res,
        path,
        f"NodePool {name_of(res)} allows only {allowed}, but the bundle "
        f"prefers spot for environment {environment}",
        f"allow spot: {CAPACITY_KEY} In [spot, on-demand] (Karpenter "
        "prefers spot when both are allowed)",
    )


def check(res: Resource, ctx: RuleContext) -> Iterator[Outcome]:
    """Judge one Karpenter NodePool."""
    if not is_nodepool(res):
        return
    yield from _check_limits(res)
    yield from _check_consolidation(
        res,
        bool(ctx.options.get("flag_when_empty")),
    )
    yield from _check_capacity(res, ctx)
