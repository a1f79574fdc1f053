"""Output formats shared by every command: one ``--format`` choice, one renderer."""

from acs_triage.formats.base import OutputFormat, View, render
from acs_triage.formats.blocks import Code, Column, Fields, Items, Section, Table, Text

__all__ = ["Code", "Column", "Fields", "Items", "OutputFormat", "Section", "Table", "Text", "View", "render"]
