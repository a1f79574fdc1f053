"""One deployment template, written as ARM JSON (:func:`to_arm`) or Bicep
(:mod:`acs_triage.artifacts.bicep`) from the same data.

A :class:`Template` holds template parameters, resources as plain JSON-like data and
outputs. Where a value is not a literal, the data holds a :class:`Ref` (a template
parameter) or an :class:`Expr` (a function call written the same way in both
languages, such as ``resourceGroup().location``); each writer spells them its own way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ARM_SCHEMA",
    "Expr",
    "Output",
    "Ref",
    "Resource",
    "Template",
    "TemplateParameter",
    "arm_text",
    "to_arm",
]

#: The deployment template schema ARM templates declare (resource-group deployments).
ARM_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
CONTENT_VERSION = "1.0.0.0"


@dataclass(frozen=True)
class Ref:
    """The value of a template parameter."""

    name: str


@dataclass(frozen=True)
class Expr:
    """A template function call, spelled the same in ARM and Bicep."""

    text: str


@dataclass(frozen=True)
class TemplateParameter:
    name: str
    type: str  # string, int, bool, array, object
    description: str
    default: object = None  # None: required
    allowed: Sequence[object] = ()


@dataclass(frozen=True)
class Output:
    name: str
    type: str
    arm: str  # ARM expression, without the brackets
    bicep: str


@dataclass(frozen=True)
class Resource:
    symbol: str  # Bicep symbolic name
    type: str
    api_version: str
    body: Mapping[str, Any]  # everything but type and apiVersion


@dataclass(frozen=True)
class Template:
    description: str
    parameters: Sequence[TemplateParameter]
    resources: Sequence[Resource]
    outputs: Sequence[Output] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)


def _arm_value(value: object) -> object:
    if isinstance(value, Ref):
        return f"[parameters('{value.name}')]"
    if isinstance(value, Expr):
        return f"[{value.text}]"
    if isinstance(value, Mapping):
        return {str(k): _arm_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_arm_value(v) for v in value]
    if isinstance(value, str) and value.startswith("["):
        return "[" + value  # a literal that would read as an expression: ARM's escape
    return value


def _arm_parameter(param: TemplateParameter) -> dict[str, object]:
    out: dict[str, object] = {"type": param.type, "metadata": {"description": param.description}}
    if param.default is not None:
        out["defaultValue"] = _arm_value(param.default)
    if param.allowed:
        out["allowedValues"] = list(param.allowed)
    return out


def to_arm(template: Template) -> dict[str, Any]:
    """The template as an ARM deployment template (a JSON document)."""
    return {
        "$schema": ARM_SCHEMA,
        "contentVersion": CONTENT_VERSION,
        "metadata": {"description": template.description, **template.metadata},
        "parameters": {p.name: _arm_parameter(p) for p in template.parameters},
        "resources": [
            {"type": r.type, "apiVersion": r.api_version, **_arm_value(r.body)}  # type: ignore[dict-item]
            for r in template.resources
        ],
        "outputs": {o.name: {"type": o.type, "value": f"[{o.arm}]"} for o in template.outputs},
    }


def arm_text(template: Template) -> str:
    """The ARM template as JSON text (two-space indent, trailing newline)."""
    return json.dumps(to_arm(template), indent=2, ensure_ascii=False) + "\n"
