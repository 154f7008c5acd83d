"""Find and read the project config and the policy bundle.

Precedence: `--config FILE` wins; otherwise the nearest `.costlint.yaml`
(or `[tool.costlint]` in `pyproject.toml`) from the scanned path up to
the repository root or the home directory; otherwise built-in defaults.
`--isolated` ignores every config file. The bundle comes from the
config's `bundle` key, else the packaged default bundle. Both files are
checked against their JSON Schemas, and unknown rules or options are
errors that name the key.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from costlint.model import Severity
from costlint.rules import rules_by_id
from costlint.suppress import (
    META_RULES,
    ConfigIgnore,
    IgnoreError,
    read_ignores,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

log = logging.getLogger(__name__)

CONFIG_NAMES = (".costlint.yaml", ".costlint.yml")
_RULE_KEYS = {"enabled", "severity"}


class ConfigError(Exception):
    """A config or bundle file that cannot be used; one sentence."""


@dataclass(frozen=True)
class RuleSettings:
    """Whether a rule runs, at which severity, with which options."""

    enabled: bool
    severity: Severity
    options: Mapping[str, Any]


@dataclass(frozen=True)
class Settings:
    """Everything a scan needs to know besides its inputs."""

    bundle: Mapping[str, Any]
    bundle_path: Path
    rules: Mapping[str, RuleSettings]
    exclude: tuple[str, ...] = ()
    fail_on: Severity | None = None
    config_path: Path | None = None
    base: Path = field(default_factory=Path.cwd)
    ignores: tuple[ConfigIgnore, ...] = ()


def default_bundle_path() -> Path:
    """The packaged bundle, or the checkout's when run from source."""
    packaged = resources.files("costlint").joinpath("policies/costlint.yaml")
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "policies" / "costlint.yaml"


def find_config(start: Path) -> Path | None:
    """The nearest config file at or above `start`, if any."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    home = Path.home().resolve()
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_tool_section(pyproject):
            return pyproject
        if (folder / ".git").exists() or folder == home:
            return None
    return None


def _has_tool_section(pyproject: Path) -> bool:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return "costlint" in data.get("tool", {})


def load_settings(
    start: Path,
    config_file: Path | None = None,
    isolated: bool = False,
) -> Settings:
    """Settings for a scan of `start`, from config, bundle and rules."""
    path = None if isolated else config_file or find_config(start)
    config = _read_config(path) if path else {}
    if path:
        log.info("using config %s", path)

    base = path.parent if path else Path.cwd()
    bundle_path = (
        base / config["bundle"]
        if "bundle" in config
        else default_bundle_path()
    )
    if "bundle" in config and not bundle_path.is_file():
        raise ConfigError(
            f"{path}: invalid config at bundle: {bundle_path} is not a file",
        )
    bundle = read_bundle(bundle_path)
    fail_on = config.get("fail_on")
    return Settings(
        bundle=bundle,
        bundle_path=bundle_path,
        rules=_rule_settings(bundle, bundle_path, config, path),
        exclude=tuple(config.get("exclude", ())),
        fail_on=Severity.parse(fail_on) if fail_on else None,
        config_path=path,
        base=base,
        ignores=_ignores(config, path),
    )


def _ignores(
    config: Mapping[str, Any],
    path: Path | None,
) -> tuple[ConfigIgnore, ...]:
    known = {*rules_by_id(), *(meta.id for meta in META_RULES)}
    try:
        return read_ignores(config.get("ignore"), known)
    except IgnoreError as exc:
        raise ConfigError(
            f"{path}: invalid config at {exc.where}: {exc}",
        ) from exc


def _read_config(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ConfigError(f"{path}: invalid config: not a regular file")
    if path.name == "pyproject.toml":
        data = _read_toml(path).get("tool", {}).get("costlint", {})
    else:
        data = _read_yaml(path) or {}
    _validate(data, _schema("config.schema.json"), path)
    return dict(data)


def read_bundle(path: Path) -> dict[str, Any]:
    """A policy bundle, checked against its schema."""
    data = _read_yaml(path)
    _validate(data, bundle_schema(), path)
    return dict(data)


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot read file ({exc.strerror})"
        ) from exc
    try:
        return yaml.load(text, Loader=_yaml_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ConfigError(f"{path}{where}: invalid config: {problem}") from exc


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text("utf-8"))
        return data
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: invalid config: {exc}") from exc


def _yaml_loader() -> type[yaml.SafeLoader]:
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def _schema(name: str) -> dict[str, Any]:
    text = resources.files("costlint.data").joinpath(name).read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


def bundle_schema() -> dict[str, Any]:
    """The bundle's JSON Schema, shipped beside the default bundle."""
    path = default_bundle_path().with_name("schema.json")
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


def _validate(data: Any, schema: Mapping[str, Any], path: Path) -> None:
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        where = ".".join(str(part) for part in first.absolute_path)
        at = f" at {where}" if where else ""
        raise ConfigError(f"{path}: invalid config{at}: {_describe(first)}")


def _describe(error: jsonschema.ValidationError) -> str:
    """The schema's complaint, without echoing a long value.

    A config may name any file as its bundle; what that file holds must
    not be copied into a CI log.
    """
    if len(repr(error.instance)) <= 80:
        return error.message
    kind = type(error.instance).__name__
    return f"a {kind} value fails the {error.validator!r} check"


def _rule_settings(
    bundle: Mapping[str, Any],
    bundle_path: Path,
    config: Mapping[str, Any],
    config_path: Path | None,
) -> dict[str, RuleSettings]:
    known = rules_by_id()
    from_bundle = bundle.get("rules") or {}
    from_config = config.get("rules") or {}
    _check_rule_keys(from_bundle, bundle_path, known)
    _check_rule_keys(from_config, config_path or bundle_path, known)

    settings = {}
    for rule_id, rule in known.items():
        layered = {
            **rule.DEFAULTS,
            **from_bundle.get(rule_id, {}),
            **from_config.get(rule_id, {}),
        }
        severity = layered.pop("severity", rule.META.severity.label)
        enabled = layered.pop("enabled", not rule.META.experimental)
        settings[rule_id] = RuleSettings(
            bool(enabled),
            Severity.parse(severity),
            layered,
        )
    return settings


def _check_rule_keys(
    tables: Mapping[str, Any],
    path: Path,
    known: Mapping[str, Any],
) -> None:
    for rule_id, table in tables.items():
        if rule_id not in known:
            raise ConfigError(
                f"{path}: invalid config at rules.{rule_id}: unknown rule "
                f"(see `costlint rules`)",
            )
        allowed = set(known[rule_id].DEFAULTS) | _RULE_KEYS
        for key in table:
            if key not in allowed:
                raise ConfigError(
                    f"{path}: invalid config at rules.{rule_id}.{key}: "
                    f"unknown option",
                )
