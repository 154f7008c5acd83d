"""`costlint baseline create`: accept today's findings."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from costlint.baseline import (
    DEFAULT_BASELINE,
    BaselineError,
    write_baseline,
)
from costlint.cli.app import ExitCode, config_options, main, setup_logging
from costlint.cli.scan_cmd import run_scan


@main.group("baseline")
def baseline_group() -> None:
    """Accept today's findings so that scans report only new ones."""


@baseline_group.command(
    "create",
    epilog=(
        "Exit codes: 0 the baseline was written; 2 it was not (a file "
        "could not be parsed, bad config, usage error)."
    ),
)
@click.argument(
    "paths",
    nargs=-1,
    required=True,
    type=click.Path(path_type=Path),
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_BASELINE,
    show_default=True,
    help="Baseline file to write.",
)
@config_options
@click.option("-v", "--verbose", count=True, help="-v logs progress.")
def baseline_create_command(
    paths: tuple[Path, ...],
    output: Path,
    config_file: Path | None,
    isolated: bool,
    verbose: int,
) -> None:
    """Write the current findings to a baseline file.

    Findings already suppressed inline or in config are left out. Use
    it with `costlint scan --baseline FILE`; fingerprints ignore line
    numbers, so the baseline survives edits above a finding. Nothing
    is written when a file cannot be parsed (exit 2).
    """
    setup_logging(verbose)
    _settings, result = run_scan(paths, config_file, isolated, None, verbose)
    if result.problems:
        for problem in result.problems:
            click.echo(str(problem), err=True)
        click.echo(
            f"costlint: {output}: not written, "
            f"{len(result.problems)} files could not be parsed",
            err=True,
        )
        sys.exit(ExitCode.ERROR)
    try:
        count = write_baseline(output, result.findings)
    except BaselineError as exc:
        click.echo(f"costlint: {exc}", err=True)
        sys.exit(ExitCode.ERROR)
    click.echo(f"wrote {count} findings to {output}")
