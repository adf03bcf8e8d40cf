"""Which evidence column is which field: by id, by title, or by a declared alias.

Bureau staff keep their figures under Chinese headers (the field titles), so a
column may be named by the field's id (`deaths`), its `title` (`死亡人数`) or
any of its `aliases`; the unit-id, period and parent columns likewise by their
name, `id_title`/`period_title`/`parent_title` and `*_aliases`. Headers compare
after NFKC normalisation, trimming and case folding, so full-width letters,
`ID` for `id`, a stray space or a BOM do not hide a column. Every check here is linear in the header's width.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from .errors import EvidenceError
from .evidence_limits import MAX_COLUMNS, shorten
from .model import RubricModel

# Targets for the key columns; field ids are identifiers, so these cannot clash with one.
ID, PERIOD, PARENT = "<id>", "<period>", "<parent>"
# A panel's rater and the stage (self-assessment or review), when the rubric declares them.
RATER, STAGE = "<rater>", "<stage>"


def normalise(header: str) -> str:
    """NFKC, trimmed, case-folded: `ＩＤ `, `Id` and `id` are one header."""
    return unicodedata.normalize("NFKC", header).strip().lstrip("\ufeff").strip().casefold()


def header_names(model: RubricModel) -> dict[str, str]:
    """Every accepted header (normalised) -> the field id or key-column target it names.

    Raises ValueError naming both when one header would name two things.
    """
    info = model.rubric
    sources: list[tuple[str, list[str]]] = [
        (ID, [info.id_column, info.id_title, *info.id_aliases]),
        (PERIOD, [info.period_column, info.period_title, *info.period_aliases]),
        (PARENT, [info.parent_column, info.parent_title, *info.parent_aliases]),
    ]
    for target, spec in ((RATER, model.raters), (STAGE, model.stages)):
        if spec is not None:
            sources.append((target, [spec.column, spec.title, *spec.aliases]))
    sources += [(name, [name, spec.title, *spec.aliases]) for name, spec in model.fields.items()]
    names: dict[str, str] = {}
    for target, headers in sources:
        for header in headers:
            key = normalise(header)
            if not key:
                continue
            other = names.setdefault(key, target)
            if other != target:
                raise ValueError(f"header {header.strip()!r} would name both {shown_target(model, other)} and "
                                 f"{shown_target(model, target)}; give one of them another title or alias")
    return names


def shown_target(model: RubricModel, target: str) -> str:
    info = model.rubric
    return {ID: f"the unit id column {info.id_column!r}", PERIOD: f"the period column {info.period_column!r}",
            PARENT: f"the parent column {info.parent_column!r}",
            RATER: f"the rater column {model.raters.column if model.raters else ''!r}",
            STAGE: f"the stage column {model.stages.column if model.stages else ''!r}"}.get(target, f"field {target!r}")


@dataclass(frozen=True)
class Columns:
    """Where each field and key column is in the file: target -> column index."""

    position: dict[str, int]
    ignored: list[str]


def resolve(model: RubricModel, header: Sequence[str], names: dict[str, str], *, source: str) -> Columns:
    """Map the file's header to the rubric's fields and key columns; refuse a header that cannot be read whole."""
    if len(header) > MAX_COLUMNS:
        raise EvidenceError(
            f"the header has {len(header):,} columns; the limit is MAX_COLUMNS = {MAX_COLUMNS:,} "
            "(Excel's own); is this the right file, or a row stored as a header?",
            path=source,
        )
    position: dict[str, int] = {}
    ignored: list[str] = []
    for j, raw in enumerate(header):
        shown = str(raw).strip()
        target = names.get(normalise(shown))
        if target is None:
            if shown and shown not in ignored[-1:]:
                ignored.append(shown)
            continue
        before = position.setdefault(target, j)
        if before != j:
            first = shorten(str(header[before]).strip())
            raise EvidenceError(
                f"columns {first!r} (column {before + 1}) and {shorten(shown)!r} (column {j + 1}) both name "
                f"{shown_target(model, target)}; keep one",
                path=source,
            )
    return Columns(position, ignored)


# Sources whose columns have no letter a person could find (JSON keys, memory tables).
_UNLETTERED = {".json", ".jsonl", ""}


def column_letters(j: int) -> str:
    """The spreadsheet letters of 0-based column `j`: A, ..., Z, AA, AB, ... (bijective base 26).

    xlsxwriter's `xl_col_to_name` gives the same letters (a test checks every column a sheet can
    have against it), but importing it imports all of xlsxwriter, ~0.05 s on every job that reads
    a file on the careful path, for three lines of arithmetic.
    """
    letters = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def shown_columns(model: RubricModel, header: Sequence[object], position: dict[str, int], *,
                  source: str) -> dict[str, str]:
    """Field or key-column name -> the column as the sheet shows it: `F 死亡人数`.

    Staff who headed the form in Chinese look for `死亡人数` in column F, not for
    `deaths`, so a refused cell names the column the way their sheet does (the
    letter only where the source is a sheet or CSV, whose columns have one).
    """
    info = model.rubric
    key_names = {ID: info.id_column, PERIOD: info.period_column, PARENT: info.parent_column,
                 RATER: model.raters.column if model.raters else RATER,
                 STAGE: model.stages.column if model.stages else STAGE}
    lettered = PurePath(source).suffix.lower() not in _UNLETTERED and not source.startswith("<")
    shown: dict[str, str] = {}
    for target, j in position.items():
        name = key_names.get(target, target)
        head = str(header[j]).strip()
        said = "" if head == name else shorten(head)  # `field b (column C b)` would say b twice
        where = " ".join(filter(None, (column_letters(j) if lettered else "", said)))
        if where:
            shown[name] = where
    return shown


def recognised(header: Sequence[object], names: dict[str, str]) -> int:
    """How many cells of a candidate header row name a field or key column."""
    return sum(1 for h in header if h is not None and normalise(str(h)) in names)
