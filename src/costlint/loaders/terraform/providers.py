"""Find the provider configuration each resource really uses.

The AWS provider adds its `default_tags` to every resource it manages
(the `tags_all` attribute). Which configuration manages a resource
depends on its `provider` argument, on the default configuration, and
on `providers = {...}` maps of the module calls above it; an aliased
configuration's tags never reach resources of another one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from costlint.loaders.terraform.project import Scope


@dataclass(frozen=True)
class ProviderConfig:
    """A provider block as evaluated, and the scope it is written in."""

    scope: Scope
    key: str
    values: Mapping[str, Any]


def resource_provider_key(resource_type: str, written: str | None) -> str:
    """`aws.eu` from `provider = aws.eu`, else the type's provider."""
    if written:
        return written.strip()
    return resource_type.split("_", 1)[0]


def find_provider(
    scope: Scope,
    key: str,
    evaluated: Mapping[tuple[str, str], Mapping[str, Any]],
) -> ProviderConfig | None:
    """The configuration that `key` names in `scope`, following calls."""
    while True:
        if scope.module is not None and key in scope.module.providers:
            values = evaluated.get((scope.key, key), {})
            return ProviderConfig(scope, key, values)
        if scope.parent is None:
            return None

        passed = _passed_provider(scope, key)
        if passed is None and "." in key:
            return None
        key = passed or key
        scope = scope.parent


def _passed_provider(scope: Scope, key: str) -> str | None:
    """What the caller's `providers = { aws = aws.eu }` maps `key` to."""
    if scope.call is None or "providers" not in scope.call.attrs:
        return None
    text = scope.call.attrs["providers"].expr.strip().strip("{}")
    for item in text.replace(",", "\n").splitlines():
        name, sep, target = item.partition("=")
        if sep and name.strip() == key:
            return target.strip()
    return None
