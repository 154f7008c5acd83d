"""Time a warm pre-commit-style run: 10 changed files in a 2,000-file tree.

Generates a git repository of 2,000 files (Terraform root stacks calling
shared local modules, Kubernetes manifests and SCPs), commits it,
changes 10 files (stack files, one shared module, tfvars, manifests) and
times `costlint scan --changed-only FILE...` with the 10 files named, as
the published pre-commit hooks run it, in a fresh interpreter from the
repository root. One run warms the file cache and bytecode; the next
`--runs` are timed and their minimum and median printed. For scale it
also times `--changed-only .` (git finds the change), a change of 10
stack files only (no shared module), and a full scan of the tree.

Run: python benchmarks/bench_precommit.py [--runs 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODULES = 20
STACKS = 360
MANIFESTS = 400
SCPS = 120
FILES_PER_STACK = 4
TOTAL = MODULES * 2 + STACKS * FILES_PER_STACK + MANIFESTS + SCPS

_MODULE_MAIN = """
resource "aws_ebs_volume" "data" {
  availability_zone = "us-east-1a"
  size              = var.size
  type              = var.type
  tags              = var.tags
}

resource "aws_s3_bucket" "logs" {
  bucket = "logs-${var.name}"
  tags   = var.tags
}
"""
_MODULE_VARIABLES = """
variable "name" {}
variable "size" {
  default = 20
}
variable "type" {
  default = "gp3"
}
variable "tags" {
  default = {}
}
"""
_STACK_MAIN = """
locals {{
  tags = {{
    Team        = "team-{n}"
    Service     = "svc-{n}"
    Environment = var.env
    CostCenter  = "cc-{n}"
  }}
}}

module "storage" {{
  source = "../../modules/m{module}"
  name   = "stack-{n}"
  type   = "{kind}"
  tags   = local.tags
}}

resource "aws_instance" "app" {{
  ami           = "ami-0123456789abcdef0"
  instance_type = "m7i.large"
  tags          = local.tags
  root_block_device {{
    volume_type = "gp3"
  }}
}}
"""
_STACK_VARIABLES = """
variable "env" {
  default = "staging"
}
"""
_STACK_VERSIONS = """
terraform {
  required_version = ">= 1.5"
}
"""
_MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{n}
  namespace: team-{n}
  labels:
    team: team-{n}
    service: app-{n}
    env: staging
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app-{n}
  template:
    metadata:
      labels:
        app: app-{n}
        team: team-{n}
        service: app-{n}
        env: staging
    spec:
      containers:
        - name: app
          image: registry.invalid/app:{n}
          resources:
            requests:
              cpu: 250m
              memory: 256Mi
            limits:
              memory: 256Mi
"""
_SCP = """{{
  "Version": "2012-10-17",
  "Statement": [
    {{
      "Sid": "DenyRegion{n}",
      "Effect": "Deny",
      "Action": "ec2:RunInstances",
      "Resource": "*",
      "Condition": {{
        "StringNotEquals": {{"aws:RequestedRegion": ["us-east-1"]}}
      }}
    }}
  ]
}}
"""


def generate(root: Path) -> None:
    """The 2,000-file tree, committed on a `main` branch."""
    for m in range(MODULES):
        folder = root / "modules" / f"m{m}"
        folder.mkdir(parents=True)
        (folder / "main.tf").write_text(_MODULE_MAIN)
        (folder / "variables.tf").write_text(_MODULE_VARIABLES)
    for n in range(STACKS):
        folder = root / "stacks" / f"s{n:03d}"
        folder.mkdir(parents=True)
        kind = "gp2" if n % 9 == 0 else "gp3"
        main = _STACK_MAIN.format(n=n, module=n % MODULES, kind=kind)
        (folder / "main.tf").write_text(main)
        (folder / "variables.tf").write_text(_STACK_VARIABLES)
        (folder / "versions.tf").write_text(_STACK_VERSIONS)
        (folder / "terraform.tfvars").write_text('env = "staging"\n')
    (root / "k8s").mkdir()
    for n in range(MANIFESTS):
        (root / "k8s" / f"app{n:03d}.yaml").write_text(_MANIFEST.format(n=n))
    (root / "scp").mkdir()
    for n in range(SCPS):
        (root / "scp" / f"region{n:03d}.json").write_text(_SCP.format(n=n))

    count = sum(1 for p in root.rglob("*") if p.is_file())
    assert count == TOTAL == 2000, count
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "tree")


def change(root: Path, with_module: bool) -> list[str]:
    """Edit 10 files as a typical commit would; their paths."""
    names = [f"stacks/s{n:03d}/main.tf" for n in (3, 40, 41, 200)]
    names += [f"stacks/s{n:03d}/terraform.tfvars" for n in (77, 300)]
    names += [f"k8s/app{n:03d}.yaml" for n in (5, 6, 150)]
    names.append(
        "modules/m7/main.tf" if with_module else "stacks/s099/main.tf"
    )
    for name in names:
        with (root / name).open("a", encoding="utf-8") as fh:
            fh.write("\n# edited\n")
    return names


def _git(root: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    }
    subprocess.run(["git", *args], cwd=root, env=env, check=True)


def time_runs(
    root: Path, args: list[str], runs: int
) -> tuple[list[float], str]:
    """Wall time of `runs` warm runs (after one untimed), last summary."""
    command = [sys.executable, "-m", "costlint", "scan", "--isolated", *args]
    summary = ""
    times = []
    for attempt in range(runs + 1):
        started = time.perf_counter()
        done = subprocess.run(
            command,
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - started
        if done.returncode not in (0, 1):
            raise SystemExit(
                f"{' '.join(args)}: exit {done.returncode}\n"
                f"{done.stdout}{done.stderr}"
            )
        summary = done.stdout.strip().splitlines()[-1]
        if attempt:
            times.append(elapsed)
    return times, summary


def report(label: str, times: list[float], summary: str) -> None:
    """One line per measurement."""
    print(
        f"{label:<44} min {min(times):6.2f} s  "
        f"median {statistics.median(times):6.2f} s  | {summary}",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="generate the tree here")
    args = parser.parse_args()

    base = args.keep or Path(tempfile.mkdtemp(prefix="costlint-bench-"))
    root = base / "tree"
    try:
        generate(root)
        print(f"tree: {TOTAL} files in {root}; {args.runs} warm runs each")
        names = change(root, with_module=True)
        times, summary = time_runs(root, ["--changed-only", *names], args.runs)
        report("pre-commit style: 10 named files", times, summary)
        times, summary = time_runs(root, [".", "--changed-only"], args.runs)
        report("--changed-only . (git finds the 10)", times, summary)

        _git(root, "checkout", "-q", "--", ".")
        names = change(root, with_module=False)
        times, summary = time_runs(root, ["--changed-only", *names], args.runs)
        report("10 named files, no shared module among them", times, summary)

        times, summary = time_runs(root, ["."], max(1, args.runs // 2))
        report("full scan of the tree", times, summary)
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
