"""Locate the syntax error of a `.tf` file that tfparse dropped.

tfparse skips a file it cannot parse without saying so, and a skipped
file must never let a scan pass clean. Only files that gave tfparse no
block at all come here (broken, empty or comment-only files, and the
files of modules no caller instantiated). Terraform's own parser
(through tfparse, on the file alone) names the first error with
Terraform's wording; python-hcl2 gives a second opinion on files it
accepts, since it is slow on large input.
"""

from __future__ import annotations

import json
import logging
import os
from collections import defaultdict
from pathlib import Path

import hcl2
import lark

from costlint.loaders.terraform.convert import display_path
from costlint.loaders.terraform.evaluate import (
    EvaluationError,
    diagnose_file,
    evaluate_directory,
)
from costlint.loaders.terraform.hcltext import is_blank
from costlint.model import Location, ParseProblem

log = logging.getLogger(__name__)

_HCL2_LIMIT = 512 * 1024


def find_parse_problems(paths: list[Path], base: Path) -> list[ParseProblem]:
    """Parse problems among files that gave tfparse no block.

    Blank and comment-only files are fine. The others are grouped by
    directory and the directory is evaluated on its own, which clears
    the files of a module that no caller instantiated (`count = 0`);
    only files still giving nothing are diagnosed one by one.
    """
    problems = []
    suspects: dict[Path, list[tuple[Path, str, str]]] = defaultdict(list)
    for path in paths:
        shown = display_path(path, base)
        text, problem = _read(path, shown)
        if problem is None and path.name.endswith(".tf.json"):
            problem = _check_json(text, shown)
            if problem is None and text.strip():
                suspects[path.parent].append((path, shown, text))
        elif problem is None and not is_blank(text):
            suspects[path.parent].append((path, shown, text))
        if problem is not None:
            problems.append(problem)

    for directory, files in suspects.items():
        try:
            alone = _evaluated_files(directory)
        except EvaluationError as exc:
            shown = display_path(directory, base)
            problems.append(ParseProblem(Location(shown, 1, 1), str(exc)))
            continue
        for path, shown, text in files:
            if Path(os.path.normpath(path)) not in alone:
                problem = _diagnose(path, shown, text)
                if problem is not None:
                    problems.append(problem)
    return problems


def _read(path: Path, shown: str) -> tuple[str, ParseProblem | None]:
    try:
        return path.read_text(encoding="utf-8"), None
    except UnicodeDecodeError as exc:
        return "", ParseProblem(
            _byte_location(shown, exc),
            f"file is not UTF-8 text ({exc.reason})",
        )
    except OSError as exc:
        return "", ParseProblem(
            Location(shown, 1, 1),
            f"cannot read file ({exc.strerror})",
        )


def _evaluated_files(directory: Path) -> set[Path]:
    """Files that give blocks when the directory is evaluated alone.

    A directory that takes too long is raised: diagnosing its files one
    by one would take longer still.
    """
    try:
        raw = evaluate_directory(directory)
    except EvaluationError as exc:
        if exc.timed_out:
            raise
        return set()
    return {
        Path(os.path.normpath(directory / entry["__tfmeta"]["filename"]))
        for entries in raw.values()
        for entry in entries
        if "__tfmeta" in entry
    }


def _diagnose(path: Path, shown: str, text: str) -> ParseProblem | None:
    found = diagnose_file(path)
    if found is not None:
        line, column, reason = found
        return ParseProblem(Location(shown, line, column), reason)
    if path.name.endswith(".json"):
        return None
    if len(text) > _HCL2_LIMIT:
        log.debug("%s parses alone; too large for a second opinion", shown)
        return None
    return _check_hcl(text, shown)


def _byte_location(shown: str, exc: UnicodeDecodeError) -> Location:
    """The line and column of the first byte that is not UTF-8."""
    data = bytes(exc.object)
    line = data.count(b"\n", 0, exc.start) + 1
    column = exc.start - data.rfind(b"\n", 0, exc.start)
    return Location(shown, line, column)


def _check_hcl(text: str, shown: str) -> ParseProblem | None:
    """python-hcl2's view, for a file Terraform's parser accepts alone."""
    try:
        hcl2.loads(text)
    except lark.exceptions.UnexpectedInput as exc:
        return ParseProblem(
            Location(shown, exc.line or 1, exc.column or 1),
            _describe(exc),
        )
    except Exception as exc:  # python-hcl2 raises plain errors too
        log.debug("python-hcl2 failed on %s: %r", shown, exc)
        return None
    log.debug("%s holds no block tfparse evaluates", shown)
    return None


def _check_json(text: str, shown: str) -> ParseProblem | None:
    if not text.strip():
        return None
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return ParseProblem(Location(shown, exc.lineno, exc.colno), exc.msg)
    except (ValueError, RecursionError) as exc:
        return ParseProblem(Location(shown, 1, 1), f"invalid JSON ({exc})")
    return None


def _describe(exc: lark.exceptions.UnexpectedInput) -> str:
    """One line on what the parser met, without lark's token dump."""
    token = getattr(exc, "token", None)
    if token is None:
        char = getattr(exc, "char", "")
        return f"unexpected character {char!r}" if char else "invalid HCL"
    if token.type == "$END":
        return "unexpected end of file (an unclosed block or bracket?)"
    seen = str(token).strip().splitlines()[0] if str(token).strip() else ""
    return f"unexpected {seen[:40]!r}" if seen else "unexpected token"
