"""Suppressions: findings a team has accepted, with the reason why.

The engine applies them after the rules and before the reporters, in
this order: inline comments and the Kubernetes annotation, then the
config's `ignore` list, then the baseline. A suppressed finding is kept,
with what suppressed it, so reports count it instead of losing it, and
it never makes the run fail.

Inline: `# costlint:ignore RULE[,RULE...] reason` (`//` works in HCL)
on the finding's own line, on the resource's first line, or in the
comment lines just above either; for a Kubernetes object, anywhere in
the document before its `kind:` line. `until=YYYY-MM-DD` anywhere in
the comment makes it lapse after that day. Kubernetes objects may
instead carry the annotation `costlint.io/ignore: "RULE[,RULE]:
reason"`.

A suppression without a reason still applies but is itself reported
(`suppression-without-reason`); a lapsed one no longer applies and is
reported (`suppression-expired`); one that names no rule, an unknown
rule or a bad date suppresses nothing and is reported
(`invalid-suppression`). Rules never see suppressions: this module
reads them from the source text, each file once.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from costlint.baseline import Baseline
from costlint.discover import compile_globs
from costlint.model import Finding, Location, Resource, RuleMeta, Severity

log = logging.getLogger(__name__)

ANNOTATION = "costlint.io/ignore"
MARKER = "costlint:ignore"

WITHOUT_REASON = RuleMeta(
    id="suppression-without-reason",
    name="suppression without a reason",
    severity=Severity.WARNING,
    summary="a costlint suppression does not say why the finding is accepted",
    rationale=(
        "an unexplained suppression hides spend nobody can later judge; "
        "the reason is what a reviewer approves"
    ),
    tags=("suppression",),
)
EXPIRED = RuleMeta(
    id="suppression-expired",
    name="expired suppression",
    severity=Severity.WARNING,
    summary="a costlint suppression is past its until= date",
    rationale=(
        "a suppression with a date was accepted only until then; past it "
        "the finding counts again"
    ),
    tags=("suppression",),
)
INVALID = RuleMeta(
    id="invalid-suppression",
    name="invalid suppression",
    severity=Severity.WARNING,
    summary="a costlint suppression names no rule, an unknown rule or a "
    "bad date",
    rationale=(
        "a suppression that cannot be read suppresses nothing, so the "
        "finding it meant to accept still counts"
    ),
    tags=("suppression",),
)
META_RULES: tuple[RuleMeta, ...] = (WITHOUT_REASON, EXPIRED, INVALID)
"""Rules the suppression stage itself reports under."""


def explain_suppression_rule(rule_id: str) -> str | None:
    """The `costlint explain` page of a suppression rule, else None."""
    for meta in META_RULES:
        if meta.id == rule_id:
            syntax = (__doc__ or "").split("\n\n", 2)[2].strip()
            return (
                f"{meta.id}: {meta.name}\n"
                f"severity: {meta.severity.label}\n"
                f"tags: {', '.join(meta.tags)}\n\n"
                f"{meta.summary}.\n\nWhy: {meta.rationale}.\n\n{syntax}\n"
            )
    return None


_COMMENT = re.compile(r"(?:#|//)\s*costlint:ignore\b(?P<rest>.*)$")
_UNTIL = re.compile(r"\buntil=(?P<date>\S*)")
_IDS = re.compile(
    r"\s*(?P<ids>[A-Za-z0-9][\w-]*(?:\s*,\s*[A-Za-z0-9][\w-]*)*)",
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YAML_SUFFIXES = (".yaml", ".yml")


class IgnoreError(ValueError):
    """A config `ignore` entry that cannot be used; `where` is its key."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(message)
        self.where = where


@dataclass(frozen=True)
class Suppression:
    """One decision to accept findings of some rules, and why.

    `source` is where it was written: `inline`, `annotation`, `config`
    or `baseline`; `location` is that place (the baseline file for a
    baseline entry).
    """

    source: str
    rules: frozenset[str]
    reason: str
    location: Location
    until: dt.date | None = None

    def expired(self, today: dt.date) -> bool:
        """Whether the suppression lapsed before `today`."""
        return self.until is not None and self.until < today

    def covers(self, rule: str) -> bool:
        """Whether the suppression names `rule`."""
        return rule in self.rules


@dataclass(frozen=True)
class Suppressed:
    """A finding that was accepted, with what accepted it."""

    finding: Finding
    suppression: Suppression


@dataclass(frozen=True)
class ConfigIgnore:
    """One entry of the config's `ignore` list.

    It applies to findings of `rules` whose file matches one of `paths`
    (globs relative to the config file's folder) and whose resource
    address matches one of `resources` (`*` and `?` wildcards); an empty
    list matches everything.
    """

    index: int
    rules: frozenset[str]
    reason: str
    paths: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    until: dt.date | None = None


@dataclass
class SuppressionOutcome:
    """What the suppression stage hands back to the engine."""

    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Suppressed] = field(default_factory=list)


@dataclass(frozen=True)
class SuppressionInput:
    """Everything the stage reads besides findings and resources."""

    today: dt.date
    known_rules: frozenset[str]
    ignores: tuple[ConfigIgnore, ...] = ()
    config_base: Path | None = None
    config_file: str | None = None
    baseline: Baseline | None = None
    texts: Mapping[str, str] = field(default_factory=dict)


def read_ignores(
    raw: Any,
    known_rules: Collection[str],
) -> tuple[ConfigIgnore, ...]:
    """The config's `ignore` list (already schema-checked) as records."""
    out = []
    for index, item in enumerate(raw or ()):
        where = f"ignore.{index}"
        rules = [str(rule) for rule in item.get("rules", ())]
        for position, rule in enumerate(rules):
            if rule not in known_rules:
                raise IgnoreError(
                    f"{where}.rules.{position}",
                    f"unknown rule {rule!r} (see `costlint rules`)",
                )
        until = _config_date(item.get("until"), f"{where}.until")
        out.append(
            ConfigIgnore(
                index=index,
                rules=frozenset(rules),
                reason=str(item.get("reason", "")).strip(),
                paths=tuple(item.get("paths", ())),
                resources=tuple(item.get("resources", ())),
                until=until,
            ),
        )
    return tuple(out)


def _config_date(value: Any, where: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    parsed = _parse_date(str(value))
    if parsed is None:
        raise IgnoreError(where, f"{value!r} is not a date (use YYYY-MM-DD)")
    return parsed


def _parse_date(text: str) -> dt.date | None:
    if not _DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def apply_suppressions(
    findings: Sequence[Finding],
    resources: Sequence[Resource],
    given: SuppressionInput,
) -> SuppressionOutcome:
    """Split findings into reported and suppressed; add the stage's own.

    The stage's own findings (a suppression without a reason, lapsed or
    unreadable) are reported like any other and may be baselined, but
    inline comments and config ignores never hide them.
    """
    sources = _Sources(given.texts)
    by_place = {(r.location.file, r.address): r for r in resources}
    inline = _InlineIndex(sources, given)
    notes = _Notes()
    ignores = [_IgnoreMatcher(ig, given) for ig in given.ignores]

    outcome = SuppressionOutcome()
    for finding in findings:
        res = by_place.get((finding.location.file, finding.address))
        chosen = _first_valid(
            (
                *inline.for_finding(finding, res),
                *_annotation(res, given, notes),
                *(m.suppression for m in ignores if m.matches(finding)),
            ),
            finding.rule,
            given.today,
        )
        if chosen is None:
            outcome.findings.append(finding)
        else:
            outcome.suppressed.append(Suppressed(finding, chosen))

    files = {f.location.file for f in findings}
    files.update(file for file, _address in by_place)
    inline.report(notes, files)
    for res in resources:
        list(_annotation(res, given, notes))
    for matcher in ignores:
        matcher.report(notes)
    outcome.findings.extend(notes.findings())

    if given.baseline is not None:
        _apply_baseline(outcome, given.baseline)
    log.info(
        "%d findings suppressed, %d reported",
        len(outcome.suppressed),
        len(outcome.findings),
    )
    return outcome


def _first_valid(
    candidates: Iterable[Suppression],
    rule: str,
    today: dt.date,
) -> Suppression | None:
    for suppression in candidates:
        if suppression.covers(rule) and not suppression.expired(today):
            return suppression
    return None


def _apply_baseline(outcome: SuppressionOutcome, baseline: Baseline) -> None:
    accepted = Suppression(
        source="baseline",
        rules=frozenset(),
        reason=f"accepted in baseline {baseline.path.as_posix()}",
        location=Location(baseline.path.as_posix(), 1, 1),
    )
    kept = []
    for finding in outcome.findings:
        if baseline.take(finding):
            outcome.suppressed.append(Suppressed(finding, accepted))
        else:
            kept.append(finding)
    outcome.findings = kept


class _Sources:
    """Each source file's lines, read once; None when unreadable."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self._lines: dict[str, list[str] | None] = {
            name: text.splitlines() for name, text in texts.items()
        }

    def lines(self, file: str) -> list[str] | None:
        if file not in self._lines:
            try:
                text = Path(file).read_text(encoding="utf-8", errors="replace")
            except OSError:
                log.debug("cannot read %s for suppressions", file)
                self._lines[file] = None
            else:
                self._lines[file] = text.splitlines()
        return self._lines[file]


@dataclass(frozen=True)
class _Comment:
    """A `costlint:ignore` comment as written, before it is judged."""

    location: Location
    rules: tuple[str, ...]
    reason: str
    until: dt.date | None
    bad_until: str | None


@dataclass
class _FileComments:
    """The suppression comments of one file and its comment-only lines."""

    lines: list[str]
    comments: dict[int, _Comment]
    comment_only: set[int]


class _InlineIndex:
    """Finds the inline comments that may apply to a finding."""

    def __init__(
        self,
        sources: _Sources,
        given: SuppressionInput,
    ) -> None:
        self.sources = sources
        self.given = given
        self.files: dict[str, _FileComments | None] = {}

    def _file(self, file: str) -> _FileComments | None:
        if file not in self.files:
            lines = self.sources.lines(file)
            self.files[file] = None if lines is None else _scan(file, lines)
        return self.files[file]

    def for_finding(
        self,
        finding: Finding,
        res: Resource | None,
    ) -> Iterator[Suppression]:
        places = [(finding.location.file, finding.location.line, False)]
        if res is not None:
            yaml = res.kind == "kubernetes" or res.location.file.endswith(
                _YAML_SUFFIXES,
            )
            places.append((res.location.file, res.location.line, yaml))
        for file, line, yaml in places:
            found = self._file(file)
            if found is None or not found.comments:
                continue
            for number in _lines_for(found, line, yaml):
                comment = found.comments.get(number)
                if comment is not None:
                    yield _inline_suppression(comment, self.given)

    def report(self, notes: _Notes, files: Iterable[str]) -> None:
        """Note every unusable comment in `files`."""
        for name in sorted(files):
            found = self._file(name)
            if found is None:
                continue
            for comment in found.comments.values():
                _note_comment(notes, comment, MARKER, self.given)


def _scan(file: str, lines: list[str]) -> _FileComments:
    comments: dict[int, _Comment] = {}
    comment_only: set[int] = set()
    for number, text in enumerate(lines, start=1):
        stripped = text.lstrip()
        if stripped.startswith(("#", "//")):
            comment_only.add(number)
        if MARKER not in text:
            continue
        match = _COMMENT.search(text)
        if match is None:
            continue
        column = match.start() + 1
        comments[number] = _parse_comment(
            match["rest"],
            Location(file, number, column),
        )
    return _FileComments(lines, comments, comment_only)


def _parse_comment(rest: str, location: Location) -> _Comment:
    """Rule ids, reason and date of a comment or annotation text."""
    until: dt.date | None = None
    bad_until: str | None = None
    date_match = _UNTIL.search(rest)
    if date_match is not None:
        until = _parse_date(date_match["date"])
        if until is None:
            bad_until = date_match["date"]
        rest = rest[: date_match.start()] + rest[date_match.end() :]

    ids_match = _IDS.match(rest)
    rules: tuple[str, ...] = ()
    if ids_match is not None:
        rules = tuple(
            part.strip() for part in ids_match["ids"].split(",") if part
        )
        rest = rest[ids_match.end() :]
    reason = " ".join(rest.split()).lstrip(":- ").strip()
    return _Comment(location, rules, reason, until, bad_until)


def _lines_for(found: _FileComments, line: int, yaml: bool) -> Iterator[int]:
    """The line itself, then the comment lines that lead up to it."""
    yield line
    number = line - 1
    if yaml:
        while number >= 1 and not found.lines[number - 1].startswith("---"):
            yield number
            number -= 1
        return
    while number >= 1 and number in found.comment_only:
        yield number
        number -= 1


def _inline_suppression(
    comment: _Comment, given: SuppressionInput
) -> Suppression:
    return Suppression(
        source="inline",
        rules=_usable_rules(comment, given),
        reason=comment.reason,
        location=comment.location,
        until=comment.until,
    )


def _usable_rules(
    comment: _Comment, given: SuppressionInput
) -> frozenset[str]:
    """The known rules a comment names; none if its date is unreadable."""
    if comment.bad_until is not None:
        return frozenset()
    return frozenset(r for r in comment.rules if r in given.known_rules)


def _annotation(
    res: Resource | None,
    given: SuppressionInput,
    notes: _Notes,
) -> Iterator[Suppression]:
    if res is None or res.kind != "kubernetes":
        return
    metadata = res.attrs.get("metadata")
    annotations = (
        metadata.get("annotations") if isinstance(metadata, Mapping) else None
    )
    value = (
        annotations.get(ANNOTATION)
        if isinstance(annotations, Mapping)
        else None
    )
    if not isinstance(value, str):
        return
    where = res.locate(("metadata", "annotations", ANNOTATION))
    comment = _parse_comment(value, where)
    _note_comment(notes, comment, res.address, given)
    yield Suppression(
        source="annotation",
        rules=_usable_rules(comment, given),
        reason=comment.reason,
        location=where,
        until=comment.until,
    )


def _note_comment(
    notes: _Notes,
    comment: _Comment,
    address: str,
    given: SuppressionInput,
) -> None:
    at = comment.location
    if not comment.rules:
        notes.add(
            INVALID,
            at,
            address,
            "suppression names no rule (write the rule ids, then the reason)",
            f"write `{MARKER} RULE reason`",
        )
    for rule in comment.rules:
        if rule not in given.known_rules:
            notes.add(
                INVALID,
                at,
                address,
                f"suppression names unknown rule {rule} (see `costlint "
                "rules`)",
                "name a rule that `costlint rules` lists",
            )
    if comment.bad_until is not None:
        notes.add(
            INVALID,
            at,
            address,
            f"suppression date until={comment.bad_until} is not a date "
            "(use until=YYYY-MM-DD)",
            "write the date as until=YYYY-MM-DD",
        )
    named = ", ".join(comment.rules) or "all rules"
    if comment.rules and not comment.reason:
        notes.add(
            WITHOUT_REASON,
            at,
            address,
            f"suppression of {named} gives no reason (say why the finding "
            "is accepted)",
            "add the reason after the rule ids",
        )
    if comment.until is not None and comment.until < given.today:
        notes.add(
            EXPIRED,
            at,
            address,
            f"suppression of {named} expired on {comment.until.isoformat()} "
            "(fix the finding or set a later until= date)",
            "fix the finding, or renew the suppression with a later date",
        )


class _IgnoreMatcher:
    """One config ignore, compiled for matching findings."""

    def __init__(self, ignore: ConfigIgnore, given: SuppressionInput) -> None:
        self.ignore = ignore
        self.given = given
        self.paths = compile_globs(ignore.paths)
        self.resources = [_address_pattern(p) for p in ignore.resources]
        file = given.config_file or ".costlint.yaml"
        self.suppression = Suppression(
            source="config",
            rules=ignore.rules,
            reason=ignore.reason,
            location=Location(file, _line_of(given, ignore), 1),
            until=ignore.until,
        )

    def matches(self, finding: Finding) -> bool:
        if finding.rule not in self.ignore.rules:
            return False
        if self.resources and not any(
            p.fullmatch(finding.address) for p in self.resources
        ):
            return False
        if not self.paths:
            return True
        rel = _relative(finding.location.file, self.given.config_base)
        return rel is not None and any(g.match(rel) for g in self.paths)

    def report(self, notes: _Notes) -> None:
        until = self.ignore.until
        if until is not None and until < self.given.today:
            rules = ", ".join(sorted(self.ignore.rules))
            notes.add(
                EXPIRED,
                self.suppression.location,
                f"ignore[{self.ignore.index}]",
                f"config ignore of {rules} expired on {until.isoformat()} "
                "(fix the findings or set a later until date)",
                "fix the findings, or renew the ignore with a later date",
            )


def _address_pattern(pattern: str) -> re.Pattern[str]:
    """`*` and `?` wildcards; everything else, `[` included, is literal."""
    body = "".join(
        ".*" if ch == "*" else "." if ch == "?" else re.escape(ch)
        for ch in pattern
    )
    return re.compile(body)


def _relative(file: str, base: Path | None) -> str | None:
    path = Path(file)
    if base is None:
        return path.as_posix()
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except (ValueError, OSError):
        return None


def _line_of(given: SuppressionInput, ignore: ConfigIgnore) -> int:
    """The config line of an ignore's reason, else 1 (a best guess)."""
    if given.config_file is None or not ignore.reason:
        return 1
    lines = _Sources(given.texts).lines(given.config_file) or []
    for number, text in enumerate(lines, start=1):
        if ignore.reason[:40] in text:
            return number
    return 1


class _Notes:
    """The stage's own findings, each place and message once."""

    def __init__(self) -> None:
        self._found: dict[tuple[str, str, int, str], Finding] = {}

    def add(
        self,
        meta: RuleMeta,
        at: Location,
        address: str,
        message: str,
        fix: str,
    ) -> None:
        key = (meta.id, at.file, at.line, message)
        self._found.setdefault(
            key,
            Finding(
                rule=meta.id,
                severity=meta.severity,
                message=message,
                fix=fix,
                location=at,
                address=address,
                why=meta.rationale,
            ),
        )

    def findings(self) -> list[Finding]:
        return list(self._found.values())
