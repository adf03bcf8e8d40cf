"""Evidence loaders: CSV (UTF-8 or GB18030/GBK), JSON, JSON Lines and workbooks (.xlsx, .xls, .ods)."""

from __future__ import annotations

import codecs
import csv
import io
import json
from pathlib import Path
from typing import Any

from scoring.plugin import EvidenceError, Loader, RawTable, UsageError, json_nesting_problem, shorten
from scoring.plugin import FALLBACK_ENCODING, not_utf8_note  # GBK files: read as GB18030, with a note

from .workbook import read_workbook



def decode(path: Path, data: bytes, encoding: str | None = None) -> tuple[str, list[str]]:
    """The file's text and any note for the user: UTF-8 (BOM or not), else GB18030, or `encoding` if given."""
    if encoding is not None:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            raise UsageError(f"--encoding {encoding!r}: no such encoding; try utf-8 or gb18030") from None
        try:
            return data.decode("utf-8-sig" if name == "utf-8" else name), []
        except UnicodeDecodeError as exc:
            raise EvidenceError(f"not valid {name} text (byte {exc.start}); check --encoding", path=str(path)) from None
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        utf8_error = exc.start
    try:
        text = data.decode(FALLBACK_ENCODING)
    except UnicodeDecodeError:
        raise EvidenceError(
            f"not UTF-8 text (byte {utf8_error}) and not GB18030/GBK either; save the file as UTF-8 "
            "(in Excel: CSV UTF-8), or name its encoding with --encoding",
            path=str(path),
        ) from None
    return text, [not_utf8_note(path)]


def read_csv(path: Path, data: bytes, encoding: str | None = None) -> RawTable:
    text, notes = decode(path, data, encoding)
    # strict: an unterminated quote is an error, not a cell that swallows the rest of the file.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise EvidenceError("the file is empty; it needs a header row naming the columns", path=str(path)) from None
    except csv.Error as exc:
        raise EvidenceError(f"cannot read the header row: {exc}", path=str(path)) from None
    rows: list[list[str]] = []
    labels: list[str] = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue  # blank lines carry no unit; spreadsheets leave them at the end
            rows.append(row)
            # Spreadsheet numbering: the header is row 1.
            labels.append(f"row {reader.line_num}")
    except csv.Error as exc:
        raise EvidenceError(
            f"line {reader.line_num}: {shorten(str(exc))} (a quote opened in a cell and never closed?); "
            "nothing was scored",
            path=str(path),
        ) from None
    return RawTable(columns=header, rows=rows, row_labels=labels, notes=tuple(notes))


# --- JSON ----------------------------------------------------------------------

class _Row(dict[str, Any]):
    """A JSON object that remembers the first key it saw twice (the last one would win silently)."""

    duplicate: str | None = None


def _pairs(pairs: list[tuple[str, Any]]) -> _Row:
    row = _Row()
    for key, value in pairs:
        if key in row and row.duplicate is None:
            row.duplicate = key
        row[key] = value
    return row


def _loads(text: str) -> Any:
    """json.loads after the nesting and number-size checks of scoring.limits, remembering keys seen twice."""
    problem = json_nesting_problem(text)
    if problem:
        raise ValueError(problem)
    return json.loads(text, object_pairs_hook=_pairs)


def _objects_to_table(path: Path, items: list[tuple[str, object]], notes: list[str]) -> RawTable:
    columns: dict[str, None] = {}
    broken: dict[int, str] = {}
    for i, (label, item) in enumerate(items):
        if not isinstance(item, dict):
            raise EvidenceError(f"{label} is not an object of field names and values", path=str(path))
        if isinstance(item, _Row) and item.duplicate is not None:
            broken[i] = f"key {shorten(item.duplicate)!r} appears twice in this row; keep one"
        for key, value in item.items():
            if isinstance(value, (dict, list)):
                broken.setdefault(i, f"key {shorten(key)!r}: nested values are not evidence; give a plain value")
            columns.setdefault(key, None)
    names = list(columns)
    data = [[item.get(c) for _, item in items] for c in names]  # type: ignore[attr-defined]
    return RawTable.from_columns(names, data, [label for label, _ in items], broken=broken, notes=notes)


def read_json(path: Path, data: bytes, encoding: str | None = None) -> RawTable:
    text, notes = decode(path, data, encoding)
    try:
        doc = _loads(text)  # nesting and number size checked first
    except json.JSONDecodeError as exc:
        raise EvidenceError(f"JSON syntax error at line {exc.lineno}, column {exc.colno}: {exc.msg}", path=str(path)) from None
    except ValueError as exc:  # an integer of thousands of digits, say
        raise EvidenceError(f"cannot read the JSON: {shorten(str(exc))}", path=str(path)) from None
    if isinstance(doc, _Row) and doc.duplicate is not None:
        raise EvidenceError(f"key {shorten(doc.duplicate)!r} appears twice in the top-level object; keep one",
                            path=str(path))
    if isinstance(doc, dict) and "rows" in doc:
        doc = doc["rows"]
    if not isinstance(doc, list):
        raise EvidenceError('expected a JSON array of rows, or an object with a "rows" array', path=str(path))
    if not doc:
        raise EvidenceError("the JSON array holds no rows", path=str(path))
    return _objects_to_table(path, [(f"item {i + 1}", item) for i, item in enumerate(doc)], notes)


def read_jsonl(path: Path, data: bytes, encoding: str | None = None) -> RawTable:
    text, notes = decode(path, data, encoding)
    items: list[tuple[str, object]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append((f"line {number}", _loads(line)))
        except json.JSONDecodeError as exc:
            raise EvidenceError(f"line {number}, column {exc.colno}: JSON syntax error: {exc.msg}", path=str(path)) from None
        except ValueError as exc:
            raise EvidenceError(f"line {number}: cannot read the JSON: {shorten(str(exc))}", path=str(path)) from None
    return _objects_to_table(path, items, notes)


LOADERS: tuple[Loader, ...] = (
    Loader("csv", (".csv",), read_csv, "comma-separated values, UTF-8 (with or without BOM) or GB18030/GBK",
           ("encoding",)),
    Loader("json", (".json",), read_json, "a JSON array of row objects", ("encoding",)),
    Loader("jsonl", (".jsonl", ".ndjson"), read_jsonl, "one JSON row object per line", ("encoding",)),
    Loader("xlsx", (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"), read_workbook,
           "a spreadsheet workbook (Excel, WPS, LibreOffice); --sheet picks the sheet", ("sheet",)),
)
