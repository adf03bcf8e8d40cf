"""Raw evidence tables, as loader plugins hand them to the core.

A loader only splits a file into named cells; typing and checking the cells
against the rubric's `[fields]` is the core's job (`scoring.evidence`), so every
format gets the same rules and the same error messages.

A table is column-major where the loader can make it so (`RawTable.from_columns`):
the core types a whole column at a time, and a columnar reader (Arrow, a
spreadsheet library) hands its columns over without building a Python row per
record. Row-major tables (`RawTable(columns, rows, labels)`) stay accepted for
loaders written that way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class RawTable:
    """Cells of one evidence file.

    `columns` are the header's names as written in the file. The cells are
    either `rows[i][j]` (row-major) or `data[j][i]` (column-major, preferred):
    a string (CSV), a JSON value, or a spreadsheet's number, bool or date;
    None or "" for an empty cell. `row_labels[i]` is how a person finds row
    `i` in the file ("row 7" in a spreadsheet, "line 7" of a JSONL file,
    "item 7" of a JSON array).

    `broken` maps row indices the loader could not read whole (a ragged CSV
    line, a JSON row with a key twice) to the reason: those rows are rejected
    and named, never scored. `notes` are things the person running the job
    should be told that are not problems (the encoding a file was read in).
    """

    columns: Sequence[str]
    rows: Sequence[Sequence[object]] = ()
    row_labels: Sequence[str] = ()
    data: Sequence[Sequence[object]] | None = None
    broken: Mapping[int, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @classmethod
    def from_columns(
        cls, columns: Sequence[str], data: Sequence[Sequence[object]], row_labels: Sequence[str], *,
        broken: Mapping[int, str] | None = None, notes: Sequence[str] = (),
    ) -> RawTable:
        return cls(columns=columns, row_labels=row_labels, data=data, broken=dict(broken or {}), notes=tuple(notes))

    @property
    def n_rows(self) -> int:
        return len(self.row_labels) if self.data is not None else len(self.rows)

    def column(self, j: int) -> Sequence[object]:
        """The cells of column `j`, one per row ("" where a short row has none)."""
        if self.data is not None:
            return self.data[j]
        return [row[j] if j < len(row) else "" for row in self.rows]

    def row(self, i: int) -> list[object]:
        """The cells of row `i` (for looking at a few rows, such as finding the header)."""
        if self.data is not None:
            return [column[i] for column in self.data]
        return list(self.rows[i])

    def ragged(self) -> dict[int, str]:
        """Rows whose cell count differs from the header's, with the reason (row-major tables)."""
        if self.data is not None:
            return {}
        width = len(self.columns)
        return {i: f"has {len(row)} cells but the header has {width} columns"
                for i, row in enumerate(self.rows) if len(row) != width}

    def without_rows_above(self, k: int) -> RawTable:
        """The table whose header is data row `k` (rows before it dropped): for a title above the header."""
        broken = {i - k - 1: why for i, why in self.broken.items() if i > k}
        header = [_header_text(c) for c in self.row(k)]
        if self.data is None:  # row-major: the new header sets the width that rows are checked against
            return RawTable(columns=header, rows=list(self.rows)[k + 1:], row_labels=list(self.row_labels)[k + 1:],
                            broken=broken, notes=self.notes)
        data = [list(column)[k + 1:] for column in self.data]
        return RawTable.from_columns(header, data, list(self.row_labels)[k + 1:], broken=broken, notes=self.notes)


def _header_text(value: object) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Loader:
    """Reads one evidence format. `read` raises `EvidenceError` on a broken file.

    `read(path, data, **options)` gets only the options named in `options`
    (for example `sheet` for a workbook, `encoding` for CSV); the command line
    refuses an option that the file's loader does not take.
    """

    name: str
    suffixes: tuple[str, ...]
    read: Callable[..., RawTable]
    summary: str = ""
    options: tuple[str, ...] = ()


def read_with(loader: Loader, path: Path, data: bytes, options: Mapping[str, Any]) -> RawTable:
    """Call `loader` with the options it takes; the caller has refused the others."""
    given = {k: v for k, v in options.items() if v is not None and k in loader.options}
    return loader.read(path, data, **given)
