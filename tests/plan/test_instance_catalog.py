"""The packaged instance catalog: integrity, parsing, look-ups."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

from costlint.catalog import (
    TypeName,
    load_catalog,
    parse_type,
    size_units,
)


def raw_catalog() -> str:
    return (
        resources.files("costlint.data")
        .joinpath("instance_catalog.json")
        .read_text(encoding="utf-8")
    )


def refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _value in pairs]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    assert not duplicates, f"duplicate keys: {duplicates}"
    return dict(pairs)


def test_no_type_or_family_is_listed_twice() -> None:
    json.loads(raw_catalog(), object_pairs_hook=refuse_duplicates)


def test_every_previous_family_maps_to_current_families() -> None:
    catalog = load_catalog()
    previous = [
        f for f in catalog.families.values() if f.generation == "previous"
    ]

    assert previous
    for family in previous:
        assert family.successors, family.name
        for successor in family.successors:
            target = catalog.family(successor)
            assert target is not None, (family.name, successor)
            assert target.generation == "current", (family.name, successor)
            assert target.service == family.service, (family.name, successor)


def test_every_type_belongs_to_a_listed_family() -> None:
    catalog = load_catalog()
    for item in catalog.types.values():
        assert catalog.family(item.family) is not None, item.name


def test_every_figure_names_a_recorded_source_with_a_date() -> None:
    catalog = load_catalog()
    used = {f.source for f in catalog.families.values()}
    for item in catalog.types.values():
        used.add(item.specs_source or "")
        if item.price_usd_hour is not None:
            used.add(item.price_source or "")
        else:
            assert item.price_source is None, item.name
    for key in used:
        source = catalog.sources[key]
        assert source["title"] and source["date"], key
    for key in catalog.previous_list["sources"]:
        assert key in catalog.sources


def test_prices_are_those_of_the_facts_sheet() -> None:
    catalog = load_catalog()
    priced = {
        name: item.price_usd_hour
        for name, item in catalog.types.items()
        if item.price_usd_hour is not None
    }

    assert priced["m5.large"] == 0.096
    assert priced["t3.micro"] == 0.0104
    assert priced["m7g.large"] == 0.0816


def test_previous_generation_list_is_pinned() -> None:
    """C30: the list's version, and what it says about t2, m4, r5."""
    catalog = load_catalog()
    generation = {
        name: catalog.families[name].generation
        for name in ("m3", "c3", "m4", "t1", "db.m3", "t2", "r5", "m5")
    }

    assert catalog.previous_version == "2026-12-04"
    assert generation == {
        "m3": "previous",
        "c3": "previous",
        "m4": "previous",
        "t1": "previous",
        "db.m3": "previous",
        "t2": "current",
        "r5": "current",
        "m5": "current",
    }
    assert catalog.families["m4"].successors == ("m7i", "m6i")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("m5.large", TypeName("m5.large", "ec2", "m5", "large")),
        ("u-6tb1.metal", TypeName("u-6tb1.metal", "ec2", "u-6tb1", "metal")),
        (
            "m7i-flex.large",
            TypeName("m7i-flex.large", "ec2", "m7i-flex", "large"),
        ),
        (
            "db.r6g.16xlarge",
            TypeName("db.r6g.16xlarge", "rds", "db.r6g", "16xlarge"),
        ),
        (
            "cache.m5.large",
            TypeName("cache.m5.large", "elasticache", "cache.m5", "large"),
        ),
        (
            "db.r5.2xlarge.tpc2.mem4x",
            TypeName(
                "db.r5.2xlarge.tpc2.mem4x",
                "rds",
                "db.r5",
                "2xlarge",
                "tpc2.mem4x",
            ),
        ),
        (
            "db.serverless",
            TypeName("db.serverless", "rds", "db.serverless", ""),
        ),
        ("m5..large", None),
        ("", None),
    ],
    ids=lambda value: str(value) if isinstance(value, str) else "",
)
def test_type_names_parse(name: str, expected: TypeName | None) -> None:
    assert parse_type(name) == expected


@pytest.mark.parametrize(
    ("size", "units"),
    [
        ("nano", 1 / 32),
        ("medium", 0.25),
        ("large", 0.5),
        ("xlarge", 1.0),
        ("3xlarge", 3.0),
        ("6xlarge", 6.0),
        ("112xlarge", 112.0),
        ("metal", float("inf")),
        ("metal-24xl", float("inf")),
        ("huge", None),
    ],
)
def test_sizes_order_with_metal_largest(
    size: str, units: float | None
) -> None:
    assert size_units(size) == units


def test_lookup_and_closest_names() -> None:
    catalog = load_catalog()

    assert catalog.lookup("db.r5.2xlarge.tpc2.mem4x") is not None
    assert catalog.lookup("t3.mirco") is None
    assert catalog.closest("t3.mirco")[0] == "t3.micro"
    assert catalog.closest("db.m5.lrage")[0] == "db.m5.large"
    found = catalog.lookup("c6in.metal")
    assert found is not None and found.vcpu == 128
