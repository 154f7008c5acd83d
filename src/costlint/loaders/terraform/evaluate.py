"""Run tfparse on one directory, quietly and with Terraform's var files.

tfparse embeds Terraform's own HCL evaluator (through Go), which writes
its log lines straight to file descriptor 2; they are captured here and
passed to `logging` so that users see them only with `-vv`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import tfparse

from costlint.loaders.terraform.project import tfvars_paths

log = logging.getLogger(__name__)

_DIAGNOSTIC = re.compile(
    r"(?P<file>[^\s:]+):(?P<line>\d+),(?P<col>\d+)(?:-[\d,]+)?: "
    r"(?P<msg>.*?)(?:, and \d+ other diagnostic\(s\))?$",
)


class EvaluationError(Exception):
    """tfparse refused a directory as a whole."""


@contextlib.contextmanager
def _captured_stderr() -> Iterator[None]:
    """Send fd 2 to a temporary file for the duration, then log it."""
    with tempfile.TemporaryFile() as sink:
        saved = os.dup(2)
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            for line in sink.read().decode(errors="replace").splitlines():
                log.debug("tfparse: %s", line)


def evaluate_directory(directory: Path) -> Mapping[str, list[Any]]:
    """Evaluated blocks of a root module, keyed by block label."""
    try:
        with _captured_stderr():
            result: Mapping[str, list[Any]] = tfparse.load_from_path(
                str(directory),
                vars_paths=tfvars_paths(directory),
            )
    except tfparse.ParseError as exc:
        raise EvaluationError(str(exc)) from exc
    return result


def locate_diagnostic(message: str) -> tuple[str, int, int, str] | None:
    """File, line, column and text of a Terraform diagnostic message."""
    tail = message.split("TerraformConverter: ", 1)[-1]
    match = _DIAGNOSTIC.search(tail)
    if match is None:
        return None
    return (
        match.group("file"),
        int(match.group("line")),
        int(match.group("col")),
        match.group("msg").strip(),
    )


def diagnose_file(path: Path) -> tuple[int, int, str] | None:
    """Terraform's first syntax error in one file, or None if it parses.

    The file is copied alone into a scratch directory so that its
    neighbours cannot mask or cause the error.
    """
    with tempfile.TemporaryDirectory(prefix="costlint-") as scratch:
        copy = Path(scratch) / path.name
        copy.write_bytes(path.read_bytes())
        try:
            with _captured_stderr():
                tfparse.load_from_path(scratch, stop_on_hcl_error=True)
        except tfparse.ParseError as exc:
            found = locate_diagnostic(str(exc))
            if found is None:
                return 1, 1, str(exc)
            _file, line, column, text = found
            return line, column, text
    return None
