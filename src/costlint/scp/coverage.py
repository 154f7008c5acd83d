"""Prove that an SCP set enforces the bundle's required tags, or not.

For every resource type the bundle enforces (`scp.enforce`), every
action of the tag-on-create table that creates it, and every required
tag, two questions are asked of the whole set of scanned SCPs:

- missing: a request whose new resource of that type lacks the tag
  (everything else tagged) must be denied;
- blocked: a request tagging every resource it creates with every
  required tag, at each allowed value in turn, must not be denied.

Only statements with a tag condition take part, judged where they
apply (conditions on other keys, such as an exemption for an admin
role or a region, are taken as true); a statement without any
condition that denies the action outright also answers "missing".
Each failure names the action, the resource type and the tag, and the
statement at fault when there is one; what cannot be evaluated is a
`Doubt`, never a guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from costlint.model import AttrPath, Resource
from costlint.scp.actions import (
    REQUEST_TAG,
    TAG_KEYS,
    Action,
    ActionTable,
    action_table,
)
from costlint.scp.arn import Cover, cover_all
from costlint.scp.evaluate import (
    Hit,
    Maybe,
    Request,
    Target,
    action_truth,
    any_of,
    decide,
    evaluate_condition,
    is_tag_key,
    is_tag_statement,
    request_for,
    resource_truth,
)
from costlint.scp.policy import Condition, Statement, statements_of
from costlint.scp.settings import Requirement, ScpSettings

# The value a request gives a required tag that has no allowed list.
PLACEHOLDER = "costlint-example"


@dataclass(frozen=True)
class Gap:
    """One failed check: what is wrong, where, and how to fix it."""

    kind: str
    action: str
    types: tuple[str, ...]
    tag: str
    statement: Statement | None
    path: AttrPath
    message: str
    fix: str


@dataclass(frozen=True)
class Doubt:
    """A check whose answer depends on something costlint cannot see.

    `kind` is "missing" (is an untagged request denied?) or "blocked"
    (is a request tagged as the bundle asks denied?).
    """

    kind: str
    statement: Statement | None
    action: str
    type: str
    tag: str
    reason: str


@dataclass
class Coverage:
    """Every failed and undecided check of one SCP set."""

    gaps: list[Gap] = field(default_factory=list)
    doubts: list[Doubt] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Whether every check passed."""
        return not self.gaps and not self.doubts


def check_coverage(
    policies: Sequence[Resource],
    settings: ScpSettings,
    table: ActionTable | None = None,
) -> Coverage:
    """Check that the SCP set `policies` enforces the bundle's tags."""
    table = table or action_table()
    denies = [
        s for p in policies for s in statements_of(p) if s.effect != "Allow"
    ]
    result = Coverage()
    done: set[str] = set()
    for type_name in settings.enforce:
        for info in table.creators(type_name):
            if info.name.lower() in settings.skip_actions:
                continue
            relevant = [s for s in denies if action_truth(s, info.name)]
            for req in settings.required:
                _check_missing(
                    result,
                    relevant,
                    info,
                    type_name,
                    req,
                    settings,
                    table,
                )
            if info.name not in done:
                done.add(info.name)
                _check_blocked(result, relevant, info, settings, table)
    return result


def _baseline(settings: ScpSettings) -> dict[str, str]:
    return {
        req.key: req.allowed[0] if req.allowed else PLACEHOLDER
        for req in settings.required
    }


def _check_missing(
    result: Coverage,
    relevant: list[Statement],
    info: Action,
    type_name: str,
    req: Requirement,
    settings: ScpSettings,
    table: ActionTable,
) -> None:
    tags = {t: _baseline(settings) for t in info.creates}
    tags[type_name].pop(req.key, None)
    request = request_for(info.name, table, tags)
    tagged = [s for s in relevant if is_tag_statement(s)]
    plain = [s for s in relevant if not is_tag_statement(s)]

    by_tags = decide(tagged, request, table, assume_context=True).denied
    outright = decide(plain, request, table).denied is True
    denied = any_of([by_tags, outright])
    if denied is True:
        return

    target = next(t for t in request.targets if t.type == type_name)
    fault = _fault(tagged, req.key, target, table)
    if isinstance(denied, Maybe):
        result.doubts.append(
            Doubt(
                "missing",
                fault,
                info.name,
                type_name,
                req.key,
                _why(denied),
            ),
        )
        return
    result.gaps.append(
        _missing_gap(info, type_name, req, fault, target, request, table),
    )


def _why(truth: Maybe) -> str:
    return "; ".join(truth.texts())


def _fault(
    statements: list[Statement],
    key: str,
    target: Target,
    table: ActionTable,
) -> Statement | None:
    """The statement that meant to require `key`, best match first."""
    about = [s for s in statements if key.lower() in s.tag_keys()]
    covering = [
        s for s in about if resource_truth(s, target, table) is not False
    ]
    best = covering or about
    return best[0] if best else None


def _missing_gap(
    info: Action,
    type_name: str,
    req: Requirement,
    fault: Statement | None,
    target: Target,
    request: Request,
    table: ActionTable,
) -> Gap:
    head = f"{info.name} can create {type_name} without tag {req.key}"
    pattern = table.types[type_name].pattern
    if fault is None:
        return Gap(
            kind="missing",
            action=info.name,
            types=(type_name,),
            tag=req.key,
            statement=None,
            path=(),
            message=f"{head}: no statement of the SCP set denies it",
            fix=(
                f"add a Deny of {info.name} on {pattern} with "
                f'"Null": {{"aws:RequestTag/{req.key}": "true"}}, one '
                "statement per tag key (costlint generate scp writes them)"
            ),
        )
    why, fix, path = _explain_miss(fault, req.key, target, request, table)
    return Gap(
        kind="missing",
        action=info.name,
        types=(type_name,),
        tag=req.key,
        statement=fault,
        path=path,
        message=f"{head}: {fault.label} {why}",
        fix=fix,
    )


def _explain_miss(
    statement: Statement,
    key: str,
    target: Target,
    request: Request,
    table: ActionTable,
) -> tuple[str, str, AttrPath]:
    """Why a statement about `key` lets an untagged request through."""
    rtype = table.types[target.type or ""]
    if cover_all(statement.resources, rtype) is not Cover.ALL:
        written = ", ".join(statement.resources) or "(none)"
        return (
            f"does not cover {rtype.name}: its Resource is {written}",
            f"add {rtype.pattern} to its Resource",
            statement.path,
        )

    false = [
        cond
        for cond in statement.conditions
        if evaluate_condition(cond, request, target, True) is False
    ]
    if not false:
        return (
            "does not deny it",
            "require the tag in a statement of its own",
            statement.path,
        )
    return _explain_false(statement, false[0], key, target)


def _explain_false(
    statement: Statement,
    cond: Condition,
    key: str,
    target: Target,
) -> tuple[str, str, AttrPath]:
    lowered = cond.key.lower()
    present = ", ".join(target.tags) or "no tags"
    base = cond.parts.base.name if cond.parts else cond.operator
    if base == "Null" and lowered.startswith("aws:requesttag/"):
        if "false" in {v.lower() for v in cond.values}:
            return (
                f"denies only when the tag is present: {cond.text} is "
                "true when the key exists",
                'use "true": "Null": "true" matches a missing key',
                statement.path,
            )
        block = [
            c
            for c in statement.conditions
            if c.operator == cond.operator
            and c.key.lower().startswith("aws:requesttag/")
        ]
        if len(block) > 1:
            keys = ", ".join(c.key.split("/", 1)[1] for c in block)
            return (
                f"denies only when {keys} are all missing: keys in one "
                f'"{cond.operator}" block are ANDed',
                "write one Deny statement per tag key",
                statement.path,
            )
    if lowered == "aws:tagkeys":
        return (
            f"lets through a request carrying only some of the required "
            f"keys: {cond.text} is false for a request tagged {present}",
            f'deny each key with its own "Null": '
            f'{{"aws:RequestTag/{key}": "true"}} statement',
            statement.path,
        )
    return (
        f"does not deny it: {cond.text} is false for a request tagged "
        f"{present}",
        f'deny when the tag is missing, e.g. "Null": '
        f'{{"aws:RequestTag/{key}": "true"}}',
        statement.path,
    )


def _check_blocked(
    result: Coverage,
    relevant: list[Statement],
    info: Action,
    settings: ScpSettings,
    table: ActionTable,
) -> None:
    tagged = [s for s in relevant if is_tag_statement(s)]
    if not tagged:
        return
    baseline = _baseline(settings)
    variants: list[tuple[str | None, dict[str, str]]] = [(None, baseline)]
    for req in settings.required:
        for value in req.allowed[1:]:
            variants.append((req.key, {**baseline, req.key: value}))
        if req.allowed and req.ignore_case:
            other_case = req.allowed[0].swapcase()
            variants.append((req.key, {**baseline, req.key: other_case}))

    flagged: set[int] = set()
    for varied, values in variants:
        tags = {t: dict(values) for t in info.creates}
        request = request_for(info.name, table, tags)
        decision = decide(tagged, request, table, assume_context=True)
        for statement in tagged:
            if id(statement) in flagged:
                continue
            hits = [h for h in decision.denials if h.statement is statement]
            sure = [h for h in hits if h.truth is True]
            if not hits:
                continue
            flagged.add(id(statement))
            if sure:
                why = _Blocked(statement, sure, request, varied, settings)
                result.gaps.append(why.gap(table))
                continue
            truth = any_of(h.truth for h in hits)
            assert isinstance(truth, Maybe)
            result.doubts.append(
                Doubt(
                    "blocked",
                    statement,
                    info.name,
                    hits[0].target.label,
                    varied or _tag_named(statement, settings),
                    _why(truth),
                ),
            )


def _tag_named(statement: Statement, settings: ScpSettings) -> str:
    """The tag a statement is about, as the bundle (or it) spells it."""
    keys = statement.tag_keys()
    for req in settings.required:
        if req.key.lower() in keys:
            return req.key
    for cond in statement.conditions:
        if cond.key.lower().startswith("aws:requesttag/"):
            return cond.key.split("/", 1)[1]
    return "(any)"


@dataclass(frozen=True)
class _Blocked:
    """A statement that denies a request tagged as the bundle asks."""

    statement: Statement
    hits: list[Hit]
    request: Request
    varied: str | None
    settings: ScpSettings

    def gap(self, table: ActionTable) -> Gap:
        """The finding, explained by the part of the statement at fault."""
        action = self.request.action
        types = tuple(dict.fromkeys(h.target.label for h in self.hits))
        head = (
            f"{self.statement.label} denies {action} even with every "
            "required tag"
        )
        used = tuple(
            dict.fromkeys(
                h.target.label for h in self.hits if not h.target.created
            )
        )
        if used:
            info = table.action(action)
            created = info.creates if info else ()
            scoped = ", ".join(table.types[t].pattern for t in created)
            return self._gap(
                used,
                _tag_named(self.statement, self.settings),
                self.statement.path,
                f"{head}: its Resource also matches {', '.join(used)}, "
                f"which {action} only uses and where the request's tags "
                "are absent, so it denies every call",
                f"scope Resource to the created resources ({scoped})",
            )
        target = next(h.target for h in self.hits if h.target.created)
        cond = self._true_condition(target)
        if cond is None:
            return self._gap(
                types,
                _tag_named(self.statement, self.settings),
                self.statement.path,
                f"{head}: it denies a request tagging {', '.join(types)} "
                f"with {_tags_text(target)}",
                "align the statement with the bundle's required tags",
            )
        return self._explain(types, cond, table, head, target)

    def _gap(
        self,
        types: tuple[str, ...],
        tag: str,
        path: AttrPath,
        message: str,
        fix: str,
    ) -> Gap:
        return Gap(
            kind="blocked",
            action=self.request.action,
            types=types,
            tag=tag,
            statement=self.statement,
            path=path,
            message=message,
            fix=fix,
        )

    def _true_condition(self, target: Target) -> Condition | None:
        for cond in self.statement.conditions:
            if not is_tag_key(cond.key):
                continue
            truth = evaluate_condition(cond, self.request, target, True)
            if truth is True:
                return cond
        return None

    def _explain(
        self,
        types: tuple[str, ...],
        cond: Condition,
        table: ActionTable,
        head: str,
        target: Target,
    ) -> Gap:
        action = self.request.action
        info = self.request.info
        lowered = cond.key.lower()
        is_keys = lowered == "aws:tagkeys"
        name = TAG_KEYS if is_keys else REQUEST_TAG
        tag = cond.key.split("/", 1)[1] if "/" in cond.key else "(any)"
        if info and not info.supports(name):
            return self._gap(
                types,
                _tag_named(self.statement, self.settings),
                cond.path[:-1],
                f"{head}: condition key {cond.key} is not supported for "
                f"{action} (action table {table.version}), so it is "
                "always absent and the statement denies every call",
                f"remove {action} from this statement",
            )
        if is_keys:
            return self._gap(
                types,
                _tag_named(self.statement, self.settings),
                self.statement.path,
                f"{head}: {cond.text} is true for a request tagged "
                f"{', '.join(target.tags)}",
                "test each required key with its own Null condition",
            )
        base = cond.parts.base.name if cond.parts else ""
        if base == "Null" and "false" in {v.lower() for v in cond.values}:
            return self._gap(
                types,
                tag,
                self.statement.path,
                f"{head}: {cond.text} is true when the tag is present, so "
                "it denies the tagged requests",
                'use "true": "Null": "true" matches a missing key',
            )
        required = {r.key.lower(): r for r in self.settings.required}
        req = required.get(tag.lower())
        if req is None:
            return self._gap(
                types,
                tag,
                self.statement.path,
                f"{head}: it requires tag {tag}, which the bundle does "
                "not require",
                f"add {tag} to aws.required_tags in the bundle, or drop "
                "the statement",
            )
        value = target.tags.get(req.key, "")
        if not req.allowed:
            return self._gap(
                types,
                req.key,
                self.statement.path,
                f"{head}: {cond.text} rejects {req.key}={value}, while "
                f"the bundle allows any value of {req.key}",
                f"list the allowed values of {req.key} in the bundle, or "
                "test only that the tag is present",
            )
        return self._gap(
            types,
            req.key,
            self.statement.path,
            f"{head}: {cond.text} rejects {req.key}={value}, an allowed value",
            f"list every allowed value of {req.key} in one negated "
            f"condition (StringNotEquals on aws:RequestTag/{req.key})",
        )


def _tags_text(target: Target) -> str:
    return ", ".join(f"{k}={v}" for k, v in target.tags.items()) or "no tags"
