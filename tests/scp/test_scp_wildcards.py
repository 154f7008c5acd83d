"""IAM wildcard matching stays linear on hostile patterns."""

from __future__ import annotations

from costlint.scp.arn import glob_match


def test_wildcards_match_in_bounded_time() -> None:
    pattern = "arn:aws:ec2:*:*:" + "*" * 40 + "a"
    text = "arn:aws:ec2:us-east-1:123456789012:instance/" + "b" * 20_000

    assert glob_match(pattern, text) is False
    assert glob_match("ec2:Run*", "ec2:RunInstances")
    assert glob_match("EC2:run?nstances", "ec2:RunInstances", ignore_case=True)
    assert not glob_match("ec2:Run?", "ec2:RunInstances")
