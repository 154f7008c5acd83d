"""Loading Kubernetes YAML: safety, positions, streams and skipping."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import run_scan
from costlint.cli import main
from costlint.loaders import LoadContext
from costlint.loaders.yaml_docs import MAX_ALIAS_NODES, load_yaml_text
from costlint.model import Loaded

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: web:1
          resources:
            requests: {cpu: 100m}
"""


def _load(text: str) -> Loaded:
    return load_yaml_text(text, "in.yaml", LoadContext(base=Path.cwd()))


def _problems(loaded: Loaded) -> list[str]:
    return [str(problem) for problem in loaded.problems]


def test_resource_record_shape() -> None:
    loaded = _load(DEPLOYMENT)

    (res,) = loaded.resources
    assert (res.kind, res.type, res.address) == (
        "kubernetes",
        "Deployment",
        "Deployment/default/web",
    )
    assert (res.location.line, res.location.end_line) == (2, 12)
    assert res.attrs["spec"]["template"]["spec"]["containers"][0]["name"] == (
        "web"
    )
    path = ("spec", "template", "spec", "containers", 0, "resources")
    assert (res.locate(path).line, res.locate(path).column) == (11, 11)
    assert res.locate((*path[:-1], "image")).line == 10
    assert res.locate(("spec", "template", "spec", "containers", 0)).line == 9


def test_cluster_scoped_address_has_no_namespace() -> None:
    loaded = _load(
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\n"
        "metadata: {name: fast, namespace: ignored}\n"
        "provisioner: ebs.csi.aws.com\n",
    )

    assert [r.address for r in loaded.resources] == ["StorageClass/fast"]


def test_every_kind_is_kept_including_custom_resources() -> None:
    loaded = _load(
        "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\n"
        "metadata: {name: require-labels}\nspec: {rules: []}\n"
        "---\napiVersion: example.com/v1\nkind: Widget\n"
        "metadata: {name: w, namespace: team}\n",
    )

    assert [r.address for r in loaded.resources] == [
        "ClusterPolicy/require-labels",
        "Widget/team/w",
    ]


def test_multi_document_stream_keeps_each_documents_lines() -> None:
    text = (
        "# leading comment\n"
        "---\n"
        "# a document holding only a comment\n"
        "---\n"
        "---\n" + DEPLOYMENT + "---\n" + DEPLOYMENT.replace("web", "api")
    )

    loaded = _load(text)

    assert [(r.address, r.location.line) for r in loaded.resources] == [
        ("Deployment/default/web", 7),
        ("Deployment/default/api", 20),
    ]
    assert [r.context["document"] for r in loaded.resources] == [3, 4]


def test_list_items_become_resources_with_their_own_lines() -> None:
    text = """\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: a}
  - not an object
  - apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: b
      namespace: prod
    spec:
      replicas: 1
"""

    loaded = _load(text)

    assert [(r.address, r.location.line) for r in loaded.resources] == [
        ("ConfigMap/default/a", 5),
        ("Deployment/prod/b", 9),
    ]
    assert loaded.resources[1].locate(("spec", "replicas")).line == 14


def test_yaml_that_is_not_kubernetes_is_skipped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    workflow = (
        "name: ci\non:\n  push: {branches: [main]}\njobs:\n"
        "  test:\n    runs-on: ubuntu-latest\n"
    )
    values = "replicaCount: 2\nimage: {repository: nginx}\n"
    chart = "apiVersion: v2\nname: demo\nversion: 0.1.0\n"

    with caplog.at_level(logging.DEBUG, logger="costlint"):
        loaded = _load(workflow + "---\n" + values + "---\n" + chart)

    assert loaded.resources == []
    assert loaded.problems == []
    assert "in.yaml document 1: not a Kubernetes manifest" in caplog.text


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n b: c\n", "5:2"),
        ("apiVersion: v1\nkind: [Pod\n", "3:1"),
        ("a: 'unterminated\n", "2:1"),
        ("kind: Pod\n\tname: tab\n", "2:1"),
    ],
    ids=["bad-indent", "open-flow", "open-quote", "tab"],
)
def test_invalid_yaml_is_a_parse_error_with_position(
    text: str,
    where: str,
) -> None:
    problems = _problems(_load(text))

    assert len(problems) == 1
    assert problems[0].startswith(f"in.yaml:{where}: parse-error: invalid")


def test_documents_before_a_broken_one_are_kept() -> None:
    loaded = _load(DEPLOYMENT + "---\nkind: [\n")

    assert [r.address for r in loaded.resources] == ["Deployment/default/web"]
    assert len(loaded.problems) == 1


def test_unsafe_tag_is_refused_not_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "constructed"
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"
        "data:\n"
        f"  run: !!python/object/apply:os.system ['touch {marker}']\n"
    )

    loaded = _load(text)

    assert loaded.resources == []
    assert _problems(loaded) == [
        "in.yaml:5:8: parse-error: unsafe YAML tag "
        "!!python/object/apply:os.system refused (only plain data is read)",
    ]
    assert not marker.exists()


def test_unsafe_tag_fails_the_scan(tmp_path: Path) -> None:
    (tmp_path / "evil.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: !!python/name:os.system\n",
    )

    result = CliRunner().invoke(main, ["scan", "--isolated", str(tmp_path)])

    assert result.exit_code == 2
    assert "evil.yaml:3:11: parse-error: unsafe YAML tag" in result.output


def test_billion_laughs_fails_fast() -> None:
    lines = ["apiVersion: v1", "kind: ConfigMap", 'a0: &a0 ["lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    lines.append("data: {boom: *a9}")

    started = time.perf_counter()
    loaded = _load("\n".join(lines) + "\n")
    elapsed = time.perf_counter() - started

    assert elapsed < 2
    assert loaded.resources == []
    (problem,) = _problems(loaded)
    assert f"aliases expand to more than {MAX_ALIAS_NODES:,} values" in (
        problem
    )


def test_alias_containing_itself_is_refused() -> None:
    problems = _problems(_load("apiVersion: v1\nkind: X\nloop: &a [*a]\n"))

    assert problems == [
        "in.yaml:3:7: parse-error: alias refers to a node containing it",
    ]


def test_modest_anchors_and_merge_keys_are_expanded() -> None:
    text = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: &labels {team: core, service: web}
spec:
  template:
    metadata:
      labels:
        <<: *labels
        service: web-pods
"""

    (res,) = _load(text).resources

    template_labels = res.attrs["spec"]["template"]["metadata"]["labels"]
    assert template_labels == {"team": "core", "service": "web-pods"}
    assert res.attrs["metadata"]["labels"] == {
        "team": "core",
        "service": "web",
    }


def test_nesting_beyond_the_parser_limit_is_a_parse_error() -> None:
    problems = _problems(_load("a: " + "[" * 5000 + "]" * 5000 + "\n"))

    assert len(problems) == 1
    assert "parse-error" in problems[0]


def test_scalars_are_plain_data() -> None:
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
        "data: {when: 2024-01-02, n: 3, f: 0.5, yes_: yes, nothing: ~, "
        "ref: !Ref Bucket}\n"
    )

    (res,) = _load(text).resources

    assert res.attrs["data"] == {
        "when": "2024-01-02",
        "n": 3,
        "f": 0.5,
        "yes_": True,
        "nothing": None,
        "ref": "Bucket",
    }


def test_kustomize_patches_and_helm_templates_are_not_manifests(
    tmp_path: Path,
) -> None:
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        "resources: [app.yaml]\npatches:\n  - path: patch.yaml\n",
    )
    (overlay / "app.yaml").write_text(DEPLOYMENT)
    (overlay / "patch.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
        "spec: {replicas: 1}\n",
    )
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\n")
    template = chart / "templates" / "deployment.yaml"
    template.write_text("{{- if .Values.enabled }}\nkind: Deployment\n")

    walked = run_scan(tmp_path)
    named = run_scan(template)

    assert sorted(
        (Path(f.location.file).name, f.address) for f in walked.findings
    ) == [
        ("app.yaml", "Deployment/default/web"),
        ("app.yaml", "Deployment/default/web"),
        ("app.yaml", "Deployment/default/web"),
    ]
    assert walked.problems == []
    assert [p.reason for p in named.problems] == [
        "a Helm chart template, not a manifest (scan the output of "
        "`helm template ... | costlint scan -`)",
    ]


def test_helm_output_on_stdin() -> None:
    rendered = "---\n# Source: demo/templates/deployment.yaml\n" + DEPLOYMENT

    result = CliRunner().invoke(
        main,
        ["scan", "--isolated", "-"],
        input=rendered,
    )

    assert result.exit_code == 1
    assert (
        "<stdin>:11:11: warning missing-requests: Deployment/default/web: "
        "container web sets no memory request"
    ) in result.output


def test_invalid_yaml_on_stdin_exits_2() -> None:
    result = CliRunner().invoke(
        main,
        ["scan", "--isolated", "-"],
        input="apiVersion: v1\nkind: Pod\n  bad: indent\n",
    )

    assert result.exit_code == 2
    assert "<stdin>:3:6: parse-error: invalid YAML" in result.output
