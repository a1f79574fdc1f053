"""Typed view of ``mappings/catalog.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

#: The title of an end code nothing in the catalog explains.
UNKNOWN_TITLE = "Unknown end code"


class MatchLevel(str, Enum):
    """How an explanation was found, most specific first."""

    PAIR = "pair"  #: a documented (end reason, sub-code) pair
    ERRATUM = "erratum"  #: a pair printed wrongly in a Microsoft page, mapped to the real one
    CODE = "code"  #: a meaning of the end reason alone (ACS's, else RFC 3261's)
    SIP_CLASS = "sip-class"  #: the RFC 3261 class of the code (4xx, 5xx, ...)
    UNKNOWN = "unknown"  #: nothing applies (blank or non-numeric code)

    @property
    def documented(self) -> bool:
        return self in (MatchLevel.PAIR, MatchLevel.ERRATUM)


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str
    date: str


@dataclass(frozen=True)
class Meaning:
    """What a code (pair, code alone or SIP class) means and what to do."""

    title: str
    outcome: str  # "normal" | "failure"
    category: str
    who_acts: tuple[str, ...]
    retry: str  # "no" | "yes" | "later" | "after-fix"
    retry_advice: str
    causes: tuple[str, ...]
    actions: tuple[str, ...]
    source: Source
    result_category: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class PairEntry:
    end_reason: str
    end_sub_code: str
    scope: str
    meaning: Meaning


@dataclass(frozen=True)
class CodeEntry:
    end_reason: str
    origin: str  # "acs" | "rfc3261"
    meaning: Meaning


@dataclass(frozen=True)
class ClassEntry:
    sip_class: str  # "1".."6"
    meaning: Meaning


@dataclass(frozen=True)
class Erratum:
    source: Source
    as_published: tuple[str, str]
    corrected: tuple[str, str]
    note: str


@dataclass(frozen=True)
class OriginRule:
    prefix: str
    generated_by: str
    description: str


@dataclass(frozen=True)
class Explanation:
    """The answer to "what does this pair mean": never raised, always returned."""

    end_reason: str
    end_sub_code: str
    level: MatchLevel
    meaning: Meaning | None  # None only for MatchLevel.UNKNOWN
    generated_by: str  # "sbc-outbound" | "sbc-inbound" | "microsoft" | "unknown"
    generated_by_note: str
    code_origin: str | None = None  # for MatchLevel.CODE: "acs" or "rfc3261"
    erratum: Erratum | None = None

    @property
    def documented(self) -> bool:
        return self.level.documented

    @property
    def title(self) -> str:
        if self.meaning is None:
            return UNKNOWN_TITLE
        return self.meaning.title
