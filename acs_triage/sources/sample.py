"""The bundled sample: synthetic ACSCallSummary legs over 24 hours.

Made by ``scripts/make_sample.py`` from a fixed seed and shipped inside the package,
so ``acs-triage triage --sample`` works with no Azure account.
"""

from __future__ import annotations

from pathlib import Path

from acs_triage.sources.files import FileSource

__all__ = ["SAMPLE_FILE", "sample_path", "sample_source"]

SAMPLE_FILE = "acscallsummary-sample.csv"


def sample_path() -> Path:
    """Path of the bundled sample export (a Log Analytics portal-style CSV)."""
    return Path(__file__).resolve().parent.parent / "sample_data" / SAMPLE_FILE


def sample_source() -> FileSource:
    """The bundled sample as a source (kind ``sample``)."""
    return FileSource([str(sample_path())], kind="sample", description="bundled sample data")
