"""Load Terraform directories into `Resource` records.

Each root module is evaluated once with tfparse (variables, tfvars,
locals, `for_each`/`count`, dynamic blocks and local modules resolved);
a directory that another scanned directory calls as a module is
evaluated through that caller only. Every `.tf` file that gave no block
is checked for a syntax error, so that no file is skipped silently.
"""

from __future__ import annotations

import logging
import os
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from costlint.loaders import LoadContext
from costlint.loaders.terraform.convert import (
    Converter,
    apply_shape,
    display_path,
)
from costlint.loaders.terraform.evaluate import (
    EvaluationError,
    evaluate_directory,
    locate_diagnostic,
)
from costlint.loaders.terraform.hcltext import TextBlock
from costlint.loaders.terraform.project import (
    Module,
    Project,
    Scope,
    call_targets,
    is_override_file,
    module_key_of,
    read_module,
    strip_indexes,
)
from costlint.loaders.terraform.providers import (
    find_provider,
    resource_provider_key,
)
from costlint.loaders.terraform.syntax import find_parse_problems
from costlint.loaders.terraform.unknowns import UnknownFinder
from costlint.model import (
    Loaded,
    Location,
    OpenMap,
    ParseProblem,
    Resource,
    Unknown,
    Unresolved,
)

log = logging.getLogger(__name__)

LOAD_NOTE = "terraform"


def load_terraform(files: list[Path], ctx: LoadContext) -> Loaded:
    """Resources, parse problems and unknown instances of `.tf` files.

    A directory is always evaluated whole, as Terraform does; when only
    some of its files were named, only their resources are reported,
    but every file of the directory is checked for syntax errors.
    """
    base = ctx.base
    by_dir: dict[Path, list[Path]] = defaultdict(list)
    for path in files:
        by_dir[Path(os.path.normpath(path.parent))].append(path)

    modules = {
        directory: read_module(directory, sorted(paths))
        for directory, paths in by_dir.items()
    }
    named = {Path(os.path.normpath(path)) for path in files}
    partial = {
        directory
        for directory, paths in by_dir.items()
        if all(path in ctx.explicit for path in paths)
    }

    def hidden(file: Path) -> bool:
        """A sibling of a file named alone: evaluated, not reported."""
        return file.parent in partial and file not in named

    loaded = Loaded()
    used: set[Path] = set()
    for root in _roots(modules):
        log.info("evaluating Terraform root module %s", root)
        _load_root(root, modules, base, loaded, used, hidden)

    dropped = [
        path
        for directory in sorted(modules)
        for path in (
            by_dir[directory]
            if directory in by_dir and directory not in partial
            else _terraform_files(directory)
        )
        if Path(os.path.normpath(path)) not in used
    ]
    loaded.problems.extend(_linked_tfvars(by_dir, base))
    folders = {display_path(directory, base) for directory in modules}
    loaded.problems = _most_precise(
        [*loaded.problems, *find_parse_problems(dropped, base)],
        folders,
    )

    broken = {problem.location.file for problem in loaded.problems}
    loaded.unresolved = [
        note for note in loaded.unresolved if note.location.file not in broken
    ]
    return loaded


def _linked_tfvars(
    by_dir: Mapping[Path, list[Path]],
    base: Path,
) -> list[ParseProblem]:
    """Variable files that are links: never read, so said out loud."""
    problems = []
    for directory in sorted(by_dir):
        for pattern in ("*.tfvars", "*.tfvars.json"):
            for path in sorted(directory.glob(pattern)):
                if path.is_symlink() or (path.exists() and not path.is_file()):
                    problems.append(
                        ParseProblem(
                            Location(display_path(path, base), 1, 1),
                            "variable file is a link or not a regular file; "
                            "not read",
                        ),
                    )
    return problems


def _terraform_files(directory: Path) -> list[Path]:
    """The files of a module directory reached through a module call."""
    return sorted([*directory.glob("*.tf"), *directory.glob("*.tf.json")])


def _most_precise(
    problems: list[ParseProblem],
    folders: set[str],
) -> list[ParseProblem]:
    """Drop a folder-wide problem when a file in it has its own."""
    parents = {
        Path(p.location.file).parent
        for p in problems
        if p.location.file not in folders
    }
    return [
        problem
        for problem in problems
        if problem.location.file not in folders
        or Path(problem.location.file) not in parents
    ]


def _roots(modules: Mapping[Path, Module]) -> list[Path]:
    """Scanned directories that no other scanned directory calls."""
    calls = {d: set(call_targets(m).values()) for d, m in modules.items()}
    called = set().union(*calls.values()) if calls else set()
    roots = [d for d in sorted(modules) if d not in called]

    reached = set(roots)
    todo = list(roots)
    while todo:
        for target in calls.get(todo.pop(), ()):
            if target in modules and target not in reached:
                reached.add(target)
                todo.append(target)
    roots.extend(d for d in sorted(modules) if d not in reached)
    return roots


def _load_root(
    root: Path,
    modules: dict[Path, Module],
    base: Path,
    loaded: Loaded,
    used: set[Path],
    hidden: Callable[[Path], bool],
) -> None:
    try:
        raw = evaluate_directory(root)
    except EvaluationError as exc:
        problem = _evaluation_problem(root, base, str(exc))
        loaded.problems.append(problem)
        located = problem.location.file != display_path(root, base)
        if located or exc.timed_out:
            used.update(_terraform_files(root))
        return

    project = Project(root, modules)
    loader = _RootLoader(project, raw, base, hidden)
    for entries in raw.values():
        for entry in entries:
            filename = entry.get("__tfmeta", {}).get("filename")
            if filename:
                used.add(Path(os.path.normpath(root / filename)))
    loaded.resources.extend(loader.resources())
    loaded.unresolved.extend(loader.notes)
    loaded.unresolved.extend(loader.missing_instances())


def _evaluation_problem(root: Path, base: Path, message: str) -> ParseProblem:
    found = locate_diagnostic(message)
    if found is None:
        shown = display_path(root, base)
        return ParseProblem(Location(shown, 1, 1), message)
    file, line, column, text = found
    shown = display_path(Path(os.path.normpath(root / file)), base)
    return ParseProblem(Location(shown, line, column), text)


class _RootLoader:
    """Builds the resources of one evaluated root module."""

    def __init__(
        self,
        project: Project,
        raw: Mapping[str, list[Any]],
        base: Path,
        hidden: Callable[[Path], bool],
    ) -> None:
        self.project = project
        self.raw = raw
        self.base = base
        self.finder = UnknownFinder(project)
        self.converter = Converter(self.finder, _block_ids(raw))
        self.providers = _evaluated_providers(raw)
        self.root = project.root
        self.notes: list[Unresolved] = []
        self.hidden = hidden

    def resources(self) -> list[Resource]:
        """Resources of the evaluation, minus those costlint cannot see.

        A resource in a linked file is read under the link target's
        name or not at all; one changed by an override file is noted as
        unresolved, since tfparse does not merge override files.
        """
        out = []
        seen: set[str] = set()
        for label, entries in self.raw.items():
            for entry in entries:
                meta = entry.get("__tfmeta", {})
                if meta.get("type") != "resource":
                    continue
                file = Path(os.path.normpath(self.root / meta["filename"]))
                if file.is_symlink() or is_override_file(file):
                    log.debug("leaving out %s from %s", meta["path"], file)
                    continue
                res = self._resource(label, entry, meta)
                if res.address in seen:
                    continue
                seen.add(res.address)
                override = self._override_of(res, label)
                if override is not None:
                    self.notes.append(override)
                elif not self.hidden(file):
                    out.append(res)
        return out

    def _override_of(self, res: Resource, label: str) -> Unresolved | None:
        module = self.project.scope(res.context["module"]).module
        name = strip_indexes(res.address).rsplit(".", 1)[-1]
        path = module.overrides.get((label, name)) if module else None
        if path is None:
            return None
        return Unresolved(
            LOAD_NOTE,
            res.address,
            res.location,
            f"{path.name} overrides it, and costlint does not merge "
            "override files",
        )

    def _resource(
        self,
        label: str,
        entry: Mapping[str, Any],
        meta: Mapping[str, Any],
    ) -> Resource:
        address = meta["path"]
        scope = self.project.scope(module_key_of(address))
        file = Path(os.path.normpath(self.project.root / meta["filename"]))
        shown = display_path(file, self.base)
        written = None
        if scope.module is not None:
            written = scope.module.find_block(file, meta["line_start"])

        if written is not None and "for_each" in written.attrs:
            address = self._instance_address(address, written, scope)
        attrs, positions = self.converter.convert(entry, written, scope, shown)
        if label.startswith("aws_"):
            provider = None
            if written is not None and "provider" in written.attrs:
                provider = written.attrs["provider"].expr
            key = resource_provider_key(label, provider)
            attrs["tags_all"] = self._tags_all(attrs.get("tags"), scope, key)

        location = Location(
            shown,
            meta["line_start"],
            written.column if written else 1,
            meta.get("line_end"),
        )
        return Resource(
            kind="terraform",
            type=label,
            address=address,
            attrs=attrs,
            location=location,
            positions=positions,
            context={
                "root": display_path(self.project.root, self.base),
                "group": display_path(self.project.root, self.base),
                "module": module_key_of(address),
            },
        )

    def _instance_address(
        self,
        address: str,
        written: TextBlock,
        scope: Scope,
    ) -> str:
        """`x.y[*]` when the `for_each` keys are known only at apply.

        tfparse then makes up keys (random ids of other resources) that
        would change from run to run; one instance stands for them all.
        """
        computed = self.converter.shapes.finder
        if computed.reason(written.attrs["for_each"].expr, scope) is None:
            return address
        return re.sub(r"\[[^\]]*\]$", "[*]", address)

    def _tags_all(self, tags: Any, scope: Scope, key: str) -> Any:
        """Resource tags over the provider's `default_tags`, as AWS does."""
        defaults = self._default_tags(scope, key)
        own = {} if tags is None else tags

        reasons = [
            part.reason
            for part in (defaults, own)
            if isinstance(part, (Unknown, OpenMap))
        ]
        merged: dict[str, Any] = {}
        for part in (defaults, own):
            if isinstance(part, Mapping):
                merged.update(part)
        if reasons:
            return OpenMap.of(merged, reasons[0])
        return merged

    def _default_tags(self, scope: Scope, key: str) -> Any:
        config = find_provider(scope, key, self.providers)
        if config is None:
            return {}
        blocks = config.values.get("default_tags")
        if isinstance(blocks, list):
            blocks = blocks[0] if blocks else None
        if not isinstance(blocks, Mapping) or "tags" not in blocks:
            return {}

        value = self.converter.plain(blocks["tags"])
        written = _written_default_tags(config.scope, key)
        if written is not None and isinstance(value, Mapping):
            shape = self.converter.shapes.of(written, config.scope)
            return apply_shape(value, shape)
        return value

    def missing_instances(self) -> list[Unresolved]:
        """Resources and module calls whose instances are unknown."""
        present: set[tuple[str, str, str]] = set()
        scopes: set[str] = set()
        for entries in self.raw.values():
            for entry in entries:
                meta = entry.get("__tfmeta", {})
                path = meta.get("path", "")
                key = strip_indexes(module_key_of(path))
                scopes.add(key)
                if meta.get("type") == "resource":
                    rest = strip_indexes(path)[len(key) :].lstrip(".")
                    rtype, _, name = rest.partition(".")
                    present.add((key, rtype, name))

        out = []
        for key in sorted(scopes):
            scope = self.project.scope(key)
            out.extend(self._missing_in(scope, present, scopes))
        return out

    def _missing_in(
        self,
        scope: Scope,
        present: set[tuple[str, str, str]],
        scopes: set[str],
    ) -> list[Unresolved]:
        module = scope.module
        if module is None:
            return []
        out = []
        for (rtype, name), (path, block) in module.resources.items():
            if (scope.key, rtype, name) in present:
                continue
            address = f"{scope.key}.{rtype}.{name}".lstrip(".")
            note = self._unknown_repetition(block, scope, address, path)
            if note is not None:
                out.append(note)

        for name, call in module.calls.items():
            child = f"{scope.key}.module.{name}".lstrip(".")
            if child in scopes or not self._has_blocks(child):
                continue
            path = _file_of(module, call)
            note = self._unknown_repetition(call, scope, child, path)
            if note is not None:
                out.append(note)
        return out

    def _has_blocks(self, key: str) -> bool:
        module = self.project.scope(key).module
        return module is None or any(module.files.values())

    def _unknown_repetition(
        self,
        block: Any,
        scope: Scope,
        address: str,
        path: Path,
    ) -> Unresolved | None:
        repeat = block.attrs.get("for_each") or block.attrs.get("count")
        if repeat is None:
            reason = "tfparse did not evaluate it"
        else:
            found = self.finder.reason(repeat.expr, scope)
            if found is None:
                log.debug("%s has no instances", address)
                return None
            reason = f"its instances are not known: {found}"
        shown = display_path(path, self.base)
        location = Location(shown, block.line, block.column, block.end_line)
        return Unresolved(LOAD_NOTE, address, location, reason)


def _file_of(module: Module, block: TextBlock) -> Path:
    """The file of a module's outline that holds `block`."""
    for path, blocks in module.files.items():
        if block in blocks:
            return path
    return module.directory


def _block_ids(raw: Mapping[str, list[Any]]) -> dict[str, str]:
    """tfparse's random block ids, mapped to block addresses."""
    ids = {}
    for entries in raw.values():
        for entry in entries:
            meta = entry.get("__tfmeta", {})
            if meta.get("type") in ("resource", "data") and "id" in entry:
                ids[entry["id"]] = meta.get("path", "")
    return ids


def _evaluated_providers(
    raw: Mapping[str, list[Any]],
) -> dict[tuple[str, str], Mapping[str, Any]]:
    out = {}
    for entry in raw.get("provider", []):
        meta = entry.get("__tfmeta", {})
        scope_key = strip_indexes(module_key_of(meta.get("path", "")))
        name = meta.get("label", "")
        alias = entry.get("alias")
        key = f"{name}.{alias}" if isinstance(alias, str) else name
        out[(scope_key, key)] = entry
    return out


def _written_default_tags(scope: Scope, key: str) -> str | None:
    if scope.module is None or key not in scope.module.providers:
        return None
    for block in scope.module.providers[key].blocks_named("default_tags"):
        if "tags" in block.attrs:
            return block.attrs["tags"].expr
    return None
