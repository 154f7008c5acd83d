"""spot-unsafe-workload: workloads on spot that cannot take a reclaim."""

from __future__ import annotations

from pathlib import Path

from conftest import TESTS, hits, make_settings, run_scan
from costlint.engine import ScanResult

FIXTURES = TESTS / "rules" / "fixtures" / "spot_unsafe_workload"
RULE = "spot-unsafe-workload"


def _messages(result: ScanResult) -> dict[tuple[str, int], str]:
    return {
        (Path(f.location.file).name, f.location.line): f.message
        for f in result.findings
        if f.rule == RULE
    }


def test_bad_fixtures_report_each_failed_condition() -> None:
    result = run_scan(FIXTURES / "bad")

    assert sorted(hits(result, RULE)) == [
        (RULE, "cronjob.yaml", 19),
        (RULE, "grace.yaml", 17),
        (RULE, "hpa.yaml", 3),
        (RULE, "nodepool.yaml", 28),
        (RULE, "pod.yaml", 2),
        (RULE, "replicas.yaml", 7),
        (RULE, "statefulset.yaml", 35),
        (RULE, "statefulset.yaml", 38),
    ]


def test_messages_name_the_condition_and_the_spot_signal() -> None:
    messages = _messages(run_scan(FIXTURES / "bad"))

    assert messages[("replicas.yaml", 7)] == (
        "replicas is 1, and its pods may run on spot (nodeSelector "
        "karpenter.sh/capacity-type: spot)"
    )
    assert messages[("hpa.yaml", 3)] == (
        "HorizontalPodAutoscaler search sets no minReplicas (defaults to "
        "1), and its pods may run on spot (node affinity "
        "eks.amazonaws.com/capacityType In [SPOT])"
    )
    assert messages[("grace.yaml", 17)].startswith(
        "terminationGracePeriodSeconds 60 is longer than the 30 s notice "
        "Google Cloud gives",
    )
    assert messages[("cronjob.yaml", 19)].startswith(
        "terminationGracePeriodSeconds 300 is longer than the 30 s notice "
        "Azure gives",
    )
    assert messages[("nodepool.yaml", 28)] == (
        "no PodDisruptionBudget in the scanned files selects its pods, and "
        "its pods may run on spot (pinned to NodePool batch, which allows "
        "reserved, spot)"
    )
    assert messages[("statefulset.yaml", 38)].startswith(
        "volumeClaimTemplate data uses StorageClass local-nvme "
        "(kubernetes.io/no-provisioner)",
    )
    assert messages[("pod.yaml", 2)].startswith(
        "a bare Pod is not recreated when its node is reclaimed, and it "
        "may run on spot (toleration of the spot taint "
        "cloud.google.com/gke-spot)",
    )


def test_good_fixtures_are_clean() -> None:
    result = run_scan(FIXTURES / "good")

    assert hits(result, RULE) == []
    assert [u for u in result.unresolved if u.rule == RULE] == []


def test_notice_and_replicas_come_from_the_bundle() -> None:
    settings = make_settings(
        bundle={
            "kubernetes": {
                "spot": {
                    "min_replicas": 4,
                    "providers": {
                        "aws": {
                            "notice_seconds": 60,
                            "labels": {"karpenter.sh/capacity-type": ["spot"]},
                        },
                    },
                },
            },
        },
    )

    result = run_scan(FIXTURES / "good" / "workloads.yaml", settings)

    assert sorted(hits(result, RULE)) == [
        # frontend: 3 replicas < 4, grace 90 > 60 s
        (RULE, "workloads.yaml", 8),
        (RULE, "workloads.yaml", 17),
        # reindex: grace 120 > 60 s
        (RULE, "workloads.yaml", 154),
    ]


def test_pin_to_an_unscanned_nodepool_is_unresolved(tmp_path: Path) -> None:
    text = (FIXTURES / "bad" / "nodepool.yaml").read_text()
    (tmp_path / "app.yaml").write_text(text.split("---\n", 2)[2])

    result = run_scan(tmp_path)

    assert hits(result, RULE) == []
    assert [u.reason for u in result.unresolved if u.rule == RULE] == [
        "NodePool batch is not in the scanned files",
    ]
