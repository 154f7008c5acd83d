"""scripts/build_instance_catalog.py on small hand-made price lists."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from costlint.catalog import Catalog

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = Path(__file__).parent / "fixtures" / "price_lists"
CATALOG = ROOT / "src" / "costlint" / "data" / "instance_catalog.json"


def load_script() -> ModuleType:
    name = "build_instance_catalog"
    if name in sys.modules:
        return sys.modules[name]
    path = ROOT / "scripts" / "build_instance_catalog.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def script() -> ModuleType:
    return load_script()


def build(
    script: ModuleType,
    tmp_path: Path,
    *documents: str,
) -> tuple[dict[str, Any], str]:
    out = tmp_path / "catalog.json"
    code = script.main(
        [
            *(str(SAMPLES / name) for name in documents),
            "--catalog",
            str(CATALOG),
            "--output",
            str(out),
            "--url",
            "https://example.invalid/saved-price-list",
        ],
    )
    assert code == 0
    text = out.read_text(encoding="utf-8")
    return json.loads(text), text


def test_offer_file_updates_figures_with_their_source(
    script: ModuleType,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    catalog, _text = build(script, tmp_path, "ec2_offer.json")
    m5 = catalog["types"]["m5.large"]
    key = "price-list-AmazonEC2-2026-12-01"

    assert m5 == {
        "vcpu": 2,
        "memory_gib": 8.0,
        "price_usd_hour": 0.096,
        "specs_source": key,
        "price_source": key,
    }
    assert catalog["sources"][key]["date"] == "2026-12-01"
    assert catalog["catalog"]["version"] == "2026-12-01"
    notes = capsys.readouterr().err
    assert "new family m9z added as current" in notes
    assert "m4.large: the price list says current generation" in notes


def test_other_regions_operating_systems_and_products_are_ignored(
    script: ModuleType,
    tmp_path: Path,
) -> None:
    catalog, _text = build(script, tmp_path, "ec2_offer.json")

    assert catalog["types"]["m5.large"]["price_usd_hour"] == 0.096
    assert "gp3" not in json.dumps(catalog["types"])


def test_classification_stays_as_curated(
    script: ModuleType,
    tmp_path: Path,
) -> None:
    catalog, _text = build(script, tmp_path, "ec2_offer.json")

    assert catalog["families"]["m4"]["generation"] == "previous"
    assert catalog["families"]["m9z"]["generation"] == "current"


def test_get_products_response_is_read(
    script: ModuleType,
    tmp_path: Path,
) -> None:
    catalog, _text = build(script, tmp_path, "rds_get_products.json")
    entry = catalog["types"]["db.m7g.large"]

    assert entry["price_usd_hour"] == 0.168
    assert entry["specs_source"].startswith("price-list-")


def test_output_is_a_catalog_costlint_reads(
    script: ModuleType,
    tmp_path: Path,
) -> None:
    catalog, text = build(script, tmp_path, "ec2_offer.json")
    loaded = Catalog(catalog)

    found = loaded.lookup("m9z.large")
    assert found is not None and found.generation == "current"
    assert text.count("\n") > len(catalog["types"])


def test_unchanged_figures_keep_the_packaged_layout(
    script: ModuleType,
) -> None:
    original = CATALOG.read_text(encoding="utf-8")

    assert script.dump_catalog(json.loads(original)) == original
