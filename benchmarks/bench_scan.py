"""Measure `costlint scan` on generated Terraform trees and the corpus.

Prints, for trees of 100, 1,000 and 10,000 resources (and for
../shared/corpus/terraform when it exists), the wall time of each stage
(discover, evaluate, rules, report), the total, and the peak resident
memory of the process and of its tfparse worker process. Each
measurement runs in a fresh interpreter so that peaks do not carry
over.

Run: python benchmarks/bench_scan.py [--sizes 100,1000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
PER_ROOT = 100

_HEADER = """
variable "env" {
  default = "staging"
}

variable "names" {
  default = ["a", "b", "c", "d", "e"]
}

locals {
  tags = {
    Team        = "bench"
    Service     = "svc"
    Environment = var.env
  }
}

provider "aws" {
  default_tags {
    tags = local.tags
  }
}

module "shared" {
  source = "../modules/shared"
  name   = "shared"
}
"""

_RESOURCES = """
resource "aws_ebs_volume" "v{n}" {{
  for_each          = toset(var.names)
  availability_zone = "us-east-1a"
  size              = 10
  type              = "{kind}"
  tags              = {{ CostCenter = "cc-{n}", Name = each.key }}
}}

resource "aws_s3_bucket" "b{n}" {{
  bucket = "bench-{n}"
}}

resource "aws_s3_bucket_lifecycle_configuration" "b{n}" {{
  bucket = aws_s3_bucket.b{n}.id
  rule {{
    id     = "expire"
    status = "Enabled"
    filter {{}}
    expiration {{
      days = 30
    }}
  }}
}}

resource "aws_instance" "i{n}" {{
  count         = 2
  ami           = "ami-0123456789abcdef0"
  instance_type = "m7i.large"
  root_block_device {{
    volume_type = "gp3"
  }}
}}
"""

_MODULE = """
variable "name" {}

resource "aws_sqs_queue" "q" {
  name = var.name
}
"""


def generate(root: Path, resources: int) -> None:
    """A tree of root modules, each of about PER_ROOT resources."""
    shared = root / "modules" / "shared"
    shared.mkdir(parents=True)
    (shared / "main.tf").write_text(_MODULE)

    # Each group below makes 10 resources (5 volumes, 1 bucket, 1
    # lifecycle configuration, 2 instances, plus the module's queue
    # shared by the root).
    groups = max(1, resources // 10)
    roots = max(1, groups * 10 // PER_ROOT)
    per_root = max(1, groups // roots)
    for index in range(roots):
        folder = root / f"stack{index:04d}"
        folder.mkdir()
        (folder / "main.tf").write_text(_HEADER)
        body = "".join(
            _RESOURCES.format(n=n, kind="gp2" if n % 7 == 0 else "gp3")
            for n in range(per_root)
        )
        (folder / "resources.tf").write_text(body)


def measure_one(path: Path) -> dict[str, float]:
    """Scan once in this process; stage times and peak memory."""
    from costlint.config import load_settings
    from costlint.engine import scan
    from costlint.reporters.text import render_text

    settings = load_settings(path, isolated=True)
    started = time.perf_counter()
    result = scan([path], settings)
    report_start = time.perf_counter()
    render_text(result)
    finished = time.perf_counter()

    figures = dict(result.timings)
    figures["report"] = finished - report_start
    figures["total"] = finished - started
    figures["resources"] = result.resources
    figures["findings"] = len(result.findings)
    figures["problems"] = len(result.problems)
    figures["peak_mb"] = _peak_mb(resource.RUSAGE_SELF)
    figures["worker_peak_mb"] = _worker_peak_mb()
    return figures


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def _worker_peak_mb() -> float:
    """Peak memory of the tfparse worker process, once it has stopped."""
    from costlint.loaders.terraform import worker

    worker.stop_worker()
    return _peak_mb(resource.RUSAGE_CHILDREN)


def run_child(path: Path) -> dict[str, float]:
    """Measure in a fresh interpreter and read its figures back."""
    done = subprocess.run(
        [sys.executable, __file__, "--one", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def print_row(label: str, figures: dict[str, float]) -> None:
    stages = " ".join(
        f"{stage}={figures.get(stage, 0.0):.2f}s"
        for stage in ("discover", "evaluate", "rules", "report")
    )
    print(
        f"{label:<24} resources={int(figures['resources']):>6} "
        f"findings={int(figures['findings']):>5} "
        f"total={figures['total']:.2f}s {stages} "
        f"peak={figures['peak_mb']:.0f}MB "
        f"worker-peak={figures['worker_peak_mb']:.0f}MB",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=Path, help="generate trees here")
    args = parser.parse_args()

    if args.one:
        print(json.dumps(measure_one(args.one)))
        return

    with tempfile.TemporaryDirectory(prefix="costlint-bench-") as scratch:
        base = args.keep or Path(scratch)
        for size in (int(s) for s in args.sizes.split(",")):
            tree = base / f"tree-{size}"
            if not tree.exists():
                generate(tree, size)
            print_row(f"generated {size}", run_child(tree))

    corpus = CORPUS / "terraform"
    if corpus.is_dir():
        print_row("corpus/terraform", run_child(corpus))
        print_row("corpus (all kinds)", run_child(CORPUS))


if __name__ == "__main__":
    main()
