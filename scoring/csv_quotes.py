"""Whether a CSV file's quotes read the same in Arrow's reader and in Python's `csv` module.

Excel and WPS quote a cell only when it holds a comma, a quote or a line break
(`"南关加油站（北京,分公司）"`, `"说""好"` for 说"好); some exporters quote every cell. The
fast path (`scoring.fast_csv`) reads CSV with Arrow, the careful path with
`csv.reader(..., strict=True)` (plugins/scoring_std/loaders.py). On well-formed
quoting the two give the same cells, but they part ways elsewhere (found by
trying each, tests/test_csv_quotes.py keeps the list):

- text after a closing quote, `"ab"cd` or `"ab" ,`: the csv module refuses the
  file (strict), Arrow reads `abcd` or `ab `;
- a line break inside a quoted cell (Alt+Enter in Excel): the csv module reads
  it, and numbers rows by physical line; Arrow, told there are no line breaks in
  values (so that it can split the file into blocks at any line end), may cut
  the cell in two at a block boundary;
- an unbalanced quote: the csv module's error names the line; Arrow's does not.

So `quotes_read_alike` answers True only for quoting it can prove both read
alike, looking at each quote and its neighbours with numpy, not at each cell:
counted from the start of the file, quote number 0, 2, 4, ... opens a quoted
cell and 1, 3, 5, ... closes it, and the file is well-formed if

- every opening quote starts a cell (after a comma, a line feed or at the
  start) or is the second of a doubled quote (right after a closing one);
- every closing quote ends a cell (before a comma, a line end or the end of
  the file) or is the first of a doubled quote (right before an opening one);
- no line feed or carriage return lies between an opening quote and its
  closing one, and the count of quotes is even.

Under these rules both readers see a quote only where the rules put it, and
read each quoted cell as its text between the quotes with `""` as `"`. A quote
inside an unquoted cell (`ab"c`, ` "b"` after a blank) is read as itself by both
readers, but it breaks the counting above, so such a file is left to the
careful path too: it is not what spreadsheets write. Arrow reads a quoted empty
cell `""` as null, the csv module as ""; both are a blank cell to the checks. A
quoted figure is its text to both (`"12"` is 12; `"1,234"` is refused by Arrow
as a number, so the fast path declines it, as it does `1,234` unquoted); the
text inside the quotes meets the fast path's other checks as any cell does (a
blank inside a text cell's quotes, `" 城关"`, sends the file to the careful path,
which strips it).

The file is looked at in blocks, and a block with no quote while no quoted cell
is open is skipped with `bytes.find`: a file with one quoted cell costs one
block's look (milliseconds), a file of quoted cells a few numpy passes over its
bytes (0.25 s for a 189 MB file of a million rows with every cell quoted).
"""

from __future__ import annotations

import numpy as np

QUOTE, COMMA, LF, CR = 0x22, 0x2C, 0x0A, 0x0D
# Bytes looked at together: positions of a few MB at most, however many quotes, and a block's
# arrays stay in the processor's cache (1 MiB blocks check a file of quoted cells in half the time 4 MiB take).
BLOCK = 1 << 20


def quotes_read_alike(body: bytes, block: int = BLOCK) -> bool:
    """Whether every quote in `body` (a CSV file's bytes, UTF-8, no BOM) is well-formed quoting, as
    the module docstring says, so that Arrow's reader and the csv module read the same cells.
    `block`: bytes looked at together (small in tests, to cross block boundaries)."""
    data = np.frombuffer(body, dtype=np.uint8)
    n = len(body)
    before = 0  # quotes before the block
    start = body.find(b'"')
    while 0 <= start < n:
        end = min(start + block, n)
        part = data[start:end]
        at = np.flatnonzero(part == QUOTE)  # within the block
        # The byte before and after each byte of the block, as views of the file: a neighbour may be in
        # the block before or after. A line feed stands before the file's first byte and after its last.
        prev = data[start - 1:end - 1] if start else np.concatenate(([LF], data[:end - 1])).astype(np.uint8)
        after = data[start + 1:end + 1] if end < n else np.concatenate((data[start + 1:], [LF])).astype(np.uint8)
        # Counted from the start of the file, quote 0, 2, 4, ... opens a cell and 1, 3, 5, ... closes it.
        opening, closing = (at[0::2], at[1::2]) if before % 2 == 0 else (at[1::2], at[0::2])
        p = prev[opening]
        if not ((p == COMMA) | (p == LF) | (p == QUOTE)).all():
            return False
        a = after[closing]
        if not ((a == COMMA) | (a == LF) | (a == CR) | (a == QUOTE)).all():
            return False
        # A line end with an odd count of quotes before it lies inside a quoted cell.
        ends = np.flatnonzero((part == LF) | (part == CR) if body.find(b"\r", start, end) >= 0 else part == LF)
        if ends.size and ((np.searchsorted(at, ends) + before) % 2).any():
            return False
        before += at.size
        # While a quoted cell is open the next block is looked at whole (its line ends are inside
        # the cell until its closing quote); else on from the next quote.
        start = end if before % 2 else body.find(b'"', end)
    return before % 2 == 0
