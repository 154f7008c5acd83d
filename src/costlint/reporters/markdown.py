"""Render a scan as a Markdown summary for a pull or merge request.

Meant for a PR comment or `$GITHUB_STEP_SUMMARY`: a headline with the
totals, a table of totals by rule and severity, then one row per
finding with a link to `file#Lline` (relative to the repository root,
where the scan ran), the resource, the rule and the message.

A finding may carry an estimated monthly saving as a `saving_usd`
attribute; when any reported finding has one, the table grows an
"est. monthly saving" column and the headline the total. No finding
carries one yet, so the column is absent; nothing is estimated here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from urllib.parse import quote

from costlint.baseline import normalise_path
from costlint.engine import ScanResult
from costlint.model import Finding, Severity
from costlint.reporters.ruletext import RuleText

_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def saving_of(finding: Finding) -> float | None:
    """The finding's estimated monthly saving in USD, if it has one."""
    value = getattr(finding, "saving_usd", None)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def render_markdown(
    result: ScanResult,
    rules: Callable[[str], RuleText | None],
) -> str:
    """The summary as Markdown text, ending with a newline."""
    savings = [saving_of(f) for f in result.findings]
    show_savings = any(s is not None for s in savings)
    parts = [_headline(result, savings if show_savings else None)]
    notes = _notes(result)
    if notes:
        parts.append(notes)
    if result.findings:
        parts.append(_totals(result, rules))
        parts.append(_table(result, savings if show_savings else None))
    if result.problems:
        parts.append(_problems(result))
    return "\n\n".join(parts) + "\n"


def _headline(result: ScanResult, savings: list[float | None] | None) -> str:
    total = len(result.findings)
    if not total:
        head = "### costlint: no findings"
    else:
        counts = Counter(f.severity for f in result.findings)
        detail = ", ".join(
            f"{counts[s]} {s.label}" for s in _ORDER if counts[s]
        )
        plural = "" if total == 1 else "s"
        head = f"### costlint: {total} finding{plural} ({detail})"
    if savings is not None:
        known = sum(s for s in savings if s is not None)
        head += f", est. monthly saving ${known:,.2f}"
    return head


def _notes(result: ScanResult) -> str:
    lines = [f"Scanned {result.resources} resources in {result.files} files."]
    if result.suppressed:
        by_source = Counter(s.suppression.source for s in result.suppressed)
        detail = ", ".join(f"{n} {k}" for k, n in sorted(by_source.items()))
        lines.append(
            f"{len(result.suppressed)} suppressed ({detail}); they do not "
            "fail the run."
        )
    if result.problems:
        lines.append(
            f"**{len(result.problems)} could not be parsed**: the scan is "
            "incomplete and fails."
        )
    return " ".join(lines)


def _totals(
    result: ScanResult,
    rules: Callable[[str], RuleText | None],
) -> str:
    counts = Counter((f.rule, f.severity) for f in result.findings)
    rows = [
        "| rule | what | severity | findings |",
        "| --- | --- | --- | ---: |",
    ]
    for (rule, severity), count in sorted(
        counts.items(),
        key=lambda item: (-item[0][1], item[0][0]),
    ):
        text = rules(rule)
        what = _cell(text.summary) if text else ""
        rows.append(f"| `{rule}` | {what} | {severity.label} | {count} |")
    return "\n".join(rows)


def _table(result: ScanResult, savings: list[float | None] | None) -> str:
    head = "| severity | where | resource | rule | message |"
    rule = "| --- | --- | --- | --- | --- |"
    if savings is not None:
        head += " est. monthly saving |"
        rule += " ---: |"
    rows = [head, rule]
    for index, finding in enumerate(result.findings):
        loc = finding.location
        path = normalise_path(loc.file)
        link = f"[{_cell(path)}:{loc.line}]({quote(path)}#L{loc.line})"
        row = (
            f"| {finding.severity.label} | {link} | {_code(finding.address)} "
            f"| `{finding.rule}` | {_cell(finding.message)} |"
        )
        if savings is not None:
            saving = savings[index]
            row += f" {'' if saving is None else f'${saving:,.2f}'} |"
        rows.append(row)
    return "\n".join(rows)


def _problems(result: ScanResult) -> str:
    lines = ["Could not be parsed:", ""]
    for problem in result.problems:
        loc = problem.location
        path = normalise_path(loc.file)
        lines.append(
            f"- [{_cell(path)}:{loc.line}]({quote(path)}#L{loc.line}): "
            f"{_cell(problem.reason)}"
        )
    return "\n".join(lines)


def _cell(text: str) -> str:
    """Text safe inside a table cell: no pipes, tags or line breaks."""
    return (
        " ".join(text.split())
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
    )


def _code(text: str) -> str:
    if "`" in text:
        return _cell(text)
    return "`" + text.replace("|", "\\|") + "`"
