"""costlint generate scp: complete, under the limits, and not drifted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import TESTS, hits, make_settings, run_scan
from costlint.cli import main
from costlint.scp.generate import (
    PREFIX,
    README,
    GenerationError,
    generate_scps,
    stale_files,
    write_generated,
)
from costlint.scp.settings import scp_settings

ROOT = TESTS.parent
COMMITTED = [ROOT / "scp", ROOT / "examples" / "scp" / "good"]


def default_bundle() -> dict[str, object]:
    return dict(make_settings().bundle)


@pytest.mark.parametrize(
    "folder",
    [pytest.param(p, id=str(p.relative_to(ROOT))) for p in COMMITTED],
)
def test_committed_scps_match_a_fresh_generation(
    folder: Path,
    tmp_path: Path,
) -> None:
    write_generated(generate_scps(default_bundle()), tmp_path)

    fresh = {p.name: p.read_text() for p in tmp_path.iterdir()}
    committed = {p.name: p.read_text() for p in folder.iterdir()}
    assert committed == fresh, (
        f"{folder} is out of date: run `costlint generate scp --isolated "
        f"--out {folder.relative_to(ROOT)}`"
    )


def test_generated_scps_are_proven_complete(tmp_path: Path) -> None:
    write_generated(generate_scps(default_bundle()), tmp_path)

    result = run_scan(tmp_path)

    assert hits(result) == []
    assert result.unresolved == []
    assert result.resources == len(list(tmp_path.glob(f"{PREFIX}*.json")))


def test_generated_scps_fit_the_limits(tmp_path: Path) -> None:
    bundle = default_bundle()
    settings = scp_settings(bundle)
    files = generate_scps(bundle)
    documents = [f for f in files if f.name.startswith(PREFIX)]

    assert 1 <= len(documents) <= settings.slots
    for item in documents:
        assert len(item.text) <= settings.max_size
        policy = json.loads(item.text)
        assert policy["Version"] == "2012-10-17"
        sids = [s["Sid"] for s in policy["Statement"]]
        assert len(sids) == len(set(sids))
        for statement in policy["Statement"]:
            assert statement["Resource"] != "*"
            assert len(statement["Condition"]) == 1
            [block] = statement["Condition"].values()
            assert len(block) == 1, "one tag key per statement"
    assert files[-1].name == README


def test_a_small_limit_splits_into_more_documents() -> None:
    bundle = default_bundle()
    bundle["scp"] = {"max_size": 2500}
    files = generate_scps(bundle)
    documents = [f for f in files if f.name.startswith(PREFIX)]

    assert len(documents) == 4
    assert all(len(f.text) <= 2500 for f in documents)


def test_too_many_documents_for_a_target_is_an_error() -> None:
    bundle = default_bundle()
    bundle["scp"] = {
        "max_size": 1500,
        "targets": [{"name": "root", "attached": 3}],
    }

    with pytest.raises(GenerationError, match="only 2 fit a target"):
        generate_scps(bundle)


def test_conflicting_resources_go_to_separate_statements() -> None:
    bundle = default_bundle()
    files = generate_scps(bundle)
    statements = [
        s
        for f in files
        if f.name.startswith(PREFIX)
        for s in json.loads(f.text)["Statement"]
    ]
    nat = next(s for s in statements if "ec2:CreateNatGateway" in s["Action"])

    assert "arn:*:ec2:*:*:elastic-ip/*" not in nat["Resource"]


def test_stale_files_are_found_and_removed(tmp_path: Path) -> None:
    files = generate_scps(default_bundle())
    (tmp_path / f"{PREFIX}9.json").write_text("{}")

    assert f"{PREFIX}9.json" in stale_files(files, tmp_path)
    write_generated(files, tmp_path)
    assert stale_files(files, tmp_path) == []
    assert not (tmp_path / f"{PREFIX}9.json").exists()


def test_cli_writes_and_checks(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "scp"

    first = runner.invoke(
        main,
        ["generate", "scp", "--isolated", "--out", str(out), "--check"],
    )
    written = runner.invoke(
        main,
        ["generate", "scp", "--isolated", "--out", str(out)],
    )
    checked = runner.invoke(
        main,
        ["generate", "scp", "--isolated", "--out", str(out), "--check"],
    )

    assert first.exit_code == 1
    assert "out of date" in first.stdout
    assert written.exit_code == 0
    assert written.stdout.startswith("wrote 3 files to ")
    assert checked.exit_code == 0


def test_cli_reports_an_impossible_bundle(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.yaml"
    bundle.write_text(
        "version: 1\naws:\n  required_tags: {CostCenter: {}}\n"
        "scp:\n  max_size: 200\n",
    )
    config = tmp_path / ".costlint.yaml"
    config.write_text("bundle: bundle.yaml\n")

    done = CliRunner().invoke(
        main,
        ["generate", "scp", "--config", str(config), "--out", str(tmp_path)],
    )

    assert done.exit_code == 2
    assert "bundle.yaml: statement DenyCreateWithoutCostCenter" in done.stderr
