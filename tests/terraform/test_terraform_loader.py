"""The Terraform loader: evaluation, providers, modules, unknowns."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from conftest import hits, make_settings, run_scan
from costlint.loaders import LoadContext
from costlint.loaders.terraform.loader import load_terraform
from costlint.model import Loaded, OpenMap, Reference, Resource, Unknown


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def load(root: Path) -> Loaded:
    files = sorted(p for p in root.rglob("*.tf") if ".terraform" not in str(p))
    return load_terraform(files, LoadContext(base=root))


def by_address(loaded: Loaded) -> dict[str, Resource]:
    return {res.address: res for res in loaded.resources}


PROVIDERS = """
provider "aws" {
  default_tags {
    tags = { Team = "core" }
  }
}

provider "aws" {
  alias = "eu"
  default_tags {
    tags = { Team = "eu" }
  }
}
"""


def test_for_each_instances_have_addresses_and_lines(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
resource "aws_s3_bucket" "logs" {
  for_each = toset(["raw", "clean"])
  bucket   = "logs-${each.key}"
}
"""
        },
    )

    resources = by_address(load(tmp_path))

    assert sorted(resources) == [
        'aws_s3_bucket.logs["clean"]',
        'aws_s3_bucket.logs["raw"]',
    ]
    raw = resources['aws_s3_bucket.logs["raw"]']
    assert (raw.location.file, raw.location.line) == ("main.tf", 2)
    assert raw.attrs["bucket"] == "logs-raw"


def test_default_tags_follow_alias_and_module_providers(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        {
            "providers.tf": PROVIDERS,
            "main.tf": """
resource "aws_sqs_queue" "home" {}

resource "aws_sqs_queue" "away" {
  provider = aws.eu
}

module "passed" {
  source    = "./mod"
  providers = { aws = aws.eu }
}

module "inherited" {
  source = "./mod"
}
""",
            "mod/main.tf": 'resource "aws_sns_topic" "t" {}\n',
        },
    )

    resources = by_address(load(tmp_path))

    def team(address: str) -> object:
        return resources[address].attrs["tags_all"].get("Team")

    assert team("aws_sqs_queue.home") == "core"
    assert team("aws_sqs_queue.away") == "eu"
    assert team("module.passed.aws_sns_topic.t") == "eu"
    assert team("module.inherited.aws_sns_topic.t") == "core"


def test_resource_tags_override_default_tags(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "providers.tf": PROVIDERS,
            "main.tf": 'resource "aws_sqs_queue" "q" {\n'
            '  tags = { Team = "mine" }\n}\n',
        },
    )

    [queue] = load(tmp_path).resources

    assert queue.attrs["tags_all"] == {"Team": "mine"}


def test_module_resources_point_at_module_files(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "env/main.tf": 'module "net" {\n  source = "../modules/net"\n}\n',
            "modules/net/main.tf": '\n\nresource "aws_ebs_volume" "data" {\n'
            "  size = 10\n}\n",
        },
    )

    loaded = load(tmp_path)

    [volume] = loaded.resources
    assert volume.address == "module.net.aws_ebs_volume.data"
    assert volume.location.file == "modules/net/main.tf"
    assert volume.location.line == 3


def test_called_module_is_not_evaluated_twice(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'module "a" {\n  source = "./m"\n}\n'
            'module "b" {\n  source = "./m"\n}\n',
            "m/main.tf": 'resource "aws_ebs_volume" "v" {\n'
            '  type = "gp2"\n}\n',
        },
    )

    addresses = sorted(res.address for res in load(tmp_path).resources)

    assert addresses == [
        "module.a.aws_ebs_volume.v",
        "module.b.aws_ebs_volume.v",
    ]


def test_tfvars_and_auto_tfvars_apply(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'variable "a" {}\nvariable "b" {\n  default = "x"\n}\n'
            'resource "aws_sqs_queue" "q" {\n'
            "  tags = { A = var.a, B = var.b }\n}\n",
            "terraform.tfvars": 'a = "from-tfvars"\n',
            "z.auto.tfvars": 'b = "from-auto"\n',
        },
    )

    [queue] = load(tmp_path).resources

    assert queue.attrs["tags"] == {"A": "from-tfvars", "B": "from-auto"}


def test_merge_with_unknown_variable_is_open(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
variable "extra" {
  type = map(string)
}

resource "aws_sqs_queue" "q" {
  tags = merge(var.extra, { Team = "core" })
}
"""
        },
    )

    [queue] = load(tmp_path).resources

    tags = queue.attrs["tags"]
    assert isinstance(tags, OpenMap)
    assert tags == {"Team": "core"}
    assert "var.extra has no value" in tags.reason


def test_unknown_tags_are_unresolved_not_missing(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
data "aws_default_tags" "current" {}

module "remote" {
  source = "terraform-aws-modules/label/aws"
}

resource "aws_sqs_queue" "a" {
  tags = module.remote.tags
}

resource "aws_sqs_queue" "b" {
  tags = merge(local.base, { Team = "core" })
}

locals {
  base = data.aws_default_tags.current.tags
}
"""
        },
    )

    result = run_scan(tmp_path)

    assert hits(result, "missing-cost-tags") == []
    reasons = {n.address: n.reason for n in result.unresolved}
    assert "not available locally" in reasons["aws_sqs_queue.a"]
    assert "data.aws_default_tags.current" in reasons["aws_sqs_queue.b"]


def test_unknown_values_do_not_hide_known_keys(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
data "aws_caller_identity" "me" {}

locals {
  prefix = { value = "${data.aws_caller_identity.me.account_id}-app" }
}

resource "aws_sqs_queue" "q" {
  tags = merge(
    { Name = "${local.prefix.value}-q", Environment = local.prefix.value },
    { Team = "core" },
  )
}
"""
        },
    )

    [queue] = load(tmp_path).resources
    result = run_scan(tmp_path)

    tags = queue.attrs["tags"]
    assert not isinstance(tags, OpenMap)
    assert isinstance(tags["Environment"], Unknown)
    assert tags["Team"] == "core"
    assert hits(result, "missing-cost-tags") == [
        ("missing-cost-tags", "main.tf", 9),
    ]
    assert "Service, CostCenter" in result.findings[0].message


def test_module_variable_passed_by_caller_is_known(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'module "m" {\n  source = "./m"\n'
            '  tags   = { Team = "core" }\n}\n',
            "m/main.tf": 'variable "tags" {}\n'
            'resource "aws_sqs_queue" "q" {\n  tags = var.tags\n}\n',
        },
    )

    [queue] = load(tmp_path).resources

    assert queue.attrs["tags"] == {"Team": "core"}
    assert not isinstance(queue.attrs["tags"], OpenMap)


def test_unknown_for_each_is_reported_as_unresolved(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
variable "queues" {
  type = set(string)
}

resource "aws_sqs_queue" "q" {
  for_each = var.queues
  name     = each.key
}
"""
        },
    )

    loaded = load(tmp_path)

    assert loaded.resources == []
    [note] = loaded.unresolved
    assert note.address == "aws_sqs_queue.q"
    assert "instances are not known" in note.reason
    assert note.location.line == 6


def test_known_empty_for_each_is_silent(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
resource "aws_sqs_queue" "q" {
  for_each = toset([])
  name     = each.key
}
"""
        },
    )

    loaded = load(tmp_path)

    assert loaded.resources == []
    assert loaded.unresolved == []


def test_unknown_count_may_exist_so_attributes_are_judged(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
variable "create" {
  type = bool
}

resource "aws_ebs_volume" "scratch" {
  count             = var.create ? 1 : 0
  availability_zone = "eu-west-1a"
  size              = 500
  type              = "gp2"
}
"""
        },
    )

    result = run_scan(tmp_path, make_settings(required_tags={}))

    assert hits(result) == [("gp2-volume", "main.tf", 10)]


def test_lifecycle_bucket_reference_becomes_reference(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
resource "aws_s3_bucket" "b" {
  bucket_prefix = "x-"
}

resource "aws_s3_bucket_lifecycle_configuration" "b" {
  bucket = aws_s3_bucket.b.id
}
"""
        },
    )

    config = by_address(load(tmp_path))[
        "aws_s3_bucket_lifecycle_configuration.b"
    ]

    assert config.attrs["bucket"] == Reference(
        "aws_s3_bucket.b is only known after apply",
        "aws_s3_bucket.b",
    )


def test_attribute_positions_are_recorded(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
resource "aws_instance" "web" {
  instance_type = "m7i.large"

  root_block_device {
    volume_type = "gp2"
  }
}
"""
        },
    )

    [web] = load(tmp_path).resources

    assert web.locate(("instance_type",)).line == 3
    assert web.locate(("root_block_device", 0)).line == 5
    assert web.locate(("root_block_device", 0, "volume_type")).line == 6
    assert web.locate(("no_such",)).line == 2


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        pytest.param(
            'resource "aws_sqs_queue" "q" {\n  name = "x"\n',
            1,
            30,
            id="unclosed-block",
        ),
        pytest.param(
            'resource "aws_sqs_queue" "q" {\n  name = "x\n}\n',
            2,
            12,
            id="unterminated-string",
        ),
        pytest.param(
            "locals {\n  a = [1, 2\n}\n",
            3,
            1,
            id="unclosed-list",
        ),
    ],
)
def test_broken_file_is_a_parse_problem(
    tmp_path: Path,
    text: str,
    line: int,
    column: int,
) -> None:
    write(tmp_path, {"ok.tf": 'resource "aws_sqs_queue" "ok" {}\n'})
    write(tmp_path, {"broken.tf": text})

    loaded = load(tmp_path)

    [problem] = loaded.problems
    assert problem.location.file == "broken.tf"
    assert problem.location.line == line
    assert problem.location.column == column
    assert [r.address for r in loaded.resources] == ["aws_sqs_queue.ok"]


def test_empty_and_comment_only_files_are_fine(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "empty.tf": "",
            "comments.tf": "# nothing here yet\n// or here\n",
            "main.tf": 'resource "aws_sqs_queue" "q" {}\n',
        },
    )

    assert load(tmp_path).problems == []


def test_non_utf8_file_is_a_parse_problem(tmp_path: Path) -> None:
    (tmp_path / "latin1.tf").write_bytes(
        b'resource "aws_sqs_queue" "q" {\n  name = "caf\xe9"\n}\n',
    )

    [problem] = load(tmp_path).problems

    assert "not UTF-8" in problem.reason
    assert (problem.location.line, problem.location.column) == (2, 14)


def test_broken_tf_json_is_a_parse_problem(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf.json": '{"resource": {\n  "aws_sqs_queue": \n'})
    files = [tmp_path / "main.tf.json"]

    loaded = load_terraform(files, LoadContext(base=tmp_path))

    [problem] = loaded.problems
    assert problem.location.file == "main.tf.json"
    assert problem.location.line >= 2


def test_tfparse_log_lines_do_not_reach_stderr(
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'check "x" {\n  assert {\n'
            "    condition     = true\n"
            '    error_message = "x"\n  }\n}\n'
        },
    )

    load(tmp_path)

    assert capfd.readouterr().err == ""


def test_unknown_value_markers_become_unknown(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
variable "env" {}

resource "aws_instance" "web" {
  instance_type = "${var.env == "prod" ? "m7i" : "t3"}.large"
  ami           = var.env
}
"""
        },
    )

    [web] = load(tmp_path).resources

    assert isinstance(web.attrs["instance_type"], Unknown)
    assert isinstance(web.attrs["ami"], Unknown)


def test_evaluator_crash_is_a_parse_problem(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": 'variable "x" {\n  type = list(strin)\n}\n'})

    [problem] = load(tmp_path).problems

    assert "crashed" in problem.reason or "strin" in problem.reason


def test_stray_closing_bracket_does_not_hang(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": ')\nresource "aws_sqs_queue" "q" {\n]\n}\n'})

    [problem] = load(tmp_path).problems

    assert problem.location.line == 1


def test_broken_module_outside_the_tree_is_reported(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "root/main.tf": 'module "m" {\n  source = "../shared"\n}\n',
            "shared/main.tf": 'resource "aws_sqs_queue" "q" {\n  name = 1\n',
        },
    )
    files = [tmp_path / "root" / "main.tf"]

    loaded = load_terraform(files, LoadContext(base=tmp_path))

    assert [p.location.file for p in loaded.problems] == ["shared/main.tf"]


def test_module_call_tfparse_drops_is_noted(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "root/main.tf": 'resource "random_string" "s" {\n  length = 4\n}\n'
            'module "a" {\n  source = "../mod"\n'
            "  name   = random_string.s.result\n}\n"
            'module "b" {\n  source = "../mod"\n  name   = "b"\n}\n',
            "mod/main.tf": 'variable "name" {}\n'
            'resource "aws_ebs_volume" "v" {\n  size = 1\n}\n',
        },
    )

    loaded = load(tmp_path / "root")
    seen = {r.address.split(".aws_")[0] for r in loaded.resources}
    seen |= {n.address for n in loaded.unresolved}

    assert {"module.a", "module.b"} <= seen


def test_values_read_from_files_never_reach_attributes(
    tmp_path: Path,
) -> None:
    (tmp_path / "secret.txt").write_text("hunter2")
    write(
        tmp_path,
        {
            "main.tf": 'resource "aws_sqs_queue" "q" {\n'
            '  tags = { Team = file("secret.txt") }\n}\n',
        },
    )

    [queue] = load(tmp_path).resources

    assert isinstance(queue.attrs["tags"]["Team"], Unknown)
    assert "hunter2" not in repr(queue.attrs)


def test_literal_null_tags_mean_no_tags(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"main.tf": 'resource "aws_sqs_queue" "q" {\n  tags = null\n}\n'},
    )

    result = run_scan(tmp_path)

    assert hits(result) == [("missing-cost-tags", "main.tf", 2)]


def test_override_files_are_noted_not_merged(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'resource "aws_ebs_volume" "v" {\n  type = "gp2"\n}\n',
            "main_override.tf": 'resource "aws_ebs_volume" "v" {\n'
            '  type = "gp3"\n}\n',
        },
    )

    loaded = load(tmp_path)

    assert loaded.resources == []
    [note] = loaded.unresolved
    assert "main_override.tf overrides it" in note.reason


def test_named_file_reports_only_itself_but_checks_siblings(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        {
            "a.tf": 'resource "aws_ebs_volume" "a" {\n  type = "gp2"\n}\n',
            "b.tf": 'resource "aws_ebs_volume" "b" {\n  type = "gp2"\n}\n',
            "c.tf": 'resource "aws_ebs_volume" "c" {\n',
        },
    )

    result = run_scan(tmp_path / "a.tf", make_settings(required_tags={}))

    assert hits(result) == [("gp2-volume", "a.tf", 2)]
    assert [Path(p.location.file).name for p in result.problems] == ["c.tf"]


def test_tfvars_json_sets_variables(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'variable "team" {}\nresource "aws_sqs_queue" "q" {\n'
            "  tags = { Team = var.team }\n}\n",
            "terraform.tfvars.json": '{"team": "core"}',
        },
    )

    [queue] = load(tmp_path).resources

    assert queue.attrs["tags"] == {"Team": "core"}


def test_excludes_apply_to_module_files(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'module "m" {\n  source = "./vendor/m"\n}\n',
            "vendor/m/main.tf": 'resource "aws_ebs_volume" "v" {\n'
            '  type = "gp2"\n}\n',
        },
    )
    settings = make_settings(required_tags={})
    settings = dataclasses.replace(
        settings,
        exclude=("vendor/**",),
        base=tmp_path,
    )

    result = run_scan(tmp_path, settings)

    assert hits(result) == []


def test_for_each_over_computed_keys_has_a_stable_address(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'resource "aws_sqs_queue" "src" {}\n'
            'resource "aws_sqs_queue" "q" {\n'
            "  for_each = toset([aws_sqs_queue.src.arn])\n}\n",
        },
    )

    addresses = {r.address for r in load(tmp_path).resources}

    assert addresses == {"aws_sqs_queue.src", "aws_sqs_queue.q[*]"}


def test_tags_from_another_resources_tags_all_are_unknown(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'resource "aws_sqs_queue" "src" {}\n'
            'resource "aws_sqs_queue" "q" {\n'
            "  tags = merge({ A = 1 }, aws_sqs_queue.src.tags_all)\n}\n",
        },
    )

    result = run_scan(tmp_path)

    assert [f.address for f in result.findings] == ["aws_sqs_queue.src"]
    [note] = [n for n in result.unresolved if n.address == "aws_sqs_queue.q"]
    assert "tags_all is only known after apply" in note.reason


def test_named_file_is_reported_even_when_excluded(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "sandbox/main.tf": 'resource "aws_ebs_volume" "v" {\n'
            '  type = "gp2"\n}\n'
        },
    )
    settings = make_settings(required_tags={})
    settings = dataclasses.replace(
        settings,
        exclude=("sandbox/**",),
        base=tmp_path,
    )

    result = run_scan(tmp_path / "sandbox" / "main.tf", settings)

    assert hits(result) == [("gp2-volume", "main.tf", 2)]


def test_slow_evaluation_is_one_bounded_problem(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from costlint.loaders.terraform import evaluate, worker

    calls = []

    def too_slow(path: str, **_kwargs: object) -> None:
        calls.append(path)
        raise worker.WorkerFailure(
            "Terraform evaluation took longer than 120 s",
            timed_out=True,
        )

    write(
        tmp_path,
        {
            "a.tf": 'resource "aws_sqs_queue" "a" {}\n',
            "b.tf": 'resource "aws_sqs_queue" "b" {}\n',
        },
    )
    monkeypatch.setattr(evaluate, "load_from_path", too_slow)

    loaded = load(tmp_path)

    assert [p.reason for p in loaded.problems] == [
        "Terraform evaluation took longer than 120 s",
    ]
    assert len(calls) == 1


def test_linked_variable_file_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.tfvars"
    outside.write_text('t = "SECRET"\n')
    write(
        tmp_path,
        {
            "root/main.tf": 'variable "t" {}\nresource "aws_sqs_queue" "q" {\n'
            "  tags = { Team = var.t }\n}\n",
        },
    )
    (tmp_path / "root" / "terraform.tfvars").symlink_to(outside)

    loaded = load(tmp_path / "root")

    assert [p.reason for p in loaded.problems] == [
        "variable file is a link or not a regular file; not read",
    ]
    assert "SECRET" not in repr([r.attrs for r in loaded.resources])


def test_tf_json_terraform_cannot_read_is_a_problem(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf.json": '{"resource": {"aws_ebs_volume": {"v": '
            '{"type": "gp2"}}}, "locals": 5}',
        },
    )
    files = [tmp_path / "main.tf.json"]

    loaded = load_terraform(files, LoadContext(base=tmp_path))

    [problem] = loaded.problems
    assert "Incorrect JSON value type" in problem.reason
