"""Measure `costlint scan` on a generated 10,000-resource Terraform plan.

Writes a plan in the format of `terraform show -json PLANFILE`
(planned_values with a root module and child modules, for_each and
count addresses, resource_changes with after_unknown, configuration)
plus the `.tf` files it would come from, then scans it twice, each time
in a fresh interpreter: with the `.tf` source (findings point at the
blocks) and without it (findings point at lines of the plan). For each
run it prints the wall time of each stage (discover, evaluate, rules,
report), the total, the number of findings, and the peak memory: the
process's peak resident size and the peak of Python allocations
traced by tracemalloc (which slows the run, so it is measured in a
separate run from the timings).

Run: python benchmarks/bench_plan.py [--resources 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

AWS = "registry.terraform.io/hashicorp/aws"
TYPES = ("m7i.large", "m4.xlarge", "c6i.4xlarge", "t3.mirco", "r7g.large")
PER_MODULE = 50


def _tags(index: int) -> dict[str, str]:
    env = ("development", "test", "production")[index % 3]
    return {"Service": f"svc{index % 7}", "Environment": env}


def _instance(address: str, name: str, index: Any, n: int) -> dict[str, Any]:
    tags = _tags(n)
    values = {
        "ami": "ami-0123456789abcdef0",
        "instance_type": TYPES[n % len(TYPES)],
        "tags": tags,
        "tags_all": {"Team": "bench", "CostCenter": "cc-1", **tags},
        "root_block_device": [
            {"volume_size": 20, "volume_type": "gp2" if n % 4 else "gp3"},
        ],
        "monitoring": False,
    }
    entry = {
        "address": address,
        "mode": "managed",
        "type": "aws_instance",
        "name": name,
        "provider_name": AWS,
        "schema_version": 1,
        "values": values,
        "sensitive_values": {},
    }
    if index is not None:
        entry["index"] = index
    return entry


def _bucket(address: str, name: str, n: int) -> dict[str, Any]:
    tags = _tags(n)
    return {
        "address": address,
        "mode": "managed",
        "type": "aws_s3_bucket",
        "name": name,
        "provider_name": AWS,
        "schema_version": 0,
        "values": {
            "bucket": f"bench-{n}",
            "force_destroy": False,
            "tags": tags,
            "tags_all": {"Team": "bench", "CostCenter": "cc-1", **tags},
        },
        "sensitive_values": {},
    }


_UNKNOWN = {
    "aws_instance": {
        "arn": True,
        "id": True,
        "private_ip": True,
        "ebs_block_device": True,
        "root_block_device": [{"iops": True, "volume_id": True}],
    },
    "aws_s3_bucket": {"arn": True, "id": True, "lifecycle_rule": True},
}


def _config_resource(rtype: str, name: str) -> dict[str, Any]:
    if rtype == "aws_instance":
        expressions: dict[str, Any] = {
            "ami": {"constant_value": "ami-0123456789abcdef0"},
            "instance_type": {"references": ["each.value"]},
            "root_block_device": [
                {"volume_size": {"constant_value": 20}},
            ],
            "tags": {"references": ["var.tags"]},
        }
    else:
        expressions = {
            "bucket": {"references": ["each.key"]},
            "tags": {"references": ["var.tags"]},
        }
    return {
        "address": f"{rtype}.{name}",
        "mode": "managed",
        "type": rtype,
        "name": name,
        "provider_config_key": "aws",
        "expressions": expressions,
        "schema_version": 0,
    }


def build_plan(total: int) -> dict[str, Any]:
    """A plan of `total` resources: root ones and module instances."""
    root: list[dict[str, Any]] = []
    children: list[dict[str, Any]] = []
    n = 0
    while n < total // 5:
        root.append(_instance(f"aws_instance.web[{n}]", "web", n, n))
        n += 1
    module = 0
    while n < total:
        resources = []
        prefix = f'module.svc["m{module}"]'
        for _ in range(PER_MODULE):
            if n >= total:
                break
            key = f"k{n}"
            if n % 2:
                address = f'{prefix}.aws_instance.node["{key}"]'
                resources.append(_instance(address, "node", key, n))
            else:
                address = f'{prefix}.aws_s3_bucket.data["{key}"]'
                resources.append(_bucket(address, "data", n))
            n += 1
        children.append({"address": prefix, "resources": resources})
        module += 1

    every = root + [r for child in children for r in child["resources"]]
    changes = [
        {
            "address": entry["address"],
            "mode": "managed",
            "type": entry["type"],
            "name": entry["name"],
            "provider_name": AWS,
            "change": {
                "actions": ["create"],
                "before": None,
                "after": entry["values"],
                "after_unknown": _UNKNOWN[entry["type"]],
            },
        }
        for entry in every
    ]
    module_config = {
        "resources": [
            _config_resource("aws_instance", "node"),
            _config_resource("aws_s3_bucket", "data"),
        ],
    }
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "planned_values": {
            "root_module": {"resources": root, "child_modules": children},
        },
        "resource_changes": changes,
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "expressions": {}}},
            "root_module": {
                "resources": [_config_resource("aws_instance", "web")],
                "module_calls": {
                    "svc": {
                        "source": "./modules/svc",
                        "module": module_config,
                    },
                },
            },
        },
    }


_ROOT_TF = """
resource "aws_instance" "web" {
  count         = 2000
  ami           = "ami-0123456789abcdef0"
  instance_type = "m7i.large"

  root_block_device {
    volume_size = 20
  }
}

module "svc" {
  for_each = toset(["m0"])
  source   = "./modules/svc"
}
"""

_MODULE_TF = """
resource "aws_instance" "node" {
  for_each      = {}
  ami           = "ami-0123456789abcdef0"
  instance_type = each.value

  root_block_device {
    volume_size = 20
  }
}

resource "aws_s3_bucket" "data" {
  for_each = {}
  bucket   = each.key
}
"""


def write_inputs(folder: Path, total: int) -> tuple[Path, Path]:
    """The plan file and the source directory, written under `folder`."""
    source = folder / "source"
    (source / "modules" / "svc").mkdir(parents=True, exist_ok=True)
    (source / "main.tf").write_text(_ROOT_TF, encoding="utf-8")
    (source / "modules" / "svc" / "main.tf").write_text(
        _MODULE_TF,
        encoding="utf-8",
    )
    plan = folder / "plan.json"
    plan.write_text(json.dumps(build_plan(total), indent=2), encoding="utf-8")
    return plan, source


def measure(plan: Path, source: Path | None, traced: bool) -> dict[str, Any]:
    """Scan once in this process; stage times and peak memory."""
    from costlint.config import load_settings
    from costlint.engine import scan
    from costlint.reporters.text import render_text

    if traced:
        tracemalloc.start()
    settings = load_settings(plan.parent, isolated=True)
    started = time.perf_counter()
    result = scan([plan], settings, source_dir=source)
    report_start = time.perf_counter()
    render_text(result)
    result.timings["report"] = time.perf_counter() - report_start
    total = time.perf_counter() - started
    out: dict[str, Any] = {
        "timings": result.timings,
        "total": total,
        "findings": len(result.findings),
        "resources": result.resources,
        "problems": len(result.problems),
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        / 1024,
    }
    if traced:
        out["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return out


def _child(plan: Path, source: Path | None, traced: bool) -> dict[str, Any]:
    command = [sys.executable, __file__, "--measure", str(plan)]
    if source is not None:
        command += ["--source", str(source)]
    if traced:
        command.append("--traced")
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def report(label: str, timed: dict[str, Any], traced: dict[str, Any]) -> str:
    """One line of results for a run."""
    stages = ", ".join(
        f"{stage} {seconds:.2f}s"
        for stage, seconds in timed["timings"].items()
    )
    return (
        f"{label}: {timed['resources']} resources, {timed['findings']} "
        f"findings, total {timed['total']:.2f}s ({stages}); peak RSS "
        f"{timed['max_rss_mb']:.0f} MB, traced Python peak "
        f"{traced['traced_peak_mb']:.0f} MB"
    )


def main() -> int:
    """Generate the plan, then measure each mode in a fresh process."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="write inputs here")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--source", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--traced", action="store_true", help=argparse.SUPPRESS
    )
    args = parser.parse_args()

    if args.measure is not None:
        print(json.dumps(measure(args.measure, args.source, args.traced)))
        return 0

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        plan, source = write_inputs(folder, args.resources)
        size = plan.stat().st_size / 2**20
        print(f"plan: {args.resources} resources, {size:.1f} MB of JSON")
        for label, src in (("with .tf source", source), ("plan only", None)):
            timed = _child(plan, src, traced=False)
            traced = _child(plan, src, traced=True)
            print(report(label, timed, traced))
    return 0


if __name__ == "__main__":
    sys.exit(main())
