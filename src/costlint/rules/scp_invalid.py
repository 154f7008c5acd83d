"""Report SCPs that AWS Organizations would reject.

Why: an SCP that does not follow the grammar is refused at upload (or,
with a misspelt key, silently means something else), so the guardrail
it was written for never exists. Catching it in review is cheaper than
finding it in a failed deployment or an audit.

Checks each SCP document against the grammar AWS documents for SCPs
(orgs_manage_policies_scps_syntax in the AWS Organizations guide; the
JSON Schema `costlint/data/scp_schema.json`
plus checks a schema cannot express): `Version` "2012-10-17", one
`Statement`; in each statement an `Effect` of Allow or Deny, exactly
one of `Action`/`NotAction` and of `Resource`/`NotResource`, no
`Principal` or `NotPrincipal`, no other keys (names are
case-sensitive); condition operators from the IAM list
(`costlint/data/scp_condition_operators.json`, with `ForAllValues:`,
`ForAnyValue:` and `IfExists`), `Null` values true or false, condition
keys with a service prefix; no `Sid` used twice, no key written twice
in one object. Resource-bound keys such as `aws:ResourceTag/x` and
`iam:ResourceTag/x` are valid.

Options: none.

Bad:   {"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
        "Principal": "*", "Action": "ec2:RunInstances", "Resource": "*"}]}
Good:  {"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
        "Action": "ec2:RunInstances", "Resource": "*"}]}

Limits: condition key names are not checked against each service's
list, and an action name is checked for its shape, not for existence.
The size limit is the rule `scp-too-large`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from costlint.model import Outcome, Resource, RuleMeta, Severity
from costlint.rules.base import RuleContext, make_finding
from costlint.scp.validate import check_grammar

META = RuleMeta(
    id="scp-invalid",
    name="Invalid service control policy",
    severity=Severity.ERROR,
    summary="SCP breaks the grammar AWS Organizations accepts",
    rationale=(
        "AWS Organizations rejects an SCP outside its grammar, so the "
        "guardrail it was written for is never in force"
    ),
    tags=("aws", "scp", "organizations"),
)
DEFAULTS: dict[str, Any] = {}


def check(res: Resource, ctx: RuleContext) -> Iterator[Outcome]:
    """Judge the grammar of one SCP document."""
    if res.kind != "scp":
        return
    for error in check_grammar(res):
        yield make_finding(META, res, error.path, error.message, error.fix)
