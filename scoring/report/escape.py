"""Escaping text that comes from evidence or a rubric, per output format.

Unit ids, names and rejected cells are written by the assessed units
themselves, so each format gets the escaping that keeps them inert:

- CSV (and the rejects file): a cell beginning with `=`, `+`, `-`, `@`, a tab
  or a carriage return is read by Excel/WPS as a formula (CSV injection,
  OWASP). Such text cells get a leading `'`, which spreadsheets show as text.
  Numbers the engine formats itself are never escaped (a negative amount stays
  a number).
- Markdown: `|` and `\\` are escaped, line breaks become spaces, and `<`, `>`
  and `&` become entities, so a cell can neither end the table row nor carry
  raw HTML.
- HTML: everything through `html.escape`, quotes included; JSON put inside a
  `<script>` has `<`, `>` and `&` as `\\u003c`-style escapes so no `</script>`
  can close it.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: str) -> str:
    """A text cell that a spreadsheet will not run as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


_FORMULA_LINE = re.compile("^[" + re.escape("".join(FORMULA_START)) + "]", re.MULTILINE)


def csv_texts(values: list[str]) -> list[str]:
    """`csv_text` of every cell of a column; a column with no cell to escape (the common case) is
    found so with one search over the joined text rather than a call per cell."""
    if not _FORMULA_LINE.search("\n".join(values)):
        return values
    return [csv_text(v) for v in values]


def md_text(value: str) -> str:
    """Text safe inside one Markdown table cell."""
    out = value.replace("\\", "\\\\").replace("|", "\\|")
    out = out.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(out.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def html_text(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def script_json(data: Any) -> str:
    """JSON for a `<script type="application/json">` block that nothing can break out of."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
