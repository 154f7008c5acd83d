"""Check an SCP document against the grammar AWS documents for SCPs.

The structure (keys, types, Effect, Version, Action and Resource
shapes) is checked with the JSON Schema `costlint/data/scp_schema.json`;
this module adds what a schema cannot say well: exactly one of Action
and NotAction, one of Resource and NotResource, a clear message for
`Principal`, condition operators from the IAM list (with the
`ForAllValues:`/`ForAnyValue:` prefixes and the `IfExists` suffix),
`Null` values, condition keys with a service prefix, duplicate `Sid`s
and keys written twice. Condition key names are not checked against
the services' lists: resource-bound keys such as `iam:ResourceTag/x`
are valid without being listed per action, and AWS adds keys often.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError

from costlint.model import AttrPath, Resource
from costlint.scp.actions import operators
from costlint.scp.policy import IF_EXISTS, QUALIFIERS, parse_operator

_STATEMENT_KEYS = (
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)


@dataclass(frozen=True)
class GrammarError:
    """One way a document breaks the SCP grammar."""

    path: AttrPath
    message: str
    fix: str


@cache
def _schema() -> dict[str, Any]:
    text = (
        resources.files("costlint.data")
        .joinpath("scp_schema.json")
        .read_text(encoding="utf-8")
    )
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validators() -> tuple[jsonschema.Draft7Validator, ...]:
    schema = _schema()
    statement = {"$ref": "#/definitions/statement", **schema}
    statement.pop("required")
    statement.pop("properties")
    statement.pop("additionalProperties")
    statement.pop("type")
    return (
        jsonschema.Draft7Validator(schema),
        jsonschema.Draft7Validator(statement),
    )


def check_grammar(policy: Resource) -> list[GrammarError]:
    """Every grammar error of one loaded SCP document."""
    attrs = policy.attrs
    if not isinstance(attrs, Mapping):
        return [GrammarError((), "an SCP must be a JSON object", "")]
    errors = list(_document_errors(attrs))
    for path, statement in _statements(attrs):
        errors.extend(_statement_errors(path, statement))
    errors.extend(_duplicate_sids(attrs))
    for path in policy.context.get("duplicate_keys", ()):
        errors.append(
            GrammarError(
                tuple(path),
                f"key {path[-1]} is written twice in one object (only the "
                "last one counts)",
                "keep one and merge the values",
            ),
        )
    return errors


def _statements(
    attrs: Mapping[str, Any],
) -> Iterator[tuple[AttrPath, Mapping[str, Any]]]:
    raw = attrs.get("Statement")
    if isinstance(raw, Mapping):
        yield ("Statement",), raw
    elif isinstance(raw, list):
        for index, item in enumerate(raw):
            if isinstance(item, Mapping):
                yield ("Statement", index), item


def _document_errors(attrs: Mapping[str, Any]) -> Iterator[GrammarError]:
    top, _statement = _validators()
    for error in top.iter_errors(attrs):
        yield from _describe(error, (), "document")
    raw = attrs.get("Statement")
    if isinstance(raw, list):
        for index, item in enumerate(raw):
            if not isinstance(item, Mapping):
                yield GrammarError(
                    ("Statement", index),
                    "statement is not a JSON object",
                    "write each statement as an object",
                )


def _statement_errors(
    path: AttrPath,
    statement: Mapping[str, Any],
) -> Iterator[GrammarError]:
    _top, validator = _validators()
    for error in validator.iter_errors(statement):
        yield from _describe(error, path, "statement")

    for one, other in (("Action", "NotAction"), ("Resource", "NotResource")):
        if one in statement and other in statement:
            yield GrammarError(
                (*path, other),
                f"statement has both {one} and {other}",
                f"keep one of {one} and {other}",
            )
        elif one not in statement and other not in statement:
            yield GrammarError(
                path,
                f"statement has neither {one} nor {other}",
                f'add {one} (for example "{one}": "*")',
            )

    condition = statement.get("Condition")
    if isinstance(condition, Mapping):
        yield from _condition_errors((*path, "Condition"), condition)


def _condition_errors(
    path: AttrPath,
    condition: Mapping[str, Any],
) -> Iterator[GrammarError]:
    for operator, block in condition.items():
        parts = parse_operator(operator)
        if parts is None:
            yield GrammarError(
                (*path, operator),
                f"unknown condition operator {operator}",
                _operator_hint(operator),
            )
        if not isinstance(block, Mapping):
            continue
        for key, value in block.items():
            here = (*path, operator, key)
            if ":" not in key or key.startswith(":"):
                yield GrammarError(
                    here,
                    f"condition key {key} has no service prefix",
                    "write keys as service:name, e.g. aws:RequestTag/Team",
                )
            if parts and parts.base.name == "Null":
                values = value if isinstance(value, list) else [value]
                for item in values:
                    if str(item).lower() not in ("true", "false"):
                        yield GrammarError(
                            here,
                            f"Null takes true or false, not {item!r}",
                            '"true": key missing; "false": key present',
                        )


def _operator_hint(operator: str) -> str:
    """A fix for an unknown operator: the likely intended one."""
    prefix, colon, rest = operator.rpartition(":")
    if colon and prefix not in QUALIFIERS:
        return "the only prefixes are ForAllValues: and ForAnyValue:"
    suffix = IF_EXISTS if rest.endswith(IF_EXISTS) else ""
    base = rest[: len(rest) - len(suffix)]
    if base == "Null" and suffix:
        return "Null has no IfExists form"
    for name in operators():
        if name.lower() == base.lower():
            return (
                f"operator names are case-sensitive: {prefix}{colon}"
                f"{name}{suffix}"
            )
    return "use an IAM condition operator such as StringEquals or Null"


def _duplicate_sids(attrs: Mapping[str, Any]) -> Iterator[GrammarError]:
    seen: dict[str, AttrPath] = {}
    for path, statement in _statements(attrs):
        sid = statement.get("Sid")
        if not isinstance(sid, str) or not sid:
            continue
        if sid in seen:
            yield GrammarError(
                (*path, "Sid"),
                f"Sid {sid} is used by another statement of this policy",
                "give each statement its own Sid",
            )
        seen[sid] = path


def _describe(
    error: ValidationError,
    base: AttrPath,
    where: str,
) -> list[GrammarError]:
    """A schema error as user-facing messages, at the right place."""
    path: AttrPath = (*base, *error.absolute_path)
    kind = error.validator
    if kind == "oneOf" and error.context:
        return _describe(_closest(error.context), base, where)
    if kind == "additionalProperties":
        schema = error.schema if isinstance(error.schema, Mapping) else {}
        known = set(schema.get("properties", {}))
        instance = error.instance if isinstance(error.instance, dict) else {}
        extra = sorted(set(instance) - known)
        return [_unknown_key(path, name, where) for name in extra]
    if kind == "required":
        missing = str(error.message).split("'")[1]
        hint = ' ("2012-10-17")' if missing == "Version" else ""
        return [
            GrammarError(
                path, f"{where} has no {missing}", f"add {missing}{hint}"
            ),
        ]
    return [_describe_inner(error, path, error.instance)]


def _closest(errors: list[ValidationError]) -> ValidationError:
    """The branch error that says most about what the user wrote.

    Of the alternatives of a `oneOf` (a string or a list), the one that
    went deepest into the value, and not merely its type, is the one
    the user meant.
    """
    return max(
        errors,
        key=lambda e: (len(e.relative_path), e.validator != "type"),
    )


def _unknown_key(path: AttrPath, name: str, where: str) -> GrammarError:
    here = (*path, name)
    if name in ("Principal", "NotPrincipal"):
        return GrammarError(
            here,
            f"{name} is not allowed in an SCP (an SCP applies to every "
            "principal of the accounts it is attached to)",
            f"remove {name}; use a condition on aws:PrincipalArn to "
            "exempt a role",
        )
    allowed = (
        ", ".join(_STATEMENT_KEYS)
        if where == "statement"
        else "Version, Statement"
    )
    return GrammarError(
        here,
        f"unknown {where} key {name}",
        f"an SCP {where} takes only {allowed} (keys are case-sensitive)",
    )


def _describe_inner(
    error: ValidationError,
    path: AttrPath,
    value: Any,
) -> GrammarError:
    field = next(
        (str(p) for p in reversed(path) if isinstance(p, str)),
        "value",
    )
    shown = json.dumps(value) if not isinstance(value, str) else value
    if error.validator == "const" and field == "Version":
        return GrammarError(
            path,
            f"Version {shown} is not valid for an SCP",
            'use "Version": "2012-10-17"',
        )
    if error.validator == "enum" and field == "Effect":
        return GrammarError(
            path,
            f"Effect {shown} is neither Allow nor Deny",
            "write Allow or Deny (case-sensitive)",
        )
    if error.validator == "pattern":
        return GrammarError(
            path,
            f"{field} value {shown} is malformed",
            _pattern_hint(field),
        )
    if error.validator in ("minItems", "minProperties"):
        return GrammarError(
            path,
            f"{field} is empty",
            f"give {field} at least one entry",
        )
    return GrammarError(
        path,
        f"{field} is not valid: {error.message}",
        "see the SCP syntax in the AWS Organizations user guide",
    )


def _pattern_hint(field: str) -> str:
    if field in ("Action", "NotAction"):
        return 'write actions as service:Action, e.g. "ec2:RunInstances"'
    if field in ("Resource", "NotResource"):
        return 'write "*" or an ARN starting with arn:'
    if field == "Sid":
        return "a Sid holds only letters A-Z, a-z and digits 0-9"
    return "see the SCP syntax in the AWS Organizations user guide"
