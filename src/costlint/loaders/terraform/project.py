"""The written shape of a Terraform configuration: modules and scopes.

A `Module` is one directory's outline: its variables, locals, outputs,
module calls and provider blocks as written. A `Scope` is a module as
instantiated at an address (`module.net`), linked to the scope that
called it. Unknown-value analysis and provider resolution both walk
these scopes, so they live here once.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from costlint.loaders.terraform.hcltext import (
    TextAttr,
    TextBlock,
    outline,
    top_level_attrs,
)

log = logging.getLogger(__name__)

_LOCAL_SOURCE = re.compile(r'^"(\.{1,2}/[^"]*|\.{1,2})"$')
_MODULE_SEGMENT = re.compile(r"module\.([A-Za-z0-9_\-]+)(\[[^\]]*\])?\.")


@dataclass
class Module:
    """One directory of `.tf` files, as written."""

    directory: Path
    files: dict[Path, list[TextBlock]] = field(default_factory=dict)
    variables: dict[str, TextBlock] = field(default_factory=dict)
    locals: dict[str, TextAttr] = field(default_factory=dict)
    outputs: dict[str, TextBlock] = field(default_factory=dict)
    calls: dict[str, TextBlock] = field(default_factory=dict)
    providers: dict[str, TextBlock] = field(default_factory=dict)
    resources: dict[tuple[str, str], tuple[Path, TextBlock]] = field(
        default_factory=dict,
    )
    tfvars: set[str] = field(default_factory=set)
    overrides: dict[tuple[str, str], Path] = field(default_factory=dict)
    _by_line: dict[tuple[Path, int], TextBlock] = field(default_factory=dict)

    def find_block(self, file: Path, line: int) -> TextBlock | None:
        """The top-level block of `file` that starts on `line`."""
        if not self._by_line:
            self._by_line = {
                (path, block.line): block
                for path, blocks in self.files.items()
                for block in blocks
            }
        return self._by_line.get((file, line))


def _source_dir(directory: Path, call: TextBlock) -> Path | None:
    source = call.attrs.get("source")
    if source is None:
        return None
    match = _LOCAL_SOURCE.match(source.expr.strip())
    if match is None:
        return None
    return Path(os.path.normpath(directory / match.group(1)))


def is_override_file(path: Path) -> bool:
    """Whether Terraform merges this file into the others' blocks."""
    name = path.name.removesuffix(".json").removesuffix(".tf")
    return name == "override" or name.endswith("_override")


def provider_key(block: TextBlock) -> str:
    """`aws` or `aws.eu`: how resources and module calls name it."""
    name = block.labels[0] if block.labels else ""
    alias = block.attrs.get("alias")
    if alias is None:
        return name
    return f"{name}.{alias.expr.strip().strip(chr(34))}"


def read_module(directory: Path, tf_files: list[Path]) -> Module:
    """Outline every `.tf` file of one directory."""
    module = Module(directory)
    for path in tf_files:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        blocks = outline(text)
        module.files[path] = blocks
        for block in blocks:
            _index_block(module, path, block)

    for path in _tfvars_files(directory):
        module.tfvars.update(_tfvars_names(path))
    return module


def _index_block(module: Module, path: Path, block: TextBlock) -> None:
    label = block.labels[0] if block.labels else ""
    if block.type == "variable":
        module.variables[label] = block
    elif block.type == "locals":
        module.locals.update(block.attrs)
    elif block.type == "output":
        module.outputs[label] = block
    elif block.type == "module":
        module.calls[label] = block
    elif block.type == "provider":
        module.providers[provider_key(block)] = block
    elif block.type == "resource" and len(block.labels) == 2:
        key = (block.labels[0], block.labels[1])
        if is_override_file(path):
            module.overrides[key] = path
        else:
            module.resources[key] = (path, block)


def _tfvars_files(directory: Path) -> list[Path]:
    """Variable files in the order Terraform reads them.

    `terraform.tfvars`, `terraform.tfvars.json`, then `*.auto.tfvars`
    and `*.auto.tfvars.json` in lexical order.
    """
    found = [
        directory / name
        for name in ("terraform.tfvars", "terraform.tfvars.json")
        if _regular(directory / name)
    ]
    auto = [
        path
        for path in (
            *directory.glob("*.auto.tfvars"),
            *directory.glob("*.auto.tfvars.json"),
        )
        if _regular(path)
    ]
    found.extend(sorted(auto, key=lambda path: path.name))
    return found


def _regular(path: Path) -> bool:
    """A plain file, not a link: a linked variable file is not read."""
    return path.is_file() and not path.is_symlink()


def _tfvars_names(path: Path) -> set[str]:
    """The variables a tfvars file sets."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    if path.name.endswith(".json"):
        try:
            data = json.loads(text)
        except ValueError:
            return set()
        return set(data) if isinstance(data, dict) else set()
    return set(top_level_attrs(text))


def tfvars_paths(directory: Path) -> list[str]:
    """The variable files Terraform would load, relative to the dir."""
    return [path.name for path in _tfvars_files(directory)]


def call_targets(module: Module) -> dict[str, Path]:
    """Local module calls of a directory: call name to directory."""
    targets = {}
    for name, call in module.calls.items():
        target = _source_dir(module.directory, call)
        if target is not None:
            targets[name] = target
    return targets


@dataclass
class Scope:
    """A module instantiated at an address, linked to its caller."""

    key: str
    module: Module | None
    parent: Scope | None = None
    call: TextBlock | None = None


class Project:
    """All scopes of one evaluated root directory, read on demand."""

    def __init__(self, root: Path, modules: dict[Path, Module]) -> None:
        self.root = root
        self._modules = modules
        self._scopes: dict[str, Scope] = {}
        self._installed = _installed_modules(root)
        self._scopes[""] = Scope("", self.module_at(root))

    def module_at(self, directory: Path) -> Module | None:
        """The outline of a directory, reading it the first time."""
        directory = Path(os.path.normpath(directory))
        if directory not in self._modules:
            if not directory.is_dir():
                return None
            files = sorted(directory.glob("*.tf"))
            self._modules[directory] = read_module(directory, files)
        return self._modules[directory]

    def scope(self, key: str) -> Scope:
        """The scope of a module address such as `module.a.module.b`."""
        key = strip_indexes(key)
        if key in self._scopes:
            return self._scopes[key]

        parent_key, nested, name = key.rpartition(".module.")
        if not nested:
            parent_key, name = "", key.removeprefix("module.")
        parent = self.scope(parent_key)
        call = parent.module.calls.get(name) if parent.module else None
        module = self._callee(parent, name, key)
        scope = Scope(key, module, parent, call)
        self._scopes[key] = scope
        return scope

    def _callee(self, parent: Scope, name: str, key: str) -> Module | None:
        if parent.module is None:
            return None
        target = call_targets(parent.module).get(name)
        if target is None:
            installed = self._installed.get(key.replace("module.", ""))
            target = installed
        return self.module_at(target) if target is not None else None


def strip_indexes(key: str) -> str:
    """`module.a["x"].module.b[0]` becomes `module.a.module.b`."""
    return re.sub(r"\[[^\]]*\]", "", key)


def module_key_of(address: str) -> str:
    """The module part of a resource address, indexes kept."""
    key = ""
    pos = 0
    while True:
        match = _MODULE_SEGMENT.match(address, pos)
        if match is None:
            return key.rstrip(".")
        key += match.group(0)
        pos = match.end()


def _installed_modules(root: Path) -> dict[str, Path]:
    """Remote modules that `terraform init` unpacked, by module key."""
    manifest = root / ".terraform" / "modules" / "modules.json"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}

    found = {}
    for entry in data.get("Modules", []):
        key, directory = entry.get("Key"), entry.get("Dir")
        if key and directory:
            found[key] = root / directory
    log.debug("read %d installed modules from %s", len(found), manifest)
    return found
