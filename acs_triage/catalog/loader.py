"""Load, validate and query the end-code catalog (``mappings/catalog.yaml``).

Lookup order (:meth:`Catalog.explain`): the exact documented pair, a known erratum
of Microsoft's pages, the meaning of the end reason alone (ACS's before RFC 3261's),
the RFC 3261 response class, and finally "unknown". Values are taken as logs hold
them (ints or strings, blanks, ``"null"``, stray spaces); lookup never raises.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import jsonschema
import yaml

from acs_triage.catalog.model import (
    UNKNOWN_MEANING,
    ClassEntry,
    CodeEntry,
    Erratum,
    Explanation,
    MatchLevel,
    Meaning,
    OriginRule,
    PairEntry,
    Source,
)
from acs_triage.codes import normalize_code
from acs_triage.errors import CatalogError
from acs_triage.resources import data_root

CATALOG_FILE = "catalog.yaml"
SCHEMA_FILE = "catalog.schema.json"
_ORIGIN_LABELS = {
    "sbc-outbound": "your SBC (outbound call)",
    "sbc-inbound": "your SBC (inbound call)",
    "microsoft": "a Microsoft service",
    "unknown": "unknown",
}


def origin_label(generated_by: str) -> str:
    """Human wording for a ``generated_by`` value."""
    return _ORIGIN_LABELS.get(generated_by, generated_by)


def catalog_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        data_root("mappings").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    )
    return schema


def validate_document(document: object, name: str = CATALOG_FILE) -> None:
    """Schema check plus what a schema cannot say (unique keys, defined sources).

    Raises :class:`CatalogError` with the first problem, naming where it is.
    """
    validator = jsonschema.Draft202012Validator(catalog_schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.path])
    if errors:
        where = "/".join(str(p) for p in errors[0].path) or "(top)"
        raise CatalogError(f"{name}: {where}: {errors[0].message}")
    assert isinstance(document, dict)
    source_ids = [s["id"] for s in document["sources"]]
    if len(source_ids) != len(set(source_ids)):
        raise CatalogError(f"{name}: two sources share an id")
    seen: set[tuple[str, ...]] = set()
    for section, key_fields in (
        ("pairs", ("end_reason", "end_sub_code")),
        ("codes", ("end_reason", "origin")),
        ("sip_classes", ("class",)),
    ):
        for index, entry in enumerate(document.get(section) or []):
            key = (section, *(str(entry[f]) for f in key_fields))
            if key in seen:
                raise CatalogError(f"{name}: {section}/{index}: duplicate entry {key[1:]}")
            seen.add(key)
            if entry["source"] not in source_ids:
                raise CatalogError(f"{name}: {section}/{index}: source {entry['source']!r} is not defined")
    for index, erratum in enumerate(document.get("errata") or []):
        if erratum["source"] not in source_ids:
            raise CatalogError(f"{name}: errata/{index}: source {erratum['source']!r} is not defined")


def _meaning(entry: dict[str, Any], sources: dict[str, Source]) -> Meaning:
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
    )


@dataclass(frozen=True)
class Catalog:
    """The loaded catalog with lookups. Build it with :func:`load_catalog`."""

    version: str
    sources: tuple[Source, ...]
    pairs: tuple[PairEntry, ...]
    codes: tuple[CodeEntry, ...]
    classes: tuple[ClassEntry, ...]
    errata: tuple[Erratum, ...]
    origin_rules: tuple[OriginRule, ...]
    origin_default: str

    def __post_init__(self) -> None:
        index = {(p.end_reason, p.end_sub_code): p for p in self.pairs}
        object.__setattr__(self, "_pairs_by_key", index)

    @classmethod
    def from_document(cls, document: dict[str, Any], name: str = CATALOG_FILE) -> Catalog:
        validate_document(document, name)
        sources = {
            s["id"]: Source(s["id"], s["title"], s["url"], str(s["date"])) for s in document["sources"]
        }
        return cls(
            version=str(document["version"]),
            sources=tuple(sources.values()),
            pairs=tuple(
                PairEntry(p["end_reason"], p["end_sub_code"], p["scope"], _meaning(p, sources))
                for p in document["pairs"]
            ),
            codes=tuple(
                CodeEntry(c["end_reason"], c["origin"], _meaning(c, sources))
                for c in document.get("codes") or []
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
        )

    # -- lookups ---------------------------------------------------------------------
    def pair(self, end_reason: object, end_sub_code: object) -> PairEntry | None:
        key = (normalize_code(end_reason), normalize_code(end_sub_code))
        index: dict[tuple[str, str], PairEntry] = self.__dict__["_pairs_by_key"]
        return index.get(key)

    def code(self, end_reason: object) -> CodeEntry | None:
        reason = normalize_code(end_reason)
        matches = [c for c in self.codes if c.end_reason == reason]
        matches.sort(key=lambda c: 0 if c.origin == "acs" else 1)
        return matches[0] if matches else None

    def sip_class(self, end_reason: object) -> ClassEntry | None:
        reason = normalize_code(end_reason)
        if len(reason) != 3 or not reason.isdigit():
            return None
        return next((c for c in self.classes if c.sip_class == reason[0]), None)

    def origin(self, end_sub_code: object) -> tuple[str, str]:
        """Who generated a failure, from the sub-code prefix, and a sentence saying so."""
        sub = normalize_code(end_sub_code)
        if not sub.isdigit():
            return "unknown", "No sub-code, so the tool cannot tell who generated the failure."
        for rule in self.origin_rules:
            if len(sub) == 6 and sub.startswith(rule.prefix):
                return rule.generated_by, (f"{rule.description} Sub-code {sub}: the SBC sent SIP {sub[3:]}.")
        return self.origin_default, (
            f"Sub-code {sub} does not start with a SBC prefix "
            f"({', '.join(r.prefix for r in self.origin_rules)}), so a Microsoft service "
            "generated it."
        )

    def explain(self, end_reason: object, end_sub_code: object) -> Explanation:
        """Explain a pair as found in a log. Never raises."""
        reason, sub = normalize_code(end_reason), normalize_code(end_sub_code)
        generated_by, note = self.origin(sub)
        pair = self.pair(reason, sub)
        if pair is not None:
            return Explanation(reason, sub, MatchLevel.PAIR, pair.meaning, generated_by, note)
        for erratum in self.errata:
            if erratum.as_published == (reason, sub):
                corrected = self.pair(*erratum.corrected)
                if corrected is not None:
                    return Explanation(
                        reason,
                        sub,
                        MatchLevel.ERRATUM,
                        corrected.meaning,
                        generated_by,
                        note,
                        erratum=erratum,
                    )
        code = self.code(reason)
        if code is not None:
            return Explanation(
                reason, sub, MatchLevel.CODE, code.meaning, generated_by, note, code_origin=code.origin
            )
        klass = self.sip_class(reason)
        if klass is not None:
            return Explanation(reason, sub, MatchLevel.SIP_CLASS, klass.meaning, generated_by, note)
        return Explanation(reason, sub, MatchLevel.UNKNOWN, UNKNOWN_MEANING, generated_by, note)

    def pairs_with_sub_code(self, end_sub_code: object) -> list[PairEntry]:
        """Every documented pair using this sub-code (sub-code 0 belongs to several codes)."""
        sub = normalize_code(end_sub_code)
        found = [p for p in self.pairs if p.end_sub_code == sub]
        for erratum in self.errata:
            if erratum.as_published[1] == sub:
                corrected = self.pair(*erratum.corrected)
                if corrected is not None and corrected not in found:
                    found.append(corrected)
        return found

    def explain_all(self, first: object, second: object | None = None) -> list[Explanation]:
        """What ``acs-triage explain`` shows for one or two values. Never raises.

        Two values: that pair. One value of up to three digits: an end reason, so every
        documented pair with it (or with it as sub-code, for ``0``) and the code's own
        meaning. A longer value: a sub-code, so every documented pair using it; an
        undocumented SBC sub-code (``560xxx``/``540xxx``) is explained as the SIP code its
        last three digits name. Empty when nothing is known about a long sub-code.
        """
        if second is not None:
            return [self.explain(first, second)]
        value = normalize_code(first)
        if len(value) <= 3:
            pairs = [p for p in self.pairs if value in (p.end_reason, p.end_sub_code)]
            return [self.explain(p.end_reason, p.end_sub_code) for p in pairs] + [self.explain(value, "")]
        pairs = self.pairs_with_sub_code(value)
        if pairs:
            return [self.explain(p.end_reason, p.end_sub_code) for p in pairs]
        if self.origin(value)[0].startswith("sbc-"):
            return [self.explain(value[3:], value)]
        return []

    def pair_to_dict(self, entry: PairEntry) -> dict[str, Any]:
        """A documented pair as ``acs-triage codes`` writes it in JSON."""
        return {
            "end_reason": entry.end_reason,
            "end_sub_code": entry.end_sub_code,
            "scope": entry.scope,
            "generated_by": self.origin(entry.end_sub_code)[0],
            **entry.meaning.to_dict(),
            "errata": [
                {
                    "as_published": {"end_reason": e.as_published[0], "end_sub_code": e.as_published[1]},
                    "note": e.note,
                    "source": e.source.url,
                }
                for e in self.errata_for(entry)
            ],
        }

    def errata_for(self, entry: PairEntry) -> list[Erratum]:
        key = (entry.end_reason, entry.end_sub_code)
        return [e for e in self.errata if e.corrected == key]

    def filter_pairs(
        self,
        *,
        code: str | None = None,
        category: str | None = None,
        who_acts: str | None = None,
        scope: str | None = None,
    ) -> list[PairEntry]:
        result: Iterable[PairEntry] = self.pairs
        if code is not None:
            wanted = normalize_code(code)
            result = [p for p in result if wanted in (p.end_reason, p.end_sub_code)]
        if category is not None:
            result = [p for p in result if p.meaning.category == category]
        if who_acts is not None:
            result = [p for p in result if who_acts in p.meaning.who_acts]
        if scope is not None:
            result = [p for p in result if p.scope == scope]
        return list(result)


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
    return Catalog.from_document(load_document(text))
