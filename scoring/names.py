"""What a rubric may call its fields, phases, dimensions, indicators, vetoes and consequences.

A name in a rubric is read back by expressions (`hazards > 3`), by writers
(a dimension is a CSV column beside `score` and `rank`) and by people
comparing two printed results. Two rules keep every name meaning one thing:

- Python reads identifiers in NFKC form, so an expression naming a
  full-width `ｘ` would silently read the field `x`. Every declared name must
  already be in NFKC form (which also means no two names can normalise to the
  same one); expressions are held to the same rule in `scoring.expr`.
- A name may not be one of the engine's own words (`score`, `base`, `bonus`,
  `rank`, `previous` ...): a dimension called `base` would make `base >= 60`
  in a grade's `require` mean the dimension in one place and the base total
  in another, and a dimension called `rank` would be a second `rank` column
  in the CSV result.
"""

from __future__ import annotations

import keyword
import unicodedata
from typing import Final

from .limits import shorten

# Words the engine itself gives meaning to: result totals and columns that
# expressions read, the evidence columns, the namespace of last period's
# results, and the CSV result's own column names.
RESERVED_NAMES: Final = frozenset({
    "score", "grade", "rank", "vetoed", "bonus", "base",   # totals an expression reads
    "id", "period", "parent",                              # the default evidence columns
    "previous",                                            # previous.score, previous.grade ...
    "vetoes", "consequences",                              # the CSV result's columns
})


def nfkc(name: str) -> str:
    return unicodedata.normalize("NFKC", name)


def name_problem(value: str, what: str) -> str | None:
    """Why `value` cannot be a rubric name, or None when it can."""
    shown = shorten(value)
    if not value.isidentifier() or keyword.iskeyword(value) or value.startswith("_"):
        return (f"{what} {shown} must be an identifier (letters, digits and _, not starting with a digit or _)")
    normal = nfkc(value)
    if normal != value:
        return (f"{what} {shown} is written with characters that expressions read as {shorten(normal)} "
                f"(full-width or other compatibility forms); write it as {shorten(normal)}")
    if value in RESERVED_NAMES:
        return (f"{what} {value!r} is reserved: the engine's own words ({', '.join(sorted(RESERVED_NAMES))}) "
                "would be ambiguous in conditions and results; choose another name")
    return None
