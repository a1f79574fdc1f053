"""Validation of the catalog document: its JSON Schema plus what a schema cannot say."""

from __future__ import annotations

import json
from typing import Any

from acs_triage.errors import CatalogError
from acs_triage.resources import data_root

__all__ = ["CATALOG_FILE", "SCHEMA_FILE", "catalog_schema", "validate_document"]

CATALOG_FILE = "catalog.yaml"
SCHEMA_FILE = "catalog.schema.json"


def catalog_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        data_root("mappings").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    )
    return schema


def _unique(values: list[str], what: str, name: str) -> None:
    if len(values) != len(set(values)):
        raise CatalogError(f"{name}: two {what} share an id")


def validate_document(document: object, name: str = CATALOG_FILE) -> None:
    """Schema check plus what a schema cannot say (unique keys, defined sources and
    categories). Raises :class:`CatalogError` with the first problem, naming where it is.
    """
    import jsonschema  # here, not at the top: the compiled catalog is loaded without it

    validator = jsonschema.Draft202012Validator(catalog_schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.path])
    if errors:
        where = "/".join(str(p) for p in errors[0].path) or "(top)"
        raise CatalogError(f"{name}: {where}: {errors[0].message}")
    assert isinstance(document, dict)
    source_ids = [s["id"] for s in document["sources"]]
    _unique(source_ids, "sources", name)
    category_ids = [c["id"] for c in document["categories"]]
    _unique(category_ids, "categories", name)
    used: set[str] = set()
    seen: set[tuple[str, ...]] = set()
    for section, key_fields in (
        ("pairs", ("end_reason", "end_sub_code")),
        ("codes", ("end_reason", "origin")),
        ("sip_classes", ("class",)),
        ("call_automation_statuses", ("status",)),
        ("http_classes", ("class",)),
    ):
        for index, entry in enumerate(document.get(section) or []):
            key = (section, *(str(entry[f]) for f in key_fields))
            if key in seen:
                raise CatalogError(f"{name}: {section}/{index}: duplicate entry {key[1:]}")
            seen.add(key)
            for field in ("source", "result_category_source"):
                if field in entry and entry[field] not in source_ids:
                    raise CatalogError(f"{name}: {section}/{index}: {field} {entry[field]!r} is not defined")
            if entry["category"] not in category_ids:
                raise CatalogError(
                    f"{name}: {section}/{index}: category {entry['category']!r} is not defined"
                )
            used.add(entry["category"])
    for index, erratum in enumerate(document.get("errata") or []):
        if erratum["source"] not in source_ids:
            raise CatalogError(f"{name}: errata/{index}: source {erratum['source']!r} is not defined")
    unused = sorted(set(category_ids) - used)
    if unused:
        raise CatalogError(f"{name}: categories: {', '.join(unused)} defined but never used")
