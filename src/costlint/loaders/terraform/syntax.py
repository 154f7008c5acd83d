"""Locate the syntax error of a `.tf` file that tfparse dropped.

tfparse skips a file it cannot parse without saying so, and a skipped
file must never let a scan pass clean. Only files that gave tfparse no
block at all come here (broken, empty or comment-only files), because
python-hcl2 is slow on large input.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import hcl2
import lark

from costlint.loaders.terraform.evaluate import diagnose_file
from costlint.model import Location, ParseProblem

log = logging.getLogger(__name__)

_HCL2_LIMIT = 512 * 1024


def check_dropped_file(path: Path, shown: str) -> ParseProblem | None:
    """A parse problem for a file that contributed nothing, if any."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return ParseProblem(
            Location(shown, 1, 1),
            f"file is not UTF-8 text ({exc.reason})",
        )
    except OSError as exc:
        return ParseProblem(
            Location(shown, 1, 1),
            f"cannot read file ({exc.strerror})",
        )

    if path.name.endswith(".tf.json"):
        return _check_json(text, shown)

    found = diagnose_file(path)
    if found is not None:
        line, column, reason = found
        return ParseProblem(Location(shown, line, column), reason)
    if len(text) > _HCL2_LIMIT:
        log.debug("%s parses alone; too large for a second opinion", shown)
        return None
    return _check_hcl(text, shown)


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
