"""`--changed-only`: scan what a change touched, in its Terraform context.

Which files changed: a file named on the command line is taken as
changed (that is how pre-commit passes its staged files); a directory
is narrowed with git to the files under it that differ, in the working
tree, from the merge base of `--base REF` and `HEAD` (default `HEAD`,
so uncommitted work), plus untracked files that are not ignored.

What is evaluated: a Terraform file is never judged alone. Its whole
directory is loaded (a change to `variables.tf` or `terraform.tfvars`
changes what `main.tf` creates), and so is every directory that calls
that directory as a local module, up to the root modules, so a module
is evaluated with the inputs its callers give it. Findings are then
reported only for the changed directories and the changed
non-Terraform files; parse errors are reported wherever they occur,
since an input that could not be read may hide what the change did.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from costlint.discover import SKIPPED_DIRS, Discovered, compile_globs, kind_of

log = logging.getLogger(__name__)

TERRAFORM_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".tfvars.json")
"""Files whose change changes what their directory's module creates."""

_SOURCE = re.compile(
    r"""(?:\bsource\s*=\s*|"source"\s*:\s*)"(\.{1,2}/[^"]*)\"""",
)


class ChangedError(Exception):
    """The changed files cannot be worked out; one sentence."""


@dataclass(frozen=True)
class ChangedSelection:
    """The files to load and the places whose findings are reported.

    `changed` holds the changed files, `dirs` the directories of the
    changed Terraform files (both resolved); `files` are the files to
    load, by loader kind, as paths relative to the working directory
    where possible.
    """

    files: dict[str, list[Path]]
    changed: frozenset[Path]
    dirs: frozenset[Path]

    def discovered(self) -> Discovered:
        """The selection in the shape discovery gives the engine."""
        return Discovered(files={k: list(v) for k, v in self.files.items()})

    def keeps(self, file: str) -> bool:
        """Whether a finding in `file` (as reported) is in the change."""
        path = _resolve(Path(file))
        if path in self.changed:
            return True
        return _is_terraform(path) and path.parent in self.dirs


def select_changed(
    paths: Sequence[Path],
    base: str | None,
    exclude: Sequence[str],
    config_base: Path,
) -> ChangedSelection:
    """The changed files under `paths` and what to load to judge them."""
    changed: set[Path] = set()
    roots: list[Path] = []
    for given in paths:
        if given == Path("-"):
            raise ChangedError(
                "--changed-only cannot be used with standard input",
            )
        if not given.exists():
            raise ChangedError(f"{given}: no such file or directory")
        if given.is_file():
            changed.add(_resolve(given))
            continue
        root = _resolve(given)
        roots.append(root)
        changed.update(_git_changed(root, base))

    if not roots:
        roots = [_context_root(Path.cwd())]
    globs = compile_globs(exclude)
    bases = [config_base.resolve(), *roots]
    changed = {path for path in changed if not _skipped(path, bases, globs)}
    log.info("%d changed files", len(changed))

    tf_dirs = {
        path.parent
        for path in changed
        if _is_terraform(path) and path.parent.is_dir()
    }
    evaluate = set(tf_dirs)
    if tf_dirs:
        evaluate |= _callers_of(tf_dirs, roots, bases, globs)

    files: dict[str, list[Path]] = defaultdict(list)
    for folder in sorted(evaluate):
        for path in sorted(folder.iterdir()):
            if (
                kind_of(path) == "terraform"
                and path.is_file()
                and not _skipped(path, bases, globs)
            ):
                files["terraform"].append(_shown(path))
    for path in sorted(changed):
        kind = kind_of(path)
        if kind not in (None, "terraform") and path.is_file():
            files[kind].append(_shown(path))
    log.info(
        "evaluating %d Terraform directories for %d changed ones",
        len(evaluate),
        len(tf_dirs),
    )
    return ChangedSelection(
        dict(files), frozenset(changed), frozenset(tf_dirs)
    )


def _is_terraform(path: Path) -> bool:
    return path.name.endswith(TERRAFORM_SUFFIXES)


def _resolve(path: Path) -> Path:
    return Path(os.path.abspath(path)).resolve()


def _shown(path: Path) -> Path:
    """`path` relative to the working directory when inside it."""
    try:
        return path.relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _skipped(
    path: Path,
    bases: Sequence[Path],
    globs: Sequence[re.Pattern[str]],
) -> bool:
    if any(part in SKIPPED_DIRS for part in path.parts):
        return True
    for base in bases:
        try:
            rel = path.relative_to(base).as_posix()
        except ValueError:
            continue
        if rel != "." and any(glob.match(rel) for glob in globs):
            return True
    return False


def _git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as exc:
        raise ChangedError(
            f"--changed-only needs git, which cannot be run ({exc.strerror})",
        ) from exc
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()
        raise ChangedError(
            f"git {' '.join(args)} failed in {root}: "
            f"{detail[-1] if detail else 'exit ' + str(done.returncode)}",
        )
    return done.stdout


def _context_root(folder: Path) -> Path:
    """The repository holding `folder`, else `folder` itself."""
    try:
        top = _git(folder, "rev-parse", "--show-toplevel").strip()
    except ChangedError:
        return _resolve(folder)
    return _resolve(Path(top))


def _git_changed(root: Path, base: str | None) -> set[Path]:
    """Files under `root` that differ from the merge base, or are new."""
    top = Path(_git(root, "rev-parse", "--show-toplevel").strip()).resolve()
    has_head = _has_head(root)
    if base is not None:
        try:
            since = _git(root, "merge-base", base, "HEAD").strip()
        except ChangedError as exc:
            raise ChangedError(
                f"cannot find the merge base of {base} and HEAD ({exc}); "
                "in a shallow CI clone, fetch the base branch's history",
            ) from exc
    elif has_head:
        since = "HEAD"
    else:
        since = ""

    names: list[str] = []
    if since:
        names += _git(
            root,
            "diff",
            "--name-only",
            "-z",
            "--no-renames",
            since,
            "--",
            ".",
        ).split("\0")
    else:
        names += _git(root, "ls-files", "-z", "--full-name").split("\0")
    names += _git(
        root,
        "ls-files",
        "--others",
        "--exclude-standard",
        "-z",
        "--full-name",
        ".",
    ).split("\0")

    out = set()
    for name in names:
        if not name:
            continue
        path = _resolve(top / name)
        try:
            path.relative_to(root)
        except ValueError:
            continue
        out.add(path)
    return out


def _has_head(root: Path) -> bool:
    try:
        _git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    except ChangedError:
        return False
    return True


def _callers_of(
    targets: Iterable[Path],
    roots: Sequence[Path],
    bases: Sequence[Path],
    globs: Sequence[re.Pattern[str]],
) -> set[Path]:
    """Every directory under `roots` that calls a target, transitively."""
    calls = _module_calls(roots, bases, globs)
    found: set[Path] = set()
    todo = list(targets)
    while todo:
        for caller in calls.get(todo.pop(), ()):
            if caller not in found:
                found.add(caller)
                todo.append(caller)
    return found


def _module_calls(
    roots: Sequence[Path],
    bases: Sequence[Path],
    globs: Sequence[re.Pattern[str]],
) -> dict[Path, set[Path]]:
    """Map each local module directory to the directories calling it.

    A cheap textual reading: any `source = "./..."` or `"../..."` in a
    `.tf` or `.tf.json` file. A match that is not a module call (a file
    upload's `source`) names no scanned directory and costs nothing.
    """
    callers: dict[Path, set[Path]] = defaultdict(set)
    for root in roots:
        for folder, dirs, files in os.walk(root, followlinks=False):
            here = Path(folder)
            dirs[:] = [
                name
                for name in dirs
                if name not in SKIPPED_DIRS
                and not (here / name).is_symlink()
                and not _skipped(here / name, bases, globs)
            ]
            for name in files:
                if not name.endswith((".tf", ".tf.json")):
                    continue
                for target in _sources_in(here / name):
                    callers[_resolve(here / target)].add(here)
    return callers


def _sources_in(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    if "source" not in text:
        return []
    return _SOURCE.findall(text)
