"""Output formats shared by every command: one ``--format`` choice, one renderer."""

from acs_triage.formats.base import OutputFormat, Section, View, render

__all__ = ["OutputFormat", "Section", "View", "render"]
