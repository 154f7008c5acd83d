"""What the Kubernetes rules share: pod templates, selectors, quantities.

Rules judge workloads through their pod template, wherever the kind
keeps it (`spec.template`, a CronJob's `spec.jobTemplate.spec.template`,
a Pod's own `metadata` and `spec`), so each rule sees the pods that
will run and can name the path of what it reports. The bundle's
`kubernetes` section is read here too, with built-in defaults equal to
the packaged bundle for bundles that leave parts out.
"""

from __future__ import annotations

import re
import weakref
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from costlint.index import ResourceIndex
from costlint.model import AttrPath, Resource

# Where each workload kind keeps its pod template.
TEMPLATE_PATHS: dict[str, AttrPath] = {
    "Pod": (),
    "PodTemplate": ("template",),
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    "Rollout": ("spec", "template"),
}
# Kinds whose API group decides whether they are the workload we know.
_GROUPS = {"Rollout": "argoproj.io/"}

# Defaults of the bundle's `kubernetes` section (policies/costlint.yaml).
POLICY_DEFAULTS: dict[str, Any] = {
    "required_labels": {},
    "namespace_labels": False,
    "max_requests": {"cpu": "8", "memory": "32Gi"},
    "spot": {
        "min_replicas": 2,
        "providers": {
            "aws": {
                "notice_seconds": 120,
                "labels": {
                    "karpenter.sh/capacity-type": ["spot"],
                    "eks.amazonaws.com/capacityType": ["SPOT"],
                },
                "taints": {},
            },
            "gcp": {
                "notice_seconds": 30,
                "labels": {
                    "cloud.google.com/gke-spot": ["true"],
                    "cloud.google.com/gke-preemptible": ["true"],
                },
                "taints": {
                    "cloud.google.com/gke-spot": ["true"],
                    "cloud.google.com/gke-preemptible": ["true"],
                },
            },
            "azure": {
                "notice_seconds": 30,
                "labels": {"kubernetes.azure.com/scalesetpriority": ["spot"]},
                "taints": {"kubernetes.azure.com/scalesetpriority": ["spot"]},
            },
        },
    },
    "karpenter": {
        "environment_label": "env",
        "prefer_spot": ["development", "staging", "test"],
    },
}


def kubernetes_policy(bundle: Mapping[str, Any]) -> dict[str, Any]:
    """The bundle's `kubernetes` section over the built-in defaults.

    Sections merge one level down: a bundle giving only
    `spot.min_replicas` keeps the default providers, while one giving
    `spot.providers` lists every provider it wants.
    """
    given = bundle.get("kubernetes") or {}
    policy = dict(POLICY_DEFAULTS)
    for key, value in given.items():
        default = POLICY_DEFAULTS.get(key)
        if isinstance(default, dict) and isinstance(value, Mapping):
            policy[key] = {**default, **value}
        else:
            policy[key] = value
    return policy


@dataclass(frozen=True)
class PodTemplate:
    """The pods a workload runs: metadata, spec and where they are."""

    path: AttrPath
    metadata: Mapping[str, Any]
    spec: Mapping[str, Any]

    def at(self, *parts: str | int) -> AttrPath:
        """The path of `parts` inside this template."""
        return (*self.path, *parts)

    @property
    def labels(self) -> Mapping[str, Any]:
        """The pod labels (an empty map when none are written)."""
        labels = self.metadata.get("labels")
        return labels if isinstance(labels, Mapping) else {}


@dataclass(frozen=True)
class Container:
    """One container of a pod template, with its path."""

    path: AttrPath
    data: Mapping[str, Any]
    init: bool

    @property
    def name(self) -> str:
        """The container's name, or its index when it has none."""
        name = self.data.get("name")
        return str(name) if name else f"#{self.path[-1]}"

    @property
    def what(self) -> str:
        """`container NAME` or `init container NAME`, for messages."""
        lead = "init container" if self.init else "container"
        return f"{lead} {self.name}"


def is_workload(res: Resource) -> bool:
    """Whether `res` is a kind that runs pods from a template."""
    if res.kind != "kubernetes" or res.type not in TEMPLATE_PATHS:
        return False
    group = _GROUPS.get(res.type)
    api = str(res.context.get("api_version", ""))
    return group is None or api.startswith(group)


def pod_template(res: Resource) -> PodTemplate | None:
    """The pod template of a workload, or None (no template written)."""
    if not is_workload(res):
        return None
    node: Any = res.attrs
    path = TEMPLATE_PATHS[res.type]
    for part in path:
        node = node.get(part) if isinstance(node, Mapping) else None
    if not isinstance(node, Mapping):
        return None
    metadata = node.get("metadata")
    spec = node.get("spec")
    return PodTemplate(
        path=path,
        metadata=metadata if isinstance(metadata, Mapping) else {},
        spec=spec if isinstance(spec, Mapping) else {},
    )


def containers_of(
    template: PodTemplate,
    include_init: bool = False,
) -> Iterator[Container]:
    """The app containers, then the init containers if asked for."""
    keys = (
        ("containers", "initContainers") if include_init else ("containers",)
    )
    for key in keys:
        items = template.spec.get(key)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if isinstance(item, Mapping):
                yield Container(
                    template.at("spec", key, index),
                    item,
                    key == "initContainers",
                )


def namespace_of(res: Resource) -> str:
    """The namespace of a namespaced object (`default` when unset)."""
    return str(res.context.get("namespace") or "default")


def name_of(res: Resource) -> str:
    """The object's `metadata.name`."""
    return str(res.context.get("name", ""))


def labels_of(res: Resource) -> Mapping[str, Any]:
    """The object's own `metadata.labels`."""
    metadata = res.attrs.get("metadata")
    labels = metadata.get("labels") if isinstance(metadata, Mapping) else None
    return labels if isinstance(labels, Mapping) else {}


def selector_matches(selector: Any, labels: Mapping[str, Any]) -> bool:
    """Whether a LabelSelector selects pods with `labels`.

    An empty selector selects every pod; a missing one selects none,
    as for a PodDisruptionBudget in `policy/v1`.
    """
    if not isinstance(selector, Mapping):
        return False
    wanted = selector.get("matchLabels") or {}
    if not isinstance(wanted, Mapping):
        return False
    for key, value in wanted.items():
        if key not in labels or str(labels[key]) != str(value):
            return False
    expressions = selector.get("matchExpressions") or []
    if not isinstance(expressions, list):
        return False
    return all(_expression_matches(e, labels) for e in expressions)


def _expression_matches(expr: Any, labels: Mapping[str, Any]) -> bool:
    if not isinstance(expr, Mapping):
        return False
    key = str(expr.get("key"))
    operator = expr.get("operator")
    values = [str(v) for v in expr.get("values") or []]
    present = key in labels
    if operator == "In":
        return present and str(labels[key]) in values
    if operator == "NotIn":
        return not present or str(labels[key]) not in values
    if operator == "Exists":
        return present
    if operator == "DoesNotExist":
        return not present
    return False


_QUANTITY = re.compile(
    r"^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$",
)
_FACTORS = {
    None: Decimal(1),
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "k": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
    "T": Decimal("1e12"),
    "P": Decimal("1e15"),
    "E": Decimal("1e18"),
    "Ki": Decimal(2**10),
    "Mi": Decimal(2**20),
    "Gi": Decimal(2**30),
    "Ti": Decimal(2**40),
    "Pi": Decimal(2**50),
    "Ei": Decimal(2**60),
}


def parse_quantity(value: Any) -> Decimal | None:
    """A Kubernetes quantity (`500m`, `1.5Gi`, `2`) as a number.

    CPU comes out in cores and memory in bytes; None when the text is
    not a quantity.
    """
    if isinstance(value, bool) or value is None:
        return None
    match = _QUANTITY.match(str(value).strip())
    if not match:
        return None
    try:
        return Decimal(match.group(1)) * _FACTORS[match.group(2)]
    except InvalidOperation:
        return None


# Lookups by namespace, built once per scan (per ResourceIndex).
_NAMESPACED: weakref.WeakKeyDictionary[
    ResourceIndex,
    dict[str, dict[str, list[Resource]]],
] = weakref.WeakKeyDictionary()
_NAMED: weakref.WeakKeyDictionary[
    ResourceIndex,
    dict[str, dict[tuple[str, str], Resource]],
] = weakref.WeakKeyDictionary()


def in_namespace(
    index: ResourceIndex,
    kind: str,
    namespace: str,
) -> Sequence[Resource]:
    """The objects of one kind in one namespace, from the index."""
    tables = _NAMESPACED.setdefault(index, {})
    table = tables.get(kind)
    if table is None:
        table = defaultdict(list)
        for res in index.of_type(kind):
            if res.kind == "kubernetes":
                table[namespace_of(res)].append(res)
        tables[kind] = table
    return table.get(namespace, [])


def find_named(
    index: ResourceIndex,
    kind: str,
    name: str,
    namespace: str | None = None,
) -> Resource | None:
    """The first object of `kind` called `name` (in `namespace`).

    Without a namespace, any object of the kind with that name (for
    cluster-scoped kinds such as StorageClass and NodePool).
    """
    tables = _NAMED.setdefault(index, {})
    table = tables.get(kind)
    if table is None:
        table = {}
        for res in index.of_type(kind):
            if res.kind != "kubernetes":
                continue
            table.setdefault((namespace_of(res), name_of(res)), res)
            table.setdefault(("", name_of(res)), res)
        tables[kind] = table
    return table.get((namespace or "", name))
