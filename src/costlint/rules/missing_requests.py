"""Require CPU and memory requests on every container.

Why: the scheduler packs nodes by requests and cost tools split a
node's price by them. A container without requests is placed as if it
were free, so nodes are sized by guesswork, its real usage is billed
to nobody, and it is the first to be evicted under pressure.

Checks the containers of every workload's pod template (the kinds
`missing-cost-labels` lists). A resource counts as requested when
`resources.requests` sets it, when `resources.limits` sets it (the API
server copies a limit into a missing request), when the pod sets
pod-level `spec.resources`, or when a LimitRange of the same namespace
among the scanned files gives a default.

Init containers are not checked by default: they run before the app
containers, not beside them, and the pod's request is the larger of
the biggest init container and the sum of the app containers, so a
missing init request rarely changes what is reserved.

Options: ``include_init_containers`` (false) - check init containers
too; ``require_memory_limit`` (false) - also report containers with no
memory limit, which may then grow into memory other pods were
promised.

Bad:   containers: [{name: api, image: api:1}]
Good:  containers: [{name: api, image: api:1,
                     resources: {requests: {cpu: 250m, memory: 256Mi}}}]

Limits: defaults injected by admission webhooks, or by LimitRanges
that are not among the scanned files, are not seen.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from costlint.k8s_workloads import (
    Container,
    PodTemplate,
    containers_of,
    in_namespace,
    namespace_of,
    pod_template,
)
from costlint.model import Outcome, Resource, RuleMeta, Severity
from costlint.rules.base import RuleContext, make_finding

META = RuleMeta(
    id="missing-requests",
    name="Missing resource requests",
    severity=Severity.WARNING,
    summary="container without CPU or memory requests",
    rationale=(
        "nodes are packed and their cost is split by requests; a "
        "container without them is sized by guesswork and billed to "
        "nobody"
    ),
    tags=("kubernetes", "requests", "allocation"),
)
DEFAULTS: dict[str, Any] = {
    "include_init_containers": False,
    "require_memory_limit": False,
}
_RESOURCES = ("cpu", "memory")


def _section(data: Any, key: str) -> Mapping[str, Any]:
    value = data.get(key) if isinstance(data, Mapping) else None
    return value if isinstance(value, Mapping) else {}


def _limit_range_defaults(
    res: Resource,
    ctx: RuleContext,
) -> tuple[set[str], set[str]]:
    """Requests and limits a LimitRange of the namespace gives.

    A `default` limit also stands in for a missing `defaultRequest`.
    """
    requests: set[str] = set()
    limits: set[str] = set()
    for limit_range in in_namespace(
        ctx.index,
        "LimitRange",
        namespace_of(res),
    ):
        items = _section(limit_range.attrs, "spec").get("limits")
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, Mapping):
                continue
            if item.get("type", "Container") != "Container":
                continue
            requests |= set(_section(item, "defaultRequest"))
            limits |= set(_section(item, "default"))
    return requests | limits, limits


def _pod_level(template: PodTemplate) -> tuple[set[str], set[str]]:
    """Requests and limits set for the whole pod (`spec.resources`)."""
    resources = _section(template.spec, "resources")
    limits = set(_section(resources, "limits"))
    return set(_section(resources, "requests")) | limits, limits


def _judge(
    res: Resource,
    container: Container,
    given: tuple[set[str], set[str]],
    require_memory_limit: bool,
) -> Iterator[Outcome]:
    given_requests, given_limits = given
    resources = _section(container.data, "resources")
    requests = _section(resources, "requests")
    limits = _section(resources, "limits")
    missing = [
        name
        for name in _RESOURCES
        if name not in requests
        and name not in limits
        and name not in given_requests
    ]
    if missing:
        what = " or ".join(missing)
        yield make_finding(
            META,
            res,
            container.path,
            f"{container.what} sets no {what} request (the scheduler "
            "and cost tools treat it as free)",
            f"set resources.requests.{' and '.join(missing)} from the "
            "container's observed usage",
        )
    if (
        require_memory_limit
        and "memory" not in limits
        and "memory" not in given_limits
    ):
        yield make_finding(
            META,
            res,
            container.path,
            f"{container.what} sets no memory limit (it may grow into "
            "memory promised to other pods)",
            "set resources.limits.memory, usually equal to the request",
        )


def check(res: Resource, ctx: RuleContext) -> Iterator[Outcome]:
    """Judge the requests of each container of one workload."""
    template = pod_template(res)
    if template is None:
        return
    include_init = bool(ctx.options.get("include_init_containers"))
    require_limit = bool(ctx.options.get("require_memory_limit"))

    pod_requests, pod_limits = _pod_level(template)
    range_requests, range_limits = _limit_range_defaults(res, ctx)
    given = (pod_requests | range_requests, pod_limits | range_limits)
    for container in containers_of(template, include_init):
        yield from _judge(res, container, given, require_limit)
