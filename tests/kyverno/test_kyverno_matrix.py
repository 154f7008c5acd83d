"""Parity on manifests built cell by cell, and every rule is needed.

The hand fixtures show typical cases; these tests build one object per
cell of a grid (each kind, each label place broken each way, each
container configuration, each spot signal at each replica count), scan
them with costlint and apply the generated policy, and compare. The
expected differences are the documented ones, stated as predicates on
the cell (`kyverno_matrix.*_differs`).

The last test removes each generated rule, and each `anyPattern`
alternative, in turn and checks that some verdict on the fixtures or
the grid changes: the comparisons above would then fail, so no part of
a generated policy goes untested.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from kyverno_eval import check_policy, violations
from kyverno_helpers import manifests, policies_for
from kyverno_matrix import (
    label_cells,
    label_differs,
    request_cells,
    request_differs,
    spot_cells,
    spot_differs,
)
from test_kyverno_parity import CONCERNS, DIRECTORIES

from conftest import make_settings, run_scan
from costlint.config import Settings
from costlint.gen_kyverno import KyvernoSettings, kyverno_settings

SETTINGS: dict[str, Callable[[], Settings]] = {
    "default": make_settings,
    "strict-requests": lambda: make_settings(
        rules={
            "missing-requests": {
                "include_init_containers": True,
                "require_memory_limit": True,
            },
        },
    ),
    "three-on-spot": lambda: make_settings(
        bundle={
            "kubernetes": {
                **make_settings().bundle["kubernetes"],
                "spot": {
                    **make_settings().bundle["kubernetes"]["spot"],
                    "min_replicas": 3,
                },
            },
        },
    ),
}


def _options(settings: Settings) -> dict[str, Any]:
    return {rid: rule.options for rid, rule in settings.rules.items()}


def _compare(
    tmp_path: Path,
    objects: list[dict[str, Any]],
    settings: Settings,
    concern: str,
) -> tuple[dict[str, str], int]:
    """name -> side that alone reports it; and how many both report."""
    path = tmp_path / "cells.yaml"
    path.write_text(yaml.safe_dump_all(objects, sort_keys=False))
    result = run_scan(path, settings)
    about = CONCERNS[concern].about
    costlint = {
        f.address.rsplit("/", 1)[1]
        for f in result.findings
        if f.rule == CONCERNS[concern].rule
        and (about is None or about in f.message.lower())
    }
    policies = CONCERNS[concern].policies(
        policies_for(settings.bundle, _options(settings)),
    )
    kyverno = {
        res.context["name"]
        for res in manifests(path)
        if violations(policies, res.attrs)
    }
    differ = {name: "costlint" for name in costlint - kyverno}
    differ.update({name: "kyverno" for name in kyverno - costlint})
    return differ, len(costlint & kyverno)


def _expected(
    objects: list[dict[str, Any]],
    differs: Callable[[str], str | None],
) -> dict[str, str]:
    out = {}
    for obj in objects:
        name = obj["metadata"]["name"]
        side = differs(name)
        if side:
            out[name] = side
    return out


def _generator_settings(settings: Settings) -> KyvernoSettings:
    return kyverno_settings(settings.bundle, _options(settings))


@pytest.mark.parametrize("variant", ["default"])
def test_label_cells(tmp_path: Path, variant: str) -> None:
    settings = SETTINGS[variant]()
    objects = list(label_cells(_generator_settings(settings)))

    differ, agreed = _compare(
        tmp_path,
        objects,
        settings,
        "labels",
    )

    assert differ == _expected(objects, label_differs)
    assert agreed > 50


@pytest.mark.parametrize("variant", ["default", "strict-requests"])
def test_request_cells(tmp_path: Path, variant: str) -> None:
    settings = SETTINGS[variant]()
    generator = _generator_settings(settings)
    objects = list(request_cells(generator))

    differ, agreed = _compare(
        tmp_path,
        objects,
        settings,
        "requests",
    )

    assert differ == _expected(
        objects,
        lambda name: request_differs(name, generator),
    )
    assert agreed >= 30


@pytest.mark.parametrize("variant", ["default", "three-on-spot"])
def test_spot_cells(tmp_path: Path, variant: str) -> None:
    settings = SETTINGS[variant]()
    objects = list(spot_cells(_generator_settings(settings)))

    differ, agreed = _compare(
        tmp_path,
        objects,
        settings,
        "spot",
    )

    assert differ == _expected(objects, spot_differs)
    assert agreed > 50


def _every_object() -> list[dict[str, Any]]:
    generator = _generator_settings(make_settings())
    objects = [
        dict(res.attrs)
        for directory in DIRECTORIES
        for path in sorted(directory.glob("*.yaml"))
        for res in manifests(path)
    ]
    objects += label_cells(generator)
    objects += request_cells(generator)
    objects += spot_cells(generator)
    return objects


def _failing(policy: dict[str, Any], objects: list[Any]) -> list[set[str]]:
    """For each object, the names of the rules that fail (or error) it."""
    check_policy(policy)
    return [
        {r.rule for r in violations([policy], obj, checked=True)}
        for obj in objects
    ]


def _alone(policy: dict[str, Any], rule: dict[str, Any]) -> dict[str, Any]:
    """The policy holding only `rule`."""
    single = copy.deepcopy(policy)
    single["spec"]["rules"] = [rule]
    return single


def _untested(
    name: str,
    policy: dict[str, Any],
    objects: list[Any],
) -> Iterator[str]:
    """Rules and anyPattern entries whose removal changes no verdict.

    Rules are independent, so removing one leaves the others' verdicts;
    only the rule that loses an anyPattern entry is evaluated again.
    """
    failing = _failing(policy, objects)
    baseline = [bool(rules) for rules in failing]
    rules = policy["spec"]["rules"]
    for rule in rules:
        others = [bool(names - {rule["name"]}) for names in failing]
        if len(rules) > 1 and others == baseline:
            yield f"{name}: without rule {rule['name']}"
        patterns = rule["validate"].get("anyPattern", [])
        for number in range(len(patterns)):
            mutant = copy.deepcopy(rule)
            del mutant["validate"]["anyPattern"][number]
            alone = _failing(_alone(policy, mutant), objects)
            verdicts = [
                bool(mine) or other
                for mine, other in zip(alone, others, strict=True)
            ]
            if verdicts == baseline:
                yield f"{name}: {rule['name']} without anyPattern[{number}]"


def test_every_generated_rule_and_alternative_decides_something() -> None:
    objects = _every_object()
    policies = policies_for(make_settings().bundle)

    untested = [
        what
        for name, policy in policies.items()
        for what in _untested(name, policy, objects)
    ]

    assert untested == []
