"""A fast path for plain CSV evidence: Arrow's CSV reader, typed by whole columns.

Most evidence files are plain: UTF-8 or GBK (read as GB18030, as the careful
path reads a file that is not UTF-8, with its note), a header of the rubric's
field names, titles or aliases (企业编号, 死亡人数, ...; any form
`scoring.headers` reads), numbers written as plain decimals, yes/no cells as
是/否 or true/false, every row valid. Quoted cells are plain too when their
quoting is well-formed, as Excel and WPS write a cell holding a comma or a quote
(`"南关加油站（北京,分公司）"`) and some exporters write every cell, header
included: `scoring.csv_quotes` proves that Arrow and the careful path's csv
module read such quoting into the same cells. For such a file the cell-by-cell
reader is all overhead, so this module reads it with pyarrow's multi-threaded
CSV parser (numbers as float64, every other column as dictionary text), checks
each distinct text once with the careful path's own functions, and hands typed
numpy columns to the same checks `Engine.evidence_from_arrays` runs (counts
whole, rates in [0, 1], bounds, duplicates, members, missing policies).

It answers only when the answer cannot differ from the careful path: on the
first thing that is not plain (quoting the two readers may read apart: text
after a closing quote, a quote inside an unquoted cell or after a blank, a line
break inside quotes, an unbalanced quote; a header line that is UTF-8 over a
body that is not, a column the rubric does not name, a cell such as `1,234` or
`55%` or `√`, quoted or not, a blank line of commas, any row the checks would
refuse), it returns None and the careful path (`scoring.evidence.type_table` on
the loader's cells) reads the file from the start and names every row as
always. tests/test_fast_csv.py checks the two agree on drawn evidence, written
with and without quotes.
"""

from __future__ import annotations

import csv
import threading
from pathlib import Path
from typing import Any

import numpy as np

from . import cells
from . import headers
from .errors import EvidenceError
from .csv_quotes import quotes_read_alike
from .evidence_limits import MAX_CELL_CHARS, MAX_KEY_CHARS, MAX_NUMBER_CHARS
from .evidence import Evidence, sha256_of, type_arrays
from .periods import normalise
from .plan import Rubric
from .text_encoding import FALLBACK_ENCODING, not_utf8_note

# Yes/no words every version of the careful path reads the same way (lowercased).
PLAIN_TRUE = ("是", "true", "1", "yes", "y", "t")
PLAIN_FALSE = ("否", "false", "0", "no", "n", "f")
_PLAIN_WORDS = frozenset(PLAIN_TRUE + PLAIN_FALSE)
BOM = b"\xef\xbb\xbf"
# Every byte that can be part of a number Arrow reads: a run of MAX_NUMBER_CHARS + 1 of them is
# where a number cell too long for the careful path could be.
# Blanks count too: Arrow trims spaces and tabs around a figure, so a figure padded with more than the
# csv module's field limit of them (which the careful path refuses) would otherwise be read here.
_NUMBER_BYTES = b"0123456789.eE+- \t"
_NUMBER_RUNS = bytes(48 if b in _NUMBER_BYTES else 44 for b in range(256))  # number bytes as 0, others as ,
_IS_NUMBER = np.zeros(256, dtype=bool)
_IS_NUMBER[list(_NUMBER_BYTES)] = True
_STEP = 16

_THREADS_FROM_BYTES = 8 << 20  # below 8 MiB one thread reads the file as fast

def _modules() -> tuple[Any, Any] | None:
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:  # the careful path needs nothing beyond the standard library
        return None
    return pa, pacsv


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


def _chunked_floats(chunked: Any) -> np.ndarray | None:
    """A float64 column read in chunks as one numpy array, NaN where blank (null), copied once from
    the chunks (combining them first would copy the column twice); None if a cell that is not blank
    reads as NaN (text such as "nan", which the careful path refuses)."""
    chunks = [c for c in chunked.chunks if len(c)]
    if not chunks:
        return np.zeros(0)
    values = np.concatenate([np.frombuffer(c.buffers()[1], dtype=np.float64, count=c.offset + len(c))[c.offset:]
                             for c in chunks])
    nan = np.isnan(values)
    if chunked.null_count:
        empty = ~np.concatenate([_valid(c) for c in chunks])
        if (nan & ~empty).any():
            return None
        values[empty] = np.nan
    elif nan.any():
        return None
    return values


def _dictionary(chunked: Any) -> tuple[np.ndarray, list[str]]:
    """A text column read as dictionary codes: each cell's code (int32) and the distinct texts, a
    blank cell (null) coded as one more text, "". The chunks' dictionaries are unified first, so
    one text has one code throughout; the codes are copied once from the chunks."""
    unified = chunked.unify_dictionaries()
    chunks = [c for c in unified.chunks if len(c)]
    listed: list[str] = chunks[0].dictionary.to_pylist() if chunks else []
    parts = [np.frombuffer(c.indices.buffers()[1], dtype=np.int32, count=c.indices.offset + len(c))[c.indices.offset:]
             for c in chunks]
    codes = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
    if unified.null_count:
        codes[~np.concatenate([_valid(c.indices) for c in chunks])] = len(listed)
        listed.append("")
    return codes, listed


def _objects(listed: list[str]) -> np.ndarray:
    words = np.empty(len(listed), dtype=object)
    words[:] = listed
    return words


def has_number_run(data: bytes, longer_than: int) -> bool:
    """Whether `data` has more than `longer_than` number bytes (`_NUMBER_BYTES`) in a row.

    Looked for at every 16th byte first, not at every byte: a run of L bytes covers at least
    L // 16 consecutive multiples of 16, and the three 16-byte blocks between the first four of
    them are wholly inside it. Only if some such blocks are all number bytes (a run of 49 or
    more; rare in real evidence) is every byte looked at, the plain way.
    """
    def plainly() -> bool:
        return b"0" * (longer_than + 1) in data.translate(_NUMBER_RUNS)

    k = (longer_than + 1) // _STEP  # consecutive sampled bytes inside any long enough run
    if k < 4:
        return plainly()
    sampled = _IS_NUMBER[np.frombuffer(data, dtype=np.uint8)[::_STEP]]
    m = sampled.size - k + 1
    if m <= 0:
        return plainly()
    first = sampled[:m].copy()  # sampled bytes j .. j+k-1 all number bytes
    for j in range(1, k):
        first &= sampled[j:m + j]
    starts = np.flatnonzero(first)
    if starts.size == 0:
        return False
    blocks = np.frombuffer(data, dtype=np.uint8)[:len(data) // _STEP * _STEP].reshape(-1, _STEP)
    whole = np.ones(starts.size, dtype=bool)
    for j in range(3):  # the blocks between the first four sampled bytes: inside the run, if there is one
        whole &= _IS_NUMBER[blocks[starts + j]].all(axis=1)
    return bool(whole.any()) and plainly()


class FileDigest:
    """The file's sha256, worked out on a thread of its own while the reader and the checks run
    (hashlib lets go of the GIL over a large buffer); calling it waits for it. Started once, when
    the read begins: a GBK file read a second time as GB18030 does not hash its bytes twice, and
    the careful path, should the fast one decline, takes the hash begun here (`if_started`)."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._found: list[str] = []
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            # Not a daemon: should the fast path decline and the job end at once, the hash (a tenth of
            # a second at a million rows) is finished rather than cut off while the interpreter shuts down.
            self._thread = threading.Thread(target=lambda: self._found.append(sha256_of(self._data)),
                                            name="scoring-evidence-sha256")
            self._thread.start()

    def __call__(self) -> str:
        self.start()
        assert self._thread is not None
        self._thread.join()
        return self._found[0] if self._found else sha256_of(self._data)

    def if_started(self) -> str | None:
        """The hash, if the fast path began it; else None (the caller hashes when it needs to)."""
        return None if self._thread is None else self()


def _first_line(data: bytes) -> bytes:
    end = data.find(b"\n")
    return data if end < 0 else data[:end]  # not split(): that copies the whole file


def _header(data: bytes) -> list[str] | None:
    line = _first_line(data).rstrip(b"\r")
    if b"\r" in line:
        return None  # lines ended by CR alone (Excel for Mac), or a CR in a header cell: the careful path's
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return None
    # A quoted header (an exporter that quotes every cell) read as the careful path reads it, with the
    # csv module; the file's quoting has been found well-formed, so Arrow would read it the same.
    try:
        names = next(csv.reader([text]), []) if '"' in text else text.split(",")
    except csv.Error:  # a header cell over the csv module's field limit: the careful path words it
        return None
    if len(set(names)) != len(names) or any(n != n.strip() or not n for n in names):
        return None
    return names


def _columns_named(model: Any, header: list[str] | None) -> list[str] | None:
    """The header as the rubric's own column names, each header read as the careful path reads it
    (`scoring.headers`: a field's or key column's id, title or alias, NFKC and case-folded), so a file
    headed 企业编号, 考核期, 死亡人数 ... as offices head them is read here too. None where the careful
    path has more to say: a column the rubric does not name (its warning), a rater or stage column,
    two columns naming one thing, or titles that clash in the rubric."""
    if header is None:
        return None
    try:
        lookup = headers.header_names(model)
    except ValueError:
        return None
    info = model.rubric
    keys = {headers.ID: info.id_column, headers.PERIOD: info.period_column, headers.PARENT: info.parent_column}
    named = []
    for name in header:
        target = lookup.get(headers.normalise(name))
        if target is None or target in (headers.RATER, headers.STAGE):
            return None
        named.append(keys.get(target, target))
    return named if len(set(named)) == len(named) else None


class _NotUtf8(Exception):
    """The file is not UTF-8 text: the careful path reads it as GB18030."""


def plain_csv_evidence(rubric: Rubric, path: Path, data: bytes, *, checks: Any = None,
                       digest: FileDigest | None = None) -> Evidence | None:
    """Typed evidence from a plain, valid CSV file; None if anything about it needs the careful path.
    `digest`: the file's, when the caller keeps it for the careful path."""
    digest = FileDigest(data) if digest is None else digest
    try:
        return _plain(rubric, path, data, None, checks, digest)
    except _NotUtf8:
        pass
    # Not UTF-8, so the careful path reads the whole file as GB18030 (as Excel on Chinese Windows
    # saves CSV): read here as that text, handed to Arrow as UTF-8, with the careful path's note.
    # The digest stays the file's own bytes'.
    try:
        body = data.decode(FALLBACK_ENCODING).encode("utf-8")
    except UnicodeDecodeError:
        return None  # neither: the careful path words the error
    try:
        found = _plain(rubric, path, data, body, checks, digest)
    except _NotUtf8:  # cannot be (the text was just written as UTF-8); the careful path decides
        return None
    if found is not None:
        found.notes = [not_utf8_note(path), *found.notes]
    return found


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _plain(rubric: Rubric, path: Path, data: bytes, transcoded: bytes | None, checks: Any,
           digest: FileDigest) -> Evidence | None:
    """`plain_csv_evidence` on the file's bytes, or on `transcoded` (its GB18030 text as UTF-8);
    raises _NotUtf8 when the file's own bytes are not UTF-8."""
    modules = _modules()
    if modules is None:
        return None
    pa, pacsv = modules
    body = transcoded if transcoded is not None else data[len(BOM):] if data.startswith(BOM) else data
    if transcoded is None and not _is_utf8(_first_line(body)):
        raise _NotUtf8
    if b"\x00" in body or (b'"' in body and not quotes_read_alike(body)):
        return None  # quoting the two readers may read apart (`scoring.csv_quotes`); the careful one decides
    model = rubric.model
    names = rubric_columns(model, _header(body))
    if names is None:
        return None
    # Number fields are parsed by the reader itself (on all cores, no text kept): Arrow parses
    # decimal text exactly as Python does (correctly rounded), trims blanks as the careful path
    # strips them, and refuses `1,234`, `55%`, `1_000` and the like, which fails the read and sends
    # the file to the careful path. Their text is not kept, so the careful path's MAX_NUMBER_CHARS
    # is checked on the bytes: a run of that many number characters anywhere, and the file is its.
    if has_number_run(body, MAX_NUMBER_CHARS):
        return None
    numeric = {f for f, spec in model.fields.items() if spec.numeric}
    # Every other column is read as dictionary text: each distinct text is stored once, and the
    # checks below (blanks around a cell, NFKC keys, lengths, yes/no words, choices) look at the
    # distinct texts only, with the careful path's own Python functions, not at every cell.
    text = pa.dictionary(pa.int32(), pa.string())
    digest.start()
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
                column_types={n: pa.float64() if n in numeric else text for n in names},
                strings_can_be_null=True, null_values=[""]),
        )
    except (pa.ArrowInvalid, pa.ArrowException):  # a ragged row, invalid UTF-8, ...
        if transcoded is None and not _is_utf8(body):
            raise _NotUtf8 from None  # a UTF-8 header over GBK cells: GB18030, as the careful path reads it
        return None
    return typed_evidence(rubric, path, table, names, numeric, checks, digest)


def rubric_columns(model: Any, header: list[str] | None) -> list[str] | None:
    """The header as the rubric's column names (`_columns_named`), if it names the id column, no
    column the rubric does not know, and every field whose missing policy is "error"; else None."""
    info = model.rubric
    names = _columns_named(model, header)
    if names is None or info.id_column not in names:
        return None
    known = set(model.fields) | {info.id_column, info.period_column, info.parent_column}
    extra = [c for c in names if c not in known]
    if extra or any(f not in names and s.missing == "error" for f, s in model.fields.items()):
        return None  # the careful path words the warning or the error
    return names


def typed_evidence(rubric: Rubric, path: Path, table: Any, names: list[str], numeric: set[str], checks: Any,
                   digest: FileDigest) -> Evidence | None:
    """Evidence from an Arrow table whose columns are `names` (the rubric's), the `numeric` fields'
    as float64 (null where blank), every other as dictionary text (null where blank), by whole
    columns; None if anything about it needs the careful path. Shared by the CSV and workbook
    fast paths: what happens after each one's read."""
    model = rubric.model
    info = model.rubric
    n = table.num_rows
    if n == 0:
        return None
    keys = [c for c in (info.id_column, info.period_column, info.parent_column) if c in names]
    if numeric.intersection(keys):
        return None  # a key column declared as a numeric field too: the careful path says what it makes of it
    coded: dict[str, tuple[np.ndarray, list[str]]] = {}
    for name in names:
        if name in numeric:
            continue
        codes, listed = _dictionary(table.column(name))
        # Cells the careful path would strip (Python's str.strip: any Unicode blank) are its
        # business; so are cells over its limits. A blank cell is null here, "" in `listed`.
        if [t.strip() for t in listed] != listed or max(map(len, listed), default=0) > MAX_CELL_CHARS:
            return None
        coded[name] = codes, listed
    if "" in coded[info.id_column][1]:
        return None  # a row without an id (a row blank but for its commas too): the checks refuse it
    # The careful path's reading of keys (NFKC: a full-width `Ｅ001` is `E001`) and its limit on them:
    # a file that meets either is its business.
    for name in keys:
        listed = coded[name][1]
        if max(map(len, listed)) > MAX_KEY_CHARS or any(
                normalise(t) != t for t in listed if not t.isascii()):
            return None

    def texts(name: str) -> np.ndarray:
        # An object array whose cells share the dictionary's strings: a million
        # cells of a choice field hold a handful of string objects, not a million.
        codes, listed = coded[name]
        picked: np.ndarray = _objects(listed)[codes]
        return picked

    def key_texts(name: str) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
        # Fixed-width text as the checks and the layout sort it, and its codes for them to reuse.
        codes, listed = coded[name]
        words = np.array(listed)
        return words[codes], (codes, words)

    columns: dict[str, np.ndarray] = {}
    blank: dict[str, np.ndarray] = {}  # text and choice columns' empty cells, found on the distinct texts
    for name, spec in model.fields.items():
        if name not in names:
            continue
        if spec.numeric:
            # Read as numbers above. Text Arrow reads as NaN ("nan") is not a blank
            # cell, so a NaN anywhere but a blank cell sends the file to the careful path.
            values = _chunked_floats(table.column(name))
            if values is None:
                return None
            columns[name] = values
            continue
        codes, listed = coded[name]
        words = _objects(listed)
        if spec.type == "bool":
            if not all(t.lower() in _PLAIN_WORDS or not t for t in listed):
                return None
            truth, (refused, _) = cells.bools(words)  # the careful path's reading of each word
            if refused.size:
                return None
            # 1.0 / 0.0, NaN where blank: the missing policy decides, as for any empty cell.
            flags = np.where(truth, 1.0, 0.0)
            flags[words == ""] = np.nan
            columns[name] = flags[codes]
        elif spec.type == "enum":
            if not set(listed) <= {"", *(spec.values or [])}:
                return None
            chosen, (refused, _) = cells.choices(words, spec.values or [])  # the declared value each names
            if refused.size:
                return None
            columns[name] = chosen[codes]
            blank[name] = (chosen == "")[codes]
        else:
            columns[name] = words[codes]
            blank[name] = (words == "")[codes]
    ids, id_codes = key_texts(info.id_column)
    hints = {"ids": id_codes}
    periods = None
    if info.period_column in names:
        periods, hints["periods"] = key_texts(info.period_column)
    parents = texts(info.parent_column) if info.parent_column in names else None
    del table, coded  # the numpy columns are copies: Arrow's can go before the checks make more
    try:
        evidence = type_arrays(model, ids, columns, periods=periods, parents=parents,
                               source=str(path), on_error="fail", member_fields=rubric.member_fields,
                               optional=rubric.optional_fields, digest=digest(), checks=checks,
                               known_keys=hints, stripped_text=True, chosen_enums=True, owned=True,
                               blank_text=blank)
    except EvidenceError:
        return None  # some row is refused: the careful path names it by its row in the file
    return evidence
