"""missing-requests: containers without CPU or memory requests."""

from __future__ import annotations

from conftest import TESTS, hits, make_settings, run_scan
from costlint.engine import ScanResult

FIXTURES = TESTS / "rules" / "fixtures" / "missing_requests"
RULE = "missing-requests"


def _messages(result: ScanResult) -> list[str]:
    return [f.message for f in result.findings if f.rule == RULE]


def test_bad_fixtures_point_at_each_container() -> None:
    result = run_scan(FIXTURES / "bad")

    assert sorted(hits(result, RULE)) == [
        (RULE, "cronjob.yaml", 14),
        (RULE, "deployment.yaml", 17),
        (RULE, "deployment.yaml", 19),
        (RULE, "multi.yaml", 41),
    ]
    messages = sorted(_messages(result))
    assert messages[0].startswith("container broker sets no cpu request")
    assert messages[1].startswith("container cleanup sets no cpu or memory")
    assert messages[2].startswith("container sidecar sets no memory request")


def test_good_fixtures_have_no_finding() -> None:
    result = run_scan(FIXTURES / "good")

    assert hits(result, RULE) == []


def test_init_containers_only_when_asked() -> None:
    settings = make_settings(
        rules={RULE: {"include_init_containers": True}},
    )

    result = run_scan(FIXTURES / "good" / "workloads.yaml", settings)

    assert hits(result, RULE) == [(RULE, "workloads.yaml", 17)]
    assert _messages(result)[0].startswith(
        "init container migrate sets no cpu or memory request",
    )


def test_memory_limit_only_when_asked() -> None:
    settings = make_settings(rules={RULE: {"require_memory_limit": True}})

    result = run_scan(FIXTURES / "good" / "limitrange.yaml", settings)

    # The LimitRange's `default` gives the Job's container a memory
    # limit and the Pod sets one for the whole pod; the Deployment's
    # log shipper sets its own.
    assert hits(result, RULE) == []

    result = run_scan(FIXTURES / "bad" / "multi.yaml", settings)

    assert hits(result, RULE) == [
        (RULE, "multi.yaml", 21),
        (RULE, "multi.yaml", 41),
        (RULE, "multi.yaml", 41),
    ]
    assert _messages(result) == [
        "container api sets no memory limit (it may grow into memory "
        "promised to other pods)",
        "container broker sets no cpu request (the scheduler and cost "
        "tools treat it as free)",
        "container broker sets no memory limit (it may grow into memory "
        "promised to other pods)",
    ]
