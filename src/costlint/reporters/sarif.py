"""Render a scan as SARIF 2.1.0, for code-scanning dashboards.

One run. `tool.driver.rules` describes every rule that has a result,
with its documentation as help text and Markdown. Each result carries
the rule, a level (error, warning, note), the message with the fix, a
region, and the baseline fingerprint under `partialFingerprints`, so a
dashboard recognises a finding after lines move. Suppressed findings
are kept, marked with a SARIF `suppressions` entry (`inSource` for a
comment or annotation, `external` for config and baseline), as SARIF
readers expect. Files that could not be parsed become error
notifications of the run's invocation, which is then not successful.

Paths are relative to the working directory where the scan ran (the
repository root in CI), with forward slashes, under the base id
`%SRCROOT%`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

from costlint.baseline import FINGERPRINT_KEY, fingerprint, normalise_path
from costlint.engine import ScanResult
from costlint.model import Finding, Location, Severity
from costlint.reporters.ruletext import RuleText
from costlint.suppress import Suppressed

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
    "sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
_LEVELS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
}
_IN_SOURCE = frozenset({"inline", "annotation"})


def render_sarif(
    result: ScanResult,
    rules: Callable[[str], RuleText | None],
    version: str,
) -> str:
    """The SARIF log as indented JSON text, ending with a newline."""
    return json.dumps(sarif_document(result, rules, version), indent=2) + "\n"


def sarif_document(
    result: ScanResult,
    rules: Callable[[str], RuleText | None],
    version: str,
) -> dict[str, Any]:
    """The SARIF log as plain data."""
    all_findings = [
        *result.findings,
        *(s.finding for s in result.suppressed),
    ]
    rule_ids = sorted({f.rule for f in all_findings})
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    results = [_result(f, index, None) for f in result.findings]
    results += [_result(s.finding, index, s) for s in result.suppressed]
    driver = {
        "name": "costlint",
        "version": version,
        "semanticVersion": version,
        "rules": [_rule(rule_id, rules(rule_id)) for rule_id in rule_ids],
    }
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {"driver": driver},
                "invocations": [_invocation(result)],
                "originalUriBaseIds": {SRCROOT: {"description": _ROOT}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            },
        ],
    }


_ROOT = {"text": "The directory costlint scan ran in."}


def _rule(rule_id: str, text: RuleText | None) -> dict[str, Any]:
    if text is None:
        return {"id": rule_id, "name": rule_id}
    return {
        "id": rule_id,
        "name": _camel(text.id),
        "shortDescription": {"text": text.summary},
        "fullDescription": {"text": text.rationale},
        "help": {
            "text": f"{text.doc}\n\nRun `costlint explain {text.id}`.",
            "markdown": _help_markdown(text),
        },
        "helpUri": text.help_uri,
        "defaultConfiguration": {"level": _LEVELS[text.severity]},
        "properties": {"tags": ["cost"]},
    }


def _camel(rule_id: str) -> str:
    """SARIF rule names are identifiers: `gp2-volume` is `Gp2Volume`."""
    return "".join(part[:1].upper() + part[1:] for part in rule_id.split("-"))


def _help_markdown(text: RuleText) -> str:
    return (
        f"**{text.name}** ({text.severity.label})\n\n"
        f"{text.rationale}.\n\n"
        f"```text\n{text.doc}\n```\n\n"
        f"Run `costlint explain {text.id}` for this page."
    )


def _result(
    finding: Finding,
    index: dict[str, int],
    suppressed: Suppressed | None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": _LEVELS[finding.severity],
        "message": {
            "text": f"{finding.address}: {finding.message} "
            f"(fix: {finding.fix})",
        },
        "locations": [
            {
                "physicalLocation": _physical(finding.location),
                "logicalLocations": [
                    {"fullyQualifiedName": finding.address, "kind": "object"},
                ],
            },
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
        "properties": {"address": finding.address, "fix": finding.fix},
    }
    if suppressed is not None:
        how = suppressed.suppression
        out["suppressions"] = [
            {
                "kind": "inSource" if how.source in _IN_SOURCE else "external",
                "status": "accepted",
                "justification": how.reason or "(no reason given)",
                "properties": {"source": how.source},
            },
        ]
    return out


def _physical(loc: Location) -> dict[str, Any]:
    return {
        "artifactLocation": artifact_location(loc.file),
        "region": {
            "startLine": loc.line,
            "startColumn": loc.column,
            "endLine": max(loc.end_line or loc.line, loc.line),
        },
    }


def artifact_location(file: str) -> dict[str, str]:
    """A report path as a URI: relative to `%SRCROOT%` when it is."""
    path = normalise_path(file)
    if path.startswith("/"):
        return {"uri": "file://" + quote(path, safe="/")}
    return {"uri": quote(path, safe="/"), "uriBaseId": SRCROOT}


def _invocation(result: ScanResult) -> dict[str, Any]:
    return {
        "executionSuccessful": not result.problems,
        "toolExecutionNotifications": list(_notifications(result)),
    }


def _notifications(result: ScanResult) -> Iterable[dict[str, Any]]:
    for problem in result.problems:
        yield {
            "level": "error",
            "message": {"text": f"parse-error: {problem.reason}"},
            "locations": [
                {"physicalLocation": _physical(problem.location)},
            ],
        }
