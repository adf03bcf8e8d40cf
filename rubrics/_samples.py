"""What every sample generator shares: the CSV text, and the check that its
columns still match the rubric's [fields].

Generators (`rubrics/samples/generate_*.py`) import it as
`scoring_rubrics._samples`; their output must stay byte-identical run to run,
so the CSV is written one way only: UTF-8 without BOM, `\\n` line ends.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

# Evidence columns that are not fields: the unit, its period, its parent.
STRUCTURE = ("id", "period", "parent")


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[object] | Mapping[str, object]]) -> str:
    """A header and the rows (sequences in column order, or mappings by column)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns] if isinstance(row, Mapping) else row)
    return buf.getvalue()


def check_columns(rubric: Path, columns: Sequence[str]) -> None:
    """Stop if the rubric's [fields] and the generator's columns have drifted apart."""
    data = tomllib.loads(rubric.read_text(encoding="utf-8"))
    fields = list(data["fields"])
    # The rater and stage columns a rubric declares are not fields either (scoring.panels, scoring.stages).
    keys = {str(data[t].get("column", default)) for t, default in (("raters", "rater"), ("stages", "stage"))
            if t in data}
    written = [c for c in columns if c not in STRUCTURE and c not in keys]
    if written != fields:
        raise SystemExit(f"{rubric}: [fields] are {fields}, the generator writes {written}; update its COLUMNS")


def write_sample(rubric: Path, columns: Sequence[str], text: str, out: Path) -> Path:
    """Check the columns against `rubric`, then write `text` to `out`."""
    check_columns(rubric, columns)
    out.write_bytes(text.encode("utf-8"))
    return out
