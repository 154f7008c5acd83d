"""Read the scan input given as `-`: a plan, an SCP or manifests.

Standard input has no file name to go by, so the text decides: a
document that parses as JSON goes to the JSON formats, anything else is
read as a YAML stream (the output of `helm template` or
`kustomize build`).
"""

from __future__ import annotations

import json
from pathlib import Path

from costlint.loaders import LoadContext
from costlint.loaders.json_docs import load_json_text
from costlint.loaders.yaml_docs import load_yaml_text
from costlint.model import Loaded

SHOWN = "<stdin>"


def load_stdin(files: list[Path], ctx: LoadContext) -> Loaded:
    """Load the text read from standard input."""
    text = ctx.stdin_text or ""
    if text.lstrip().startswith(("{", "[")):
        try:
            json.loads(text)
        except ValueError:
            pass
        else:
            return load_json_text(text, SHOWN, True, ctx)
    return load_yaml_text(text, SHOWN, ctx)
