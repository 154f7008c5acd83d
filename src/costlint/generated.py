"""Write generated directories and tell when they are out of date.

`costlint generate scp` and `generate kyverno` each produce a set of
files for a directory they own a part of. Writing removes the files a
previous run generated that are no longer wanted; `--check` lists what
differs without writing, so CI can fail on drift.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

# Lists the generated files already in a directory, as relative names.
Owned = Callable[[Path], Sequence[str]]


@dataclass(frozen=True)
class GeneratedFile:
    """One file of a generated directory, by its relative name."""

    name: str
    text: str


def write_generated(
    files: Sequence[GeneratedFile],
    out: Path,
    owned: Owned,
) -> list[Path]:
    """Write the files into `out`, removing stale generated ones."""
    out.mkdir(parents=True, exist_ok=True)
    names = {item.name for item in files}
    for old in owned(out):
        if old not in names:
            (out / old).unlink()

    written = []
    for item in files:
        path = out / item.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(item.text, encoding="utf-8")
        written.append(path)
    log.info("wrote %d files to %s", len(written), out)
    return written


def stale_files(
    files: Sequence[GeneratedFile],
    out: Path,
    owned: Owned,
) -> list[str]:
    """Names in `out` that differ from what would be generated."""
    names = {item.name for item in files}
    stale = [
        item.name
        for item in files
        if not (out / item.name).is_file()
        or (out / item.name).read_text(encoding="utf-8") != item.text
    ]
    if out.is_dir():
        stale.extend(old for old in owned(out) if old not in names)
    return stale
