"""Turn tfparse's evaluated blocks into plain `Resource` attributes.

tfparse marks what it could not evaluate in several ways (a null, a
`{"__attribute__": ...}` marker, a `"${...}"` string, the random id of
another block) and drops the rest silently. This module maps every such
case to `Unknown`, `Reference`, `OpenMap` or `OpenList`, using the
expression as written to find what was dropped, and records where each
attribute and nested block is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from costlint.loaders.terraform.hcltext import TextBlock
from costlint.loaders.terraform.mapshape import MapShape, MapShapes
from costlint.loaders.terraform.project import Scope
from costlint.loaders.terraform.unknowns import UnknownFinder
from costlint.model import (
    AttrPath,
    Location,
    OpenList,
    OpenMap,
    Reference,
    Unknown,
)

META_ARGUMENTS = {
    "count",
    "for_each",
    "provider",
    "depends_on",
    "provisioner",
    "connection",
}
_NULL = Unknown("value is null or only known after apply")


@dataclass
class Converter:
    """Converts the blocks of one evaluated root module."""

    finder: UnknownFinder
    ids: Mapping[str, str]
    shown: str = ""
    positions: dict[AttrPath, Location] = field(default_factory=dict)

    def __post_init__(self) -> None:
        computed = UnknownFinder(self.finder.project, computed=True)
        self.shapes = MapShapes(computed)

    def convert(
        self,
        raw: Mapping[str, Any],
        written: TextBlock | None,
        scope: Scope,
        shown: str,
    ) -> tuple[dict[str, Any], dict[AttrPath, Location]]:
        """Attributes and positions of one resource block."""
        self.shown = shown
        self.positions = {}
        return self.attributes(raw, written, scope), self.positions

    def attributes(
        self,
        raw: Mapping[str, Any],
        written: TextBlock | None,
        scope: Scope,
        path: AttrPath = (),
    ) -> dict[str, Any]:
        """Plain attributes of one block, unknowns marked."""
        out: dict[str, Any] = {}
        for key, value in raw.items():
            if key in ("__tfmeta", "id") or (
                not path and key in META_ARGUMENTS
            ):
                continue
            out[key] = self._value(value, written, scope, (*path, key))

        if written is not None:
            self._note_positions(written, path)
            self._mark_unknowns(out, written, scope, nested=bool(path))
        return out

    def _value(
        self,
        value: Any,
        parent: TextBlock | None,
        scope: Scope,
        path: AttrPath,
    ) -> Any:
        if _is_block(value):
            return self._blocks([value], parent, scope, path)
        if isinstance(value, list) and value and all(map(_is_block, value)):
            return self._blocks(value, parent, scope, path)
        return self.plain(value)

    def plain(self, value: Any) -> Any:
        """An evaluated expression value with its unknowns marked."""
        if value is None:
            return _NULL
        if isinstance(value, str):
            return self._string(value)
        if isinstance(value, list):
            return [self.plain(item) for item in value]
        if isinstance(value, Mapping):
            if "__attribute__" in value:
                return Unknown(f"{value['__attribute__']} is not known")
            return {str(k): self.plain(v) for k, v in value.items()}
        return value

    def _string(self, value: str) -> Any:
        if value in self.ids:
            return Reference(
                f"{self.ids[value]} is only known after apply",
                self.ids[value],
            )
        if "${" in value:
            return Unknown(f"{value!r} has a part that is not known")
        return value

    def _blocks(
        self,
        raw: list[Mapping[str, Any]],
        parent: TextBlock | None,
        scope: Scope,
        path: AttrPath,
    ) -> list[dict[str, Any]]:
        blocks = []
        for index, block in enumerate(raw):
            meta = block.get("__tfmeta", {})
            line = meta.get("line_start")
            written = _child_at(parent, line)
            at: AttrPath = (*path, index)
            if line is not None:
                self.positions[at] = Location(
                    self.shown,
                    line,
                    written.column if written else 1,
                    meta.get("line_end"),
                )
            blocks.append(
                self.attributes(block, written, scope, at),
            )
        return blocks

    def _note_positions(self, written: TextBlock, path: AttrPath) -> None:
        for name, attr in written.attrs.items():
            self.positions.setdefault(
                (*path, name),
                Location(self.shown, attr.line, attr.column),
            )
        for block in written.blocks:
            dynamic = block.type == "dynamic" and block.labels
            name = block.labels[0] if dynamic else block.type
            self.positions.setdefault(
                (*path, name),
                Location(self.shown, block.line, block.column, block.end_line),
            )

    def _mark_unknowns(
        self,
        out: dict[str, Any],
        written: TextBlock,
        scope: Scope,
        nested: bool,
    ) -> None:
        for name, attr in written.attrs.items():
            if name in META_ARGUMENTS or name not in out:
                continue
            if attr.expr.strip() == "null":
                del out[name]
                continue
            value = out[name]
            if isinstance(value, Mapping) and not isinstance(value, OpenMap):
                out[name] = apply_shape(
                    value, self.shapes.of(attr.expr, scope)
                )
                continue
            reason = self.finder.reason(attr.expr, scope)
            if reason is None and isinstance(value, Unknown):
                reason = self.shapes.of(attr.expr, scope).keys_reason
            if reason is not None:
                out[name] = _as_unknown(value, reason)

        for block in written.blocks_named("dynamic"):
            if not block.labels or "for_each" not in block.attrs:
                continue
            reason = self.finder.reason(
                block.attrs["for_each"].expr,
                scope,
            ) or _tfparse_dynamic_gap(written, block, nested)
            if reason is not None:
                name = block.labels[0]
                known = out.get(name, [])
                out[name] = OpenList.of(
                    known if isinstance(known, list) else [],
                    reason,
                )


def _tfparse_dynamic_gap(
    body: TextBlock,
    dynamic: TextBlock,
    nested: bool,
) -> str | None:
    """Why tfparse 0.6 may have lost blocks `dynamic` generates, if so.

    Two shapes trip it: a dynamic block nested in a static block is
    dropped whole, and the last block generated by the last dynamic
    block of a body is lost when a static block follows it.
    """
    label = dynamic.labels[0]
    if nested:
        return f'dynamic "{label}" inside a nested block is not evaluated'

    dynamics = body.blocks_named("dynamic")
    followed = any(
        block.type != "dynamic" and block.line > dynamic.line
        for block in body.blocks
    )
    if dynamic is dynamics[-1] and followed:
        return (
            f'the last "{label}" block of a dynamic block followed by '
            "another block is not evaluated"
        )
    return None


def apply_shape(value: Mapping[str, Any], shape: MapShape) -> Any:
    """An evaluated map with what its written shape says is unknown."""
    out = {
        key: Unknown(shape.values[key])
        if key in shape.values and not isinstance(item, Unknown)
        else item
        for key, item in value.items()
    }
    if shape.keys_reason is not None:
        return OpenMap.of(out, shape.keys_reason)
    return out


def _as_unknown(value: Any, reason: str) -> Any:
    """What an evaluated value becomes when its expression is unknown."""
    if isinstance(value, Reference):
        return value
    if isinstance(value, Mapping) and not isinstance(value, Unknown):
        return OpenMap.of(value, reason)
    return Unknown(reason)


def _is_block(value: Any) -> bool:
    return isinstance(value, Mapping) and "__tfmeta" in value


def _child_at(parent: TextBlock | None, line: int | None) -> TextBlock | None:
    """The nested block written on `line`; dynamic content excluded."""
    if parent is None or line is None:
        return None
    for block in parent.blocks:
        if block.line == line and block.type not in ("dynamic", "content"):
            return block
    return None


def display_path(path: Path, base: Path) -> str:
    """A path as users should see it: relative to `base` when inside."""
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)
