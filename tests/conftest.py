"""Shared helpers: scan a fixture with a chosen bundle, read results."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from costlint.config import Settings, load_settings
from costlint.engine import ScanResult, scan

TESTS = Path(__file__).parent

# The bundle most cases in ../shared/cases assume.
CASE_TAGS: dict[str, dict[str, Any]] = {"CostCenter": {}, "Owner": {}}


def make_settings(
    required_tags: Mapping[str, Any] | None = None,
    rules: Mapping[str, Mapping[str, Any]] | None = None,
    bundle: Mapping[str, Any] | None = None,
) -> Settings:
    """Default settings with parts of the bundle or rules replaced."""
    settings = load_settings(TESTS, isolated=True)
    new_bundle = dict(settings.bundle)
    if bundle:
        new_bundle.update(bundle)
    if required_tags is not None:
        aws = dict(new_bundle.get("aws", {}))
        aws["required_tags"] = dict(required_tags)
        new_bundle["aws"] = aws

    new_rules = dict(settings.rules)
    for rule_id, patch in (rules or {}).items():
        current = new_rules[rule_id]
        options = {
            **current.options,
            **{
                k: v
                for k, v in patch.items()
                if k not in ("enabled", "severity")
            },
        }
        new_rules[rule_id] = dataclasses.replace(
            current,
            enabled=patch.get("enabled", current.enabled),
            options=options,
        )
    return dataclasses.replace(settings, bundle=new_bundle, rules=new_rules)


def run_scan(
    paths: Sequence[Path] | Path,
    settings: Settings | None = None,
) -> ScanResult:
    """Scan with the given (or default, isolated) settings."""
    if isinstance(paths, Path):
        paths = [paths]
    return scan(list(paths), settings or make_settings())


def hits(
    result: ScanResult,
    rule: str | None = None,
) -> list[tuple[str, str, int]]:
    """(rule, file name, line) of each finding, optionally one rule."""
    return [
        (f.rule, Path(f.location.file).name, f.location.line)
        for f in result.findings
        if rule is None or f.rule == rule
    ]


@pytest.fixture
def case_settings() -> Settings:
    """Settings with the CostCenter/Owner bundle of the shared cases."""
    return make_settings(required_tags=CASE_TAGS)
