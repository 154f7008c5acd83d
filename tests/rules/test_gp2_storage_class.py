"""gp2-storage-class: StorageClasses, claims and node classes on gp2."""

from __future__ import annotations

from pathlib import Path

from conftest import TESTS, hits, run_scan
from costlint.engine import ScanResult

FIXTURES = TESTS / "rules" / "fixtures" / "gp2_storage_class"
RULE = "gp2-storage-class"


def _messages(result: ScanResult) -> dict[tuple[str, int], str]:
    return {
        (Path(f.location.file).name, f.location.line): f.message
        for f in result.findings
        if f.rule == RULE
    }


def test_bad_fixtures() -> None:
    result = run_scan(FIXTURES / "bad")

    assert sorted(hits(result, RULE)) == [
        (RULE, "claims.yaml", 8),
        (RULE, "claims.yaml", 15),
        (RULE, "claims.yaml", 47),
        (RULE, "nodeclass.yaml", 13),
        (RULE, "storageclasses.yaml", 7),
        (RULE, "storageclasses.yaml", 12),
        (RULE, "storageclasses.yaml", 27),
    ]


def test_messages_say_where_gp2_comes_from() -> None:
    messages = _messages(run_scan(FIXTURES / "bad"))

    assert messages[("storageclasses.yaml", 12)] == (
        "StorageClass intree-default has no parameters.type: implicit "
        "default gp2 (in-tree provisioner); gp3 is about 20% cheaper per "
        "GB with a higher baseline"
    )
    assert messages[("claims.yaml", 8)].startswith(
        "PersistentVolumeClaim uploads uses StorageClass ebs-legacy, which "
        "makes gp2 volumes",
    )
    assert messages[("claims.yaml", 15)].startswith(
        "PersistentVolumeClaim thumbnails names no StorageClass, so it gets "
        "the default class intree-default",
    )
    assert messages[("claims.yaml", 47)].startswith(
        "volumeClaimTemplate scratch uses StorageClass intree-explicit",
    )


def test_good_fixtures_never_match_on_names() -> None:
    result = run_scan(FIXTURES / "good")

    assert hits(result, RULE) == []
    assert [u for u in result.unresolved if u.rule == RULE] == []


def test_claim_of_unscanned_class_is_unresolved(tmp_path: Path) -> None:
    (tmp_path / "pvc.yaml").write_text(
        "apiVersion: v1\nkind: PersistentVolumeClaim\n"
        "metadata: {name: data, namespace: app}\n"
        "spec: {storageClassName: gp2, resources: "
        "{requests: {storage: 1Gi}}}\n",
    )

    result = run_scan(tmp_path)

    assert hits(result, RULE) == []
    assert [(u.address, u.reason) for u in result.unresolved] == [
        (
            "PersistentVolumeClaim/app/data",
            "PersistentVolumeClaim data: StorageClass gp2 is not in the "
            "scanned files",
        ),
    ]
