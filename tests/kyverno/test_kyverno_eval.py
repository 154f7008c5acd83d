"""The subset evaluator: what it refuses, and how it decides.

Refusals matter as much as verdicts: a policy with a construct outside
the costlint subset must raise, so a generator change cannot produce
policies the parity test silently misjudges.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from kyverno_eval import (
    SubsetError,
    Verdict,
    check_policy,
    evaluate,
    scalar_matches,
    wildcard,
)
from kyverno_helpers import policies_for

from conftest import make_settings


def policy(validate: dict[str, Any], kinds: list[str] | None = None) -> Any:
    return {
        "apiVersion": "kyverno.io/v1",
        "kind": "ClusterPolicy",
        "metadata": {"name": "p"},
        "spec": {
            "background": True,
            "rules": [
                {
                    "name": "r",
                    "match": {
                        "any": [
                            {"resources": {"kinds": kinds or ["Deployment"]}},
                        ],
                    },
                    "validate": {"failureAction": "Audit", **validate},
                },
            ],
        },
    }


def verdict(validate: dict[str, Any], obj: dict[str, Any]) -> Verdict:
    results = evaluate(policy(validate), {"kind": "Deployment", **obj})
    assert len(results) == 1
    return results[0].verdict


def deny(*conditions: dict[str, Any], block: str = "any") -> Any:
    return {"deny": {"conditions": {block: list(conditions)}}}


LABEL = "{{ request.object.metadata.labels.env || '' }}"


# --- refusals -----------------------------------------------------------


@pytest.mark.parametrize(
    "operator",
    ["NotIn", "In", "GreaterThan", "AllNotIn", "NotEquals", "Contains"],
)
def test_refuses_a_deny_operator_outside_the_subset(operator: str) -> None:
    bad = policy(deny({"key": LABEL, "operator": operator, "value": ["a"]}))

    with pytest.raises(SubsetError, match="operator"):
        evaluate(bad, {"kind": "Deployment"})


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        pytest.param({"X(hostPath)": "null"}, "anchor", id="negation"),
        pytest.param({"<(spec)": {}}, "anchor", id="global"),
        pytest.param({"+(labels)": {}}, "anchor", id="add-if-absent"),
        pytest.param({"replicas": ">1"}, "subset", id="greater-than"),
        pytest.param({"replicas": "1-3"}, "subset", id="range"),
        pytest.param({"name": "!prod"}, "subset", id="negated-value"),
        pytest.param({"name": "a* & b*"}, "subset", id="and"),
        pytest.param({"name": "prod-*"}, "subset", id="wildcard-literal"),
        pytest.param({"name": "$(spec.x)"}, "subset", id="reference"),
        pytest.param({"name": "{{ request.x }}"}, "subset", id="variable"),
        pytest.param({"labels": {"team-*": "?*"}}, "wildcard", id="key-*"),
        pytest.param({"replicas": 1.5}, "subset", id="float"),
        pytest.param({"paused": False}, "subset", id="bool"),
        pytest.param({"c": [{"a": "?*"}, {"b": "?*"}]}, "one map", id="2x"),
        pytest.param({"c": ["?*"]}, "one map", id="scalar-list"),
        pytest.param({"^(c)": {"a": "?*"}}, "one map", id="existence-map"),
        pytest.param({"=(c)": "*"}, "plain key", id="star-in-equality"),
    ],
)
def test_refuses_patterns_outside_the_subset(
    pattern: dict[str, Any],
    why: str,
) -> None:
    with pytest.raises(SubsetError, match=why):
        check_policy(policy({"pattern": {"spec": pattern}}))


@pytest.mark.parametrize(
    ("change", "why"),
    [
        pytest.param(
            lambda p: p["spec"].update(validationFailureAction="Audit"),
            "validationFailureAction",
            id="policy-wide-action",
        ),
        pytest.param(
            lambda p: p["spec"]["rules"][0].update(preconditions={}),
            "preconditions",
            id="preconditions",
        ),
        pytest.param(
            lambda p: p["spec"]["rules"][0].update(exclude={}),
            "exclude",
            id="exclude",
        ),
        pytest.param(
            lambda p: p["spec"]["rules"][0]["validate"].pop("failureAction"),
            "failureAction",
            id="no-failure-action",
        ),
        pytest.param(
            lambda p: p["spec"]["rules"][0]["validate"].update(cel={}),
            "cel",
            id="cel",
        ),
        pytest.param(
            lambda p: p["spec"]["rules"][0]["validate"].update(
                anyPattern=[{}],
            ),
            "exactly one",
            id="pattern-and-anyPattern",
        ),
        pytest.param(
            lambda p: p["spec"]["rules"][0]["match"]["any"][0][
                "resources"
            ].update(kinds=["apps/v1/*"]),
            "kinds",
            id="wildcard-kind",
        ),
        pytest.param(
            lambda p: p["spec"]["rules"][0]["match"]["any"][0][
                "resources"
            ].update(namespaces=["prod"]),
            "namespaces",
            id="namespaces",
        ),
        pytest.param(
            lambda p: p["spec"]["rules"][0]["match"]["any"][0][
                "resources"
            ].update(operations=["DELETE"]),
            "operations",
            id="delete-only",
        ),
        pytest.param(
            lambda p: p["spec"]["rules"][0]["match"]["any"][0][
                "resources"
            ].update(kinds=["Pod"]),
            "autogen",
            id="pod-rule-with-autogen",
        ),
        pytest.param(
            lambda p: p.update(kind="Policy"),
            "ClusterPolicy",
            id="namespaced-policy",
        ),
    ],
)
def test_refuses_policy_shapes_outside_the_subset(
    change: Any,
    why: str,
) -> None:
    bad = policy({"pattern": {"metadata": {"name": "?*"}}})
    change(bad)

    with pytest.raises(SubsetError, match=why):
        check_policy(bad)


@pytest.mark.parametrize(
    "key",
    [
        "{{ request.object.metadata.labels.env || 'none' }}",
        "{{ request.object.spec.containers[].name }}",
        "{{ request.object.metadata.labels | keys(@) }}",
        "{{ request.oldObject.metadata.labels.env }}",
        "{{ to_lower(request.object.metadata.labels.env) }}",
        "prefix-{{ request.object.metadata.name }}",
    ],
)
def test_refuses_variables_outside_simple_dotted_paths(key: str) -> None:
    bad = policy(deny({"key": key, "operator": "Equals", "value": "x"}))

    with pytest.raises(SubsetError, match="variable"):
        check_policy(bad)


def test_every_generated_policy_is_inside_the_subset() -> None:
    options = {
        "missing-requests": {
            "include_init_containers": True,
            "require_memory_limit": True,
        },
    }
    for bundle_options in (None, options):
        for generated in policies_for(
            make_settings().bundle,
            bundle_options,
        ).values():
            check_policy(generated)


def test_a_pod_rule_with_autogen_off_is_accepted() -> None:
    good = policy({"pattern": {"metadata": {"name": "?*"}}}, kinds=["Pod"])
    good["metadata"]["annotations"] = {
        "pod-policies.kyverno.io/autogen-controllers": "none",
    }

    check_policy(good)


# --- scalars ------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "pattern", "expected"),
    [
        ("x", "?*", True),
        ("", "?*", False),
        (None, "?*", False),
        (0, "?*", True),
        (False, "?*", True),
        ({"a": 1}, "?*", False),
        ("", "*", True),
        (None, "*", False),
        (3, ">=2", True),
        ("3", ">=2", True),
        (2, ">=2", True),
        (1, ">=2", False),
        (None, ">=2", False),
        (True, ">=2", False),
        ("spot", "spot", True),
        ("SPOT", "spot", False),
        ("SPOT", "spot | SPOT", True),
        (True, "true", True),
        ("true", "true", True),
        (0, 0, True),
        ("0", 0, True),
        (None, 0, False),
        (False, 0, False),
        (1, 0, False),
    ],
)
def test_scalar_patterns(value: Any, pattern: Any, expected: bool) -> None:
    assert scalar_matches(value, pattern) is expected


def test_wildcards_match_kyverno_globs() -> None:
    assert wildcard("prod*", "production")
    assert wildcard("?*", "a")
    assert not wildcard("?*", "")
    assert wildcard("a?c", "abc")
    assert not wildcard("a.c", "abc")


# --- patterns -----------------------------------------------------------


def test_a_missing_map_fails_and_a_present_one_passes() -> None:
    rule = {"pattern": {"metadata": {"labels": {"team": "?*"}}}}

    assert verdict(rule, {}) is Verdict.FAIL
    assert verdict(rule, {"metadata": {"labels": {}}}) is Verdict.FAIL
    assert verdict(rule, {"metadata": {"labels": {"team": ""}}}) == (
        Verdict.FAIL
    )
    assert verdict(rule, {"metadata": {"labels": {"team": "a"}}}) == (
        Verdict.PASS
    )


def test_a_conditional_anchor_skips_the_rule_when_absent_or_unmet() -> None:
    rule = {
        "pattern": {
            "spec": {
                "(template)": {"spec": {"nodeSelector": {"pool": "spot"}}},
                "replicas": ">=2",
            },
        },
    }
    spot = {"spec": {"nodeSelector": {"pool": "spot"}}}

    assert verdict(rule, {"spec": {"replicas": 1}}) is Verdict.SKIP
    other = {"spec": {"nodeSelector": {"pool": "od"}}}
    assert verdict(rule, {"spec": {"template": other}}) is Verdict.SKIP
    assert verdict(rule, {"spec": {"template": spot}}) is Verdict.FAIL
    assert verdict(rule, {"spec": {"template": spot, "replicas": 2}}) == (
        Verdict.PASS
    )


def test_conditional_elements_of_a_list_skip_one_by_one() -> None:
    rule = {
        "pattern": {
            "spec": {
                "containers": [{"(name)": "app", "image": "?*"}],
            },
        },
    }

    assert verdict(rule, {"spec": {"containers": [{"name": "x"}]}}) == (
        Verdict.SKIP
    )
    two = [{"name": "x"}, {"name": "app", "image": "i"}]
    assert verdict(rule, {"spec": {"containers": two}}) is Verdict.PASS
    bad = [{"name": "x"}, {"name": "app"}]
    assert verdict(rule, {"spec": {"containers": bad}}) is Verdict.FAIL
    assert verdict(rule, {"spec": {"containers": []}}) is Verdict.PASS


def test_an_equality_anchor_checks_only_what_is_present() -> None:
    rule = {
        "pattern": {
            "spec": {"=(initContainers)": [{"image": "?*"}]},
        },
    }

    assert verdict(rule, {"spec": {}}) is Verdict.PASS
    init = {"initContainers": [{"image": ""}]}
    assert verdict(rule, {"spec": init}) is Verdict.FAIL


def test_an_existence_anchor_needs_one_matching_element() -> None:
    rule = {
        "pattern": {
            "spec": {
                "tolerations": "*",
                "^(tolerations)": [{"key": "spot", "operator": "Exists"}],
            },
        },
    }
    one = [{"key": "other"}, {"key": "spot", "operator": "Exists"}]

    assert verdict(rule, {"spec": {"tolerations": one}}) is Verdict.PASS
    assert verdict(rule, {"spec": {"tolerations": one[:1]}}) is Verdict.FAIL
    # Absent: the existence anchor passes, `tolerations: "*"` fails, and
    # the anchor key was never seen, which Kyverno reports as an error.
    assert verdict(rule, {"spec": {}}) is Verdict.ERROR


def test_a_failure_with_an_anchor_key_never_seen_is_an_error() -> None:
    rule = {
        "pattern": {
            "spec": {
                "^(tolerations)": [{"key": "spot"}],
                "replicas": ">=2",
            },
        },
    }

    assert verdict(rule, {"spec": {"replicas": 1}}) is Verdict.ERROR
    has = {"tolerations": [{"key": "spot"}], "replicas": 1}
    assert verdict(rule, {"spec": has}) is Verdict.FAIL


def test_any_pattern_passes_on_one_fails_on_a_failure_else_skips() -> None:
    condition = {"spec": {"nodeSelector": {"pool": "spot"}}}
    rule = {
        "anyPattern": [
            {"spec": {"(template)": condition, "replicas": 0}},
            {"spec": {"(template)": condition, "replicas": ">=2"}},
        ],
    }

    def spec(**extra: Any) -> dict[str, Any]:
        return {"spec": {"template": copy.deepcopy(condition), **extra}}

    assert verdict(rule, spec(replicas=0)) is Verdict.PASS
    assert verdict(rule, spec(replicas=3)) is Verdict.PASS
    assert verdict(rule, spec(replicas=1)) is Verdict.FAIL
    assert verdict(rule, spec()) is Verdict.FAIL
    assert verdict(rule, {"spec": {"replicas": 1}}) is Verdict.SKIP


def test_a_result_that_depends_on_key_order_is_refused() -> None:
    rule = {
        "pattern": {
            "spec": {
                "a": {"(x)": "y", "z": "?*"},
                "b": "?*",
            },
        },
    }

    with pytest.raises(SubsetError, match="key order"):
        verdict(rule, {"spec": {"a": {"x": "n"}}})


def test_matching_by_kind_and_by_group_version_kind() -> None:
    rollout = policy(
        {"pattern": {"metadata": {"name": "?*"}}},
        kinds=["argoproj.io/v1alpha1/Rollout"],
    )
    good = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout"}
    other = {"apiVersion": "example.com/v1", "kind": "Rollout"}

    assert len(evaluate(rollout, good)) == 1
    assert evaluate(rollout, other) == []
    assert evaluate(policy({"pattern": {}}), {"kind": "Job"}) == []


# --- deny ---------------------------------------------------------------


def test_deny_with_a_default_treats_a_missing_label_as_empty() -> None:
    rule = deny(
        {"key": LABEL, "operator": "AnyNotIn", "value": ["prod", "dev"]},
    )

    assert verdict(rule, {}) is Verdict.FAIL
    assert verdict(rule, {"metadata": {"labels": {"env": "qa"}}}) == (
        Verdict.FAIL
    )
    assert verdict(rule, {"metadata": {"labels": {"env": "dev"}}}) == (
        Verdict.PASS
    )


def test_deny_without_a_default_errors_on_a_missing_value() -> None:
    key = "{{ request.object.metadata.labels.env }}"
    rule = deny({"key": key, "operator": "AnyIn", "value": ["prod"]})

    assert verdict(rule, {}) is Verdict.ERROR
    assert verdict(rule, {"metadata": {"labels": {"env": "prod"}}}) == (
        Verdict.FAIL
    )


def test_deny_all_needs_every_condition() -> None:
    rule = deny(
        {
            "key": "{{ request.object.provisioner || '' }}",
            "operator": "Equals",
            "value": "kubernetes.io/aws-ebs",
        },
        {
            "key": "{{ request.object.parameters.type || '' }}",
            "operator": "Equals",
            "value": "",
        },
        block="all",
    )
    in_tree = {"provisioner": "kubernetes.io/aws-ebs"}

    assert verdict(rule, in_tree) is Verdict.FAIL
    assert verdict(rule, {**in_tree, "parameters": {"type": ""}}) == (
        Verdict.FAIL
    )
    typed = {**in_tree, "parameters": {"type": "gp3"}}
    assert verdict(rule, typed) is Verdict.PASS
    assert verdict(rule, {"provisioner": "ebs.csi.aws.com"}) is Verdict.PASS


def test_any_in_and_any_not_in_match_wildcards_both_ways() -> None:
    def check(operator: str, value: Any, allowed: list[str]) -> Verdict:
        rule = deny({"key": LABEL, "operator": operator, "value": allowed})
        return verdict(rule, {"metadata": {"labels": {"env": value}}})

    assert check("AnyIn", "prod-1", ["prod-*"]) is Verdict.FAIL
    assert check("AnyIn", "prod-*", ["prod-1"]) is Verdict.FAIL
    assert check("AnyNotIn", "prod-1", ["prod-*"]) is Verdict.PASS
    assert check("AnyNotIn", "qa", ["prod-*"]) is Verdict.FAIL
    assert check("AnyIn", 3, ["3"]) is Verdict.FAIL
    assert check("AnyNotIn", True, ["x"]) is Verdict.PASS


def test_equals_compares_quantities_when_the_key_is_one() -> None:
    key = "{{ request.object.spec.size || '' }}"
    rule = deny({"key": key, "operator": "Equals", "value": "1Gi"})

    assert verdict(rule, {"spec": {"size": "1024Mi"}}) is Verdict.FAIL
    assert verdict(rule, {"spec": {"size": "2Gi"}}) is Verdict.PASS


def test_quoted_path_segments_reach_dotted_label_keys() -> None:
    key = "{{ request.object.metadata.labels.\"example.com/team\" || '' }}"
    rule = deny({"key": key, "operator": "AnyNotIn", "value": ["a"]})
    labels = {"example.com/team": "a"}

    assert verdict(rule, {"metadata": {"labels": labels}}) is Verdict.PASS
    assert verdict(rule, {"metadata": {"labels": {}}}) is Verdict.FAIL
