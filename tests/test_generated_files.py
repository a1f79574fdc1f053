"""Generated files are committed and must match their sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scripts import load_script

generated_files = load_script("generate").generated_files

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("path", sorted(generated_files(ROOT)), ids=lambda p: p.name)
def test_generated_file_is_fresh(path: Path) -> None:
    expected = generated_files(ROOT)[path]
    assert path.is_file(), f"{path} is missing: run python scripts/generate.py"
    assert path.read_text(encoding="utf-8") == expected, (
        f"{path.relative_to(ROOT)} is stale: run python scripts/generate.py"
    )


def test_catalog_page_lists_every_pair() -> None:
    text = (ROOT / "docs" / "catalog.md").read_text(encoding="utf-8")
    for pair in ("| 403 | 560403 |", "| 0 | 0 |", "| 486 | 540486 |", "| 487 | 560487 |"):
        assert pair in text


def _kusto_blocks() -> dict[str, str]:
    blocks = {}
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        for index, block in enumerate(text.split("```kusto\n")[1:]):
            blocks[f"{page.name}#{index}"] = block.split("```")[0]
    return blocks


def test_kql_in_the_docs_binds(kusto: object) -> None:
    """KQL shown in the documentation is checked like the library's."""
    blocks = _kusto_blocks()
    assert blocks, "the docs show KQL in ```kusto blocks"
    results = kusto.check_many(blocks)  # type: ignore[attr-defined]
    for name, result in results.items():
        assert result.ok, f"{name}: {result.errors}"
