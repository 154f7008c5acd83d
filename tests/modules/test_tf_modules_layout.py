"""Every reference module parses, evaluates and is laid out alike.

Each module has a README with an inputs and an outputs table naming
every variable and output, a `versions.tf` with the Terraform and
provider ranges, and at least one example that calls it. Each `.tf`
file parses with python-hcl2 and contributes to tfparse's evaluation,
so that no file is silently dropped.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import hcl2
import pytest
from tfmodule_helpers import (
    MODULES,
    MODULES_DIR,
    example_dirs,
    example_id,
    module_dir,
)

from costlint.loaders.terraform.evaluate import evaluate_directory

TF_FILES = sorted(MODULES_DIR.rglob("*.tf"))
EXAMPLES = example_dirs()


def _load(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return hcl2.load(handle)


def _text(value: object) -> object:
    """python-hcl2 8 keeps string literals quoted; unquote them."""
    if isinstance(value, str) and value[:1] == value[-1:] == '"':
        return json.loads(value)
    return value


def _names(directory: Path, kind: str) -> list[str]:
    names = []
    for path in sorted(directory.glob("*.tf")):
        for block in _load(path).get(kind, []):
            names.extend(
                str(_text(name)) for name in block if not name.startswith("__")
            )
    return names


def _evaluated_files(directory: Path) -> set[Path]:
    raw = evaluate_directory(directory)
    files = set()
    for entries in raw.values():
        for entry in entries:
            name = entry.get("__tfmeta", {}).get("filename")
            if name:
                files.add((directory / name).resolve())
    return files


def test_the_five_modules_are_there() -> None:
    found = sorted(
        path.name for path in MODULES_DIR.iterdir() if path.is_dir()
    )

    assert found == sorted(MODULES)


@pytest.mark.parametrize(
    "path",
    TF_FILES,
    ids=[str(p.relative_to(MODULES_DIR)) for p in TF_FILES],
)
def test_file_parses_with_python_hcl2(path: Path) -> None:
    doc = _load(path)

    assert doc, f"{path} holds no block"


@pytest.mark.parametrize("module", MODULES)
def test_module_evaluates_with_tfparse(module: str) -> None:
    directory = module_dir(module)

    used = _evaluated_files(directory)

    assert used == {p.resolve() for p in directory.glob("*.tf")}


@pytest.mark.parametrize("example", EXAMPLES, ids=map(example_id, EXAMPLES))
def test_example_evaluates_with_its_module(example: Path) -> None:
    module = example.parents[1]

    used = _evaluated_files(example)

    expected = {p.resolve() for p in example.glob("*.tf")}
    expected |= {p.resolve() for p in module.glob("*.tf")}
    assert expected <= used


@pytest.mark.parametrize("module", MODULES)
def test_module_has_an_example_that_calls_it(module: str) -> None:
    examples = [e for e in EXAMPLES if e.parents[1].name == module]

    sources = [
        _text(call.get("source"))
        for example in examples
        for path in example.glob("*.tf")
        for block in _load(path).get("module", [])
        for call in block.values()
        if isinstance(call, dict)
    ]

    assert "../.." in sources


@pytest.mark.parametrize("module", MODULES)
def test_versions_pin_terraform_and_provider(module: str) -> None:
    doc = _load(module_dir(module) / "versions.tf")
    terraform = doc["terraform"][0]

    assert _text(terraform["required_version"]) == ">= 1.5.0"
    providers = terraform.get("required_providers", [{}])[0]
    if module == "cost-tags":
        assert "aws" not in providers
        return
    aws = providers["aws"]
    assert _text(aws["source"]) == "hashicorp/aws"
    assert re.fullmatch(
        r">= 5\.\d+(\.\d+)?, < 7\.0",
        str(_text(aws["version"])),
    )


@pytest.mark.parametrize("example", EXAMPLES, ids=map(example_id, EXAMPLES))
def test_example_pins_at_least_its_module_provider(example: Path) -> None:
    module = _load(example.parents[1] / "versions.tf")["terraform"][0]
    own = _load(example / "versions.tf")["terraform"][0]

    assert own["required_version"] == module["required_version"]
    wanted = module.get("required_providers", [{}])[0].get("aws")
    if wanted:
        aws = own["required_providers"][0]["aws"]
        assert (aws["source"], aws["version"]) == (
            wanted["source"],
            wanted["version"],
        )


@pytest.mark.parametrize("module", MODULES)
def test_readme_tables_name_every_input_and_output(module: str) -> None:
    directory = module_dir(module)
    text = (directory / "README.md").read_text(encoding="utf-8")
    inputs = text.split("## Inputs", 1)[1].split("\n## ", 1)[0]
    outputs = text.split("## Outputs", 1)[1].split("\n## ", 1)[0]

    def rows(section: str) -> list[str]:
        return re.findall(r"^\| `([^`]+)` \|", section, re.MULTILINE)

    assert rows(inputs) == _names(directory, "variable")
    assert rows(outputs) == _names(directory, "output")


@pytest.mark.parametrize("module", MODULES)
def test_readme_states_versions_and_has_an_example(module: str) -> None:
    text = (module_dir(module) / "README.md").read_text(encoding="utf-8")
    words = " ".join(text.split())

    assert "Terraform >= 1.5" in words
    assert "no terraform binary was run" in words.lower()
    assert "```hcl" in text
    if module != "cost-tags":
        assert "hashicorp/aws >= 5." in words
