"""Helpers for the tests of the reference Terraform modules.

The modules live in `terraform-modules/`. No Terraform binary is
available here, so modules are evaluated with tfparse, the Terraform
evaluator costlint itself uses: it resolves variables, locals, module
calls and `dynamic` blocks, and it evaluates the `condition` of every
`validation` and `precondition` block to true or false (or leaves it
null when an input is unknown).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2

from conftest import make_settings
from costlint.config import Settings
from costlint.engine import ScanResult, scan
from costlint.gen_terraform import hcl_string
from costlint.loaders.terraform.evaluate import evaluate_directory
from costlint.rules import RULES

ROOT = Path(__file__).resolve().parents[2]
MODULES_DIR = ROOT / "terraform-modules"
MODULES = (
    "cost-tags",
    "s3-bucket",
    "ebs-volume",
    "asg-mixed-instances",
    "budget-alerts",
)


def module_dir(name: str) -> Path:
    return MODULES_DIR / name


def example_dirs(base: Path = MODULES_DIR) -> list[Path]:
    """Every `<module>/examples/<example>` directory under `base`."""
    return sorted(path for path in base.glob("*/examples/*") if path.is_dir())


def example_id(path: Path) -> str:
    return f"{path.parents[1].name}/{path.name}"


def every_rule_settings() -> Settings:
    """The packaged bundle with every registered rule switched on.

    Experimental rules are off by default; the modules must pass them
    too, so that turning one on never makes a module fail.
    """
    return make_settings(
        rules={rule.META.id: {"enabled": True} for rule in RULES},
    )


def scan_paths(*paths: Path, settings: Settings | None = None) -> ScanResult:
    return scan(list(paths), settings or every_rule_settings())


def scan_files(directory: Path) -> ScanResult:
    """Scan only the `.tf` files of `directory`, not its examples."""
    return scan_paths(*sorted(directory.glob("*.tf")))


def findings_of(result: ScanResult) -> set[tuple[str, str]]:
    return {(f.rule, f.address) for f in result.findings}


def to_hcl(value: Any) -> str:
    """An HCL expression for a plain Python value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return hcl_string(value)
    if isinstance(value, Mapping):
        items = ", ".join(
            f"{hcl_string(str(k))} = {to_hcl(v)}" for k, v in value.items()
        )
        return "{ " + items + " }" if items else "{}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(to_hcl(item) for item in value) + "]"
    raise TypeError(f"no HCL form for {value!r}")


@dataclass(frozen=True)
class Check:
    """One evaluated validation or precondition of a module."""

    kind: str  # "validation" or "precondition"
    owner: str  # variable name or resource address in the module
    message: str
    condition: Any  # True, False, or None when it could not be decided


def _blocks(value: Any) -> list[Mapping[str, Any]]:
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, Mapping)]
    return []


def collect_checks(
    raw: Mapping[str, list[Any]],
    module: str = "m",
) -> list[Check]:
    """The validations and preconditions tfparse evaluated in `module`."""
    prefix = f"module.{module}."
    checks = []
    for label, entries in raw.items():
        for entry in entries:
            meta = entry.get("__tfmeta", {})
            path = str(meta.get("path", ""))
            if not path.startswith(prefix):
                continue
            inner = path[len(prefix) :]
            if label == "variable":
                for block in _blocks(entry.get("validation")):
                    checks.append(
                        Check(
                            "validation",
                            inner.split(".", 1)[1],
                            str(block.get("error_message")),
                            block.get("condition"),
                        ),
                    )
            for lifecycle in _blocks(entry.get("lifecycle")):
                for block in _blocks(lifecycle.get("precondition")):
                    checks.append(
                        Check(
                            "precondition",
                            re.sub(r"\[[^\]]*\]$", "", inner),
                            str(block.get("error_message")),
                            block.get("condition"),
                        ),
                    )
    return checks


def evaluate_call(
    tmp: Path,
    source: Path,
    inputs: Mapping[str, Any],
) -> list[Check]:
    """Call the module at `source` with `inputs`; its evaluated checks.

    The caller is a scratch root holding only `module "m" { ... }`, so
    that what tfparse reports is the module's own conditions on
    exactly these inputs.
    """
    tmp.mkdir(parents=True, exist_ok=True)
    relative = os.path.relpath(source, tmp)
    lines = ['module "m" {', f"  source = {hcl_string(relative)}"]
    lines += [f"  {name} = {to_hcl(value)}" for name, value in inputs.items()]
    lines.append("}")
    (tmp / "main.tf").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return collect_checks(evaluate_directory(tmp))


def declared_checks(directory: Path) -> Iterator[tuple[str, str, str]]:
    """(kind, owner, error_message) of every check in a module's files.

    Read with python-hcl2, independently of tfparse, so that a block
    tfparse failed to evaluate is still counted.
    """
    for path in sorted(directory.glob("*.tf")):
        with path.open(encoding="utf-8") as handle:
            doc = hcl2.load(handle)
        for variable in doc.get("variable", []):
            for name, body in _labelled(variable):
                for block in body.get("validation", []):
                    message = _unquote(block["error_message"])
                    yield "validation", name, message
        for resource in doc.get("resource", []):
            for kind, typed in _labelled(resource):
                for name, body in _labelled(typed):
                    for lifecycle in body.get("lifecycle", []):
                        for block in lifecycle.get("precondition", []):
                            message = _unquote(block["error_message"])
                            yield "precondition", f"{kind}.{name}", message


def _labelled(block: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    for label, body in block.items():
        if not label.startswith("__"):
            yield _unquote(label), body


def _unquote(text: str) -> str:
    """python-hcl2 8 keeps string literals quoted and escaped."""
    if len(text) >= 2 and text[0] == text[-1] == '"':
        value: str = json.loads(text)
        return value
    return text


def replace_once(path: Path, old: str, new: str) -> None:
    """Edit a copied file, failing loudly if the anchor is not unique."""
    text = path.read_text(encoding="utf-8")
    count = text.count(old)
    assert count == 1, f"{path}: {old!r} found {count} times"
    path.write_text(text.replace(old, new), encoding="utf-8")
