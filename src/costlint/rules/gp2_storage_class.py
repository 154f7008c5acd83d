"""Flag Kubernetes storage that provisions gp2 EBS volumes.

Why: gp3 costs about 20% less per GB than gp2 and gives every volume
3,000 IOPS and 125 MB/s whatever its size (AWS EBS pricing in
us-east-1 as compared in
https://www.saisci.com/aws/gp2-vs-gp3-cost-comparison-ebs-volumes/).
Every volume a gp2 StorageClass creates
pays the difference for as long as it lives.

Checks:
- StorageClasses of the EBS CSI driver (`ebs.csi.aws.com`) or the
  in-tree provisioner (`kubernetes.io/aws-ebs`) with `parameters.type`
  gp2. Without `type`, the CSI driver creates gp3 (no finding) but the
  in-tree provisioner's documented default is gp2, which is reported.
  With CSI migration the cluster passes the parameters on unchanged,
  so the effective type then depends on the driver version; costlint
  cannot see the cluster and reports the documented default, asking
  for an explicit `type: gp3`. The class's name is never looked at (a
  class called `gp2` with `type: gp3` is fine).
- PersistentVolumeClaims, StatefulSet `volumeClaimTemplates` and
  generic ephemeral volumes that name such a class, or that name no
  class while the scanned default class (annotation
  `storageclass.kubernetes.io/is-default-class: "true"`) is one.
- Karpenter EC2NodeClass `blockDeviceMappings` with `volumeType: gp2`
  (the node volumes themselves).

Options: none.

Bad:   provisioner: ebs.csi.aws.com
       parameters: {type: gp2}
Good:  provisioner: ebs.csi.aws.com
       parameters: {type: gp3}

Limits: a claim naming a class that is not among the scanned files is
not judged (`-v` lists it); a claim naming no class when no default
class was scanned takes the cluster's default, which is not seen.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from costlint.k8s_workloads import find_named, name_of, pod_template
from costlint.model import AttrPath, Outcome, Resource, RuleMeta, Severity
from costlint.rules.base import RuleContext, make_finding, make_unresolved
from costlint.rules.ebs_facts import GP3_RATIONALE, GP3_WHY

META = RuleMeta(
    id="gp2-storage-class",
    name="gp2 StorageClass",
    severity=Severity.WARNING,
    summary="StorageClass, claim or node class provisions gp2 EBS volumes",
    rationale=GP3_RATIONALE,
    tags=("kubernetes", "aws", "ebs", "storage"),
)
DEFAULTS: dict[str, Any] = {}

EBS_CSI = "ebs.csi.aws.com"
IN_TREE = "kubernetes.io/aws-ebs"
_WHY = GP3_WHY
_DEFAULT_CLASS = (
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
)
_LEGACY_CLASS = "volume.beta.kubernetes.io/storage-class"


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def gp2_cause(storage_class: Resource) -> tuple[AttrPath, str] | None:
    """Where and why a StorageClass makes gp2 volumes, else None."""
    provisioner = storage_class.attrs.get("provisioner")
    if provisioner not in (EBS_CSI, IN_TREE):
        return None
    kind = _mapping(storage_class.attrs.get("parameters")).get("type")
    if kind is None:
        if provisioner == IN_TREE:
            return (), (
                "has no parameters.type: implicit default gp2 (in-tree "
                "provisioner)"
            )
        return None
    if str(kind).lower() == "gp2":
        return ("parameters", "type"), "provisions gp2 volumes"
    return None


def _check_storage_class(res: Resource) -> Iterator[Outcome]:
    cause = gp2_cause(res)
    if cause is None:
        return
    path, what = cause
    fix = "set parameters.type: gp3"
    if res.attrs.get("provisioner") == IN_TREE:
        fix += f" explicitly (or move to the {EBS_CSI} provisioner)"
    yield make_finding(
        META,
        res,
        path,
        f"StorageClass {name_of(res)} {what}; {_WHY}",
        fix + "; existing volumes keep their type until modified",
    )


def _is_default(storage_class: Resource) -> bool:
    metadata = _mapping(storage_class.attrs.get("metadata"))
    annotations = _mapping(metadata.get("annotations"))
    return any(str(annotations.get(key)) == "true" for key in _DEFAULT_CLASS)


def _judge_claim(
    res: Resource,
    claim: Mapping[str, Any],
    path: AttrPath,
    what: str,
    ctx: RuleContext,
) -> Iterator[Outcome]:
    """One claim (or claim template) at `path` inside `res`."""
    spec = _mapping(claim.get("spec"))
    annotations = _mapping(_mapping(claim.get("metadata")).get("annotations"))
    if "storageClassName" in spec:
        name = spec["storageClassName"]
        where: AttrPath = (*path, "spec", "storageClassName")
    elif _LEGACY_CLASS in annotations:
        name = annotations[_LEGACY_CLASS]
        where = (*path, "metadata", "annotations", _LEGACY_CLASS)
    else:
        name = None
        where = path
    if name == "":
        return

    if name is None:
        defaults = [
            sc
            for sc in ctx.index.of_type("StorageClass")
            if sc.kind == "kubernetes" and _is_default(sc)
        ]
        if len(defaults) != 1 or gp2_cause(defaults[0]) is None:
            return
        yield make_finding(
            META,
            res,
            where,
            f"{what} names no StorageClass, so it gets the default class "
            f"{name_of(defaults[0])}, which makes gp2 volumes ({_WHY})",
            "name a gp3 StorageClass in storageClassName",
        )
        return

    storage_class = find_named(ctx.index, "StorageClass", str(name))
    if storage_class is None:
        yield make_unresolved(
            META,
            res,
            f"{what}: StorageClass {name} is not in the scanned files",
        )
        return
    if gp2_cause(storage_class) is not None:
        yield make_finding(
            META,
            res,
            where,
            f"{what} uses StorageClass {name}, which makes gp2 volumes "
            f"({_WHY})",
            "use a gp3 StorageClass (or change this class to type gp3)",
        )


def _claims(
    res: Resource,
) -> Iterator[tuple[Mapping[str, Any], AttrPath, str]]:
    """The claims and claim templates `res` holds: data, path, name."""
    if res.type == "PersistentVolumeClaim":
        yield res.attrs, (), f"PersistentVolumeClaim {name_of(res)}"
        return
    if res.type == "StatefulSet":
        spec = _mapping(res.attrs.get("spec"))
        templates = spec.get("volumeClaimTemplates")
        for index, item in enumerate(
            templates if isinstance(templates, list) else [],
        ):
            if isinstance(item, Mapping):
                name = _mapping(item.get("metadata")).get("name")
                yield (
                    item,
                    ("spec", "volumeClaimTemplates", index),
                    f"volumeClaimTemplate {name}",
                )
    template = pod_template(res)
    if template is None:
        return
    volumes = template.spec.get("volumes")
    for index, volume in enumerate(
        volumes if isinstance(volumes, list) else [],
    ):
        ephemeral = _mapping(_mapping(volume).get("ephemeral"))
        claim = ephemeral.get("volumeClaimTemplate")
        if isinstance(claim, Mapping):
            path = ("spec", "volumes", index, "ephemeral")
            yield (
                claim,
                template.at(*path, "volumeClaimTemplate"),
                f"ephemeral volume {_mapping(volume).get('name')}",
            )


def _check_node_class(res: Resource) -> Iterator[Outcome]:
    mappings = _mapping(res.attrs.get("spec")).get("blockDeviceMappings")
    for index, mapping in enumerate(
        mappings if isinstance(mappings, list) else [],
    ):
        ebs = _mapping(_mapping(mapping).get("ebs"))
        if str(ebs.get("volumeType", "")).lower() == "gp2":
            yield make_finding(
                META,
                res,
                ("spec", "blockDeviceMappings", index, "ebs", "volumeType"),
                f"EC2NodeClass {name_of(res)} gives nodes gp2 volumes "
                f"({_WHY})",
                "set volumeType: gp3",
            )


def check(res: Resource, ctx: RuleContext) -> Iterator[Outcome]:
    """Judge a StorageClass, a claim, a StatefulSet or a node class."""
    if res.kind != "kubernetes":
        return
    if res.type == "StorageClass":
        yield from _check_storage_class(res)
        return
    if res.type == "EC2NodeClass":
        yield from _check_node_class(res)
        return
    for claim, path, what in _claims(res):
        yield from _judge_claim(res, claim, path, what, ctx)
