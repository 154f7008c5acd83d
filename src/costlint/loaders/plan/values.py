"""Planned values with their unknowns marked, as rules expect them.

`terraform show -json` leaves a value out of `values`/`after` when it
is only known after apply and marks it `true` in `after_unknown`, a
tree of the same shape. Such a value becomes `Unknown`, never missing.

One exception keeps plan and HCL findings the same: an attribute the
provider computes when the configuration leaves it unset (an EBS
volume's `type`, a bucket's `lifecycle_rule`) is unknown in the plan
but unset in the code. When the plan's `configuration` (or the `.tf`
block) shows the attribute is not written, it stays absent, as the HCL
loader sees it. `tags_all` is always kept: it is computed from written
tags and provider `default_tags`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from costlint.loaders.terraform.hcltext import TextBlock
from costlint.model import Unknown

AFTER_APPLY = Unknown("known only after apply")
_ALWAYS_WRITTEN = frozenset({"tags_all"})
_ABSENT = object()


@dataclass(frozen=True)
class Written:
    """What a block's configuration writes: expressions and HCL block.

    Either may be None when not available. With neither, everything
    counts as written (unknowns stay unknown).
    """

    expressions: Mapping[str, Any] | None
    block: TextBlock | None = None

    def child(self, key: str) -> Written | WrittenBlocks | bool | str:
        """Whether `key` is written: True, False, or a nested view.

        An attribute whose expression refers to other objects gives the
        reason its value is unknown instead of True.
        """
        if self.expressions is None and self.block is None:
            return True
        expr = (self.expressions or {}).get(key)
        if isinstance(expr, Mapping) and "references" in expr:
            return _reason(expr["references"])
        if isinstance(expr, Mapping) and "constant_value" in expr:
            return True
        if isinstance(expr, list):
            return WrittenBlocks(expr, self._blocks(key))
        if self.block is not None and self._in_block(key):
            return True
        return self.expressions is None

    def _blocks(self, key: str) -> list[TextBlock]:
        if self.block is None:
            return []
        return self.block.blocks_named(key)

    def _in_block(self, key: str) -> bool:
        block = self.block
        if block is None:
            return False
        if key in block.attrs or block.blocks_named(key):
            return True
        return any(
            inner.labels and inner.labels[0] == key
            for inner in block.blocks_named("dynamic")
        )


@dataclass(frozen=True)
class WrittenBlocks:
    """The written blocks of one nested-block attribute, by index."""

    expressions: list[Any]
    blocks: list[TextBlock]

    def item(self, index: int) -> Written | bool:
        """The view of the `index`-th block; True if not written down.

        A block beyond those written comes from a `dynamic` block,
        whose content the plan's configuration does not show.
        """
        if index >= len(self.expressions):
            return True
        expr = self.expressions[index]
        block = self.blocks[index] if index < len(self.blocks) else None
        if not isinstance(expr, Mapping):
            return True
        return Written(expr, block)


def merge_unknown(
    values: Mapping[str, Any],
    unknown: Any,
    written: Written,
) -> dict[str, Any]:
    """`values` with `Unknown` wherever `unknown` marks a value."""
    merged = _merge_map(values, unknown, written, top=True)
    return merged if isinstance(merged, dict) else dict(values)


def _reason(references: Any) -> str:
    """Why a value is unknown: the first object it refers to."""
    if isinstance(references, list) and references:
        return f"depends on {references[0]}, known only after apply"
    return AFTER_APPLY.reason


def _merge(value: Any, unknown: Any, written: Any) -> Any:
    if unknown is True:
        if written is False:
            return _ABSENT
        if isinstance(written, str):
            return Unknown(written)
        return AFTER_APPLY
    if isinstance(unknown, Mapping) and (
        value is None or isinstance(value, Mapping)
    ):
        return _merge_map(value or {}, unknown, written, top=False)
    if isinstance(unknown, list) and isinstance(value, list):
        return [
            _merge(
                item,
                unknown[index] if index < len(unknown) else False,
                _item_view(written, index),
            )
            for index, item in enumerate(value)
        ]
    return value


def _merge_map(
    values: Mapping[str, Any],
    unknown: Any,
    written: Any,
    top: bool,
) -> Any:
    if not isinstance(unknown, Mapping) or not unknown:
        return dict(values) if top else values
    out = dict(values)
    for key, marks in unknown.items():
        if top and key in _ALWAYS_WRITTEN:
            view: Any = True
        else:
            view = _child_view(written, key)
        merged = _merge(out.get(key), marks, view)
        if merged is _ABSENT:
            out.pop(key, None)
        elif key in out or _holds_unknown(merged):
            out[key] = merged
    return out


def _holds_unknown(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, Mapping):
        return any(_holds_unknown(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_unknown(item) for item in value)
    return False


def _child_view(written: Any, key: str) -> Any:
    if isinstance(written, Written):
        return written.child(key)
    return written if isinstance(written, (bool, str)) else True


def _item_view(written: Any, index: int) -> Any:
    if isinstance(written, WrittenBlocks):
        return written.item(index)
    return written if isinstance(written, (bool, str)) else True
