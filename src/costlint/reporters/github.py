"""Render a scan as GitHub Actions workflow commands.

Printed in a workflow step, each line becomes an annotation on the
pull request's diff: `::warning file=F,line=L,col=C,endLine=E,
title=RULE::message`. Levels map as error -> `error`, warning ->
`warning`, info -> `notice`; a file that could not be parsed is an
`error` titled `parse-error`. The run ends with the plain summary line,
which the log shows as text.

Escaping follows the runner's rules: in the message `%`, CR and LF are
percent-encoded; in properties `:` and `,` are too, since they separate
the properties.
"""

from __future__ import annotations

from costlint.baseline import normalise_path
from costlint.engine import ScanResult
from costlint.model import Finding, Location, Severity
from costlint.reporters.text import render_summary

LEVELS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
}


def render_github(result: ScanResult) -> str:
    """Workflow commands, one per finding, then the summary line."""
    lines = [
        _command("error", problem.location, "parse-error", problem.reason)
        for problem in result.problems
    ]
    lines += [_finding(finding) for finding in result.findings]
    lines.append(render_summary(result))
    return "\n".join(lines) + "\n"


def _finding(finding: Finding) -> str:
    return _command(
        LEVELS[finding.severity],
        finding.location,
        finding.rule,
        f"{finding.address}: {finding.message} (fix: {finding.fix})",
    )


def _command(level: str, loc: Location, title: str, message: str) -> str:
    props = [
        ("file", normalise_path(loc.file)),
        ("line", str(loc.line)),
        ("col", str(loc.column)),
    ]
    if loc.end_line and loc.end_line > loc.line:
        props.append(("endLine", str(loc.end_line)))
    props.append(("title", title))
    joined = ",".join(
        f"{key}={escape_property(value)}" for key, value in props
    )
    return f"::{level} {joined}::{escape_data(message)}"


def escape_data(text: str) -> str:
    """A command's message as the runner reads it back."""
    escaped = (
        text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    )
    return "".join(
        f"%{ord(char):02X}" if ord(char) < 32 or ord(char) == 127 else char
        for char in escaped
    )


def escape_property(text: str) -> str:
    """A command property value as the runner reads it back."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
