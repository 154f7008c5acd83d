"""Regenerate costlint's instance catalog from saved AWS price lists.

Usage:

    python scripts/build_instance_catalog.py EC2.json [RDS.json ...] \\
        --catalog src/costlint/data/instance_catalog.json \\
        [--region us-east-1] [--url URL] [--output FILE]

Each input is a price-list document saved beforehand (costlint never
fetches one): an AWS bulk offer file (`{"offerCode": "AmazonEC2",
"products": {...}, "terms": {"OnDemand": {...}}}`) or a saved
`pricing.get_products` response (`{"PriceList": ["{...}", ...]}`).
Products of the region with Linux, shared tenancy and no pre-installed
software (EC2), Single-AZ PostgreSQL (RDS) or Redis (ElastiCache)
give each type's vCPU, memory and on-demand hourly price; every figure
taken is credited to a new source entry naming the document and its
publication date.

What stays as it is: types the documents do not list, and each
family's generation and successors, which follow AWS's
previous-generation lists and are edited by hand. A family the catalog
does not know is added as current; where a document's
`currentGeneration` flag disagrees with the catalog, a note is printed
so that a maintainer can check AWS's list.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SERVICES = {
    "AmazonEC2": "ec2",
    "AmazonRDS": "rds",
    "AmazonElastiCache": "elasticache",
}
_FAMILIES = {
    "ec2": "Compute Instance",
    "rds": "Database Instance",
    "elasticache": "Cache Instance",
}
_FILTERS: dict[str, dict[str, str]] = {
    "ec2": {
        "operatingSystem": "Linux",
        "tenancy": "Shared",
        "preInstalledSw": "NA",
        "capacitystatus": "Used",
    },
    "rds": {"databaseEngine": "PostgreSQL", "deploymentOption": "Single-AZ"},
    "elasticache": {"cacheEngine": "Redis"},
}
_MEMORY = re.compile(r"^\s*([\d.,]+)\s*GiB\s*$")


@dataclass(frozen=True)
class Offer:
    """One instance type's figures from a price-list document."""

    name: str
    service: str
    vcpu: int | None
    memory_gib: float | None
    price_usd_hour: float | None
    current: bool | None


def read_document(path: Path) -> dict[str, Any]:
    """A saved price-list document as plain data."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def products_of(doc: Mapping[str, Any]) -> Iterator[tuple[Any, Any]]:
    """(product, on-demand terms) pairs of either document shape."""
    if "PriceList" in doc:
        for item in doc["PriceList"]:
            entry = json.loads(item) if isinstance(item, str) else item
            on_demand = (entry.get("terms") or {}).get("OnDemand") or {}
            yield entry.get("product") or {}, on_demand
        return
    terms = (doc.get("terms") or {}).get("OnDemand") or {}
    for sku, product in (doc.get("products") or {}).items():
        yield product, terms.get(sku) or {}


def hourly_price(on_demand: Mapping[str, Any]) -> float | None:
    """The USD per hour of the first hourly price dimension, if any."""
    for term in on_demand.values():
        for dimension in (term.get("priceDimensions") or {}).values():
            unit = str(dimension.get("unit", "")).lower()
            usd = (dimension.get("pricePerUnit") or {}).get("USD")
            if unit.startswith("hr") and usd is not None:
                price = float(usd)
                return price if price > 0 else None
    return None


def _service_of(doc: Mapping[str, Any], attrs: Mapping[str, Any]) -> str:
    code = doc.get("offerCode") or attrs.get("servicecode") or "AmazonEC2"
    return _SERVICES.get(str(code), "ec2")


def _in_region(attrs: Mapping[str, Any], region: str) -> bool:
    code = attrs.get("regionCode")
    return code is None or code == region


def _number(text: Any) -> float | None:
    if text is None:
        return None
    match = _MEMORY.match(str(text))
    raw = match.group(1) if match else str(text)
    try:
        return float(raw.replace(",", ""))
    except ValueError:
        return None


def offers_of(doc: Mapping[str, Any], region: str) -> Iterator[Offer]:
    """The offers of one document that the catalog's terms match."""
    for product, on_demand in products_of(doc):
        attrs = product.get("attributes") or {}
        service = _service_of(doc, attrs)
        name = attrs.get("instanceType")
        if (
            not name
            or product.get("productFamily") != _FAMILIES[service]
            or not _in_region(attrs, region)
            or any(
                attrs.get(key, value) != value
                for key, value in _FILTERS[service].items()
            )
        ):
            continue
        vcpu = _number(attrs.get("vcpu"))
        flag = attrs.get("currentGeneration")
        yield Offer(
            name=str(name),
            service=service,
            vcpu=int(vcpu) if vcpu is not None else None,
            memory_gib=_number(attrs.get("memory")),
            price_usd_hour=hourly_price(on_demand),
            current=None if flag is None else flag == "Yes",
        )


def family_of(name: str) -> str:
    """`m5` of `m5.large`, `db.r6g` of `db.r6g.xlarge`."""
    for prefix in ("db.", "cache."):
        if name.startswith(prefix):
            return prefix + name[len(prefix) :].split(".")[0]
    return name.split(".")[0]


def source_key(doc: Mapping[str, Any], path: Path) -> tuple[str, str]:
    """A source key and the document's date for figures it gives."""
    date = str(doc.get("publicationDate") or "")[:10] or "undated"
    code = str(doc.get("offerCode") or path.stem)
    return f"price-list-{code}-{date}", date


def update_catalog(
    catalog: dict[str, Any],
    documents: Sequence[tuple[Path, Mapping[str, Any]]],
    region: str,
    url: str | None,
) -> list[str]:
    """Merge the documents' figures into `catalog`; return notes."""
    notes: list[str] = []
    types = catalog["types"]
    families = catalog["families"]
    for path, doc in documents:
        key, date = source_key(doc, path)
        catalog["sources"][key] = {
            "title": (
                f"AWS Price List, {doc.get('offerCode', path.stem)} offer "
                f"version {doc.get('version', 'unknown')}, {region}, "
                "on-demand"
            ),
            "url": url,
            "date": date,
            "note": f"read from the saved document {path.name}",
        }
        for offer in offers_of(doc, region):
            entry = dict(types.get(offer.name) or {})
            entry.update(
                {
                    "vcpu": offer.vcpu,
                    "memory_gib": offer.memory_gib,
                    "specs_source": key,
                },
            )
            if offer.price_usd_hour is not None:
                entry["price_usd_hour"] = offer.price_usd_hour
                entry["price_source"] = key
            entry.setdefault("price_usd_hour", None)
            entry.setdefault("price_source", None)
            types[offer.name] = entry
            notes.extend(_check_family(families, offer, key))
    return notes


def _check_family(
    families: dict[str, Any],
    offer: Offer,
    key: str,
) -> list[str]:
    family = family_of(offer.name)
    known = families.get(family)
    if known is None:
        families[family] = {
            "service": offer.service,
            "generation": "current",
            "source": key,
        }
        return [f"new family {family} added as current"]
    if offer.current is None:
        return []
    listed_previous = known["generation"] == "previous"
    if offer.current == listed_previous:
        flag = "current" if offer.current else "previous"
        return [
            f"{offer.name}: the price list says {flag} generation, the "
            f"catalog says {known['generation']} (check AWS's list)",
        ]
    return []


def dump_catalog(catalog: Mapping[str, Any]) -> str:
    """The catalog as JSON text with one family or type per line."""
    lines = ["{"]
    keys = list(catalog)
    for index, key in enumerate(keys):
        comma = "," if index < len(keys) - 1 else ""
        if key in ("families", "types"):
            lines.append(f'  "{key}": {{')
            items = list(catalog[key].items())
            for inner, (name, value) in enumerate(items):
                tail = "," if inner < len(items) - 1 else ""
                lines.append(
                    f"    {json.dumps(name)}: {json.dumps(value)}{tail}"
                )
            lines.append("  }" + comma)
        else:
            body = json.dumps(catalog[key], indent=2).replace("\n", "\n  ")
            lines.append(f'  "{key}": {body}{comma}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Read documents and the catalog, write the updated catalog."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("documents", nargs="+", type=Path)
    parser.add_argument("--catalog", type=Path, required=True)
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--url", help="where the documents were saved from")
    parser.add_argument("--output", type=Path, help="default: --catalog")
    args = parser.parse_args(argv)

    catalog = json.loads(args.catalog.read_text(encoding="utf-8"))
    documents = [(path, read_document(path)) for path in args.documents]
    notes = update_catalog(catalog, documents, args.region, args.url)
    catalog["catalog"]["region"] = args.region
    dates = [source_key(doc, path)[1] for path, doc in documents]
    dated = [date for date in dates if date != "undated"]
    if dated:
        catalog["catalog"]["version"] = max(dated)
    (args.output or args.catalog).write_text(
        dump_catalog(catalog),
        encoding="utf-8",
    )
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
