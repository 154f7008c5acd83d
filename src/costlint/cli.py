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
from collections.abc import Callable, Sequence
from pathlib import Path

import click
from click.core import ParameterSource

from costlint import __version__
from costlint.baseline import (
    DEFAULT_BASELINE,
    BaselineError,
    read_baseline,
    write_baseline,
)
from costlint.changed import ChangedError, select_changed
from costlint.config import ConfigError, Settings, load_settings
from costlint.discover import DiscoveryError
from costlint.engine import ScanResult, scan
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
from costlint.model import Severity
from costlint.reporters.registry import (
    FORMATS,
    OutputPlanError,
    ReportContext,
    ReportTarget,
    plan_outputs,
    render,
)
from costlint.rules import RULES, rules_by_id
from costlint.rules.base import rule_doc
from costlint.scp.generate import (
    GenerationError,
    generate_scps,
)
from costlint.scp.generate import generated_here as scp_generated_here
from costlint.scp.simulate import (
    SimulationError,
    load_policies,
    parse_pairs,
    render_simulation,
    simulate,
)
from costlint.suppress import explain_suppression_rule

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
    """Find cloud waste in infrastructure code before it is merged.

    Reads Terraform directories and plan JSON, Kubernetes manifests and
    AWS Service Control Policies; `costlint rules` lists what it checks.
    """


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
    _setup_logging(verbose)
    if base_ref is not None and not changed_only:
        raise click.UsageError("--base is used only with --changed-only")
    targets: list[ReportTarget] = click.get_current_context().meta.get(
        "costlint.targets",
        [ReportTarget(fmt, None) for fmt in fmts or ("text",)],
    )
    settings, result = _run_scan(
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


def _run_scan(
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
        stdin_text = sys.stdin.read() if Path("-") in paths else None
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
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Config file to use instead of the nearest .costlint.yaml.",
)
@click.option("--isolated", is_flag=True, help="Ignore all config files.")
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
    _setup_logging(verbose)
    _settings, result = _run_scan(paths, config_file, isolated, None, verbose)
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
    page = explain_suppression_rule(rule_id)
    if rule is None and page is not None:
        click.echo(page, nl=False)
        return
    if rule is None:
        known = ", ".join(sorted(rules_by_id()))
        raise click.UsageError(f"unknown rule {rule_id!r} (known: {known})")
    meta = rule.META
    click.echo(f"{meta.id}: {meta.name}")
    click.echo(f"severity: {meta.severity.label}")
    click.echo(f"tags: {', '.join(meta.tags)}")
    click.echo("")
    click.echo(rule_doc(rule))


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
        stdin_text = sys.stdin.read() if Path("-") in policies else None
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


@main.group("generate")
def generate_group() -> None:
    """Write enforcement policies from the policy bundle.

    Each generator is a subcommand that reads the bundle (as `scan`
    finds it: --config, the nearest .costlint.yaml, or the packaged
    default) and writes its files into --out.
    """


def bundle_options(func: Callable[..., None]) -> Callable[..., None]:
    """The --config and --isolated options every generator takes."""
    func = click.option(
        "--isolated",
        is_flag=True,
        help="Ignore config files; use the packaged bundle.",
    )(func)
    return click.option(
        "--config",
        "config_file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Config file to use instead of the nearest .costlint.yaml.",
    )(func)


def generator_settings(config_file: Path | None, isolated: bool) -> Settings:
    """The settings a generator reads its bundle from, or exit 2."""
    try:
        return load_settings(Path.cwd(), config_file, isolated)
    except ConfigError as exc:
        click.echo(f"costlint: {exc}", err=True)
        sys.exit(ExitCode.ERROR)


@generate_group.command("scp")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("scp"),
    show_default=True,
    help="Directory to write the SCPs and their README into.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 if --out is not up to date.",
)
@bundle_options
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
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="The cost-tags module directory to write policy.tf into.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 if --out is not up to date.",
)
@bundle_options
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
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("kyverno"),
    show_default=True,
    help="Directory to write the ClusterPolicies and their README into.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 if --out is not up to date.",
)
@bundle_options
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
