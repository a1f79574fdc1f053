"""The query library: ``kql/*.kql`` files with their metadata headers.

Each ``.kql`` file is plain KQL that runs as pasted into the Azure portal. Its
metadata is a YAML document inside ``//`` comments between two ``// ---`` lines at
the top, validated by ``kql/query.schema.json``. Every declared parameter has
exactly one line ``let _<name> = <default>;`` in the body: the default is what the
portal runs, and :mod:`acs_triage.queries.render` replaces that line's value with a
typed literal when a value is given.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from acs_triage.errors import CatalogError, UsageError
from acs_triage.jsonable import pick
from acs_triage.queries.literals import KqlType
from acs_triage.resources import data_root

_HEADER_FENCE = "// ---"
#: The line through which a query reads call legs (``source_table`` in its header).
SOURCE_LINE = "let CallLegs = ACSCallSummary;"
_PARAM_LINE = re.compile(r"^let _(?P<name>[a-z][a-z0-9_]*) = (?P<default>.+);[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class Parameter:
    name: str
    type: KqlType
    description: str
    default_text: str  # the KQL default as written in the file
    minimum: float | None = None
    maximum: float | None = None
    values: tuple[str, ...] = ()  #: the only accepted values, when set (string parameters)

    @property
    def variable(self) -> str:
        """The KQL variable that holds the parameter (``_`` + name)."""
        return "_" + self.name


@dataclass(frozen=True)
class OutputColumn:
    """One column of a query's result, as its header declares it."""

    name: str
    type: str
    description: str = ""


@dataclass(frozen=True)
class QueryDef:
    """One query of the library."""

    id: str
    name: str
    version: str
    title: str
    description: str
    tables: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    output: tuple[OutputColumn, ...]
    uses: tuple[str, ...]  # what the tool uses it for (triage, smoke, call, ...)
    annotatable: bool  # output has ParticipantEndReason and ParticipantEndSubCode
    reads_call_legs: bool  # reads ACSCallSummary through SOURCE_LINE (can read ACSCallSummaryUpdates)
    file_name: str
    text: str  # the whole file, header included

    @property
    def body(self) -> str:
        """The KQL after the metadata header, as the portal would run it."""
        return _split_header(self.text, self.file_name)[1]

    def parameter(self, name: str) -> Parameter:
        for param in self.parameters:
            if param.name == name:
                return param
        valid = ", ".join(p.name for p in self.parameters) or "(none)"
        raise UsageError(f"query {self.name!r} has no parameter {name!r}; valid parameters: {valid}")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.output)

    def to_dict(self) -> dict[str, Any]:
        """The query's metadata as ``acs-triage kql list`` writes it in JSON."""
        return {
            **pick(self, "name", "id", "version", "title", "description"),
            **pick(self, "tables", "uses", "annotatable", "reads_call_legs"),
            "parameters": [
                {
                    "name": p.name,
                    "type": p.type.value,
                    "default": p.default_text,
                    "description": p.description,
                }
                for p in self.parameters
            ],
            "output": [pick(c, "name", "type", "description") for c in self.output],
        }


def _split_header(text: str, file_name: str) -> tuple[str, str]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != _HEADER_FENCE:
        raise CatalogError(f"{file_name}: a query file must start with a '{_HEADER_FENCE}' header")
    for index in range(1, len(lines)):
        if lines[index].strip() == _HEADER_FENCE:
            header = "\n".join(line[3:] if line.startswith("// ") else line[2:] for line in lines[1:index])
            body = "\n".join(lines[index + 1 :]).strip("\n") + "\n"
            return header, body
    raise CatalogError(f"{file_name}: the metadata header is not closed by '{_HEADER_FENCE}'")


@cache
def _query_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        data_root("kql").joinpath("query.schema.json").read_text(encoding="utf-8")
    )
    return schema


def parse_query(text: str, file_name: str) -> QueryDef:
    """Parse and validate one query file's text."""
    import jsonschema  # on first use: commands that need no query do not load them
    import yaml

    header_text, body = _split_header(text, file_name)
    try:
        meta = yaml.safe_load(header_text)
    except yaml.YAMLError as exc:
        raise CatalogError(f"{file_name}: metadata header is not valid YAML: {exc}") from None
    errors = sorted(
        jsonschema.Draft202012Validator(_query_schema()).iter_errors(meta), key=lambda e: list(e.path)
    )
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.path) or "(top)"
        raise CatalogError(f"{file_name}: metadata {where}: {first.message}")
    defaults = {m.group("name"): m.group("default") for m in _PARAM_LINE.finditer(body)}
    counts: dict[str, int] = {}
    for match in _PARAM_LINE.finditer(body):
        counts[match.group("name")] = counts.get(match.group("name"), 0) + 1
    params = []
    for name, spec in (meta.get("parameters") or {}).items():
        if counts.get(name) != 1:
            raise CatalogError(
                f"{file_name}: parameter {name!r} needs exactly one line 'let _{name} = <default>;'"
            )
        params.append(
            Parameter(
                name=name,
                type=KqlType(spec["type"]),
                description=spec["description"],
                default_text=defaults[name],
                minimum=spec.get("minimum"),
                maximum=spec.get("maximum"),
                values=tuple(spec.get("values", ())),
            )
        )
    undeclared = sorted(set(counts) - {p.name for p in params})
    if undeclared:
        raise CatalogError(
            f"{file_name}: 'let _{undeclared[0]}' looks like a parameter but is not declared in the header"
        )
    if meta["name"] + ".kql" != file_name:
        raise CatalogError(f"{file_name}: file name must be the query name + '.kql'")
    reads_call_legs = "source_table" in meta
    if reads_call_legs and body.count(SOURCE_LINE + "\n") != 1:
        raise CatalogError(f"{file_name}: source_table needs exactly one line {SOURCE_LINE!r}")
    output = tuple(OutputColumn(c["name"], c["type"], c.get("description", "")) for c in meta["output"])
    names = {c.name for c in output}
    return QueryDef(
        id=meta["id"],
        name=meta["name"],
        version=meta["version"],
        title=meta["title"],
        description=" ".join(meta["description"].split()),
        tables=tuple(meta["tables"]),
        parameters=tuple(params),
        output=output,
        uses=tuple(meta.get("uses", [])),
        annotatable={"ParticipantEndReason", "ParticipantEndSubCode"} <= names and "MatchLevel" not in names,
        reads_call_legs=reads_call_legs,
        file_name=file_name,
        text=text,
    )


@cache
def load_queries() -> dict[str, QueryDef]:
    """All queries of the library, by name, in file-name order."""
    root = data_root("kql")
    result: dict[str, QueryDef] = {}
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".kql"):
            query = parse_query(entry.read_text(encoding="utf-8"), entry.name)
            result[query.name] = query
    ids = [q.id for q in result.values()]
    if len(ids) != len(set(ids)):
        raise CatalogError("two query files share the same id")
    return result


def get_query(name: str) -> QueryDef:
    """One query by name, with an error that lists the valid names."""
    queries = load_queries()
    if name not in queries:
        raise UsageError(f"no query named {name!r}; available: {', '.join(queries)}")
    return queries[name]
