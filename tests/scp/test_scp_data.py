"""The SCP data files: sources, consistency with the bundle schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import TESTS
from costlint.config import ConfigError, default_bundle_path, read_bundle
from costlint.scp.actions import action_table, operators
from costlint.scp.settings import scp_settings

ROOT = TESTS.parent


def test_every_action_names_known_types_and_sources() -> None:
    table = action_table()

    for action in table.actions.values():
        assert action.sources, action.name
        assert all(s.startswith("https://") for s in action.sources)
        for type_name in (*action.creates, *action.uses):
            assert type_name in table.types, (action.name, type_name)
        assert action.supports("aws:RequestTag") or action.supports(
            "aws:TagKeys",
        )


def test_bundle_schema_lists_exactly_the_table() -> None:
    schema = json.loads((ROOT / "policies" / "schema.json").read_text())
    scp = schema["properties"]["scp"]["properties"]
    table = action_table()
    creatable = [t for t in table.types if table.creators(t)]

    assert scp["enforce"]["items"]["enum"] == creatable
    assert scp["skip_actions"]["items"]["enum"] == list(table.actions)


def test_operator_list_knows_the_negated_ones() -> None:
    negated = {name for name, op in operators().items() if op.negated}

    assert negated == {
        "StringNotEquals",
        "StringNotEqualsIgnoreCase",
        "StringNotLike",
        "NumericNotEquals",
        "DateNotEquals",
        "NotIpAddress",
        "ArnNotEquals",
        "ArnNotLike",
    }


@pytest.mark.parametrize(
    ("section", "where"),
    [
        pytest.param({"max_sizes": 5120}, "scp", id="unknown-key"),
        pytest.param(
            {"enforce": ["ec2:instances"]}, "scp.enforce.0", id="type"
        ),
        pytest.param(
            {"skip_actions": ["ec2:RunInstance"]},
            "scp.skip_actions.0",
            id="action",
        ),
        pytest.param(
            {"targets": [{"name": "x", "attached": 5}]},
            "scp.targets.0.attached",
            id="no-slot-left",
        ),
    ],
)
def test_bundle_scp_section_is_strict(
    section: dict[str, object],
    where: str,
    tmp_path: Path,
) -> None:
    bundle = tmp_path / "bundle.yaml"
    bundle.write_text(yaml.safe_dump({"version": 1, "scp": section}))

    with pytest.raises(ConfigError, match=f"invalid config at {where}:"):
        read_bundle(bundle)


def test_default_bundle_limit_is_the_documented_quota() -> None:
    settings = scp_settings(read_bundle(default_bundle_path()))

    assert settings.max_size == 5120
    assert settings.slots == 4
