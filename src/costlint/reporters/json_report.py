"""Render a scan as the versioned JSON document of docs/json-format.md.

The document is a contract for machines: its `version` changes only
when a field is removed or changes meaning, and it is checked against
`costlint/data/report.schema.json` in the tests.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from costlint import __version__
from costlint.baseline import fingerprint
from costlint.engine import ScanResult
from costlint.model import Finding, Severity
from costlint.suppress import Suppressed

REPORT_VERSION = 1


def _finding(finding: Finding) -> dict[str, Any]:
    loc = finding.location
    via = {"via": finding.via} if finding.via else {}
    return {
        "rule": finding.rule,
        "severity": finding.severity.label,
        "file": loc.file,
        "line": loc.line,
        "column": loc.column,
        "end_line": loc.end_line or loc.line,
        "address": finding.address,
        "message": finding.message,
        "fix": finding.fix,
        "why": finding.why,
        "fingerprint": fingerprint(finding),
        **via,
    }


def _suppressed(entry: Suppressed) -> dict[str, Any]:
    how = entry.suppression
    return {
        **_finding(entry.finding),
        "suppression": {
            "source": how.source,
            "reason": how.reason,
            "file": how.location.file,
            "line": how.location.line,
            "until": how.until.isoformat() if how.until else None,
        },
    }


def report_document(result: ScanResult, exit_code: int) -> dict[str, Any]:
    """The report as plain data."""
    counts = Counter(f.severity.label for f in result.findings)
    return {
        "version": REPORT_VERSION,
        "tool": {"name": "costlint", "version": __version__},
        "findings": [_finding(f) for f in result.findings],
        "errors": [
            {
                "file": p.location.file,
                "line": p.location.line,
                "column": p.location.column,
                "message": p.reason,
            }
            for p in result.problems
        ],
        "unresolved": [
            {
                "rule": n.rule,
                "address": n.address,
                "file": n.location.file,
                "line": n.location.line,
                "reason": n.reason,
            }
            for n in result.unresolved
        ],
        "suppressed": [_suppressed(s) for s in result.suppressed],
        "summary": {
            "files": result.files,
            "resources": result.resources,
            "findings": len(result.findings),
            "by_severity": {s.label: counts[s.label] for s in Severity},
            "errors": len(result.problems),
            "unresolved": len(result.unresolved),
            "suppressed": len(result.suppressed),
            "exit_code": exit_code,
        },
    }


def render_json(result: ScanResult, exit_code: int) -> str:
    """The report as indented JSON text, ending with a newline."""
    return json.dumps(report_document(result, exit_code), indent=2) + "\n"
