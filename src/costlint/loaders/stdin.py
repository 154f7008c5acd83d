"""Read the scan input given as `-`: a plan, an SCP or manifests.

Standard input has no file name to go by, so the text decides: a
document that parses as JSON goes to the JSON formats, anything else is
read as a YAML stream (the output of `helm template` or
`kustomize build`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from costlint.loaders import LoadContext
from costlint.loaders.json_docs import load_json_text
from costlint.loaders.yaml_docs import load_yaml_text
from costlint.model import Loaded, Location, ParseProblem

SHOWN = "<stdin>"


_HCL = re.compile(
    r"^[ \t]*(resource|module|variable|provider|terraform|locals|data|"
    r'output)[ \t]+("|\{)',
    re.MULTILINE,
)


def load_stdin(files: list[Path], ctx: LoadContext) -> Loaded:
    """Load the text read from standard input."""
    text = ctx.stdin_text or ""
    hcl = _HCL.search(text)
    if hcl is not None:
        line = text.count("\n", 0, hcl.start()) + 1
        loaded = Loaded()
        loaded.problems.append(
            ParseProblem(
                Location(SHOWN, line, 1),
                "this looks like Terraform HCL, which is read from .tf "
                "files given as paths (standard input takes plan JSON, "
                "SCP JSON or Kubernetes YAML)",
            ),
        )
        return loaded
    if text.lstrip().startswith(("{", "[")):
        try:
            json.loads(text)
        except ValueError:
            pass
        else:
            return load_json_text(text, SHOWN, True, ctx)
    return load_yaml_text(text, SHOWN, ctx)
