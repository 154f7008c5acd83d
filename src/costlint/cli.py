"""The `costlint` command line: parse options, call plain functions.

Exit codes (one enum, shown in `--help`): 0 no finding at or above
`--fail-on`; 1 such findings; 2 the scan could not be done (a file that
cannot be parsed, bad config, a usage error or an internal error, whose
traceback shows only under `-vv`).
"""

from __future__ import annotations

import enum
import logging
import os
import sys
import traceback
from pathlib import Path

import click

from costlint import __version__
from costlint.config import ConfigError, Settings, load_settings
from costlint.discover import DiscoveryError
from costlint.engine import ScanResult, scan
from costlint.model import Severity
from costlint.reporters.json_report import render_json
from costlint.reporters.text import render_text
from costlint.rules import RULES, rules_by_id
from costlint.rules.base import rule_doc

log = logging.getLogger("costlint")

EXIT_HELP = (
    "Exit codes: 0 no finding at or above --fail-on; 1 findings at or "
    "above it; 2 the scan could not be done (unparseable input, bad "
    "config, usage error)."
)
_SEVERITIES = click.Choice(["info", "warning", "error"])


class ExitCode(enum.IntEnum):
    """How a run ended, for shells and CI."""

    CLEAN = 0
    FINDINGS = 1
    ERROR = 2


def _setup_logging(verbosity: int) -> None:
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("costlint: %(message)s"))
    root = logging.getLogger("costlint")
    root.handlers[:] = [handler]
    root.setLevel(level)


@click.group(epilog=EXIT_HELP)
@click.version_option(__version__, prog_name="costlint")
def main() -> None:
    """Find cloud waste in Terraform before it is merged."""


def exit_code_for(result: ScanResult, fail_on: Severity) -> ExitCode:
    """The exit code a scan result earns under a threshold."""
    if result.problems:
        return ExitCode.ERROR
    worst = result.worst()
    if worst is not None and worst >= fail_on:
        return ExitCode.FINDINGS
    return ExitCode.CLEAN


def _use_colour(output: Path | None) -> bool:
    if output or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


@main.command("scan", epilog=EXIT_HELP)
@click.argument(
    "paths",
    nargs=-1,
    required=True,
    type=click.Path(path_type=Path),
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of standard output.",
)
@click.option(
    "--fail-on",
    type=_SEVERITIES,
    help="Lowest severity that makes the run exit 1 [default: warning].",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Config file to use instead of the nearest .costlint.yaml.",
)
@click.option("--isolated", is_flag=True, help="Ignore all config files.")
@click.option(
    "-v",
    "--verbose",
    count=True,
    help="-v lists unresolved values and logs progress; -vv debugs.",
)
def scan_command(
    paths: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    fail_on: str | None,
    config_file: Path | None,
    isolated: bool,
    verbose: int,
) -> None:
    """Scan Terraform files and directories for cost problems."""
    _setup_logging(verbose)
    try:
        start = paths[0] if paths[0] != Path("-") else Path.cwd()
        settings = load_settings(start, config_file, isolated)
        stdin_text = sys.stdin.read() if Path("-") in paths else None
        result = scan(list(paths), settings, stdin_text)
    except (ConfigError, DiscoveryError) as exc:
        click.echo(f"costlint: {exc}", err=True)
        sys.exit(ExitCode.ERROR)
    except Exception as exc:  # an internal error must still exit 2
        _report_crash(exc, verbose)
        sys.exit(ExitCode.ERROR)

    threshold = _threshold(fail_on, settings)
    code = exit_code_for(result, threshold)
    if fmt == "json":
        text = render_json(result, int(code))
    else:
        text = render_text(result, _use_colour(output), verbose > 0)
    _emit(text, output)
    sys.exit(code)


def _threshold(flag: str | None, settings: Settings) -> Severity:
    if flag:
        return Severity.parse(flag)
    return settings.fail_on or Severity.WARNING


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        click.echo(
            f"costlint: {output}: cannot write ({exc.strerror})", err=True
        )
        sys.exit(ExitCode.ERROR)


def _report_crash(exc: Exception, verbose: int) -> None:
    click.echo(
        f"costlint: internal error: {type(exc).__name__}: {exc} "
        "(run with -vv for the traceback)",
        err=True,
    )
    if verbose >= 2:
        click.echo(traceback.format_exc(), err=True)


@main.command("rules")
def rules_command() -> None:
    """List every rule with its id, default severity and summary."""
    width = max(len(rule.META.id) for rule in RULES)
    for rule in RULES:
        meta = rule.META
        click.echo(
            f"{meta.id:<{width}}  {meta.severity.label:<7}  {meta.summary}",
        )


@main.command("explain")
@click.argument("rule_id")
def explain_command(rule_id: str) -> None:
    """Print the documentation of one rule."""
    rule = rules_by_id().get(rule_id)
    if rule is None:
        known = ", ".join(sorted(rules_by_id()))
        raise click.UsageError(f"unknown rule {rule_id!r} (known: {known})")
    meta = rule.META
    click.echo(f"{meta.id}: {meta.name}")
    click.echo(f"severity: {meta.severity.label}")
    click.echo(f"tags: {', '.join(meta.tags)}")
    click.echo("")
    click.echo(rule_doc(rule))
