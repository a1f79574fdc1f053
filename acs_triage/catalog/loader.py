"""Load the end-code catalog (``mappings/catalog.yaml``): parse, validate, build.

At run time the catalog comes from its compiled form (:mod:`.compiled`), validated
when it was compiled, so neither a YAML parser nor jsonschema is imported; the YAML is
read, and validated, only when the compiled form does not match it.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import TYPE_CHECKING, Any

from acs_triage.catalog.compiled import COMPILED_FILE, compiled_text, read_compiled
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

if TYPE_CHECKING:
    from acs_triage.resources import Traversable

__all__ = [
    "Catalog",
    "build_catalog",
    "compile_catalog",
    "load_catalog",
    "load_catalog_from",
    "load_document",
    "origin_label",
]

_log = logging.getLogger(__name__)


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


def build_catalog(document: dict[str, Any], name: str = CATALOG_FILE, *, validate: bool = True) -> Catalog:
    """Validate a parsed catalog document and build the :class:`Catalog`.

    ``validate=False`` only for a document validated before (the compiled catalog).
    """
    if validate:
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
    import yaml  # only when reading the YAML itself (see load_catalog_from)

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it
    try:
        document = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise CatalogError(f"{name}: not valid YAML: {' '.join(str(exc).split())}") from None
    if not isinstance(document, dict):
        raise CatalogError(f"{name}: the catalog must be a mapping")
    return document


@cache
def load_catalog() -> Catalog:
    """The packaged catalog, read once per process (see :func:`load_catalog_from`)."""
    return load_catalog_from(data_root("mappings"))


def load_catalog_from(folder: Traversable) -> Catalog:
    """The catalog in ``folder``: its compiled form when that was compiled from the
    ``catalog.yaml`` beside it (validated then), else the YAML, parsed and validated."""
    source = folder.joinpath(CATALOG_FILE).read_bytes()
    compiled = folder.joinpath(COMPILED_FILE)
    document = read_compiled(compiled.read_text(encoding="utf-8") if compiled.is_file() else None, source)
    if document is not None:
        return build_catalog(document, COMPILED_FILE, validate=False)
    _log.info(
        "%s is missing or stale: reading %s (run python scripts/generate.py)", COMPILED_FILE, CATALOG_FILE
    )
    return build_catalog(load_document(source.decode("utf-8")))


def compile_catalog(source: bytes) -> str:
    """The compiled form of a ``catalog.yaml`` (its bytes), validated first: raises
    :class:`CatalogError` for a catalog :func:`load_catalog` would reject."""
    document = load_document(source.decode("utf-8"))
    build_catalog(document)
    return compiled_text(document, source)
