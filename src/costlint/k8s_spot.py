"""Tell whether a pod template may be scheduled on spot capacity.

Spot and preemptible nodes carry provider labels (Karpenter's
`karpenter.sh/capacity-type: spot`, EKS managed node groups'
`eks.amazonaws.com/capacityType: SPOT`, GKE's
`cloud.google.com/gke-spot: "true"`, AKS's
`kubernetes.azure.com/scalesetpriority: spot`) and sometimes taints.
The bundle's `kubernetes.spot.providers` lists them with the warning
each provider gives before reclaiming a node. A pod may land on spot
when its node selector, required or preferred node affinity, or
tolerations say so, or when it is pinned (`karpenter.sh/nodepool`) to
a Karpenter NodePool whose requirements allow spot. A hard constraint
that rules spot out (`capacity-type: on-demand`) wins over the rest.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from costlint.index import ResourceIndex
from costlint.k8s_workloads import PodTemplate, find_named
from costlint.model import AttrPath, Resource, Unknown

CAPACITY_KEY = "karpenter.sh/capacity-type"
NODEPOOL_KEY = "karpenter.sh/nodepool"
KARPENTER_TYPES = frozenset({"spot", "on-demand", "reserved"})
_DEFAULT_CAPACITY = frozenset({"on-demand"})


@dataclass(frozen=True)
class SpotExposure:
    """Why a pod may run on spot, for which provider, and where."""

    provider: str
    reason: str
    path: AttrPath


@dataclass(frozen=True)
class _Signal:
    provider: str
    spot_values: frozenset[str]


def is_nodepool(res: Resource) -> bool:
    """Whether `res` is a Karpenter NodePool (v1 or v1beta1)."""
    api = str(res.context.get("api_version", ""))
    return (
        res.kind == "kubernetes"
        and res.type == "NodePool"
        and api.startswith("karpenter.sh/")
    )


def nodepool_requirements(res: Resource) -> tuple[AttrPath, list[Any]]:
    """The path and items of a NodePool's node requirements."""
    path: AttrPath = ("spec", "template", "spec", "requirements")
    node: Any = res.attrs
    for part in path:
        node = node.get(part) if isinstance(node, Mapping) else None
    return path, node if isinstance(node, list) else []


def nodepool_capacity_types(res: Resource) -> frozenset[str]:
    """Capacity types a NodePool may launch.

    Without a `karpenter.sh/capacity-type` requirement Karpenter
    launches on-demand nodes only; several requirements on the key
    narrow each other.
    """
    allowed: frozenset[str] | None = None
    for req in nodepool_requirements(res)[1]:
        if not isinstance(req, Mapping) or req.get("key") != CAPACITY_KEY:
            continue
        values = frozenset(str(v) for v in req.get("values") or [])
        operator = req.get("operator")
        if operator == "In":
            found = values
        elif operator == "NotIn":
            found = KARPENTER_TYPES - values
        elif operator == "Exists":
            found = KARPENTER_TYPES
        elif operator == "DoesNotExist":
            found = frozenset()
        else:
            continue
        allowed = found if allowed is None else allowed & found
    return _DEFAULT_CAPACITY if allowed is None else allowed


def _signals(
    policy: Mapping[str, Any],
    part: str,
) -> dict[str, _Signal]:
    """Label (or taint) key -> provider and the values meaning spot."""
    out: dict[str, _Signal] = {}
    providers = (policy.get("spot") or {}).get("providers") or {}
    for provider, entry in providers.items():
        for key, values in (entry.get(part) or {}).items():
            out[key] = _Signal(provider, frozenset(str(v) for v in values))
    return out


def notice_seconds(policy: Mapping[str, Any], provider: str) -> int | None:
    """Seconds of warning `provider` gives before reclaiming spot."""
    providers = (policy.get("spot") or {}).get("providers") or {}
    value = (providers.get(provider) or {}).get("notice_seconds")
    return value if isinstance(value, int) else None


def find_spot_exposure(
    template: PodTemplate,
    policy: Mapping[str, Any],
    index: ResourceIndex,
) -> SpotExposure | Unknown | None:
    """Why the template's pods may run on spot, if they may.

    Unknown when it depends on a NodePool that is not in the scanned
    files.
    """
    labels = _signals(policy, "labels")
    spec = template.spec
    karpenter = labels.get(CAPACITY_KEY, _Signal("aws", frozenset()))

    found: list[SpotExposure] = []
    excluded = False
    for exposure, rules_out in _from_node_selector(template, labels):
        excluded |= rules_out
        if exposure:
            found.append(exposure)
    exposure_or_none, rules_out = _from_required(template, labels)
    excluded |= rules_out
    if exposure_or_none:
        found.append(exposure_or_none)

    pinned = _from_pools(_pinned_pools(template), index, karpenter.provider)
    if excluded or pinned is False:
        return None
    if isinstance(pinned, SpotExposure):
        return pinned
    if found:
        return found[0]
    if isinstance(pinned, Unknown):
        return pinned

    preferred = _from_preferred(template, labels)
    if preferred:
        return preferred
    return _from_tolerations(template, _signals(policy, "taints"), spec)


def _from_node_selector(
    template: PodTemplate,
    labels: Mapping[str, _Signal],
) -> Iterator[tuple[SpotExposure | None, bool]]:
    selector = template.spec.get("nodeSelector")
    if not isinstance(selector, Mapping):
        return
    for key, value in selector.items():
        signal = labels.get(key)
        if signal is None:
            continue
        if str(value) in signal.spot_values:
            yield (
                SpotExposure(
                    signal.provider,
                    f"nodeSelector {key}: {value}",
                    template.at("spec", "nodeSelector", key),
                ),
                False,
            )
        else:
            yield None, True


def _expressions(term: Any) -> list[Mapping[str, Any]]:
    if not isinstance(term, Mapping):
        return []
    items = term.get("matchExpressions")
    if not isinstance(items, list):
        return []
    return [item for item in items if isinstance(item, Mapping)]


def _judge_expression(
    expr: Mapping[str, Any],
    signal: _Signal,
) -> bool | None:
    """True: allows spot; False: rules spot out; None: says nothing."""
    operator = expr.get("operator")
    values = {str(v) for v in expr.get("values") or []}
    if operator == "In":
        return bool(values & signal.spot_values)
    if operator == "NotIn":
        return not values & signal.spot_values
    if operator == "DoesNotExist":
        return False
    return None


def _describe(expr: Mapping[str, Any]) -> str:
    values = ", ".join(str(v) for v in expr.get("values") or [])
    return f"{expr.get('key')} {expr.get('operator')} [{values}]"


def _node_affinity(template: PodTemplate) -> Mapping[str, Any]:
    affinity = template.spec.get("affinity")
    if not isinstance(affinity, Mapping):
        return {}
    node = affinity.get("nodeAffinity")
    return node if isinstance(node, Mapping) else {}


_REQUIRED = "requiredDuringSchedulingIgnoredDuringExecution"
_PREFERRED = "preferredDuringSchedulingIgnoredDuringExecution"


def _from_required(
    template: PodTemplate,
    labels: Mapping[str, _Signal],
) -> tuple[SpotExposure | None, bool]:
    """Required node affinity: terms are ORed, expressions ANDed.

    Spot is ruled out when every term rules it out.
    """
    required = _node_affinity(template).get(_REQUIRED)
    terms = (
        required.get("nodeSelectorTerms")
        if isinstance(required, Mapping)
        else None
    )
    if not isinstance(terms, list) or not terms:
        return None, False
    base = template.at("spec", "affinity", "nodeAffinity", _REQUIRED)
    exposure = None
    ruled_out = 0
    for t_index, term in enumerate(terms):
        term_rules_out = False
        for e_index, expr in enumerate(_expressions(term)):
            signal = labels.get(str(expr.get("key")))
            if signal is None:
                continue
            verdict = _judge_expression(expr, signal)
            if verdict is False:
                term_rules_out = True
            elif verdict and exposure is None:
                path = (
                    *base,
                    "nodeSelectorTerms",
                    t_index,
                    "matchExpressions",
                    e_index,
                )
                exposure = SpotExposure(
                    signal.provider,
                    f"node affinity {_describe(expr)}",
                    path,
                )
        ruled_out += term_rules_out
    return exposure, ruled_out == len(terms)


def _from_preferred(
    template: PodTemplate,
    labels: Mapping[str, _Signal],
) -> SpotExposure | None:
    preferred = _node_affinity(template).get(_PREFERRED)
    if not isinstance(preferred, list):
        return None
    base = template.at("spec", "affinity", "nodeAffinity", _PREFERRED)
    for p_index, item in enumerate(preferred):
        term = item.get("preference") if isinstance(item, Mapping) else None
        for e_index, expr in enumerate(_expressions(term)):
            signal = labels.get(str(expr.get("key")))
            if signal and _judge_expression(expr, signal):
                return SpotExposure(
                    signal.provider,
                    f"preferred node affinity {_describe(expr)}",
                    (
                        *base,
                        p_index,
                        "preference",
                        "matchExpressions",
                        e_index,
                    ),
                )
    return None


def _from_tolerations(
    template: PodTemplate,
    taints: Mapping[str, _Signal],
    spec: Mapping[str, Any],
) -> SpotExposure | None:
    tolerations = spec.get("tolerations")
    if not isinstance(tolerations, list):
        return None
    for index, toleration in enumerate(tolerations):
        if not isinstance(toleration, Mapping):
            continue
        key = str(toleration.get("key"))
        signal = taints.get(key)
        if signal is None:
            continue
        value = str(toleration.get("value", ""))
        if (
            toleration.get("operator") == "Exists"
            or value in signal.spot_values
        ):
            return SpotExposure(
                signal.provider,
                f"toleration of the spot taint {key}",
                template.at("spec", "tolerations", index),
            )
    return None


def _pinned_pools(template: PodTemplate) -> list[tuple[str, AttrPath]]:
    """NodePools the pods are pinned to, with where that is written."""
    pools: list[tuple[str, AttrPath]] = []
    selector = template.spec.get("nodeSelector")
    if isinstance(selector, Mapping) and NODEPOOL_KEY in selector:
        pools.append(
            (
                str(selector[NODEPOOL_KEY]),
                template.at("spec", "nodeSelector", NODEPOOL_KEY),
            ),
        )
    required = _node_affinity(template).get(_REQUIRED)
    terms = (
        required.get("nodeSelectorTerms")
        if isinstance(required, Mapping)
        else None
    )
    base = template.at("spec", "affinity", "nodeAffinity", _REQUIRED)
    for t_index, term in enumerate(terms if isinstance(terms, list) else []):
        for e_index, expr in enumerate(_expressions(term)):
            if (
                expr.get("key") == NODEPOOL_KEY
                and expr.get("operator") == "In"
            ):
                path = (
                    *base,
                    "nodeSelectorTerms",
                    t_index,
                    "matchExpressions",
                    e_index,
                )
                pools.extend(
                    (str(name), path) for name in expr.get("values") or []
                )
    return pools


def _from_pools(
    pools: list[tuple[str, AttrPath]],
    index: ResourceIndex,
    provider: str,
) -> SpotExposure | Unknown | bool | None:
    """A pin's verdict: exposure, unknown pool, False (no spot), None.

    None means no pin at all.
    """
    if not pools:
        return None
    missing = []
    for name, path in pools:
        pool = find_named(index, "NodePool", name)
        if pool is None:
            missing.append(name)
            continue
        types = nodepool_capacity_types(pool)
        if "spot" in types:
            allowed = ", ".join(sorted(types))
            return SpotExposure(
                provider,
                f"pinned to NodePool {name}, which allows {allowed}",
                path,
            )
    if missing:
        return Unknown(
            f"NodePool {', '.join(missing)} is not in the scanned files",
        )
    return False
