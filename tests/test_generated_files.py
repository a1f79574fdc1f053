"""Generated files are committed and must match their sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from acs_triage.generate import generated_files

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("path", sorted(generated_files(ROOT)), ids=lambda p: p.name)
def test_generated_file_is_fresh(path: Path) -> None:
    expected = generated_files(ROOT)[path]
    assert path.is_file(), f"{path} is missing: run python -m acs_triage.generate"
    assert path.read_text(encoding="utf-8") == expected, (
        f"{path.relative_to(ROOT)} is stale: run python -m acs_triage.generate")


def test_catalog_page_lists_every_pair() -> None:
    text = (ROOT / "docs" / "catalog.md").read_text(encoding="utf-8")
    for pair in ("| 403 | 560403 |", "| 0 | 0 |", "| 486 | 540486 |", "| 487 | 560487 |"):
        assert pair in text
