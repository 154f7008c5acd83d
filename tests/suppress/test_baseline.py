"""`costlint baseline create` and `scan --baseline`.

The baseline must survive edits that move lines, accept exactly as many
findings as it recorded, and refuse to be written from a tree it could
not fully read.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from costlint.baseline import (
    BaselineError,
    fingerprint,
    normalise_message,
    read_baseline,
)
from costlint.cli import main
from costlint.model import Finding, Location, Severity


def _volume(name: str) -> str:
    return (
        f'resource "aws_ebs_volume" "{name}" {{\n'
        '  availability_zone = "us-east-1a"\n'
        "  size              = 10\n"
        '  type              = "gp2"\n'
        "}\n"
    )


def _invoke(root: Path, *args: str) -> tuple[int, str, str]:
    done = CliRunner().invoke(main, list(args))
    return done.exit_code, done.stdout, done.stderr


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text(_volume("a") + _volume("b"))
    return tmp_path


def test_create_then_scan_reports_nothing(project: Path) -> None:
    code, out, _err = _invoke(project, "baseline", "create", "--isolated", ".")

    assert code == 0
    assert out == "wrote 4 findings to .costlint-baseline.json\n"
    document = json.loads((project / ".costlint-baseline.json").read_text())
    assert document["version"] == 1
    assert {e["rule"] for e in document["findings"]} == {
        "gp2-volume",
        "missing-cost-tags",
    }
    assert all("line" not in e for e in document["findings"])

    code, out, _err = _invoke(
        project,
        "scan",
        "--isolated",
        ".",
        "--baseline",
        ".costlint-baseline.json",
    )
    assert code == 0
    assert out.splitlines()[-1].endswith("; 4 suppressed")


def test_baseline_survives_moved_lines_and_reports_new(project: Path) -> None:
    _invoke(project, "baseline", "create", "--isolated", ".", "-o", "b.json")
    moved = "# a comment\n\n\n" + (project / "main.tf").read_text()
    (project / "main.tf").write_text(moved + _volume("c"))

    code, out, _err = _invoke(
        project,
        "scan",
        "--isolated",
        ".",
        "--format",
        "json",
        "--baseline",
        "b.json",
    )

    report = json.loads(out)
    assert code == 1
    assert {f["address"] for f in report["findings"]} == {"aws_ebs_volume.c"}
    assert report["summary"]["suppressed"] == 4
    assert {s["suppression"]["source"] for s in report["suppressed"]} == {
        "baseline",
    }


def test_baseline_accepts_each_entry_once(project: Path) -> None:
    _invoke(project, "baseline", "create", "--isolated", ".", "-o", "b.json")
    baseline = read_baseline(project / "b.json")
    finding = Finding(
        rule="gp2-volume",
        severity=Severity.WARNING,
        message="whatever",
        fix="",
        location=Location("main.tf", 1),
        address="aws_ebs_volume.a",
        why="",
    )
    baseline.counts[fingerprint(finding)] = 1

    assert baseline.take(finding)
    assert not baseline.take(finding)


def test_baseline_is_not_written_when_a_file_cannot_be_parsed(
    project: Path,
) -> None:
    (project / "broken.tf").write_text('resource "x" "y" {\n  a = \n}\n')

    code, _out, err = _invoke(project, "baseline", "create", "--isolated", ".")

    assert code == 2
    assert "broken.tf:" in err
    assert not (project / ".costlint-baseline.json").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "invalid baseline"),
        ('{"version": 2, "findings": []}', "version 1"),
        ('{"version": 1, "findings": [{}]}', "findings[0]: no fingerprint"),
    ],
    ids=["not-json", "wrong-version", "no-fingerprint"],
)
def test_bad_baseline_exits_2(
    project: Path, content: str, message: str
) -> None:
    (project / "b.json").write_text(content)

    code, _out, err = _invoke(
        project,
        "scan",
        "--isolated",
        ".",
        "--baseline",
        "b.json",
    )

    assert code == 2
    assert message in err
    with pytest.raises(BaselineError):
        read_baseline(project / "b.json")


@pytest.mark.parametrize(
    ("message", "normal"),
    [
        ("Type  is\n gp2", "type is gp2"),
        ("set at line 12", "set at line #"),
        ("see lines 3-9", "see lines #"),
        ("defined at main.tf:12:3", "defined at main.tf:#"),
        ("size 100 GB", "size 100 gb"),
    ],
)
def test_messages_are_normalised(message: str, normal: str) -> None:
    assert normalise_message(message) == normal


def test_fingerprint_ignores_line_and_column() -> None:
    one = Finding(
        rule="gp2-volume",
        severity=Severity.WARNING,
        message="EBS volume type is gp2",
        fix="",
        location=Location("infra/main.tf", 3, 1),
        address="aws_ebs_volume.a",
        why="",
    )
    moved = Finding(
        **{**vars(one), "location": Location("./infra/main.tf", 40, 7)}
    )
    other = Finding(**{**vars(one), "address": "aws_ebs_volume.b"})

    assert fingerprint(one) == fingerprint(moved)
    assert fingerprint(one) != fingerprint(other)
