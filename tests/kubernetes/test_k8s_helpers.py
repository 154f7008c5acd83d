"""Quantities, selectors, capacity types and spot placement."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from costlint.config import ConfigError, default_bundle_path, read_bundle
from costlint.index import ResourceIndex
from costlint.k8s_spot import (
    SpotExposure,
    find_spot_exposure,
    nodepool_capacity_types,
)
from costlint.k8s_workloads import (
    POLICY_DEFAULTS,
    kubernetes_policy,
    parse_quantity,
    pod_template,
    selector_matches,
)
from costlint.loaders import LoadContext
from costlint.loaders.yaml_docs import load_yaml_text
from costlint.model import Resource, Unknown


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("500m", Decimal("0.5")),
        ("2", Decimal(2)),
        (2, Decimal(2)),
        (0.25, Decimal("0.25")),
        ("1Gi", Decimal(2**30)),
        ("1.5Gi", Decimal(3 * 2**29)),
        ("128974848", Decimal(128974848)),
        ("129e6", Decimal(129000000)),
        ("129M", Decimal(129000000)),
        ("64Ki", Decimal(65536)),
        ("1k", Decimal(1000)),
    ],
    ids=str,
)
def test_parse_quantity(text: Any, value: Decimal) -> None:
    assert parse_quantity(text) == value


@pytest.mark.parametrize("text", ["lots", "1 Gi", "1GB", "", True, None])
def test_parse_quantity_rejects_non_quantities(text: Any) -> None:
    assert parse_quantity(text) is None


_LABELS = {"app": "api", "tier": "web", "version": 2}


@pytest.mark.parametrize(
    ("selector", "matches"),
    [
        ({}, True),
        (None, False),
        ({"matchLabels": {"app": "api"}}, True),
        ({"matchLabels": {"app": "api", "tier": "db"}}, False),
        ({"matchLabels": {"version": "2"}}, True),
        (
            {
                "matchExpressions": [
                    {"key": "app", "operator": "In", "values": ["api", "x"]}
                ]
            },
            True,
        ),
        (
            {
                "matchExpressions": [
                    {"key": "app", "operator": "NotIn", "values": ["api"]}
                ]
            },
            False,
        ),
        ({"matchExpressions": [{"key": "tier", "operator": "Exists"}]}, True),
        (
            {
                "matchExpressions": [
                    {"key": "gone", "operator": "DoesNotExist"}
                ]
            },
            True,
        ),
        (
            {
                "matchLabels": {"app": "api"},
                "matchExpressions": [
                    {"key": "tier", "operator": "In", "values": ["db"]}
                ],
            },
            False,
        ),
        ({"matchExpressions": [{"key": "app", "operator": "Near"}]}, False),
    ],
    ids=[
        "empty-selects-all",
        "missing-selects-none",
        "labels",
        "labels-one-differs",
        "number-as-text",
        "in",
        "notin",
        "exists",
        "does-not-exist",
        "labels-and-expressions",
        "unknown-operator",
    ],
)
def test_selector_matches(selector: Any, matches: bool) -> None:
    assert selector_matches(selector, _LABELS) is matches


def _resources(text: str) -> list[Resource]:
    loaded = load_yaml_text(text, "t.yaml", LoadContext(base=Path.cwd()))
    assert loaded.problems == []
    return loaded.resources


def _nodepool(requirements: str) -> Resource:
    text = (
        "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: p}\n"
        "spec:\n  template:\n    spec:\n      requirements:\n" + requirements
    )
    return _resources(text)[0]


@pytest.mark.parametrize(
    ("requirements", "types"),
    [
        ("        []\n", {"on-demand"}),
        (
            "        - {key: karpenter.sh/capacity-type, operator: In, "
            "values: [spot]}\n",
            {"spot"},
        ),
        (
            "        - {key: karpenter.sh/capacity-type, operator: NotIn, "
            "values: [on-demand]}\n",
            {"spot", "reserved"},
        ),
        (
            "        - {key: karpenter.sh/capacity-type, operator: Exists}\n"
            "        - {key: karpenter.sh/capacity-type, operator: NotIn, "
            "values: [reserved]}\n",
            {"spot", "on-demand"},
        ),
    ],
    ids=["unset-means-on-demand", "in", "notin", "narrowed"],
)
def test_nodepool_capacity_types(requirements: str, types: set[str]) -> None:
    assert nodepool_capacity_types(_nodepool(requirements)) == types


def _exposure(spec: str, *others: Resource) -> SpotExposure | Unknown | None:
    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
        "spec:\n  template:\n    spec:\n" + spec
    )
    (res,) = _resources(text)
    template = pod_template(res)
    assert template is not None
    policy = kubernetes_policy({})
    return find_spot_exposure(template, policy, ResourceIndex([res, *others]))


def test_no_placement_is_not_spot() -> None:
    assert _exposure("      containers: []\n") is None


def test_spot_and_on_demand_selector_together_is_not_spot() -> None:
    spec = (
        "      nodeSelector:\n"
        "        karpenter.sh/capacity-type: on-demand\n"
        "      tolerations:\n"
        "        - {key: kubernetes.azure.com/scalesetpriority, "
        "operator: Exists}\n"
    )

    assert _exposure(spec) is None


def test_required_terms_are_ored() -> None:
    spec = (
        "      affinity:\n        nodeAffinity:\n"
        "          requiredDuringSchedulingIgnoredDuringExecution:\n"
        "            nodeSelectorTerms:\n"
        "              - matchExpressions:\n"
        "                  - {key: karpenter.sh/capacity-type, "
        "operator: In, values: [on-demand]}\n"
        "              - matchExpressions:\n"
        "                  - {key: karpenter.sh/capacity-type, "
        "operator: NotIn, values: [on-demand]}\n"
    )

    found = _exposure(spec)

    assert isinstance(found, SpotExposure)
    assert found.reason == (
        "node affinity karpenter.sh/capacity-type NotIn [on-demand]"
    )
    assert found.provider == "aws"


def test_nodepool_pin_by_affinity() -> None:
    spec = (
        "      affinity:\n        nodeAffinity:\n"
        "          requiredDuringSchedulingIgnoredDuringExecution:\n"
        "            nodeSelectorTerms:\n"
        "              - matchExpressions:\n"
        "                  - {key: karpenter.sh/nodepool, operator: In, "
        "values: [p]}\n"
    )
    spot_pool = _nodepool(
        "        - {key: karpenter.sh/capacity-type, operator: In, "
        "values: [spot, on-demand]}\n",
    )

    found = _exposure(spec, spot_pool)
    missing = _exposure(spec)

    assert isinstance(found, SpotExposure)
    assert found.reason == "pinned to NodePool p, which allows on-demand, spot"
    assert missing == Unknown("NodePool p is not in the scanned files")


def test_policy_defaults_match_the_packaged_bundle() -> None:
    bundle = read_bundle(default_bundle_path())
    section = bundle["kubernetes"]

    for key, value in POLICY_DEFAULTS.items():
        if key != "required_labels":
            assert section[key] == value, key


def test_policy_merges_one_level_down() -> None:
    policy = kubernetes_policy({"kubernetes": {"spot": {"min_replicas": 3}}})

    assert policy["spot"]["min_replicas"] == 3
    assert (
        policy["spot"]["providers"] == (POLICY_DEFAULTS["spot"]["providers"])
    )


def test_bundle_schema_rejects_unknown_kubernetes_keys(tmp_path: Path) -> None:
    bundle = yaml.safe_load(default_bundle_path().read_text())
    bundle["kubernetes"]["spot"]["providers"]["aws"]["notice"] = 120
    path = tmp_path / "bundle.yaml"
    path.write_text(yaml.safe_dump(bundle))

    with pytest.raises(ConfigError, match=r"kubernetes\.spot\.providers\.aws"):
        read_bundle(path)


@pytest.mark.parametrize(
    ("api", "kind", "spec", "path"),
    [
        ("v1", "Pod", "spec: {containers: []}", ()),
        (
            "apps/v1",
            "Deployment",
            "spec: {template: {spec: {}}}",
            ("spec", "template"),
        ),
        (
            "apps/v1",
            "StatefulSet",
            "spec: {template: {spec: {}}}",
            ("spec", "template"),
        ),
        (
            "apps/v1",
            "DaemonSet",
            "spec: {template: {spec: {}}}",
            ("spec", "template"),
        ),
        (
            "apps/v1",
            "ReplicaSet",
            "spec: {template: {spec: {}}}",
            ("spec", "template"),
        ),
        (
            "batch/v1",
            "Job",
            "spec: {template: {spec: {}}}",
            ("spec", "template"),
        ),
        (
            "batch/v1",
            "CronJob",
            "spec: {jobTemplate: {spec: {template: {spec: {}}}}}",
            ("spec", "jobTemplate", "spec", "template"),
        ),
        (
            "argoproj.io/v1alpha1",
            "Rollout",
            "spec: {template: {spec: {}}}",
            ("spec", "template"),
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_pod_template_of_each_workload_kind(
    api: str,
    kind: str,
    spec: str,
    path: tuple[str, ...],
) -> None:
    (res,) = _resources(
        f"apiVersion: {api}\nkind: {kind}\nmetadata: {{name: w}}\n{spec}\n",
    )

    template = pod_template(res)

    assert template is not None
    assert template.path == path


@pytest.mark.parametrize(
    "text",
    [
        "apiVersion: example.com/v1\nkind: Rollout\nspec: {template: {}}\n",
        "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\n"
        "spec: {workloadRef: {kind: Deployment, name: web}}\n",
        "apiVersion: v1\nkind: Service\nspec: {selector: {app: a}}\n",
    ],
    ids=["other-group", "workload-ref", "not-a-workload"],
)
def test_no_pod_template(text: str) -> None:
    (res,) = _resources(text)

    assert pod_template(res) is None
