"""Plans whose sections have the wrong shape are refused, not skipped."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_scan


def test_resource_changes_must_be_a_list(tmp_path: Path) -> None:
    plan = {
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": []}},
        "resource_changes": {"aws_s3_bucket.b": {}},
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan, indent=2))

    result = run_scan(tmp_path / "plan.json")

    [problem] = result.problems
    assert problem.reason == "plan resource_changes must be a list"
    assert problem.location.line == 8
