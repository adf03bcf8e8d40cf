"""Bounds on evidence input, each named in the message of the error it raises.

An evidence file comes from outside (a reporting unit's workbook, a script's
export), so no size of it may crash the job, eat the machine's memory or fill
the terminal. Each limit is far above any real assessment; past it the job
stops with exit 1 (or the row is rejected) and the limit's name.
docs/evidence.md lists them. JSON nesting and number size are bounded by
`scoring.limits` (MAX_NESTING, MAX_NUMBER_DIGITS), as for `--previous`, and
values echoed in messages are cut by its `clip` (MAX_ECHO characters).
"""

from __future__ import annotations

from .limits import clip as shorten

__all__ = ["MAX_CELL_CHARS", "MAX_COLUMNS", "MAX_EVIDENCE_BYTES", "MAX_KEY_CHARS", "MAX_NUMBER_CHARS", "shorten",
           "too_large"]

# Bytes of one evidence file (CSV, JSON, workbook), checked before it is read. A
# bigger job raises it on purpose: `--max-evidence-mb` on the command line,
# `Engine.load_evidence(..., max_bytes=)` in the library. The default stays
# safe: a whole job takes about ten times the CSV file's size in memory (see
# benchmarks/README.md), so 1 GiB of CSV (some 8 million rows) is already ~10 GB.
MAX_EVIDENCE_BYTES = 1 << 30
MEBIBYTE = 1 << 20
# Columns in the header: Excel's own maximum (XFD).
MAX_COLUMNS = 16_384
# Characters in one cell: Excel's own maximum.
MAX_CELL_CHARS = 32_767
# Characters in a unit id, period or parent cell (they are kept as fixed-width text for sorting).
MAX_KEY_CHARS = 100
# Characters in a cell of a numeric field; a longer one is not a number anybody typed.
MAX_NUMBER_CHARS = 64


def too_large(size: int, limit: int, *, default: int) -> str:
    """The message for an evidence file of `size` bytes over `limit`, naming the way to raise it."""
    name = (f"MAX_EVIDENCE_BYTES = {limit:,}" if limit == default
            else f"{limit:,} bytes, as set for this job (--max-evidence-mb, max_bytes=)")
    wanted = -(-size // MEBIBYTE)
    return (f"the file has {size:,} bytes; the limit is {name}; if the machine has the memory for it "
            f"(about ten times the file's size; see docs/evidence.md, Limits), raise the limit for this job "
            f"with --max-evidence-mb {wanted} (max_bytes= in the library), or split the file")
