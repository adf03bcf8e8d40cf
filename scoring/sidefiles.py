"""Small tables beside the evidence: amendments and committee decisions.

Bureau staff keep these in Excel or WPS, as workbooks (.xlsx, .xls, .ods:
the first sheet, read with python-calamine as evidence workbooks are) or saved
as CSV (often GBK), or produce them as JSON from another system. Each record
keeps the label of its row (`row 3`, `sheet '会议决定' row 3`) and where each of
its columns is (`column F (理由)`), so an error can point at the cell.
Headers may be English or Chinese.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .errors import EvidenceError
from .workbook_formulas import formula_message, uncalculated_formulas


WORKBOOKS = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")


@dataclass(frozen=True)
class Record:
    label: str               # "row 3" (the header is row 1), "sheet 'S' row 3", or "[2]" in a JSON array
    cells: dict[str, str]    # canonical column name -> stripped text ("" when empty or absent)
    # canonical column name -> where it is: "column F (理由)" in a workbook, "column 理由" in a CSV
    places: dict[str, str] = field(default_factory=dict)

    def at(self, column: str) -> str:
        """The record's label and the column's place: `sheet '会议决定' row 3, column F (理由)`."""
        place = self.places.get(column)
        return f"{self.label}, {place}" if place else self.label


def _decode(data: bytes, where: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise EvidenceError("the file is neither UTF-8 nor GBK text; save it as CSV UTF-8", path=where)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()  # a date typed in a workbook cell, as the sheet shows it
    return str(value).strip()


def _letters(j: int) -> str:
    """A spreadsheet's column letters: 0 → A, 25 → Z, 26 → AA."""
    out = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        out = chr(ord("A") + r) + out
    return out


def _workbook(data: bytes, where: str, what: str) -> tuple[list[str], list[tuple[str, dict[str, object]]], dict[str, str]]:
    """The first sheet of a workbook: its header, each row (labelled by sheet and row) and each column's letter."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - a dependency of scoring, missing only in a broken install
        raise EvidenceError("reading workbooks needs python-calamine: pip install python-calamine", path=where) from None
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        name = book.sheet_names[0]
        sheet: list[list[object]] = [list(r) for r in book.get_sheet_by_name(name).to_python(skip_empty_area=False)]
    except Exception as exc:  # calamine's own errors (zip, XML, password, no sheet): all mean "cannot read"
        raise EvidenceError(f"cannot read the {what} workbook: {str(exc)[:200]}; save it again from Excel or WPS, "
                            "or as CSV", path=where) from None
    refs, count = uncalculated_formulas(data, name)
    if count:  # their stored values are blank or 0, not what the sheet shows
        raise EvidenceError(f"the {what} workbook: {formula_message(refs, count, name)}", path=where)
    filled = [k for k, r in enumerate(sheet) if any(_text(c) for c in r)]
    if not filled:
        raise EvidenceError(f"sheet {name!r} of the {what} workbook is empty; it needs a header row", path=where)
    top = filled[0]
    header = [_text(c) for c in sheet[top]]
    while header and not header[-1]:
        header.pop()
    rows = []
    for k in filled[1:]:
        r = sheet[k]
        if any(_text(c) for c in r[len(header):]):
            raise EvidenceError(f"sheet {name!r} row {k + 1} has a value in column {_letters(len(header))}, "
                                "right of the last header; give the column a header or clear it", path=where)
        rows.append((f"sheet {name!r} row {k + 1}", {h: v for h, v in zip(header, r) if h}))
    letters = {h: f"column {_letters(j)} ({h})" for j, h in enumerate(header) if h}
    return [h for h in header if h], rows, letters


def read_records(path: str | Path, columns: Mapping[str, tuple[str, ...]], required: tuple[str, ...],
                 what: str) -> list[Record]:
    """Rows of a CSV, workbook or JSON file, with each header mapped to its canonical column name.

    `columns` maps a canonical name to the headers accepted for it (the name
    itself is always accepted); an unknown header is refused, so a typo such as
    `reasn` cannot silently drop a column; a `required` column must be present.
    """
    where = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise EvidenceError(f"cannot read the {what} file: {exc.strerror or exc}", path=where) from None
    alias = {name.casefold(): canon for canon, names in columns.items() for name in (canon, *names)}
    rows: list[tuple[str, dict[str, object]]] = []
    letters: dict[str, str] = {}   # header -> where it is, for messages naming a cell
    if Path(path).suffix.lower() in WORKBOOKS:
        headers, rows, letters = _workbook(data, where, what)
    elif Path(path).suffix.lower() == ".json":
        text = _decode(data, where)
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise EvidenceError(f"the {what} file is not JSON: {exc}", path=where) from None
        if not isinstance(doc, list) or not all(isinstance(r, dict) for r in doc):
            raise EvidenceError(f"the {what} file must be a JSON array of objects, one per {what} record", path=where)
        rows = [(f"[{k}]", r) for k, r in enumerate(doc)]
        headers = list(dict.fromkeys(h for _, r in rows for h in r))
    else:
        reader = csv.reader(io.StringIO(_decode(data, where)))
        table = [r for r in reader if any(c.strip() for c in r)]
        if not table:
            raise EvidenceError(f"the {what} file is empty; it needs a header row", path=where)
        headers = [h.strip() for h in table[0]]
        for k, r in enumerate(table[1:], start=2):
            if len(r) > len(headers) and any(c.strip() for c in r[len(headers):]):
                raise EvidenceError(f"row {k} has {len(r)} cells but the header has {len(headers)}", path=where)
            rows.append((f"row {k}", dict(zip(headers, r))))
        # A CSV names a column by its header, which the message names already: no place added.
    unknown = [h for h in headers if str(h).strip().casefold() not in alias]
    if unknown:
        known = ", ".join(f"{c}" + (f" ({'/'.join(a)})" if a else "") for c, a in columns.items())
        # In a workbook, say which column holds it (column F); a CSV's header is its name.
        place = f" ({letters[unknown[0]].split(' (')[0]})" if Path(path).suffix.lower() in WORKBOOKS else ""
        raise EvidenceError(f"unknown column {unknown[0]!r}{place}; the columns are: {known}", path=where)
    present = {alias[str(h).strip().casefold()] for h in headers}
    absent = [c for c in required if c not in present]
    if absent:
        raise EvidenceError(f"the {what} file has no {', '.join(absent)} column; it needs: {', '.join(required)}",
                            path=where)
    places = {alias[str(h).strip().casefold()]: letters[h] for h in headers if h in letters}
    out = []
    for label, raw in rows:
        cells = {c: "" for c in columns}
        for h, v in raw.items():
            cells[alias[str(h).strip().casefold()]] = _text(v)
        out.append(Record(label, cells, places))
    return out
