"""Workbooks (.xlsx, .xlsm, .xls, .xlsb, .ods) through python-calamine.

calamine is a Rust reader made for reading only: a sheet of 100,000 rows read
in 0.8 s where openpyxl took 7.0 s (read-only mode) and 16.3 s (default), see
docs/evidence.md; and one library reads every format Excel, WPS and LibreOffice save. Cells arrive typed (a number is a float, TRUE
a bool, a date a `datetime.date`) and the core's typing takes them as they are.

Merged cells hold their value in the top-left cell only; the loader copies it
into the whole range, so a header cell merged over two header rows names its
column in both, and the core picks the header row that names the most fields.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from scoring.plugin import EvidenceError, RawTable, UsageError, formula_message, shorten, uncalculated_formulas


def _cell(value: object) -> object:
    # A date without a time is a period or a date field; keep it readable as the sheet shows it.
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return str(value)
    return value


def read_workbook(path: Path, data: bytes, sheet: str | None = None) -> RawTable:
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - a dependency of scoring, missing only in a broken install
        raise EvidenceError("reading workbooks needs python-calamine: pip install python-calamine", path=str(path)) from None
    import io

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types (zip, XML, password): all mean "cannot read"
        raise EvidenceError(f"cannot read the workbook: {shorten(str(exc))}", path=str(path)) from None
    names = list(book.sheet_names)
    if not names:
        raise EvidenceError("the workbook has no sheets", path=str(path))
    if sheet is None:
        name = names[0]
    elif sheet in names:
        name = sheet
    else:
        raise UsageError(f"{path}: no sheet {shorten(sheet)!r}; sheets are: {', '.join(shorten(n) for n in names)}")
    refs, count = uncalculated_formulas(data, name)
    if count:  # their stored values are blank or 0, not what the sheet shows
        raise EvidenceError(formula_message(refs, count, shorten(name)), path=str(path))
    try:
        found = book.get_sheet_by_name(name)  # reads the whole sheet: once (1.8 s for 100,000 rows x 30)
        # Fresh lists of its own (copied only if a version gives another kind of row): merged ranges are filled in below.
        given: list[Any] = found.to_python(skip_empty_area=False)
        rows: list[list[object]] = [r if type(r) is list else list(r) for r in given]
        merged = found.merged_cell_ranges or []
    except Exception as exc:
        raise EvidenceError(f"cannot read sheet {shorten(name)!r}: {shorten(str(exc))}", path=str(path)) from None
    for (r0, c0), (r1, c1) in merged:
        if r0 >= len(rows):
            continue
        top = rows[r0][c0] if c0 < len(rows[r0]) else ""
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            for c in range(c0, min(c1, len(rows[r]) - 1) + 1):
                rows[r][c] = top
    # The header is the first non-empty row; the sheet's own row numbers name every row after it.
    first = next((k for k, r in enumerate(rows) if any(_filled(v) for v in r)), None)
    if first is None:
        raise EvidenceError(f"sheet {shorten(name)!r} is empty; it needs a header row naming the columns", path=str(path))
    header = [("" if v is None else str(_cell(v))) for v in rows[first]]
    width = data_width(header, rows[first + 1:])
    header = (header + [""] * width)[:width]
    body = [(k, line) for k, line in enumerate(rows[first + 1:], start=first + 1) if any(map(_filled, line))]
    lines = [line for _, line in body]
    cells = [column_cells(lines, j) for j in range(width)]
    labels = [f"row {k + 1}" for k, _ in body]
    notes = [f"{path}: read sheet {shorten(name)!r} of {len(names)}; choose another with --sheet NAME"] if len(names) > 1 else []
    return RawTable.from_columns(header, cells, labels, notes=notes)


def _filled(value: object) -> bool:
    return not (value is None or (isinstance(value, str) and not value.strip()))


def data_width(header: list[str], lines: list[list[object]]) -> int:
    """The columns up to the last one with a header or a value: trailing columns with neither are
    formatting, not data. Each row is looked at only beyond the width found so far, from its end."""
    width = max((j + 1 for j, h in enumerate(header) if h.strip()), default=0)
    for line in lines:
        for j in range(len(line) - 1, width - 1, -1):
            if _filled(line[j]):
                width = j + 1
                break
    return width


# What calamine gives that the core takes as it is; a date or a time is written as the sheet shows it.
_AS_IT_IS = frozenset({str, float, int, bool, type(None)})


def column_cells(lines: list[list[object]], j: int) -> list[object]:
    """Column `j` of the rows, "" where a row is shorter; `_cell` only for a column holding a date or time."""
    column = [line[j] if j < len(line) else "" for line in lines]
    if not _AS_IT_IS.issuperset(map(type, column)):
        column = [_cell(v) for v in column]
    return column
