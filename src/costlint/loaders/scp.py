"""Load AWS Organizations service control policies (SCPs) from JSON.

A JSON document is an SCP when it has the policy shape: an object with
a `Statement` (an object or a list) and a `Version`, or statements
carrying an `Effect`. A file may also hold a list of such policies, as
exported by some tools. Each policy becomes one `Resource` of kind
"scp" and type "scp-policy", whose `attrs` are the policy as written.

Positions: every value's line and column come from `costlint.jsonpos`;
a statement is placed at its first key (usually "Sid"), the line a
reader looks for, not at its opening brace. The loader also records
what rules cannot get back from parsed JSON: the size AWS counts (the
characters of the policy with the white space outside strings removed)
and keys written twice in one object, which `json.loads` silently
merges.

A document whose statements all name a `Principal` is a resource-based
or trust policy, not an SCP: it is skipped when met while walking a
directory, and loaded (so that `scp-invalid` explains) only when the
user named the file or piped it on standard input. IAM identity
policies have exactly the SCP shape and cannot be told apart; keep them
out of the scan with `exclude` in the config.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from costlint.jsonpos import JsonPath, json_positions
from costlint.loaders import LoadContext
from costlint.loaders.kubernetes import folder_of
from costlint.model import (
    AttrPath,
    Loaded,
    Location,
    ParseProblem,
    Resource,
)

log = logging.getLogger(__name__)

KIND = "scp"
TYPE = "scp-policy"
_STDIN = "<stdin>"
_PIECE = re.compile(r'"(?:[^"\\]|\\.)*"|[^\s"]+', re.DOTALL)


_POLICY_VERSIONS = {"2012-10-17", "2008-10-17"}


def detect_scp(data: Any) -> bool:
    """Whether a parsed JSON document is an SCP or a list of SCPs.

    A list counts when any item is a policy; the others are then
    reported, not dropped. A document with a policy `Version` counts
    even when its `Statement` is missing or malformed, so that
    `scp-invalid` says what is wrong instead of the file being skipped.
    """
    if isinstance(data, list):
        return any(_is_policy(item) for item in data)
    return _is_policy(data)


def _is_policy(data: Any) -> bool:
    if not isinstance(data, Mapping):
        return False
    if data.get("Version") in _POLICY_VERSIONS:
        return True
    statements = data.get("Statement")
    if not isinstance(statements, (Mapping, list)):
        return False
    return any("Effect" in item for item in _statements(statements))


def _statements(value: Any) -> Iterator[Mapping[str, Any]]:
    items = [value] if isinstance(value, Mapping) else value
    for item in items if isinstance(items, list) else ():
        if isinstance(item, Mapping):
            yield item


def load_scp(data: Any, text: str, shown: str, ctx: LoadContext) -> Loaded:
    """Resources for the policies of one JSON document."""
    loaded = Loaded()
    positions = json_positions(text)
    lines = text.splitlines()
    sizes = minified_sizes(text)
    duplicates = _duplicate_keys(text)
    named = _named_by_user(shown, ctx)

    documents = data if isinstance(data, list) else [data]
    for index, policy in enumerate(documents):
        prefix: JsonPath = (index,) if isinstance(data, list) else ()
        if not isinstance(policy, Mapping):
            line, column = positions.get(prefix, (1, 1))
            loaded.problems.append(
                ParseProblem(
                    Location(shown, line, column),
                    f"item {index} of the policy list is not a policy object",
                ),
            )
            continue
        if _is_trust_policy(policy) and not named:
            log.debug(
                "skipping %s: every statement names a Principal, so it "
                "is a resource-based or trust policy, not an SCP",
                shown,
            )
            continue
        loaded.resources.append(
            _resource(
                policy,
                shown,
                prefix,
                positions,
                lines,
                sizes[index] if index < len(sizes) else 0,
                [path[len(prefix) :] for path in duplicates.get(prefix, [])],
            ),
        )
    log.debug("read %d SCPs from %s", len(loaded.resources), shown)
    return loaded


def _resource(
    policy: Mapping[str, Any],
    shown: str,
    prefix: JsonPath,
    positions: Mapping[JsonPath, tuple[int, int]],
    lines: list[str],
    size: int,
    duplicates: list[JsonPath],
) -> Resource:
    places: dict[AttrPath, Location] = {}
    for path, (line, column) in positions.items():
        if path[: len(prefix)] == prefix:
            places[path[len(prefix) :]] = Location(shown, line, column)
    for path in _statement_paths(policy):
        first = _first_key(path, places, lines, shown)
        if first is not None:
            places[path] = first

    line, column = positions.get(prefix, (1, 1))
    address = f"scp[{prefix[0]}]" if prefix else "scp"
    return Resource(
        kind=KIND,
        type=TYPE,
        address=address,
        attrs=policy,
        location=Location(shown, line, column),
        positions=places,
        context={
            "size": size,
            "document": prefix[0] if prefix else None,
            "duplicate_keys": tuple(duplicates),
            "group": folder_of(shown),
        },
    )


def _statement_paths(policy: Mapping[str, Any]) -> Iterator[AttrPath]:
    statements = policy.get("Statement")
    if isinstance(statements, Mapping):
        yield ("Statement",)
    elif isinstance(statements, list):
        for index, item in enumerate(statements):
            if isinstance(item, Mapping):
                yield ("Statement", index)


def _first_key(
    path: AttrPath,
    places: Mapping[AttrPath, Location],
    lines: list[str],
    shown: str,
) -> Location | None:
    """Where the first key of the object at `path` is written."""
    children = [
        loc
        for child, loc in places.items()
        if len(child) == len(path) + 1 and child[: len(path)] == path
    ]
    if not children:
        return None
    first = min(children, key=lambda loc: (loc.line, loc.column))
    column = _key_column(lines, first.line, first.column)
    return Location(shown, first.line, column)


def _key_column(lines: list[str], line: int, value_column: int) -> int:
    """The column of the key whose value starts at `value_column`.

    Walks left from the value over the colon and the key's closing
    quote to its opening quote; falls back to the value's column when
    the key is written on another line.
    """
    if not 0 < line <= len(lines):
        return value_column
    text = lines[line - 1]
    pos = value_column - 2
    while pos >= 0 and text[pos] in " \t":
        pos -= 1
    if pos < 0 or text[pos] != ":":
        return value_column
    pos -= 1
    while pos >= 0 and text[pos] in " \t":
        pos -= 1
    if pos < 0 or text[pos] != '"':
        return value_column
    pos -= 1
    while pos >= 0:
        if text[pos] == '"' and (pos == 0 or text[pos - 1] != "\\"):
            return pos + 1
        pos -= 1
    return value_column


def _is_trust_policy(policy: Any) -> bool:
    statements = list(_statements(policy.get("Statement")))
    return bool(statements) and all(
        "Principal" in item or "NotPrincipal" in item for item in statements
    )


def _named_by_user(shown: str, ctx: LoadContext) -> bool:
    if shown == _STDIN:
        return True
    here = (ctx.base / shown).resolve()
    return any(here == Path(path).resolve() for path in ctx.explicit)


def minify(text: str) -> str:
    """The JSON text without white space outside strings."""
    return "".join(_PIECE.findall(text))


def minified_sizes(text: str) -> list[int]:
    """The size AWS counts for each policy of a JSON document.

    AWS counts every character of the stored policy, and white space
    outside quotes may be removed before upload, so the size that
    matters is that of the minified text (strings kept as written,
    escapes included). A list of policies gives one size per element.
    """
    flat = minify(text)
    if not flat.startswith("["):
        return [len(flat)]
    return [len(piece) for piece in _top_level_items(flat)]


def _top_level_items(flat: str) -> list[str]:
    items: list[str] = []
    depth = 0
    start = 1
    in_string = False
    escaped = False
    for pos, char in enumerate(flat):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0 and pos > start:
                items.append(flat[start:pos])
        elif char == "," and depth == 1:
            items.append(flat[start:pos])
            start = pos + 1
    return items


class _Pairs(dict[str, Any]):
    """A JSON object that remembers keys written more than once."""

    repeated: tuple[str, ...] = ()


def _keep_pairs(pairs: list[tuple[str, Any]]) -> _Pairs:
    out = _Pairs(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        repeated = []
        for key, _value in pairs:
            if key in seen:
                repeated.append(key)
            seen.add(key)
        out.repeated = tuple(repeated)
    return out


def _duplicate_keys(text: str) -> dict[JsonPath, list[JsonPath]]:
    """Paths of keys written twice, grouped by document prefix."""
    try:
        tree = json.loads(text, object_pairs_hook=_keep_pairs)
    except (ValueError, RecursionError):
        return {}
    found: dict[JsonPath, list[JsonPath]] = {}
    top_is_list = isinstance(tree, list)
    for path in _walk_repeated(tree, ()):
        prefix: JsonPath = path[:1] if top_is_list else ()
        found.setdefault(prefix, []).append(path)
    return found


def _walk_repeated(node: Any, path: JsonPath) -> Iterator[JsonPath]:
    if isinstance(node, _Pairs):
        for key in node.repeated:
            yield (*path, key)
        for key, value in node.items():
            yield from _walk_repeated(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk_repeated(value, (*path, index))
