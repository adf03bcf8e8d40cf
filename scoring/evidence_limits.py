"""Bounds on evidence input, each named in the message of the error it raises.

An evidence file comes from outside (a reporting unit's workbook, a script's
export), so no size of it may crash the job, eat the machine's memory or fill
the terminal. Each limit is far above any real assessment; past it the job
stops with exit 1 and the limit's name. docs/evidence.md lists them.
"""

from __future__ import annotations

# Bytes of one evidence file (CSV, JSON, workbook), checked before it is read.
MAX_EVIDENCE_BYTES = 1 << 30
# Columns in the header: Excel's own maximum (XFD).
MAX_COLUMNS = 16_384
# Characters in one cell: Excel's own maximum.
MAX_CELL_CHARS = 32_767
# Characters in a unit id, period or parent cell (they are kept as fixed-width text for sorting).
MAX_KEY_CHARS = 100
# Characters in a cell of a numeric field; a longer one is not a number anybody typed.
MAX_NUMBER_CHARS = 64
# Nesting of a JSON evidence document: rows are flat objects in an array, maybe in {"rows": [...]}.
MAX_JSON_DEPTH = 64
# Characters of a value or column name echoed in an error message.
SHOWN_CHARS = 80


def shorten(text: str, limit: int = SHOWN_CHARS) -> str:
    """`text`, cut to `limit` characters with a note of its full length, for messages."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"
