"""The tag-on-create action table and the condition operator list.

Both are data files in `costlint/data/`, each entry with its source:
`scp_tag_on_create.yaml` says which actions create which resource
types, which other resources they are authorised against and which tag
condition keys they support; `scp_condition_operators.json` lists the
IAM condition operators and whether each is negated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

REQUEST_TAG = "aws:RequestTag"
TAG_KEYS = "aws:TagKeys"


@dataclass(frozen=True)
class ResourceType:
    """A resource type and the ARN template of its resources."""

    name: str
    arn: str

    @property
    def pattern(self) -> str:
        """An ARN pattern matching every resource of this type."""
        if self.arn == "*":
            return "*"
        text = self.arn.replace("arn:aws:", "arn:*:", 1)
        for var in ("{region}", "{account}", "{name}"):
            text = text.replace(var, "*")
        return text


@dataclass(frozen=True)
class Action:
    """One tag-on-create action, as the table describes it."""

    name: str
    creates: tuple[str, ...]
    uses: tuple[str, ...]
    condition_keys: frozenset[str]
    sources: tuple[str, ...]
    checked: bool
    models_uses: bool

    def supports(self, key: str) -> bool:
        """Whether the action puts this tag condition key in context."""
        return key.lower() in self.condition_keys


@dataclass(frozen=True)
class ActionTable:
    """The whole tag-on-create table, looked up by action and type."""

    version: str
    sources: dict[str, str]
    types: dict[str, ResourceType]
    actions: dict[str, Action]
    by_lower: dict[str, Action]

    def action(self, name: str) -> Action | None:
        """The entry of an action, matched case-insensitively."""
        return self.by_lower.get(name.lower())

    def creators(self, type_name: str) -> list[Action]:
        """The actions that create a resource type, in table order."""
        return [a for a in self.actions.values() if type_name in a.creates]


@dataclass(frozen=True)
class Operator:
    """An IAM condition operator (without prefix or IfExists)."""

    name: str
    negated: bool
    evaluated: bool


def _read(name: str) -> str:
    return (
        resources.files("costlint.data")
        .joinpath(name)
        .read_text(encoding="utf-8")
    )


@cache
def action_table() -> ActionTable:
    """The packaged tag-on-create table."""
    data: dict[str, Any] = yaml.safe_load(_read("scp_tag_on_create.yaml"))
    types = {
        name: ResourceType(name, arn)
        for name, arn in data["resource_types"].items()
    }
    actions = {
        name: Action(
            name=name,
            creates=tuple(entry["creates"]),
            uses=tuple(entry.get("uses") or ()),
            condition_keys=frozenset(
                key.lower() for key in entry["condition_keys"]
            ),
            sources=tuple(data["sources"][s] for s in entry["sources"]),
            checked=bool(entry["checked"]),
            models_uses="uses" in entry,
        )
        for name, entry in data["actions"].items()
    }
    return ActionTable(
        version=str(data["version"]),
        sources=dict(data["sources"]),
        types=types,
        actions=actions,
        by_lower={name.lower(): action for name, action in actions.items()},
    )


@cache
def operators() -> dict[str, Operator]:
    """The IAM condition operators, by exact name."""
    data = json.loads(_read("scp_condition_operators.json"))
    return {
        name: Operator(name, spec["negated"], spec["evaluated"])
        for name, spec in data["operators"].items()
    }
