"""Reports for people: the columnar `Report` every human-facing writer reads,
the built-in words per language, and escaping per output format."""

from .data import Report, Table, report_block, run_time
from .labels import labels_for

__all__ = ["Report", "Table", "labels_for", "report_block", "run_time"]
