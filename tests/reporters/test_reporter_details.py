"""Escaping, the savings column and how --format pairs with --output."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_sample import fake_rules, sample_result

from costlint.cli import main
from costlint.engine import ScanResult
from costlint.model import Finding
from costlint.reporters.github import (
    escape_data,
    escape_property,
    render_github,
)
from costlint.reporters.markdown import render_markdown
from costlint.reporters.registry import (
    OutputPlanError,
    ReportTarget,
    plan_outputs,
)

PROJECT = Path(__file__).parent / "fixtures" / "project"


@pytest.mark.parametrize(
    ("text", "data", "prop"),
    [
        ("50% off", "50%25 off", "50%25 off"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("a:b,c", "a:b,c", "a%3Ab%2Cc"),
        ("100%0A", "100%250A", "100%250A"),
    ],
    ids=["percent", "newlines", "separators", "encoded-looking"],
)
def test_github_escaping(text: str, data: str, prop: str) -> None:
    assert escape_data(text) == data
    assert escape_property(text) == prop


def test_github_escapes_file_names_with_separators() -> None:
    result = sample_result()
    odd = dataclasses.replace(
        result.findings[0],
        location=dataclasses.replace(
            result.findings[0].location,
            file="infra/a,b:c.tf",
        ),
    )
    text = render_github(ScanResult(findings=[odd]))

    assert text.startswith(
        "::warning file=infra/a%2Cb%3Ac.tf,line=12,col=3,title=gp2-volume::",
    )


@dataclasses.dataclass(frozen=True)
class _PricedFinding(Finding):
    saving_usd: float | None = None


def test_markdown_has_no_savings_column_without_savings() -> None:
    text = render_markdown(sample_result(), fake_rules)

    assert "saving" not in text


def test_markdown_shows_savings_when_findings_carry_them() -> None:
    result = sample_result()
    priced = [
        _PricedFinding(**vars(result.findings[0]), saving_usd=12.5),
        _PricedFinding(**vars(result.findings[1]), saving_usd=None),
        *result.findings[2:],
    ]
    text = render_markdown(
        dataclasses.replace(result, findings=priced), fake_rules
    )

    assert text.splitlines()[0].endswith("est. monthly saving $12.50")
    assert "| est. monthly saving |" in text
    rows = [line for line in text.splitlines() if "infra/main.tf#L" in line]
    assert rows[0].endswith("| $12.50 |")
    assert rows[1].endswith("|  |")


def test_markdown_links_rows_to_file_and_line() -> None:
    text = render_markdown(sample_result(), fake_rules)

    assert "[infra/main.tf:12](infra/main.tf#L12)" in text
    assert "&lt;here&gt; \\| there second line" in text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], [("text", None)]),
        (["-o", "r.txt"], [("text", "r.txt")]),
        (["--format", "json", "-o", "r.json"], [("json", "r.json")]),
        (["--output", "r.json", "--format", "json"], [("json", "r.json")]),
        (
            ["--format", "sarif", "--output", "out.sarif", "--format", "text"],
            [("sarif", "out.sarif"), ("text", None)],
        ),
        (
            ["--format=text", "--format=gitlab", "--output=gl.json"],
            [("text", None), ("gitlab", "gl.json")],
        ),
        (["--format", "junit", "-ojunit.xml"], [("junit", "junit.xml")]),
        (["--format", "json", "--", "--format"], [("json", None)]),
    ],
    ids=[
        "default",
        "text-to-file",
        "after",
        "before",
        "issue-example",
        "equals",
        "short-joined",
        "after-dashes",
    ],
)
def test_outputs_pair_with_the_format_before_them(
    args: list[str],
    expected: list[tuple[str, str | None]],
) -> None:
    targets = plan_outputs(["infra/", *args])

    assert targets == [
        ReportTarget(fmt, Path(out) if out else None) for fmt, out in expected
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "json", "--format", "text"], "only one report"),
        (["--format", "json", "-o", "a", "-o", "b"], "no --format of its own"),
    ],
    ids=["two-to-stdout", "two-outputs"],
)
def test_outputs_that_do_not_pair_are_errors(
    args: list[str],
    message: str,
) -> None:
    with pytest.raises(OutputPlanError, match=message):
        plan_outputs(args)

    done = CliRunner().invoke(
        main, ["scan", "--isolated", str(PROJECT), *args]
    )
    assert done.exit_code == 2
    assert message in done.output


def test_one_run_writes_each_report_to_its_file(tmp_path: Path) -> None:
    sarif = tmp_path / "out.sarif"
    done = CliRunner().invoke(
        main,
        [
            "scan",
            "--isolated",
            str(PROJECT),
            "--format",
            "sarif",
            "--output",
            str(sarif),
            "--format",
            "text",
        ],
    )

    assert done.exit_code == 1
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    assert "6 findings (6 warning)" in done.stdout
    assert "1 suppressed" in done.stdout
