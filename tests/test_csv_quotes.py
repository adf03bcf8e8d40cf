"""`scoring.csv_quotes`: which quoting Arrow's CSV reader and Python's csv module read alike.

The fast path (Arrow) answers for a file with quotes only when `quotes_read_alike` says its
quoting is well-formed; these tests show that it says so exactly for the quoting a line-by-line
pattern calls well-formed, that on such files both readers give the same cells, and where the
readers part ways on the rest.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.csv_quotes import quotes_read_alike

# One line of well-formed CSV (RFC 4180 without line breaks in cells): cells with no quote, or
# quoted with inner quotes doubled; nothing before an opening quote, nothing after a closing one
# but a comma or the line's end. A lone carriage return ends a line for both readers: it may stand
# in an unquoted cell or after a closing quote, never inside quotes or right before an opening one.
_CELL = rb'(?:[^",\n]*|"(?:[^"\r\n]|"")*"(?:\r[^",\n]*)?)'
_LINE = re.compile(_CELL + rb"(?:," + _CELL + rb")*")


def well_formed(body: bytes) -> bool:
    """The reference, line by line: every line (split at line feeds) matches the pattern."""
    return all(_LINE.fullmatch(line) for line in body.split(b"\n"))


def csv_rows(body: bytes) -> list[list[str]] | None:
    """The careful path's reading (`csv.reader(strict=True)`), lines with no cell left out; None if it refuses."""
    try:
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline=""), strict=True))
    except csv.Error:
        return None
    return [row for row in rows if row]


def arrow_rows(body: bytes, width: int) -> list[list[str]] | None:
    """Arrow's reading, as the fast path reads (no line breaks in values, only "" null), nulls as "";
    None if it refuses (a ragged row)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{k}" for k in range(width)]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(body), read_options=pacsv.ReadOptions(column_names=names, block_size=64),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=True, null_values=[""]))
    except pa.ArrowInvalid:
        return None
    return [["" if v is None else v for v in row.values()] for row in table.to_pylist()]


_BYTES = st.lists(st.sampled_from([b"a", b",", b'"', b'""', b"\n", b"\r\n", b"\r", b" ", b"1", "中".encode()]),
                  max_size=40).map(b"".join)


@settings(max_examples=600, deadline=None)
@given(body=_BYTES, block=st.sampled_from([1, 2, 3, 7, 64, 1 << 22]))
def test_quotes_read_alike_is_the_well_formed_pattern(body: bytes, block: int) -> None:
    """Exactly the files whose lines the pattern calls well-formed, whatever the block size."""
    assert quotes_read_alike(body, block) == well_formed(body)


_FIELD = st.text(st.sampled_from(list('a1中 ,"\n\r')), max_size=5)


@settings(max_examples=400, deadline=None)
@given(rows=st.integers(1, 4).flatmap(lambda k: st.lists(st.lists(_FIELD, min_size=k, max_size=k), min_size=1,
                                                          max_size=6)),
       quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
       end=st.sampled_from(["\n", "\r\n"]), block=st.sampled_from([1, 5, 1 << 22]))
def test_on_files_the_csv_module_writes_the_readers_agree_or_it_declines(rows, quoting, end, block) -> None:
    """Files as Python's csv.writer writes them (QUOTE_MINIMAL as Excel does, QUOTE_ALL as some
    exporters do): well-formed unless a cell holds a line break, and then both readers read them alike."""
    out = io.StringIO()
    csv.writer(out, quoting=quoting, lineterminator=end).writerows(rows)
    body = out.getvalue().encode("utf-8")
    alike = quotes_read_alike(body, block)
    breaks = "".join(c for row in rows for c in row)
    if "\n" in breaks:
        assert not alike  # a quoted cell holding a line break (the writer quotes it)
    elif "\r" not in breaks:
        assert alike  # (a lone CR the writer leaves unquoted when its line end is LF: a line end to both)
    if alike:
        agree(body)


@settings(max_examples=600, deadline=None)
@given(body=_BYTES)
def test_where_quotes_read_alike_both_readers_give_the_same_cells(body: bytes) -> None:
    """Hand-mangled bytes: where the answer is yes, the csv module and Arrow read the same cells."""
    if quotes_read_alike(body):
        agree(body)


def agree(body: bytes) -> None:
    rows = csv_rows(body)
    assert rows is not None  # well-formed: the strict reader takes it
    if not rows:
        return  # no row: Arrow refuses an empty file, the fast path declines it
    width = len(rows[0])
    found = arrow_rows(body, width)
    if found is None:  # Arrow refuses ragged rows (the fast path then declines)
        assert any(len(row) != width for row in rows)
        return
    assert found == rows


@pytest.mark.parametrize(("body", "why"), [
    (b'a,"ab"cd,c\n', "text after a closing quote: the csv module (strict) refuses it, Arrow reads abcd"),
    (b'a,"b" ,c\n', "a blank after a closing quote: the csv module refuses it, Arrow reads 'b '"),
    (b'a, "b,c",c\n', "a blank before an opening quote: both read the quote as text, then the comma splits"),
    (b'a, "b",c\n', 'a blank before an opening quote: both read \' "b"\', but the quotes are not counted'),
    (b'a,ab"c,c\n', "a quote inside an unquoted cell: both read it as itself, but it is not counted"),
    (b'a,"x\ny",c\n', "a line break in a quoted cell (Excel's Alt+Enter): Arrow may cut it at a block"),
    (b'a,"x\r\ny",c\r\n', "a CRLF line break in a quoted cell"),
    (b'a,"x\ry",c\n', "a carriage return in a quoted cell"),
    (b'a,"b,c\n', "an unbalanced quote: the csv module names its line"),
    (b'a,b,"c', "a quote never closed at the end of the file"),
    (b'a,b,c\r"d",e,f\n', "an opening quote after a lone carriage return"),
])
def test_quoting_the_readers_may_read_apart_is_declined(body: bytes, why: str) -> None:
    assert not quotes_read_alike(body), why
    assert not quotes_read_alike(body, block=2), why


@pytest.mark.parametrize(("body", "cells"), [
    (b'a,"b,c",d\n', ["a", "b,c", "d"]),
    (b'a,"b,c",d\r\n', ["a", "b,c", "d"]),
    (b'"a","",d\n', ["a", "", "d"]),
    (b'a,"12","1,234"\n', ["a", "12", "1,234"]),
    (b'a,"b""c",""""\n', ["a", 'b"c', '"']),
    (b'a,""" b """,c', ["a", '" b "', "c"]),
])
def test_well_formed_quoting_reads_alike(body: bytes, cells: list[str]) -> None:
    assert quotes_read_alike(body) and quotes_read_alike(body, block=1)
    assert csv_rows(body) == [cells]
    assert arrow_rows(body, 3) == [cells]
