"""Fingerprints that survive edits, and the baseline file built on them.

A baseline lets a team adopt costlint on an existing tree: `costlint
baseline create` records today's findings, and `scan --baseline FILE`
reports only the ones that are not in it. For that to work a finding
must keep its identity when lines move above it, so its fingerprint is
made of the rule, the file, the resource address and the message with
whitespace and line references normalised, never of the line number.

Two findings that share all four parts share a fingerprint; the
baseline keeps one entry per finding, so it knows how many of them were
accepted, and a scan suppresses at most that many.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from costlint.model import Finding

log = logging.getLogger(__name__)

BASELINE_VERSION = 1
DEFAULT_BASELINE = Path(".costlint-baseline.json")
FINGERPRINT_KEY = "costlint/v1"
"""The name of the fingerprint in SARIF `partialFingerprints`."""

_LINE_WORD = re.compile(r"\b(lines?)\s+\d+(?:\s*-\s*\d+)?")
_FILE_LINE = re.compile(r"(\.(?:tf|json|ya?ml)):\d+(?::\d+)?")
_SPACES = re.compile(r"\s+")


class BaselineError(Exception):
    """A baseline file that cannot be read or written; one sentence."""


def normalise_path(file: str) -> str:
    """A report path in the one spelling fingerprints use."""
    text = file.replace("\\", "/")
    while text.startswith("./"):
        text = text[2:]
    return text


def normalise_message(message: str) -> str:
    """The message without what changes when nothing really changed.

    Whitespace is collapsed and case folded; references to lines
    ("line 12", "main.tf:12") are masked, since they move with edits.
    """
    text = _LINE_WORD.sub(r"\1 #", message)
    text = _FILE_LINE.sub(r"\1:#", text)
    return _SPACES.sub(" ", text).strip().lower()


def fingerprint(finding: Finding) -> str:
    """A stable identity of a finding, independent of its line."""
    parts = [
        finding.rule,
        normalise_path(finding.location.file),
        finding.address,
        normalise_message(finding.message),
    ]
    if finding.via:
        parts.append(normalise_path(finding.via))
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8"))
    return digest.hexdigest()[:32]


def unique_fingerprints(findings: Sequence[Finding]) -> list[str]:
    """One fingerprint per finding, made distinct where they repeat.

    Formats that merge entries with equal fingerprints (GitLab Code
    Quality does) need one per occurrence: the second finding with a
    given fingerprint gets `-2` appended, the third `-3`, in order.
    """
    seen: Counter[str] = Counter()
    out = []
    for finding in findings:
        base = fingerprint(finding)
        seen[base] += 1
        out.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return out


@dataclass
class Baseline:
    """Accepted findings by fingerprint, with how many of each."""

    path: Path
    counts: Counter[str] = field(default_factory=Counter)

    def take(self, finding: Finding) -> bool:
        """Whether `finding` is accepted; uses up one accepted entry."""
        key = fingerprint(finding)
        if self.counts[key] <= 0:
            return False
        self.counts[key] -= 1
        return True


def baseline_document(findings: Iterable[Finding]) -> dict[str, Any]:
    """The baseline file's content for `findings`, in a stable order."""
    entries = [
        {
            "fingerprint": fingerprint(f),
            "rule": f.rule,
            "file": normalise_path(f.location.file),
            "address": f.address,
            "message": f.message,
        }
        for f in findings
    ]
    entries.sort(
        key=lambda e: (e["file"], e["rule"], e["address"], e["fingerprint"]),
    )
    return {
        "version": BASELINE_VERSION,
        "tool": "costlint",
        "findings": entries,
    }


def write_baseline(path: Path, findings: Iterable[Finding]) -> int:
    """Write a baseline of `findings` to `path`; how many it holds."""
    document = baseline_document(findings)
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BaselineError(
            f"{path}: cannot write baseline ({exc.strerror})",
        ) from exc
    return len(document["findings"])


def read_baseline(path: Path) -> Baseline:
    """Read a baseline written by `write_baseline`."""
    if not path.is_file():
        raise BaselineError(f"{path}: cannot read baseline (not a file)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(
            f"{path}: cannot read baseline ({exc.strerror})",
        ) from exc
    except ValueError as exc:
        raise BaselineError(f"{path}: invalid baseline: {exc}") from exc

    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION:
        raise BaselineError(
            f"{path}: invalid baseline: expected a costlint baseline of "
            f"version {BASELINE_VERSION} (write one with "
            "`costlint baseline create`)",
        )
    entries = data.get("findings")
    if not isinstance(entries, list):
        raise BaselineError(f"{path}: invalid baseline: no findings list")

    counts: Counter[str] = Counter()
    for index, entry in enumerate(entries):
        key = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not isinstance(key, str) or not key:
            raise BaselineError(
                f"{path}: invalid baseline at findings[{index}]: "
                "no fingerprint",
            )
        counts[key] += 1
    log.info("read %d accepted findings from %s", sum(counts.values()), path)
    return Baseline(path, counts)
