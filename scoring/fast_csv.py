"""A fast path for plain CSV evidence: Arrow's CSV reader, typed by whole columns.

Most evidence files are plain: UTF-8, no quotes, the rubric's field names as
the header, numbers written as plain decimals, yes/no cells as 是/否 or
true/false, every row valid. For such a file the cell-by-cell reader is all
overhead, so this module reads it with pyarrow's multi-threaded CSV parser,
checks every column at once with Arrow's compute functions, and hands typed
numpy columns to the same checks `Engine.evidence_from_arrays` runs (counts
whole, rates in [0, 1], bounds, duplicates, members, missing policies).

It answers only when the answer cannot differ from the careful path: on the
first thing that is not plain (a quote, a BOM-less non-UTF-8 byte, a header
that needs matching, a cell such as `1,234` or `55%` or `√`, a blank line of
commas, any row the checks would refuse), it returns None and the careful path
(`scoring.evidence.type_table` on the loader's cells) reads the file from the
start and names every row as always. tests/test_fast_csv.py checks the two
agree on drawn evidence.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .errors import EvidenceError
from .evidence_limits import MAX_CELL_CHARS, MAX_KEY_CHARS, MAX_NUMBER_CHARS
from .evidence import Evidence, sha256_of, type_arrays
from .plan import Rubric

# Yes/no words every version of the careful path reads the same way (lowercased).
PLAIN_TRUE = ("是", "true", "1", "yes", "y", "t")
PLAIN_FALSE = ("否", "false", "0", "no", "n", "f")
BOM = b"\xef\xbb\xbf"
# Every byte that can be part of a number Arrow reads as 0, every other byte as a comma: a run of
# MAX_NUMBER_CHARS + 1 zeros is where a number cell too long for the careful path could be.
_NUMBER_RUNS = bytes(48 if chr(b) in "0123456789.eE+-" else 44 for b in range(256))

_THREADS_FROM_BYTES = 8 << 20  # below 8 MiB one thread reads the file as fast

def _modules() -> tuple[Any, Any, Any] | None:
    try:
        import pyarrow as pa
        from . import arrow_compute as pc  # pyarrow.compute's calls, without its import (start-up)
        import pyarrow.csv as pacsv
    except ImportError:  # the careful path needs nothing beyond the standard library
        return None
    return pa, pc, pacsv


# numpy views of Arrow arrays, read from their buffers: `to_numpy` and
# `pyarrow.array` import pandas to look at their arguments, a second's work
# for nothing in a job that never uses it.
def _bits(buffer: Any, offset: int, n: int) -> np.ndarray:
    packed = np.frombuffer(buffer, dtype=np.uint8)
    bits: np.ndarray = np.unpackbits(packed, bitorder="little")[offset:offset + n].astype(bool)
    return bits


def _valid(array: Any) -> np.ndarray:
    """Where `array` is not null."""
    validity = array.buffers()[0]
    if validity is None or array.null_count == 0:
        return np.ones(len(array), dtype=bool)
    valid: np.ndarray = _bits(validity, array.offset, len(array))
    return valid


def _chunked_floats(chunked: Any) -> tuple[np.ndarray, np.ndarray]:
    """A float64 column read in chunks as one numpy array (NaN where null) and its null mask, copied
    once from the chunks (combining them first would copy the column twice)."""
    chunks = list(chunked.chunks)
    if not chunks:
        return np.zeros(0), np.zeros(0, dtype=bool)
    values = np.concatenate([np.frombuffer(c.buffers()[1], dtype=np.float64, count=c.offset + len(c))[c.offset:]
                             for c in chunks])
    empty = ~np.concatenate([_valid(c) for c in chunks])
    values[empty] = np.nan
    return values, empty


def _flags(array: Any) -> np.ndarray:
    """A boolean Arrow array as numpy, False where null."""
    flags: np.ndarray = _bits(array.buffers()[1], array.offset, len(array)) & _valid(array)
    return flags


def _strings(pa: Any, words: Any) -> Any:
    encoded = [w.encode("utf-8") for w in words]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return pa.Array.from_buffers(pa.string(), len(encoded), [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))])


def _header(data: bytes) -> list[str] | None:
    end = data.find(b"\n")
    line = (data if end < 0 else data[:end]).rstrip(b"\r")  # not split(): that copies the whole file
    try:
        names = line.decode("utf-8").split(",")
    except UnicodeDecodeError:
        return None
    if len(set(names)) != len(names) or any(n != n.strip() or not n for n in names):
        return None
    return names


def plain_csv_evidence(rubric: Rubric, path: Path, data: bytes, *, checks: Any = None) -> Evidence | None:
    """Typed evidence from a plain, valid CSV file; None if anything about it needs the careful path."""
    modules = _modules()
    if modules is None:
        return None
    pa, pc, pacsv = modules
    body = data[len(BOM):] if data.startswith(BOM) else data
    if b'"' in body or b"\x00" in body:
        return None  # quoting rules differ between readers; let the careful one decide
    names = _header(body)
    model = rubric.model
    info = model.rubric
    if names is None or info.id_column not in names:
        return None
    known = set(model.fields) | {info.id_column, info.period_column, info.parent_column}
    extra = [c for c in names if c not in known]
    if extra or any(f not in names and s.missing == "error" for f, s in model.fields.items()):
        return None  # the careful path words the warning or the error
    # Number fields are parsed by the reader itself (on all cores, no text kept): Arrow parses
    # decimal text exactly as Python does (correctly rounded), trims blanks as the careful path
    # strips them, and refuses `1,234`, `55%`, `1_000` and the like, which fails the read and sends
    # the file to the careful path. Their text is not kept, so the careful path's MAX_NUMBER_CHARS
    # is checked on the bytes: a run of that many number characters anywhere, and the file is its.
    if b"0" * (MAX_NUMBER_CHARS + 1) in body.translate(_NUMBER_RUNS):
        return None
    numeric = {f for f, spec in model.fields.items() if spec.numeric}
    try:
        table = pacsv.read_csv(
            pa.py_buffer(body),
            # Arrow's thread pool only for a big file: it buys nothing on a small one, and a
            # pool started for it has been seen to abort the process at exit under load
            # (apache/arrow#39862: 'terminate called' after the work was done).
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1,
                                           use_threads=len(body) > _THREADS_FROM_BYTES),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
            # Other columns as text (nothing guessed: "007" stays "007"); blank cells null, and only
            # blank cells: by default Arrow also reads "NA", "null", "N/A", "nan" ... as null, which
            # would blank a name "NA" and read a figure "N/A" as an empty cell, not a refused one.
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.float64() if n in numeric else pa.string() for n in names},
                strings_can_be_null=True, null_values=[""]),
        )
    except (pa.ArrowInvalid, pa.ArrowException):  # a ragged row, invalid UTF-8, ...
        return None
    n = table.num_rows
    if n == 0:
        return None

    def column(name: str) -> Any:
        # Combined afresh each time, not kept: kept, the text of every column would stay in memory at once.
        return table.column(name).combine_chunks()

    # Cells the careful path would strip are its business. Number, yes/no and
    # choice cells are matched exactly below, so only text columns need a look;
    # a row blank but for its commas has a blank id, which the checks refuse.
    keys = [c for c in (info.id_column, info.period_column, info.parent_column) if c in names]
    text_like = keys + [f for f, spec in model.fields.items() if spec.type == "text" and f in names]
    for name in text_like:
        if pc.any(pc.match_substring_regex(column(name), r"^\s|\s$")).as_py():
            return None

    def longest(name: str) -> int:
        return int(pc.max(pc.utf8_length(column(name))).as_py() or 0)

    # The careful path's limits (it refuses such cells) and its reading of keys
    # (NFKC: a full-width `Ｅ001` is `E001`): a file that meets either is its business.
    for name in keys:
        col = column(name)
        if longest(name) > MAX_KEY_CHARS or not pc.all(pc.equal(col, pc.utf8_normalize(col, form="NFKC"))).as_py():
            return None
    for name in names:
        if name not in numeric and longest(name) > MAX_CELL_CHARS:
            return None

    def encoded(name: str) -> tuple[np.ndarray, list[str]]:
        """Each cell's code and the distinct texts in first-seen order (Arrow's dictionary encoding)."""
        found = pc.dictionary_encode(column(name))
        listed = ["" if v is None else v for v in found.dictionary.to_pylist()]
        indices = found.indices
        codes = np.frombuffer(indices.buffers()[1], dtype=np.int32, count=indices.offset + n)[indices.offset:]
        blank = ~_valid(indices)
        if blank.any():  # null (a blank cell) -> "", one more distinct text
            codes = np.where(blank, len(listed), codes)
            listed.append("")
        return codes.astype(np.int64), listed

    def texts(name: str) -> np.ndarray:
        # Through a dictionary: each distinct text becomes a Python string once.
        # An object array whose cells share the dictionary's strings: a million
        # cells of a choice field hold a handful of string objects, not a million.
        codes, listed = encoded(name)
        words = np.empty(len(listed), dtype=object)
        words[:] = listed
        picked: np.ndarray = words[codes]
        return picked

    def key_texts(name: str) -> tuple[np.ndarray, tuple[np.ndarray, list[str]]]:
        # Fixed-width text as the checks and the layout sort it, and its codes for them to reuse.
        codes, listed = encoded(name)
        words = np.array(listed) if listed else np.zeros(0, dtype=str)
        return words[codes], (codes, listed)

    columns: dict[str, np.ndarray] = {}
    for name, spec in model.fields.items():
        if name not in names:
            continue
        if spec.numeric:
            # Read as numbers above. Text Arrow reads as NaN ("nan") is not a blank
            # cell, so a NaN anywhere but a blank cell sends the file to the careful path.
            values, empty = _chunked_floats(table.column(name))
            if not np.array_equal(np.isnan(values), empty):
                return None
            columns[name] = values
            continue
        col = column(name)
        empty = ~_valid(col)
        if spec.type == "bool":
            lowered = pc.utf8_lower(col)
            yes = _flags(pc.is_in(lowered, value_set=_strings(pa, PLAIN_TRUE)))
            no = _flags(pc.is_in(lowered, value_set=_strings(pa, PLAIN_FALSE)))
            if not (empty | yes | no).all():
                return None
            # 1.0 / 0.0, NaN where blank: the missing policy decides, as for any empty cell.
            flags = np.where(yes, 1.0, 0.0)
            flags[empty] = np.nan
            columns[name] = flags
        else:
            if spec.type == "enum" and not (
                    empty | _flags(pc.is_in(col, value_set=_strings(pa, spec.values or [])))).all():
                return None
            columns[name] = texts(name)
    ids = key_texts(info.id_column)
    hints: dict[str, tuple[np.ndarray, list[str]]] = {"ids": ids[1]}
    periods = None
    if info.period_column in names:
        periods, hints["periods"] = key_texts(info.period_column)
    parents = texts(info.parent_column) if info.parent_column in names else None
    try:
        return type_arrays(model, ids[0], columns, periods=periods, parents=parents,
                           source=str(path), on_error="fail", member_fields=rubric.member_fields,
                           optional=rubric.optional_fields, digest=sha256_of(data), checks=checks,
                           known_keys=hints, stripped_text=True)
    except EvidenceError:
        return None  # some row is refused: the careful path names it by its row in the file
