"""The registry of rules: one explicit list, in the order of the docs."""

from __future__ import annotations

from typing import cast

from costlint.rules import gp2_volume, missing_cost_tags, s3_missing_lifecycle
from costlint.rules.base import RuleModule

RULES: tuple[RuleModule, ...] = cast(
    tuple[RuleModule, ...],
    (
        missing_cost_tags,
        gp2_volume,
        s3_missing_lifecycle,
    ),
)


def rules_by_id() -> dict[str, RuleModule]:
    """Every registered rule, keyed by its id."""
    return {rule.META.id: rule for rule in RULES}
