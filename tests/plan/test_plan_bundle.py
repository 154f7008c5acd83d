"""The bundle settings of the instance rules, and their schema."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import TESTS
from costlint.config import ConfigError, default_bundle_path, load_settings


def test_default_bundle_limits_non_production() -> None:
    settings = load_settings(TESTS, isolated=True)
    options = settings.rules["oversized-instance"].options

    assert options["environment_tag"] == "Environment"
    assert options["limits"] == {
        "development": {"max_size": "2xlarge", "max_vcpu": 8},
        "test": {"max_size": "2xlarge", "max_vcpu": 8},
        "staging": {"max_size": "2xlarge", "max_vcpu": 8},
    }
    assert settings.rules["previous-generation-instance"].enabled
    assert settings.rules["unknown-instance-type"].options["allow"] == []


@pytest.mark.parametrize(
    ("rule", "table", "where"),
    [
        pytest.param(
            "oversized-instance",
            {"limits": {"development": {"max_size": "huge"}}},
            "rules.oversized-instance.limits.development.max_size",
            id="size-name",
        ),
        pytest.param(
            "oversized-instance",
            {"limits": {"development": {"max_vcpu": 0}}},
            "rules.oversized-instance.limits.development.max_vcpu",
            id="vcpu-zero",
        ),
        pytest.param(
            "oversized-instance",
            {"limits": {"development": {"max_cpus": 8}}},
            "rules.oversized-instance.limits.development",
            id="unknown-limit-key",
        ),
        pytest.param(
            "unknown-instance-type",
            {"allow": "m9i.*"},
            "rules.unknown-instance-type.allow",
            id="allow-not-a-list",
        ),
    ],
)
def test_bad_settings_are_refused_naming_the_key(
    tmp_path: Path,
    rule: str,
    table: dict[str, object],
    where: str,
) -> None:
    bundle = yaml.safe_load(default_bundle_path().read_text())
    bundle["rules"][rule] = table
    path = tmp_path / "bundle.yaml"
    path.write_text(yaml.safe_dump(bundle))
    (tmp_path / ".costlint.yaml").write_text("bundle: bundle.yaml\n")

    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path)

    assert f"invalid config at {where}:" in str(caught.value)
