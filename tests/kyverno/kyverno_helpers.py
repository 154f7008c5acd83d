"""Shared by the Kyverno tests: the generated policies and fixtures."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from costlint.gen_kyverno import generate_policies
from costlint.loaders.kubernetes import resources_of
from costlint.loaders.yaml_docs import read_documents
from costlint.model import Resource

HERE = Path(__file__).parent
TESTS = HERE.parent
ROOT = TESTS.parent
COMMITTED = ROOT / "kyverno"
SCHEMA = HERE / "schema" / "kyverno.io_clusterpolicies.yaml"
RULE_FIXTURES = TESTS / "rules" / "fixtures"


def policies_for(
    bundle: Mapping[str, Any],
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Generated policies by name, parsed back from their text."""
    out = {}
    for item in generate_policies(bundle, options):
        if item.name.endswith(".yaml"):
            policy = yaml.safe_load(item.text)
            out[policy["metadata"]["name"]] = policy
    return out


def manifests(path: Path) -> list[Resource]:
    """The Kubernetes objects of one YAML file, as costlint loads them."""
    text = path.read_text(encoding="utf-8")
    out: list[Resource] = []
    for doc in read_documents(text, path.name):
        out.extend(resources_of(doc) or [])
    return out


@cache
def crd_schema() -> dict[str, Any]:
    """The v1 OpenAPI schema of Kyverno's ClusterPolicy CRD (v1.19.0)."""
    crd = yaml.load(
        SCHEMA.read_text(encoding="utf-8"),
        Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader),
    )
    (version,) = [v for v in crd["spec"]["versions"] if v["name"] == "v1"]
    schema: dict[str, Any] = version["schema"]["openAPIV3Schema"]
    return schema
