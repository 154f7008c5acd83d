"""`costlint generate`: SCPs, Kyverno policies and Terraform code
from the policy bundle, with `--check` for drift in CI."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from costlint.cli.app import ExitCode, config_options, main
from costlint.config import ConfigError, Settings, load_settings
from costlint.gen_kyverno import GenerationError as KyvernoGenerationError
from costlint.gen_kyverno import generate_policies
from costlint.gen_kyverno import generated_here as kyverno_generated_here
from costlint.gen_terraform import DEFAULT_OUT, policy_is_current, write_policy
from costlint.generated import (
    GeneratedFile,
    Owned,
    stale_files,
    write_generated,
)
from costlint.scp.generate import (
    GenerationError,
    generate_scps,
)
from costlint.scp.generate import generated_here as scp_generated_here


@main.group("generate")
def generate_group() -> None:
    """Write enforcement policies from the policy bundle.

    Each generator is a subcommand that reads the bundle (as `scan`
    finds it: --config, the nearest .costlint.yaml, or the packaged
    default) and writes its files into --out.
    """


def out_option(default: Path, what: str) -> Callable[..., Any]:
    """--out, with the directory a generator writes by default."""
    return click.option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        default=default,
        show_default=True,
        help=f"Where to write {what}.",
    )


check_option = click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 if --out is not up to date.",
)


def generator_settings(config_file: Path | None, isolated: bool) -> Settings:
    """The settings a generator reads its bundle from, or exit 2."""
    try:
        return load_settings(Path.cwd(), config_file, isolated)
    except ConfigError as exc:
        click.echo(f"costlint: {exc}", err=True)
        sys.exit(ExitCode.ERROR)


@generate_group.command("scp")
@out_option(Path("scp"), "the SCPs and their README")
@check_option
@config_options
def generate_scp_command(
    out: Path,
    check: bool,
    config_file: Path | None,
    isolated: bool,
) -> None:
    """Write deny-untagged-create SCPs for the bundle's required tags."""
    settings = generator_settings(config_file, isolated)
    try:
        files = generate_scps(settings.bundle)
    except GenerationError as exc:
        click.echo(f"costlint: {settings.bundle_path}: {exc}", err=True)
        sys.exit(ExitCode.ERROR)
    _emit_generated(files, out, check, "scp", scp_generated_here)


def _emit_generated(
    files: Sequence[GeneratedFile],
    out: Path,
    check: bool,
    name: str,
    owned: Owned,
) -> None:
    """Write a generated directory, or with `--check` report its drift."""
    if check:
        stale = stale_files(files, out, owned)
        if stale:
            click.echo(
                f"{out}: out of date: {', '.join(stale)} (run costlint "
                f"generate {name})",
            )
            sys.exit(ExitCode.FINDINGS)
        click.echo(f"{out}: up to date")
        return
    try:
        written = write_generated(files, out, owned)
    except OSError as exc:
        click.echo(f"costlint: {out}: cannot write ({exc.strerror})", err=True)
        sys.exit(ExitCode.ERROR)
    click.echo(f"wrote {len(written)} files to {out}")


@generate_group.command("terraform")
@out_option(DEFAULT_OUT, "policy.tf (the cost-tags module directory)")
@check_option
@config_options
def generate_terraform_command(
    out: Path,
    check: bool,
    config_file: Path | None,
    isolated: bool,
) -> None:
    """Write the cost-tags module's tag validations from the bundle."""
    settings = generator_settings(config_file, isolated)
    source = click.get_current_context().get_parameter_source("out")
    if source == ParameterSource.DEFAULT and not (out / "main.tf").is_file():
        raise click.UsageError(
            f"{out} is not the cost-tags module (no main.tf there); "
            "pass --out with the module's directory",
        )
    if check:
        if not policy_is_current(settings.bundle, out):
            click.echo(
                f"{out}: out of date: policy.tf (run costlint generate "
                "terraform)",
            )
            sys.exit(ExitCode.FINDINGS)
        click.echo(f"{out}: up to date")
        return
    try:
        written = write_policy(settings.bundle, out)
    except OSError as exc:
        click.echo(f"costlint: {out}: cannot write ({exc.strerror})", err=True)
        sys.exit(ExitCode.ERROR)
    click.echo(f"wrote {written}")


@generate_group.command("kyverno")
@out_option(Path("kyverno"), "the ClusterPolicies and their README")
@check_option
@config_options
def generate_kyverno_command(
    out: Path,
    check: bool,
    config_file: Path | None,
    isolated: bool,
) -> None:
    """Write Kyverno ClusterPolicies for the bundle's Kubernetes rules."""
    settings = generator_settings(config_file, isolated)
    options = {rid: rule.options for rid, rule in settings.rules.items()}
    try:
        files = generate_policies(settings.bundle, options)
    except KyvernoGenerationError as exc:
        click.echo(f"costlint: {settings.bundle_path}: {exc}", err=True)
        sys.exit(ExitCode.ERROR)
    _emit_generated(files, out, check, "kyverno", kyverno_generated_here)
