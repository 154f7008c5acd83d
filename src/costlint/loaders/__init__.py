"""Loaders turn input files into `Resource` records; they never judge.

Every loader has the signature of `Loader`: the files of its kind and
a `LoadContext`, returning a `Loaded` (resources, parse problems and
values that could not be resolved).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from costlint.model import Loaded


@dataclass(frozen=True)
class LoadContext:
    """What loaders may know about the scan besides their files.

    `explicit` holds the files named on the command line: a file the
    user named must be understood, while one met while walking a
    directory may be skipped when it is plainly not for costlint (a
    `package.json`, a GitHub workflow).
    """

    base: Path
    explicit: frozenset[Path] = frozenset()
    source_dir: Path | None = None
    stdin_text: str | None = None
    options: dict[str, object] = field(default_factory=dict)


Loader = Callable[[list[Path], LoadContext], Loaded]
