"""costlint scp simulate: the decision and the deciding statement."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from conftest import TESTS
from costlint.cli import main

CASES = TESTS / "cases"


def simulate(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    done = CliRunner().invoke(main, ["scp", "simulate", *args], input=stdin)
    return done.exit_code, done.stdout, done.stderr


def test_denied_names_the_statement_and_the_resource() -> None:
    code, out, _err = simulate(
        str(CASES / "C15" / "scp.json"),
        "--action",
        "ec2:RunInstances",
        "--tag",
        "CostCenter=abc",
    )

    assert code == 1
    assert (
        out.splitlines()[0] == "request: ec2:RunInstances with CostCenter=abc"
    )
    assert "ec2:instance (created)" in out
    assert out.splitlines()[-1].startswith(
        'decision: denied by statement 1 ("DenyCreateWithoutCostCenterBroad")'
        " at ",
    )
    assert out.splitlines()[-1].endswith("scp.json:5 on ec2:image")


def test_not_denied_when_tagged() -> None:
    code, out, _err = simulate(
        str(CASES / "C15" / "scp.json"),
        "--action",
        "ec2:CreateVpc",
        "--tag",
        "CostCenter=abc",
    )

    assert code == 0
    assert "ec2:vpc (created)" in out
    assert "decision: not denied" in out


def test_untagged_volume_is_denied_by_the_scoped_statement() -> None:
    code, out, _err = simulate(
        str(CASES / "C14" / "scp.json"),
        "--action",
        "ec2:createvolume",
    )

    assert code == 1
    assert 'denied by statement 1 ("DenyUntaggedInstancesAndVolumes")' in out


def test_one_tag_of_two_is_not_denied_null_keys_are_anded() -> None:
    code, out, _err = simulate(
        str(CASES / "C14" / "scp.json"),
        "--action",
        "ec2:CreateVolume",
        "--tag",
        "CostCenter=abc",
    )

    assert code == 0
    assert "ec2:volume (created)" in out


def test_a_caller_key_makes_it_undecided_until_given() -> None:
    args = [
        str(CASES / "C28" / "scp.json"),
        "--action",
        "ec2:CreateTags",
        "--resource",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
        "--tag",
        "CostCenter=x",
        "--context",
        "aws:ResourceTag/CostCenter=old",
    ]

    undecided = simulate(*args)
    admin = simulate(
        *args,
        "--context",
        "aws:PrincipalArn=arn:aws:iam::111122223333:role/example-finops-admin",
    )
    other = simulate(
        *args,
        "--context",
        "aws:PrincipalArn=arn:aws:iam::111122223333:role/dev",
    )

    assert undecided[0] == 2
    assert "depends on aws:PrincipalArn" in undecided[1]
    assert admin[0] == 0
    assert other[0] == 1


def test_policy_from_stdin() -> None:
    policy = (CASES / "C15" / "scp.json").read_text()
    code, out, _err = simulate(
        "-",
        "--action",
        "ec2:CreateVpc",
        stdin=policy,
    )

    assert code == 1
    assert "<stdin>:14" in out


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    other = tmp_path / "package.json"
    other.write_text('{"name": "x"}')

    no_policy = simulate(str(tmp_path), "--action", "ec2:CreateVpc")
    bad_tag = simulate(
        str(CASES / "C15" / "scp.json"),
        "--action",
        "ec2:CreateVpc",
        "--tag",
        "CostCenter",
    )
    bad_action = simulate(str(CASES / "C15" / "scp.json"), "--action", "x")

    assert no_policy[0] == 2
    assert "no service control policy found" in no_policy[2]
    assert bad_tag[0] == 2
    assert "is not KEY=VALUE" in bad_tag[2]
    assert bad_action[0] == 2
