"""The suppression stage on hand-made findings and source texts.

Findings and resources are built here and the sources handed over as
text, so these tests pin the matching rules (which line, which rule,
which date) without depending on any loader or rule.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from costlint.baseline import Baseline, fingerprint
from costlint.model import Finding, Location, Resource, Severity
from costlint.suppress import (
    ConfigIgnore,
    IgnoreError,
    SuppressionInput,
    SuppressionOutcome,
    apply_suppressions,
    read_ignores,
)

TODAY = dt.date(2026, 6, 1)
KNOWN = frozenset(
    {
        "gp2-volume",
        "missing-cost-tags",
        "missing-requests",
        "suppression-without-reason",
        "suppression-expired",
        "invalid-suppression",
    },
)


def _finding(rule: str, file: str, line: int, address: str) -> Finding:
    return Finding(
        rule=rule,
        severity=Severity.WARNING,
        message=f"{rule} problem",
        fix="fix it",
        location=Location(file, line, 3),
        address=address,
        why="costs money",
    )


def _tf(line: int, address: str = "aws_ebs_volume.data") -> Resource:
    return Resource(
        kind="terraform",
        type="aws_ebs_volume",
        address=address,
        attrs={},
        location=Location("main.tf", line, 1),
    )


def _run(
    findings: Sequence[Finding],
    resources: Sequence[Resource],
    texts: Mapping[str, str],
    **given: Any,
) -> SuppressionOutcome:
    return apply_suppressions(
        findings,
        resources,
        SuppressionInput(
            today=TODAY,
            known_rules=KNOWN,
            texts=texts,
            **given,
        ),
    )


def _rules(findings: Sequence[Finding]) -> list[tuple[str, int]]:
    return sorted((f.rule, f.location.line) for f in findings)


TF = """\
{above}
resource "aws_ebs_volume" "data" {{{first}
  size = 10
  type = "gp2"{own}
}}
"""


@pytest.mark.parametrize(
    ("above", "first", "own"),
    [
        ("# costlint:ignore gp2-volume legacy AMI", "", ""),
        ("// costlint:ignore gp2-volume legacy AMI", "", ""),
        ("", " # costlint:ignore gp2-volume legacy AMI", ""),
        ("", "", " # costlint:ignore gp2-volume legacy AMI"),
        ("", "", " // costlint:ignore gp2-volume: legacy AMI"),
        (
            "# costlint:ignore missing-cost-tags,gp2-volume legacy AMI",
            "",
            "",
        ),
        ("# costlint:ignore gp2-volume, missing-cost-tags legacy AMI", "", ""),
    ],
    ids=[
        "hash-above",
        "slashes-above",
        "resource-line",
        "finding-line",
        "finding-line-colon",
        "several-ids",
        "several-ids-spaced",
    ],
)
def test_inline_comment_suppresses(above: str, first: str, own: str) -> None:
    text = TF.format(above=above, first=first, own=own)
    finding = _finding("gp2-volume", "main.tf", 4, "aws_ebs_volume.data")

    out = _run([finding], [_tf(2)], {"main.tf": text})

    assert out.findings == []
    [entry] = out.suppressed
    assert entry.suppression.source == "inline"
    assert entry.suppression.reason == "legacy AMI"


def test_comment_names_only_its_rules() -> None:
    text = TF.format(
        above="# costlint:ignore gp2-volume legacy", first="", own=""
    )
    tags = _finding("missing-cost-tags", "main.tf", 2, "aws_ebs_volume.data")

    out = _run([tags], [_tf(2)], {"main.tf": text})

    assert out.findings == [tags]


def test_comment_block_above_counts_but_not_across_a_blank_line() -> None:
    stacked = (
        "# costlint:ignore gp2-volume legacy AMI\n"
        "# owned by the data team\n"
        'resource "aws_ebs_volume" "data" {\n'
        '  type = "gp2"\n'
        "}\n"
    )
    apart = stacked.replace("AMI\n", "AMI\n\n", 1)
    finding = _finding("gp2-volume", "main.tf", 4, "aws_ebs_volume.data")

    kept = _run([finding], [_tf(3)], {"main.tf": stacked})
    lost = _run([finding], [_tf(4)], {"main.tf": apart})

    assert kept.findings == []
    assert lost.findings == [finding]


def test_comment_on_another_resource_does_not_apply() -> None:
    text = (
        "# costlint:ignore gp2-volume legacy\n"
        'resource "aws_ebs_volume" "a" {\n'
        '  type = "gp2"\n'
        "}\n"
        'resource "aws_ebs_volume" "b" {\n'
        '  type = "gp2"\n'
        "}\n"
    )
    a = _finding("gp2-volume", "main.tf", 3, "aws_ebs_volume.a")
    b = _finding("gp2-volume", "main.tf", 6, "aws_ebs_volume.b")

    out = _run(
        [a, b],
        [_tf(2, "aws_ebs_volume.a"), _tf(5, "aws_ebs_volume.b")],
        {"main.tf": text},
    )

    assert out.findings == [b]


def test_suppression_without_reason_applies_and_is_reported() -> None:
    text = TF.format(above="# costlint:ignore gp2-volume", first="", own="")
    finding = _finding("gp2-volume", "main.tf", 4, "aws_ebs_volume.data")

    out = _run([finding], [_tf(2)], {"main.tf": text})

    assert [s.finding for s in out.suppressed] == [finding]
    [note] = out.findings
    assert note.rule == "suppression-without-reason"
    assert note.severity is Severity.WARNING
    assert (note.location.file, note.location.line) == ("main.tf", 1)
    assert "gp2-volume gives no reason" in note.message


@pytest.mark.parametrize(
    ("until", "suppressed", "notes"),
    [
        ("2026-06-01", True, []),
        ("2030-01-01", True, []),
        ("2026-05-31", False, [("suppression-expired", 1)]),
        ("2026-13-01", False, [("invalid-suppression", 1)]),
        ("soon", False, [("invalid-suppression", 1)]),
    ],
    ids=["today", "future", "past", "bad-month", "not-a-date"],
)
def test_until_dates(until: str, suppressed: bool, notes: list[Any]) -> None:
    comment = f"# costlint:ignore gp2-volume until={until} legacy AMI"
    text = TF.format(above=comment, first="", own="")
    finding = _finding("gp2-volume", "main.tf", 4, "aws_ebs_volume.data")

    out = _run([finding], [_tf(2)], {"main.tf": text})

    assert bool(out.suppressed) is suppressed
    assert _rules([f for f in out.findings if f is not finding]) == notes
    if suppressed:
        assert out.suppressed[0].suppression.reason == "legacy AMI"
        assert out.suppressed[0].suppression.until == dt.date.fromisoformat(
            until,
        )


def test_unknown_rule_is_reported_and_suppresses_nothing() -> None:
    text = TF.format(
        above="# costlint:ignore gp2-volum typo", first="", own=""
    )
    finding = _finding("gp2-volume", "main.tf", 4, "aws_ebs_volume.data")

    out = _run([finding], [_tf(2)], {"main.tf": text})

    assert _rules(out.findings) == [
        ("gp2-volume", 4),
        ("invalid-suppression", 1),
    ]
    assert "unknown rule gp2-volum" in out.findings[1].message


def test_comment_with_no_rule_is_reported() -> None:
    text = TF.format(above="# costlint:ignore", first="", own="")

    out = _run([], [_tf(2)], {"main.tf": text})

    assert _rules(out.findings) == [("invalid-suppression", 1)]


def test_bad_comments_are_reported_even_where_nothing_was_found() -> None:
    text = TF.format(above="# costlint:ignore gp2-volume", first="", own="")

    out = _run([], [_tf(2)], {"main.tf": text})

    assert _rules(out.findings) == [("suppression-without-reason", 1)]


YAML = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
---
# costlint:ignore missing-requests batch job, sized by its operator
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: web:1
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec: {}
"""


def _k8s(line: int, name: str, annotations: Any = None) -> Resource:
    metadata: dict[str, Any] = {"name": name}
    if annotations is not None:
        metadata["annotations"] = annotations
    return Resource(
        kind="kubernetes",
        type="Deployment",
        address=f"Deployment/default/{name}",
        attrs={"metadata": metadata},
        location=Location("deploy.yaml", line, 1),
        positions={
            ("metadata", "annotations", "costlint.io/ignore"): Location(
                "deploy.yaml",
                line + 3,
                5,
            ),
        },
    )


def test_yaml_comment_at_the_head_of_the_document_applies() -> None:
    web = _finding(
        "missing-requests", "deploy.yaml", 15, "Deployment/default/web"
    )
    api = _finding(
        "missing-requests", "deploy.yaml", 19, "Deployment/default/api"
    )

    out = _run(
        [web, api],
        [_k8s(8, "web"), _k8s(19, "api")],
        {"deploy.yaml": YAML},
    )

    assert [s.finding for s in out.suppressed] == [web]
    assert out.suppressed[0].suppression.reason == (
        "batch job, sized by its operator"
    )
    assert out.findings == [api]


@pytest.mark.parametrize(
    ("value", "suppressed", "notes"),
    [
        ("missing-requests: sized by the operator", True, []),
        ("gp2-volume,missing-requests: sized by the operator", True, []),
        (
            "missing-requests: sized until=2020-01-01",
            False,
            ["suppression-expired"],
        ),
        ("missing-requests", True, ["suppression-without-reason"]),
        ("missing-request: typo", False, ["invalid-suppression"]),
        ("gp2-volume: other rule", False, []),
    ],
    ids=["one", "two", "expired", "no-reason", "unknown", "other-rule"],
)
def test_kubernetes_annotation(
    value: str,
    suppressed: bool,
    notes: list[str],
) -> None:
    web = _finding(
        "missing-requests", "deploy.yaml", 15, "Deployment/default/web"
    )
    res = _k8s(8, "web", {"costlint.io/ignore": value})

    out = _run([web], [res], {"deploy.yaml": YAML.replace("# costlint", "#")})

    assert bool(out.suppressed) is suppressed
    if suppressed:
        assert out.suppressed[0].suppression.source == "annotation"
    got = [f for f in out.findings if f is not web]
    assert [f.rule for f in got] == notes
    for note in got:
        assert (note.location.line, note.address) == (11, web.address)


CONFIG = "ignore:\n  - reason: accepted until the migration\n"


def _ignore(**fields: Any) -> ConfigIgnore:
    return ConfigIgnore(
        index=0,
        rules=frozenset(fields.pop("rules", ["gp2-volume"])),
        reason="accepted until the migration",
        **fields,
    )


@pytest.mark.parametrize(
    ("ignore", "file", "address", "suppressed"),
    [
        (_ignore(paths=("legacy/**",)), "legacy/a/main.tf", "x.y", True),
        (_ignore(paths=("legacy/**",)), "live/main.tf", "x.y", False),
        (_ignore(paths=("*.tf",)), "deep/er/main.tf", "x.y", True),
        (
            _ignore(resources=('aws_ebs_volume.disks["*"]',)),
            "main.tf",
            'aws_ebs_volume.disks["a"]',
            True,
        ),
        (
            _ignore(resources=("module.legacy.*",)),
            "main.tf",
            "module.legacy.aws_ebs_volume.x",
            True,
        ),
        (
            _ignore(resources=("module.legacy.*",)),
            "main.tf",
            "module.live.aws_ebs_volume.x",
            False,
        ),
        (
            _ignore(paths=("legacy/**",), resources=("aws_ebs_volume.*",)),
            "legacy/main.tf",
            "aws_instance.x",
            False,
        ),
        (
            _ignore(paths=("legacy/**",), rules=["missing-cost-tags"]),
            "legacy/main.tf",
            "x.y",
            False,
        ),
        (
            _ignore(paths=("legacy/**",), until=dt.date(2026, 6, 1)),
            "legacy/main.tf",
            "x.y",
            True,
        ),
        (
            _ignore(paths=("legacy/**",), until=dt.date(2026, 5, 1)),
            "legacy/main.tf",
            "x.y",
            False,
        ),
    ],
    ids=[
        "path",
        "other-path",
        "basename-glob",
        "address-brackets",
        "module",
        "other-module",
        "path-and-address",
        "other-rule",
        "until-today",
        "expired",
    ],
)
def test_config_ignores(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    ignore: ConfigIgnore,
    file: str,
    address: str,
    suppressed: bool,
) -> None:
    monkeypatch.chdir(tmp_path)
    finding = _finding("gp2-volume", file, 3, address)

    out = _run(
        [finding],
        [],
        {".costlint.yaml": CONFIG},
        ignores=(ignore,),
        config_base=tmp_path,
        config_file=".costlint.yaml",
    )

    assert bool(out.suppressed) is suppressed
    if suppressed:
        assert out.suppressed[0].suppression.source == "config"
    expired = [f for f in out.findings if f.rule == "suppression-expired"]
    if ignore.until and ignore.until < TODAY:
        assert [(f.location.file, f.location.line) for f in expired] == [
            (".costlint.yaml", 2),
        ]
    else:
        assert expired == []


def test_baseline_takes_as_many_findings_as_it_accepted() -> None:
    one = _finding("gp2-volume", "main.tf", 4, "aws_ebs_volume.data")
    two = _finding("gp2-volume", "main.tf", 9, "aws_ebs_volume.data")
    baseline = Baseline(Path("b.json"), Counter({fingerprint(one): 1}))

    out = _run([one, two], [], {}, baseline=baseline)

    assert [s.finding for s in out.suppressed] == [one]
    assert out.suppressed[0].suppression.source == "baseline"
    assert out.findings == [two]


def test_read_ignores_checks_rules_and_dates() -> None:
    good = read_ignores(
        [
            {
                "rules": ["gp2-volume"],
                "paths": ["a/**"],
                "reason": " why ",
                "until": dt.date(2027, 1, 1),
            },
            {
                "rules": ["gp2-volume"],
                "resources": ["x"],
                "reason": "r",
                "until": "2027-02-03",
            },
        ],
        KNOWN,
    )

    assert [ig.until for ig in good] == [
        dt.date(2027, 1, 1),
        dt.date(2027, 2, 3),
    ]
    assert good[0].reason == "why"
    with pytest.raises(IgnoreError, match="unknown rule 'nope'") as bad_rule:
        read_ignores([{"rules": ["nope"], "reason": "r"}], KNOWN)
    assert bad_rule.value.where == "ignore.0.rules.0"
    with pytest.raises(IgnoreError, match="not a date") as bad_date:
        read_ignores(
            [{"rules": ["gp2-volume"], "reason": "r", "until": "soon"}],
            KNOWN,
        )
    assert bad_date.value.where == "ignore.0.until"
