"""The packaged catalog of instance types, and where resources name one.

The catalog (`costlint/data/instance_catalog.json`) is data, not code:
EC2 instance types, RDS `db.*` classes and ElastiCache `cache.*` node
types with vCPU, memory and on-demand price, each figure naming its
source and date, and every family's generation (current or previous)
with the current families that replace a previous one. It is read once
per process and never fetched at scan time;
`scripts/build_instance_catalog.py` regenerates the figures from a saved
AWS price-list document.

The instance-type rules share two things from here: how a type name
splits into service, family and size (`u-6tb1.metal`, `m7i-flex.large`,
`db.r6g.16xlarge`), and which attributes of which resources name a type.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from costlint.model import (
    AttrPath,
    OpenList,
    Resource,
    Unknown,
    iter_blocks,
)

CATALOG_FILE = "instance_catalog.json"

_PREFIXES = (("db.", "rds"), ("cache.", "elasticache"))
_SERVICE_NAMES = {
    "ec2": "EC2 instance type",
    "rds": "RDS DB instance class",
    "elasticache": "ElastiCache node type",
}
_SMALL_SIZES = {
    "nano": 1 / 32,
    "micro": 1 / 16,
    "small": 1 / 8,
    "medium": 1 / 4,
    "large": 1 / 2,
    "xlarge": 1.0,
}
_SIZED = re.compile(r"^(\d+)xlarge$")
_METAL = float("inf")


@dataclass(frozen=True)
class TypeName:
    """An instance type name split into its parts.

    `db.r6g.16xlarge` is service "rds", family "db.r6g", size
    "16xlarge"; `u-6tb1.metal` is family "u-6tb1", size "metal". RDS
    classes with processor features (`db.r5.2xlarge.tpc2.mem4x`) keep
    the extra parts in `extra`.
    """

    name: str
    service: str
    family: str
    size: str
    extra: str = ""

    @property
    def base(self) -> str:
        """The name without the extra parts, as the catalog lists it."""
        return f"{self.family}.{self.size}" if self.size else self.family


@dataclass(frozen=True)
class InstanceType:
    """One catalogued type with its figures and their sources."""

    name: str
    service: str
    family: str
    size: str
    generation: str
    vcpu: int | None
    memory_gib: float | None
    price_usd_hour: float | None
    specs_source: str | None
    price_source: str | None


@dataclass(frozen=True)
class Family:
    """A family's generation and, if previous, its replacements."""

    name: str
    service: str
    generation: str
    successors: tuple[str, ...]
    source: str


class Catalog:
    """Instance types and families, looked up by name."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.meta: Mapping[str, Any] = data["catalog"]
        self.previous_list: Mapping[str, Any] = data["previous_generation"]
        self.sources: Mapping[str, Mapping[str, Any]] = data["sources"]
        self.families = {
            name: Family(
                name,
                entry["service"],
                entry["generation"],
                tuple(entry.get("successors", ())),
                entry["source"],
            )
            for name, entry in data["families"].items()
        }
        self.types: dict[str, InstanceType] = {}
        for name, entry in data["types"].items():
            parsed = parse_type(name)
            family = self.families.get(parsed.family) if parsed else None
            self.types[name] = InstanceType(
                name=name,
                service=parsed.service if parsed else "ec2",
                family=parsed.family if parsed else "",
                size=parsed.size if parsed else "",
                generation=family.generation if family else "current",
                vcpu=entry.get("vcpu"),
                memory_gib=entry.get("memory_gib"),
                price_usd_hour=entry.get("price_usd_hour"),
                specs_source=entry.get("specs_source"),
                price_source=entry.get("price_source"),
            )
        self._closest: dict[tuple[str, int], list[str]] = {}
        self._names_by_service: dict[str, list[str]] = {}
        for item in self.types.values():
            self._names_by_service.setdefault(item.service, []).append(
                item.name,
            )

    @property
    def version(self) -> str:
        """The date the catalog was compiled, as its version."""
        return str(self.meta["version"])

    @property
    def previous_version(self) -> str:
        """The version (date) of the previous-generation list."""
        return str(self.previous_list["version"])

    def lookup(self, name: str) -> InstanceType | None:
        """The catalogued type of a name, extra RDS parts ignored."""
        found = self.types.get(name)
        if found is not None:
            return found
        parsed = parse_type(name)
        if parsed is None or not parsed.extra:
            return None
        return self.types.get(parsed.base)

    def family(self, name: str) -> Family | None:
        """A family by its full name (`m4`, `db.m3`, `cache.r3`)."""
        return self.families.get(name)

    def closest(self, name: str, count: int = 3) -> list[str]:
        """Real type names that look most like `name`, best first.

        Remembered per name: a typo is usually repeated across the
        instances of a `count` or `for_each`.
        """
        key = (name, count)
        if key not in self._closest:
            parsed = parse_type(name)
            service = parsed.service if parsed else _service_of(name)
            names = self._names_by_service.get(service, [])
            self._closest[key] = difflib.get_close_matches(
                name,
                names,
                n=count,
                cutoff=0.6,
            )
        return list(self._closest[key])

    def source_text(self, key: str | None) -> str:
        """A source as one line: title, address and date."""
        if key is None or key not in self.sources:
            return "no recorded source"
        source = self.sources[key]
        url = f", {source['url']}" if source.get("url") else ""
        return f"{source['title']}{url} ({source['date']})"


@cache
def load_catalog() -> Catalog:
    """The packaged catalog, read once per process."""
    text = (
        resources.files("costlint.data")
        .joinpath(CATALOG_FILE)
        .read_text(encoding="utf-8")
    )
    return Catalog(json.loads(text))


def _service_of(name: str) -> str:
    for prefix, service in _PREFIXES:
        if name.startswith(prefix):
            return service
    return "ec2"


def service_label(service: str) -> str:
    """How messages name a kind of type ("RDS DB instance class")."""
    return _SERVICE_NAMES.get(service, "instance type")


def parse_type(name: str) -> TypeName | None:
    """Split a type name into service, family and size; None if odd.

    The family may hold a dash (`u-6tb1`, `m7i-flex`); the size is the
    next dot-separated part; RDS processor-feature suffixes are kept
    apart. `db.serverless` is a family without a size.
    """
    if not isinstance(name, str) or not name or name != name.strip():
        return None
    service = _service_of(name)
    rest = name
    for prefix, known in _PREFIXES:
        if service == known:
            rest = name[len(prefix) :]
    parts = rest.split(".")
    if any(not part for part in parts):
        return None
    prefix = name[: len(name) - len(rest)]
    family = prefix + parts[0]
    if len(parts) == 1:
        return TypeName(name, service, family, "")
    return TypeName(name, service, family, parts[1], ".".join(parts[2:]))


def size_units(size: str) -> float | None:
    """A size in `xlarge` units; metal is larger than any other size.

    `large` is 0.5, `xlarge` 1, `6xlarge` 6 and `metal` (also
    `metal-24xl`) infinity. None for a size of no known shape.
    """
    if size in _SMALL_SIZES:
        return _SMALL_SIZES[size]
    match = _SIZED.match(size)
    if match:
        return float(match.group(1))
    if size == "metal" or size.startswith("metal-"):
        return _METAL
    return None


@dataclass(frozen=True)
class TypeSlot:
    """An attribute of a resource that names an instance type."""

    path: AttrPath
    value: Any


_SINGLE = {
    "aws_instance": "instance_type",
    "aws_spot_instance_request": "instance_type",
    "aws_launch_template": "instance_type",
    "aws_launch_configuration": "instance_type",
    "aws_db_instance": "instance_class",
    "aws_rds_cluster_instance": "instance_class",
    "aws_rds_cluster": "db_cluster_instance_class",
    "aws_elasticache_cluster": "node_type",
    "aws_elasticache_replication_group": "node_type",
}


def type_slots(res: Resource) -> Iterator[TypeSlot]:
    """Every attribute of `res` that names an instance type, with path.

    Values are yielded as they are, `Unknown` included; an attribute
    that is not set yields nothing.
    """
    if res.kind != "terraform":
        return
    attr = _SINGLE.get(res.type)
    if attr is not None:
        value = res.attrs.get(attr)
        if value is not None:
            yield TypeSlot((attr,), value)
    elif res.type == "aws_eks_node_group":
        yield from _list_slots(res, "instance_types")
    elif res.type == "aws_autoscaling_group":
        yield from _asg_slots(res)


def _list_slots(res: Resource, attr: str) -> Iterator[TypeSlot]:
    value = res.attrs.get(attr)
    if isinstance(value, list):
        for index, item in enumerate(value):
            if item is not None:
                yield TypeSlot((attr, index), item)
    elif value is not None:
        yield TypeSlot((attr,), value)


def _asg_slots(res: Resource) -> Iterator[TypeSlot]:
    """`override` instance types of a mixed instances policy.

    A block list that may hold more blocks than were evaluated (an
    `OpenList`) yields one `Unknown` slot, so rules say what they could
    not judge.
    """
    policies = res.attrs.get("mixed_instances_policy")
    yield from _open_slot(policies, ("mixed_instances_policy",))
    for p_index, policy in iter_blocks(policies):
        templates = policy.get("launch_template")
        at: AttrPath = ("mixed_instances_policy", p_index, "launch_template")
        yield from _open_slot(templates, at)
        for t_index, template in iter_blocks(templates):
            overrides = template.get("override")
            yield from _open_slot(overrides, (*at, t_index, "override"))
            for o_index, override in iter_blocks(overrides):
                value = override.get("instance_type")
                if value is None:
                    continue
                path: AttrPath = (*at, t_index, "override", o_index)
                yield TypeSlot((*path, "instance_type"), value)


def _open_slot(blocks: Any, path: AttrPath) -> Iterator[TypeSlot]:
    if isinstance(blocks, OpenList):
        yield TypeSlot(path, Unknown(blocks.reason))
