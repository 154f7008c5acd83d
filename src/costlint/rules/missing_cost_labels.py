"""Require the bundle's cost labels on workloads and their pods.

Why: Kubecost and OpenCost split a cluster's bill by the labels of the
pods that use it. Spend of pods without the team or service labels
lands in an unallocated bucket nobody owns, and labels written only on
the Deployment do not reach its pods, so both places are checked.

Checks every workload that runs pods (Deployment, StatefulSet,
DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Argo
Rollout, Pod): its own `metadata.labels` and the labels of its pod
template (for a CronJob, `spec.jobTemplate.spec.template`). The labels
and their allowed values are the bundle's
`kubernetes.required_labels`; values compare case-sensitively unless a
label sets `ignore_case: true`.

Options: none in the rule. With the bundle's
`kubernetes.namespace_labels: true`, a label the workload's Namespace
carries counts for the workload and its pods (cost tools can allocate
by namespace labels); the Namespace must then be among the scanned
files, or the workload is listed as not judged (`-v`).

Bad:   kind: Deployment
       metadata: {name: api, labels: {team: core, service: api,
                                       env: production}}
       spec: {template: {metadata: {labels: {app: api}}, ...}}
Good:  the same three labels also under spec.template.metadata.labels

Limits: labels added by admission controllers or mutating webhooks
(a Kyverno `mutate` policy, an operator) after the manifest is applied
are not seen.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from costlint.k8s_workloads import (
    PodTemplate,
    find_named,
    is_workload,
    kubernetes_policy,
    labels_of,
    namespace_of,
    pod_template,
)
from costlint.model import (
    AttrPath,
    Outcome,
    Resource,
    RuleMeta,
    Severity,
)
from costlint.rules.base import RuleContext, make_finding, make_unresolved

META = RuleMeta(
    id="missing-cost-labels",
    name="Missing cost-allocation labels",
    severity=Severity.WARNING,
    summary="workload or its pod template lacks the bundle's cost labels",
    rationale=(
        "Kubecost and OpenCost allocate spend by pod labels; pods "
        "without them land in an unallocated bucket nobody owns"
    ),
    tags=("kubernetes", "labels", "allocation"),
)
DEFAULTS: dict[str, Any] = {}


def _allowed(value: Any, rule: Mapping[str, Any]) -> bool:
    allowed = rule.get("allowed")
    if not allowed:
        return True
    if rule.get("ignore_case"):
        return str(value).lower() in {str(a).lower() for a in allowed}
    return str(value) in {str(a) for a in allowed}


def _judge(
    res: Resource,
    labels: Mapping[str, Any],
    inherited: Mapping[str, Any] | None,
    path: AttrPath,
    what: str,
    required: Mapping[str, Mapping[str, Any]],
) -> Iterator[Outcome]:
    """Findings for one label map.

    `inherited` holds the Namespace's labels when they count, None
    when they count but the Namespace was not scanned.
    """
    missing = []
    for key, rule in required.items():
        if key in labels:
            if not _allowed(labels[key], rule or {}):
                allowed = ", ".join(str(a) for a in rule["allowed"])
                yield make_finding(
                    META,
                    res,
                    (*path, key),
                    f"{what} label {key} is {labels[key]!r}, not one of "
                    f"{allowed}",
                    f"set {key} to one of {allowed}",
                )
        elif (
            inherited is None
            or key not in inherited
            or not _allowed(inherited[key], rule or {})
        ):
            missing.append(key)
    if missing and inherited is None:
        yield make_unresolved(
            META,
            res,
            f"{what} labels {', '.join(missing)} may come from Namespace "
            f"{namespace_of(res)}, which is not in the scanned files",
        )
    elif missing:
        names = ", ".join(missing)
        yield make_finding(
            META,
            res,
            path,
            f"{what} labels lack {names} (cost tools allocate spend by "
            "these labels)",
            f"add the labels {names} under {'.'.join(map(str, path))}",
        )


def _namespace_labels(
    res: Resource,
    ctx: RuleContext,
) -> Mapping[str, Any] | None:
    """The labels of the workload's Namespace; None if not scanned."""
    namespace = find_named(ctx.index, "Namespace", namespace_of(res))
    return None if namespace is None else labels_of(namespace)


def _places(
    res: Resource,
    template: PodTemplate | None,
) -> Iterator[tuple[Mapping[str, Any], AttrPath, str]]:
    yield labels_of(res), ("metadata", "labels"), res.type
    if template is not None and res.type != "Pod":
        yield (
            template.labels,
            template.at("metadata", "labels"),
            "pod template",
        )


def check(res: Resource, ctx: RuleContext) -> Iterator[Outcome]:
    """Judge the labels of one workload and of its pod template."""
    if not is_workload(res):
        return
    policy = kubernetes_policy(ctx.bundle)
    required = policy.get("required_labels") or {}
    if not required:
        return

    inherited: Mapping[str, Any] | None = {}
    if policy.get("namespace_labels"):
        inherited = _namespace_labels(res, ctx)

    for labels, path, what in _places(res, pod_template(res)):
        yield from _judge(res, labels, inherited, path, what, required)
