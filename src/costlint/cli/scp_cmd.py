"""`costlint scp simulate`: debug what a set of SCPs decides."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from costlint.cli.app import main, read_stdin
from costlint.discover import DiscoveryError
from costlint.scp.simulate import (
    SimulationError,
    load_policies,
    parse_pairs,
    render_simulation,
    simulate,
)


@main.group("scp")
def scp_group() -> None:
    """Work with AWS Organizations service control policies."""


@scp_group.command("simulate")
@click.argument(
    "policies",
    nargs=-1,
    required=True,
    type=click.Path(path_type=Path),
)
@click.option("--action", required=True, help="e.g. ec2:CreateVolume")
@click.option(
    "--tag",
    "tags",
    multiple=True,
    metavar="KEY=VALUE",
    help="A tag of the request (repeatable).",
)
@click.option(
    "--resource",
    "resource_arn",
    metavar="ARN",
    help="Evaluate against this ARN instead of the action's resources.",
)
@click.option(
    "--context",
    "context",
    multiple=True,
    metavar="KEY=VALUE",
    help="A context key such as aws:PrincipalArn (repeatable).",
)
def scp_simulate_command(
    policies: tuple[Path, ...],
    action: str,
    tags: tuple[str, ...],
    resource_arn: str | None,
    context: tuple[str, ...],
) -> None:
    """Show whether SCPs deny a request, and which statement decides.

    Exit codes: 0 not denied, 1 denied, 2 undecided or error.
    """
    try:
        stdin_text = read_stdin() if Path("-") in policies else None
        loaded = load_policies(list(policies), stdin_text)
        request_tags = {
            key: values[-1]
            for key, values in parse_pairs(tags, "--tag").items()
        }
        result = simulate(
            loaded,
            action,
            request_tags,
            resource_arn,
            parse_pairs(context, "--context"),
        )
    except (SimulationError, DiscoveryError) as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(render_simulation(result), nl=False)
    sys.exit(int(result.verdict))
