"""gp2-volume: bad and good fixtures, exact lines."""

from __future__ import annotations

from pathlib import Path

from conftest import hits, run_scan

FIXTURES = Path(__file__).parent / "fixtures" / "gp2_volume"
RULE = "gp2-volume"


def test_bad_fixture_findings() -> None:
    result = run_scan(FIXTURES / "bad")

    assert hits(result, RULE) == [
        (RULE, "main.tf", 4),
        (RULE, "main.tf", 7),
        (RULE, "main.tf", 17),
        (RULE, "main.tf", 27),
        (RULE, "main.tf", 37),
        (RULE, "main.tf", 42),
    ]


def test_unset_type_message_names_the_default() -> None:
    result = run_scan(FIXTURES / "bad")
    implicit = [f for f in result.findings if f.address.endswith("implicit")]

    assert implicit[0].rule == RULE
    assert "not set, so the provider creates gp2" in implicit[0].message
    assert "20% cheaper" in implicit[0].message


def test_good_fixture_is_clean_and_unknown_type_is_noted() -> None:
    result = run_scan(FIXTURES / "good")

    assert hits(result, RULE) == []
    notes = [(n.rule, n.address) for n in result.unresolved]
    assert notes == [(RULE, "aws_ebs_volume.chosen")]


def test_devices_tfparse_may_lose_are_noted(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_instance" "i" {\n'
        '  dynamic "ebs_block_device" {\n'
        '    for_each = { "/dev/sdf" = "gp2" }\n'
        "    content {\n"
        "      device_name = ebs_block_device.key\n"
        "      volume_type = ebs_block_device.value\n"
        "    }\n"
        "  }\n"
        '  root_block_device {\n    volume_type = "gp3"\n  }\n'
        "}\n",
    )

    result = run_scan(tmp_path)

    notes = [n for n in result.unresolved if n.rule == RULE]
    assert len(notes) == 1
    assert "ebs_block_device" in notes[0].reason
