"""A fast path for plain .xlsx/.xlsm evidence: fastexcel reads the sheet into Arrow, typed by whole columns.

The careful path (plugins/scoring_std/workbook.py, then `scoring.evidence.type_table`)
turns every cell into a Python object and then into text, one at a time: 4.5 s for a
sheet of 100,000 rows, 54 s and 5.7 GB for a million. fastexcel (the same calamine
reader, binding straight to Arrow) reads the sheet into columns, and the CSV fast
path's typing (`scoring.fast_csv.typed_evidence`) takes them from there.

It answers only for a sheet where the two cannot differ, and returns None (the
careful path reads the file from the start and names every row as always) on
anything else:

- the sheet's XML (searched as bytes, a chunk at a time) has a merged range (the
  careful path copies its value over the range), a formula (the careful path
  checks whether its value was computed), or an error cell (`#DIV/0!`: fastexcel
  reads it as blank); or its first cell is not a filled A1 (the header must be
  row 1, starting in column A, for rows to be named by their sheet row);
- the sheet is not found, or the two readers list the sheets differently;
- fastexcel, asked to be strict, finds a column holding two kinds of cell (a
  number in a text column, text in a number column, a date or a yes/no cell
  among text): one kind per column, or the careful path;
- a header is not one of the rubric's columns as the CSV fast path reads them, or
  a column past the header holds data (fastexcel names it `__UNNAMED__n`);
- a number field's column holds anything but numbers and blanks; a text column
  anything but text and blanks; a number whose text, as the careful path writes
  it (`scoring.cells.cell_text`), is not a plain decimal (from 1e16 up, below
  1e-4) or is not finite;
- a text is not its own strip, a row has no id (a blank row too), or any check
  refuses a row (`typed_evidence`, as for CSV).

A -0.0 cell is read as 0.0, as the careful path reads its text "0". The XML is
searched on a thread while fastexcel reads the sheet (its first row at once).
tests/test_fast_workbook.py checks the two paths agree on drawn workbooks.
"""

from __future__ import annotations

import io
import logging
import re
import threading
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from .evidence import Evidence
from .fast_csv import FileDigest, _chunked_floats, rubric_columns, typed_evidence
from .plan import Rubric
from .plugin import shorten
from .workbook_formulas import _FORMULA, _PREFIX, _sheet_part

SUFFIXES = (".xlsx", ".xlsm")

# fastexcel hands the log of its Rust readers to Python's logging ("fastexcel.*", "calamine.*": a
# sheet's bad <dimension>, "Could not determine dtype" for a column with no cell, read here as blank). With no handler anywhere Python's last resort
# prints them on stderr, and a library prints nothing: a NullHandler on each, as a library puts on
# its own loggers, leaves them to an application that sets up logging (they still reach its root).
for _logger in ("fastexcel", "calamine"):
    logging.getLogger(_logger).addHandler(logging.NullHandler())
_CHUNK = 1 << 24  # the sheet's XML is searched 16 MB at a time, never held whole
_HEAD = 1 << 20  # the sheet's first row is looked for in its first MB
_TAIL = 256  # bytes kept from one chunk to the next: an element cut by a chunk's end is whole in them
# What makes a sheet the careful path's, anywhere in its XML (a false alarm only costs speed).
_MERGED = re.compile(rb"<" + _PREFIX + rb"mergeCell[\s>/]")
_ERROR = re.compile(rb"\st\s*=\s*[\"']e[\"']")  # an error cell (t="e")
_SHEET_DATA = re.compile(rb"<" + _PREFIX + rb"sheetData[\s>]")
_SHEET_DATA_END = re.compile(rb"</" + _PREFIX + rb"sheetData>")
_FIRST_CELL = re.compile(rb"<(" + _PREFIX + rb")c[\s>/][^>]*>")
_A1 = re.compile(rb'\sr\s*=\s*["\']A1["\']')
_VALUE = re.compile(rb"<" + _PREFIX + rb"(?:v>[^<]|is[\s>])")  # a value, not an empty <v></v>
_PLAIN_NUMBER_BELOW = 1e16  # from here repr() writes an exponent, which is not plain decimal text
_PLAIN_NUMBER_FROM = 1e-4  # and below this


def _sheet_names(workbook: bytes) -> list[str]:
    from xml.etree import ElementTree

    root = ElementTree.fromstring(workbook)
    return [s.get("name") or "" for s in root.iter() if s.tag.endswith("}sheet") or s.tag == "sheet"]


def _plain_xml(book: zipfile.ZipFile, part: str) -> int | None:
    """The number of filled cells in row 1 if the sheet's XML starts with a filled A1 and has no merged
    range, formula or error cell; else None."""
    tail = b""
    filled: int | None = None
    in_cells = True  # until </sheetData>: formulas and error cells count only in cells
    with book.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            if filled is None:
                filled = _row_one(window)
                if filled is None:
                    return None
            cells = b""
            if in_cells:
                end = _SHEET_DATA_END.search(window)
                cells = window if end is None else window[:end.start()]
                in_cells = end is None
            # After the cells, a drop-down list drawn from another sheet is `<xm:f>` in the extension
            # list (as Excel saves bureau templates): a formula of no cell, as workbook_formulas reads it.
            # Plain byte searches first (a pattern tries every `<` or blank: 2 s for 100,000 rows).
            if ((b"mergeCell" in window and _MERGED.search(window))
                    or ((b'"e"' in cells or b"'e'" in cells) and _ERROR.search(cells))
                    or ((b"<f" in cells or b":f" in cells) and _FORMULA.search(cells))):
                return None
            tail = window[-_TAIL:]
    return filled


def _row_one(xml: bytes) -> int | None:
    """The filled cells of the sheet's first row, if its first cell is a filled A1 (else None): so the
    header fastexcel reads (the first row of the sheet's used range) is row 1 of the sheet."""
    data = _SHEET_DATA.search(xml)
    cell = _FIRST_CELL.search(xml, data.end()) if data else None
    if cell is None or not _A1.search(cell.group(0)):
        return None
    prefix = cell.group(1)
    end = xml.find(b"</" + prefix + b"row>", cell.start())
    if end < 0:
        return None
    filled = 0
    for found in _FIRST_CELL.finditer(xml, cell.start(), end):
        close = xml.find(b"</" + prefix + b"c>", found.end(), end)
        if not found.group(0).endswith(b"/>") and close >= 0 and _VALUE.search(xml, found.end(), close):
            filled += 1
        elif found.start() == cell.start():
            return None  # A1 is there but blank
    return filled


def plain_workbook_evidence(rubric: Rubric, path: Path, data: bytes, *, sheet: str | None = None,
                            checks: Any = None, digest: FileDigest | None = None) -> Evidence | None:
    """Typed evidence from a plain, valid .xlsx/.xlsm sheet; None if anything about it needs the
    careful path. `digest`: the file's, when the caller keeps it for the careful path."""
    if path.suffix.lower() not in SUFFIXES or not data.startswith(b"PK"):
        return None
    try:
        import fastexcel  # noqa: F401 - used in `_read`; looked for first, before any work
    except ImportError:  # a dependency of scoring; without it the careful path reads every workbook
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            workbook = book.read("xl/workbook.xml")
            names = _sheet_names(workbook)
            if not names or (sheet is not None and sheet not in names):
                return None  # the careful path words the error
            name = names[0] if sheet is None else sheet
            part = _sheet_part(book, workbook, name)
            if part is None:
                return None
            with book.open(part) as stream:  # a title row, a header not in row 1: found at once
                if _row_one(stream.read(_HEAD)) is None:
                    return None
    except Exception:  # noqa: BLE001 - a zip or XML the standard library cannot read: calamine decides
        return None
    # The rest of the XML (merged ranges are listed after the cells) is searched on a thread of its own
    # while fastexcel reads the sheet (5 s of 16 at a million rows); the answer waits for both.
    scan = _XmlScan(data, part)
    scan.start()
    try:
        return _read(rubric, path, data, name, names, checks, digest, scan)
    finally:
        scan.join()


class _XmlScan(threading.Thread):
    """`_plain_xml` of the sheet on a thread: `filled` is its answer, None also if it failed."""

    def __init__(self, data: bytes, part: str) -> None:
        super().__init__(name="scoring-workbook-xml")
        self._data, self._part = data, part
        self.filled: int | None = None

    def run(self) -> None:
        try:
            with zipfile.ZipFile(io.BytesIO(self._data)) as book:
                self.filled = _plain_xml(book, self._part)
        except Exception:  # noqa: BLE001 - what the standard library cannot read is calamine's to decide
            self.filled = None


def _read(rubric: Rubric, path: Path, data: bytes, name: str, names: list[str], checks: Any,
          digest: FileDigest | None, scan: _XmlScan) -> Evidence | None:
    import fastexcel
    import pyarrow as pa

    digest = FileDigest(data) if digest is None else digest
    try:
        reader = fastexcel.read_excel(data)
        if list(reader.sheet_names) != names:
            return None
        digest.start()
        # Strict: a column holding two kinds of cell fails the read, rather than one kind being turned
        # into the other (a number into text, text into a blank); every row is looked at.
        found = reader.load_sheet(name, header_row=0, dtype_coercion="strict", schema_sample_rows=None)
        columns = found.available_columns()
        table = pa.Table.from_batches([found.to_arrow()])  # a record batch: as a table, chunked columns as the CSV reader's
    except Exception:  # noqa: BLE001 - fastexcel's errors (strict types, a sheet it cannot read): the careful path's
        return None
    scan.join()
    filled = scan.filled
    if filled is None:
        return None
    header = [c.name for c in columns]
    if any(c.absolute_index != k or c.column_name_from != "looked_up" for k, c in enumerate(columns)):
        return None  # the header does not start in column A, or a header cell is blank
    if len(set(header)) != len(header) or any(h != h.strip() or not h or _renamed(h, header[:k])
                                              for k, h in enumerate(header)):
        return None  # fastexcel renames a repeated header `x_1`; the careful path has its say on repeats
    model = rubric.model
    rubric_names = rubric_columns(model, header)
    if rubric_names is None or table.num_rows == 0 or table.num_columns != len(header) or filled != len(header):
        return None
    numeric = {f for f, spec in model.fields.items() if spec.numeric}
    typed = []
    for k, column_name in enumerate(rubric_names):
        column = table.column(k)
        empty = column.null_count == len(column)
        if column_name in numeric:
            if pa.types.is_float64(column.type):
                column = _as_read(column, pa)
                if column is None:
                    return None
            elif empty:
                column = pa.nulls(len(column), pa.float64())
            else:
                return None
        elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            column = column.cast(pa.string()).dictionary_encode()
        elif empty:
            column = pa.chunked_array([pa.nulls(len(column), pa.string()).dictionary_encode()])
        else:
            return None
        typed.append(column)
    table = pa.table(typed, names=rubric_names)
    evidence = typed_evidence(rubric, path, table, rubric_names, numeric, checks, digest)
    if evidence is not None and len(names) > 1:
        # The careful loader's note, word for word.
        evidence.notes = [f"{path}: read sheet {shorten(name)!r} of {len(names)}; choose another with --sheet NAME",
                          *evidence.notes]
    return evidence


def _renamed(name: str, before: list[str]) -> bool:
    """Whether `name` may be fastexcel's name for a repeat of a header before it (`x_1` after `x`)."""
    base, _, number = name.rpartition("_")
    return number.isdigit() and base in before


def _as_read(column: Any, pa: Any) -> Any:
    """A number column as the careful path reads it: each cell's text (`cells.cell_text`) parsed
    back. That is the cell itself for a finite number written as plain decimal text, 0.0 for -0.0;
    None if some cell is written otherwise (an exponent, not finite): the careful path's business."""
    values = _chunked_floats(column)  # NaN where blank; None if a cell is NaN
    if values is None:
        return None
    size = np.abs(values[~np.isnan(values)])
    if not (np.isfinite(size).all() and (size < _PLAIN_NUMBER_BELOW).all()
            and ((size >= _PLAIN_NUMBER_FROM) | (size == 0)).all()):
        return None
    if (size == 0).any():
        import pyarrow.compute as pc

        return pc.add(column, 0.0)  # -0.0 + 0.0 is 0.0; every other number is itself
    return column
