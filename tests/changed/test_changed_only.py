"""`scan --changed-only [--base REF]` on temporary git repositories.

The repository has a module (`modules/disk`, gp2 by default) called by
two roots, one passing gp3 (`live/a`) and one keeping the default
(`live/b`), plus an unrelated root with its own gp2 volume (`other`).
A change to the module must be judged through its callers: evaluated
alone it would report gp2 for `live/a`'s gp3 disk.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from costlint.changed import select_changed
from costlint.cli import main

TAGS = """  tags = {
    Team        = "data"
    Service     = "etl"
    Environment = "production"
    CostCenter  = "cc-1"
  }
"""
FILES = {
    "modules/disk/main.tf": (
        'variable "type" {\n  default = "gp2"\n}\n\n'
        'resource "aws_ebs_volume" "this" {\n'
        '  availability_zone = "us-east-1a"\n'
        "  size              = 10\n"
        "  type              = var.type\n" + TAGS + "}\n"
    ),
    "live/a/main.tf": (
        'module "disk" {\n  source = "../../modules/disk"\n'
        '  type   = "gp3"\n}\n'
    ),
    "live/b/main.tf": 'module "disk" {\n  source = "../../modules/disk"\n}\n',
    "other/main.tf": (
        'resource "aws_ebs_volume" "other" {\n'
        '  availability_zone = "us-east-1a"\n'
        "  size              = 10\n"
        '  type              = "gp2"\n' + TAGS + "}\n"
    ),
    "k8s/README.md": "not scanned\n",
}
GIT_ENV = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "",
}


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV, "HOME": str(repo)}
    done = subprocess.run(
        ["git", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "init")
    monkeypatch.chdir(root)
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value if key != "HOME" else str(tmp_path))
    return root


def scan(*args: str) -> tuple[int, Any]:
    done = CliRunner().invoke(
        main,
        ["scan", "--isolated", "--format", "json", *args],
    )
    report = json.loads(done.stdout) if done.stdout.startswith("{") else None
    return done.exit_code, report or done.stderr


def found(report: Any) -> list[tuple[str, str, str]]:
    return sorted(
        (f["rule"], f["file"], f["address"]) for f in report["findings"]
    )


def test_nothing_changed_scans_nothing(repo: Path) -> None:
    code, report = scan(".", "--changed-only")

    assert code == 0
    assert report["findings"] == []
    assert report["summary"]["files"] == 0


def test_module_change_is_judged_through_its_callers(repo: Path) -> None:
    with (repo / "modules/disk/main.tf").open("a") as fh:
        fh.write("# resized later\n")

    code, report = scan(".", "--changed-only")

    assert code == 1
    assert found(report) == [
        (
            "gp2-volume",
            "modules/disk/main.tf",
            "module.disk.aws_ebs_volume.this",
        ),
    ]
    assert report["summary"]["resources"] == 2


def test_caller_change_reports_what_it_does_to_modules(repo: Path) -> None:
    text = (repo / "live/a/main.tf").read_text().replace("gp3", "gp2")
    (repo / "live/a/main.tf").write_text(text)

    code, report = scan(".", "--changed-only")

    assert code == 1
    assert found(report) == [
        (
            "gp2-volume",
            "modules/disk/main.tf",
            "module.disk.aws_ebs_volume.this",
        ),
    ]
    assert report["findings"][0]["via"] == "live/a"


def test_tfvars_change_evaluates_the_directory(repo: Path) -> None:
    (repo / "other/terraform.tfvars").write_text('unused = "x"\n')

    code, report = scan(".", "--changed-only")

    assert code == 1
    assert found(report) == [
        ("gp2-volume", "other/main.tf", "aws_ebs_volume.other"),
    ]


def test_base_ref_compares_with_the_merge_base(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    volume = (repo / "other/main.tf").read_text().replace('"other"', '"more"')
    (repo / "extra").mkdir()
    (repo / "extra/main.tf").write_text(volume)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "more")
    git(repo, "checkout", "-q", "main")
    (repo / "main-only.tf").write_text("")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "main moves on")
    git(repo, "checkout", "-q", "feature")

    committed = scan(".", "--changed-only", "--base", "main")
    uncommitted = scan(".", "--changed-only")

    assert committed[0] == 1
    assert found(committed[1]) == [
        ("gp2-volume", "extra/main.tf", "aws_ebs_volume.more"),
    ]
    assert uncommitted[0] == 0


def test_untracked_files_count_as_changed(repo: Path) -> None:
    (repo / "new").mkdir()
    (repo / "new/main.tf").write_text((repo / "other/main.tf").read_text())

    code, report = scan(".", "--changed-only")

    assert code == 1
    assert [f["file"] for f in report["findings"]] == ["new/main.tf"]


def test_named_files_are_the_change_and_keep_module_context(
    repo: Path,
) -> None:
    code, report = scan("--changed-only", "modules/disk/main.tf")

    assert code == 1
    assert found(report) == [
        (
            "gp2-volume",
            "modules/disk/main.tf",
            "module.disk.aws_ebs_volume.this",
        ),
    ]


def test_named_unrelated_json_is_not_an_error(repo: Path) -> None:
    (repo / "package.json").write_text('{"name": "x"}\n')

    code, report = scan("--changed-only", "package.json")

    assert code == 0
    assert report["errors"] == []


def test_deleted_file_evaluates_what_remains(repo: Path) -> None:
    (repo / "other/extra.tf").write_text("locals {\n  a = 1\n}\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "extra")
    (repo / "other/extra.tf").unlink()

    code, report = scan(".", "--changed-only")

    assert code == 1
    assert [f["file"] for f in report["findings"]] == ["other/main.tf"]


def test_excluded_paths_stay_excluded(repo: Path) -> None:
    (repo / ".costlint.yaml").write_text("exclude: [other]\n")
    (repo / "other/terraform.tfvars").write_text('unused = "x"\n')

    done = CliRunner().invoke(main, ["scan", ".", "--changed-only"])

    assert done.exit_code == 0, done.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--changed-only", "--base", "no-such-ref"],
            "merge base of no-such-ref",
        ),
        (["--base", "main"], "--base is used only with --changed-only"),
    ],
    ids=["unknown-ref", "base-alone"],
)
def test_bad_refs_exit_2(repo: Path, args: list[str], message: str) -> None:
    done = CliRunner().invoke(main, ["scan", "--isolated", ".", *args])

    assert done.exit_code == 2
    assert message in done.output


def test_outside_git_a_directory_cannot_be_narrowed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "main.tf").write_text(FILES["other/main.tf"])
    monkeypatch.chdir(plain)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))

    done = CliRunner().invoke(
        main, ["scan", "--isolated", ".", "--changed-only"]
    )

    assert done.exit_code == 2
    assert "git rev-parse" in done.stderr


def test_selection_loads_whole_directories_and_callers(repo: Path) -> None:
    with (repo / "modules/disk/main.tf").open("a") as fh:
        fh.write("# touched\n")

    selection = select_changed([Path(".")], None, (), repo)

    assert sorted(str(p) for p in selection.files["terraform"]) == [
        "live/a/main.tf",
        "live/b/main.tf",
        "modules/disk/main.tf",
    ]
    assert selection.keeps("modules/disk/main.tf")
    assert not selection.keeps("live/a/main.tf")
