"""The compiled catalog: ``mappings/catalog.compiled.json``.

``catalog.yaml`` stays the one file people edit. ``python scripts/generate.py`` parses
it, validates it (schema and semantic checks) and writes the parsed document as JSON
with a CRC-32 of the YAML bytes it came from; a test fails when the committed copy
is stale. At run time the JSON loads with the standard library in milliseconds, where
the YAML takes about a second to parse and validate.

The recorded checksum (change detection, not security: ``zlib`` is already loaded at
start-up where ``hashlib`` would cost milliseconds) is checked on every load against the
``catalog.yaml`` beside it: a compiled file that does not match (the YAML was edited and
not recompiled, or the file is missing, unreadable or of another format) is ignored, and
the catalog is read from the YAML and validated as before. So an edited catalog is never
shadowed by an old compilation; it is only slower until ``scripts/generate.py`` runs again.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

__all__ = ["COMPILED_FILE", "FORMAT", "compiled_text", "read_compiled", "source_digest"]

COMPILED_FILE = "catalog.compiled.json"
#: The layout of the compiled file; a file of another format is ignored.
FORMAT = 2


def source_digest(source: bytes) -> str:
    """The checksum of the YAML bytes, as the compiled file records it."""
    return f"crc32:{zlib.crc32(source):08x}"


def _not_json(value: object) -> object:
    raise TypeError(f"catalog value {value!r} ({type(value).__name__}) has no JSON form")


def compiled_text(document: dict[str, Any], source: bytes) -> str:
    """The compiled file for an already validated ``document`` parsed from ``source``."""
    compiled = {"format": FORMAT, "source_checksum": source_digest(source), "catalog": document}
    text = json.dumps(compiled, ensure_ascii=False, indent=1, default=_not_json)
    return text + "\n"


def read_compiled(text: str | None, source: bytes) -> dict[str, Any] | None:
    """The catalog document in a compiled file's ``text``, or ``None`` when there is no
    file, it is not valid compiled JSON, or it was not compiled from ``source``."""
    if text is None:
        return None
    try:
        compiled = json.loads(text)
    except ValueError:
        return None
    if (
        not isinstance(compiled, dict)
        or compiled.get("format") != FORMAT
        or compiled.get("source_checksum") != source_digest(source)
        or not isinstance(compiled.get("catalog"), dict)
    ):
        return None
    document: dict[str, Any] = compiled["catalog"]
    return document
