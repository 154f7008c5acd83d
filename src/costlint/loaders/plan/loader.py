"""Read `terraform show -json PLANFILE` output into `Resource` records.

Every managed resource instance in `planned_values` (root and child
modules) becomes a "terraform" resource, the same kind the HCL loader
makes, so the same rules judge both. Values are the planned ones, with
`after_unknown` marks turned into `Unknown`; `tags_all` is the
effective tag map (provider `default_tags` included); resources that
`resource_changes` deletes are skipped. A lifecycle configuration's
`bucket` links to its bucket through the plan's `configuration`
references, or by the bucket's name.

Locations: the `.tf` block of each address when the source directory
has the files (see `source.py`), else the resource's entry in the plan
file, its address named in every finding.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from costlint.loaders import LoadContext
from costlint.loaders.plan.source import SourceMap, block_positions
from costlint.loaders.plan.text import PlanText
from costlint.loaders.plan.values import Written, merge_unknown
from costlint.loaders.terraform.convert import display_path
from costlint.loaders.terraform.project import module_key_of, strip_indexes
from costlint.model import (
    Loaded,
    Location,
    OpenMap,
    ParseProblem,
    Reference,
    Resource,
    Unknown,
)

log = logging.getLogger(__name__)

SUPPORTED_MAJOR = "1"
_SKIPPED_ACTIONS = (["delete"], ["forget"])
_BUCKET_REF = re.compile(r"^(aws_s3_bucket\.[A-Za-z0-9_\-]+)(\[[^\]]*\])?")
_BUCKET_LINKED = ("aws_s3_bucket_lifecycle_configuration",)
_MODULE_NAME = re.compile(r"module\.([A-Za-z0-9_\-]+)")


def detect_plan(data: Any) -> bool:
    """Whether a JSON document is `terraform show -json PLANFILE` output.

    The JSON of a state (`values` without `planned_values`) is not a
    plan: named on the command line it is refused, met in a walk it is
    skipped, like any JSON of no known format.
    """
    return (
        isinstance(data, dict)
        and "format_version" in data
        and ("planned_values" in data or "resource_changes" in data)
    )


def load_plan(
    data: Any,
    text: str,
    shown: str,
    ctx: LoadContext,
) -> Loaded:
    """Resources of one plan document, or the problem that stops it."""
    problem = _format_problem(data, text, shown)
    if problem is not None:
        loaded = Loaded()
        loaded.problems.append(problem)
        return loaded
    reader = _PlanReader(data, text, shown, ctx.base, _source_dir(shown, ctx))
    loaded = Loaded()
    loaded.resources.extend(reader.resources())
    log.debug("read %d resources from plan %s", len(loaded.resources), shown)
    return loaded


def _format_problem(
    data: Mapping[str, Any],
    text: str,
    shown: str,
) -> ParseProblem | None:
    version = str(data.get("format_version", ""))
    where = _key_location(text, shown, "format_version")
    if version.split(".")[0] != SUPPORTED_MAJOR:
        return ParseProblem(
            where,
            f"Terraform plan format_version {version!r} is not supported "
            f"(costlint reads format {SUPPORTED_MAJOR}.x, the output of "
            "`terraform show -json PLANFILE`)",
        )
    for key, kind, wanted in (
        ("resource_changes", list, "a list"),
        ("planned_values", Mapping, "an object"),
        ("configuration", Mapping, "an object"),
    ):
        value = data.get(key)
        if value is not None and not isinstance(value, kind):
            return ParseProblem(
                _key_location(text, shown, key),
                f"plan {key} must be {wanted}",
            )
    return None


def _key_location(text: str, shown: str, key: str) -> Location:
    match = re.search(r'"' + key + r'"\s*:', text)
    if match is None:
        return Location(shown, 1, 1)
    line = text.count("\n", 0, match.start()) + 1
    column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
    return Location(shown, line, column)


def _source_dir(shown: str, ctx: LoadContext) -> Path:
    """`--source`, else the plan's directory (the current one for `-`)."""
    if ctx.source_dir is not None:
        return ctx.source_dir
    if shown.startswith("<"):
        return ctx.base
    return (ctx.base / shown).parent


@dataclass(frozen=True)
class _Entry:
    """One resource instance as the plan lists it."""

    address: str
    type: str
    name: str
    values: Mapping[str, Any]
    unknown: Any
    section: str

    @property
    def value_key(self) -> str:
        """The key of the entry's values object in its section."""
        return "values" if self.section == "planned_values" else "after"


class _PlanReader:
    """Builds the resources of one plan document."""

    def __init__(
        self,
        data: Mapping[str, Any],
        text: str,
        shown: str,
        base: Path,
        source_dir: Path,
    ) -> None:
        self.data = data
        self.shown = shown
        self.changes = _changes_by_address(data.get("resource_changes"))
        self.config = _ConfigIndex(data.get("configuration"))
        self.variables = _variables(data.get("variables"))
        self.source = SourceMap(source_dir)
        self.base = base
        self.plan_text = PlanText(text, shown)

    def resources(self) -> list[Resource]:
        out = [self._resource(entry) for entry in self._entries()]
        buckets = {res.address for res in out if res.type == "aws_s3_bucket"}
        return [self._link_bucket(res, buckets) for res in out]

    def _entries(self) -> Iterator[_Entry]:
        """Planned resources, then changes missing from planned_values."""
        planned = self.data.get("planned_values") or {}
        seen: set[str] = set()
        for entry in self._module_entries(planned.get("root_module") or {}):
            seen.add(entry.address)
            yield entry

        for address, change in self.changes.items():
            body = change.get("change") or {}
            after = body.get("after")
            if (
                address in seen
                or change.get("mode", "managed") != "managed"
                or body.get("actions") in _SKIPPED_ACTIONS
                or not isinstance(after, Mapping)
            ):
                continue
            yield _Entry(
                address,
                str(change.get("type", "")),
                str(change.get("name", "")),
                after,
                body.get("after_unknown"),
                "resource_changes",
            )

    def _module_entries(self, module: Mapping[str, Any]) -> Iterator[_Entry]:
        for item in module.get("resources") or []:
            if not isinstance(item, Mapping):
                continue
            if item.get("mode", "managed") != "managed":
                continue
            address = str(item.get("address", ""))
            change = self.changes.get(address, {})
            body = change.get("change") or {}
            if body.get("actions") in _SKIPPED_ACTIONS:
                log.debug("skipping %s: deleted by the plan", address)
                continue
            values = item.get("values")
            yield _Entry(
                address,
                str(item.get("type", "")),
                str(item.get("name", "")),
                values if isinstance(values, Mapping) else {},
                body.get("after_unknown"),
                "planned_values",
            )
        for child in module.get("child_modules") or []:
            if isinstance(child, Mapping):
                yield from self._module_entries(child)

    def _resource(self, entry: _Entry) -> Resource:
        config = self.config.resource(entry.address, entry.type, entry.name)
        found = self.source.find(entry.address, entry.type, entry.name)
        block = found[1] if found else None
        expressions = config.get("expressions") if config else None
        written = Written(
            expressions if isinstance(expressions, Mapping) else None,
            block,
        )
        attrs = merge_unknown(entry.values, entry.unknown, written)
        if "tags" in attrs and "tags_all" not in attrs:
            self._add_default_tags(attrs, config)

        if found is not None:
            path, block = found
            shown = display_path(path, self.base)
            location = Location(
                shown, block.line, block.column, block.end_line
            )
            positions: Mapping[Any, Location] = block_positions(block, shown)
        else:
            location = self.plan_text.locate(entry.address, entry.section)
            positions = self.plan_text.positions(
                entry.address,
                entry.section,
                entry.value_key,
            )

        return Resource(
            kind="terraform",
            type=entry.type,
            address=entry.address,
            attrs=attrs,
            location=location,
            positions=positions,
            context={
                "root": self.shown,
                "module": module_key_of(entry.address),
                "variables": self.variables,
            },
        )

    def _add_default_tags(
        self,
        attrs: dict[str, Any],
        config: Mapping[str, Any] | None,
    ) -> None:
        """`tags_all` where the plan has none: tags over default_tags."""
        defaults = self.config.default_tags(config)
        if defaults is None:
            return
        tags = attrs.get("tags")
        own = tags if isinstance(tags, Mapping) else {}
        merged = {**defaults, **own}
        if isinstance(defaults, OpenMap) or isinstance(
            tags, (Unknown, OpenMap)
        ):
            reason = getattr(defaults, "reason", "") or "tags not known"
            attrs["tags_all"] = OpenMap.of(merged, reason)
        else:
            attrs["tags_all"] = merged

    def _link_bucket(self, res: Resource, buckets: set[str]) -> Resource:
        if res.type not in _BUCKET_LINKED:
            return res
        config = self.config.resource(res.address, res.type, _name_of(res))
        target = _referenced_bucket(res.address, config, buckets)
        if target is None:
            return res
        attrs = dict(res.attrs)
        attrs["bucket"] = Reference(
            f"{target} is only known after apply", target
        )
        return Resource(
            kind=res.kind,
            type=res.type,
            address=res.address,
            attrs=attrs,
            location=res.location,
            positions=res.positions,
            context=res.context,
        )


def _name_of(res: Resource) -> str:
    rest = strip_indexes(res.address)
    return rest.rsplit(".", 1)[-1]


def _referenced_bucket(
    address: str,
    config: Mapping[str, Any] | None,
    buckets: set[str],
) -> str | None:
    """The bucket address that `bucket`'s expression refers to."""
    expressions = (config or {}).get("expressions") or {}
    bucket = (
        expressions.get("bucket") if isinstance(expressions, Mapping) else None
    )
    references = (
        bucket.get("references") if isinstance(bucket, Mapping) else None
    )
    if not isinstance(references, list):
        return None

    module = module_key_of(address)
    prefix = f"{module}." if module else ""
    own_key = re.search(r"(\[[^\]]*\])$", address)
    for ref in references:
        match = _BUCKET_REF.match(str(ref))
        if match is None:
            continue
        target = prefix + match.group(1)
        if match.group(2):
            candidates = [target + match.group(2)]
        else:
            candidates = [target]
            if own_key is not None:
                candidates.append(target + own_key.group(1))
        for candidate in candidates:
            if candidate in buckets:
                return candidate
    return None


def _changes_by_address(changes: Any) -> dict[str, Mapping[str, Any]]:
    out: dict[str, Mapping[str, Any]] = {}
    for change in changes or []:
        if isinstance(change, Mapping) and "address" in change:
            out[str(change["address"])] = change
    return out


def _variables(variables: Any) -> dict[str, Any]:
    if not isinstance(variables, Mapping):
        return {}
    return {
        str(name): entry.get("value")
        for name, entry in variables.items()
        if isinstance(entry, Mapping)
    }


class _ConfigIndex:
    """The plan's `configuration`: resources by module path, providers."""

    def __init__(self, configuration: Any) -> None:
        self.providers: Mapping[str, Any] = {}
        self._resources: dict[tuple[tuple[str, ...], str], Any] = {}
        if not isinstance(configuration, Mapping):
            return
        providers = configuration.get("provider_config")
        if isinstance(providers, Mapping):
            self.providers = providers
        self._index(configuration.get("root_module"), ())

    def _index(self, module: Any, path: tuple[str, ...]) -> None:
        if not isinstance(module, Mapping):
            return
        for item in module.get("resources") or []:
            if isinstance(item, Mapping) and item.get("mode") != "data":
                local = f"{item.get('type')}.{item.get('name')}"
                self._resources[(path, local)] = item
        calls = module.get("module_calls") or {}
        if isinstance(calls, Mapping):
            for name, call in calls.items():
                if isinstance(call, Mapping):
                    self._index(call.get("module"), (*path, str(name)))

    def resource(
        self,
        address: str,
        rtype: str,
        name: str,
    ) -> Mapping[str, Any] | None:
        """The configuration block of a resource instance, if listed."""
        modules = tuple(
            _MODULE_NAME.findall(strip_indexes(module_key_of(address))),
        )
        found = self._resources.get((modules, f"{rtype}.{name}"))
        return found if isinstance(found, Mapping) else None

    def default_tags(self, config: Mapping[str, Any] | None) -> Any:
        """The provider's `default_tags`, OpenMap if not all known."""
        key = str((config or {}).get("provider_config_key", "aws"))
        provider = self.providers.get(key)
        if provider is None and ":" in key:
            provider = self.providers.get(key.rsplit(":", 1)[1])
        if not isinstance(provider, Mapping):
            return None
        blocks = (provider.get("expressions") or {}).get("default_tags")
        if not isinstance(blocks, list) or not blocks:
            return None
        tags = (
            blocks[0].get("tags") if isinstance(blocks[0], Mapping) else None
        )
        if not isinstance(tags, Mapping):
            return None
        if isinstance(tags.get("constant_value"), Mapping):
            return dict(tags["constant_value"])
        return OpenMap.of({}, "provider default_tags are not constant")
