"""The registry of rules: one explicit list, in the order of the docs."""

from __future__ import annotations

from typing import cast

from costlint.rules import (
    gp2_storage_class,
    gp2_volume,
    karpenter_nodepool_unbounded,
    kyverno_label_gap,
    missing_cost_labels,
    missing_cost_tags,
    missing_requests,
    oversized_instance,
    oversized_requests,
    previous_generation_instance,
    s3_missing_lifecycle,
    scp_invalid,
    scp_tag_enforcement_gap,
    scp_too_large,
    spot_unsafe_workload,
    unknown_instance_type,
)
from costlint.rules.base import RuleModule

RULES: tuple[RuleModule, ...] = cast(
    tuple[RuleModule, ...],
    (
        missing_cost_tags,
        gp2_volume,
        s3_missing_lifecycle,
        previous_generation_instance,
        oversized_instance,
        unknown_instance_type,
        missing_cost_labels,
        missing_requests,
        oversized_requests,
        gp2_storage_class,
        spot_unsafe_workload,
        karpenter_nodepool_unbounded,
        kyverno_label_gap,
        scp_invalid,
        scp_too_large,
        scp_tag_enforcement_gap,
    ),
)


def rules_by_id() -> dict[str, RuleModule]:
    """Every registered rule, keyed by its id."""
    return {rule.META.id: rule for rule in RULES}
