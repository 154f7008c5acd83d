"""Render a scan as a GitLab Code Quality report.

GitLab reads a JSON array of issues (`artifacts:reports:codequality`)
and shows them in the merge request. Each finding gives `description`
(address and message), `check_name` (the rule id), `fingerprint`,
`severity` and `location.path` with `location.lines.begin`.

Severities map as: info -> `info`, warning -> `minor`, error ->
`major`; a file that could not be parsed is a `blocker` issue with
check name `parse-error`. GitLab shows issues with equal fingerprints
as one, so each finding gets its own: the baseline fingerprint, with
`-2`, `-3`... appended to repeats. Suppressed findings are left out.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from costlint.baseline import normalise_path, unique_fingerprints
from costlint.engine import ScanResult
from costlint.model import Finding, ParseProblem, Severity

SEVERITIES = {
    Severity.INFO: "info",
    Severity.WARNING: "minor",
    Severity.ERROR: "major",
}
PARSE_ERROR_SEVERITY = "blocker"


def render_gitlab(result: ScanResult) -> str:
    """The Code Quality report as indented JSON text with a newline."""
    return json.dumps(gitlab_issues(result), indent=2) + "\n"


def gitlab_issues(result: ScanResult) -> list[dict[str, Any]]:
    """The Code Quality issues as plain data."""
    prints = unique_fingerprints(result.findings)
    issues = [
        _issue(finding, print_)
        for finding, print_ in zip(result.findings, prints, strict=True)
    ]
    issues += [_problem(problem) for problem in result.problems]
    return issues


def _issue(finding: Finding, print_: str) -> dict[str, Any]:
    loc = finding.location
    return {
        "type": "issue",
        "description": f"{finding.address}: {finding.message}",
        "check_name": finding.rule,
        "fingerprint": print_,
        "severity": SEVERITIES[finding.severity],
        "content": {"body": f"Fix: {finding.fix}\n\nWhy: {finding.why}"},
        "location": {
            "path": normalise_path(loc.file),
            "lines": {
                "begin": loc.line,
                "end": max(loc.end_line or loc.line, loc.line),
            },
        },
    }


def _problem(problem: ParseProblem) -> dict[str, Any]:
    loc = problem.location
    key = "\x1f".join(("parse-error", normalise_path(loc.file), str(loc.line)))
    return {
        "type": "issue",
        "description": f"parse-error: {problem.reason}",
        "check_name": "parse-error",
        "fingerprint": hashlib.sha256(key.encode("utf-8")).hexdigest()[:32],
        "severity": PARSE_ERROR_SEVERITY,
        "location": {
            "path": normalise_path(loc.file),
            "lines": {"begin": loc.line},
        },
    }
