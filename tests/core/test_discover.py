"""Discovery: kinds, skipped folders, excludes and symbolic links."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from costlint.discover import DiscoveryError, compile_globs, discover


def touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")


def names(root: Path, kind: str, exclude: tuple[str, ...] = ()) -> list[str]:
    found = discover([root], exclude, root)
    return sorted(
        p.relative_to(root).as_posix() for p in found.files.get(kind, [])
    )


def test_kinds_and_skipped_folders(tmp_path: Path) -> None:
    touch(
        tmp_path,
        "main.tf",
        "x.tf.json",
        "k8s/app.yaml",
        "plan.json",
        "README.md",
        ".terraform/modules/vpc/main.tf",
        ".git/hooks/x.tf",
    )

    assert names(tmp_path, "terraform") == ["main.tf", "x.tf.json"]
    assert names(tmp_path, "yaml") == ["k8s/app.yaml"]
    assert names(tmp_path, "json") == ["plan.json"]


@pytest.mark.parametrize(
    ("pattern", "kept"),
    [
        pytest.param("sandbox/**", ["live/main.tf"], id="folder-glob"),
        pytest.param("sandbox", ["live/main.tf"], id="folder-name"),
        pytest.param("*.tf", [], id="any-depth-name"),
        pytest.param(
            "/live/main.tf",
            ["sandbox/main.tf"],
            id="anchored-file",
        ),
        pytest.param("**/main.tf", [], id="double-star-prefix"),
    ],
)
def test_exclude_globs(tmp_path: Path, pattern: str, kept: list[str]) -> None:
    touch(tmp_path, "live/main.tf", "sandbox/main.tf")

    assert names(tmp_path, "terraform", (pattern,)) == kept


def test_glob_does_not_match_partial_names() -> None:
    [glob] = compile_globs(["dev"])

    assert glob.match("dev/main.tf")
    assert not glob.match("devops/main.tf")


def test_links_out_of_tree_and_loops_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    touch(outside, "secret.tf")
    tree = tmp_path / "tree"
    touch(tree, "main.tf")
    os.symlink(outside, tree / "linked_dir")
    os.symlink(outside / "secret.tf", tree / "linked.tf")
    os.symlink(tree, tree / "loop")
    os.symlink(tree / "main.tf", tree / "inside.tf")

    assert names(tree, "terraform") == ["main.tf"]


def test_named_file_of_unknown_kind_is_an_error(tmp_path: Path) -> None:
    touch(tmp_path, "notes.txt")

    with pytest.raises(DiscoveryError, match="not a file costlint reads"):
        discover([tmp_path / "notes.txt"], (), tmp_path)


def test_same_file_named_twice_is_read_once(tmp_path: Path) -> None:
    touch(tmp_path, "main.tf")

    found = discover([tmp_path, tmp_path / "main.tf"], (), tmp_path)

    assert found.count == 1


def test_unreadable_and_special_entries_are_problems(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.tf")

    found = discover([tmp_path], (), tmp_path)

    assert [p.reason for p in found.problems] == ["not a regular file"]


def test_named_files_are_explicit(tmp_path: Path) -> None:
    touch(tmp_path, "plan.json", "other.json")

    found = discover([tmp_path / "plan.json"], (), tmp_path)

    assert found.explicit == {tmp_path / "plan.json"}
