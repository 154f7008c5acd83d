"""The SCP evaluator: IAM's condition rules, wildcards, ARN coverage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from costlint.loaders import LoadContext
from costlint.loaders.json_docs import load_json_text
from costlint.scp.actions import action_table
from costlint.scp.arn import Cover, cover, glob_match
from costlint.scp.evaluate import (
    CONTEXT,
    TAG,
    Maybe,
    Request,
    Target,
    decide,
    evaluate_condition,
    request_for,
)
from costlint.scp.policy import Statement, statements_of

TABLE = action_table()


def statement(raw: dict[str, Any]) -> Statement:
    """One Deny statement on RunInstances with the given parts."""
    body = {
        "Effect": "Deny",
        "Action": "ec2:RunInstances",
        "Resource": "*",
        **raw,
    }
    text = json.dumps({"Version": "2012-10-17", "Statement": [body]})
    ctx = LoadContext(base=Path.cwd())
    [policy] = load_json_text(text, "t.json", True, ctx).resources
    [one] = statements_of(policy)
    return one


def truth(
    condition: dict[str, Any],
    tags: dict[str, str] | None,
    assume_context: bool = False,
) -> object:
    """The truth of a one-key condition on a created instance."""
    one = statement({"Condition": condition})
    [cond] = one.conditions
    target = Target("ec2:instance", True, tags or {})
    request = Request(
        "ec2:RunInstances", (target,), TABLE.action("ec2:RunInstances")
    )
    return evaluate_condition(cond, request, target, assume_context)


@pytest.mark.parametrize(
    ("condition", "tags", "expected"),
    [
        # a key absent from the request
        pytest.param(
            {"StringNotEquals": {"aws:RequestTag/A": "x"}},
            None,
            True,
            id="negated-absent-true",
        ),
        pytest.param(
            {"StringNotLike": {"aws:RequestTag/A": ["x*"]}},
            None,
            True,
            id="notlike-absent-true",
        ),
        pytest.param(
            {"StringEquals": {"aws:RequestTag/A": "x"}},
            None,
            False,
            id="plain-absent-false",
        ),
        pytest.param(
            {"StringLike": {"aws:RequestTag/A": "*"}},
            None,
            False,
            id="like-absent-false",
        ),
        pytest.param(
            {"StringEqualsIfExists": {"aws:RequestTag/A": "x"}},
            None,
            True,
            id="ifexists-absent-true",
        ),
        pytest.param(
            {"ForAllValues:StringEquals": {"aws:TagKeys": ["A"]}},
            None,
            True,
            id="forall-absent-true",
        ),
        pytest.param(
            {"ForAnyValue:StringEquals": {"aws:TagKeys": ["A"]}},
            None,
            False,
            id="foranyvalue-absent-false",
        ),
        pytest.param(
            {"Null": {"aws:RequestTag/A": "true"}},
            None,
            True,
            id="null-true-absent",
        ),
        pytest.param(
            {"Null": {"aws:RequestTag/A": False}},
            None,
            False,
            id="null-false-absent",
        ),
        # a key present
        pytest.param(
            {"Null": {"aws:RequestTag/A": "true"}},
            {"A": "1"},
            False,
            id="null-true-present",
        ),
        pytest.param(
            {"StringNotEquals": {"aws:RequestTag/A": ["x", "y"]}},
            {"A": "y"},
            False,
            id="notequals-listed",
        ),
        pytest.param(
            {"StringNotEquals": {"aws:RequestTag/A": ["x", "y"]}},
            {"A": "Y"},
            True,
            id="notequals-case",
        ),
        pytest.param(
            {"StringNotEqualsIgnoreCase": {"aws:RequestTag/A": "x"}},
            {"A": "X"},
            False,
            id="ignorecase",
        ),
        pytest.param(
            {"StringLike": {"aws:RequestTag/A": "cc-?"}},
            {"A": "cc-1"},
            True,
            id="like-question",
        ),
        pytest.param(
            {"StringLike": {"aws:RequestTag/A": "cc-?"}},
            {"A": "cc-12"},
            False,
            id="like-one-char",
        ),
        pytest.param(
            {"StringEquals": {"aws:requesttag/a": "1"}},
            {"A": "1"},
            True,
            id="key-names-ignore-case",
        ),
        pytest.param(
            {"ForAllValues:StringEquals": {"aws:TagKeys": ["A", "B"]}},
            {"A": "1", "C": "2"},
            False,
            id="forall-extra-key",
        ),
        pytest.param(
            {"ForAnyValue:StringEquals": {"aws:TagKeys": ["A", "B"]}},
            {"C": "2", "B": "1"},
            True,
            id="foranyvalue-one",
        ),
        pytest.param(
            {"ForAllValues:StringNotEquals": {"aws:TagKeys": ["A", "B"]}},
            {"A": "1"},
            False,
            id="forall-negated",
        ),
        pytest.param(
            {"Null": {"aws:ResourceTag/A": "true"}},
            {"A": "1"},
            True,
            id="resourcetag-absent-on-create",
        ),
    ],
)
def test_condition_semantics(
    condition: dict[str, Any],
    tags: dict[str, str] | None,
    expected: bool,
) -> None:
    assert truth(condition, tags) is expected


@pytest.mark.parametrize(
    ("condition", "kind"),
    [
        pytest.param(
            {"NumericLessThan": {"aws:RequestTag/A": "5"}},
            TAG,
            id="unevaluated-operator",
        ),
        pytest.param(
            {"StringEquals": {"aws:RequestTag/A": "${aws:PrincipalTag/A}"}},
            TAG,
            id="policy-variable",
        ),
        pytest.param(
            {"StringEquals": {"aws:TagKeys": "A"}},
            TAG,
            id="multivalued-without-set-operator",
        ),
        pytest.param(
            {"StringEqualsX": {"aws:RequestTag/A": "1"}},
            TAG,
            id="unknown-operator",
        ),
        pytest.param(
            {"StringEquals": {"rds:req-tag/A": "1"}}, TAG, id="service-tag-key"
        ),
        pytest.param(
            {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/x"}},
            CONTEXT,
            id="caller-key",
        ),
    ],
)
def test_what_is_not_known_is_maybe(
    condition: dict[str, Any],
    kind: str,
) -> None:
    result = truth(condition, {"A": "1"})

    assert isinstance(result, Maybe)
    assert {k for k, _t in result.reasons} == {kind}


def test_context_keys_are_assumed_true_for_coverage() -> None:
    condition = {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/x"}}

    assert truth(condition, {}, assume_context=True) is True


def test_context_given_by_the_caller_is_evaluated() -> None:
    one = statement(
        {
            "Condition": {
                "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin"}
            }
        },
    )
    info = TABLE.action("ec2:RunInstances")
    for arn, denied in (
        ("arn:aws:iam::111122223333:role/admin", False),
        ("arn:aws:iam::111122223333:role/dev", True),
    ):
        request = Request(
            "ec2:RunInstances",
            (Target("ec2:instance", True, {}),),
            info,
            {"aws:PrincipalArn": (arn,)},
        )
        assert decide([one], request, TABLE).denied is denied


@pytest.mark.parametrize(
    ("raw", "action", "expected"),
    [
        pytest.param(
            {"Action": "ec2:Run*"}, "ec2:RunInstances", True, id="wildcard"
        ),
        pytest.param(
            {"Action": "EC2:runinstances"},
            "ec2:RunInstances",
            True,
            id="case-insensitive",
        ),
        pytest.param(
            {"Action": "ec2:?unInstances"},
            "ec2:RunInstances",
            True,
            id="question-mark",
        ),
        pytest.param(
            {"Action": "ec2:Create*"},
            "ec2:RunInstances",
            False,
            id="other-action",
        ),
        pytest.param(
            {"NotAction": ["iam:*"], "Action": None},
            "ec2:RunInstances",
            True,
            id="notaction-outside",
        ),
        pytest.param(
            {"NotAction": ["ec2:*"], "Action": None},
            "ec2:RunInstances",
            False,
            id="notaction-inside",
        ),
    ],
)
def test_action_matching(
    raw: dict[str, Any], action: str, expected: bool
) -> None:
    body = {k: v for k, v in raw.items() if v is not None}
    one = statement(body) if "Action" in body else _not_action(body)
    request = request_for(action, TABLE, {"ec2:instance": {}})

    assert (decide([one], request, TABLE).denied is True) is expected


def _not_action(body: dict[str, Any]) -> Statement:
    text = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Resource": "*", **body}],
        },
    )
    ctx = LoadContext(base=Path.cwd())
    [policy] = load_json_text(text, "t.json", True, ctx).resources
    return statements_of(policy)[0]


@pytest.mark.parametrize(
    ("pattern", "type_name", "expected"),
    [
        pytest.param("*", "ec2:instance", Cover.ALL, id="star"),
        pytest.param(
            "arn:aws:ec2:*:*:instance/*", "ec2:instance", Cover.ALL, id="type"
        ),
        pytest.param(
            "arn:*:ec2:*:*:instance/*",
            "ec2:instance",
            Cover.ALL,
            id="any-partition",
        ),
        pytest.param(
            "arn:aws:ec2:*:*:*", "ec2:instance", Cover.ALL, id="any-ec2"
        ),
        pytest.param(
            "arn:aws:ec2:*:*:volume/*",
            "ec2:instance",
            Cover.NONE,
            id="other-type",
        ),
        pytest.param(
            "arn:aws:s3:::*", "ec2:instance", Cover.NONE, id="other-service"
        ),
        pytest.param(
            "arn:aws:ec2:eu-west-1:*:instance/*",
            "ec2:instance",
            Cover.SOME,
            id="one-region",
        ),
        pytest.param(
            "arn:aws:ec2:*:123456789012:instance/*",
            "ec2:instance",
            Cover.SOME,
            id="one-account",
        ),
        pytest.param(
            "arn:aws:ec2:*:*:instance/i-0abc",
            "ec2:instance",
            Cover.SOME,
            id="one-instance",
        ),
        pytest.param(
            "arn:aws:ec2:*::snapshot/*",
            "ec2:snapshot",
            Cover.ALL,
            id="empty-account",
        ),
        pytest.param("arn:aws:s3:::*", "s3:bucket", Cover.ALL, id="bucket"),
        pytest.param(
            "arn:aws:kms:*:*:key/*",
            "kms:key",
            Cover.NONE,
            id="no-arn-on-create",
        ),
        pytest.param(
            "arn:aws:ec2:*:*:instance/${aws:userid}",
            "ec2:instance",
            Cover.SOME,
            id="variable",
        ),
    ],
)
def test_resource_coverage(
    pattern: str, type_name: str, expected: Cover
) -> None:
    assert cover(pattern, TABLE.types[type_name]) is expected


def test_not_resource_inverts_coverage() -> None:
    one = _not_action(
        {
            "Action": "ec2:RunInstances",
            "NotResource": "arn:aws:ec2:*:*:volume/*",
            "Condition": {"Null": {"aws:RequestTag/A": "true"}},
        },
    )
    tags = {"ec2:instance": {}, "ec2:volume": {}}
    decision = decide(
        [one], request_for("ec2:RunInstances", TABLE, tags), TABLE
    )

    denied_on = {
        hit.target.type for hit in decision.denials if hit.truth is True
    }
    assert "ec2:volume" not in denied_on
    assert "ec2:instance" in denied_on


def test_request_tags_only_reach_created_resources() -> None:
    one = statement({"Condition": {"Null": {"aws:RequestTag/A": "true"}}})
    tags = {
        t: {"A": "1"}
        for t in ("ec2:instance", "ec2:volume", "ec2:network-interface")
    }
    decision = decide(
        [one], request_for("ec2:RunInstances", TABLE, tags), TABLE
    )

    assert decision.denied is True
    assert {h.target.type for h in decision.denials} == {
        "ec2:image",
        "ec2:subnet",
        "ec2:security-group",
        "ec2:key-pair",
        "ec2:launch-template",
        "ec2:placement-group",
        "ec2:snapshot",
    }


def test_glob_is_case_sensitive_unless_asked() -> None:
    assert glob_match("a*c", "abbc")
    assert not glob_match("A*", "abc")
    assert glob_match("A*", "abc", ignore_case=True)
    assert glob_match("*", "")
