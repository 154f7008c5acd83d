"""The `costlint` group, its exit codes and its logging set-up.

Every command module registers itself on `main`; only the CLI layer
prints, and user mistakes exit 2 with one sentence.
"""

from __future__ import annotations

import enum
import logging
import sys

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
