"""Raw evidence tables, as loader plugins hand them to the core.

A loader only splits a file into named cells; typing and checking the cells
against the rubric's `[fields]` is the core's job (`scoring.evidence`), so every
format gets the same rules and the same error messages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RawTable:
    """Cells of one evidence file.

    `rows[i][j]` is the cell of column `columns[j]` in row `i`: a string (CSV)
    or a JSON value; None or "" for an empty cell. `row_labels[i]` is how a
    person finds row `i` in the file ("row 7" in a spreadsheet, "line 7" of a
    JSONL file, "item 7" of a JSON array).
    """

    columns: Sequence[str]
    rows: Sequence[Sequence[object]]
    row_labels: Sequence[str]


@dataclass(frozen=True)
class Loader:
    """Reads one evidence format. `read` raises `EvidenceError` on a broken file."""

    name: str
    suffixes: tuple[str, ...]
    read: Callable[[Path, bytes], RawTable]
    summary: str = ""
