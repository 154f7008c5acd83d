"""Generated Kyverno policies and costlint's rules agree on manifests.

For each concern (cost labels, requests, gp2 StorageClasses, spot
replicas) the generated policy is applied by the subset evaluator to
every Kubernetes fixture directory the costlint rules are tested on
(plus the shared cases and `tests/kyverno/fixtures/`), and the set of
objects it reports is compared with the objects costlint reports for
the same concern when it scans the directory.

The two sets must be equal except for the differences listed in
`KNOWN`, each with the side that reports and the reason. A difference
that appears, or one that disappears, fails the test: the list is the
documentation of where the cluster and the pull request disagree, and
kyverno/README.md says the same in words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from kyverno_eval import Verdict, evaluate, violations
from kyverno_helpers import HERE, RULE_FIXTURES, manifests, policies_for

from conftest import TESTS, make_settings, run_scan
from costlint.config import Settings
from costlint.gen_kyverno import MIRRORS

COSTLINT = "costlint"
KYVERNO = "kyverno"


@dataclass(frozen=True)
class Concern:
    """A costlint rule and the generated policies that mirror it."""

    rule: str
    # Only findings whose message holds this (spot: the replica count).
    about: str | None = None

    def policies(
        self,
        generated: Mapping[str, dict[str, Any]],
    ) -> list[dict[str, Any]]:
        """The generated policies (core and Argo Rollouts) of the rule."""
        return [
            policy
            for policy in generated.values()
            if policy["metadata"]["annotations"][MIRRORS] == self.rule
        ]


CONCERNS = {
    "labels": Concern("missing-cost-labels"),
    "requests": Concern("missing-requests"),
    "gp2": Concern("gp2-storage-class"),
    "spot": Concern("spot-unsafe-workload", about="replicas"),
}


def _directories() -> list[Path]:
    found = {
        path.parent
        for pattern in ("rules/fixtures/*/*/*.yaml", "cases/*/*.yaml")
        for path in TESTS.glob(pattern)
    }
    found |= {path.parent for path in HERE.glob("fixtures/*/*.yaml")}
    return sorted(found)


DIRECTORIES = _directories()

# (concern, directory under tests/, file, address) -> (side, reason).
Key = tuple[str, str, str, str]
KNOWN: dict[Key, tuple[str, str]] = {
    (
        "labels",
        "rules/fixtures/missing_cost_labels/good",
        "workloads.yaml",
        "CronJob/finance/nightly-report",
    ): (
        KYVERNO,
        "the job template has no labels; the policy checks it because the "
        "CronJob's Jobs take them, costlint does not",
    ),
    (
        "labels",
        "kyverno/fixtures/differ",
        "differences.yaml",
        "Deployment/shop/empty-team",
    ): (KYVERNO, "an empty label value: '?*' needs a non-empty value"),
    (
        "requests",
        "rules/fixtures/missing_requests/good",
        "workloads.yaml",
        "Deployment/shop/web",
    ): (
        KYVERNO,
        "one container sets requests, another only limits; costlint counts "
        "a limit per container, the pattern only when all containers do",
    ),
    (
        "requests",
        "rules/fixtures/oversized_requests/bad",
        "workloads.yaml",
        "StatefulSet/analytics/warehouse",
    ): (KYVERNO, "requests on one container, limits alone on the other"),
    (
        "requests",
        "cases/C11",
        "job.yaml",
        "Deployment/example-team/thumbnailer",
    ): (KYVERNO, "the C11 case: requests on one container, limits on one"),
    (
        "requests",
        "rules/fixtures/missing_requests/good",
        "limitrange.yaml",
        "Job/batch/backfill",
    ): (
        KYVERNO,
        "the namespace's LimitRange gives defaults; the API server applies "
        "them to Pods only, and the policy cannot see LimitRanges",
    ),
    (
        "gp2",
        "rules/fixtures/gp2_storage_class/bad",
        "claims.yaml",
        "PersistentVolumeClaim/media/uploads",
    ): (COSTLINT, "claims of a gp2 class are costlint's only"),
    (
        "gp2",
        "rules/fixtures/gp2_storage_class/bad",
        "claims.yaml",
        "PersistentVolumeClaim/media/thumbnails",
    ): (COSTLINT, "a claim of the gp2 default class is costlint's only"),
    (
        "gp2",
        "rules/fixtures/gp2_storage_class/bad",
        "claims.yaml",
        "StatefulSet/media/transcoder",
    ): (COSTLINT, "claim templates of a gp2 class are costlint's only"),
    (
        "gp2",
        "rules/fixtures/gp2_storage_class/bad",
        "nodeclass.yaml",
        "EC2NodeClass/default",
    ): (COSTLINT, "Karpenter node volumes are costlint's only"),
    (
        "gp2",
        "kyverno/fixtures/differ",
        "differences.yaml",
        "StorageClass/intree-empty-type",
    ): (KYVERNO, "`|| ''` reads type \"\" as no type, whose default is gp2"),
    (
        "spot",
        "rules/fixtures/spot_unsafe_workload/bad",
        "hpa.yaml",
        "Deployment/shop/search",
    ): (COSTLINT, "spot through node affinity; an HPA's minReplicas"),
    (
        "spot",
        "rules/fixtures/spot_unsafe_workload/good",
        "workloads.yaml",
        "Deployment/shop/api",
    ): (KYVERNO, "replicas unset because an HPA (minReplicas 3) owns them"),
    (
        "spot",
        "cases/C08",
        "workloads.yaml",
        "Deployment/example-team/api",
    ): (KYVERNO, "the C08 case: replicas owned by an HPA with minReplicas 3"),
    (
        "spot",
        "kyverno/fixtures/differ",
        "differences.yaml",
        "Deployment/shop/affinity-spot",
    ): (COSTLINT, "spot through required node affinity"),
    (
        "spot",
        "kyverno/fixtures/differ",
        "differences.yaml",
        "ReplicaSet/shop/lone",
    ): (COSTLINT, "ReplicaSets are left out of the spot policy"),
}


@dataclass(frozen=True)
class Variant:
    """Settings for both sides, and which known differences hold."""

    name: str
    settings: Callable[[], Settings]
    concerns: tuple[str, ...]
    known: Callable[[Key], bool] = lambda key: True


def _options(settings: Settings) -> dict[str, Mapping[str, Any]]:
    return {rid: rule.options for rid, rule in settings.rules.items()}


def _strict_requests() -> Settings:
    return make_settings(
        rules={
            "missing-requests": {
                "include_init_containers": True,
                "require_memory_limit": True,
            },
        },
    )


def _three_on_spot() -> Settings:
    kubernetes = dict(make_settings().bundle["kubernetes"])
    kubernetes["spot"] = {**kubernetes["spot"], "min_replicas": 3}
    return make_settings(bundle={"kubernetes": kubernetes})


def _enforce() -> Settings:
    return make_settings(bundle={"kyverno": {"failure_action": "enforce"}})


# With init containers and memory limits required, costlint reports
# the mixed containers too (their init container or memory limit is
# missing), so only the LimitRange difference remains.
_STRICT_KNOWN = {
    ("requests", "rules/fixtures/missing_requests/good", "limitrange.yaml"),
}
VARIANTS = [
    Variant("default", make_settings, tuple(CONCERNS)),
    Variant("enforce", _enforce, tuple(CONCERNS)),
    Variant(
        "init-and-memory-limit",
        _strict_requests,
        ("requests",),
        known=lambda key: key[:3] in _STRICT_KNOWN,
    ),
    Variant("min-replicas-3", _three_on_spot, ("spot",)),
]


def _verdicts(
    concern: Concern,
    directory: Path,
    settings: Settings,
    policies: list[dict[str, Any]],
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(file, address) that costlint and the policy each report."""
    result = run_scan(directory, settings)
    costlint = {
        (Path(f.location.file).name, f.address)
        for f in result.findings
        if f.rule == concern.rule
        and (concern.about is None or concern.about in f.message.lower())
    }
    kyverno = {
        (path.name, res.address)
        for path in sorted(directory.glob("*.yaml"))
        for res in manifests(path)
        if violations(policies, res.attrs)
    }
    return costlint, kyverno


@pytest.mark.parametrize(
    ("variant", "concern"),
    [
        pytest.param(v, c, id=f"{v.name}-{c}")
        for v in VARIANTS
        for c in v.concerns
    ],
)
def test_verdicts_match_costlint_but_for_the_known_differences(
    variant: Variant,
    concern: str,
) -> None:
    settings = variant.settings()
    policies = CONCERNS[concern].policies(
        policies_for(settings.bundle, _options(settings)),
    )
    found: dict[Key, str] = {}
    agreed = 0
    for directory in DIRECTORIES:
        where = str(directory.relative_to(TESTS))
        costlint, kyverno = _verdicts(
            CONCERNS[concern],
            directory,
            settings,
            policies,
        )
        agreed += len(costlint & kyverno)
        for file, address in costlint - kyverno:
            found[(concern, where, file, address)] = COSTLINT
        for file, address in kyverno - costlint:
            found[(concern, where, file, address)] = KYVERNO

    expected = {
        key: side
        for key, (side, _reason) in KNOWN.items()
        if key[0] == concern and variant.known(key)
    }
    assert found == expected
    assert agreed >= 3, "the policy reports too little to compare"


@pytest.mark.parametrize("concern", list(CONCERNS))
def test_each_bad_fixture_directory_is_reported_by_both(concern: str) -> None:
    settings = make_settings()
    policies = CONCERNS[concern].policies(policies_for(settings.bundle))
    bad = RULE_FIXTURES / CONCERNS[concern].rule.replace("-", "_") / "bad"

    costlint, kyverno = _verdicts(CONCERNS[concern], bad, settings, policies)

    assert costlint & kyverno


def test_no_generated_rule_ever_errors_on_the_fixtures() -> None:
    policies = list(policies_for(make_settings().bundle).values())
    verdicts = set()
    for directory in DIRECTORIES:
        for path in directory.glob("*.yaml"):
            for res in manifests(path):
                for policy in policies:
                    for result in evaluate(policy, res.attrs):
                        assert result.verdict is not Verdict.ERROR, (
                            path,
                            res.address,
                            result,
                        )
                        verdicts.add(result.verdict)

    assert verdicts == {Verdict.PASS, Verdict.FAIL, Verdict.SKIP}


def test_every_known_difference_has_a_reason_and_exists() -> None:
    for key, (side, reason) in KNOWN.items():
        assert key[0] in CONCERNS
        assert side in (COSTLINT, KYVERNO)
        assert reason
        assert (TESTS / key[1] / key[2]).is_file(), key
