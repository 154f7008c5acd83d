"""Manifests built cell by cell, for parity beyond the hand fixtures.

Each builder returns objects that vary one thing at a time (a kind, a
label place, a container's resources, a spot signal, a replica count),
named after the cell so a failing comparison says which one. Expected
differences are predicates on the cell, kept next to the builders.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from costlint.gen_kyverno import KyvernoSettings

API = {
    "Deployment": "apps/v1",
    "StatefulSet": "apps/v1",
    "DaemonSet": "apps/v1",
    "ReplicaSet": "apps/v1",
    "ReplicationController": "v1",
    "Job": "batch/v1",
    "CronJob": "batch/v1",
    "Rollout": "argoproj.io/v1alpha1",
    "Pod": "v1",
    "PodTemplate": "v1",
}
TEMPLATE_KINDS = (
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "Rollout",
)
GOOD_RESOURCES = {"requests": {"cpu": "100m", "memory": "128Mi"}}


def good_labels(settings: KyvernoSettings) -> dict[str, str]:
    """Labels that satisfy the bundle."""
    return {
        label.key: label.allowed[0] if label.allowed else "x"
        for label in settings.labels
    }


def workload(
    kind: str,
    name: str,
    *,
    labels: Mapping[str, Any],
    pod_labels: Mapping[str, Any],
    pod_spec: Mapping[str, Any],
    job_labels: Mapping[str, Any] | None = None,
    replicas: Any = None,
) -> dict[str, Any]:
    """One object of `kind` with the given labels and pod spec."""
    obj: dict[str, Any] = {
        "apiVersion": API[kind],
        "kind": kind,
        "metadata": {"name": name, "namespace": "cells", "labels": labels},
    }
    template = {"metadata": {"labels": dict(pod_labels)}, "spec": pod_spec}
    if kind == "Pod":
        obj["spec"] = copy.deepcopy(dict(pod_spec))
        return obj
    if kind == "PodTemplate":
        obj["template"] = template
        return obj
    if kind == "CronJob":
        obj["spec"] = {
            "schedule": "0 * * * *",
            "jobTemplate": {
                "metadata": {
                    "labels": dict(
                        pod_labels if job_labels is None else job_labels,
                    ),
                },
                "spec": {"template": template},
            },
        }
        return obj
    spec: dict[str, Any] = {
        "selector": {"matchLabels": {"cell": name}},
        "template": template,
    }
    if replicas is not None:
        spec["replicas"] = replicas
    obj["spec"] = spec
    return obj


def pod_spec(containers: Sequence[Mapping[str, Any]], **extra: Any) -> Any:
    """A pod spec with containers named c0, c1 ..."""
    return {
        "containers": [
            {"name": f"c{i}", "image": "registry.example.com/app:1", **c}
            for i, c in enumerate(containers)
        ],
        **extra,
    }


# ---------------------------------------------------------------------
# Labels


def label_cells(settings: KyvernoSettings) -> Iterator[dict[str, Any]]:
    """Each kind with one label place broken in one way."""
    good = good_labels(settings)
    first = settings.labels[0].key
    limited = next((lb for lb in settings.labels if lb.allowed), None)
    breaks: dict[str, dict[str, Any]] = {
        "ok": good,
        "missing": {k: v for k, v in good.items() if k != first},
        "empty": {**good, first: ""},
        "no-labels": {},
    }
    if limited is not None:
        breaks["bad-value"] = {**good, limited.key: "not-allowed"}
        others = {k: v for k, v in good.items() if k != limited.key}
        breaks["missing-limited"] = others
        # Only the limited label: the other keys are missing.
        breaks["only-limited"] = {limited.key: limited.allowed[0]}
    spec = pod_spec([{"resources": GOOD_RESOURCES}])
    for kind in API:
        places = ["own"]
        if kind != "Pod":
            places.append("pod")
        if kind == "CronJob":
            places.append("job")
        for place in places:
            for how, broken in breaks.items():
                if how == "ok" and place != "own":
                    continue
                name = f"{kind.lower()}-{place}-{how}"
                yield workload(
                    kind,
                    name,
                    labels=broken if place == "own" else good,
                    pod_labels=broken if place == "pod" else good,
                    job_labels=broken if place == "job" else good,
                    pod_spec=spec,
                    replicas=2,
                )


def label_differs(name: str) -> str | None:
    """Which side alone reports a label cell, if only one does."""
    if name.endswith("-empty"):
        return "kyverno"
    if "-job-" in name and not name.endswith("-ok"):
        return "kyverno"
    return None


# ---------------------------------------------------------------------
# Requests


REQUEST_CELLS: dict[str, dict[str, Any]] = {
    "requests": pod_spec([{"resources": GOOD_RESOURCES}] * 2),
    "limits": pod_spec(
        [{"resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}] * 2,
    ),
    "mixed": pod_spec(
        [
            {"resources": GOOD_RESOURCES},
            {"resources": {"limits": {"cpu": "1", "memory": "1Gi"}}},
        ],
    ),
    "cpu-only": pod_spec([{"resources": {"requests": {"cpu": "1"}}}]),
    "memory-from-limit": pod_spec(
        [
            {
                "resources": {
                    "requests": {"cpu": "1"},
                    "limits": {"memory": "1Gi"},
                },
            },
        ],
    ),
    "none": pod_spec([{}]),
    "empty-resources": pod_spec([{"resources": {}}]),
    "pod-requests": pod_spec(
        [{}],
        resources={"requests": {"cpu": "1", "memory": "1Gi"}},
    ),
    "pod-limits": pod_spec(
        [{}],
        resources={"limits": {"cpu": "1", "memory": "1Gi"}},
    ),
    "pod-cpu-only": pod_spec([{}], resources={"requests": {"cpu": "1"}}),
    "init-bare": pod_spec(
        [{"resources": GOOD_RESOURCES}],
        initContainers=[{"name": "init", "image": "i:1"}],
    ),
    "init-limits": pod_spec(
        [{"resources": GOOD_RESOURCES}],
        initContainers=[
            {
                "name": "init",
                "image": "i:1",
                "resources": {"limits": {"cpu": "1", "memory": "1Gi"}},
            },
        ],
    ),
    "with-memory-limit": pod_spec(
        [
            {
                "resources": {
                    **GOOD_RESOURCES,
                    "limits": {"memory": "128Mi"},
                },
            },
        ],
    ),
}


def request_cells(settings: KyvernoSettings) -> Iterator[dict[str, Any]]:
    """Each kind with each container configuration."""
    good = good_labels(settings)
    for kind in API:
        for how, spec in REQUEST_CELLS.items():
            yield workload(
                kind,
                f"{kind.lower()}-{how}",
                labels=good,
                pod_labels=good,
                pod_spec=spec,
                replicas=2,
            )


def request_differs(name: str, settings: KyvernoSettings) -> str | None:
    """Which side alone reports a requests cell, if only one does."""
    how = name.split("-", 1)[1]
    if how == "mixed":
        return None if settings.require_memory_limit else "kyverno"
    if how == "memory-from-limit":
        return "kyverno"
    if how == "init-limits" and settings.include_init:
        # The app container has no memory limit: costlint reports it too.
        return None if settings.require_memory_limit else "kyverno"
    return None


# ---------------------------------------------------------------------
# Spot replicas


def spot_cells(settings: KyvernoSettings) -> Iterator[dict[str, Any]]:
    """Each replicated kind, spot signal and replica count."""
    good = good_labels(settings)
    least = settings.min_replicas
    placements: dict[str, dict[str, Any]] = {"none": {}}
    for signal in settings.node_labels:
        slug = signal.key.replace("/", "-").replace(".", "-").lower()
        placements[f"sel-{slug}"] = {
            "nodeSelector": {signal.key: signal.values[-1]},
        }
        placements[f"sel-other-{slug}"] = {
            "nodeSelector": {signal.key: "regular"},
        }
    for signal in settings.taints:
        slug = signal.key.replace("/", "-").replace(".", "-").lower()
        placements[f"tol-exists-{slug}"] = {
            "tolerations": [{"key": signal.key, "operator": "Exists"}],
        }
        placements[f"tol-value-{slug}"] = {
            "tolerations": [
                {"key": "other", "operator": "Exists"},
                {"key": signal.key, "value": signal.values[-1]},
            ],
        }
        placements[f"tol-other-{slug}"] = {
            "tolerations": [
                {"key": signal.key, "operator": "Equal", "value": "regular"},
            ],
        }
    counts = {"unset": None, "zero": 0, "one": 1, "least": least}
    if least > 2:
        counts["below"] = least - 1
    for kind in (*TEMPLATE_KINDS,):
        for where, extra in placements.items():
            for how, count in counts.items():
                yield workload(
                    kind,
                    f"{kind.lower()}-{where}-{how}",
                    labels=good,
                    pod_labels=good,
                    pod_spec=pod_spec(
                        [{"resources": GOOD_RESOURCES}],
                        **extra,
                    ),
                    replicas=count,
                )


def spot_differs(name: str) -> str | None:
    """Which side alone reports a spot cell, if only one does."""
    kind = name.split("-", 1)[0]
    spot = "-none-" not in name and "-other-" not in name
    short = name.endswith(("-unset", "-one", "-below"))
    if kind == "replicaset" and spot and short:
        return "costlint"
    return None
