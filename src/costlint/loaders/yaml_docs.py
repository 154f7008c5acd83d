"""Read YAML streams safely, keeping the line of every value.

Kubernetes manifests arrive as files, multi-document streams and the
output of `helm template` or `kustomize build` on standard input. This
module turns a stream into plain data (dicts, lists, strings, numbers)
plus a map from each value's path to where it is written, and hands
every document to the Kubernetes loader, which decides what it is.

Safety: the text is only *composed* into nodes by pyyaml's C parser
(`CSafeLoader`, else the pure-Python `SafeLoader`); the nodes are then
turned into plain data here, never through a constructor that could
build objects. A tag from the `tag:yaml.org,2002:` namespace that is not
a plain YAML type (`!!python/object`, `!!python/name` ...) is refused as
a parse error, never constructed. Local tags such as CloudFormation's
`!Ref` are read as the plain value they tag.

Aliases: composing shares one node between an anchor and its aliases,
so a "billion laughs" document composes in linear time; expanding it
into data would not. Each document may expand at most
`MAX_ALIAS_NODES` nodes through aliases (a generous bound: real
manifests reuse an env list or a label map, a few hundred nodes); past
it the document is a parse error at the node being expanded, and an
alias inside the node it names (`&a [*a]`) is one at that node. libyaml
itself refuses nesting deeper than 1,000 levels.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from costlint.loaders import LoadContext
from costlint.loaders.kubernetes import (
    KUSTOMIZATION_NAMES,
    is_helm_template,
    patch_files_of,
    resources_of,
    shape_problems,
)
from costlint.loaders.terraform.convert import display_path
from costlint.model import AttrPath, Loaded, Location, ParseProblem

log = logging.getLogger(__name__)

MAX_ALIAS_NODES = 10_000
"""How many nodes one document may expand through aliases."""

_YAML_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = frozenset(
    _YAML_TAG + name
    for name in (
        "str",
        "int",
        "float",
        "bool",
        "null",
        "timestamp",
        "binary",
        "map",
        "seq",
        "omap",
        "pairs",
        "set",
        "merge",
        "value",
    )
)
_MERGE = _YAML_TAG + "merge"
_STR = _YAML_TAG + "str"
_NULL = _YAML_TAG + "null"
_BOOL = _YAML_TAG + "bool"
_INT = _YAML_TAG + "int"
_FLOAT = _YAML_TAG + "float"
_SCALARS = SafeConstructor()


def _yaml_loader() -> type[yaml.SafeLoader]:
    loader: type[yaml.SafeLoader] = getattr(
        yaml,
        "CSafeLoader",
        yaml.SafeLoader,
    )
    return loader


class YamlProblem(Exception):
    """A YAML stream that cannot be read safely, with its position."""

    def __init__(self, reason: str, line: int, column: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column


@dataclass(frozen=True)
class YamlDocument:
    """One document of a stream as plain data with positions.

    `positions` maps the path of every mapping key and sequence item to
    where it is written (the key's line for a mapping value, the item's
    first line for a list item). `index` counts documents from 1.
    """

    data: Any
    positions: Positions
    start: Location
    end_line: int
    index: int


def load_yaml_files(files: list[Path], ctx: LoadContext) -> Loaded:
    """Resources of the Kubernetes manifests among `files`."""
    loaded = Loaded()
    patches = _kustomize_patches(files)
    for path in files:
        shown = display_path(path, ctx.base)
        if path.resolve() in patches:
            log.debug("skipping %s: a kustomize patch, not a manifest", shown)
            continue
        if is_helm_template(path):
            if path in ctx.explicit:
                loaded.problems.append(
                    ParseProblem(
                        Location(shown, 1, 1),
                        "a Helm chart template, not a manifest (scan the "
                        "output of `helm template ... | costlint scan -`)",
                    ),
                )
            else:
                log.info("skipping %s: a Helm chart template", shown)
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            loaded.problems.append(
                ParseProblem(Location(shown, 1, 1), f"cannot read ({reason})"),
            )
            continue
        loaded.extend(load_yaml_text(text, shown, ctx))
    return loaded


def load_yaml_text(text: str, shown: str, ctx: LoadContext) -> Loaded:
    """Resources of one YAML stream given as text."""
    loaded = Loaded()
    documents = 0
    with _paused_gc():
        try:
            for doc in read_documents(text, shown):
                documents += 1
                found = resources_of(doc)
                if found is None:
                    log.debug(
                        "skipping %s document %d: not a Kubernetes manifest",
                        shown,
                        doc.index,
                    )
                    continue
                loaded.resources.extend(found)
                for res in found:
                    loaded.problems.extend(shape_problems(res))
        except YamlProblem as exc:
            loaded.problems.append(
                ParseProblem(
                    Location(shown, exc.line, exc.column),
                    exc.reason,
                ),
            )
    log.debug(
        "read %d resources from %d documents of %s",
        len(loaded.resources),
        documents,
        shown,
    )
    return loaded


@contextmanager
def _paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a stream is read.

    Reading allocates one object per value and keeps most of them, so
    the collector would walk the growing heap again and again (a third
    of the load time on a 5,000-document stream). Plain data holds no
    reference cycles (an alias containing itself is refused), so
    reference counting frees everything that is dropped.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _kustomize_patches(files: list[Path]) -> set[Path]:
    """Files that kustomizations among `files` use as patches.

    A patch looks like a manifest (`apiVersion`, `kind`) but holds only
    the fields it changes, so judging it would report what the real
    manifest has.
    """
    patches: set[Path] = set()
    for path in files:
        if path.name not in KUSTOMIZATION_NAMES:
            continue
        try:
            text = path.read_text(encoding="utf-8")
            for doc in read_documents(text, str(path)):
                patches |= patch_files_of(doc.data, path.parent)
        except (OSError, UnicodeDecodeError, YamlProblem):
            continue
    return patches


def read_documents(text: str, shown: str) -> Iterator[YamlDocument]:
    """Every document of a YAML stream; `YamlProblem` on bad input.

    Documents before a broken one are still yielded, so a stream whose
    fifth document is invalid keeps the first four.
    """
    loader = _yaml_loader()(text)
    index = 0
    try:
        while True:
            try:
                if not loader.check_node():
                    return
                root = loader.get_node()
            except yaml.MarkedYAMLError as exc:
                raise _problem_of(exc) from None
            except yaml.YAMLError as exc:
                raise YamlProblem(f"invalid YAML ({exc})", 1, 1) from None
            except RecursionError:
                raise YamlProblem("YAML nested too deeply", 1, 1) from None
            index += 1
            if root is None:
                continue
            yield _build_document(root, shown, index)
    finally:
        loader.dispose()


def _problem_of(exc: yaml.MarkedYAMLError) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "not valid YAML"
    if exc.context:
        problem = f"{problem} ({exc.context})"
    if mark is None:
        return YamlProblem(f"invalid YAML: {problem}", 1, 1)
    return YamlProblem(
        f"invalid YAML: {problem}",
        mark.line + 1,
        mark.column + 1,
    )


def _build_document(root: Node, shown: str, index: int) -> YamlDocument:
    builder = _Builder()
    try:
        data = builder.build(root, ())
    except RecursionError:
        raise YamlProblem(
            "YAML nested too deeply",
            root.start_mark.line + 1,
            root.start_mark.column + 1,
        ) from None
    end = root.end_mark
    end_line = end.line + (1 if end.column > 0 else 0)
    line, column = _mark_of(root)
    return YamlDocument(
        data=data,
        positions=Positions(shown, builder.marks),
        start=Location(shown, line, column),
        end_line=max(end_line, line),
        index=index,
    )


def _mark_of(node: Node) -> tuple[int, int]:
    mark = node.start_mark
    return mark.line + 1, mark.column + 1


class Positions(Mapping[AttrPath, Location]):
    """Where each path of a document is written, made on demand.

    A manifest has a position for every key and item, and rules ask
    for a few of them, so lines and columns are kept as pairs and
    turned into `Location` records only when looked up.
    """

    def __init__(self, shown: str, marks: dict[AttrPath, tuple[int, int]]):
        self._shown = shown
        self._marks = marks

    def __getitem__(self, path: AttrPath) -> Location:
        line, column = self._marks[path]
        return Location(self._shown, line, column)

    def __iter__(self) -> Iterator[AttrPath]:
        return iter(self._marks)

    def __len__(self) -> int:
        return len(self._marks)

    def __contains__(self, path: object) -> bool:
        return path in self._marks

    def below(self, prefix: AttrPath) -> Positions:
        """The positions under `prefix`, with `prefix` taken off."""
        size = len(prefix)
        return Positions(
            self._shown,
            {
                path[size:]: mark
                for path, mark in self._marks.items()
                if len(path) > size and path[:size] == prefix
            },
        )


class _Builder:
    """Turns composed nodes into plain data, counting alias expansion.

    Composing leaves one node object wherever an alias points to it, so
    a collection met a second time is being expanded through an alias;
    one met again while it is still being built contains itself.
    Scalars cannot contain anything, so they are only counted.
    """

    def __init__(self) -> None:
        self.marks: dict[AttrPath, tuple[int, int]] = {}
        self._seen: set[int] = set()
        self._open: set[int] = set()
        self._alias_depth = 0
        self._alias_nodes = 0

    def build(self, node: Node, path: AttrPath) -> Any:
        """Plain data for `node`, recording positions below `path`."""
        if type(node) is ScalarNode:
            if self._alias_depth:
                self._count(node)
            if node.tag not in _PLAIN_TAGS:
                _check_tag(node)
            try:
                return _scalar(node)
            except (ValueError, yaml.YAMLError):
                raise _refuse(
                    node,
                    f"cannot read {node.value!r} as {node.tag}",
                ) from None

        key = id(node)
        if key in self._open:
            raise _refuse(node, "alias refers to a node containing it")
        again = key in self._seen
        self._seen.add(key)
        if again:
            self._alias_depth += 1
        if self._alias_depth:
            self._count(node)
        self._open.add(key)
        try:
            return self._build_collection(node, path)
        finally:
            self._open.discard(key)
            if again:
                self._alias_depth -= 1

    def _count(self, node: Node) -> None:
        self._alias_nodes += 1
        if self._alias_nodes > MAX_ALIAS_NODES:
            raise _refuse(
                node,
                f"aliases expand to more than {MAX_ALIAS_NODES:,} values "
                "(refused as a possible 'billion laughs' document)",
            )

    def _build_collection(self, node: Node, path: AttrPath) -> Any:
        if node.tag not in _PLAIN_TAGS:
            _check_tag(node)
        if isinstance(node, SequenceNode):
            items = []
            marks = self.marks
            for index, item in enumerate(node.value):
                item_path = (*path, index)
                mark = item.start_mark
                marks[item_path] = (mark.line + 1, mark.column + 1)
                items.append(self.build(item, item_path))
            return items
        if isinstance(node, MappingNode):
            return self._build_mapping(node, path)
        raise _refuse(node, "unknown YAML node")

    def _build_mapping(self, node: MappingNode, path: AttrPath) -> Any:
        out: dict[str, Any] = {}
        merged: list[Node] = []
        marks = self.marks
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged.append(value_node)
                continue
            key = self._key(key_node, path)
            if key in out:
                raise _refuse(
                    key_node,
                    f"key {key!r} is written twice in one mapping "
                    "(kubectl refuses it; which value counts is unclear)",
                )
            key_path = (*path, key)
            mark = key_node.start_mark
            marks[key_path] = (mark.line + 1, mark.column + 1)
            out[key] = self.build(value_node, key_path)
        for source in merged:
            self._merge_into(out, source, path)
        return out

    def _merge_into(
        self,
        out: dict[str, Any],
        source: Node,
        path: AttrPath,
    ) -> None:
        """Apply a `<<` merge key: explicit keys win over merged ones."""
        sources = (
            source.value if isinstance(source, SequenceNode) else [source]
        )
        for item in sources:
            value = self.build(item, path)
            if not isinstance(value, dict):
                raise _refuse(item, "merge key `<<` needs a mapping")
            for key, merged_value in value.items():
                out.setdefault(key, merged_value)

    def _key(self, node: Node, path: AttrPath) -> str:
        if type(node) is ScalarNode:
            if node.tag not in _PLAIN_TAGS:
                _check_tag(node)
            return str(node.value)
        return str(self.build(node, (*path, "<key>")))


def _check_tag(node: Node) -> None:
    """Refuse a tag of the YAML namespace that is not plain data."""
    tag = node.tag or ""
    if tag.startswith(_YAML_TAG) and tag not in _PLAIN_TAGS:
        shown = "!!" + tag[len(_YAML_TAG) :]
        raise _refuse(
            node,
            f"unsafe YAML tag {shown} refused (only plain data is read)",
        )


def _refuse(node: Node, reason: str) -> YamlProblem:
    line, column = _mark_of(node)
    return YamlProblem(reason, line, column)


def _scalar(node: ScalarNode) -> Any:
    """A scalar as plain data: timestamps and binary stay text.

    Kubernetes reads YAML through JSON, so dates are strings there too.
    """
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return _SCALARS.construct_yaml_bool(node)
    if tag == _INT:
        return _SCALARS.construct_yaml_int(node)
    if tag == _FLOAT:
        return _SCALARS.construct_yaml_float(node)
    return str(node.value)


def detect_manifest(data: Any) -> bool:
    """Whether a JSON document is a Kubernetes object (or a List)."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("apiVersion"), str)
        and isinstance(data.get("kind"), str)
    )


def load_manifest_json(
    data: Any,
    text: str,
    shown: str,
    ctx: LoadContext,
) -> Loaded:
    """Load a JSON manifest (`kubectl get -o json`) as a YAML stream.

    JSON is a subset of the YAML that the loader reads, so the same
    code keeps the line of every field.
    """
    return load_yaml_text(text, shown, ctx)
