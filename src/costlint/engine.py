"""Run a scan: discover, load, judge, suppress; time each stage.

Data flows one way. Discovery names files, loaders turn them into
`Resource` records (and parse problems), rules judge the records,
suppressions (inline, config, baseline; see `costlint.suppress`) set
accepted findings aside, and the result is handed to a reporter by the
CLI. Nothing here prints.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from costlint.baseline import Baseline
from costlint.changed import ChangedSelection
from costlint.config import Settings
from costlint.discover import discover, path_excluded
from costlint.index import ResourceIndex
from costlint.loaders import LoadContext, Loader
from costlint.loaders.json_docs import load_json_files
from costlint.loaders.stdin import load_stdin
from costlint.loaders.terraform.loader import load_terraform
from costlint.loaders.yaml_docs import load_yaml_files
from costlint.model import (
    Finding,
    Loaded,
    Outcome,
    ParseProblem,
    Resource,
    Severity,
    Unresolved,
)
from costlint.rules import RULES
from costlint.rules.base import RuleContext
from costlint.suppress import (
    META_RULES,
    Suppressed,
    SuppressionInput,
    apply_suppressions,
)

log = logging.getLogger(__name__)

LOADERS: dict[str, Loader] = {
    "terraform": load_terraform,
    "json": load_json_files,
    "yaml": load_yaml_files,
    "stdin": load_stdin,
}


@dataclass
class ScanResult:
    """Everything a reporter needs about one scan."""

    findings: list[Finding] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    files: int = 0
    resources: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    suppressed: list[Suppressed] = field(default_factory=list)

    def worst(self) -> Severity | None:
        """The highest severity among the findings."""
        return max((f.severity for f in self.findings), default=None)


class _Clock:
    """Accumulates wall time per stage."""

    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings

    def measure(self, stage: str, start: float) -> None:
        elapsed = time.perf_counter() - start
        self.timings[stage] = self.timings.get(stage, 0.0) + elapsed


def scan(
    paths: Sequence[Path],
    settings: Settings,
    stdin_text: str | None = None,
    source_dir: Path | None = None,
    *,
    baseline: Baseline | None = None,
    changed: ChangedSelection | None = None,
    today: dt.date | None = None,
) -> ScanResult:
    """Scan files and directories (`-` is `stdin_text`).

    `changed` replaces discovery with the files of a change and keeps
    only the findings in it; `baseline` suppresses accepted findings;
    `today` decides which `until=` dates have passed.
    """
    result = ScanResult()
    clock = _Clock(result.timings)

    start = time.perf_counter()
    if changed is not None:
        found = changed.discovered()
    else:
        found = discover(paths, settings.exclude, settings.base)
    result.files = found.count
    clock.measure("discover", start)

    start = time.perf_counter()
    ctx = LoadContext(
        base=Path.cwd(),
        explicit=frozenset(found.explicit),
        source_dir=source_dir,
        stdin_text=stdin_text,
    )
    loaded = Loaded(problems=list(found.problems))
    for kind, files in found.files.items():
        loaded.extend(LOADERS[kind](files, ctx))
    _drop_excluded(loaded, settings, paths, found.explicit)
    clock.measure("evaluate", start)

    start = time.perf_counter()
    judge(loaded, settings, result)
    if changed is not None:
        _keep_changed(result, changed)
    clock.measure("rules", start)

    start = time.perf_counter()
    texts = {} if stdin_text is None else {"<stdin>": stdin_text}
    given = SuppressionInput(
        today=today or dt.date.today(),
        known_rules=frozenset(
            [*settings.rules, *(meta.id for meta in META_RULES)],
        ),
        ignores=settings.ignores,
        config_base=settings.base if settings.config_path else None,
        config_file=_shown(settings.config_path),
        baseline=baseline,
        texts=texts,
    )
    suppress(loaded.resources, given, result)
    clock.measure("suppress", start)
    return result


def suppress(
    resources: Sequence[Resource],
    given: SuppressionInput,
    result: ScanResult,
) -> None:
    """Set accepted findings aside; add the suppressions' own findings."""
    outcome = apply_suppressions(result.findings, resources, given)
    result.findings = sorted(outcome.findings, key=_finding_order)
    result.suppressed = sorted(
        outcome.suppressed,
        key=lambda s: _finding_order(s.finding),
    )


def _drop_excluded(
    loaded: Loaded,
    settings: Settings,
    paths: Sequence[Path],
    named: set[Path],
) -> None:
    """Leave out what loaders read beyond discovery in excluded files.

    Terraform evaluation follows module calls into directories that
    discovery never walked; the config's excludes apply there too. A
    file named on the command line is always reported.
    """
    if not settings.exclude:
        return
    bases = [settings.base, *(p for p in paths if p.is_dir())]

    named_files = {path.resolve() for path in named}

    def kept(file: str) -> bool:
        return (
            file == "<stdin>"
            or Path(file).resolve() in named_files
            or not path_excluded(Path(file), settings.exclude, bases)
        )

    loaded.resources = [r for r in loaded.resources if kept(r.location.file)]
    loaded.unresolved = [n for n in loaded.unresolved if kept(n.location.file)]
    loaded.problems = [p for p in loaded.problems if kept(p.location.file)]


def _keep_changed(result: ScanResult, changed: ChangedSelection) -> None:
    """Findings in the change, and in modules that a changed root calls."""
    result.findings = [
        f
        for f in result.findings
        if changed.keeps(f.location.file)
        or (f.via and changed.keeps(str(Path(f.via) / "main.tf")))
    ]
    result.unresolved = [
        n for n in result.unresolved if changed.keeps(n.location.file)
    ]


def _shown(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def judge(loaded: Loaded, settings: Settings, result: ScanResult) -> None:
    """Apply every enabled rule to the loaded resources."""
    result.problems = sorted(
        loaded.problems,
        key=lambda p: (p.location.file, p.location.line),
    )
    result.resources = len(loaded.resources)
    result.unresolved = list(loaded.unresolved)

    seen: set[tuple[Any, ...]] = set()
    for outcome in _outcomes(loaded.resources, settings):
        if isinstance(outcome, Unresolved):
            result.unresolved.append(outcome)
            continue
        key = (
            outcome.rule,
            outcome.address,
            outcome.via,
            outcome.location,
            outcome.message,
        )
        if key not in seen:
            seen.add(key)
            result.findings.append(outcome)

    result.findings.sort(key=_finding_order)
    log.info(
        "%d findings, %d unresolved, %d problems",
        len(result.findings),
        len(result.unresolved),
        len(result.problems),
    )


def _outcomes(
    resources: Sequence[Resource],
    settings: Settings,
) -> Iterator[Outcome]:
    groups: dict[str, list[Resource]] = {}
    for res in resources:
        groups.setdefault(group_of(res), []).append(res)
    indexes = {
        group: ResourceIndex(members) for group, members in groups.items()
    }

    for rule in RULES:
        rule_settings = settings.rules[rule.META.id]
        if not rule_settings.enabled:
            continue
        contexts = {
            group: RuleContext(rule_settings.options, settings.bundle, index)
            for group, index in indexes.items()
        }
        started = time.perf_counter()
        for res in resources:
            for outcome in rule.check(res, contexts[group_of(res)]):
                if isinstance(outcome, Finding):
                    outcome = replace(outcome, severity=rule_settings.severity)
                yield outcome
        log.debug(
            "rule %s took %.3f s",
            rule.META.id,
            time.perf_counter() - started,
        )


def group_of(res: Resource) -> str:
    """The set of resources a rule may relate `res` to.

    Cross-resource facts (a lifecycle configuration for a bucket, a
    PodDisruptionBudget for a Deployment, the SCPs of one target) hold
    within one Terraform root module, one folder of manifests or SCPs,
    or one standard-input stream; folders are often environments, and
    facts of one must not decide findings in another.
    """
    group = res.context.get("group")
    return group if isinstance(group, str) else ""


def _finding_order(finding: Finding) -> tuple[Any, ...]:
    loc = finding.location
    return (loc.file, loc.line, loc.column, finding.rule, finding.address)
