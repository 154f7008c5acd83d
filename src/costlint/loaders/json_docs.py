"""Route each JSON document to the loader of its format.

A `.json` file may be a Terraform plan (`terraform show -json`), a
Service Control Policy, a Kubernetes manifest, or something costlint
does not read (a `package.json`). Each format registers a detector and
a loader in `FORMATS`. Invalid JSON is always a parse error; a document
of no known format is an error only when the user named the file.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from costlint.loaders import LoadContext
from costlint.loaders.plan import detect_plan, load_plan
from costlint.loaders.scp import detect_scp, load_scp
from costlint.loaders.terraform.convert import display_path
from costlint.loaders.yaml_docs import detect_manifest, load_manifest_json
from costlint.model import Loaded, Location, ParseProblem

log = logging.getLogger(__name__)

Detector = Callable[[Any], bool]
DocumentLoader = Callable[[Any, str, str, LoadContext], Loaded]

# (format name, detector, loader); the first detector that accepts wins.
FORMATS: list[tuple[str, Detector, DocumentLoader]] = [
    ("terraform plan", detect_plan, load_plan),
    ("service control policy", detect_scp, load_scp),
    ("kubernetes manifest", detect_manifest, load_manifest_json),
]


def load_json_files(files: list[Path], ctx: LoadContext) -> Loaded:
    """Load every JSON file through the loader of its format."""
    loaded = Loaded()
    for path in files:
        shown = display_path(path, ctx.base)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            loaded.problems.append(
                ParseProblem(Location(shown, 1, 1), f"cannot read ({reason})"),
            )
            continue
        loaded.extend(load_json_text(text, shown, path in ctx.explicit, ctx))
    return loaded


def load_json_text(
    text: str,
    shown: str,
    explicit: bool,
    ctx: LoadContext,
) -> Loaded:
    """Load one JSON document given as text."""
    if not text.strip() and not explicit:
        log.debug("skipping %s: empty file", shown)
        return Loaded()
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        return _problem(shown, exc.lineno, exc.colno, exc.msg)
    except RecursionError:
        return _problem(shown, 1, 1, "JSON nested too deeply")
    except ValueError as exc:
        return _problem(shown, 1, 1, f"invalid JSON value ({exc})")

    for name, detect, load in FORMATS:
        if detect(data):
            log.debug("%s is a %s", shown, name)
            return load(data, text, shown, ctx)

    if explicit:
        known = ", ".join(name for name, _d, _l in FORMATS) or "none"
        return _problem(
            shown,
            1,
            1,
            f"JSON document of no format costlint reads (known: {known})",
        )
    log.debug("skipping %s: JSON of no format costlint reads", shown)
    return Loaded()


def _refuse_constant(name: str) -> Any:
    """NaN and Infinity are accepted by Python, not by JSON or AWS."""
    raise ValueError(f"{name} is not valid JSON")


def _problem(shown: str, line: int, column: int, reason: str) -> Loaded:
    loaded = Loaded()
    loaded.problems.append(ParseProblem(Location(shown, line, column), reason))
    return loaded
