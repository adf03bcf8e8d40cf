"""Text columns as Arrow string arrays, built from one joined string instead of cell by cell.

`pyarrow.array` on a list (or a scalar) imports pandas to look at its argument,
which costs a large job a second for nothing, and encoding each cell on its own
costs a Python call per unit. Here a column's cells are joined and encoded once,
and where each cell starts is found from the joined bytes with numpy: when every
character is ASCII a cell's length in bytes is its length; otherwise the cells
are joined with NUL between them instead (UTF-8 has no zero byte but NUL's own),
encoded once, and the NULs' places give the lengths. Used by the Parquet/Arrow table and
by the CSV writer, which adds each cell's separator (`end`) in the same pass.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def utf8_buffers(texts: list[str], end: str = "") -> tuple[np.ndarray, bytes]:
    """The UTF-8 bytes of `texts`, each followed by `end`, and the offset where each starts
    (len(texts) + 1 of them, the last the length of the bytes)."""
    n = len(texts)
    joined = end.join(texts) + end if n else ""
    offsets = np.zeros(n + 1, dtype=np.int64)
    if n == 0:
        return offsets, b""
    if joined.isascii():  # a character is a byte
        data = joined.encode("ascii")
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    elif "\x00" in joined:  # a NUL in the text itself (rare): cell by cell
        data = joined.encode("utf-8")
        lengths = np.fromiter((len(t.encode("utf-8")) for t in texts), dtype=np.int64, count=n)
    else:  # encoded once, NUL between cells; the data is the same bytes with `end` for each NUL
        marked = "\x00".join(texts).encode("utf-8")
        tail = end.encode("utf-8")
        data = marked.replace(b"\x00", tail) + tail
        nul = np.flatnonzero(np.frombuffer(marked, dtype=np.uint8) == 0)  # n - 1 of them
        ends = np.empty(n, dtype=np.int64)
        ends[:-1] = nul - np.arange(n - 1)  # bytes of the texts before the k-th NUL
        ends[-1] = len(marked) - (n - 1)
        lengths = np.diff(ends, prepend=0)
    np.cumsum(lengths + len(end.encode("utf-8")), out=offsets[1:])
    return offsets, data


def string_array(texts: list[str], end: str = "", *, validity: Any = None) -> Any:
    """`texts` (each followed by `end`) as an Arrow string array, large_string when the bytes
    pass 2 GiB (Arrow's plain string type has 32-bit offsets). `validity`: an Arrow buffer of
    valid bits, or None when every cell is valid."""
    import pyarrow as pa

    offsets, data = utf8_buffers(texts, end)
    small = int(offsets[-1]) < 2**31
    kind = pa.string() if small else pa.large_string()
    return pa.Array.from_buffers(kind, len(texts), [validity, pa.py_buffer(offsets.astype(np.int32) if small else offsets),
                                                    pa.py_buffer(data)])
