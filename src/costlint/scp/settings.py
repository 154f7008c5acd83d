"""The `scp` section of the policy bundle, with defaults filled in.

A bundle without an `scp` section, or with only some of its keys,
takes the missing ones from the packaged default bundle, so the
defaults are written once, in `policies/costlint.yaml`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

# AWS allows at most 5 SCPs attached to a root, OU or account
# (https://github.com/ScaleSec/terraform_aws_scp, AWS Organizations
# quotas).
MAX_PER_TARGET = 5


@dataclass(frozen=True)
class Target:
    """Where generated SCPs are attached, and what is there already."""

    name: str
    id: str | None
    attached: int


@dataclass(frozen=True)
class Requirement:
    """One required tag: its key and, if limited, its allowed values."""

    key: str
    allowed: tuple[str, ...]
    ignore_case: bool


@dataclass(frozen=True)
class ScpSettings:
    """Everything SCP rules and the generator read from the bundle."""

    max_size: int
    targets: tuple[Target, ...]
    enforce: tuple[str, ...]
    skip_actions: frozenset[str]
    required: tuple[Requirement, ...]

    @property
    def slots(self) -> int:
        """How many generated SCPs fit at every target."""
        used = max((t.attached for t in self.targets), default=1)
        return MAX_PER_TARGET - used


@cache
def _default_section() -> dict[str, Any]:
    from costlint.config import default_bundle_path, read_bundle

    section: dict[str, Any] = read_bundle(default_bundle_path()).get(
        "scp",
        {},
    )
    return section


def scp_settings(bundle: Mapping[str, Any]) -> ScpSettings:
    """The SCP settings of a bundle, defaults taken from the packaged one."""
    section = {**_default_section(), **(bundle.get("scp") or {})}
    tags = (bundle.get("aws") or {}).get("required_tags") or {}
    return ScpSettings(
        max_size=int(section.get("max_size", 5120)),
        targets=tuple(
            Target(
                name=str(item["name"]),
                id=item.get("id"),
                attached=int(item.get("attached", 1)),
            )
            for item in section.get("targets") or ()
        ),
        enforce=tuple(section.get("enforce") or ()),
        skip_actions=frozenset(
            name.lower() for name in section.get("skip_actions") or ()
        ),
        required=tuple(
            Requirement(
                key=key,
                allowed=tuple(str(v) for v in (spec or {}).get("allowed", ())),
                ignore_case=bool((spec or {}).get("ignore_case", False)),
            )
            for key, spec in tags.items()
        ),
    )
