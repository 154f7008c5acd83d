"""Terraform plan JSON: resources, unknowns, locations and errors."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import hits, make_settings
from costlint.cli import main
from costlint.engine import ScanResult, scan
from costlint.loaders import LoadContext
from costlint.loaders.plan import detect_plan, load_plan
from costlint.model import Loaded, OpenMap, Reference, Resource, Unknown

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT = FIXTURES / "project"
PLAN = FIXTURES / "project.plan.json"
AWS = "registry.terraform.io/hashicorp/aws"


def load_text(text: str, base: Path, source: Path | None = None) -> Loaded:
    ctx = LoadContext(base=base, source_dir=source)
    return load_plan(json.loads(text), text, "plan.json", ctx)


def by_address(loaded: Loaded) -> dict[str, Resource]:
    return {res.address: res for res in loaded.resources}


def findings(result: ScanResult) -> list[tuple[str, str, int, str, str]]:
    return [
        (f.rule, f.location.file, f.location.line, f.address, f.message)
        for f in result.findings
    ]


def plan_of(
    resources: list[dict[str, Any]],
    unknown: dict[str, Any] | None = None,
    **extra: Any,
) -> str:
    """A small plan document with `resources` in the root module."""
    changes = [
        {
            "address": res["address"],
            "mode": "managed",
            "type": res["type"],
            "name": res["name"],
            "provider_name": AWS,
            "change": {
                "actions": ["create"],
                "before": None,
                "after": res["values"],
                "after_unknown": (unknown or {}).get(res["address"], {}),
            },
        }
        for res in resources
    ]
    doc = {
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "planned_values": {"root_module": {"resources": resources}},
        "resource_changes": changes,
        **extra,
    }
    return json.dumps(doc, indent=2)


def resource(address: str, values: dict[str, Any]) -> dict[str, Any]:
    rtype, name = re.sub(r"\[[^\]]*\]", "", address).split(".")[-2:]
    return {
        "address": address,
        "mode": "managed",
        "type": rtype,
        "name": name,
        "provider_name": AWS,
        "values": values,
    }


def test_project_and_its_plan_give_the_same_findings() -> None:
    """One rule implementation, two loaders: the same answers."""
    settings = make_settings()
    from_hcl = scan([PROJECT], settings)
    from_plan = scan([PLAN], settings, source_dir=PROJECT)

    assert from_hcl.problems == [] and from_plan.problems == []
    assert findings(from_plan) == findings(from_hcl)
    assert len(from_plan.findings) == 10
    assert {n.address for n in from_plan.unresolved} == {
        n.address for n in from_hcl.unresolved
    }


def test_without_source_findings_point_at_the_plan_entries() -> None:
    result = scan([PLAN], make_settings())

    assert hits(result) == [
        ("previous-generation-instance", "project.plan.json", 34),
        ("oversized-instance", "project.plan.json", 66),
        ("gp2-volume", "project.plan.json", 72),
        ("oversized-instance", "project.plan.json", 107),
        ("gp2-volume", "project.plan.json", 113),
        ("gp2-volume", "project.plan.json", 151),
        ("s3-missing-lifecycle", "project.plan.json", 181),
        ("oversized-instance", "project.plan.json", 294),
        ("unknown-instance-type", "project.plan.json", 331),
        ("previous-generation-instance", "project.plan.json", 368),
    ]
    gp2 = [f for f in result.findings if f.address == "aws_ebs_volume.scratch"]
    assert gp2[0].location.column == 11


def test_plan_lines_are_those_of_the_entries_and_values() -> None:
    text = PLAN.read_text(encoding="utf-8").splitlines()

    assert '"address": "aws_ebs_volume.scratch"' in text[150]
    assert '"instance_type": "m4.large"' in text[33]
    assert '"volume_type": "gp2"' in text[71]


def test_plan_in_the_project_directory_maps_to_tf_by_default(
    tmp_path: Path,
) -> None:
    project = tmp_path / "infra"
    shutil.copytree(PROJECT, project)
    shutil.copy(PLAN, project / "plan.json")

    result = scan([project / "plan.json"], make_settings())

    assert hits(result, "previous-generation-instance") == [
        ("previous-generation-instance", "main.tf", 18),
        ("previous-generation-instance", "main.tf", 30),
    ]
    files = {f.location.file for f in result.findings}
    assert all(file.endswith(".tf") for file in files)


def test_unknown_values_are_unknown_not_missing() -> None:
    loaded = load_text(PLAN.read_text(encoding="utf-8"), FIXTURES)
    res = by_address(loaded)

    report = res["aws_instance.report"].attrs["instance_type"]
    assert isinstance(report, Unknown)
    assert "data.aws_ssm_parameter.report_size" in report.reason


def test_computed_attributes_left_unset_stay_unset() -> None:
    """As in HCL: an unset EBS type is unset, not unknown."""
    loaded = load_text(PLAN.read_text(encoding="utf-8"), FIXTURES)
    res = by_address(loaded)

    assert "type" not in res["aws_ebs_volume.scratch"].attrs
    assert "lifecycle_rule" not in res['aws_s3_bucket.logs["raw"]'].attrs
    device = res["aws_instance.batch[0]"].attrs["root_block_device"][0]
    assert device["volume_type"] == "gp2"
    assert "iops" not in device


def test_unknown_parts_of_maps_and_blocks_are_marked() -> None:
    text = plan_of(
        [
            resource(
                "aws_instance.web",
                {
                    "instance_type": "m5.large",
                    "tags": {"Team": "a"},
                    "tags_all": {"Team": "a"},
                    "root_block_device": [{"volume_size": 8}],
                },
            ),
        ],
        {
            "aws_instance.web": {
                "tags_all": {"Owner": True},
                "root_block_device": [{"volume_type": True}],
            },
        },
    )
    res = by_address(load_text(text, Path.cwd()))["aws_instance.web"]

    assert res.kind == "terraform"
    assert res.attrs["tags_all"]["Team"] == "a"
    assert isinstance(res.attrs["tags_all"]["Owner"], Unknown)
    device = res.attrs["root_block_device"][0]
    assert isinstance(device["volume_type"], Unknown)


def test_deleted_resources_and_data_sources_are_skipped() -> None:
    loaded = load_text(PLAN.read_text(encoding="utf-8"), FIXTURES)
    addresses = set(by_address(loaded))

    assert "aws_instance.legacy" not in addresses
    assert not any(a.startswith("data.") for a in addresses)
    assert len(addresses) == 11


def test_lifecycle_bucket_links_through_configuration_references() -> None:
    loaded = load_text(PLAN.read_text(encoding="utf-8"), FIXTURES)
    config = by_address(loaded)["aws_s3_bucket_lifecycle_configuration.logs"]

    bucket = config.attrs["bucket"]
    assert isinstance(bucket, Reference)
    assert bucket.address == 'aws_s3_bucket.logs["raw"]'


def test_changes_missing_from_planned_values_are_read() -> None:
    """C16 lists its lifecycle configuration only in resource_changes."""
    text = (FIXTURES.parent.parent / "cases" / "C16" / "plan.json").read_text()
    res = by_address(load_text(text, Path.cwd()))

    assert set(res) == {
        "aws_s3_bucket.artifacts",
        "aws_s3_bucket_lifecycle_configuration.artifacts",
    }
    config = res["aws_s3_bucket_lifecycle_configuration.artifacts"]
    assert config.attrs["rule"][0]["status"] == "Enabled"
    assert config.location.line == 47


def test_default_tags_fill_in_when_the_plan_has_no_tags_all() -> None:
    text = plan_of(
        [resource("aws_sqs_queue.jobs", {"name": "jobs", "tags": {"A": "1"}})],
        configuration={
            "provider_config": {
                "aws": {
                    "name": "aws",
                    "expressions": {
                        "default_tags": [
                            {"tags": {"constant_value": {"B": "2"}}},
                        ],
                    },
                },
            },
            "root_module": {
                "resources": [
                    {
                        "address": "aws_sqs_queue.jobs",
                        "mode": "managed",
                        "type": "aws_sqs_queue",
                        "name": "jobs",
                        "provider_config_key": "aws",
                        "expressions": {"name": {"constant_value": "jobs"}},
                    },
                ],
            },
        },
    )
    res = by_address(load_text(text, Path.cwd()))["aws_sqs_queue.jobs"]

    assert res.attrs["tags_all"] == {"A": "1", "B": "2"}
    assert not isinstance(res.attrs["tags_all"], OpenMap)


def test_module_instances_map_to_their_module_block(tmp_path: Path) -> None:
    (tmp_path / "modules" / "pool").mkdir(parents=True)
    (tmp_path / "main.tf").write_text(
        'module "pool" {\n'
        '  for_each = toset(["a", "b"])\n'
        '  source   = "./modules/pool"\n'
        "}\n",
    )
    (tmp_path / "modules" / "pool" / "main.tf").write_text(
        "\n"
        'resource "aws_instance" "node" {\n'
        "  count         = 1\n"
        '  ami           = "ami-0123456789abcdef0"\n'
        '  instance_type = "m3.large"\n'
        "}\n",
    )
    address = 'module.pool["a"].aws_instance.node[0]'
    text = plan_of(
        [resource(address, {"instance_type": "m3.large"})],
    )
    (tmp_path / "plan.json").write_text(text)

    result = scan([tmp_path / "plan.json"], make_settings())

    found = [
        (f.rule, f.location.file, f.location.line, f.address)
        for f in result.findings
        if f.rule == "previous-generation-instance"
    ]
    assert found == [
        (
            "previous-generation-instance",
            str(tmp_path / "modules" / "pool" / "main.tf"),
            5,
            address,
        ),
    ]


def test_environment_can_come_from_a_plan_variable(tmp_path: Path) -> None:
    text = plan_of(
        [resource("aws_instance.big", {"instance_type": "m7i.8xlarge"})],
        variables={"environment": {"value": "staging"}},
    )
    settings = make_settings(
        rules={"oversized-instance": {"environment_variable": "environment"}},
    )
    (tmp_path / "plan.json").write_text(text)
    result = scan([tmp_path / "plan.json"], settings)

    assert hits(result, "oversized-instance") == [
        ("oversized-instance", "plan.json", 14),
    ]
    oversized = [f for f in result.findings if f.rule == "oversized-instance"]
    assert "larger than staging allows" in oversized[0].message


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        pytest.param(
            {"format_version": "1.2", "planned_values": {}},
            True,
            id="plan",
        ),
        pytest.param(
            {"format_version": "1.0", "values": {}},
            False,
            id="state",
        ),
        pytest.param(
            {"Version": "2012-10-17", "Statement": []},
            False,
            id="policy",
        ),
        pytest.param({"name": "web", "version": "1.0.0"}, False, id="npm"),
        pytest.param([], False, id="list"),
    ],
)
def test_plans_are_recognised(doc: Any, expected: bool) -> None:
    assert detect_plan(doc) is expected


def run_cli(*args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(
        main,
        ["scan", "--isolated", *args],
        input=stdin,
        catch_exceptions=False,
    )


def test_unsupported_format_version_exits_2_with_one_sentence(
    tmp_path: Path,
) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text('{\n  "format_version": "2.0",\n  "planned_values": {}\n}')

    outcome = run_cli(str(plan))

    assert outcome.exit_code == 2
    line = outcome.output.splitlines()[0]
    assert line == (
        f"{plan}:2:3: parse-error: Terraform plan format_version '2.0' is "
        "not supported (costlint reads format 1.x, the output of "
        "`terraform show -json PLANFILE`)"
    )


def test_state_json_is_not_a_plan(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text('{"format_version": "1.0", "values": {}}')

    named = run_cli(str(state))
    walked = run_cli(str(tmp_path))

    assert named.exit_code == 2
    assert "no format costlint reads" in named.output
    assert walked.exit_code == 0


def test_other_json_is_skipped_in_a_walk_and_refused_by_name(
    tmp_path: Path,
) -> None:
    (tmp_path / "package.json").write_text('{"name": "web"}')
    shutil.copy(PLAN, tmp_path / "plan.json")

    walked = run_cli(str(tmp_path))
    named = run_cli(str(tmp_path / "package.json"))

    assert walked.exit_code == 1
    assert "parse-error" not in walked.output
    assert named.exit_code == 2
    assert "no format costlint reads" in named.output


def test_plan_on_standard_input(tmp_path: Path) -> None:
    outcome = run_cli(
        "-",
        "--format",
        "json",
        "--source",
        str(PROJECT),
        stdin=PLAN.read_text(encoding="utf-8"),
    )

    report = json.loads(outcome.output)
    assert outcome.exit_code == 1
    rules = {(f["rule"], Path(f["file"]).name) for f in report["findings"]}
    assert ("unknown-instance-type", "main.tf") in rules
    assert report["summary"]["resources"] == 11


def test_plan_on_standard_input_without_source_names_stdin() -> None:
    outcome = run_cli("-", stdin=PLAN.read_text(encoding="utf-8"))

    assert outcome.exit_code == 1
    assert "<stdin>:34:" in outcome.output


def test_dynamic_blocks_in_source_keep_unknowns(tmp_path: Path) -> None:
    """The plan's configuration omits dynamic blocks; the .tf shows them."""
    (tmp_path / "main.tf").write_text(
        'resource "aws_s3_bucket" "logs" {\n'
        '  bucket = "logs"\n'
        "\n"
        '  dynamic "lifecycle_rule" {\n'
        "    for_each = var.rules\n"
        "    content {\n"
        "      enabled = true\n"
        "    }\n"
        "  }\n"
        "}\n",
    )
    bucket = resource("aws_s3_bucket.logs", {"bucket": "logs"})
    configuration = {
        "root_module": {
            "resources": [
                {
                    "address": "aws_s3_bucket.logs",
                    "mode": "managed",
                    "type": "aws_s3_bucket",
                    "name": "logs",
                    "expressions": {"bucket": {"constant_value": "logs"}},
                },
            ],
        },
    }
    text = plan_of(
        [bucket],
        {"aws_s3_bucket.logs": {"lifecycle_rule": True}},
        configuration=configuration,
    )

    with_source = by_address(load_text(text, tmp_path, tmp_path))
    without = by_address(load_text(text, tmp_path, tmp_path / "none"))

    rules = with_source["aws_s3_bucket.logs"].attrs["lifecycle_rule"]
    assert isinstance(rules, Unknown)
    assert "lifecycle_rule" not in without["aws_s3_bucket.logs"].attrs
