"""The compiled catalog (mappings/catalog.compiled.json) against its source, catalog.yaml.

Freshness of the committed file is checked with the other generated files
(tests/test_generated_files.py); here: it holds the same catalog, it is what the tool
loads, and a compiled file that does not match the YAML beside it is never used.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from acs_triage.catalog.compiled import COMPILED_FILE, FORMAT, read_compiled, source_digest
from acs_triage.catalog.loader import build_catalog, compile_catalog, load_catalog, load_catalog_from
from acs_triage.errors import CatalogError

ROOT = Path(__file__).resolve().parents[1]
MAPPINGS = ROOT / "mappings"
PAIR = ("403", "560403")


@pytest.fixture
def mappings(tmp_path: Path) -> Path:
    """A copy of mappings/ (YAML, schema and compiled form) to change."""
    folder = tmp_path / "mappings"
    shutil.copytree(MAPPINGS, folder)
    return folder


def _title(folder: Path) -> str:
    pair = load_catalog_from(folder).pair(*PAIR)
    assert pair is not None
    return pair.meaning.title


def _replace_in_yaml(folder: Path, old: str, new: str) -> None:
    path = folder / "catalog.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_compiled_catalog_equals_the_yaml_catalog() -> None:
    """Parsed with PyYAML's pure-Python safe loader, independently of the loader's own."""
    source = (MAPPINGS / "catalog.yaml").read_bytes()
    from_yaml = build_catalog(yaml.safe_load(source.decode("utf-8")))
    compiled = json.loads((MAPPINGS / COMPILED_FILE).read_text(encoding="utf-8"))
    assert compiled["format"] == FORMAT and compiled["source_checksum"] == source_digest(source)
    from_compiled = build_catalog(compiled["catalog"])  # validates it too
    assert from_compiled == from_yaml
    assert len(from_compiled.pairs) == len(from_yaml.pairs) > 500
    assert load_catalog() == from_yaml


def test_the_compiled_form_is_what_is_loaded(mappings: Path) -> None:
    """When the digest matches, the JSON is used as it is (no YAML parse)."""
    path = mappings / COMPILED_FILE
    compiled = json.loads(path.read_text(encoding="utf-8"))
    pair = next(p for p in compiled["catalog"]["pairs"] if (p["end_reason"], p["end_sub_code"]) == PAIR)
    pair["title"] = "From the compiled file"
    path.write_text(json.dumps(compiled), encoding="utf-8")
    assert _title(mappings) == "From the compiled file"


def test_an_edited_yaml_is_not_shadowed_by_a_stale_compiled_file(mappings: Path) -> None:
    before = _title(mappings)
    _replace_in_yaml(mappings, f'title: "{before}"\n', 'title: "Edited after compiling"\n')
    assert _title(mappings) == "Edited after compiling"


def test_a_stale_compiled_file_falls_back_to_validating_the_yaml(mappings: Path) -> None:
    """The fallback validates: an invalid edit is an error, not old or unchecked data."""
    _replace_in_yaml(mappings, "origin_default: microsoft", "origin_default: nobody")
    with pytest.raises(CatalogError, match="origin_default"):
        load_catalog_from(mappings)


@pytest.mark.parametrize(
    "content",
    [None, "", "not json", "[]", '{"format": 1}'],
    ids=["missing", "empty", "not-json", "not-object", "no-digest"],
)
def test_an_unusable_compiled_file_falls_back_to_the_yaml(mappings: Path, content: str | None) -> None:
    path = mappings / COMPILED_FILE
    if content is None:
        path.unlink()
    else:
        path.write_text(content, encoding="utf-8")
    assert load_catalog_from(mappings) == load_catalog()


def test_another_format_is_not_read() -> None:
    source = (MAPPINGS / "catalog.yaml").read_bytes()
    compiled = json.loads((MAPPINGS / COMPILED_FILE).read_text(encoding="utf-8"))
    assert read_compiled(json.dumps(compiled), source) is not None
    compiled["format"] = FORMAT + 1
    assert read_compiled(json.dumps(compiled), source) is None
    assert read_compiled(json.dumps({**compiled, "format": FORMAT}), source + b"\n") is None


def test_compiling_validates_the_yaml(mappings: Path) -> None:
    _replace_in_yaml(mappings, "origin_default: microsoft", "origin_default: nobody")
    with pytest.raises(CatalogError, match="origin_default"):
        compile_catalog((mappings / "catalog.yaml").read_bytes())
