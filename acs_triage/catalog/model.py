"""Typed view of ``mappings/catalog.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

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
    """Where a fact comes from: a published page, with its date."""

    id: str
    title: str
    url: str
    date: str


#: The source of :data:`UNKNOWN_MEANING`: none (every field empty).
NO_SOURCE = Source("", "", "", "")


@dataclass(frozen=True)
class Meaning:
    """What a code (pair, code alone or SIP class) means and what to do.

    :data:`UNKNOWN_MEANING` stands for "nothing in the catalog applies" (a null
    object): code that reads a meaning never has to test for a missing one, and
    ``known`` tells the two apart where it matters (JSON writes ``null`` for it).
    """

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
    known: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "outcome": self.outcome,
            "category": self.category,
            "who_acts": list(self.who_acts),
            "retry": self.retry,
            "retry_advice": self.retry_advice,
            "causes": list(self.causes),
            "actions": list(self.actions),
            "result_category": self.result_category,
            "note": self.note,
            "source": self.source.url,
            "source_title": self.source.title,
            "source_date": self.source.date,
        }


#: The meaning of an end code nothing in the catalog explains.
UNKNOWN_MEANING = Meaning(
    title=UNKNOWN_TITLE,
    outcome="failure",
    category="unknown",
    who_acts=(),
    retry="unknown",
    retry_advice="",
    causes=(),
    actions=(),
    source=NO_SOURCE,
    known=False,
)


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
    """A pair printed wrongly in a Microsoft page, and the pair it means."""

    source: Source
    as_published: tuple[str, str]
    corrected: tuple[str, str]
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_published": {"end_reason": self.as_published[0], "end_sub_code": self.as_published[1]},
            "corrected": {"end_reason": self.corrected[0], "end_sub_code": self.corrected[1]},
            "source": self.source.url,
            "note": self.note,
        }


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
    meaning: Meaning  # UNKNOWN_MEANING for MatchLevel.UNKNOWN
    generated_by: str  # "sbc-outbound" | "sbc-inbound" | "microsoft" | "unknown"
    generated_by_note: str
    code_origin: str | None = None  # for MatchLevel.CODE: "acs" or "rfc3261"
    erratum: Erratum | None = None

    @property
    def documented(self) -> bool:
        return self.level.documented

    @property
    def title(self) -> str:
        return self.meaning.title

    def to_dict(self) -> dict[str, Any]:
        return {
            "end_reason": self.end_reason,
            "end_sub_code": self.end_sub_code,
            "documented": self.documented,
            "match_level": self.level.value,
            "code_origin": self.code_origin,
            "generated_by": self.generated_by,
            "generated_by_note": self.generated_by_note,
            "meaning": self.meaning.to_dict() if self.meaning.known else None,
            "erratum": None if self.erratum is None else self.erratum.to_dict(),
        }
