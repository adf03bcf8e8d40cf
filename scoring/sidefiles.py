"""Small tables beside the evidence: amendments and committee decisions.

Bureau staff keep these in Excel or WPS and save them as CSV (often GBK), or
produce them as JSON from another system. Each record keeps the label of its
row (`row 3`) so an error can point at it. Headers may be English or Chinese.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import EvidenceError


@dataclass(frozen=True)
class Record:
    label: str               # "row 3" (the header is row 1) or "[2]" in a JSON array
    cells: dict[str, str]    # canonical column name -> stripped text ("" when empty or absent)


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
    return str(value).strip()


def read_records(path: str | Path, columns: Mapping[str, tuple[str, ...]], required: tuple[str, ...],
                 what: str) -> list[Record]:
    """Rows of a CSV or JSON file, with each header mapped to its canonical column name.

    `columns` maps a canonical name to the headers accepted for it (the name
    itself is always accepted); an unknown header is refused, so a typo such as
    `reasn` cannot silently drop a column; a `required` column must be present.
    """
    where = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise EvidenceError(f"cannot read the {what} file: {exc.strerror or exc}", path=where) from None
    text = _decode(data, where)
    alias = {name.casefold(): canon for canon, names in columns.items() for name in (canon, *names)}
    rows: list[tuple[str, dict[str, object]]] = []
    if Path(path).suffix.lower() == ".json":
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise EvidenceError(f"the {what} file is not JSON: {exc}", path=where) from None
        if not isinstance(doc, list) or not all(isinstance(r, dict) for r in doc):
            raise EvidenceError(f"the {what} file must be a JSON array of objects, one per {what} record", path=where)
        rows = [(f"[{k}]", r) for k, r in enumerate(doc)]
        headers = list(dict.fromkeys(h for _, r in rows for h in r))
    else:
        reader = csv.reader(io.StringIO(text))
        table = [r for r in reader if any(c.strip() for c in r)]
        if not table:
            raise EvidenceError(f"the {what} file is empty; it needs a header row", path=where)
        headers = [h.strip() for h in table[0]]
        for k, r in enumerate(table[1:], start=2):
            if len(r) > len(headers) and any(c.strip() for c in r[len(headers):]):
                raise EvidenceError(f"row {k} has {len(r)} cells but the header has {len(headers)}", path=where)
            rows.append((f"row {k}", dict(zip(headers, r))))
    unknown = [h for h in headers if str(h).strip().casefold() not in alias]
    if unknown:
        known = ", ".join(f"{c}" + (f" ({'/'.join(a)})" if a else "") for c, a in columns.items())
        raise EvidenceError(f"unknown column {unknown[0]!r}; the columns are: {known}", path=where)
    present = {alias[str(h).strip().casefold()] for h in headers}
    absent = [c for c in required if c not in present]
    if absent:
        raise EvidenceError(f"the {what} file has no {', '.join(absent)} column; it needs: {', '.join(required)}",
                            path=where)
    out = []
    for label, raw in rows:
        cells = {c: "" for c in columns}
        for h, v in raw.items():
            cells[alias[str(h).strip().casefold()]] = _text(v)
        out.append(Record(label, cells))
    return out
