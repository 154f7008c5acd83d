"""Run tfparse on one directory, with Terraform's var files.

tfparse embeds Terraform's own HCL evaluator (through Go). It runs in a
bounded worker process (see `worker`), whose log lines reach `logging`
so that users see them only with `-vv`.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from costlint.loaders.terraform.project import tfvars_paths
from costlint.loaders.terraform.worker import WorkerFailure, load_from_path

log = logging.getLogger(__name__)

_DIAGNOSTIC = re.compile(
    r"(?P<file>[^\s:]+):(?P<line>\d+),(?P<col>\d+)(?:-[\d,]+)?: "
    r"(?P<msg>.*?)(?:, and \d+ other diagnostic\(s\))?$",
)


class EvaluationError(Exception):
    """tfparse refused a directory as a whole.

    `timed_out` says the directory took too long: trying its files one
    by one would only take longer, so callers report it as a whole.
    """

    def __init__(self, message: str, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


def evaluate_directory(directory: Path) -> Mapping[str, list[Any]]:
    """Evaluated blocks of a root module, keyed by block label."""
    status, payload = _call(
        os.path.abspath(directory),
        vars_paths=tfvars_paths(directory),
    )
    if status != "ok":
        raise EvaluationError(payload, timed_out=status == "timeout")
    result: Mapping[str, list[Any]] = payload
    return result


def _call(path: str, **kwargs: Any) -> tuple[str, Any]:
    try:
        return load_from_path(path, **kwargs)
    except WorkerFailure as exc:
        return ("timeout" if exc.timed_out else "error"), str(exc)


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
        status, payload = _call(scratch, stop_on_hcl_error=True)
    if status == "ok":
        return None
    found = locate_diagnostic(str(payload))
    if found is None:
        return 1, 1, str(payload)
    _file, line, column, text = found
    return line, column, text
