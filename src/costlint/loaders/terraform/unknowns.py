"""Decide whether an expression can be known before apply time.

tfparse evaluates what it can and quietly drops the rest: the unknown
argument of `merge(var.x, {...})` simply vanishes, and a `dynamic` block
over an unknown list yields nothing. Trusting those values would report
tags as missing that are merely unknown. This module follows every
reference of an expression as written (variables, locals, module
outputs, data sources) through the scopes of the configuration and
names the first thing that cannot be known. Values read from files
(`file()`, `templatefile()`...) count as unknown too, so that nothing
read from disk during evaluation ever reaches a report. References to
other resources are left to tfparse, which gives their written values
(or an id that the converter turns into a `Reference`).
"""

from __future__ import annotations

import re

from costlint.loaders.terraform.project import Project, Scope

_FILE_FUNCTION = re.compile(
    r"(?<![\w.])(file|fileset|fileexists|filebase64|filemd5|filesha1|"
    r"filesha256|filesha512|filebase64sha256|filebase64sha512|"
    r"templatefile|abspath)\s*\(",
)
_REFERENCE = re.compile(
    r"(?<![\w.\-])(var|local|module|data)\.([A-Za-z_][\w\-]*)"
    r"(?:\.([A-Za-z_][\w\-]*))?",
)


_RESOURCE_ATTRIBUTE = re.compile(
    r"(?<![\w.\-])([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][\w\-]*)"
    r"(?:\[[^\]]*\])?\.([A-Za-z_][\w\-]*)",
)


class UnknownFinder:
    """Finds the reason an expression is unknown, with a memo."""

    def __init__(self, project: Project, computed: bool = False) -> None:
        """`computed` also counts attributes of other resources that
        their configuration does not set (`arn`, `tags_all`) as unknown.
        It is for map keys and instance keys; scalar values are left to
        tfparse, which links `aws_s3_bucket.b.id` to the bucket.
        """
        self.project = project
        self.computed = computed
        self._memo: dict[tuple[str, str], str | None] = {}

    def reason(self, expr: str, scope: Scope) -> str | None:
        """Why `expr` cannot be known in `scope`, or None if it can."""
        memo_key = (scope.key, expr)
        if memo_key in self._memo:
            return self._memo[memo_key]

        self._memo[memo_key] = None
        found = self._first_unknown(expr, scope)
        self._memo[memo_key] = found
        return found

    def _first_unknown(self, expr: str, scope: Scope) -> str | None:
        function = _FILE_FUNCTION.search(expr)
        if function is not None:
            return (
                f"{function.group(1)}() reads files, which costlint does not"
            )
        for match in _REFERENCE.finditer(expr):
            kind, name, attr = match.groups()
            found = self._reference(kind, name, attr, scope)
            if found is not None:
                return found
        matches = _RESOURCE_ATTRIBUTE.finditer(expr) if self.computed else ()
        for match in matches:
            rtype, name, attr = match.groups()
            found = self._resource_attribute(rtype, name, attr, scope)
            if found is not None:
                return found
        return None

    def _resource_attribute(
        self,
        rtype: str,
        name: str,
        attr: str,
        scope: Scope,
    ) -> str | None:
        """An attribute of another resource: as written, or computed."""
        module = scope.module
        entry = module.resources.get((rtype, name)) if module else None
        if entry is None:
            return None
        written = entry[1].attrs.get(attr)
        if written is None:
            return f"{rtype}.{name}.{attr} is only known after apply"
        return self.reason(written.expr, scope)

    def _reference(
        self,
        kind: str,
        name: str,
        attr: str | None,
        scope: Scope,
    ) -> str | None:
        if kind == "data":
            target = f"data.{name}.{attr}" if attr else f"data.{name}"
            return f"{target} is read at apply time"
        if scope.module is None:
            return f"the source of {scope.key} is not available locally"
        if kind == "var":
            return self._variable(name, scope)
        if kind == "local":
            local = scope.module.locals.get(name)
            if local is None:
                return f"local.{name} is not defined{where_suffix(scope)}"
            return self.reason(local.expr, scope)
        return self._module_output(name, attr, scope)

    def _variable(self, name: str, scope: Scope) -> str | None:
        module = scope.module
        declared = module.variables.get(name) if module else None
        if module is None or declared is None:
            return f"var.{name} is not declared{where_suffix(scope)}"

        call, parent = scope.call, scope.parent
        if call is not None and parent is not None and name in call.attrs:
            return self.reason(call.attrs[name].expr, parent)
        if call is None and name in module.tfvars:
            return None
        if "default" in declared.attrs:
            return None
        return f"var.{name} has no value{where_suffix(scope)}"

    def _module_output(
        self,
        name: str,
        attr: str | None,
        scope: Scope,
    ) -> str | None:
        child_key = f"{scope.key}.module.{name}".lstrip(".")
        child = self.project.scope(child_key)
        if child.module is None:
            return f"module.{name} is not available locally"
        if attr is None:
            return f"module.{name} is used as a whole object"

        output = child.module.outputs.get(attr)
        if output is None or "value" not in output.attrs:
            return f"module.{name}.{attr} is not an output of the module"
        return self.reason(output.attrs["value"].expr, child)


def where_suffix(scope: Scope) -> str:
    """` in module.x` for child scopes, nothing for the root."""
    return f" in {scope.key}" if scope.key else ""
