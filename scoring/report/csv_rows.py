"""A report's rows as CSV text, put together in Arrow (the CSV writer's fast path).

The CSV writer (plugins/scoring_std/csv_report.py) writes the rows the csv
module would write; when no cell needs quoting, which is the common case, this
gives the same text without a Python object per row or per figure, so a
million-unit ranking costs arrays, not loops. tests/test_job_fast_paths.py
checks it against the csv module on drawn columns.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..arrow_text import utf8_buffers
from .escape import FORMULA_START, csv_texts
from .tables import Column


def csv_body(columns: list[Column]) -> str | None:
    """The rows of `columns` as `csv_rows` writes them (after `csv_texts` on text columns), put
    together column by column in Arrow, with no Python object per row or per figure; None when a
    cell needs quoting (a comma, a quote or a line break) or there is one column, where the CSV
    module writes the rows.

    Each column becomes an Arrow string array of its cells with the separator that follows each
    (a comma, or the line break after the last column): a figure column by gathering its few
    distinct texts (`Column.coded`), a text column from its cells joined in one string. Arrow's
    `binary_join_element_wise` then puts each row's cells side by side, and its data buffer is
    the CSV text.
    """
    if len(columns) < 2:
        return None
    import pyarrow as pa
    from .. import arrow_compute as pc

    parts = []
    for j, c in enumerate(columns):
        part = _cells(c, "\n" if j == len(columns) - 1 else ",")
        if part is None:
            return None
        parts.append(part)
    n = len(parts[0])
    # The separator, "" on every row: an array, since `pa.scalar` imports pandas to look at its argument.
    nothing = pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(np.zeros(n + 1, dtype=np.int64)),
                                                           pa.py_buffer(b"")])
    rows = pc.binary_join_element_wise(*parts, nothing)
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)
    data = rows.buffers()[2]
    return "" if data is None else memoryview(data)[: int(offsets[len(rows)])].tobytes().decode("utf-8")


def _cells(column: Column, sep: str) -> Any:
    """Column `column`'s cells, each followed by `sep`, as an Arrow large_string array (text cells
    escaped as `csv_texts` does); None when a cell holds a comma, a quote or a line break."""
    import pyarrow as pa
    from .. import arrow_compute as pc

    coded = column.coded()
    if coded is not None:  # figures: never escaped (a negative amount stays a number)
        words, codes = coded
        distinct = _strings(words, sep)
        if distinct is None:
            return None
        indices = pa.Array.from_buffers(pa.int64(), len(codes), [None, pa.py_buffer(codes.astype(np.int64))])
        return pc.take(distinct, indices)
    if column.kind != "text":
        return _strings(column.texts(), sep)
    try:
        return _strings(column.values, sep, escape=True)  # text cells are their own text...
    except TypeError:  # ...unless one is not a str (joining them says so): as `texts` shows it
        return _strings(column.texts(), sep, escape=True)


# The first bytes (in UTF-8) of text that a spreadsheet would run as a formula (escape.FORMULA_START).
_FORMULA_BYTES = np.frombuffer("".join(FORMULA_START).encode("ascii"), dtype=np.uint8)


def _strings(texts: list[str], sep: str, *, escape: bool = False) -> Any:
    """`texts`, each followed by `sep`, as an Arrow large_string array (scoring.arrow_text); None
    when a text holds a comma, a quote or a line break. With `escape`, as `csv_texts(texts)`: the
    cells' first bytes are looked at in one go, and only a column with a formula is rewritten."""
    import pyarrow as pa

    offsets, data = utf8_buffers(texts, sep)
    mark = sep.encode("ascii")
    if data.count(mark) != len(texts) or any(ch in data for ch in (b",", b'"', b"\r", b"\n") if ch != mark):
        return None
    # An empty cell's first byte is `sep` itself, never a formula's.
    if escape and np.isin(np.frombuffer(data, dtype=np.uint8)[offsets[:-1]], _FORMULA_BYTES).any():
        return _strings(csv_texts(texts), sep)
    return pa.Array.from_buffers(pa.large_string(), len(texts), [None, pa.py_buffer(offsets), pa.py_buffer(data)])
