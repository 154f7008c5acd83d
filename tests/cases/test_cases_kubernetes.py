"""Cases on Kubernetes manifests that peer tools got wrong.

The case manifests carry no cost labels, which is beside their point,
so they are judged under a bundle that requires none
(`NO_LABELS`); with the default bundle `missing-cost-labels` would
report them as well.
"""

from __future__ import annotations

from pathlib import Path

from conftest import hits, make_settings, run_scan
from costlint.cli import ExitCode, exit_code_for
from costlint.config import Settings
from costlint.engine import ScanResult
from costlint.model import Severity

HERE = Path(__file__).parent
SPOT = "spot-unsafe-workload"
REQUESTS = "missing-requests"
GP2 = "gp2-storage-class"


def _no_labels(**rules: dict[str, object]) -> Settings:
    return make_settings(
        bundle={"kubernetes": {"required_labels": {}}},
        rules=rules,
    )


def _exit(result: ScanResult) -> ExitCode:
    return exit_code_for(result, Severity.WARNING)


def _messages(result: ScanResult, rule: str) -> list[str]:
    return [f.message for f in result.findings if f.rule == rule]


def test_c08_unset_replicas_mean_one_unless_an_hpa_owns_them() -> None:
    result = run_scan(HERE / "C08" / "workloads.yaml", _no_labels())

    assert result.problems == []
    assert hits(result, SPOT) == [
        (SPOT, "workloads.yaml", 2),
        (SPOT, "workloads.yaml", 2),
    ]
    assert {f.address for f in result.findings} == {
        "Deployment/example-team/report-worker",
    }
    messages = _messages(result, SPOT)
    assert messages[0].startswith("replicas not set (defaults to 1)")
    assert "replicas unknown" not in " ".join(messages)
    assert messages[1].startswith(
        "no PodDisruptionBudget in the scanned files selects its pods",
    )
    assert hits(result, REQUESTS) == []
    assert _exit(result) == ExitCode.FINDINGS


def test_c08_variant_hpa_min_replicas_one_fires(tmp_path: Path) -> None:
    text = (HERE / "C08" / "workloads.yaml").read_text()
    (tmp_path / "workloads.yaml").write_text(
        text.replace("  minReplicas: 3\n", "  minReplicas: 1\n"),
    )
    (tmp_path / "omitted.yaml").write_text(
        text.replace("  minReplicas: 3\n", ""),
    )

    one = run_scan(tmp_path / "workloads.yaml", _no_labels())
    omitted = run_scan(tmp_path / "omitted.yaml", _no_labels())

    assert ("Deployment/example-team/api", 26) in [
        (f.address, f.location.line) for f in one.findings
    ]
    assert (
        "HorizontalPodAutoscaler api has minReplicas 1, and its pods may "
        "run on spot (nodeSelector karpenter.sh/capacity-type: spot)"
    ) in _messages(one, SPOT)
    assert any(
        m.startswith(
            "HorizontalPodAutoscaler api sets no minReplicas (defaults to 1)",
        )
        for m in _messages(omitted, SPOT)
    )


def test_c10_pdb_in_another_namespace_is_named() -> None:
    result = run_scan(HERE / "C10" / "app.yaml", _no_labels())

    assert hits(result) == [(SPOT, "app.yaml", 2)]
    assert result.findings[0].address == "StatefulSet/search/search-index"
    assert result.findings[0].message == (
        "PodDisruptionBudget search-index matches the labels but is in "
        "namespace default, not search, and its pods may run on spot "
        "(node affinity karpenter.sh/capacity-type In [spot])"
    )
    assert _exit(result) == ExitCode.FINDINGS


def test_c11_limits_count_and_init_containers_are_skipped() -> None:
    result = run_scan(HERE / "C11" / "job.yaml", _no_labels())

    assert hits(result) == []
    assert _exit(result) == ExitCode.CLEAN


def test_c11_init_containers_when_asked() -> None:
    settings = _no_labels(**{REQUESTS: {"include_init_containers": True}})

    result = run_scan(HERE / "C11" / "job.yaml", settings)

    assert hits(result) == [(REQUESTS, "job.yaml", 17)]
    assert result.findings[0].message.startswith(
        "init container fetch-models sets no cpu or memory request",
    )


def test_c22_gp2_explicit_and_in_tree_default_never_by_name() -> None:
    result = run_scan(HERE / "C22" / "storageclasses.yaml", _no_labels())

    assert hits(result) == [
        (GP2, "storageclasses.yaml", 2),
        (GP2, "storageclasses.yaml", 25),
    ]
    assert [f.address for f in result.findings] == [
        "StorageClass/standard-intree",
        "StorageClass/csi-legacy",
    ]
    assert "implicit default gp2 (in-tree provisioner)" in (
        result.findings[0].message
    )
    assert "set parameters.type: gp3 explicitly" in result.findings[0].fix
    assert _exit(result) == ExitCode.FINDINGS
