"""What reports say about a rule: names, descriptions and help.

SARIF and Markdown reports describe each rule they mention. The texts
come from the rule's `META` and module docstring (the same page
`costlint explain` prints), and for the suppression stage's own rules
from their `META` alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from costlint.model import RuleMeta, Severity
from costlint.rules import rules_by_id
from costlint.rules.base import rule_doc
from costlint.suppress import META_RULES

RULES_URL = "https://costlint.dev/rules"
"""Where rule pages live; a rule's page is `RULES_URL#<rule-id>`."""


@dataclass(frozen=True)
class RuleText:
    """The texts of one rule, as reports show them."""

    id: str
    name: str
    severity: Severity
    summary: str
    rationale: str
    doc: str

    @property
    def help_uri(self) -> str:
        """The rule's documentation page."""
        return f"{RULES_URL}#{self.id}"


def describe_rule(rule_id: str) -> RuleText | None:
    """The texts of a registered or suppression rule, else None."""
    module = rules_by_id().get(rule_id)
    if module is not None:
        return _text(module.META, rule_doc(module))
    for meta in META_RULES:
        if meta.id == rule_id:
            return _text(meta, f"{meta.summary}.\n\nWhy: {meta.rationale}.")
    return None


def _text(meta: RuleMeta, doc: str) -> RuleText:
    return RuleText(
        id=meta.id,
        name=meta.name,
        severity=meta.severity,
        summary=meta.summary,
        rationale=meta.rationale,
        doc=doc,
    )
