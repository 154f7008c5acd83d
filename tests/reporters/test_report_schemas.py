"""Machine formats validate against the official schemas.

The schemas are copies kept under tests/schemas/ (see SOURCES.md there).
Both the hand-made sample and a real scan of the fixture project are
checked, so that neither odd characters nor real paths slip through.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema
from report_sample import sample_context, sample_result

from conftest import make_settings
from costlint.engine import ScanResult, scan
from costlint.reporters.gitlab import SEVERITIES
from costlint.reporters.registry import ReportContext, render

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
PROJECT = Path(__file__).parent / "fixtures" / "project"

# GitLab's documented required fields, stricter than its own validator.
GITLAB_DOCUMENTED = {
    "type": "array",
    "items": {
        "type": "object",
        "required": [
            "description",
            "check_name",
            "fingerprint",
            "severity",
            "location",
        ],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {
                "enum": ["info", "minor", "major", "critical", "blocker"],
            },
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "pattern": "^[^/.]"},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {
                            "begin": {"type": "integer", "minimum": 1},
                        },
                    },
                },
            },
        },
    },
}


def _results() -> list[tuple[str, ScanResult, ReportContext]]:
    real = scan([PROJECT], make_settings())
    return [
        ("sample", sample_result(), sample_context()),
        ("project", real, ReportContext(exit_code=1)),
    ]


RESULTS = _results()
IDS = [name for name, _r, _c in RESULTS]


def _load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("name", "result", "ctx"), RESULTS, ids=IDS)
def test_sarif_validates_against_sarif_2_1_0(
    name: str,
    result: ScanResult,
    ctx: ReportContext,
) -> None:
    schema = _load_json(SCHEMAS / "sarif" / "sarif-schema-2.1.0.json")
    document = json.loads(render("sarif", result, ctx))

    errors = list(jsonschema.Draft4Validator(schema).iter_errors(document))

    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    assert len(document["runs"]) == 1


@pytest.mark.parametrize(("name", "result", "ctx"), RESULTS, ids=IDS)
def test_junit_validates_against_jenkins_xsd(
    name: str,
    result: ScanResult,
    ctx: ReportContext,
) -> None:
    schema = xmlschema.XMLSchema(
        str(SCHEMAS / "junit" / "jenkins-xunit-junit-10.xsd"),
    )

    schema.validate(render("junit", result, ctx))


@pytest.mark.parametrize(("name", "result", "ctx"), RESULTS, ids=IDS)
def test_gitlab_validates_against_gitlab_and_documented_fields(
    name: str,
    result: ScanResult,
    ctx: ReportContext,
) -> None:
    item_schema = _load_json(
        SCHEMAS / "gitlab-code-quality" / "gitlab-codeclimate.json",
    )
    issues = json.loads(render("gitlab", result, ctx))

    for issue in issues:
        jsonschema.Draft7Validator(item_schema).validate(issue)
    jsonschema.Draft7Validator(GITLAB_DOCUMENTED).validate(issues)
    prints = [issue["fingerprint"] for issue in issues]
    assert len(prints) == len(set(prints)), "fingerprints must be unique"


def test_junit_of_a_clean_scan_has_one_passing_case() -> None:
    schema = xmlschema.XMLSchema(
        str(SCHEMAS / "junit" / "jenkins-xunit-junit-10.xsd"),
    )
    text = render("junit", ScanResult(), ReportContext(exit_code=0))

    schema.validate(text)
    assert '<testcase name="no findings" />' in text


def test_gitlab_severity_mapping_is_the_documented_one() -> None:
    assert {k.label: v for k, v in SEVERITIES.items()} == {
        "info": "info",
        "warning": "minor",
        "error": "major",
    }


def test_sarif_rules_carry_help_and_results_fingerprints() -> None:
    result = sample_result()
    document = json.loads(render("sarif", result, sample_context()))
    run = document["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}

    gp2 = rules["gp2-volume"]
    assert gp2["shortDescription"]["text"] == "summary of gp2-volume"
    assert gp2["fullDescription"]["text"] == "gp2-volume wastes money"
    assert "costlint explain gp2-volume" in gp2["help"]["text"]
    assert gp2["help"]["markdown"].startswith("**gp2-volume name**")
    assert gp2["helpUri"].endswith("#gp2-volume")
    first = run["results"][0]
    assert first["ruleId"] == "gp2-volume"
    assert first["level"] == "warning"
    assert first["partialFingerprints"]["costlint/v1"]
    region = first["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 12, "startColumn": 3, "endLine": 12}
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels["missing-requests"] == "note"
    assert levels["missing-cost-tags"] == "error"


def test_sarif_marks_suppressed_results() -> None:
    document = json.loads(
        render("sarif", sample_result(), sample_context()),
    )
    marked = [
        (r["ruleId"], r["suppressions"][0])
        for r in document["runs"][0]["results"]
        if "suppressions" in r
    ]

    assert [(rule, s["kind"], s["status"]) for rule, s in marked] == [
        ("gp2-volume", "inSource", "accepted"),
        ("missing-cost-tags", "external", "accepted"),
    ]
    assert marked[0][1]["justification"] == "retired with the legacy stack"


def test_sarif_uris_are_relative_with_forward_slashes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(PROJECT.parent)
    result = scan([Path("project")], make_settings())
    document = json.loads(
        render("sarif", result, ReportContext(exit_code=1)),
    )
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for r in document["runs"][0]["results"]
        for loc in r["locations"]
    }

    assert uris == {"project/main.tf", "project/modules/disk/main.tf"}


def test_sarif_parse_errors_are_failed_invocations() -> None:
    document = json.loads(
        render("sarif", sample_result(), sample_context()),
    )
    invocation = document["runs"][0]["invocations"][0]

    assert invocation["executionSuccessful"] is False
    note = invocation["toolExecutionNotifications"][0]
    assert note["level"] == "error"
    assert note["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 4,
        "startColumn": 7,
        "endLine": 4,
    }
