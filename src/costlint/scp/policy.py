"""Read a loaded SCP document into statements the evaluator can use.

The loader keeps the policy as written (strings or lists, booleans in
conditions, any shape a user typed); this module gives each statement
one shape: tuples of actions, resources and conditions, each condition
split into its qualifier, operator and `IfExists` suffix. Parts that
cannot be read are kept as `problems` so the evaluator can say what it
did not understand instead of guessing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from costlint.model import AttrPath, Resource
from costlint.scp.actions import Operator, operators

QUALIFIERS = ("ForAllValues", "ForAnyValue")
IF_EXISTS = "IfExists"


@dataclass(frozen=True)
class OperatorName:
    """A condition operator name split into its parts."""

    qualifier: str | None
    base: Operator
    if_exists: bool


def parse_operator(name: str) -> OperatorName | None:
    """The parts of an operator name, or None if IAM has no such one."""
    qualifier = None
    rest = name
    for prefix in QUALIFIERS:
        if name.startswith(prefix + ":"):
            qualifier = prefix
            rest = name[len(prefix) + 1 :]
            break
    if_exists = rest.endswith(IF_EXISTS) and rest != IF_EXISTS
    if if_exists:
        rest = rest[: -len(IF_EXISTS)]
    base = operators().get(rest)
    if base is None or (if_exists and base.name == "Null"):
        return None
    return OperatorName(qualifier, base, if_exists)


@dataclass(frozen=True)
class Condition:
    """One key tested by one operator, with the values it accepts."""

    operator: str
    parts: OperatorName | None
    key: str
    values: tuple[str, ...]
    path: AttrPath

    @property
    def text(self) -> str:
        """The condition as a user wrote it, shortened to one line."""
        shown = self.values[0] if len(self.values) == 1 else list(self.values)
        return f'"{self.operator}": {{"{self.key}": {_json(shown)}}}'


@dataclass(frozen=True)
class Statement:
    """One statement of an SCP, normalised."""

    policy: Resource
    path: AttrPath
    number: int
    sid: str | None
    effect: str | None
    actions: tuple[str, ...]
    not_action: bool
    resources: tuple[str, ...]
    not_resource: bool
    conditions: tuple[Condition, ...]
    problems: tuple[str, ...]

    @property
    def label(self) -> str:
        """How messages name the statement: number and Sid."""
        if self.sid:
            return f'statement {self.number} ("{self.sid}")'
        return f"statement {self.number}"

    def tag_keys(self) -> set[str]:
        """Tag keys this statement's conditions are about (lower case)."""
        found = set()
        for cond in self.conditions:
            key = cond.key.lower()
            if key.startswith("aws:requesttag/"):
                found.add(key.split("/", 1)[1])
            elif key == "aws:tagkeys":
                found.update(value.lower() for value in cond.values)
        return found


def _json(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(f'"{v}"' for v in value) + "]"
    return f'"{value}"'


def statements_of(policy: Resource) -> list[Statement]:
    """Every statement of a loaded SCP document, in order."""
    raw = policy.attrs.get("Statement")
    if isinstance(raw, Mapping):
        return [_statement(policy, ("Statement",), 1, raw)]
    if not isinstance(raw, list):
        return []
    return [
        _statement(policy, ("Statement", index), index + 1, item)
        for index, item in enumerate(raw)
        if isinstance(item, Mapping)
    ]


def _statement(
    policy: Resource,
    path: AttrPath,
    number: int,
    raw: Mapping[str, Any],
) -> Statement:
    problems: list[str] = []
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        problems.append(f"Effect {effect!r} is not Allow or Deny")

    action_key = "NotAction" if "NotAction" in raw else "Action"
    actions = _strings(raw.get(action_key), action_key, problems)
    if "Action" not in raw and "NotAction" not in raw:
        problems.append("no Action or NotAction")
    resource_key = "NotResource" if "NotResource" in raw else "Resource"
    resources = _strings(raw.get(resource_key), resource_key, problems)
    if "Resource" not in raw and "NotResource" not in raw:
        problems.append("no Resource or NotResource")

    sid = raw.get("Sid")
    return Statement(
        policy=policy,
        path=path,
        number=number,
        sid=sid if isinstance(sid, str) and sid else None,
        effect=effect if isinstance(effect, str) else None,
        actions=actions,
        not_action=action_key == "NotAction",
        resources=resources,
        not_resource=resource_key == "NotResource",
        conditions=tuple(_conditions(raw.get("Condition"), path, problems)),
        problems=tuple(problems),
    )


def _strings(value: Any, name: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str) for item in items):
        problems.append(f"{name} holds a value that is not a string")
    return tuple(item for item in items if isinstance(item, str))


def _conditions(
    raw: Any,
    path: AttrPath,
    problems: list[str],
) -> Iterator[Condition]:
    if raw is None:
        return
    if not isinstance(raw, Mapping):
        problems.append("Condition is not an object")
        return
    for operator, block in raw.items():
        parts = parse_operator(operator)
        if not isinstance(block, Mapping):
            problems.append(f"condition {operator} is not an object")
            continue
        for key, value in block.items():
            values = _condition_values(value)
            if values is None:
                problems.append(f"condition {operator} {key} has no value")
                continue
            yield Condition(
                operator=operator,
                parts=parts,
                key=str(key),
                values=values,
                path=(*path, "Condition", operator, key),
            )


def _condition_values(value: Any) -> tuple[str, ...] | None:
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, bool):
            out.append("true" if item else "false")
        elif isinstance(item, (str, int, float)):
            out.append(str(item))
        else:
            return None
    return tuple(out) if out else None
