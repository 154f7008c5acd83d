"""Map plan resource addresses back to the `.tf` blocks that wrote them.

A plan has no file or line for its resources. When the configuration's
`.tf` files are at hand (`--source DIR`, by default the plan's
directory), the Terraform loader's outline finds the block of each
address, modules included: `module.a["x"].aws_instance.b[0]` is the
block `resource "aws_instance" "b"` of the directory that module `a`
calls (a local `source`, or a module `terraform init` installed).
"""

from __future__ import annotations

import logging
from pathlib import Path

from costlint.loaders.terraform.hcltext import TextBlock
from costlint.loaders.terraform.project import Project, module_key_of
from costlint.model import AttrPath, Location

log = logging.getLogger(__name__)


class SourceMap:
    """Finds the written block of a resource address, if any."""

    def __init__(self, directory: Path | None) -> None:
        self.project: Project | None = None
        if directory is not None and any(directory.glob("*.tf")):
            log.info(
                "mapping plan addresses to the .tf files of %s", directory
            )
            self.project = Project(directory, {})

    def find(
        self,
        address: str,
        rtype: str,
        name: str,
    ) -> tuple[Path, TextBlock] | None:
        """The file and block that declare `address`, if found."""
        if self.project is None:
            return None
        scope = self.project.scope(module_key_of(address))
        if scope.module is None:
            return None
        return scope.module.resources.get((rtype, name))


def block_positions(block: TextBlock, shown: str) -> dict[AttrPath, Location]:
    """Where each attribute and nested block of `block` is written.

    Nested blocks are indexed in the order written, per block type, the
    way plan JSON lists them; a `dynamic` block gives the position of
    its name only.
    """
    found: dict[AttrPath, Location] = {}
    _note(block, (), shown, found)
    return found


def _note(
    block: TextBlock,
    path: AttrPath,
    shown: str,
    found: dict[AttrPath, Location],
) -> None:
    for name, attr in block.attrs.items():
        key: AttrPath = (*path, name)
        found[key] = Location(shown, attr.line, attr.column)

    counts: dict[str, int] = {}
    for inner in block.blocks:
        where = Location(shown, inner.line, inner.column, inner.end_line)
        if inner.type == "dynamic":
            if inner.labels:
                found.setdefault((*path, inner.labels[0]), where)
            continue
        index = counts.get(inner.type, 0)
        counts[inner.type] = index + 1
        found.setdefault((*path, inner.type), where)
        at: AttrPath = (*path, inner.type, index)
        found[at] = where
        _note(inner, at, shown, found)
