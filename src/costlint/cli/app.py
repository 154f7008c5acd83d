"""The `costlint` group, its exit codes and its logging set-up.

Every command module registers itself on `main`; only the CLI layer
prints, and user mistakes exit 2 with one sentence.
"""

from __future__ import annotations

import enum
import logging
import sys
from collections.abc import Callable
from pathlib import Path

import click

from costlint import __version__

EXIT_HELP = (
    "Exit codes: 0 no finding at or above --fail-on; 1 findings at or "
    "above it; 2 the scan could not be done (unparseable input, bad "
    "config, usage error)."
)
SEVERITIES = click.Choice(["info", "warning", "error"])


class ExitCode(enum.IntEnum):
    """How a run ended, for shells and CI."""

    CLEAN = 0
    FINDINGS = 1
    ERROR = 2


def setup_logging(verbosity: int) -> None:
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("costlint: %(message)s"))
    root = logging.getLogger("costlint")
    root.handlers[:] = [handler]
    root.setLevel(level)


@click.group(epilog=EXIT_HELP)
@click.version_option(__version__, prog_name="costlint")
def main() -> None:
    """Find cloud waste in infrastructure code before it is merged.

    Reads Terraform directories and plan JSON, Kubernetes manifests and
    AWS Service Control Policies; `costlint rules` lists what it checks.
    """


def read_stdin() -> str:
    """Standard input as UTF-8 text, or exit 2 saying where it is not."""
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        click.echo(
            f"costlint: <stdin>: byte {exc.start + 1} is not UTF-8 text",
            err=True,
        )
        sys.exit(ExitCode.ERROR)


def config_options(func: Callable[..., None]) -> Callable[..., None]:
    """The --config and --isolated options of every command that reads
    the project config and its policy bundle."""
    func = click.option(
        "--isolated",
        is_flag=True,
        help="Ignore all config files; use the packaged bundle.",
    )(func)
    return click.option(
        "--config",
        "config_file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Config file to use instead of the nearest .costlint.yaml.",
    )(func)
