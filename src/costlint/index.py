"""All loaded resources of one group, looked up by type.

Kept outside the rules package so that helpers shared by several rules
(`k8s_workloads`, `k8s_spot`) can use it without importing every rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from costlint.model import Resource


class ResourceIndex:
    """All loaded resources, looked up by type for cross-resource rules."""

    def __init__(self, resources: Iterable[Resource]) -> None:
        self._by_type: dict[str, list[Resource]] = defaultdict(list)
        for res in resources:
            self._by_type[res.type].append(res)

    def of_type(self, *types: str) -> Sequence[Resource]:
        """Every resource of the given types, in load order."""
        if len(types) == 1:
            return self._by_type.get(types[0], [])
        return [res for kind in types for res in self._by_type.get(kind, [])]
