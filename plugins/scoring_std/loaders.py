"""Evidence loaders: CSV (UTF-8, with or without BOM), JSON and JSON Lines."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from scoring.errors import EvidenceError
from scoring.limits import loads_json_bounded
from scoring.tables import Loader, RawTable


def _text(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EvidenceError(
            f"not UTF-8 text (byte {exc.start}); save the file as UTF-8 (in Excel: CSV UTF-8)", path=str(path)
        ) from None


def read_csv(path: Path, data: bytes) -> RawTable:
    # strict: an unterminated quote is an error, not a cell that swallows the rest of the file.
    reader = csv.reader(io.StringIO(_text(path, data), newline=""), strict=True)
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
            f"line {reader.line_num}: {exc} (a quote opened in a cell and never closed?); nothing was scored",
            path=str(path),
        ) from None
    return RawTable(columns=header, rows=rows, row_labels=labels)


def _objects_to_table(path: Path, items: list[tuple[str, object]]) -> RawTable:
    columns: dict[str, None] = {}
    for label, item in items:
        if not isinstance(item, dict):
            raise EvidenceError(f"{label} is not an object of field names and values", path=str(path))
        for key, value in item.items():
            if isinstance(value, (dict, list)):
                raise EvidenceError(f"{label}, key {key!r}: nested values are not evidence; give a plain value", path=str(path))
            columns.setdefault(str(key), None)
    names = list(columns)
    rows = [[item.get(c) for c in names] for _, item in items]  # type: ignore[union-attr]
    return RawTable(columns=names, rows=rows, row_labels=[label for label, _ in items])


def read_json(path: Path, data: bytes) -> RawTable:
    try:
        doc = loads_json_bounded(_text(path, data))  # nesting and number size checked first
    except json.JSONDecodeError as exc:
        raise EvidenceError(f"JSON syntax error at line {exc.lineno}, column {exc.colno}: {exc.msg}", path=str(path)) from None
    except ValueError as exc:  # an integer of thousands of digits, say
        raise EvidenceError(f"cannot read the JSON: {exc}", path=str(path)) from None
    if isinstance(doc, dict) and "rows" in doc:
        doc = doc["rows"]
    if not isinstance(doc, list):
        raise EvidenceError('expected a JSON array of rows, or an object with a "rows" array', path=str(path))
    if not doc:
        raise EvidenceError("the JSON array holds no rows", path=str(path))
    return _objects_to_table(path, [(f"item {i + 1}", item) for i, item in enumerate(doc)])


def read_jsonl(path: Path, data: bytes) -> RawTable:
    items: list[tuple[str, object]] = []
    for number, line in enumerate(_text(path, data).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append((f"line {number}", loads_json_bounded(line)))
        except json.JSONDecodeError as exc:
            raise EvidenceError(f"line {number}, column {exc.colno}: JSON syntax error: {exc.msg}", path=str(path)) from None
        except ValueError as exc:
            raise EvidenceError(f"line {number}: cannot read the JSON: {exc}", path=str(path)) from None
    return _objects_to_table(path, items)


LOADERS: tuple[Loader, ...] = (
    Loader("csv", (".csv",), read_csv, "comma-separated values, UTF-8 with or without BOM"),
    Loader("json", (".json",), read_json, "a JSON array of row objects"),
    Loader("jsonl", (".jsonl", ".ndjson"), read_jsonl, "one JSON row object per line"),
)
