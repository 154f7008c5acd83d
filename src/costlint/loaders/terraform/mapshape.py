"""Tell apart unknown map keys from unknown map values.

For tags, only the keys decide whether a required tag is missing. In
`merge({ Name = "${data.x.id}-web" }, var.tags)` the value of `Name` is
unknown but every key is known when `var.tags` is. This module follows
the structure of a map expression as written: `merge(...)` arguments,
object literals, and references to locals, variables and module
outputs, and reports separately why the key set may be incomplete and
which keys have unknown values. Any other expression falls back to the
plain reference check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from costlint.loaders.terraform.hcltext import Token, tokens
from costlint.loaders.terraform.project import Scope
from costlint.loaders.terraform.unknowns import UnknownFinder, where_suffix

_TRAVERSAL = re.compile(
    r"^(var|local|module)\.([A-Za-z_][\w\-]*)(?:\.([A-Za-z_][\w\-]*))?$",
)
_OPEN = {"{": "}", "[": "]", "(": ")"}


@dataclass
class MapShape:
    """Why a map's keys may be incomplete, and which values are unknown."""

    keys_reason: str | None = None
    values: dict[str, str] = field(default_factory=dict)


class MapShapes:
    """Analyses map expressions in the scopes of one configuration."""

    def __init__(self, finder: UnknownFinder) -> None:
        self.finder = finder
        self._depth = 0

    def of(self, expr: str, scope: Scope) -> MapShape:
        """The shape of a map expression written in `scope`."""
        if self._depth > 32:
            return MapShape(self.finder.reason(expr, scope))
        self._depth += 1
        try:
            return self._shape(expr.strip(), scope)
        finally:
            self._depth -= 1

    def _shape(self, expr: str, scope: Scope) -> MapShape:
        if expr.startswith("merge(") and expr.endswith(")"):
            return self._merge(expr[len("merge(") : -1], scope)
        if expr.startswith("{") and expr.endswith("}"):
            return self._literal(expr, scope)
        match = _TRAVERSAL.match(expr)
        if match is not None:
            return self._traversal(match, scope)
        return MapShape(self.finder.reason(expr, scope))

    def _merge(self, inner: str, scope: Scope) -> MapShape:
        shape = MapShape()
        for part in split_top(inner, ","):
            if not part.strip():
                continue
            piece = self.of(part, scope)
            shape.keys_reason = shape.keys_reason or piece.keys_reason
            shape.values.update(piece.values)
        return shape

    def _literal(self, expr: str, scope: Scope) -> MapShape:
        body = expr[1:-1].strip()
        if body.startswith("for ") or body.startswith("for\t"):
            return MapShape(self.finder.reason(expr, scope))

        shape = MapShape()
        for item in split_top(body, ",\n"):
            key, value = _entry(item)
            if key is None:
                continue
            if key.startswith("(") or "${" in key:
                found = self.finder.reason(key, scope)
                shape.keys_reason = shape.keys_reason or found
                continue
            found = self.finder.reason(value, scope)
            if found is not None:
                shape.values[key.strip('"')] = found
        return shape

    def _traversal(self, match: re.Match[str], scope: Scope) -> MapShape:
        kind, name, attr = match.groups()
        module = scope.module
        if module is None:
            return MapShape(self.finder.reason(match.group(0), scope))
        if kind == "local" and attr is None and name in module.locals:
            return self.of(module.locals[name].expr, scope)
        if kind == "var" and attr is None:
            return self._variable(name, scope)
        if kind == "module" and attr is not None:
            return self._output(name, attr, scope)
        return MapShape(self.finder.reason(match.group(0), scope))

    def _variable(self, name: str, scope: Scope) -> MapShape:
        call = scope.call
        if call is not None and name in call.attrs and scope.parent:
            return self.of(call.attrs[name].expr, scope.parent)
        found = self.finder.reason(f"var.{name}", scope)
        if found is not None:
            return MapShape(found)
        declared = scope.module.variables.get(name) if scope.module else None
        if declared is None:
            return MapShape(f"var.{name} is not declared{where_suffix(scope)}")
        return MapShape()

    def _output(self, name: str, attr: str, scope: Scope) -> MapShape:
        child_key = f"{scope.key}.module.{name}".lstrip(".")
        child = self.finder.project.scope(child_key)
        output = child.module.outputs.get(attr) if child.module else None
        if output is None or "value" not in output.attrs:
            return MapShape(self.finder.reason(f"module.{name}.{attr}", scope))
        return self.of(output.attrs["value"].expr, child)


def _entry(item: str) -> tuple[str | None, str]:
    """Key and value text of one object-literal item."""
    parts = split_top(item, "=:", limit=1)
    if len(parts) != 2:
        return None, ""
    key, value = parts[0].strip(), parts[1].strip()
    if value.startswith(">"):
        return None, ""
    return (key or None), value


def split_top(text: str, separators: str, limit: int = -1) -> list[str]:
    """Split on separators outside brackets, strings and templates."""
    pieces: list[str] = []
    depth = 0
    start = 0
    toks: list[Token] = tokens(text)
    for token in toks:
        if token.text in _OPEN:
            depth += 1
        elif token.text in _OPEN.values():
            depth -= 1
        elif depth == 0 and _is_separator(token, separators):
            if limit >= 0 and len(pieces) >= limit:
                continue
            pieces.append(text[start : token.start])
            start = token.end
    pieces.append(text[start:])
    return pieces


def _is_separator(token: Token, separators: str) -> bool:
    if token.kind == "nl":
        return "\n" in separators
    return token.text in separators and len(token.text) == 1
