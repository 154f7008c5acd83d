"""`costlint rules` and `costlint explain`: what each rule checks."""

from __future__ import annotations

import click

from costlint.cli.app import main
from costlint.rules import RULES, rules_by_id
from costlint.rules.base import rule_doc
from costlint.suppress import explain_suppression_rule


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
