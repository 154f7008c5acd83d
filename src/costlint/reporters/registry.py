"""Every report format by name, and what a renderer is given.

A renderer turns a `ScanResult` into the text of one format; it never
decides anything (the exit code and the rule texts arrive in
`ReportContext`). Renderers take rule texts from `ReportContext.rules`
so that tests can pin them and golden files do not change whenever a
rule's wording does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from costlint import __version__
from costlint.engine import ScanResult
from costlint.reporters.github import render_github
from costlint.reporters.gitlab import render_gitlab
from costlint.reporters.json_report import render_json
from costlint.reporters.junit import render_junit
from costlint.reporters.markdown import render_markdown
from costlint.reporters.ruletext import RuleText, describe_rule
from costlint.reporters.sarif import render_sarif
from costlint.reporters.text import render_text


@dataclass(frozen=True)
class ReportContext:
    """What a renderer needs besides the result."""

    exit_code: int
    colour: bool = False
    verbose: bool = False
    tool_version: str = __version__
    rules: Callable[[str], RuleText | None] = field(default=describe_rule)


Renderer = Callable[[ScanResult, ReportContext], str]


def _text(result: ScanResult, ctx: ReportContext) -> str:
    return render_text(result, ctx.colour, ctx.verbose)


def _json(result: ScanResult, ctx: ReportContext) -> str:
    return render_json(result, ctx.exit_code)


def _sarif(result: ScanResult, ctx: ReportContext) -> str:
    return render_sarif(result, ctx.rules, ctx.tool_version)


def _junit(result: ScanResult, ctx: ReportContext) -> str:
    return render_junit(result)


def _gitlab(result: ScanResult, ctx: ReportContext) -> str:
    return render_gitlab(result)


def _github(result: ScanResult, ctx: ReportContext) -> str:
    return render_github(result)


def _markdown(result: ScanResult, ctx: ReportContext) -> str:
    return render_markdown(result, ctx.rules)


FORMATS: dict[str, Renderer] = {
    "text": _text,
    "json": _json,
    "sarif": _sarif,
    "junit": _junit,
    "gitlab": _gitlab,
    "github": _github,
    "markdown": _markdown,
}
"""Format names as `--format` takes them, in the order `--help` lists."""


def render(fmt: str, result: ScanResult, ctx: ReportContext) -> str:
    """The report of `result` in format `fmt`."""
    return FORMATS[fmt](result, ctx)


class OutputPlanError(ValueError):
    """`--format`/`--output` options that do not pair up; one sentence."""


@dataclass(frozen=True)
class ReportTarget:
    """One report to write: its format and file (None: stdout)."""

    fmt: str
    output: Path | None


_FORMAT_FLAGS = ("--format",)
_OUTPUT_FLAGS = ("--output", "-o")


def plan_outputs(args: Sequence[str]) -> list[ReportTarget]:
    """Pair each `--format` with the `--output` written after it.

    An `--output` belongs to the `--format` just before it; one given
    before any `--format` waits for the next. Without `--format` the
    report is text. At most one report may go to standard output.
    `args` are the raw command-line words, in order.
    """
    pairs: list[list[Any]] = []
    waiting: list[Path] = []
    for flag, value in _options(args):
        if flag in _FORMAT_FLAGS:
            pairs.append([value, waiting.pop(0) if waiting else None])
        elif pairs and pairs[-1][1] is None:
            pairs[-1][1] = Path(value)
        else:
            waiting.append(Path(value))

    if not pairs:
        pairs.append(["text", waiting.pop(0) if waiting else None])
    if waiting:
        raise OutputPlanError(
            f"--output {waiting[0]} has no --format of its own (write "
            "--format NAME before each --output FILE)",
        )
    targets = [ReportTarget(fmt, out) for fmt, out in pairs]
    to_stdout = [t.fmt for t in targets if t.output is None]
    if len(to_stdout) > 1:
        raise OutputPlanError(
            f"only one report can go to standard output, not "
            f"{' and '.join(to_stdout)} (give the others --output FILE)",
        )
    return targets


def _options(args: Sequence[str]) -> Iterator[tuple[str, str]]:
    """(flag, value) of every format and output option, in order."""
    words = iter(args)
    for word in words:
        if word == "--":
            return
        for flag in (*_FORMAT_FLAGS, *_OUTPUT_FLAGS):
            if word == flag:
                value = next(words, None)
                if value is not None:
                    yield flag, value
            elif word.startswith(f"{flag}=") and flag.startswith("--"):
                yield flag, word.split("=", 1)[1]
            elif flag == "-o" and word.startswith("-o") and len(word) > 2:
                yield flag, word[2:]
