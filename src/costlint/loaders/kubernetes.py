"""Turn YAML documents into Kubernetes `Resource` records.

A document is a Kubernetes object when it is a mapping with a string
`apiVersion` and `kind`; anything else (a GitHub workflow, a Helm
values file, a docker-compose file) is not judged. `kind: List` (and the
`...List` kinds `kubectl get -o yaml` prints) stands for its `items`.
Every kind is kept, including custom resources, so later rules can
read them; rules pick the kinds they judge.

Each record's `attrs` is the whole object as plain data, `type` its
kind, `address` `Kind/namespace/name` (namespace `default` when unset,
as the API server does) or `Kind/name` for cluster-scoped kinds, and
`location` the line of its `kind:` key.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from costlint.k8s_workloads import TEMPLATE_PATHS
from costlint.model import AttrPath, Location, ParseProblem, Resource

if TYPE_CHECKING:
    from costlint.loaders.yaml_docs import Positions, YamlDocument

log = logging.getLogger(__name__)

KUSTOMIZATION_NAMES = frozenset({"kustomization.yaml", "kustomization.yml"})

# Kinds with no namespace; their address is `Kind/name`.
CLUSTER_SCOPED = frozenset(
    {
        "APIService",
        "CSIDriver",
        "CSINode",
        "ClusterIssuer",
        "ClusterPolicy",
        "ClusterRole",
        "ClusterRoleBinding",
        "CustomResourceDefinition",
        "EC2NodeClass",
        "IngressClass",
        "MutatingWebhookConfiguration",
        "Namespace",
        "Node",
        "NodeClaim",
        "NodePool",
        "PersistentVolume",
        "PodSecurityPolicy",
        "PriorityClass",
        "Provisioner",
        "RuntimeClass",
        "StorageClass",
        "ValidatingWebhookConfiguration",
        "VolumeSnapshotClass",
    },
)
_HELM_DEPTH = 6


def is_manifest(data: Any) -> bool:
    """Whether plain data is a Kubernetes object (or a list of them)."""
    return (
        isinstance(data, Mapping)
        and isinstance(data.get("apiVersion"), str)
        and isinstance(data.get("kind"), str)
        and bool(data["kind"])
    )


def resources_of(doc: YamlDocument) -> list[Resource] | None:
    """The objects of one document, or None if it is not Kubernetes."""
    if not is_manifest(doc.data):
        return None
    kind = doc.data["kind"]
    items = doc.data.get("items")
    if kind.endswith("List") and isinstance(items, list):
        out = []
        for index, item in enumerate(items):
            if not is_manifest(item):
                log.debug(
                    "skipping item %d of a %s in %s: not an object",
                    index,
                    kind,
                    doc.start.file,
                )
                continue
            positions = doc.positions.below(("items", index))
            out.append(_resource(item, positions, doc, None))
        return out
    return [_resource(doc.data, doc.positions, doc, doc.end_line)]


_YAML_TYPES = {
    "dict": "mapping",
    "str": "string",
    "int": "number",
    "float": "number",
    "bool": "boolean",
}


def shape_problems(res: Resource) -> list[ParseProblem]:
    """Where a workload is not shaped as Kubernetes requires.

    The API server would refuse `spec: [...]` or `containers: {...}`;
    costlint says so rather than judging nothing and passing clean.
    """
    if res.type.endswith("List") and "items" in res.attrs:
        return _expect(res, ("items",), list, "a list")
    path = TEMPLATE_PATHS.get(res.type)
    if path is None:
        return []
    for end in range(1, len(path) + 1):
        found = _expect(res, path[:end], Mapping, "a mapping")
        if found:
            return found
    problems = []
    for field in ("containers", "initContainers"):
        problems += _expect(res, (*path, "spec", field), list, "a list")
    return problems


def _expect(
    res: Resource,
    path: AttrPath,
    kind: type,
    wanted: str,
) -> list[ParseProblem]:
    node: Any = res.attrs
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return []
        node = node[part]
    if node is None or isinstance(node, kind):
        return []
    dotted = ".".join(str(part) for part in path)
    got = _YAML_TYPES.get(type(node).__name__, type(node).__name__)
    return [
        ParseProblem(
            res.locate(path),
            f"{res.type} {dotted} must be {wanted}, not a {got}",
        ),
    ]


def _resource(
    data: Mapping[str, Any],
    positions: Positions,
    doc: YamlDocument,
    end_line: int | None,
) -> Resource:
    kind = data["kind"]
    metadata = data.get("metadata")
    if not isinstance(metadata, Mapping):
        metadata = {}
    name = _name_of(metadata)
    scoped = kind in CLUSTER_SCOPED
    namespace = "" if scoped else str(metadata.get("namespace") or "default")
    address = f"{kind}/{name}" if scoped else f"{kind}/{namespace}/{name}"

    at = positions.get(("kind",), doc.start)
    location = Location(at.file, at.line, at.column, end_line)
    return Resource(
        kind="kubernetes",
        type=kind,
        address=address,
        attrs=data,
        location=location,
        positions=positions,
        context={
            "api_version": data["apiVersion"],
            "namespace": namespace,
            "name": name,
            "document": doc.index,
            "group": folder_of(location.file),
        },
    )


def folder_of(shown: str) -> str:
    """The folder of a shown path; standard input is its own group."""
    return shown if shown == "<stdin>" else str(PurePath(shown).parent)


def _name_of(metadata: Mapping[str, Any]) -> str:
    name = metadata.get("name")
    if isinstance(name, str) and name:
        return name
    generated = metadata.get("generateName")
    if isinstance(generated, str) and generated:
        return f"{generated}*"
    return "<unnamed>"


def is_helm_template(path: Path) -> bool:
    """Whether `path` lies in the `templates/` folder of a Helm chart.

    Chart templates are Go templates that only become YAML once
    rendered, so they are not read as manifests.
    """
    folder = path.parent
    for _ in range(_HELM_DEPTH):
        if folder.name == "templates" and (
            (folder.parent / "Chart.yaml").is_file()
        ):
            return True
        if folder.parent == folder:
            return False
        folder = folder.parent
    return False


def patch_files_of(data: Any, folder: Path) -> set[Path]:
    """The patch files a kustomization (or component) refers to."""
    if not isinstance(data, Mapping) or data.get("kind") not in (
        None,
        "Kustomization",
        "Component",
    ):
        return set()
    names: list[str] = []
    for key in ("patches", "patchesJson6902"):
        names.extend(_paths_in(data.get(key)))
    strategic = data.get("patchesStrategicMerge")
    if isinstance(strategic, list):
        names.extend(
            item
            for item in strategic
            if isinstance(item, str) and "\n" not in item
        )
    return {(folder / name).resolve() for name in names}


def _paths_in(entries: Any) -> Iterable[str]:
    if not isinstance(entries, list):
        return
    for entry in entries:
        if isinstance(entry, Mapping) and isinstance(entry.get("path"), str):
            yield entry["path"]
