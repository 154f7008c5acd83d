"""Plain records that flow from loaders to rules to reporters.

Loaders build `Resource` records and nothing else; rules turn them into
`Finding` and `Unresolved` records; reporters only render. Keeping the
records frozen and free of behaviour is what lets each stage be tested
on its own.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

AttrPath = tuple[str | int, ...]


class Severity(enum.IntEnum):
    """How much a finding matters; the order is used by `--fail-on`."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Read a severity name as users write it in config and flags."""
        return cls[text.strip().upper()]

    @property
    def label(self) -> str:
        """The lower-case name shown to users."""
        return self.name.lower()


@dataclass(frozen=True)
class Unknown:
    """A value that cannot be known before apply time.

    Loaders put this in place of any attribute whose value depends on
    something static analysis cannot see (a variable without a value, a
    data source, a module that was not loaded). Rules must treat it as
    "could be anything", never as "missing".
    """

    reason: str

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r})"


@dataclass(frozen=True, repr=False)
class Reference(Unknown):
    """An attribute of another resource, known only after apply.

    Rules treat it as unknown, except to link resources: a lifecycle
    configuration whose `bucket` is `Reference("aws_s3_bucket.logs")`
    belongs to that bucket.
    """

    address: str = ""

    def __repr__(self) -> str:
        return f"Reference({self.address!r})"


class OpenMap(dict[str, Any]):
    """A map whose listed entries are known but which may hold more.

    `merge(var.x, {...})` with `var.x` unknown gives an `OpenMap` of the
    literal part: keys present here are certain, keys absent are not
    certainly absent. `reason` says what could not be resolved.
    """

    reason: str = ""

    @classmethod
    def of(cls, items: Mapping[str, Any], reason: str) -> OpenMap:
        """Build an open map from known entries and the reason."""
        out = cls(items)
        out.reason = reason
        return out

    def __repr__(self) -> str:
        return f"OpenMap({dict(self)!r}, {self.reason!r})"


class OpenList(list[Any]):
    """A list of blocks of which more may exist than are listed.

    A `dynamic` block iterating over an unknown value gives an
    `OpenList` of the static blocks beside it; `reason` says what could
    not be resolved.
    """

    reason: str = ""

    @classmethod
    def of(cls, items: list[Any], reason: str) -> OpenList:
        """Build an open list from known items and the reason."""
        out = cls(items)
        out.reason = reason
        return out

    def __repr__(self) -> str:
        return f"OpenList({list(self)!r}, {self.reason!r})"


@dataclass(frozen=True)
class Location:
    """A place in a source file; lines and columns start at 1."""

    file: str
    line: int
    column: int = 1
    end_line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Resource:
    """One thing a rule can judge: a Terraform resource instance, ...

    `attrs` holds the evaluated attributes in plain Python values, with
    nested blocks always as lists of dicts (the shape of plan JSON), and
    `Unknown` where a value cannot be known. `positions` maps attribute
    paths to where they are written, when the loader can tell.
    """

    kind: str
    type: str
    address: str
    attrs: Mapping[str, Any]
    location: Location
    positions: Mapping[AttrPath, Location] = field(default_factory=dict)
    context: Mapping[str, Any] = field(default_factory=dict)

    def locate(self, path: AttrPath) -> Location:
        """The most precise known position of `path` in the source."""
        for end in range(len(path), 0, -1):
            hit = self.positions.get(path[:end])
            if hit is not None:
                return hit
        return self.location


@dataclass(frozen=True)
class RuleMeta:
    """What a rule is; the rule table and `costlint explain` read it."""

    id: str
    name: str
    severity: Severity
    summary: str
    rationale: str
    tags: tuple[str, ...] = ()
    experimental: bool = False


@dataclass(frozen=True)
class Finding:
    """One problem, with where it is, why it costs money and the fix.

    `via` names the root module through which a module's resource was
    evaluated when the resource is written outside that root: the same
    module line may be right for one caller and wrong for another.
    """

    rule: str
    severity: Severity
    message: str
    fix: str
    location: Location
    address: str
    why: str
    via: str = ""


@dataclass(frozen=True)
class Unresolved:
    """A resource a rule could not judge because a value is unknown."""

    rule: str
    address: str
    location: Location
    reason: str


@dataclass(frozen=True)
class ParseProblem:
    """An input that could not be read or understood."""

    location: Location
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: parse-error: {self.reason}"


Outcome = Finding | Unresolved


def iter_blocks(value: Any) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """Yield (index, block) for a nested-block attribute value."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, Mapping):
                yield index, item


@dataclass
class Loaded:
    """What loaders hand to the engine: records, problems, unknowns."""

    resources: list[Resource] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)

    def extend(self, other: Loaded) -> None:
        """Add another loader's output to this one."""
        self.resources.extend(other.resources)
        self.problems.extend(other.problems)
        self.unresolved.extend(other.unresolved)
