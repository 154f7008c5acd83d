"""Every generated ClusterPolicy fits Kyverno's CRD schema (v1.19.0).

The CRD's OpenAPI schema catches wrong types and enum values; as a
structural schema it lets unknown keys through, so each policy is also
walked against the schema's declared properties.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from typing import Any

import jsonschema
import pytest
import yaml
from kyverno_helpers import COMMITTED, SCHEMA, crd_schema, policies_for

from conftest import make_settings

PRESERVE = "x-kubernetes-preserve-unknown-fields"


def unknown_keys(
    instance: Any,
    schema: Mapping[str, Any],
    path: str = "",
) -> Iterator[str]:
    """Paths of keys the schema does not declare, down to free parts."""
    if schema.get(PRESERVE):
        return
    if isinstance(instance, Mapping):
        properties = schema.get("properties")
        extra = schema.get("additionalProperties")
        for key, value in instance.items():
            here = f"{path}.{key}" if path else str(key)
            if properties is not None and key in properties:
                yield from unknown_keys(value, properties[key], here)
            elif isinstance(extra, Mapping):
                yield from unknown_keys(value, extra, here)
            elif properties is not None or extra is False:
                yield here
    elif isinstance(instance, list) and isinstance(
        schema.get("items"),
        Mapping,
    ):
        for index, item in enumerate(instance):
            yield from unknown_keys(item, schema["items"], f"{path}[{index}]")


def _bundles() -> list[Any]:
    base = dict(make_settings().bundle)
    enforce = {**base, "kyverno": {"failure_action": "enforce"}}
    return [
        pytest.param(base, None, id="default"),
        pytest.param(enforce, None, id="enforce"),
        pytest.param(
            base,
            {
                "missing-requests": {
                    "include_init_containers": True,
                    "require_memory_limit": True,
                },
            },
            id="init-and-memory-limit",
        ),
    ]


@pytest.mark.parametrize(("bundle", "options"), _bundles())
def test_generated_policies_validate_against_the_crd(
    bundle: dict[str, Any],
    options: dict[str, Any] | None,
) -> None:
    validator = jsonschema.Draft7Validator(crd_schema())

    for name, policy in policies_for(bundle, options).items():
        errors = [e.message for e in validator.iter_errors(policy)]
        assert errors == [], name
        assert list(unknown_keys(policy, crd_schema())) == [], name


def test_committed_policies_validate_against_the_crd() -> None:
    validator = jsonschema.Draft7Validator(crd_schema())
    files = sorted(COMMITTED.rglob("*.yaml"))

    assert len(files) == 7
    for path in files:
        policy = yaml.safe_load(path.read_text())
        assert list(validator.iter_errors(policy)) == [], path.name
        assert list(unknown_keys(policy, crd_schema())) == [], path.name


def test_the_schema_refuses_a_wrong_failure_action() -> None:
    policy = next(iter(policies_for(make_settings().bundle).values()))
    policy["spec"]["rules"][0]["validate"]["failureAction"] = "Sometimes"

    errors = list(jsonschema.Draft7Validator(crd_schema()).iter_errors(policy))

    assert [e.validator for e in errors] == ["enum"]


def test_unknown_keys_are_found_where_the_schema_lets_them_through() -> None:
    policy = next(iter(policies_for(make_settings().bundle).values()))
    policy["spec"]["rules"][0]["validate"]["failureActon"] = "Enforce"
    policy["spec"]["rules"][0]["validate"]["pattern"]["anything"] = "?*"
    policy["spec"]["backgroud"] = True

    schema_errors = list(
        jsonschema.Draft7Validator(crd_schema()).iter_errors(policy),
    )

    assert schema_errors == []
    assert sorted(unknown_keys(policy, crd_schema())) == [
        "spec.backgroud",
        "spec.rules[0].validate.failureActon",
    ]


def test_the_crd_is_the_recorded_version() -> None:
    digest = hashlib.sha256(SCHEMA.read_bytes()).hexdigest()

    assert digest in (SCHEMA.parent / "SOURCES.md").read_text()
    assert "v1.19.0" in (SCHEMA.parent / "SOURCES.md").read_text()
