"""Load the end-code catalog (``mappings/catalog.yaml``): parse, validate, build."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from acs_triage.catalog.lookup import Catalog
from acs_triage.catalog.model import (
    CategoryEntry,
    ClassEntry,
    CodeEntry,
    ConnectivityRule,
    Erratum,
    Meaning,
    OriginRule,
    PairEntry,
    Source,
    StatusEntry,
    origin_label,
)
from acs_triage.catalog.validate import CATALOG_FILE, validate_document
from acs_triage.errors import CatalogError
from acs_triage.resources import data_root

__all__ = ["Catalog", "build_catalog", "load_catalog", "load_document", "origin_label"]


def _meaning(entry: dict[str, Any], sources: dict[str, Source]) -> Meaning:
    result_source = entry.get("result_category_source")
    return Meaning(
        title=entry["title"],
        outcome=entry["outcome"],
        category=entry["category"],
        who_acts=tuple(entry["who_acts"]),
        retry=str(entry["retry"]),
        retry_advice=entry["retry_advice"],
        causes=tuple(entry["causes"]),
        actions=tuple(entry["actions"]),
        source=sources[entry["source"]],
        result_category=entry.get("result_category"),
        note=entry.get("note"),
        result_category_source=None if result_source is None else sources[result_source],
        actions_direct_routing=tuple(entry.get("actions_direct_routing") or ()),
        actions_microsoft_numbers=tuple(entry.get("actions_microsoft_numbers") or ()),
    )


def _statuses(
    document: dict[str, Any], section: str, key: str, sources: dict[str, Source]
) -> tuple[StatusEntry, ...]:
    """An optional section of HTTP statuses (or classes) keyed by ``key``."""
    return tuple(StatusEntry(str(e[key]), _meaning(e, sources)) for e in document.get(section) or [])


def build_catalog(document: dict[str, Any], name: str = CATALOG_FILE) -> Catalog:
    """Validate a parsed catalog document and build the :class:`Catalog`."""
    validate_document(document, name)
    sources = {s["id"]: Source(s["id"], s["title"], s["url"], str(s["date"])) for s in document["sources"]}
    return Catalog(
        version=str(document["version"]),
        sources=tuple(sources.values()),
        categories=tuple(CategoryEntry(c["id"], c["kind"], c["title"]) for c in document["categories"]),
        connectivity_rules=tuple(
            ConnectivityRule(r["pattern"], r["connectivity"]) for r in document["connectivity_rules"]
        ),
        pairs=tuple(
            PairEntry(p["end_reason"], p["end_sub_code"], p["scope"], _meaning(p, sources))
            for p in document["pairs"]
        ),
        codes=tuple(
            CodeEntry(c["end_reason"], c["origin"], _meaning(c, sources)) for c in document.get("codes") or []
        ),
        classes=tuple(
            ClassEntry(str(c["class"]), _meaning(c, sources)) for c in document.get("sip_classes") or []
        ),
        errata=tuple(
            Erratum(
                sources[e["source"]],
                (e["as_published"]["end_reason"], e["as_published"]["end_sub_code"]),
                (e["corrected"]["end_reason"], e["corrected"]["end_sub_code"]),
                e["note"],
            )
            for e in document.get("errata") or []
        ),
        origin_rules=tuple(
            OriginRule(r["prefix"], r["generated_by"], r["description"]) for r in document["origin_rules"]
        ),
        origin_default=document["origin_default"],
        statuses=_statuses(document, "call_automation_statuses", "status", sources),
        http_classes=_statuses(document, "http_classes", "class", sources),
    )


def load_document(text: str, name: str = CATALOG_FILE) -> dict[str, Any]:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogError(f"{name}: not valid YAML: {' '.join(str(exc).split())}") from None
    if not isinstance(document, dict):
        raise CatalogError(f"{name}: the catalog must be a mapping")
    return document


@cache
def load_catalog() -> Catalog:
    """The packaged catalog, validated once per process."""
    text = data_root("mappings").joinpath(CATALOG_FILE).read_text(encoding="utf-8")
    return build_catalog(load_document(text))
