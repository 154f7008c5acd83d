"""Decide whether SCP statements deny a request, the way IAM does.

A request is an action and the resources it is authorised against:
the resources it creates, which carry the request's tags, and the
existing ones it only uses (EC2 authorises each separately, and the
request's tags are in the context only for the created ones). A Deny
statement applies to a resource when its Action, its Resource and all
of its conditions match.

Truth has three values: True, False, or `Maybe` with the reasons the
answer is not known. Conditions follow IAM's rules: keys under one
operator and operators under one Condition are ANDed, the values of
one key are ORed; a key absent from the request makes a negated
operator (`StringNotEquals`, `StringNotLike`, ...) true and a plain one
false, `...IfExists` true, `ForAllValues` true and `ForAnyValue` false;
`Null` tests presence. Context key names match without regard to case
(IAM User Guide, "IAM JSON policy elements: Condition").

Keys other than tags (the caller, the region, the network, instance
types...) are not part of a tag question. When `assume_context` is set
(the coverage check), a condition on such a key is taken as true: a
statement is judged where it applies, so an exemption for an admin
role does not count as a gap. Otherwise (the simulator) their value
comes from the request's `context`, or the answer is `Maybe`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from costlint.scp.actions import (
    REQUEST_TAG,
    TAG_KEYS,
    Action,
    ActionTable,
)
from costlint.scp.arn import Cover, action_matches, cover_all, glob_match
from costlint.scp.policy import Condition, Statement

TAG = "tag"
CONTEXT = "context"
_RESOURCE_TAG = re.compile(r"^[a-z0-9-]+:resourcetag/", re.IGNORECASE)


@dataclass(frozen=True)
class Maybe:
    """An unknown truth value and why it is unknown.

    Each reason is (kind, text): kind TAG when costlint could not
    evaluate something about tags (the answer to a tag question is then
    unresolved), CONTEXT when the value depends on who calls and from
    where.
    """

    reasons: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, kind: str, text: str) -> Maybe:
        """A single-reason unknown."""
        return cls(frozenset({(kind, text)}))

    def texts(self) -> list[str]:
        """The reasons, sorted, for messages."""
        return sorted(text for _kind, text in self.reasons)


Truth = bool | Maybe


def all_of(values: Iterable[Truth]) -> Truth:
    """Kleene AND."""
    unknown: set[tuple[str, str]] = set()
    for value in values:
        if value is False:
            return False
        if isinstance(value, Maybe):
            unknown |= value.reasons
    return Maybe(frozenset(unknown)) if unknown else True


def any_of(values: Iterable[Truth]) -> Truth:
    """Kleene OR."""
    unknown: set[tuple[str, str]] = set()
    for value in values:
        if value is True:
            return True
        if isinstance(value, Maybe):
            unknown |= value.reasons
    return Maybe(frozenset(unknown)) if unknown else False


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()
Value = tuple[str, ...] | _Absent | Maybe


@dataclass(frozen=True)
class Target:
    """One resource a request is authorised against.

    `type` names an entry of the action table's resource types; `arn`
    is set instead when a person simulating gives one. `tags` are the
    request's tags for a created resource.
    """

    type: str | None
    created: bool
    tags: Mapping[str, str] = field(default_factory=dict)
    arn: str | None = None

    @property
    def label(self) -> str:
        """How messages name the resource."""
        return self.type or self.arn or "the resource"


@dataclass(frozen=True)
class Request:
    """An API call: the action, its resources and known context keys."""

    action: str
    targets: tuple[Target, ...]
    info: Action | None = None
    context: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def is_tag_key(key: str) -> bool:
    """Whether a condition key is about tags (request or resource)."""
    return "tag" in key.lower()


def is_tag_statement(statement: Statement) -> bool:
    """Whether any condition of the statement tests a tag key."""
    return any(is_tag_key(cond.key) for cond in statement.conditions)


def _tag_value(tags: Mapping[str, str], key: str) -> str | None:
    lowered = key.lower()
    for name, value in tags.items():
        if name.lower() == lowered:
            return value
    return None


def lookup(key: str, request: Request, target: Target) -> Value:
    """The value of a context key for one resource of a request."""
    lowered = key.lower()
    given = {k.lower(): v for k, v in request.context.items()}
    if lowered in given:
        return given[lowered] or ABSENT

    if lowered.startswith("aws:requesttag/") or lowered == "aws:tagkeys":
        name = REQUEST_TAG if lowered != "aws:tagkeys" else TAG_KEYS
        info = request.info
        if not target.created or (info and not info.supports(name)):
            return ABSENT
        if lowered == "aws:tagkeys":
            return tuple(target.tags) or ABSENT
        value = _tag_value(target.tags, key.split("/", 1)[1])
        return ABSENT if value is None else (value,)

    if _RESOURCE_TAG.match(lowered):
        if target.created:
            return ABSENT
        return Maybe.of(
            TAG,
            f"{key} depends on the tags of the existing {target.label}",
        )
    if is_tag_key(lowered):
        return Maybe.of(TAG, f"condition key {key} is not evaluated")
    return Maybe.of(CONTEXT, f"depends on {key}")


def _matches_one(operator: str, pattern: str, value: str) -> bool:
    """Whether one value matches one policy value (operator unnegated)."""
    if operator in ("StringEquals", "StringNotEquals"):
        return value == pattern
    if operator in ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"):
        return value.casefold() == pattern.casefold()
    if operator == "Bool":
        return value.lower() == pattern.lower()
    return glob_match(pattern, value)


def evaluate_condition(
    cond: Condition,
    request: Request,
    target: Target,
    assume_context: bool = False,
) -> Truth:
    """The truth of one condition key for one resource of a request."""
    parts = cond.parts
    if parts is None:
        return Maybe.of(TAG, f"condition operator {cond.operator} is unknown")

    value = lookup(cond.key, request, target)
    if isinstance(value, Maybe):
        context_only = all(kind == CONTEXT for kind, _t in value.reasons)
        return True if assume_context and context_only else value

    base = parts.base
    if base.name == "Null":
        return _null(cond, value, parts.qualifier)
    if value is ABSENT:
        if parts.if_exists or parts.qualifier == "ForAllValues":
            return True
        if parts.qualifier == "ForAnyValue":
            return False
        return base.negated
    assert isinstance(value, tuple)

    if not base.evaluated:
        return Maybe.of(
            TAG,
            f"operator {base.name} on {cond.key} is not evaluated",
        )
    if any("${" in pattern for pattern in cond.values):
        return Maybe.of(TAG, f"policy variable in {cond.text}")
    if cond.key.lower() == "aws:tagkeys" and parts.qualifier is None:
        return Maybe.of(
            TAG,
            f"{cond.text} tests the multivalued aws:TagKeys without "
            "ForAllValues or ForAnyValue",
        )

    def one(item: str) -> bool:
        hit = any(_matches_one(base.name, p, item) for p in cond.values)
        return not hit if base.negated else hit

    if parts.qualifier == "ForAllValues":
        return all(one(item) for item in value)
    if parts.qualifier == "ForAnyValue":
        return any(one(item) for item in value)
    return one(value[0])


def _null(cond: Condition, value: Value, qualifier: str | None) -> Truth:
    wanted = {v.lower() for v in cond.values}
    if qualifier or not wanted <= {"true", "false"}:
        return Maybe.of(TAG, f"{cond.text} is not understood")
    absent = value is ABSENT
    return ("true" in wanted and absent) or ("false" in wanted and not absent)


def resource_truth(
    statement: Statement,
    target: Target,
    table: ActionTable,
) -> Truth:
    """Whether the statement's Resource (or NotResource) matches."""
    patterns = statement.resources
    if target.arn is not None:
        hit = any(glob_match(p, target.arn) for p in patterns)
        return hit != statement.not_resource
    rtype = table.types.get(target.type or "")
    if rtype is None:
        if all(set(p) <= {"*"} for p in patterns):
            return not statement.not_resource
        return Maybe.of(
            TAG,
            f"the ARN of {target.label} is not known (give --resource)",
        )
    found = cover_all(patterns, rtype)
    if found is Cover.SOME:
        return Maybe.of(
            TAG,
            f"{statement.label} Resource matches only some {rtype.name} ARNs",
        )
    return (found is Cover.ALL) != statement.not_resource


def action_truth(statement: Statement, action: str) -> bool:
    """Whether the statement's Action (or NotAction) matches."""
    return action_matches(statement.actions, action) != statement.not_action


def statement_truth(
    statement: Statement,
    request: Request,
    target: Target,
    table: ActionTable,
    assume_context: bool = False,
) -> Truth:
    """Whether one statement applies to one resource of a request."""
    if not action_truth(statement, request.action):
        return False
    if statement.problems:
        return Maybe.of(
            TAG,
            f"{statement.label} is not understood: "
            f"{'; '.join(statement.problems)}",
        )
    return all_of(
        [
            resource_truth(statement, target, table),
            *(
                evaluate_condition(cond, request, target, assume_context)
                for cond in statement.conditions
            ),
        ],
    )


@dataclass(frozen=True)
class Hit:
    """A statement that applies (or may apply) to a resource."""

    statement: Statement
    target: Target
    truth: Truth


@dataclass(frozen=True)
class Decision:
    """The outcome of a request against a set of statements."""

    denied: Truth
    denials: tuple[Hit, ...]
    allows: tuple[Hit, ...]


def decide(
    statements: Sequence[Statement],
    request: Request,
    table: ActionTable,
    assume_context: bool = False,
) -> Decision:
    """Whether the statements deny the request, and which ones decide."""
    denials: list[Hit] = []
    allows: list[Hit] = []
    for target in request.targets:
        for statement in statements:
            truth = statement_truth(
                statement,
                request,
                target,
                table,
                assume_context,
            )
            if truth is False:
                continue
            hit = Hit(statement, target, truth)
            if statement.effect == "Allow":
                allows.append(hit)
            else:
                denials.append(hit)
    return Decision(
        denied=any_of(hit.truth for hit in denials),
        denials=tuple(denials),
        allows=tuple(allows),
    )


def request_for(
    action: str,
    table: ActionTable,
    tags: Mapping[str, Mapping[str, str]],
    context: Mapping[str, tuple[str, ...]] | None = None,
) -> Request:
    """A request for an action; `tags` by created resource type.

    An action the table does not know is authorised against one
    resource of unknown type, which carries the tags given for "*".
    """
    info = table.action(action)
    if info is None:
        target = Target(None, True, dict(tags.get("*", {})))
        return Request(action, (target,), None, context or {})
    targets = [Target(t, True, dict(tags.get(t, {}))) for t in info.creates]
    targets.extend(Target(t, False) for t in info.uses)
    return Request(info.name, tuple(targets), info, context or {})
