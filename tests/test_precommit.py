"""The published hooks work under `pre-commit try-repo`, offline.

A copy of this repository (sources, policies, `.pre-commit-hooks.yaml`)
is committed to a temporary git repo, and `pre-commit try-repo` runs
its Terraform hook in another temporary repo with a staged file full
of waste: the hook must fail and name the findings, then pass once the
file is fixed.

Offline: pre-commit installs a `language: python` hook by running
`pip install .` in a fresh virtualenv, which needs the build backend
(hatchling) and costlint's dependencies from PyPI. The test keeps that
step but points pip at no index (`PIP_NO_INDEX`), turns off build
isolation, and makes the distributions already installed in the test
environment (hatchling and costlint's dependencies, not costlint
itself) visible through `PYTHONPATH`, one symlink per top-level entry.
pip then builds and installs costlint from the local clone into the
hook's environment, and the hook runs that copy. What this cannot
prove is the download of the dependencies; set
`COSTLINT_PRECOMMIT_ONLINE=1` to let pip fetch them from the index
instead (this needs network access to PyPI).

Without the `pre-commit` or `hatchling` packages (both in the `test`
extra) the test is skipped, saying so.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COPIED = (
    ".pre-commit-hooks.yaml",
    "pyproject.toml",
    "README.md",
    "policies",
    "src",
)
ONLINE = os.environ.get("COSTLINT_PRECOMMIT_ONLINE") == "1"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}
BAD = """\
resource "aws_ebs_volume" "data" {
  availability_zone = "us-east-1a"
  size              = 50
  type              = "gp2"
  tags = {
    Team        = "data"
    Service     = "etl"
    Environment = "production"
    CostCenter  = "cc-1"
  }
}
"""

pytest.importorskip("pre_commit", reason="pre-commit is not installed")
pytest.importorskip("hatchling", reason="hatchling is not installed")


def _git(cwd: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True
    )


def _requirements(name: str, seen: set[str]) -> None:
    """`name` and every distribution it needs, by normalised name."""
    from packaging.requirements import Requirement

    key = re.sub(r"[-_.]+", "-", name).lower()
    if key in seen:
        return
    seen.add(key)
    for text in metadata.requires(name) or ():
        req = Requirement(text)
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        _requirements(req.name, seen)


def _dependency_dir(target: Path) -> Path:
    """Symlinks to the installed dependencies, for PYTHONPATH."""
    names: set[str] = set()
    _requirements("costlint", names)
    _requirements("hatchling", names)
    names.discard("costlint")
    target.mkdir()
    for name in sorted(names):
        dist = metadata.distribution(name)
        base = Path(str(dist.locate_file("")))
        tops = {Path(str(f)).parts[0] for f in dist.files or ()}
        for top in sorted(tops):
            source = base / top
            if top in ("..", "bin") or not source.exists():
                continue
            link = target / top
            if not link.exists():
                link.symlink_to(source)
    return target


def _hook_repo(path: Path, env: dict[str, str]) -> Path:
    path.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, path / name, ignore=ignore)
        else:
            shutil.copy2(source, path / name)
    _git(path, env, "init", "-q", "-b", "main")
    _git(path, env, "add", "-A")
    _git(path, env, "commit", "-q", "-m", "costlint")
    return path


def _try_repo(
    work: Path, hooks: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(hooks),
            "costlint-terraform",
            "--verbose",
            "--color",
            "never",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    out = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PIP_", "PRE_COMMIT", "VIRTUALENV_", "GIT_"))
        and key not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    out.update(GIT_ENV)
    out["HOME"] = str(tmp_path / "home")
    out["PRE_COMMIT_HOME"] = str(tmp_path / "cache")
    out["XDG_CACHE_HOME"] = str(tmp_path / "xdg")
    if not ONLINE:
        out["PIP_NO_INDEX"] = "1"
        out["PIP_NO_BUILD_ISOLATION"] = "0"
        out["PYTHONPATH"] = str(_dependency_dir(tmp_path / "deps"))
    (tmp_path / "home").mkdir()
    return out


def test_try_repo_fails_on_waste_and_passes_after_the_fix(
    tmp_path: Path,
    env: dict[str, str],
) -> None:
    hooks = _hook_repo(tmp_path / "hooks", env)
    work = tmp_path / "work"
    work.mkdir()
    _git(work, env, "init", "-q", "-b", "main")
    (work / "main.tf").write_text(BAD)
    (work / "notes.txt").write_text("not for costlint\n")
    _git(work, env, "add", "main.tf", "notes.txt")

    failed = _try_repo(work, hooks, env)

    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    assert "costlint (Terraform)" in output
    assert "Failed" in output
    assert "main.tf:4:3: warning gp2-volume: aws_ebs_volume.data" in output

    (work / "main.tf").write_text(BAD.replace('"gp2"', '"gp3"'))
    _git(work, env, "add", "main.tf")

    passed = _try_repo(work, hooks, env)

    output = passed.stdout + passed.stderr
    assert passed.returncode == 0, output
    assert re.search(r"costlint \(Terraform\)\.+Passed", output), output


@pytest.mark.parametrize(
    ("command", "name"),
    [
        ("validate-manifest", ".pre-commit-hooks.yaml"),
        ("validate-config", ".pre-commit-config.yaml"),
    ],
    ids=["hooks-manifest", "own-config"],
)
def test_pre_commit_files_are_valid(command: str, name: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", command, name],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr


def test_own_config_downloads_nothing() -> None:
    import yaml

    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())

    assert {repo["repo"] for repo in config["repos"]} == {"local"}
    ids = {hook["id"] for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff-format", "ruff-check", "mypy", "costlint"} <= ids


def test_published_hooks_cover_every_input_kind() -> None:
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    by_id = {hook["id"]: hook for hook in hooks}

    assert set(by_id) == {
        "costlint",
        "costlint-terraform",
        "costlint-kubernetes",
        "costlint-scp",
    }
    for hook in hooks:
        assert hook["entry"] == "costlint scan --changed-only"
        assert hook["language"] == "python"
    assert re.search(by_id["costlint-terraform"]["files"], "infra/main.tf")
    assert re.search(by_id["costlint-terraform"]["files"], "prod.tfvars")
    assert re.search(by_id["costlint-kubernetes"]["files"], "k8s/app.yml")
    assert re.search(by_id["costlint-scp"]["files"], "scp/deny.json")
    assert re.search(by_id["costlint-scp"]["exclude"], "main.tf.json")
