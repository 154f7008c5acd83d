"""Render a scan as JUnit XML, for CI test-report views.

GitLab (`artifacts:reports:junit`) and Jenkins (junit and xUnit
plugins) show JUnit reports as test results, so each finding becomes a
failed test case: one `testsuite` per rule, one `testcase` per finding,
named after its file, line and resource, with a `failure` whose type is
the severity. A suppressed finding is a skipped case that says what
suppressed it and why. Files that could not be parsed are cases with an
`error` in a `parse-error` suite. A scan with nothing to report gives
one passing case, so that the report is never empty.

The output validates against the JUnit schema of Jenkins' xUnit plugin
(copied under `tests/schemas/junit/`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from costlint.engine import ScanResult
from costlint.model import Finding, ParseProblem
from costlint.suppress import Suppressed

SUITES = "costlint"
_NOT_XML = re.compile(
    r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def render_junit(result: ScanResult) -> str:
    """The JUnit XML document as text, ending with a newline."""
    root = ET.Element("testsuites", name=SUITES)
    cases: dict[str, list[ET.Element]] = defaultdict(list)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])

    for finding in result.findings:
        cases[finding.rule].append(_failed(finding))
        counts[finding.rule][0] += 1
    for entry in result.suppressed:
        cases[entry.finding.rule].append(_skipped(entry))
        counts[entry.finding.rule][2] += 1
    for problem in result.problems:
        cases["parse-error"].append(_broken(problem))
        counts["parse-error"][1] += 1
    if not cases:
        cases[SUITES].append(ET.Element("testcase", name="no findings"))
        counts[SUITES] = [0, 0, 0]

    for name in sorted(cases):
        failures, errors, skipped = counts[name]
        suite = ET.SubElement(
            root,
            "testsuite",
            name=name,
            tests=str(len(cases[name])),
            failures=str(failures),
            errors=str(errors),
            skipped=str(skipped),
        )
        suite.extend(cases[name])

    total = sum(len(c) for c in cases.values())
    root.set("tests", str(total))
    root.set("failures", str(sum(c[0] for c in counts.values())))
    root.set("errors", str(sum(c[1] for c in counts.values())))
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def _case(finding: Finding) -> ET.Element:
    loc = finding.location
    return ET.Element(
        "testcase",
        name=_clean(f"{loc.file}:{loc.line} {finding.address}"),
        classname=f"{SUITES}.{finding.rule}",
    )


def _failed(finding: Finding) -> ET.Element:
    case = _case(finding)
    failure = ET.SubElement(
        case,
        "failure",
        type=finding.severity.label,
        message=_clean(finding.message),
    )
    failure.text = _clean(_detail(finding))
    return case


def _skipped(entry: Suppressed) -> ET.Element:
    case = _case(entry.finding)
    how = entry.suppression
    reason = how.reason or "no reason given"
    ET.SubElement(
        case,
        "skipped",
        message=_clean(f"suppressed ({how.source}): {reason}"),
    )
    return case


def _broken(problem: ParseProblem) -> ET.Element:
    loc = problem.location
    case = ET.Element(
        "testcase",
        name=_clean(f"{loc.file}:{loc.line}"),
        classname=f"{SUITES}.parse-error",
    )
    error = ET.SubElement(
        case,
        "error",
        type="parse-error",
        message=_clean(problem.reason),
    )
    error.text = _clean(str(problem))
    return case


def _detail(finding: Finding) -> str:
    return (
        f"{finding.location}: {finding.severity.label} {finding.rule}: "
        f"{finding.address}: {finding.message}\n"
        f"fix: {finding.fix}\n"
        f"why: {finding.why}"
    )


def _clean(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("\ufffd", text)
