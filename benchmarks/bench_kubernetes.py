"""Measure `costlint scan` on Kubernetes manifests.

Prints, for one generated stream of 5,000 documents (the shape of
`helm template` or `kustomize build` output: Deployments, StatefulSets,
CronJobs, Services, PDBs, HPAs, claims, NodePools ...), read both from
standard input and from a file, the wall time of each stage (discover,
evaluate = YAML loading, rules, report), the total, the peak resident
memory of the process (`ru_maxrss`) and the peak of Python allocations
during the scan (`tracemalloc`, measured in a second run because it
slows the first). Each measurement runs in a fresh interpreter.

When ../shared/corpus/k8s exists it is scanned too, with the number of
findings per rule and every file that could not be parsed.

Run: python benchmarks/bench_kubernetes.py [--documents 5000]
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
from collections import Counter
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "k8s"

# One group is ten documents; {n} makes names unique.
_GROUP = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{n}
  namespace: ns-{ns}
  labels: {{team: t{ns}, service: web-{n}, env: production}}
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: web-{n}}}
  template:
    metadata:
      labels: {{app: web-{n}, team: t{ns}, service: web-{n}, env: production}}
    spec:
      nodeSelector:
        karpenter.sh/capacity-type: spot
      containers:
        - name: web
          image: registry.example.com/web:{n}
          resources:
            requests: {{cpu: 250m, memory: 256Mi}}
        - name: proxy
          image: registry.example.com/proxy:1
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web-{n}
  namespace: ns-{ns}
spec:
  maxUnavailable: 1
  selector:
    matchExpressions:
      - {{key: app, operator: In, values: [web-{n}]}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web-{n}
  namespace: ns-{ns}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {target}}}
  minReplicas: 2
  maxReplicas: 10
---
apiVersion: v1
kind: Service
metadata:
  name: web-{n}
  namespace: ns-{ns}
spec:
  selector: {{app: web-{n}}}
  ports: [{{port: 80, targetPort: 8080}}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-{n}
  namespace: ns-{ns}
data:
  settings.yaml: |
    level: info
    workers: 4
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db-{n}
  namespace: ns-{ns}
spec:
  replicas: 3
  serviceName: db-{n}
  selector:
    matchLabels: {{app: db-{n}}}
  template:
    metadata:
      labels: {{app: db-{n}}}
    spec:
      terminationGracePeriodSeconds: 60
      containers:
        - name: db
          image: registry.example.com/db:15
          resources:
            requests: {{cpu: "{cpu}", memory: 8Gi}}
  volumeClaimTemplates:
    - metadata: {{name: data}}
      spec:
        storageClassName: {storage_class}
        accessModes: [ReadWriteOnce]
        resources: {{requests: {{storage: 20Gi}}}}
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: report-{n}
  namespace: ns-{ns}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: registry.example.com/report:1
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: uploads-{n}
  namespace: ns-{ns}
spec:
  accessModes: [ReadWriteOnce]
  resources: {{requests: {{storage: 5Gi}}}}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: web-{n}
  namespace: ns-{ns}
---
# Source: chart/templates/notes.yaml (a comment-only document)
"""
_CLUSTER = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: gp2-legacy
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: ebs.csi.aws.com
parameters: {type: gp2}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: gp3
provisioner: ebs.csi.aws.com
parameters: {type: gp3}
---
apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: default
spec:
  template:
    spec:
      requirements:
        - {key: karpenter.sh/capacity-type, operator: In, values: [spot]}
"""


_FILLER = """\
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: filler-{n}
data: {{n: "{n}"}}
"""


def generate(documents: int) -> str:
    """One YAML stream of exactly `documents` documents."""
    parts = [_CLUSTER]
    groups = max(1, (documents - 3) // 10)
    for n in range(groups):
        parts.append(
            "---\n"
            + _GROUP.format(
                n=n,
                ns=n % 50,
                replicas=1 if n % 5 == 0 else 3,
                # Every other HPA targets a Deployment that does not exist,
                # so some one-replica Deployments on spot are reported.
                target=f"web-{n}" if n % 2 else f"gone-{n}",
                cpu=16 if n % 9 == 0 else 2,
                storage_class="gp2-legacy" if n % 4 == 0 else "gp3",
            ),
        )
    for n in range(documents - 3 - groups * 10):
        parts.append(_FILLER.format(n=n))
    return "".join(parts)


def _count_documents(text: str) -> int:
    return sum(1 for line in text.splitlines() if line == "---") + 1


def measure_one(source: str, path: Path | None, trace: bool) -> dict[str, Any]:
    """Scan once in this process; stage times and peak memory."""
    from costlint.config import load_settings
    from costlint.engine import scan
    from costlint.reporters.text import render_text

    text = path.read_text() if path and source == "stdin" else None
    settings = load_settings(Path.cwd(), isolated=True)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    if source == "stdin":
        result = scan([Path("-")], settings, stdin_text=text)
    else:
        assert path is not None
        result = scan([path], settings)
    report_start = time.perf_counter()
    render_text(result)
    finished = time.perf_counter()
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if trace else 0.0

    figures: dict[str, Any] = dict(result.timings)
    figures["report"] = finished - report_start
    figures["total"] = finished - started
    figures["resources"] = result.resources
    figures["findings"] = len(result.findings)
    figures["by_rule"] = dict(Counter(f.rule for f in result.findings))
    figures["problems"] = [str(p) for p in result.problems]
    figures["unresolved"] = len(result.unresolved)
    figures["baseline_mb"] = baseline
    figures["peak_mb"] = (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    )
    figures["traced_mb"] = traced
    return figures


def run_child(source: str, path: Path, trace: bool = False) -> dict[str, Any]:
    """Measure in a fresh interpreter and read its figures back."""
    command = [sys.executable, __file__, "--one", source, str(path)]
    if trace:
        command.append("--trace")
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    figures: dict[str, Any] = json.loads(done.stdout)
    return figures


def print_row(label: str, figures: dict[str, Any]) -> None:
    stages = " ".join(
        f"{stage}={figures.get(stage, 0.0):.2f}s"
        for stage in ("discover", "evaluate", "rules", "report")
    )
    print(
        f"{label:<22} resources={figures['resources']:>6} "
        f"findings={figures['findings']:>5} "
        f"total={figures['total']:.2f}s {stages} "
        f"peak_rss={figures['peak_mb']:.0f}MB "
        f"(baseline {figures['baseline_mb']:.0f}MB)",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one:
        source, path = args.one
        print(json.dumps(measure_one(source, Path(path), args.trace)))
        return

    with tempfile.TemporaryDirectory(prefix="costlint-k8s-") as scratch:
        stream = Path(scratch) / "stream.yaml"
        text = generate(args.documents)
        stream.write_text(text)
        size = len(text.encode()) / 2**20
        print(
            f"stream: {_count_documents(text)} documents, {size:.1f} MB "
            f"({stream.name})",
        )
        for source in ("stdin", "file"):
            figures = run_child(source, stream)
            print_row(f"5k stream via {source}", figures)
        traced = run_child("stdin", stream, trace=True)
        print(
            f"tracemalloc peak during the scan: {traced['traced_mb']:.0f} MB "
            f"(run under tracemalloc: {traced['total']:.2f}s)",
        )
        print(f"findings by rule: {json.dumps(figures['by_rule'])}")

    if CORPUS.is_dir():
        figures = run_child("file", CORPUS)
        print_row("corpus/k8s", figures)
        print(f"findings by rule: {json.dumps(figures['by_rule'])}")
        print(f"unresolved: {figures['unresolved']}")
        for problem in figures["problems"]:
            print(f"  {problem}")


if __name__ == "__main__":
    main()
