"""Loading SCPs: detection, positions, sizes, stdin, odd inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import run_scan
from costlint.cli import main
from costlint.loaders import LoadContext
from costlint.loaders.json_docs import load_json_files, load_json_text
from costlint.loaders.scp import detect_scp, minified_sizes, minify
from costlint.model import Resource

POLICY = """\
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "First",
      "Effect": "Deny",
      "Action": "ec2:RunInstances",
      "Resource": "*"
    },
    {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}
  ]
}
"""


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(json.loads(POLICY), True, id="policy"),
        pytest.param([json.loads(POLICY)] * 2, True, id="list-of-policies"),
        pytest.param(
            {"Statement": {"Effect": "Deny", "Action": "*"}},
            True,
            id="no-version-but-effect",
        ),
        pytest.param({"name": "app", "version": "1.0"}, False, id="package"),
        pytest.param({"tags": {"CostCenter": {}}}, False, id="tag-policy"),
        pytest.param([], False, id="empty-list"),
        pytest.param({"Statement": "x"}, False, id="statement-text"),
    ],
)
def test_detection_by_shape(data: object, expected: bool) -> None:
    assert detect_scp(data) is expected


def load_text(text: str, shown: str = "scp.json") -> list[Resource]:
    ctx = LoadContext(base=Path.cwd())
    return list(load_json_text(text, shown, True, ctx).resources)


def test_statement_is_placed_at_its_first_key() -> None:
    [res] = load_text(POLICY)

    assert res.kind == "scp"
    assert res.type == "scp-policy"
    first = res.locate(("Statement", 0))
    second = res.locate(("Statement", 1))
    assert (first.line, first.column) == (5, 7)
    assert (second.line, second.column) == (10, 6)
    effect = res.locate(("Statement", 0, "Effect"))
    assert (effect.line, effect.column) == (6, 17)


def test_a_list_file_gives_one_resource_per_policy() -> None:
    text = json.dumps([json.loads(POLICY)] * 2, indent=2)
    first, second = load_text(text)

    assert first.address == "scp[0]"
    assert second.address == "scp[1]"
    assert second.location.line > first.location.line
    assert second.locate(("Statement", 0)).line > second.location.line
    size = len(json.dumps(json.loads(POLICY), separators=(",", ":")))
    assert first.context["size"] == size


def test_minified_size_keeps_strings_as_written() -> None:
    text = '{ "Sid" : "a b\\u0041" ,\n "x": [ 1, 2 ] }'

    assert minify(text) == '{"Sid":"a b\\u0041","x":[1,2]}'
    assert minified_sizes(text) == [len('{"Sid":"a b\\u0041","x":[1,2]}')]
    assert minified_sizes('[{"a": "}"}, {"b": 1}]') == [9, 7]


def test_duplicate_keys_are_recorded() -> None:
    [res] = load_text(
        '{"Version": "2012-10-17", "Statement": '
        '{"Effect": "Deny", "Effect": "Allow", "Action": "*", '
        '"Resource": "*"}}',
    )

    assert res.context["duplicate_keys"] == (("Statement", "Effect"),)


def test_trust_policies_are_skipped_unless_named(tmp_path: Path) -> None:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            },
        ],
    }
    (tmp_path / "trust.json").write_text(json.dumps(trust))

    walked = run_scan(tmp_path)
    named = run_scan(tmp_path / "trust.json")

    assert walked.resources == 0
    assert named.resources == 1
    assert "scp-invalid" in {f.rule for f in named.findings}


def test_other_json_met_while_walking_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "x"}')

    result = run_scan(tmp_path)

    assert result.problems == []
    assert result.resources == 0


def test_stdin_is_read_as_an_scp() -> None:
    runner = CliRunner()
    done = runner.invoke(
        main,
        ["scan", "--isolated", "-"],
        input=(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", '
            '"Principal": "*", "Action": "*", "Resource": "*"}]}'
        ),
    )

    assert done.exit_code == 1
    assert "<stdin>:1:" in done.stdout
    assert "scp-invalid" in done.stdout


def test_broken_json_is_a_parse_error_with_position(tmp_path: Path) -> None:
    path = tmp_path / "scp.json"
    path.write_text('{\n  "Version": "2012-10-17",\n  "Statement": [\n')

    loaded = load_json_files([path], LoadContext(base=tmp_path))

    [problem] = loaded.problems
    assert problem.location.line == 4


def test_malformed_statement_is_judged_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(
        '{"Version": "2012-10-17", "Statement": null}',
    )

    result = run_scan(tmp_path)

    assert "scp-invalid" in {f.rule for f in result.findings}


def test_list_item_that_is_not_a_policy_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(
        '[{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", '
        '"Action": "*", "Resource": "*"}]}, 5]',
    )

    result = run_scan(tmp_path)

    [problem] = result.problems
    assert problem.reason == "item 1 of the policy list is not a policy object"
