"""Apply the Kyverno rules costlint generates to manifests, in tests.

No Kyverno binary can be installed where these tests run, so the
behaviour of the generated ClusterPolicies is checked by this evaluator
instead. It implements exactly one named part of Kyverno's ClusterPolicy
language, the *costlint subset*, and raises `SubsetError` on anything
else, so a generator change that writes a construct outside it fails
the tests instead of escaping them.

The costlint subset
-------------------
Policy: `apiVersion: kyverno.io/v1`, `kind: ClusterPolicy`; `metadata`
(name, annotations, labels); `spec.background` (a boolean) and
`spec.rules`, nothing else (`spec.validationFailureAction` is refused:
each rule carries its own). A rule that matches Pods only must come with
`pod-policies.kyverno.io/autogen-controllers: none`, because the rules
Kyverno's autogen would add at run time are not modelled.

Rule: `name` (at most 63 characters), `match`, `validate`; no `exclude`,
`preconditions`, `context` or other rule types.

Match: `match.any` of `resources` with `kinds` (`Kind` or
`group/version/Kind`, no wildcards) and optionally `operations`, a
subset of CREATE and UPDATE that holds CREATE. Evaluation is of a
CREATE request (or a background scan) for the manifest as written:
`request.object` is the object, with no API-server defaulting.

Validate: `failureAction` (Audit or Enforce, required), `message`, and
exactly one of `pattern`, `anyPattern` or `deny`.

Patterns: maps of plain keys, conditional anchors `(key)`, equality
anchors `=(key)` and existence anchors `^(key)` over a list of one map;
lists of exactly one map (every element must match it); scalars:
`"?*"` (a non-empty value), `"*"` (only as the value of a plain key: the
key is present and not null), `">=N"` with N an integer (a quantity
comparison), plain literals (letters, digits, `. _ / -`, starting with a
letter) joined by `|` (any of them), and integers.

Deny: `conditions.any` or `conditions.all` (not both) of conditions
with a `key`, an `operator` and a `value`. The key is
`"{{ request.object.PATH }}"` or `"{{ request.object.PATH || '' }}"`,
PATH a dotted path whose parts are identifiers or double-quoted names.
The operator is `Equals` (the value a string), `AnyIn` or `AnyNotIn`
(the value a list of strings).

Semantics
---------
Modelled on Kyverno's engine as read in the kyverno/kyverno repository
(`pkg/engine/validate/validate.go`, `pkg/engine/validate/utils.go`,
`pkg/engine/anchor/handlers.go`, `pkg/engine/anchor/anchormap.go`,
`pkg/engine/pattern/pattern.go`, `pkg/engine/variables/operator/`
`anyin.go`, `anynotin.go` and `equal.go`,
`pkg/engine/handlers/validation/validate_resource.go`); written here
from that reading, not copied. In short:

- In a map, anchors are evaluated first (in key order), then plain keys
  (those holding nested anchors first). The first error decides.
- A conditional anchor whose key is absent, or whose value does not
  match, makes the pattern *skip*: the rule does not apply. In a list,
  elements that skip are ignored; if every element skips, the list
  skips.
- An equality anchor checks its value only when the key is present. An
  existence anchor needs one element of the list to match; it passes
  when the key is absent.
- A pattern that fails while some conditional or existence anchor key
  was never present in the maps visited gives an *error*, not a
  failure (Kyverno's "missing anchor in resource").
- `anyPattern`: a pattern that passes makes the rule pass; otherwise it
  fails if any pattern failed (or errored), and skips if all skipped.
- Scalars: a string pattern is split on `|`; `?*` and literals are
  wildcard matches against the value's string form (numbers and
  booleans as Go prints them, null never matches); `>=N` compares the
  value as a Kubernetes quantity, null counting as 0. A list value must
  match element by element.
- Deny: `|| ''` turns a null, false, empty string, list or map into
  `''`; a null without it is an error (substitution fails). `AnyIn` and
  `AnyNotIn` compare with wildcards both ways; `Equals` compares
  quantities when the key is one, else by wildcard match of the value.
"""

from __future__ import annotations

import enum
import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from costlint.k8s_workloads import parse_quantity

AUTOGEN = "pod-policies.kyverno.io/autogen-controllers"
_MAX_RULE_NAME = 63
_KIND = re.compile(
    r"^([a-z0-9.-]+/[a-z0-9]+/)?[A-Z][A-Za-z0-9]*$",
)
_ANCHOR = re.compile(r"^([=^X<+]?)\((.+)\)$")
_LITERAL = re.compile(r"^[A-Za-z][A-Za-z0-9._/-]*$")
_AT_LEAST = re.compile(r"^>=([0-9]+)$")
_VARIABLE = re.compile(
    r"^\{\{\s*request\.object\.(?P<path>.+?)"
    r"(?P<default>\s*\|\|\s*''\s*)?\s*\}\}$",
)
_PART = re.compile(r'([A-Za-z_][A-Za-z0-9_]*|"[^"\\]+")(\.|$)')
_INT = re.compile(r"^[+-]?[0-9]+$")
_OPERATORS = ("Equals", "AnyIn", "AnyNotIn")
_SKIP = "skip"
_FAIL = "fail"


class SubsetError(Exception):
    """A policy uses something outside the costlint subset."""


class Verdict(enum.Enum):
    """What Kyverno reports for one rule and one resource."""

    PASS = "pass"
    FAIL = "fail"
    SKIP = "skip"
    ERROR = "error"


@dataclass(frozen=True)
class RuleResult:
    """One rule's verdict on one resource."""

    policy: str
    rule: str
    verdict: Verdict
    detail: str


# ---------------------------------------------------------------------
# The static check: is the policy inside the subset?


def _only(node: Any, allowed: set[str], where: str) -> Mapping[str, Any]:
    if not isinstance(node, Mapping):
        raise SubsetError(f"{where}: expected a map")
    extra = sorted(set(node) - allowed)
    if extra:
        raise SubsetError(f"{where}: {', '.join(extra)} not in the subset")
    return node


def check_policy(policy: Any) -> None:
    """Raise SubsetError unless the whole policy is in the subset."""
    _only(policy, {"apiVersion", "kind", "metadata", "spec"}, "policy")
    if policy.get("apiVersion") != "kyverno.io/v1":
        raise SubsetError("policy: apiVersion must be kyverno.io/v1")
    if policy.get("kind") != "ClusterPolicy":
        raise SubsetError("policy: kind must be ClusterPolicy")
    metadata = _only(
        policy.get("metadata"),
        {"name", "annotations", "labels"},
        "metadata",
    )
    name = metadata.get("name")
    if not isinstance(name, str) or not name:
        raise SubsetError("metadata.name: missing")
    spec = _only(policy.get("spec"), {"background", "rules"}, "spec")
    if "background" in spec and not isinstance(spec["background"], bool):
        raise SubsetError("spec.background: expected a boolean")
    rules = spec.get("rules")
    if not isinstance(rules, list) or not rules:
        raise SubsetError("spec.rules: expected a non-empty list")
    names = set()
    annotations = metadata.get("annotations") or {}
    for index, rule in enumerate(rules):
        where = f"spec.rules[{index}]"
        _check_rule(rule, where)
        if rule["name"] in names:
            raise SubsetError(f"{where}.name: {rule['name']} repeated")
        names.add(rule["name"])
        if _pods_only(rule) and annotations.get(AUTOGEN) != "none":
            raise SubsetError(
                f"{where}: matches Pods only, so Kyverno would add autogen "
                f"rules the evaluator does not model (set {AUTOGEN}: none)",
            )


def _pods_only(rule: Mapping[str, Any]) -> bool:
    kinds = [
        kind
        for entry in rule["match"]["any"]
        for kind in entry["resources"]["kinds"]
    ]
    return all(kind.rpartition("/")[2] == "Pod" for kind in kinds)


def _check_rule(rule: Any, where: str) -> None:
    _only(rule, {"name", "match", "validate"}, where)
    name = rule.get("name")
    if not isinstance(name, str) or not 0 < len(name) <= _MAX_RULE_NAME:
        raise SubsetError(f"{where}.name: 1 to 63 characters")
    _check_match(rule.get("match"), f"{where}.match")
    validate = _only(
        rule.get("validate"),
        {"failureAction", "message", "pattern", "anyPattern", "deny"},
        f"{where}.validate",
    )
    if validate.get("failureAction") not in ("Audit", "Enforce"):
        raise SubsetError(f"{where}.validate.failureAction: Audit or Enforce")
    if not isinstance(validate.get("message", ""), str):
        raise SubsetError(f"{where}.validate.message: expected a string")
    kinds = [k for k in ("pattern", "anyPattern", "deny") if k in validate]
    if len(kinds) != 1:
        raise SubsetError(
            f"{where}.validate: exactly one of pattern, anyPattern, deny",
        )
    if "pattern" in validate:
        _check_pattern(validate["pattern"], f"{where}.validate.pattern")
    elif "anyPattern" in validate:
        patterns = validate["anyPattern"]
        if not isinstance(patterns, list) or not patterns:
            raise SubsetError(f"{where}.validate.anyPattern: a list")
        for index, pattern in enumerate(patterns):
            if not isinstance(pattern, Mapping):
                raise SubsetError(f"{where}.validate.anyPattern: maps only")
            _check_pattern(pattern, f"{where}.validate.anyPattern[{index}]")
    else:
        _check_deny(validate["deny"], f"{where}.validate.deny")


def _check_match(match: Any, where: str) -> None:
    _only(match, {"any"}, where)
    entries = match.get("any")
    if not isinstance(entries, list) or not entries:
        raise SubsetError(f"{where}.any: expected a non-empty list")
    for index, entry in enumerate(entries):
        at = f"{where}.any[{index}]"
        _only(entry, {"resources"}, at)
        resources = _only(
            entry.get("resources"),
            {"kinds", "operations"},
            f"{at}.resources",
        )
        kinds = resources.get("kinds")
        if not isinstance(kinds, list) or not kinds:
            raise SubsetError(f"{at}.resources.kinds: a non-empty list")
        for kind in kinds:
            if not isinstance(kind, str) or not _KIND.match(kind):
                raise SubsetError(
                    f"{at}.resources.kinds: {kind!r} is not Kind or "
                    "group/version/Kind",
                )
        operations = resources.get("operations", ["CREATE"])
        if (
            not isinstance(operations, list)
            or not set(operations) <= {"CREATE", "UPDATE"}
            or "CREATE" not in operations
        ):
            raise SubsetError(
                f"{at}.resources.operations: CREATE, optionally UPDATE",
            )


@functools.lru_cache(maxsize=4096)
def anchor_of(key: str) -> tuple[str, str]:
    """(kind, name) of a pattern key; kind '' for a plain key."""
    match = _ANCHOR.match(key)
    if not match:
        return "", key
    kind = {"": "conditional", "=": "equality", "^": "existence"}.get(
        match.group(1),
    )
    if kind is None:
        raise SubsetError(f"anchor {key!r} is not in the subset")
    return kind, match.group(2)


def _check_pattern(node: Any, where: str, plain_value: bool = False) -> None:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if not isinstance(key, str):
                raise SubsetError(f"{where}: keys must be strings")
            kind, name = anchor_of(key)
            if "*" in name or "?" in name:
                raise SubsetError(f"{where}: wildcard key {key!r}")
            at = f"{where}.{key}"
            if kind == "existence" and (
                not isinstance(value, list)
                or len(value) != 1
                or not isinstance(value[0], Mapping)
            ):
                raise SubsetError(f"{at}: a list of exactly one map")
            _check_pattern(value, at, plain_value=kind == "")
        return
    if isinstance(node, list):
        if len(node) != 1 or not isinstance(node[0], Mapping):
            raise SubsetError(f"{where}: lists hold exactly one map")
        _check_pattern(node[0], f"{where}[0]")
        return
    if isinstance(node, bool) or not isinstance(node, (str, int)):
        raise SubsetError(f"{where}: {node!r} is not in the subset")
    if isinstance(node, str):
        if node == "*" and not plain_value:
            raise SubsetError(f"{where}: '*' only as a plain key's value")
        scalar_kind(node, where)


def scalar_kind(text: str, where: str = "pattern") -> str:
    """Which subset scalar a pattern string is, or SubsetError."""
    if text in ("?*", "*"):
        return text
    if _AT_LEAST.match(text):
        return ">="
    parts = [part.strip() for part in text.split("|")]
    if all(_LITERAL.match(part) for part in parts):
        return "literal"
    raise SubsetError(f"{where}: {text!r} is not in the subset")


def _check_deny(deny: Any, where: str) -> None:
    _only(deny, {"conditions"}, where)
    conditions = _only(deny.get("conditions"), {"any", "all"}, where)
    if len(conditions) != 1:
        raise SubsetError(f"{where}.conditions: exactly one of any, all")
    (block, items), *_ = conditions.items()
    if not isinstance(items, list) or not items:
        raise SubsetError(f"{where}.conditions.{block}: a non-empty list")
    for index, item in enumerate(items):
        at = f"{where}.conditions.{block}[{index}]"
        _only(item, {"key", "operator", "value"}, at)
        parse_variable(item.get("key"), f"{at}.key")
        operator = item.get("operator")
        if operator not in _OPERATORS:
            raise SubsetError(f"{at}.operator: {operator!r} not in subset")
        value = item.get("value")
        if operator == "Equals":
            if not isinstance(value, str):
                raise SubsetError(f"{at}.value: Equals takes a string")
        elif not isinstance(value, list) or not all(
            isinstance(v, str) for v in value
        ):
            raise SubsetError(f"{at}.value: {operator} takes strings")


def parse_variable(text: Any, where: str = "key") -> tuple[list[str], bool]:
    """The path and `|| ''` default of a subset variable."""
    match = _VARIABLE.match(text) if isinstance(text, str) else None
    if not match:
        raise SubsetError(f"{where}: {text!r} is not a subset variable")
    path = match.group("path").strip()
    parts = []
    position = 0
    while position < len(path):
        part = _PART.match(path, position)
        if not part:
            raise SubsetError(f"{where}: variable path {path!r} not in subset")
        parts.append(part.group(1).strip('"'))
        position = part.end()
        if part.group(2) == "." and position == len(path):
            raise SubsetError(f"{where}: variable path {path!r} ends in a dot")
    return parts, match.group("default") is not None


# ---------------------------------------------------------------------
# Evaluation


def evaluate(
    policy: Mapping[str, Any],
    obj: Any,
    *,
    checked: bool = False,
) -> list[RuleResult]:
    """The verdicts of the policy's rules that match `obj`.

    The policy is checked against the subset first, unless the caller
    has done so (`checked`).
    """
    if not checked:
        check_policy(policy)
    name = policy["metadata"]["name"]
    results = []
    for rule in policy["spec"]["rules"]:
        if not matches(rule["match"], obj):
            continue
        verdict, detail = _validate(rule["validate"], obj)
        results.append(RuleResult(name, rule["name"], verdict, detail))
    return results


def violations(
    policies: Sequence[Mapping[str, Any]],
    obj: Any,
    *,
    checked: bool = False,
) -> list[RuleResult]:
    """Rule results that would be reported or refused: fail or error."""
    return [
        result
        for policy in policies
        for result in evaluate(policy, obj, checked=checked)
        if result.verdict in (Verdict.FAIL, Verdict.ERROR)
    ]


def matches(match: Mapping[str, Any], obj: Any) -> bool:
    """Whether a rule's `match` selects the object (by kind)."""
    if not isinstance(obj, Mapping):
        return False
    kind = obj.get("kind")
    api = obj.get("apiVersion")
    for entry in match["any"]:
        for wanted in entry["resources"]["kinds"]:
            group_version, _, name = wanted.rpartition("/")
            if name == kind and (not group_version or group_version == api):
                return True
    return False


def _validate(validate: Mapping[str, Any], obj: Any) -> tuple[Verdict, str]:
    if "deny" in validate:
        return _deny(validate["deny"], obj)
    if "pattern" in validate:
        run = _Run()
        error = run.element(obj, validate["pattern"], "/")
        if error is None:
            return Verdict.PASS, "pattern matched"
        if error.kind == _SKIP:
            return Verdict.SKIP, error.detail
        if run.anchor_missing():
            return Verdict.ERROR, f"missing anchor key: {error.detail}"
        return Verdict.FAIL, error.detail
    skipped, failed = [], []
    for index, pattern in enumerate(validate["anyPattern"]):
        error = _Run().element(obj, pattern, "/")
        if error is None:
            return Verdict.PASS, f"anyPattern[{index}] matched"
        (skipped if error.kind == _SKIP else failed).append(
            f"[{index}] {error.detail}",
        )
    if failed:
        return Verdict.FAIL, "; ".join(failed)
    return Verdict.SKIP, "; ".join(skipped)


@dataclass(frozen=True)
class _Error:
    kind: str
    detail: str


@dataclass
class _Run:
    """One pattern match, with Kyverno's record of anchor keys seen."""

    seen: dict[str, bool] = field(default_factory=dict)

    def anchor_missing(self) -> bool:
        return not all(self.seen.values())

    def element(self, value: Any, pattern: Any, path: str) -> _Error | None:
        if isinstance(pattern, Mapping):
            if not isinstance(value, Mapping):
                return _Error(_FAIL, f"{path}: expected a map")
            self._note_anchors(pattern, value)
            return self._map(value, pattern, path)
        if isinstance(pattern, list):
            if not isinstance(value, list):
                return _Error(_FAIL, f"{path}: expected a list")
            return self._list(value, pattern[0], path)
        items = value if isinstance(value, list) else [value]
        for item in items:
            if not scalar_matches(item, pattern):
                return _Error(
                    _FAIL,
                    f"{path}: {value!r} does not match {pattern!r}",
                )
        return None

    def _note_anchors(self, pattern: Mapping[str, Any], value: Any) -> None:
        for key in pattern:
            kind, name = anchor_of(key)
            if kind in ("conditional", "existence"):
                present = isinstance(value, Mapping) and name in value
                self.seen[key] = self.seen.get(key, False) or present

    def _map(
        self,
        value: Mapping[str, Any],
        pattern: Mapping[str, Any],
        path: str,
    ) -> _Error | None:
        anchors = sorted(k for k in pattern if anchor_of(k)[0])
        for key in anchors:
            error = self._anchor(value, key, pattern[key], path)
            if error is not None:
                return error

        plain = sorted(k for k in pattern if not anchor_of(k)[0])
        nested = [k for k in plain if _has_anchors(pattern[k])]
        order = [*reversed(nested), *(k for k in plain if k not in nested)]
        for index, key in enumerate(order):
            error = self._plain(value, key, pattern[key], path)
            if error is not None:
                self._check_order(value, pattern, order[index + 1 :], error)
                return error
        return None

    def _check_order(
        self,
        value: Mapping[str, Any],
        pattern: Mapping[str, Any],
        rest: Sequence[str],
        first: _Error,
    ) -> None:
        """Refuse results that depend on the order Kyverno walks keys."""
        scratch = _Run(dict(self.seen))
        for key in rest:
            other = scratch._plain(value, key, pattern[key], "")
            if other is not None and other.kind != first.kind:
                raise SubsetError(
                    f"keys {key!r} and another give a {other.kind} and a "
                    f"{first.kind}: the result depends on key order",
                )

    def _plain(
        self,
        value: Mapping[str, Any],
        key: str,
        pattern: Any,
        path: str,
    ) -> _Error | None:
        here = f"{path}{key}/"
        if pattern == "*":
            if value.get(key) is None:
                return _Error(_FAIL, f"{here}: not present")
            return None
        return self.element(value.get(key), pattern, here)

    def _anchor(
        self,
        value: Mapping[str, Any],
        key: str,
        pattern: Any,
        path: str,
    ) -> _Error | None:
        kind, name = anchor_of(key)
        here = f"{path}{name}/"
        if kind == "conditional":
            if name not in value:
                return _Error(_SKIP, f"{here}: condition key absent")
            error = self.element(value[name], pattern, here)
            if error is not None:
                return _Error(_SKIP, f"{here}: condition not met")
            return None
        if name not in value:
            return None
        if kind == "equality":
            return self.element(value[name], pattern, here)
        items = value[name]
        if not isinstance(items, list):
            return _Error(_FAIL, f"{here}: existence anchor on a non-list")
        for index, item in enumerate(items):
            if self.element(item, pattern[0], f"{here}{index}/") is None:
                return None
        return _Error(_FAIL, f"{here}: no element matches")

    def _list(
        self,
        items: list[Any],
        pattern: Any,
        path: str,
    ) -> _Error | None:
        applied = 0
        skipped = []
        for index, item in enumerate(items):
            error = self.element(item, pattern, f"{path}{index}/")
            if error is None:
                applied += 1
            elif error.kind == _SKIP:
                skipped.append(error.detail)
            else:
                return error
        if applied == 0 and skipped:
            return _Error(_SKIP, "; ".join(skipped))
        return None


def _has_anchors(pattern: Any) -> bool:
    if isinstance(pattern, Mapping):
        return any(anchor_of(k)[0] for k in pattern) or any(
            _has_anchors(v) for v in pattern.values()
        )
    if isinstance(pattern, list):
        return any(_has_anchors(v) for v in pattern)
    return False


# ---------------------------------------------------------------------
# Scalars


def wildcard(pattern: str, text: str) -> bool:
    """Kyverno's wildcard match: `*` any run, `?` one character."""
    regex = "".join(
        ".*" if c == "*" else "." if c == "?" else re.escape(c)
        for c in pattern
    )
    return re.fullmatch(regex, text, flags=re.DOTALL) is not None


def go_string(value: Any) -> str | None:
    """How Kyverno prints a scalar for a string comparison (or None)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _go_exponent(value)
    if isinstance(value, str):
        return value
    return None


def _go_exponent(value: float) -> str:
    """Go's strconv.FormatFloat(value, 'E', -1, 64)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    assert isinstance(exponent, int)
    text = "".join(str(d) for d in digits)
    mantissa = text[0] + (f".{text[1:]}" if len(text) > 1 else "")
    power = exponent + len(text) - 1
    return f"{'-' if sign else ''}{mantissa}E{'+' if power >= 0 else '-'}" + (
        f"{abs(power):02d}"
    )


def _go_sprint(value: Any) -> str:
    """Go's fmt.Sprint of a scalar."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return go_string(value) or str(value)


def _quantity_text(value: Any) -> str | None:
    """Kyverno's convertNumberToString: null is 0, bools do not count."""
    if value is None:
        return "0"
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:f}"
    if isinstance(value, str):
        return value
    return None


def scalar_matches(value: Any, pattern: Any) -> bool:
    """Whether a scalar (or null) matches a subset scalar pattern."""
    if isinstance(pattern, int):
        return _int_matches(value, pattern)
    kind = scalar_kind(pattern)
    if isinstance(value, str) and value == pattern:
        return True
    if kind == ">=":
        text = _quantity_text(value)
        number = parse_quantity(text) if text is not None else None
        return number is not None and number >= int(pattern[2:])
    text = go_string(value)
    if text is None:
        return False
    return any(
        wildcard(part.strip(), text) for part in str(pattern).split("|")
    )


def _int_matches(value: Any, pattern: int) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value == pattern
    if isinstance(value, float):
        return value.is_integer() and int(value) == pattern
    if isinstance(value, str) and _INT.match(value):
        return int(value) == pattern
    return False


# ---------------------------------------------------------------------
# Deny conditions


def _deny(deny: Mapping[str, Any], obj: Any) -> tuple[Verdict, str]:
    (block, conditions), *_ = deny["conditions"].items()
    outcomes = []
    for condition in conditions:
        path, default = parse_variable(condition["key"])
        key = _resolve(obj, path)
        if default and _falsy(key):
            key = ""
        if key is None:
            return Verdict.ERROR, f"variable {condition['key']} not found"
        outcomes.append(
            _operator(condition["operator"], key, condition["value"]),
        )
    denied = any(outcomes) if block == "any" else all(outcomes)
    return (Verdict.FAIL, "denied") if denied else (Verdict.PASS, "allowed")


def _resolve(obj: Any, path: Sequence[str]) -> Any:
    node = obj
    for part in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _falsy(value: Any) -> bool:
    """JMESPath's false-like values, which `||` replaces."""
    return value is None or value is False or value in ("", [], {})


def _any_match(key: str, values: Sequence[str]) -> bool:
    return any(wildcard(v, key) or wildcard(key, v) for v in values)


def _operator(operator: str, key: Any, value: Any) -> bool:
    if operator == "Equals":
        return _equals(key, value)
    if isinstance(key, list):
        keys = [_go_sprint(k) for k in key]
        if operator == "AnyIn":
            return any(_any_match(k, value) for k in keys)
        return any(not _any_match(k, value) for k in keys)
    if isinstance(key, bool) and operator == "AnyNotIn":
        return False
    if isinstance(key, (str, int, float)):
        found = _any_match(_go_sprint(key), value)
        return found if operator == "AnyIn" else not found
    return False


def _equals(key: Any, value: str) -> bool:
    if isinstance(key, (bool, Mapping, list)):
        return False
    if isinstance(key, (int, float)):
        return _INT.match(value) is not None and int(value) == key
    if isinstance(key, str):
        quantity = parse_quantity(key)
        if quantity is not None:
            other = parse_quantity(value)
            return other is not None and other == quantity
        return wildcard(value, key)
    return False
