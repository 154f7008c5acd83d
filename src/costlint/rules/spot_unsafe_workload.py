"""Report workloads placed on spot capacity that cannot take a reclaim.

Why: spot and preemptible nodes cost far less than on-demand ones
because the provider may take them back at short notice (AWS gives two
minutes, Google Cloud and Azure thirty seconds; oneuptime.com,
"Kubernetes spot and preemptible nodes", 2026-01-06). A workload that
is not built for that turns the saving into outages, and teams then
move everything back to on-demand.

A workload is on spot when its pod template selects spot nodes
(`nodeSelector`, required or preferred node affinity, including
`NotIn [on-demand]`), tolerates a spot taint, or is pinned with
`karpenter.sh/nodepool` to a NodePool whose requirements allow spot.
The labels and taints per provider and their notice times are the
bundle's `kubernetes.spot`. Then each failed condition is one finding
that names it:
- replicas below `kubernetes.spot.min_replicas` (2): `replicas` unset
  means 1; when a HorizontalPodAutoscaler targets the workload, its
  `minReplicas` (default 1) decides instead; `replicas: 0` (parked,
  scaled up by other means) is not judged;
- no PodDisruptionBudget of the same namespace among the scanned files
  selects the pods (a PDB in another namespace does not count, and the
  message says so);
- `terminationGracePeriodSeconds` (default 30) longer than the
  provider's notice, so shutdown cannot finish;
- a StatefulSet keeping data on the node: a `hostPath` volume, or a
  volumeClaimTemplate whose scanned StorageClass is node-local
  (`kubernetes.io/no-provisioner`, local-path, OpenEBS local, TopoLVM);
- a bare Pod, which nothing recreates.
Deployments, ReplicaSets, ReplicationControllers, Argo Rollouts and
StatefulSets are checked for all of these; Jobs and CronJobs (built to
be retried) only for the grace period; DaemonSets not at all (they run
one pod per node and leave with it).

Options: none in the rule; see the bundle's `kubernetes.spot`.

Bad:   replicas: 1
       template: {spec: {nodeSelector: {karpenter.sh/capacity-type: spot}}}
Good:  replicas: 3, plus a PodDisruptionBudget selecting the pods

Limits: only placement written in the manifest is seen; a pod with no
selector lands wherever the cluster's node pools put it, which is not
in the scanned files. A pin to a NodePool that is not scanned is listed
as not judged (`-v`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from costlint.k8s_spot import SpotExposure, find_spot_exposure, notice_seconds
from costlint.k8s_workloads import (
    PodTemplate,
    find_named,
    in_namespace,
    is_workload,
    kubernetes_policy,
    name_of,
    namespace_of,
    pod_template,
    selector_matches,
)
from costlint.model import (
    AttrPath,
    Outcome,
    Resource,
    RuleMeta,
    Severity,
    Unknown,
)
from costlint.rules.base import RuleContext, make_finding, make_unresolved

META = RuleMeta(
    id="spot-unsafe-workload",
    name="Spot-unsafe workload",
    severity=Severity.WARNING,
    summary="workload on spot capacity that cannot survive a reclaim",
    rationale=(
        "spot nodes are reclaimed at short notice; a workload not built "
        "for it turns the saving into outages"
    ),
    tags=("kubernetes", "spot", "karpenter", "availability"),
)
DEFAULTS: dict[str, Any] = {}

REPLICATED = frozenset(
    {
        "Deployment",
        "ReplicaSet",
        "ReplicationController",
        "Rollout",
        "StatefulSet",
    },
)
_NOT_JUDGED = frozenset({"DaemonSet", "PodTemplate"})
LOCAL_PROVISIONERS = frozenset(
    {
        "kubernetes.io/no-provisioner",
        "rancher.io/local-path",
        "openebs.io/local",
        "local.csi.openebs.io",
        "topolvm.io",
    },
)
_DEFAULT_GRACE = 30
_PROVIDER_NAMES = {"aws": "AWS", "gcp": "Google Cloud", "azure": "Azure"}


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


class _Judge:
    """The checks of one workload on spot, sharing what they need."""

    def __init__(
        self,
        res: Resource,
        template: PodTemplate,
        exposure: SpotExposure,
        ctx: RuleContext,
    ) -> None:
        self.res = res
        self.template = template
        self.exposure = exposure
        self.ctx = ctx
        self.policy = kubernetes_policy(ctx.bundle)
        spot = _mapping(self.policy.get("spot"))
        self.min_replicas = int(spot.get("min_replicas", 2))
        self.subject = "it" if res.type == "Pod" else "its pods"

    def finding(self, path: AttrPath, condition: str, fix: str) -> Outcome:
        return make_finding(
            META,
            self.res,
            path,
            f"{condition}, and {self.subject} may run on spot "
            f"({self.exposure.reason})",
            fix,
        )

    def replicas(self) -> Iterator[Outcome]:
        fix = (
            f"run at least {self.min_replicas} replicas (or an HPA with "
            f"minReplicas {self.min_replicas}), or keep it off spot"
        )
        hpa = self._autoscaler()
        if hpa is not None:
            spec = _mapping(hpa.attrs.get("spec"))
            least = spec.get("minReplicas")
            if least is None:
                yield self.finding(
                    (),
                    f"HorizontalPodAutoscaler {name_of(hpa)} sets no "
                    "minReplicas (defaults to 1)",
                    fix,
                )
            elif isinstance(least, int) and least < self.min_replicas:
                yield self.finding(
                    (),
                    f"HorizontalPodAutoscaler {name_of(hpa)} has "
                    f"minReplicas {least}",
                    fix,
                )
            return

        spec = _mapping(self.res.attrs.get("spec"))
        if "replicas" not in spec or spec["replicas"] is None:
            yield self.finding((), "replicas not set (defaults to 1)", fix)
            return
        count = spec["replicas"]
        if isinstance(count, bool) or not isinstance(count, int):
            yield make_unresolved(
                META,
                self.res,
                f"replicas {count!r} is not a number",
            )
        elif 0 < count < self.min_replicas:
            yield self.finding(
                ("spec", "replicas"),
                f"replicas is {count}",
                fix,
            )

    def _autoscaler(self) -> Resource | None:
        for hpa in in_namespace(
            self.ctx.index,
            "HorizontalPodAutoscaler",
            namespace_of(self.res),
        ):
            spec = _mapping(hpa.attrs.get("spec"))
            target = _mapping(spec.get("scaleTargetRef"))
            if target.get("kind") == self.res.type and target.get(
                "name"
            ) == name_of(self.res):
                return hpa
        return None

    def disruption_budget(self) -> Iterator[Outcome]:
        labels = self.template.labels
        namespace = namespace_of(self.res)
        for pdb in in_namespace(
            self.ctx.index,
            "PodDisruptionBudget",
            namespace,
        ):
            if _selects(pdb, labels):
                return
        elsewhere = [
            pdb
            for pdb in self.ctx.index.of_type("PodDisruptionBudget")
            if pdb.kind == "kubernetes"
            and namespace_of(pdb) != namespace
            and _selects(pdb, labels)
        ]
        if elsewhere:
            other = elsewhere[0]
            condition = (
                f"PodDisruptionBudget {name_of(other)} matches the labels "
                f"but is in namespace {namespace_of(other)}, not {namespace}"
            )
            fix = (
                f"move the PodDisruptionBudget to namespace {namespace} "
                "(a PDB only covers pods of its own namespace)"
            )
        else:
            condition = (
                "no PodDisruptionBudget in the scanned files selects its pods"
            )
            fix = (
                "add a PodDisruptionBudget whose selector matches the pod "
                "labels, or keep it off spot"
            )
        yield self.finding((), condition, fix)

    def grace_period(self) -> Iterator[Outcome]:
        provider = self.exposure.provider
        notice = notice_seconds(self.policy, provider)
        if notice is None:
            return
        grace = self.template.spec.get("terminationGracePeriodSeconds")
        path: AttrPath = ()
        if grace is None:
            seconds = _DEFAULT_GRACE
            shown = f"not set (defaults to {_DEFAULT_GRACE})"
        elif isinstance(grace, int) and not isinstance(grace, bool):
            seconds = grace
            path = self.template.at("spec", "terminationGracePeriodSeconds")
            shown = str(grace)
        else:
            return
        if seconds <= notice:
            return
        who = _PROVIDER_NAMES.get(provider, provider)
        yield self.finding(
            path,
            f"terminationGracePeriodSeconds {shown} is longer than the "
            f"{notice} s notice {who} gives before reclaiming a spot node",
            f"finish shutdown within {notice} s "
            f"(terminationGracePeriodSeconds <= {notice}), or keep it off "
            "spot",
        )

    def local_storage(self) -> Iterator[Outcome]:
        fix = "keep data on network storage, or keep it off spot"
        volumes = self.template.spec.get("volumes")
        for index, volume in enumerate(
            volumes if isinstance(volumes, list) else [],
        ):
            if isinstance(volume, Mapping) and "hostPath" in volume:
                yield self.finding(
                    self.template.at("spec", "volumes", index),
                    f"volume {volume.get('name')} is a hostPath, lost "
                    "with a reclaimed node",
                    fix,
                )
        claims = _mapping(self.res.attrs.get("spec")).get(
            "volumeClaimTemplates",
        )
        for index, claim in enumerate(
            claims if isinstance(claims, list) else [],
        ):
            yield from self._local_claim(index, _mapping(claim), fix)

    def _local_claim(
        self,
        index: int,
        claim: Mapping[str, Any],
        fix: str,
    ) -> Iterator[Outcome]:
        name = _mapping(claim.get("spec")).get("storageClassName")
        if not isinstance(name, str) or not name:
            return
        storage_class = find_named(self.ctx.index, "StorageClass", name)
        if storage_class is None:
            return
        provisioner = storage_class.attrs.get("provisioner")
        if provisioner in LOCAL_PROVISIONERS:
            claim_name = _mapping(claim.get("metadata")).get("name")
            yield self.finding(
                ("spec", "volumeClaimTemplates", index),
                f"volumeClaimTemplate {claim_name} uses StorageClass {name} "
                f"({provisioner}), node-local storage lost with a "
                "reclaimed node",
                fix,
            )


def _selects(pdb: Resource, labels: Mapping[str, Any]) -> bool:
    return selector_matches(
        _mapping(pdb.attrs.get("spec")).get("selector"),
        labels,
    )


def check(res: Resource, ctx: RuleContext) -> Iterator[Outcome]:
    """Judge one workload whose pods may run on spot."""
    if not is_workload(res) or res.type in _NOT_JUDGED:
        return
    template = pod_template(res)
    if template is None:
        return
    policy = kubernetes_policy(ctx.bundle)
    exposure = find_spot_exposure(template, policy, ctx.index)
    if exposure is None:
        return
    if isinstance(exposure, Unknown):
        yield make_unresolved(META, res, exposure.reason)
        return

    judge = _Judge(res, template, exposure, ctx)
    if res.type in REPLICATED:
        yield from judge.replicas()
        yield from judge.disruption_budget()
    if res.type == "Pod":
        yield judge.finding(
            (),
            "a bare Pod is not recreated when its node is reclaimed",
            "run it from a Deployment (or a Job), or keep it off spot",
        )
    yield from judge.grace_period()
    if res.type == "StatefulSet":
        yield from judge.local_storage()
