"""docs/ci.md: every snippet is run or checked as written.

The GitHub Actions and GitLab CI jobs are read from the Markdown, their
`costlint` command lines are run (CI variables filled in) on a temporary
git repository with a base branch and a feature branch, and what they
write is validated against the schemas the reporter tests use; the
files the jobs upload must be the ones the command writes. The `sh`
examples run in document order, the config example must load, and the
HCL example must suppress what it says.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema
import yaml
from click.testing import CliRunner

from conftest import make_settings
from costlint.cli import main
from costlint.config import load_settings
from costlint.engine import scan
from costlint.reporters.registry import plan_outputs

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "ci.md"
SCHEMAS = ROOT / "tests" / "schemas"
CI_VARIABLES = {
    "${{ github.base_ref }}": "main",
    "$CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
}
TAGS = """  tags = {
    Team        = "data"
    Service     = "etl"
    Environment = "production"
    CostCenter  = "cc-1"
  }
"""


def _volume(name: str, kind: str) -> str:
    return (
        f'resource "aws_ebs_volume" "{name}" {{\n'
        '  availability_zone = "us-east-1a"\n'
        "  size              = 10\n"
        f'  type              = "{kind}"\n{TAGS}}}\n'
    )


def _blocks(lang: str) -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    return re.findall(rf"```{lang}\n(.*?)```", text, flags=re.S)


def _yaml_block(first_line: str) -> Any:
    for block in _blocks("yaml"):
        if block.startswith(first_line):
            return yaml.safe_load(block)
    raise AssertionError(f"docs/ci.md has no yaml block {first_line!r}")


def _command_lines(commands: list[str]) -> list[list[str]]:
    out = []
    for line in commands:
        if not line.startswith("costlint "):
            continue
        for name, value in CI_VARIABLES.items():
            line = line.replace(name, value)
        out.append(shlex.split(line)[1:])
    return out


def _git(repo: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(repo),
    }
    subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """main: a clean root and an old gp2 volume; feature: a new one."""
    root = tmp_path / "repo"
    (root / "live").mkdir(parents=True)
    (root / "legacy").mkdir()
    (root / "live" / "main.tf").write_text(_volume("app", "gp3"))
    (root / "legacy" / "main.tf").write_text(_volume("old", "gp2"))
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "base")
    _git(root, "update-ref", "refs/remotes/origin/main", "main")
    _git(root, "checkout", "-q", "-b", "feature")
    (root / "live" / "disk.tf").write_text(_volume("disk", "gp2"))
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "feature")
    monkeypatch.chdir(root)
    monkeypatch.setenv("HOME", str(tmp_path))
    return root


def _run(args: list[str]) -> Any:
    done = CliRunner().invoke(main, args)
    assert done.exit_code in (0, 1), (args, done.output)
    return done


def _outputs(args: list[str]) -> dict[str, str]:
    return {
        t.fmt: str(t.output)
        for t in plan_outputs(args)
        if t.output is not None
    }


def _valid_sarif(path: Path) -> dict[str, Any]:
    schema = json.loads(
        (SCHEMAS / "sarif" / "sarif-schema-2.1.0.json").read_text()
    )
    document = json.loads(path.read_text())
    jsonschema.Draft4Validator(schema).validate(document)
    return document


def test_github_actions_job(repo: Path) -> None:
    workflow = _yaml_block("# .github/workflows/costlint.yml")
    steps = workflow["jobs"]["costlint"]["steps"]
    [args] = _command_lines([s.get("run", "") for s in steps])

    done = _run(args)

    assert done.exit_code == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith(
        "::warning file=live/disk.tf,line=4,col=3,title=gp2-volume::",
    )
    assert "legacy/" not in done.stdout
    outputs = _outputs(args)
    sarif = _valid_sarif(repo / outputs["sarif"])
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["gp2-volume"]
    assert (
        (repo / outputs["markdown"])
        .read_text()
        .startswith(
            "### costlint: 1 finding (1 warning)",
        )
    )
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert upload["with"]["sarif_file"] == outputs["sarif"]
    summary = next(
        s for s in steps if "GITHUB_STEP_SUMMARY" in s.get("run", "")
    )
    assert f"cat {outputs['markdown']} " in summary["run"]
    checkout = next(s for s in steps if "checkout" in s.get("uses", ""))
    assert checkout["with"]["fetch-depth"] == 0


def test_gitlab_ci_job(repo: Path) -> None:
    config = _yaml_block("# .gitlab-ci.yml")
    job = config["costlint"]
    [args] = _command_lines(job["script"])

    done = _run(args)

    assert done.exit_code == 1
    assert done.stdout.startswith("live/disk.tf:4:3: warning gp2-volume:")
    outputs = _outputs(args)
    reports = job["artifacts"]["reports"]
    assert reports == {
        "codequality": outputs["gitlab"],
        "junit": outputs["junit"],
    }
    assert job["artifacts"]["when"] == "always"
    assert job["variables"]["GIT_DEPTH"] == "0"
    issues = json.loads((repo / outputs["gitlab"]).read_text())
    item = json.loads(
        (
            SCHEMAS / "gitlab-code-quality" / "gitlab-codeclimate.json"
        ).read_text(),
    )
    for issue in issues:
        jsonschema.Draft7Validator(item).validate(issue)
    assert [(i["check_name"], i["location"]["path"]) for i in issues] == [
        ("gp2-volume", "live/disk.tf"),
    ]
    xsd = xmlschema.XMLSchema(
        str(SCHEMAS / "junit" / "jenkins-xunit-junit-10.xsd")
    )
    xsd.validate(str(repo / outputs["junit"]))


def test_shell_examples_run_in_order(repo: Path) -> None:
    lines = [
        line
        for block in _blocks("sh")
        for line in block.splitlines()
        if line.startswith("costlint ")
    ]
    assert len(lines) >= 4

    codes = [_run(args).exit_code for args in _command_lines(lines)]

    by_line = dict(zip(lines, codes, strict=True))
    assert by_line["costlint scan . --baseline .costlint-baseline.json"] == 0
    assert (repo / ".costlint-baseline.json").is_file()
    _valid_sarif(repo / "costlint.sarif")


def test_pre_commit_example_names_published_hooks() -> None:
    config = _yaml_block("# .pre-commit-config.yaml")
    published = {
        hook["id"]
        for hook in yaml.safe_load(
            (ROOT / ".pre-commit-hooks.yaml").read_text()
        )
    }

    used = {hook["id"] for repo in config["repos"] for hook in repo["hooks"]}

    assert used <= published


def test_config_example_loads(tmp_path: Path) -> None:
    block = next(b for b in _blocks("yaml") if b.startswith("ignore:"))
    (tmp_path / ".costlint.yaml").write_text(block)

    settings = load_settings(tmp_path)

    assert [sorted(ig.rules) for ig in settings.ignores] == [
        ["gp2-volume"],
        ["missing-cost-tags"],
    ]
    assert settings.ignores[0].until == dt.date(2027, 9, 30)


def test_annotation_example_is_the_documented_shape() -> None:
    block = next(b for b in _blocks("yaml") if b.startswith("metadata:"))

    value = yaml.safe_load(block)["metadata"]["annotations"][
        "costlint.io/ignore"
    ]

    assert re.fullmatch(r"[a-z0-9-]+(,[a-z0-9-]+)*: \S.*", value)


def test_hcl_example_suppresses_what_it_says(tmp_path: Path) -> None:
    [block] = _blocks("hcl")
    (tmp_path / "main.tf").write_text(block)

    result = scan([tmp_path], make_settings(), today=dt.date(2027, 3, 31))
    later = scan([tmp_path], make_settings(), today=dt.date(2027, 4, 1))

    assert result.findings == []
    assert sorted(
        (s.finding.rule, s.suppression.reason) for s in result.suppressed
    ) == [
        ("gp2-volume", "the AMI needs gp2 burst"),
        ("missing-cost-tags", "restored from a gp2 snapshot"),
    ]
    assert sorted(f.rule for f in later.findings) == [
        "missing-cost-tags",
        "suppression-expired",
    ]
    assert [s.suppression.reason for s in later.suppressed] == [
        "the AMI needs gp2 burst",
    ]
