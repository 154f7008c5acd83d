"""Find cost-label gaps in hand-written Kyverno policies.

Why: a platform team that enforces cost labels with Kyverno believes
every pod is labelled. Kubecost and OpenCost allocate by the labels of
pods, so a policy that requires the labels on Deployments but not on
their pod templates, or that requires only some of the labels, or that
accepts any value where the bill needs one of a few, lets unallocated
spend through while looking complete.

Reads `validate` rules of Kyverno `ClusterPolicy` and `Policy` objects
(`kyverno.io/*`). A rule requires a label when its `pattern` (in every
`anyPattern` alternative) reaches it through plain keys, or when a
`deny` condition refuses a missing or other value
(`{{ request.object...labels.KEY || '' }}` with `AnyNotIn`/`NotIn`, or
`Equals ''`). Where it is required comes from the pattern path and the
rule's kinds: the object's own labels (`metadata.labels`) or a pod
template's (`spec.template`, a CronJob's
`spec.jobTemplate.spec.template`, a PodTemplate's `template`). A Pod
rule covers every pod, whether or not Kyverno's autogen also derives
rules for the controllers. All Kyverno policies of a scan are read
together. It reports, for the bundle's `kubernetes.required_labels`:

- a rule that requires labels on a workload's own metadata while no
  scanned policy requires them on that kind's pod template or on Pods
  (the pods stay unlabelled);
- labels no scanned policy requires, once, at the first policy that
  requires any of them;
- a label with allowed values in the bundle that the policies let take
  any value, or a value outside that list.

Rules that check labels with CEL, `foreach` or other forms it does not
read are listed as not judged (`-v`); policies that require none of the
bundle's labels are ignored.

Options: none (the labels are the bundle's).

Bad:   match: {any: [{resources: {kinds: [Deployment]}}]}
       validate: {pattern: {metadata: {labels: {team: "?*"}}}}
Good:  the same labels also under spec.template.metadata.labels, or a
       Pod rule (`costlint generate kyverno` writes one of each)

Limits: preconditions, exclusions and conditional anchors are read as
if the rule always applied; a policy applied only to some namespaces
(`Policy`, `match.namespaces`) counts as if it covered all of them.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from costlint.index import ResourceIndex
from costlint.k8s_workloads import TEMPLATE_PATHS, kubernetes_policy
from costlint.model import AttrPath, Outcome, Resource, RuleMeta, Severity
from costlint.rules.base import RuleContext, make_finding, make_unresolved

META = RuleMeta(
    id="kyverno-label-gap",
    name="Kyverno cost-label gap",
    severity=Severity.WARNING,
    summary="Kyverno policy leaves pods or cost labels unchecked",
    rationale=(
        "cost tools allocate by pod labels; a policy that misses the pod "
        "template, a label or its allowed values lets unallocated spend in"
    ),
    tags=("kubernetes", "kyverno", "labels", "allocation"),
)
DEFAULTS: dict[str, Any] = {}

POLICY_KINDS = ("ClusterPolicy", "Policy")
_OWN: tuple[str, ...] = ("metadata", "labels")
_ANCHOR = re.compile(r"^([=^X<+]?)\((.+)\)$")
_LITERAL = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
_VARIABLE = re.compile(
    r"^\{\{\s*request\.object\.(?P<path>[^|}]+?)"
    r"(?P<default>\s*\|\|\s*''\s*)?\s*\}\}$",
)
_PART = re.compile(r'([A-Za-z_][A-Za-z0-9_-]*|"[^"]+")(?:\.|$)')
_ANY = None
# Values a pattern limits in a way this rule does not read (wildcards,
# operators): neither "any value" nor a list to compare.
_UNREAD: frozenset[str] = frozenset({"<unread>"})


@dataclass(frozen=True)
class Requirement:
    """Labels one rule requires at one place, with allowed values.

    `values[key]` is None when any non-empty value passes, `_UNREAD`
    when the pattern limits it in a way not read here, else the values
    that pass; `kinds` holds "*" for every kind.
    """

    policy: Resource
    rule: str
    kinds: frozenset[str]
    place: tuple[str, ...]
    values: Mapping[str, frozenset[str] | None]
    path: AttrPath

    def applies_to(self, kind: str) -> bool:
        """Whether the rule matches objects of `kind`."""
        return "*" in self.kinds or kind in self.kinds


@dataclass(frozen=True)
class _Reading:
    """What the scanned policies require, and what could not be read."""

    requirements: tuple[Requirement, ...]
    unread: tuple[tuple[Resource, str], ...]


_READINGS: weakref.WeakKeyDictionary[ResourceIndex, _Reading] = (
    weakref.WeakKeyDictionary()
)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def is_kyverno_policy(res: Resource) -> bool:
    """Whether `res` is a Kyverno ClusterPolicy or Policy."""
    api = str(res.context.get("api_version", ""))
    return (
        res.kind == "kubernetes"
        and res.type in POLICY_KINDS
        and api.startswith("kyverno.io/")
    )


def _kinds(match: Mapping[str, Any]) -> frozenset[str]:
    """The kinds a rule's `match` selects, without group and version."""
    blocks = [*_list(match.get("any")), *_list(match.get("all"))]
    if "resources" in match:
        blocks.append(match)
    kinds = set()
    for block in blocks:
        resources = _mapping(_mapping(block).get("resources"))
        for kind in _list(resources.get("kinds")):
            kinds.add(str(kind).rpartition("/")[2])
    return frozenset(kinds)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _label_maps(
    pattern: Any,
    path: AttrPath,
    plain: tuple[str, ...],
) -> Iterator[tuple[tuple[str, ...], Mapping[str, Any], AttrPath]]:
    """Label maps a pattern requires: (place, labels, written path).

    `plain` is the path so far, only through keys without anchors; a
    map under an anchored key is not required.
    """
    if not isinstance(pattern, Mapping):
        return
    for key, value in pattern.items():
        here = (*path, key)
        if _ANCHOR.match(str(key)):
            continue
        place = (*plain, str(key))
        if place[-2:] == ("metadata", "labels") and isinstance(
            value,
            Mapping,
        ):
            yield place, value, here
        else:
            yield from _label_maps(value, here, place)


def _value_rule(pattern: Any) -> frozenset[str] | None:
    """Allowed values of a label pattern: None any, _UNREAD unknown."""
    if not isinstance(pattern, str):
        return _UNREAD
    if pattern in ("?*", "*"):
        return _ANY
    parts = [part.strip() for part in pattern.split("|")]
    if all(_LITERAL.match(part) for part in parts):
        return frozenset(parts)
    return _UNREAD


def _from_pattern(
    pattern: Any,
    path: AttrPath,
) -> dict[tuple[str, ...], dict[str, tuple[frozenset[str] | None, AttrPath]]]:
    """Place -> label -> (allowed values, where) that a pattern needs."""
    out: dict[
        tuple[str, ...],
        dict[str, tuple[frozenset[str] | None, AttrPath]],
    ] = {}
    for place, labels, where in _label_maps(pattern, path, ()):
        for key, value in labels.items():
            if _ANCHOR.match(str(key)):
                continue
            out.setdefault(place[:-2], {})[str(key)] = (
                _value_rule(value),
                where,
            )
    return out


def _from_any_pattern(
    patterns: Sequence[Any],
    path: AttrPath,
) -> dict[tuple[str, ...], dict[str, tuple[frozenset[str] | None, AttrPath]]]:
    """Labels every alternative needs, with the union of their values."""
    readings = [
        _from_pattern(pattern, (*path, index))
        for index, pattern in enumerate(patterns)
    ]
    if not readings:
        return {}
    out = readings[0]
    for other in readings[1:]:
        kept: dict[
            tuple[str, ...],
            dict[str, tuple[frozenset[str] | None, AttrPath]],
        ] = {}
        for place, labels in out.items():
            for key, (values, where) in labels.items():
                if key not in other.get(place, {}):
                    continue
                more = other[place][key][0]
                if values is None or more is None:
                    joined = None
                elif _UNREAD in (values, more):
                    joined = _UNREAD
                else:
                    joined = values | more
                kept.setdefault(place, {})[key] = (joined, where)
        out = kept
    return out


def _parse_path(text: str) -> tuple[str, ...] | None:
    parts = []
    position = 0
    while position < len(text):
        part = _PART.match(text, position)
        if not part:
            return None
        parts.append(part.group(1).strip('"'))
        position = part.end()
    return tuple(parts)


def _from_deny(
    deny: Mapping[str, Any],
    path: AttrPath,
) -> dict[tuple[str, ...], dict[str, tuple[frozenset[str] | None, AttrPath]]]:
    """Labels a deny rule refuses when missing or of another value."""
    conditions = deny.get("conditions")
    blocks: list[tuple[str, list[Any]]] = []
    if isinstance(conditions, list):
        blocks.append(("any", conditions))
    elif isinstance(conditions, Mapping):
        blocks.extend(
            (name, _list(conditions.get(name))) for name in ("any", "all")
        )
    out: dict[
        tuple[str, ...],
        dict[str, tuple[frozenset[str] | None, AttrPath]],
    ] = {}
    for name, items in blocks:
        if name == "all" and len(items) != 1:
            continue
        for index, item in enumerate(items):
            found = _deny_label(_mapping(item))
            if found is None:
                continue
            place, key, values = found
            where = (*path, "conditions", name, index)
            if not isinstance(conditions, Mapping):
                where = (*path, "conditions", index)
            out.setdefault(place, {})[key] = (values, where)
    return out


def _deny_label(
    condition: Mapping[str, Any],
) -> tuple[tuple[str, ...], str, frozenset[str] | None] | None:
    """(place, label, allowed) a deny condition enforces, if it does."""
    match = _VARIABLE.match(str(condition.get("key", "")))
    if not match:
        return None
    parts = _parse_path(match.group("path").strip())
    if not parts or len(parts) < 3 or parts[-3:-1] != ("metadata", "labels"):
        return None
    operator = condition.get("operator")
    value = condition.get("value")
    if operator in ("AnyNotIn", "NotIn") and isinstance(value, list):
        return parts[:-3], parts[-1], frozenset(str(v) for v in value)
    if operator == "Equals" and value == "" and match.group("default"):
        return parts[:-3], parts[-1], _ANY
    return None


def _mentions_labels(node: Any) -> bool:
    return "labels" in repr(node)


def read_policy(
    policy: Resource,
) -> tuple[list[Requirement], list[str]]:
    """The label requirements of one policy, and rules not read."""
    requirements = []
    unread = []
    rules = _list(_mapping(policy.attrs.get("spec")).get("rules"))
    for index, rule in enumerate(rules):
        rule = _mapping(rule)
        name = str(rule.get("name", f"#{index}"))
        validate = _mapping(rule.get("validate"))
        base: AttrPath = ("spec", "rules", index, "validate")
        if "pattern" in validate:
            places = _from_pattern(validate["pattern"], (*base, "pattern"))
        elif "anyPattern" in validate:
            places = _from_any_pattern(
                _list(validate["anyPattern"]),
                (*base, "anyPattern"),
            )
        elif "deny" in validate:
            places = _from_deny(_mapping(validate["deny"]), (*base, "deny"))
        else:
            if _mentions_labels(validate):
                unread.append(name)
            continue
        kinds = _kinds(_mapping(rule.get("match")))
        for place, labels in places.items():
            requirements.append(
                Requirement(
                    policy=policy,
                    rule=name,
                    kinds=kinds,
                    place=place,
                    values={k: v for k, (v, _w) in labels.items()},
                    path=next(iter(labels.values()))[1],
                ),
            )
    return requirements, unread


def _reading(index: ResourceIndex) -> _Reading:
    cached = _READINGS.get(index)
    if cached is not None:
        return cached
    requirements: list[Requirement] = []
    unread: list[tuple[Resource, str]] = []
    for policy in index.of_type(*POLICY_KINDS):
        if not is_kyverno_policy(policy):
            continue
        found, not_read = read_policy(policy)
        requirements.extend(found)
        unread.extend((policy, name) for name in not_read)
    reading = _Reading(tuple(requirements), tuple(unread))
    _READINGS[index] = reading
    return reading


def _template_place(kind: str) -> tuple[str, ...] | None:
    path = TEMPLATE_PATHS.get(kind)
    if path is None or kind == "Pod":
        return None
    return tuple(str(part) for part in path)


def _covered_on_pods(
    kind: str,
    key: str,
    requirements: Sequence[Requirement],
) -> bool:
    """Whether some rule requires `key` on `kind`'s pods or on Pods."""
    place = _template_place(kind)
    for req in requirements:
        if key not in req.values:
            continue
        if req.place == () and req.applies_to("Pod"):
            return True
        if place is not None and req.place == place and req.applies_to(kind):
            return True
    return False


def _template_gaps(
    policy: Resource,
    required: Mapping[str, Any],
    requirements: Sequence[Requirement],
) -> Iterator[Outcome]:
    """Own labels required without their pods: one finding per rule."""
    for req in requirements:
        if req.policy is not policy or req.place != ():
            continue
        gaps: dict[tuple[str, ...], list[str]] = {}
        for kind in sorted(_workload_kinds(req)):
            missing = tuple(
                key
                for key in required
                if key in req.values
                and not _covered_on_pods(kind, key, requirements)
            )
            if missing:
                gaps.setdefault(missing, []).append(kind)
        for missing, kinds in gaps.items():
            names = ", ".join(missing)
            places = sorted(
                {
                    ".".join((*(_template_place(kind) or ()), *_OWN))
                    for kind in kinds
                },
            )
            yield make_finding(
                META,
                policy,
                req.path,
                f"rule {req.rule} requires {names} on {', '.join(kinds)} "
                "but no scanned policy requires them on the pod template "
                "or on Pods (cost tools allocate by pod labels)",
                f"require {names} under {' and '.join(places)} too, or on "
                "Pods",
            )


def _workload_kinds(req: Requirement) -> set[str]:
    kinds = set(TEMPLATE_PATHS) - {"Pod"}
    if "*" in req.kinds:
        return kinds
    return kinds & req.kinds


def _counts(req: Requirement, namespace_labels: bool) -> bool:
    """Whether a requirement is on workloads, Pods (or Namespaces)."""
    if "*" in req.kinds or req.kinds & set(TEMPLATE_PATHS):
        return True
    return namespace_labels and req.place == () and "Namespace" in req.kinds


def _missing_labels(
    policy: Resource,
    required: Mapping[str, Any],
    requirements: Sequence[Requirement],
    namespace_labels: bool,
) -> Iterator[Outcome]:
    counted = [r for r in requirements if _counts(r, namespace_labels)]
    cost = [r for r in counted if set(r.values) & set(required)]
    if not cost or cost[0].policy is not policy:
        return
    present = {key for req in cost for key in req.values}
    missing = [key for key in required if key not in present]
    if not missing:
        return
    names = ", ".join(missing)
    have = ", ".join(key for key in required if key in present)
    yield make_finding(
        META,
        policy,
        cost[0].path,
        f"no scanned Kyverno policy requires the cost labels {names} "
        f"(the policies require {have})",
        f"require {names} as well (the bundle's kubernetes.required_labels)",
    )


def _value_gaps(
    policy: Resource,
    required: Mapping[str, Any],
    requirements: Sequence[Requirement],
) -> Iterator[Outcome]:
    for key, rule in required.items():
        allowed = [str(v) for v in _mapping(rule).get("allowed") or ()]
        if not allowed:
            continue
        fold = bool(_mapping(rule).get("ignore_case"))
        wanted = {_case(v, fold) for v in allowed}
        reqs = [r for r in requirements if key in r.values]
        listed = ", ".join(allowed)
        limited = [r for r in reqs if r.values[key] is not None]
        if reqs and not limited and reqs[0].policy is policy:
            yield make_finding(
                META,
                policy,
                reqs[0].path,
                f"label {key} may take any value under the scanned "
                f"policies; the bundle allows only {listed}",
                f"limit {key} to {listed} (a deny rule with AnyNotIn, or a "
                "pattern listing the values)",
            )
        for req in limited:
            values = req.values[key] or frozenset()
            if values is _UNREAD:
                continue
            extra = sorted(v for v in values if _case(v, fold) not in wanted)
            if extra and req.policy is policy:
                yield make_finding(
                    META,
                    policy,
                    req.path,
                    f"rule {req.rule} lets label {key} be "
                    f"{', '.join(extra)}, which the bundle does not allow "
                    f"(allowed: {listed})",
                    f"allow only {listed}",
                )


def _case(value: str, fold: bool) -> str:
    return value.lower() if fold else value


def check(res: Resource, ctx: RuleContext) -> Iterator[Outcome]:
    """Judge one Kyverno policy against all scanned ones."""
    if not is_kyverno_policy(res):
        return
    policy = kubernetes_policy(ctx.bundle)
    required = _mapping(policy.get("required_labels"))
    if not required:
        return
    reading = _reading(ctx.index)
    mine = [r for r in reading.requirements if r.policy is res]
    for unread_policy, name in reading.unread:
        if unread_policy is res:
            yield make_unresolved(
                META,
                res,
                f"rule {name} checks labels in a form kyverno-label-gap "
                "does not read (CEL, foreach or another validate type)",
            )
    if not any(set(r.values) & set(required) for r in mine):
        return

    cost = [r for r in reading.requirements if set(r.values) & set(required)]
    yield from _template_gaps(res, required, cost)
    yield from _missing_labels(
        res,
        required,
        reading.requirements,
        bool(policy.get("namespace_labels")),
    )
    yield from _value_gaps(res, required, cost)
