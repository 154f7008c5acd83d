"""`costlint scan`: options, reports and the run's exit code."""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

import click

from costlint.baseline import (
    BaselineError,
    read_baseline,
)
from costlint.changed import ChangedError, select_changed
from costlint.cli.app import (
    EXIT_HELP,
    SEVERITIES,
    ExitCode,
    config_options,
    main,
    read_stdin,
    setup_logging,
)
from costlint.config import ConfigError, Settings, load_settings
from costlint.discover import DiscoveryError
from costlint.engine import ScanResult, scan
from costlint.model import Severity
from costlint.reporters.registry import (
    FORMATS,
    OutputPlanError,
    ReportContext,
    ReportTarget,
    plan_outputs,
    render,
)


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


class _ScanCommand(click.Command):
    """`scan`, which pairs each --format with the --output after it.

    click collects repeated options without their order, so the pairs
    are read from the raw words before click parses them.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            ctx.meta["costlint.targets"] = plan_outputs(args)
        except OutputPlanError as exc:
            raise click.UsageError(str(exc), ctx) from exc
        return super().parse_args(ctx, args)


@main.command("scan", epilog=EXIT_HELP, cls=_ScanCommand)
@click.argument(
    "paths",
    nargs=-1,
    required=True,
    type=click.Path(path_type=Path),
)
@click.option(
    "--format",
    "fmts",
    type=click.Choice(list(FORMATS)),
    multiple=True,
    help="Report format [default: text]; repeat for several reports.",
)
@click.option(
    "--output",
    "-o",
    "outputs",
    type=click.Path(dir_okay=False, path_type=Path),
    multiple=True,
    help=(
        "Write the report of the --format before it to this file "
        "instead of standard output."
    ),
)
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Report only findings not accepted in this baseline file.",
)
@click.option(
    "--changed-only",
    is_flag=True,
    help=(
        "Scan only changed files: named files, or files under the named "
        "directories that git shows changed against --base; their whole "
        "Terraform directories and callers are still evaluated."
    ),
)
@click.option(
    "--base",
    "base_ref",
    metavar="REF",
    help="With --changed-only: compare with the merge base of REF and "
    "HEAD [default: HEAD, i.e. uncommitted changes].",
)
@click.option(
    "--fail-on",
    type=SEVERITIES,
    help="Lowest severity that makes the run exit 1 [default: warning].",
)
@config_options
@click.option(
    "--source",
    "source_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help=(
        "Directory of the .tf files a plan was made from, to point "
        "findings at them [default: the plan's directory]."
    ),
)
@click.option(
    "-v",
    "--verbose",
    count=True,
    help="-v lists unresolved values and logs progress; -vv debugs.",
)
def scan_command(
    paths: tuple[Path, ...],
    fmts: tuple[str, ...],
    outputs: tuple[Path, ...],
    baseline_file: Path | None,
    changed_only: bool,
    base_ref: str | None,
    fail_on: str | None,
    config_file: Path | None,
    isolated: bool,
    source_dir: Path | None,
    verbose: int,
) -> None:
    """Scan files and directories for cost problems.

    PATHS are Terraform directories or files (.tf, .tf.json), plan JSON
    (`terraform show -json`), Kubernetes manifests (.yaml, .yml, .json)
    and SCP JSON; `-` reads a plan, an SCP or manifests (for example
    `helm template` output) from standard input.

    Several reports can be written in one run: `--format sarif --output
    costlint.sarif --format text` writes SARIF to a file and text to
    standard output.
    """
    setup_logging(verbose)
    if base_ref is not None and not changed_only:
        raise click.UsageError("--base is used only with --changed-only")
    targets: list[ReportTarget] = click.get_current_context().meta.get(
        "costlint.targets",
        [ReportTarget(fmt, None) for fmt in fmts or ("text",)],
    )
    settings, result = run_scan(
        paths,
        config_file,
        isolated,
        source_dir,
        verbose,
        baseline_file=baseline_file,
        changed=(base_ref,) if changed_only else None,
    )

    threshold = _threshold(fail_on, settings)
    code = exit_code_for(result, threshold)
    for target in targets:
        ctx = ReportContext(
            exit_code=int(code),
            colour=target.fmt == "text" and _use_colour(target.output),
            verbose=verbose > 0,
        )
        _emit(render(target.fmt, result, ctx), target.output)
    sys.exit(code)


def run_scan(
    paths: tuple[Path, ...],
    config_file: Path | None,
    isolated: bool,
    source_dir: Path | None,
    verbose: int,
    baseline_file: Path | None = None,
    changed: tuple[str | None] | None = None,
) -> tuple[Settings, ScanResult]:
    """Load settings and scan, or exit 2 saying why it cannot be done.

    `changed` holds the `--base` ref when `--changed-only` is given.
    """
    try:
        start = paths[0] if paths[0] != Path("-") else Path.cwd()
        settings = load_settings(start, config_file, isolated)
        baseline = read_baseline(baseline_file) if baseline_file else None
        selection = None
        if changed is not None:
            selection = select_changed(
                paths,
                changed[0],
                settings.exclude,
                settings.base,
            )
        stdin_text = read_stdin() if Path("-") in paths else None
        result = scan(
            list(paths),
            settings,
            stdin_text,
            source_dir,
            baseline=baseline,
            changed=selection,
        )
    except (ConfigError, DiscoveryError, BaselineError, ChangedError) as exc:
        click.echo(f"costlint: {exc}", err=True)
        sys.exit(ExitCode.ERROR)
    except Exception as exc:  # an internal error must still exit 2
        _report_crash(exc, verbose)
        sys.exit(ExitCode.ERROR)
    return settings, result


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
