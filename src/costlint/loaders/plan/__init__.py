"""Terraform plan input: the JSON of `terraform show -json PLANFILE`."""

from __future__ import annotations

from costlint.loaders.plan.loader import detect_plan, load_plan

__all__ = ["detect_plan", "load_plan"]
