"""Kubernetes manifests written as JSON (`kubectl get -o json`)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from conftest import hits, run_scan
from costlint.cli import main

STORAGE_CLASS = {
    "apiVersion": "storage.k8s.io/v1",
    "kind": "StorageClass",
    "metadata": {"name": "legacy"},
    "provisioner": "ebs.csi.aws.com",
    "parameters": {"type": "gp2"},
}


def test_json_manifest_file_is_judged(tmp_path: Path) -> None:
    path = tmp_path / "sc.json"
    path.write_text(json.dumps(STORAGE_CLASS, indent=2))

    result = run_scan(path)

    assert result.problems == []
    assert hits(result, "gp2-storage-class") == [
        ("gp2-storage-class", "sc.json", 9),
    ]


def test_json_manifest_on_stdin() -> None:
    text = json.dumps(STORAGE_CLASS, indent=2)

    outcome = CliRunner().invoke(
        main,
        ["scan", "--isolated", "-"],
        input=text,
    )

    assert outcome.exit_code == 1
    assert "<stdin>" in outcome.stdout
    assert "gp2-storage-class" in outcome.stdout


def test_objects_are_related_within_one_folder(tmp_path: Path) -> None:
    (tmp_path / "dev").mkdir()
    (tmp_path / "prod").mkdir()
    (tmp_path / "dev" / "sc.yaml").write_text(
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\n"
        "metadata:\n  name: standard\nprovisioner: kubernetes.io/aws-ebs\n"
        "parameters:\n  type: gp2\n",
    )
    (tmp_path / "prod" / "sc.yaml").write_text(
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\n"
        "metadata:\n  name: standard\nprovisioner: ebs.csi.aws.com\n"
        "parameters:\n  type: gp3\n---\n"
        "apiVersion: v1\nkind: PersistentVolumeClaim\n"
        "metadata:\n  name: data\nspec:\n  storageClassName: standard\n",
    )

    result = run_scan(tmp_path)

    assert [
        Path(f.location.file).parent.name
        for f in result.findings
        if f.rule == "gp2-storage-class"
    ] == ["dev"]


def test_misshapen_workloads_are_parse_problems(tmp_path: Path) -> None:
    (tmp_path / "d.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n"
        "spec:\n  template:\n    spec:\n      containers:\n        a: 1\n"
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: y\n"
        "spec: [1, 2]\n",
    )

    result = run_scan(tmp_path)

    assert [(p.location.line, p.reason) for p in result.problems] == [
        (
            8,
            "Deployment spec.template.spec.containers must be a list, "
            "not a mapping",
        ),
        (15, "Deployment spec must be a mapping, not a list"),
    ]


def test_duplicate_yaml_keys_are_parse_problems(tmp_path: Path) -> None:
    (tmp_path / "sc.yaml").write_text(
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n"
        "  name: a\nprovisioner: ebs.csi.aws.com\nparameters:\n"
        "  type: gp2\n  type: gp3\n",
    )

    result = run_scan(tmp_path)

    [problem] = result.problems
    assert problem.location.line == 8
    assert "key 'type' is written twice" in problem.reason


def test_nan_is_not_json(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(
        '{"Version": "2012-10-17", "Statement": [], "x": NaN}',
    )

    result = run_scan(tmp_path)

    assert [p.reason for p in result.problems] == [
        "invalid JSON value (NaN is not valid JSON)",
    ]
