"""Find the files a scan reads, by kind, without leaving the tree.

Directories are walked without following symbolic links, so a link
can neither lead out of the scanned tree nor into a loop; a file that a
link inside the tree points to is read under its own name when the walk
reaches it. `.git/`, `.terraform/` and paths matched by the config's
`exclude` globs are skipped.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from costlint.model import Location, ParseProblem

log = logging.getLogger(__name__)

SKIPPED_DIRS = {".git", ".terraform", ".terragrunt-cache"}
STDIN = Path("-")
# Bounds on what one file may cost; a plan of 10,000 resources is about
# 20 MB, hand-written Terraform or YAML rarely passes 1 MB.
MAX_BYTES = {"json": 256 * 1024**2, "terraform": 16 * 1024**2}
DEFAULT_MAX_BYTES = 16 * 1024**2
_KINDS = (
    (".tf.json", "terraform"),
    (".tf", "terraform"),
    (".json", "json"),
    (".yaml", "yaml"),
    (".yml", "yaml"),
)


class DiscoveryError(Exception):
    """A path named on the command line cannot be scanned."""


@dataclass
class Discovered:
    """Files to load, grouped by the loader that reads them."""

    files: dict[str, list[Path]] = field(default_factory=dict)
    explicit: set[Path] = field(default_factory=set)
    problems: list[ParseProblem] = field(default_factory=list)
    _seen: set[Path] = field(default_factory=set)

    def add(self, kind: str, path: Path) -> None:
        """Record one file of a kind, once, however it was named."""
        real = path.resolve() if path != STDIN else path
        if real in self._seen:
            return
        self._seen.add(real)
        limit = MAX_BYTES.get(kind, DEFAULT_MAX_BYTES)
        if path != STDIN and path.stat().st_size > limit:
            self.refuse(path, f"file is larger than {limit >> 20} MB")
            return
        self.files.setdefault(kind, []).append(path)

    def refuse(self, path: Path, reason: str) -> None:
        """Record a path that cannot be read, as a problem to report."""
        self.problems.append(ParseProblem(Location(str(path), 1, 1), reason))

    @property
    def count(self) -> int:
        """How many files were found, of every kind."""
        return sum(len(paths) for paths in self.files.values())


def kind_of(path: Path) -> str | None:
    """The loader kind of a file name, or None if costlint skips it."""
    name = path.name
    for suffix, kind in _KINDS:
        if name.endswith(suffix):
            return kind
    return None


def compile_globs(patterns: Iterable[str]) -> list[re.Pattern[str]]:
    """Regexes for gitignore-like globs (`*`, `?`, `**`)."""
    compiled = []
    for pattern in patterns:
        text = pattern.strip().rstrip("/")
        anchored = text.startswith("/")
        text = text.lstrip("/")
        body = ""
        i = 0
        while i < len(text):
            if text.startswith("**/", i):
                body += "(?:.*/)?"
                i += 3
            elif text.startswith("**", i):
                body += ".*"
                i += 2
            elif text[i] == "*":
                body += "[^/]*"
                i += 1
            elif text[i] == "?":
                body += "[^/]"
                i += 1
            else:
                body += re.escape(text[i])
                i += 1
        prefix = "" if anchored or "/" in text else "(?:.*/)?"
        compiled.append(re.compile(f"^{prefix}{body}(?:/.*)?$"))
    return compiled


def path_excluded(
    path: Path,
    exclude: Sequence[str],
    bases: Sequence[Path],
) -> bool:
    """Whether a file matches the config's exclude globs."""
    resolved = [base.resolve() for base in bases]
    return _excluded(path.resolve(), resolved, compile_globs(exclude))


def _excluded(
    path: Path,
    bases: Sequence[Path],
    globs: Sequence[re.Pattern[str]],
) -> bool:
    for base in bases:
        try:
            rel = path.relative_to(base).as_posix()
        except ValueError:
            continue
        if rel != "." and any(glob.match(rel) for glob in globs):
            return True
    return False


def discover(
    paths: Sequence[Path],
    exclude: Sequence[str],
    base: Path,
) -> Discovered:
    """Files under `paths` that costlint reads, minus the excluded."""
    globs = compile_globs(exclude)
    found = Discovered()
    for given in paths:
        if given == STDIN:
            found.add("stdin", STDIN)
            continue
        if not given.exists():
            raise DiscoveryError(f"{given}: no such file or directory")
        root = given.resolve()
        bases = [base.resolve(), root]
        if given.is_file():
            _add_named_file(found, given)
        elif given.is_dir():
            _walk(given, root, bases, globs, found)
        else:
            found.refuse(given, "not a regular file or directory")
    log.info("found %d files to scan", found.count)
    return found


def _add_named_file(found: Discovered, path: Path) -> None:
    kind = kind_of(path)
    if kind is None:
        raise DiscoveryError(
            f"{path}: not a file costlint reads (expected .tf, .tf.json, "
            ".json, .yaml or .yml)",
        )
    found.add(kind, path)
    found.explicit.add(path)


def _walk(
    given: Path,
    root: Path,
    bases: Sequence[Path],
    globs: Sequence[re.Pattern[str]],
    found: Discovered,
) -> None:
    def unreadable(error: OSError) -> None:
        found.refuse(
            Path(error.filename or given),
            f"cannot read directory ({error.strerror})",
        )

    walk = os.walk(given, followlinks=False, onerror=unreadable)
    for folder, dirs, files in walk:
        here = Path(folder)
        dirs[:] = sorted(
            name for name in dirs if _keep_dir(here / name, bases, globs)
        )
        for name in sorted(files):
            path = here / name
            kind = kind_of(path)
            if kind is None or _excluded(path.resolve(), bases, globs):
                continue
            if path.is_symlink():
                where = "in" if _inside(path, root) else "out of"
                log.debug("skipping %s: link leads %s the tree", path, where)
                continue
            if not path.is_file():
                found.refuse(path, "not a regular file")
                continue
            found.add(kind, path)


def _keep_dir(
    path: Path,
    bases: Sequence[Path],
    globs: Sequence[re.Pattern[str]],
) -> bool:
    if path.name in SKIPPED_DIRS:
        return False
    if path.is_symlink():
        log.debug("skipping %s: links to directories are not followed", path)
        return False
    return not _excluded(path.resolve(), bases, globs)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return path.exists()
