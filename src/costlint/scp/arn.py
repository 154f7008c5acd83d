"""Wildcard matching for actions, ARNs and string conditions.

IAM patterns know two wildcards: `*` (any run of characters, even
none) and `?` (one character). Actions match without regard to case;
ARNs and `StringLike` values match with it.

`cover` answers the question the coverage check asks about a
`Resource` element: does this pattern match every ARN of a resource
type, only some (a region, an account or a name is fixed), or none?
ARNs are compared field by field (partition, service, region, account,
resource), the commercial partition `aws` assumed.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from functools import cache

from costlint.scp.actions import ResourceType

_PROBES = {
    "{region}": ("us-east-1", "eu-west-3", "ap-southeast-2"),
    "{account}": ("123456789012", "210987654321", "000000000000"),
    "{name}": ("a", "Zz9-x_y.z/w:v", "i-0123456789abcdef0"),
}
_VARIABLE = re.compile(r"\{(?:region|account|name)\}")


class Cover(enum.Enum):
    """How much of a resource type a pattern matches."""

    ALL = "all"
    SOME = "some"
    NONE = "none"


def glob_match(pattern: str, text: str, ignore_case: bool = False) -> bool:
    """Whether `text` matches an IAM wildcard pattern (`*`, `?`).

    Greedy matching that backtracks only to the last `*`, so the work is
    bounded by len(pattern) * len(text) whatever the pattern: a regular
    expression of many `.*` backtracks exponentially on hostile input.
    """
    if ignore_case:
        pattern, text = pattern.lower(), text.lower()
    p = t = 0
    star, mark = -1, 0
    while t < len(text):
        if p < len(pattern) and pattern[p] in ("?", text[t]):
            p += 1
            t += 1
        elif p < len(pattern) and pattern[p] == "*":
            star, mark = p, t
            p += 1
        elif star >= 0:
            p = star + 1
            mark += 1
            t = mark
        else:
            return False
    return all(char == "*" for char in pattern[p:])


def action_matches(patterns: Iterable[str], action: str) -> bool:
    """Whether any action pattern matches `action` (case-insensitive)."""
    return any(glob_match(p, action, ignore_case=True) for p in patterns)


def _probes(template: str) -> list[str]:
    if not _VARIABLE.search(template):
        return [template]
    out = []
    for index in range(3):
        text = template
        for var, values in _PROBES.items():
            text = text.replace(var, values[index])
        out.append(text)
    return out


def _head(text: str, stops: str) -> str:
    for pos, char in enumerate(text):
        if char in stops:
            return text[:pos]
    return text


def _cover_text(pattern: str, template: str) -> Cover:
    hits = [glob_match(pattern, probe) for probe in _probes(template)]
    if all(hits):
        return Cover.ALL
    if any(hits):
        return Cover.SOME
    if not _VARIABLE.search(template):
        return Cover.NONE
    mine = _head(pattern, "*?")
    theirs = _head(template, "{")
    if mine.startswith(theirs) or theirs.startswith(mine):
        return Cover.SOME
    return Cover.NONE


@cache
def cover(pattern: str, rtype: ResourceType) -> Cover:
    """How much of `rtype` one Resource pattern matches (cached)."""
    if "${" in pattern:
        loose = cover(re.sub(r"\$\{[^}]*\}", "*", pattern), rtype)
        return Cover.SOME if loose is Cover.ALL else loose
    if set(pattern) <= {"*"}:
        return Cover.ALL
    if rtype.arn == "*":
        return Cover.NONE

    fields = pattern.split(":", 5)
    template = rtype.arn.split(":", 5)
    if len(fields) < 6:
        return _cover_text(pattern, rtype.arn)
    results = [
        _cover_text(p, t) for p, t in zip(fields, template, strict=False)
    ]
    if Cover.NONE in results:
        return Cover.NONE
    if all(r is Cover.ALL for r in results):
        return Cover.ALL
    return Cover.SOME


def cover_all(patterns: Iterable[str], rtype: ResourceType) -> Cover:
    """How much of `rtype` a list of patterns matches together."""
    results = {cover(p, rtype) for p in patterns}
    if Cover.ALL in results:
        return Cover.ALL
    if Cover.SOME in results:
        return Cover.SOME
    return Cover.NONE
