"""Suppressions through the command line, on real Terraform.

Covers the stage's place in the pipeline: suppressed findings are
counted (text summary, JSON), never fail the run, and parse errors
still exit 2; config ignores are checked when the config is read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from costlint.cli import main

TAGS = """
  tags = {
    Team        = "data"
    Service     = "etl"
    Environment = "production"
    CostCenter  = "cc-1"
  }
"""


def _volume(name: str, comment: str = "") -> str:
    return (
        f"{comment}\n"
        f'resource "aws_ebs_volume" "{name}" {{\n'
        '  availability_zone = "us-east-1a"\n'
        "  size              = 10\n"
        '  type              = "gp2"\n'
        f"{TAGS}"
        "}\n"
    )


def _scan(
    root: Path,
    *args: str,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[int, Any]:
    monkeypatch.chdir(root)
    done = CliRunner().invoke(main, ["scan", ".", "--format", "json", *args])
    assert done.exit_code in (0, 1, 2), done.output
    return done.exit_code, json.loads(done.stdout) if done.stdout else {}


def test_inline_suppression_does_not_fail_the_run(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "main.tf").write_text(
        _volume("a", "# costlint:ignore gp2-volume restored from a snapshot"),
    )

    code, report = _scan(tmp_path, "--isolated", monkeypatch=monkeypatch)

    assert code == 0
    assert report["findings"] == []
    [entry] = report["suppressed"]
    assert entry["rule"] == "gp2-volume"
    assert entry["suppression"] == {
        "source": "inline",
        "reason": "restored from a snapshot",
        "file": "main.tf",
        "line": 1,
        "until": None,
    }
    assert report["summary"]["suppressed"] == 1


def test_text_summary_counts_suppressed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "main.tf").write_text(
        _volume("a", "# costlint:ignore gp2-volume restored from a snapshot")
        + _volume("b"),
    )
    monkeypatch.chdir(tmp_path)

    done = CliRunner().invoke(main, ["scan", ".", "--isolated"])

    assert done.exit_code == 1
    assert done.stdout.splitlines()[-1].startswith(
        "1 finding (1 warning) in 2 resources from 1 file; 1 suppressed",
    )


def test_suppression_without_reason_fails_the_run(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "main.tf").write_text(
        _volume("a", "# costlint:ignore gp2-volume"),
    )

    code, report = _scan(tmp_path, "--isolated", monkeypatch=monkeypatch)

    assert code == 1
    assert [(f["rule"], f["line"]) for f in report["findings"]] == [
        ("suppression-without-reason", 1),
    ]


def test_parse_errors_still_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "main.tf").write_text(
        _volume("a", "# costlint:ignore gp2-volume restored"),
    )
    (tmp_path / "broken.tf").write_text('resource "x" "y" {\n  a = \n}\n')

    code, report = _scan(tmp_path, "--isolated", monkeypatch=monkeypatch)

    assert code == 2
    assert report["summary"]["suppressed"] == 1


CONFIG = """\
ignore:
  - rules: [gp2-volume]
    paths: ["legacy/**"]
    reason: the legacy stack is retired in Q3
  - rules: [gp2-volume]
    resources: ["aws_ebs_volume.keep"]
    reason: benchmarked, gp2 burst is enough
    until: 2999-12-31
"""


def test_config_ignores_by_path_and_by_resource(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / ".costlint.yaml").write_text(CONFIG)
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "main.tf").write_text(_volume("old"))
    (tmp_path / "live").mkdir()
    (tmp_path / "live" / "main.tf").write_text(
        _volume("keep") + _volume("new")
    )

    code, report = _scan(tmp_path, monkeypatch=monkeypatch)

    assert code == 1
    assert [f["address"] for f in report["findings"]] == [
        "aws_ebs_volume.new",
    ]
    assert sorted(
        (s["address"], s["suppression"]["line"], s["suppression"]["until"])
        for s in report["suppressed"]
    ) == [
        ("aws_ebs_volume.keep", 7, "2999-12-31"),
        ("aws_ebs_volume.old", 4, None),
    ]


@pytest.mark.parametrize(
    ("config", "where"),
    [
        (
            "ignore:\n  - rules: [gp2-volume]\n    paths: [a]\n",
            "at ignore.0: 'reason' is a required property",
        ),
        (
            "ignore:\n  - rules: [gp2-volume]\n    paths: [a]\n"
            "    reason: ' '\n",
            "at ignore.0.reason",
        ),
        (
            "ignore:\n  - rules: [gp2-volume]\n    reason: r\n",
            "at ignore.0",
        ),
        (
            "ignore:\n  - rules: [gp2-volum]\n    paths: [a]\n    reason: r\n",
            "at ignore.0.rules.0: unknown rule 'gp2-volum'",
        ),
        (
            "ignore:\n  - rules: [gp2-volume]\n    paths: [a]\n"
            "    reason: r\n    until: next week\n",
            "at ignore.0.until: 'next week' is not a date",
        ),
    ],
    ids=["no-reason", "blank-reason", "no-scope", "unknown-rule", "bad-date"],
)
def test_bad_ignores_are_config_errors(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    config: str,
    where: str,
) -> None:
    (tmp_path / ".costlint.yaml").write_text(config)
    (tmp_path / "main.tf").write_text(_volume("a"))
    monkeypatch.chdir(tmp_path)

    done = CliRunner().invoke(main, ["scan", "."])

    assert done.exit_code == 2
    assert "invalid config" in done.stderr
    assert where in done.stderr


@pytest.mark.parametrize(
    "rule",
    [
        "suppression-without-reason",
        "suppression-expired",
        "invalid-suppression",
    ],
)
def test_suppression_rules_can_be_explained(rule: str) -> None:
    done = CliRunner().invoke(main, ["explain", rule])

    assert done.exit_code == 0
    assert done.stdout.startswith(f"{rule}: ")
    assert "costlint:ignore RULE" in done.stdout


def test_json_with_suppressions_matches_the_report_schema(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from importlib import resources

    import jsonschema

    (tmp_path / "main.tf").write_text(
        _volume("a", "# costlint:ignore gp2-volume until=2999-01-01 restored")
        + _volume("b"),
    )
    schema = json.loads(
        resources.files("costlint.data")
        .joinpath("report.schema.json")
        .read_text(),
    )

    _code, report = _scan(tmp_path, "--isolated", monkeypatch=monkeypatch)

    jsonschema.Draft7Validator(
        schema,
        format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER,
    ).validate(report)
    assert report["suppressed"][0]["suppression"]["until"] == "2999-01-01"
    assert len(report["findings"][0]["fingerprint"]) == 32
