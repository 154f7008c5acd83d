"""Render a scan for people reading a terminal or a CI log.

One line per finding in the `path:line:col: severity rule: message`
shape that editors and CI log parsers understand, why it costs money
and the fix on the lines below, then a one-line summary. Colour only on
a terminal and never when NO_COLOR is set.
"""

from __future__ import annotations

from collections import Counter

from costlint.engine import ScanResult
from costlint.model import Finding, Severity

_COLOURS = {
    Severity.ERROR: "\033[31m",
    Severity.WARNING: "\033[33m",
    Severity.INFO: "\033[36m",
}
_DIM = "\033[2m"
_RESET = "\033[0m"


def render_text(
    result: ScanResult,
    colour: bool = False,
    verbose: bool = False,
) -> str:
    """The whole text report, ending with a newline."""
    lines = [_printable(str(problem)) for problem in result.problems]
    for finding in result.findings:
        lines.extend(_finding_lines(finding, colour))
    if verbose:
        for note in result.unresolved:
            lines.append(
                _printable(
                    f"{note.location}: unresolved {note.rule}: "
                    f"{note.address}: {note.reason}",
                ),
            )
    lines.append(render_summary(result))
    return "\n".join(lines) + "\n"


_CONTROL = {code: f"\\x{code:02x}" for code in (*range(32), 127)}
_CONTROL[ord("\n")] = "\\n"
_CONTROL[ord("\t")] = "\\t"


def _printable(text: str) -> str:
    """One line of text: control characters from scanned input escaped.

    A name such as `"a\nfile.tf:1:1: error forged"` must not print a
    second, fake finding line, nor move a terminal's cursor.
    """
    return text.translate(_CONTROL)


def _finding_lines(finding: Finding, colour: bool) -> list[str]:
    label = finding.severity.label
    if colour:
        label = f"{_COLOURS[finding.severity]}{label}{_RESET}"
    via = f" (via {finding.via})" if finding.via else ""
    where = _printable(str(finding.location))
    what = _printable(f"{finding.address}{via}: {finding.message}")
    head = f"{where}: {label} {finding.rule}: {what}"
    notes = [
        _printable(f"    why: {finding.why}"),
        _printable(f"    fix: {finding.fix}"),
    ]
    if colour:
        notes = [f"{_DIM}{note}{_RESET}" for note in notes]
    return [head, *notes]


def render_summary(result: ScanResult) -> str:
    """One line: what was found, in what, and what was not judged."""
    counts = Counter(f.severity for f in result.findings)
    parts = [
        f"{counts[severity]} {severity.label}"
        for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        if counts[severity]
    ]
    detail = f" ({', '.join(parts)})" if parts else ""
    total = len(result.findings)
    line = (
        f"{total} finding{'' if total == 1 else 's'}{detail} in "
        f"{_count(result.resources, 'resource')} from "
        f"{_count(result.files, 'file')}"
    )
    if result.problems:
        line += f"; {len(result.problems)} could not be parsed"
    if result.suppressed:
        line += f"; {len(result.suppressed)} suppressed"
    unresolved = {(n.address, n.location.file) for n in result.unresolved}
    if unresolved:
        line += (
            f"; {len(unresolved)} not fully evaluated (a value is not "
            "known statically; -v lists them)"
        )
    return line


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
