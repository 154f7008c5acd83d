"""`costlint generate terraform` writes the cost-tags policy from the bundle.

The committed `terraform-modules/cost-tags/policy.tf` must be exactly
what the packaged bundle generates (a drift test), and the generated
validations must accept the bundle's values and refuse others, checked
by evaluating the generated conditions with tfparse.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import hcl2
import pytest
import yaml
from click.testing import CliRunner
from tfmodule_helpers import evaluate_call, module_dir

from costlint.cli import main
from costlint.config import default_bundle_path, read_bundle
from costlint.gen_terraform import (
    POLICY_FILE,
    hcl_string,
    policy_is_current,
    render_policy,
    write_policy,
)

COMMITTED = module_dir("cost-tags") / POLICY_FILE


def _bundle(required_tags: dict[str, Any]) -> dict[str, Any]:
    return {"version": 1, "aws": {"required_tags": required_tags}}


def _write_config(tmp_path: Path, bundle: dict[str, Any]) -> Path:
    (tmp_path / "bundle.yaml").write_text(yaml.safe_dump(bundle))
    config = tmp_path / ".costlint.yaml"
    config.write_text("bundle: bundle.yaml\n")
    return config


def _out(tmp_path: Path) -> list[str]:
    return ["--out", str(tmp_path / "out")]


def _module_copy(tmp_path: Path, bundle: dict[str, Any]) -> Path:
    copy = tmp_path / "cost-tags"
    shutil.copytree(module_dir("cost-tags"), copy)
    write_policy(bundle, copy)
    return copy


def _refused(copy: Path, tmp_path: Path, tags: dict[str, str]) -> set[str]:
    checks = evaluate_call(tmp_path / "root", copy, {"tags": tags})
    assert all(isinstance(c.condition, bool) for c in checks)
    return {c.message for c in checks if c.condition is False}


def test_committed_policy_matches_the_bundle() -> None:
    bundle = read_bundle(default_bundle_path())

    assert COMMITTED.read_text(encoding="utf-8") == render_policy(bundle)


def test_cli_regenerates_the_committed_file(tmp_path: Path) -> None:
    out = tmp_path / "gen"

    done = CliRunner().invoke(
        main,
        ["generate", "terraform", "--isolated", "--out", str(out)],
    )

    assert done.exit_code == 0, done.output
    assert (out / POLICY_FILE).read_bytes() == COMMITTED.read_bytes()
    assert str(out / POLICY_FILE) in done.output


def test_cli_check_passes_on_the_committed_module() -> None:
    out = str(module_dir("cost-tags"))

    done = CliRunner().invoke(
        main,
        ["generate", "terraform", "--isolated", "--check", "--out", out],
    )

    assert done.exit_code == 0, done.output
    assert "up to date" in done.output


def test_cli_check_reports_drift_and_writes_nothing(tmp_path: Path) -> None:
    stale = COMMITTED.read_text().replace('"staging", ', "")
    target = tmp_path / "out" / POLICY_FILE
    target.parent.mkdir()
    target.write_text(stale)

    done = CliRunner().invoke(
        main,
        ["generate", "terraform", "--isolated", "--check", *_out(tmp_path)],
    )

    assert done.exit_code == 1
    assert "out of date: policy.tf" in done.output
    assert target.read_text() == stale


def test_cli_uses_the_configured_bundle(tmp_path: Path) -> None:
    config = _write_config(
        tmp_path,
        _bundle({"Owner": {}, "Tier": {"allowed": ["gold", "silver"]}}),
    )

    done = CliRunner().invoke(
        main,
        ["generate", "terraform", "--config", str(config), *_out(tmp_path)],
    )

    assert done.exit_code == 0, done.output
    text = (tmp_path / "out" / POLICY_FILE).read_text()
    assert 'for key in ["Owner", "Tier"] :' in text
    assert 'contains(["gold", "silver"], value) if key == "Tier"' in text
    assert not policy_is_current(read_bundle(default_bundle_path()), tmp_path)


def test_cli_reports_an_invalid_bundle(tmp_path: Path) -> None:
    config = _write_config(tmp_path, {"version": 1, "aws": {"tags": {}}})

    done = CliRunner().invoke(
        main,
        ["generate", "terraform", "--config", str(config), *_out(tmp_path)],
    )

    assert done.exit_code == 2
    assert "invalid config" in done.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("text", "literal"),
    [
        ("plain", '"plain"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("back\\slash", '"back\\\\slash"'),
        ("${var.x}", '"$${var.x}"'),
        ("%{if x}", '"%%{if x}"'),
        ("line\nbreak", '"line\\nbreak"'),
        ("café", '"café"'),
    ],
    ids=["plain", "quote", "backslash", "interp", "directive", "nl", "utf8"],
)
def test_hcl_string_escapes(text: str, literal: str) -> None:
    assert hcl_string(text) == literal


def test_generated_conditions_follow_a_custom_bundle(tmp_path: Path) -> None:
    odd = ['say "hi"', "${var.x}", "back\\slash", "%{x}"]
    bundle = _bundle(
        {
            "Owner": {},
            "Tier": {"allowed": ["gold", *odd]},
            "Stage": {"allowed": ["Live", "Dev"], "ignore_case": True},
        },
    )
    copy = _module_copy(tmp_path, bundle)
    base = {"Owner": "ana", "Tier": "gold", "Stage": "Live"}

    assert _refused(copy, tmp_path, base) == set()
    for value in odd:
        assert _refused(copy, tmp_path, {**base, "Tier": value}) == set()
    assert _refused(copy, tmp_path, {**base, "Stage": "LIVE"}) == set()
    assert _refused(copy, tmp_path, {**base, "Stage": "dev"}) == set()
    tier = _refused(copy, tmp_path, {**base, "Tier": "GOLD"})
    assert tier == {
        "The Tier tag must be one of: gold, " + ", ".join(odd) + "."
    }
    stage = _refused(copy, tmp_path, {**base, "Stage": "prod"})
    assert stage == {
        "The Stage tag must be one of: Live, Dev (case is ignored).",
    }
    missing = _refused(copy, tmp_path, {"Tier": "gold", "Stage": "Dev"})
    assert len(missing) == 1
    assert "Owner, Tier, Stage" in missing.pop()


def test_bundle_without_required_tags_accepts_any_tags(tmp_path: Path) -> None:
    copy = _module_copy(tmp_path, _bundle({}))

    with (copy / POLICY_FILE).open() as handle:
        assert hcl2.load(handle)["variable"]
    assert _refused(copy, tmp_path, {"Anything": "goes"}) == set()
    assert _refused(copy, tmp_path, {}) == set()
