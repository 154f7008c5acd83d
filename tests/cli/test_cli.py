"""The command line: exit codes, formats, config errors, rule docs."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from costlint.cli import main

TESTS = Path(__file__).parent.parent
BAD = TESTS / "rules" / "fixtures" / "gp2_volume" / "bad"
CLEAN_TF = 'resource "aws_iam_role_policy_attachment" "x" {\n  role = "r"\n}\n'


def invoke(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(main, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def report_schema() -> dict[str, object]:
    text = resources.files("costlint.data").joinpath("report.schema.json")
    schema: dict[str, object] = json.loads(text.read_text())
    return schema


def test_findings_exit_1_with_text_lines() -> None:
    code, out, _err = invoke("scan", "--isolated", str(BAD))

    assert code == 1
    first = out.splitlines()[0]
    assert first.endswith(
        "main.tf:1:1: warning missing-cost-tags: aws_ebs_volume.explicit: "
        "missing cost-allocation tags Team, Service, Environment, CostCenter",
    )
    assert out.splitlines()[1].startswith("    why: ")
    assert out.splitlines()[2].startswith("    fix: ")
    assert out.splitlines()[-1].startswith("11 findings (11 warning) in 5")


def test_clean_scan_exits_0(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CLEAN_TF)

    code, out, _err = invoke("scan", "--isolated", str(tmp_path))

    assert code == 0
    assert out == "0 findings in 1 resource from 1 file\n"


def test_fail_on_error_ignores_warnings() -> None:
    code, _out, _err = invoke(
        "scan", "--isolated", "--fail-on", "error", str(BAD)
    )

    assert code == 0


def test_parse_error_exits_2_even_with_findings(tmp_path: Path) -> None:
    (tmp_path / "a.tf").write_text('resource "aws_ebs_volume" "v" {}\n')
    (tmp_path / "b.tf").write_text("locals {\n  a = \n")

    code, out, _err = invoke("scan", "--isolated", str(tmp_path))

    assert code == 2
    assert "b.tf:" in out and "parse-error" in out


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    code, _out, err = invoke("scan", "--isolated", str(tmp_path / "nope"))

    assert code == 2
    assert "no such file or directory" in err


def test_json_report_validates_against_schema() -> None:
    code, out, _err = invoke(
        "scan", "--isolated", "--format", "json", str(BAD)
    )

    document = json.loads(out)
    jsonschema.Draft7Validator(report_schema()).validate(document)
    assert code == 1
    assert document["summary"]["exit_code"] == 1
    assert document["summary"]["findings"] == len(document["findings"]) == 11
    first = document["findings"][0]
    assert (first["rule"], first["line"]) == ("missing-cost-tags", 1)


def test_json_and_text_carry_the_same_findings() -> None:
    _c, text, _e = invoke("scan", "--isolated", str(BAD))
    _c, raw, _e = invoke("scan", "--isolated", "--format", "json", str(BAD))

    heads = [line for line in text.splitlines() if ": warning " in line]
    from_json = [
        f"{f['file']}:{f['line']}:{f['column']}: {f['severity']} "
        f"{f['rule']}: {f['address']}: {f['message']}"
        for f in json.loads(raw)["findings"]
    ]
    assert heads == from_json


def test_output_file_and_no_colour(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    target = tmp_path / "report.txt"

    code, out, _err = invoke("scan", "--isolated", "-o", str(target), str(BAD))

    assert code == 1
    assert out == ""
    assert "\033[" not in target.read_text()


def test_verbose_lists_unresolved(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'variable "t" {}\nresource "aws_sqs_queue" "q" {\n  tags = var.t\n}\n',
    )

    _code, quiet, _err = invoke("scan", "--isolated", str(tmp_path))
    _code, loud, _err = invoke("scan", "--isolated", "-v", str(tmp_path))

    assert "1 not fully evaluated" in quiet
    assert "unresolved missing-cost-tags: aws_sqs_queue.q: tags may" in loud


def test_invalid_config_exits_2_naming_the_key(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CLEAN_TF)
    config = tmp_path / ".costlint.yaml"
    config.write_text("rules:\n  gp2-volume:\n    severity: loud\n")

    code, _out, err = invoke("scan", str(tmp_path))

    assert code == 2
    assert "invalid config at rules.gp2-volume.severity" in err
    assert str(config) in err


def test_unknown_rule_in_config_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CLEAN_TF)
    (tmp_path / ".costlint.yaml").write_text("rules:\n  no-such-rule: {}\n")

    code, _out, err = invoke("scan", str(tmp_path))

    assert code == 2
    assert "rules.no-such-rule: unknown rule" in err


def test_config_disables_a_rule_and_isolated_ignores_it() -> None:
    config = TESTS / "cli" / "fixtures" / "quiet.costlint.yaml"

    code, out, _err = invoke("scan", "--config", str(config), str(BAD))
    assert code == 1
    assert "gp2-volume" not in out
    assert "missing-cost-tags" in out

    code, out, _err = invoke("scan", "--isolated", str(BAD))
    assert "gp2-volume" in out


def test_invalid_bundle_exits_2(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CLEAN_TF)
    (tmp_path / "bundle.yaml").write_text(
        "version: 1\naws:\n  required_tags:\n    Team: {allowed: []}\n",
    )
    (tmp_path / ".costlint.yaml").write_text("bundle: bundle.yaml\n")

    code, _out, err = invoke("scan", str(tmp_path))

    assert code == 2
    assert (
        "bundle.yaml: invalid config at aws.required_tags.Team.allowed" in err
    )


def test_config_yaml_syntax_error_has_position(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CLEAN_TF)
    (tmp_path / ".costlint.yaml").write_text("rules: [\n")

    code, _out, err = invoke("scan", str(tmp_path))

    assert code == 2
    assert ".costlint.yaml:2:1: invalid config" in err


def test_pyproject_tool_section_is_read(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_ebs_volume" "v" {\n  type = "gp2"\n}\n',
    )
    (tmp_path / "pyproject.toml").write_text(
        "[tool.costlint]\nfail_on = 'error'\n",
    )

    code, _out, _err = invoke("scan", str(tmp_path))

    assert code == 0


def test_rules_and_explain() -> None:
    code, out, _err = invoke("rules")
    assert code == 0
    assert "gp2-volume" in out and "missing-cost-tags" in out

    code, out, _err = invoke("explain", "gp2-volume")
    assert code == 0
    assert out.startswith("gp2-volume: gp2 storage\nseverity: warning")
    assert "Limits:" in out

    code, _out, err = invoke("explain", "nope")
    assert code == 2
    assert "unknown rule 'nope'" in err


def test_help_lists_exit_codes() -> None:
    code, out, _err = invoke("scan", "--help")

    assert code == 0
    assert "Exit codes: 0" in out


def test_internal_error_exits_2_without_traceback(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "main.tf").write_text(CLEAN_TF)

    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("costlint.cli.scan_cmd.scan", explode)
    code, _out, err = invoke("scan", "--isolated", str(tmp_path))

    assert code == 2
    assert "internal error: RuntimeError: boom" in err
    assert "Traceback" not in err


def test_terraform_on_stdin_is_refused_with_a_hint() -> None:
    code, out, _err = invoke(
        "scan",
        "--isolated",
        "-",
        stdin='resource "aws_sqs_queue" "q" {}\n',
    )

    assert code == 2
    assert "<stdin>:1:1: parse-error: this looks like Terraform HCL" in out


def test_missing_bundle_names_the_config_key(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CLEAN_TF)
    (tmp_path / ".costlint.yaml").write_text("bundle: nope.yaml\n")

    code, _out, err = invoke("scan", str(tmp_path))

    assert code == 2
    assert "invalid config at bundle:" in err
    assert "nope.yaml is not a file" in err


def test_text_output_escapes_control_characters(tmp_path: Path) -> None:
    (tmp_path / "sc.yaml").write_text(
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n"
        '  name: "x\\nforged.tf:1:1: error fake"\n'
        "provisioner: kubernetes.io/aws-ebs\n",
    )

    _code, out, _err = invoke("scan", "--isolated", str(tmp_path))

    assert not any(line.startswith("forged.tf") for line in out.splitlines())
    assert "x\\nforged.tf" in out


def test_config_errors_do_not_echo_file_contents(tmp_path: Path) -> None:
    secret = tmp_path / "outside.key"
    secret.write_text("-----BEGIN FAKE KEY----- " + "A" * 200 + "\n")
    (tmp_path / "main.tf").write_text(CLEAN_TF)
    (tmp_path / ".costlint.yaml").write_text(f"bundle: {secret}\n")

    code, _out, err = invoke("scan", str(tmp_path))

    assert code == 2
    assert "BEGIN FAKE KEY" not in err
    assert "a str value fails the 'type' check" in err
