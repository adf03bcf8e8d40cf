"""Typing and checking evidence against a rubric's `[fields]`.

A loader plugin gives a `RawTable` of cells; this module finds the header row,
maps its columns to fields by id, title or alias (`scoring.headers`), types each
column as a whole (`scoring.cells`: numbers, yes/no and choices as people type
them), checks the period labels (`scoring.periods`) and the input limits
(`scoring.evidence_limits`), and gives one numpy array per field plus a missing
mask, naming every refused row (row, unit id, field, value, why). Nothing is dropped silently: rows read = rows
kept + rows rejected. When one row of a unit is refused, the unit's other rows
are refused with it, because scoring a unit on part of its periods would give
it a result nobody asked for.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

import numpy as np

from . import cells, headers, panel_rows, periods as period_labels
from .cells import cell_text
from .errors import EvidenceError
from .evidence_limits import MAX_CELL_CHARS, MAX_KEY_CHARS
from .keys import KeyCodes, key_codes
from .limits import clip, shorten
from .model import FieldSpec, RubricModel
from .notices import Notice, as_notice
from .rounding import figures
from .row_checks import RowChecks
from .tables import RawTable
from .total_rows import WHY as TOTAL_WHY, total_ids

if TYPE_CHECKING:
    from .amend import Amendment

OnError = Literal["fail", "skip"]
_cell_text = cell_text  # the name older code imported


@dataclass(frozen=True)
class Rejection:
    """One refused row: where it is, whose it is, and why."""

    row: str
    unit: str | None
    field: str | None
    value: str | None
    reason: str
    column: str | None = None  # the field's column as the sheet shows it (`F 死亡人数`), when known

    def __str__(self) -> str:
        # Shortened: a 40 MB cell quoted whole would bury the message (the
        # rejects file and the JSON result keep the whole value).
        who = f" (unit {clip(self.unit)})" if self.unit else ""
        what = f", field {self.field}" if self.field else ""
        if self.field and self.column:
            what = f", field {self.field} (column {self.column})"
        val = f", value {shorten(self.value)}" if self.value not in (None, "") else ""
        return f"{self.row}{who}{what}{val}: {self.reason}"


@dataclass
class Evidence:
    """Typed evidence: one array per field over the kept rows.

    Numeric fields are float64 (NaN where missing), bool fields bool, enum and
    text fields object arrays of str (never fixed-width unicode, which would
    give every cell the longest cell's width). `missing[f]` is True where the
    cell was empty and the field's policy is `not_applicable`. `warnings` may
    have changed a unit's result (`--strict` refuses them); `notes` only say
    how the file was read (its encoding, its sheet).
    """

    source: str
    sha256: str
    rows_read: int
    unit_ids: np.ndarray
    periods: np.ndarray | None
    parents: np.ndarray | None
    kept_rows: np.ndarray
    columns: dict[str, np.ndarray]
    missing: dict[str, np.ndarray]
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    amendments: tuple[Amendment, ...] = ()  # corrections applied to the cells (amend.py)
    # The unit ids' and periods' codes, found while checking them, for the layout to reuse
    # (scoring.keys; each used only while it describes the very array it was made from).
    unit_keys: KeyCodes | None = field(default=None, repr=False, compare=False)
    period_keys: KeyCodes | None = field(default=None, repr=False, compare=False)
    # Each row's rater ("" where none is named) and stage ("self" or "review"), when the
    # rubric declares [raters] or [stages] and the evidence has the column (panels.py, stages.py).
    raters: np.ndarray | None = None
    stages: np.ndarray | None = None

    @property
    def rows(self) -> int:
        """Rows kept for scoring."""
        return int(self.unit_ids.shape[0])

    @property
    def rows_rejected(self) -> int:
        """Rows refused; a row refused for two reasons has two rejections but counts once."""
        return self.rows_read - self.rows


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Collector:
    """Gathers rejections so a file's every bad row is reported at once."""

    def __init__(self, labels: Sequence[str] | None, units: np.ndarray) -> None:
        # None: rows are numbered "row 1", "row 2", ... (arrays in memory), made only when needed.
        self._labels = labels
        self.units = units
        self.bad = np.zeros(units.shape[0], dtype=bool)
        self.items: list[tuple[int, Rejection]] = []
        self.columns: Mapping[str, str] = {}  # field or key-column name -> its column as shown (headers.shown_columns)

    def reject(self, rows: np.ndarray | Sequence[int], fieldname: str | None, values: Sequence[str] | None,
               reason: str | Sequence[str]) -> None:
        for k, i in enumerate(np.asarray(rows, dtype=np.int64).tolist()):
            unit = str(self.units[i]) or None
            value = values[k] if values is not None else None  # whole: __str__ shortens it for messages
            why = reason if isinstance(reason, str) else reason[k]
            column = self.columns.get(fieldname) if fieldname else None
            self.items.append((i, Rejection(self.label(i), unit, fieldname, value, why, column)))
            self.bad[i] = True

    def label(self, i: int) -> str:
        return self._labels[i] if self._labels is not None else f"row {i + 1}"


def _type_texts(
    name: str, spec: FieldSpec, texts: np.ndarray, out: _Collector
) -> tuple[np.ndarray, np.ndarray]:
    """Typed values and the empty mask of one column of cell texts; bad cells are rejected."""
    empty = np.asarray(texts == "", dtype=bool)
    if spec.numeric:
        values, (bad, why) = cells.numbers(texts, spec.type)
        values = figures(values)  # 0.9499999999999998, as a spreadsheet shows it: 0.95 (see rounding.figures)
        out.reject(bad, name, texts[bad].tolist(), [f"{w} (field type {spec.type})" for w in why])
        _check_numeric(name, spec, values, ~empty, out, lambda i: str(texts[i]))
        return values, empty
    if spec.type == "bool":
        truth, (bad, why) = cells.bools(texts)
        out.reject(bad, name, texts[bad].tolist(), why)
        return truth, empty
    if spec.type == "enum":
        chosen, (bad, why) = cells.choices(texts, spec.values or [])
        out.reject(bad, name, texts[bad].tolist(), why)
        return chosen, empty
    return texts, empty


def _check_numeric(
    name: str, spec: FieldSpec, values: np.ndarray, present: np.ndarray, out: _Collector, shown: Callable[[int], str]
) -> None:
    """Counts are whole and not negative; rates lie in [0, 1]. `present` marks the cells to check.

    Checked over the whole column with masks, not on the present cells picked out (a gather of
    every value, most of the cost at a million rows)."""
    if spec.type not in ("count", "rate"):
        return
    with np.errstate(invalid="ignore"):
        if spec.type == "count":
            broken = (values < 0) | (values != np.floor(values))
            why = "a count must be a whole number of 0 or more"
        else:
            broken = (values < 0) | (values > 1)
            why = "a rate must lie between 0 and 1 (or 0% and 100%)"
    # NaN (a blank cell, or one refused already as unparseable) is not checked, though it is != its floor.
    bad = np.flatnonzero(broken)
    bad = bad[present[bad] & ~np.isnan(values[bad])]
    out.reject(bad, name, [shown(i) for i in bad.tolist()], why)


def _number_text(values: np.ndarray) -> Callable[[int], str]:
    return lambda i: cell_text(float(values[i]))


def _apply_missing(
    name: str, spec: FieldSpec, values: np.ndarray, missing: np.ndarray, out: _Collector, member: np.ndarray | None,
    read_on_members: bool = False, optional: bool = False,
) -> np.ndarray:
    """Apply the field's `missing` policy to its empty cells; returns the missing mask.

    With member rows, a row is only asked for the fields that will be read from
    it: a member row for fields with a roll-up, the unit's own row for the rest.
    An `optional` field (read by nothing) is never asked for.
    """
    if not missing.any():
        return missing
    if spec.missing == "error" and not optional:
        on_members = read_on_members or spec.rollup is not None
        read_here = missing if member is None else missing & (member if on_members else ~member)
        out.reject(
            np.flatnonzero(read_here), name, None,
            'empty, and this field is required; fill it in, or declare missing = "zero" or "not_applicable" for the field',
        )
        return np.zeros_like(missing)
    if spec.missing == "zero":
        if spec.numeric:
            values[missing] = 0.0
        elif spec.type == "bool":
            values[missing] = False
        return np.zeros_like(missing)
    return missing


def _check_bounds(
    name: str, spec: FieldSpec, columns: Mapping[str, np.ndarray], missing: Mapping[str, np.ndarray],
    shown: Callable[[str, int], str], out: _Collector,
) -> None:
    values = columns[name]
    for which, bound in (("min", spec.min), ("max", spec.max)):
        if bound is None:
            continue
        if isinstance(bound, str):
            other = columns[bound]
            known = ~missing[name] & ~missing[bound] & ~np.isnan(values) & ~np.isnan(other)
            limit_text = f"{bound}"
        else:
            other = np.full(values.shape, float(bound))
            known = ~missing[name] & ~np.isnan(values)
            limit_text = f"{bound:g}"
        with np.errstate(invalid="ignore"):
            broken = known & ((values < other) if which == "min" else (values > other))
        rows = np.flatnonzero(broken)
        if rows.size:
            texts = [shown(name, i) for i in rows.tolist()]
            if isinstance(bound, str):
                reasons = [f"{which} is {bound} ({cell_text(float(other[i]))})" for i in rows.tolist()]
                for r, s, why in zip(rows.tolist(), texts, reasons):
                    word = "more" if which == "max" else "less"
                    out.reject([r], name, [s], f"{word} than {why}; check both cells")
            else:
                word = "above the maximum" if which == "max" else "below the minimum"
                out.reject(rows, name, texts, f"{word} {limit_text}")


def find_header(table: RawTable, names: dict[str, str], notes: list[str]) -> RawTable:
    """The table with its header row: the first row, unless a row below it names more columns.

    A sheet often has a title ("2026年度考核汇总表") or a row of group headings
    (merged over the columns below) above the real header; the header is the
    row among the first eleven that names the most fields and key columns, the
    first of equals, and the rows above it are skipped (said in a note).
    """
    best, best_k = headers.recognised(table.columns, names), -1
    if best == len(table.columns):
        return table
    for k in range(min(10, table.n_rows)):
        score = headers.recognised(table.row(k), names)
        if score > best:
            best, best_k = score, k
    if best_k < 0:
        return table
    found = table.without_rows_above(best_k)
    above = table.row_labels[best_k] if table.row_labels else f"row {best_k + 2}"
    notes.append(f"the header is {above}; the rows above it (titles) were skipped")
    return found


def _key_column(texts: np.ndarray, what: str, rejects: list[tuple[int, str, str]]) -> np.ndarray:
    """Unit ids, periods or parents: NFKC, trimmed, as fixed-width text (bounded by MAX_KEY_CHARS) for sorting;
    an over-long cell is cut and added to `rejects` (row, value, why)."""
    normal = np.empty(texts.shape[0], dtype=object)
    normal[:] = [period_labels.normalise(t) if not t.isascii() else t for t in texts.tolist()]
    lengths = np.fromiter(map(len, normal.tolist()), dtype=np.int64, count=normal.shape[0])
    for i in np.flatnonzero(lengths > MAX_KEY_CHARS).tolist():
        rejects.append((i, str(normal[i]), f"a {what} of {int(lengths[i]):,} characters; the limit is "
                                           f"MAX_KEY_CHARS = {MAX_KEY_CHARS}"))
        normal[i] = str(normal[i])[:MAX_KEY_CHARS]
    return normal.astype(str) if normal.size else np.array([], dtype=str)


def type_table(
    table: RawTable,
    rubric: RubricModel,
    *,
    source: str,
    data: bytes,
    on_error: OnError = "fail",
    member_fields: frozenset[str] = frozenset(),
    optional: frozenset[str] = frozenset(),
    checks: RowChecks | None = None,
    sha256: str | None = None,
) -> Evidence:
    """Type and check `table` against `rubric`; raise or reject per `on_error`.

    `checks` runs the plugins' checks across rows (`scoring.row_checks`) once
    the cells are typed; the rows they refuse are rejected like bad cells.

    `member_fields` are fields read from member rows (by a member-row method)
    besides those with a `rollup`: a member row is asked for them, the unit's
    own row is not. `optional` fields (read by nothing) may be
    absent or blank whatever their missing policy. `sha256` is `data`'s, when the caller
    has it already (else it is worked out here).
    """
    notes = list(table.notes)
    try:
        return _type_table(table, rubric, notes, source=source, data=data, on_error=on_error,
                           member_fields=member_fields, optional=optional, checks=checks, sha256=sha256)
    except EvidenceError as exc:
        if not notes:
            raise
        # How the file was read (its encoding, its header row) may be why it was refused: say so.
        told = "; ".join(n.removeprefix(f"{source}: ") for n in notes)
        raise EvidenceError(f"{exc.message} [note: {told}]", path=exc.path, rejected=exc.rejected) from None


def _type_table(
    table: RawTable, rubric: RubricModel, notes: list[str], *, source: str, data: bytes, on_error: OnError,
    member_fields: frozenset[str], optional: frozenset[str], checks: RowChecks | None = None,
    sha256: str | None = None,
) -> Evidence:
    info = rubric.rubric
    try:
        names = headers.header_names(rubric)
    except ValueError as exc:
        raise EvidenceError(str(exc), path=source) from None
    table = find_header(table, names, notes)
    found = headers.resolve(rubric, table.columns, names, source=source)
    position = found.position
    if headers.ID not in position:
        also = f" or {info.id_title!r}" if info.id_title else ""
        raise EvidenceError(
            f"no {info.id_column!r}{also} column: every row must name its {info.unit} in a column headed "
            f"{info.id_column!r}{also}",
            path=source,
        )
    absent_required = [f for f, s in rubric.fields.items()
                       if f not in position and s.missing == "error" and f not in optional]
    if absent_required:
        shown = ", ".join(f"{f} ({rubric.fields[f].title})" if rubric.fields[f].title else f
                          for f in absent_required[:10]) + (" ..." if len(absent_required) > 10 else "")
        raise EvidenceError(
            f"the evidence has no column for field(s) {shown} declared in the rubric's [fields]; "
            "add the column(s) (headed by the field's id or title), or declare missing = \"zero\" or "
            "\"not_applicable\" for them",
            path=source,
        )
    warnings: list[Notice] = []
    if found.ignored:
        shown_cols = ", ".join(clip(c, 40) for c in found.ignored[:10]) + (" ..." if len(found.ignored) > 10 else "")
        warnings.append(Notice(f"{len(found.ignored)} column(s) not in the rubric's [fields] were ignored: {shown_cols}",
                               "columns_ignored"))

    n = table.n_rows
    labels = list(table.row_labels)
    texts: dict[str, np.ndarray] = {}
    too_long: list[tuple[int, str | None, str, str]] = []  # row, field, value, why
    for target, j in position.items():
        column = cells.texts_of(table.column(j))
        if sum(map(len, column.tolist())) > MAX_CELL_CHARS:
            lengths = np.fromiter(map(len, column.tolist()), dtype=np.int64, count=n)
            for i in np.flatnonzero(lengths > MAX_CELL_CHARS).tolist():
                too_long.append((i, target if target in rubric.fields else None, str(column[i]),
                                 f"a cell of {int(lengths[i]):,} characters; the limit is MAX_CELL_CHARS = {MAX_CELL_CHARS:,}"))
                column[i] = ""
        texts[target] = column
    blank = np.empty(n, dtype=object)
    blank[:] = [""] * n
    _check_parent_column(rubric, position, texts, member_fields, optional, source)

    key_rejects: list[tuple[int, str, str]] = []
    ids = _key_column(texts[headers.ID], "unit id", key_rejects)
    out = _Collector(labels, ids)
    out.columns = headers.shown_columns(rubric, table.columns, position, source=source)
    for i, value, why in key_rejects:
        out.reject([i], info.id_column, [value], why)
    for i, fname, value, why in too_long:
        out.reject([i], fname, [value], why)
    for i, why in sorted({**table.ragged(), **table.broken}.items()):
        # A missing or extra cell shifts every value after it: none can be trusted.
        out.reject([i], None, None, why)
    out.reject(np.flatnonzero(ids == ""), info.id_column, None, f"no unit id; every row needs its {info.unit}'s id")

    def key(target: str, column: str, what: str) -> np.ndarray | None:
        if target not in position:
            return None
        rejects: list[tuple[int, str, str]] = []
        values = _key_column(texts[target], what, rejects)
        for i, value, why in rejects:
            out.reject([i], column, [value], why)
        return values

    periods = key(headers.PERIOD, info.period_column, "period")
    parents = key(headers.PARENT, info.parent_column, "parent id")
    raters = key(headers.RATER, rubric.raters.column if rubric.raters else "", "rater")
    stages = key(headers.STAGE, rubric.stages.column if rubric.stages else "", "stage")
    if stages is not None and rubric.stages is not None:
        stages = panel_rows.stage_codes(rubric.stages, stages, out)
    columns: dict[str, np.ndarray] = {}
    missing: dict[str, np.ndarray] = {}
    # A fact one rater of a panel leaves blank may come from another: checked per unit in panel_rows.
    deferred = panel_rows.deferred_facts(rubric, optional) if raters is not None else frozenset()
    for name, spec in rubric.fields.items():
        column = texts.get(name, blank)
        values, empty = _type_texts(name, spec, column, out)
        missing[name] = _apply_missing(name, spec, values, empty, out, None if parents is None else parents != "",
                                       name in member_fields, name in optional or name in deferred)
        columns[name] = values
    return _finish(
        rubric, out, ids, periods, parents, columns, missing, lambda f, i: str(texts.get(f, blank)[i]),
        source=source, sha256=sha256 or sha256_of(data), warnings=warnings, on_error=on_error,
        member_fields=member_fields,
        notes=notes, optional=optional, checks=checks, raters=raters, stages=stages,
    )


def type_arrays(
    rubric: RubricModel,
    ids: Sequence[str] | np.ndarray,
    columns: Mapping[str, np.ndarray | Sequence[object]],
    *,
    periods: Sequence[str] | np.ndarray | None = None,
    parents: Sequence[str] | np.ndarray | None = None,
    source: str = "<arrays>",
    on_error: OnError = "fail",
    member_fields: frozenset[str] = frozenset(),
    digest: str | None = None,
    optional: frozenset[str] = frozenset(),
    checks: RowChecks | None = None,
    known_keys: Mapping[str, tuple[np.ndarray, Sequence[str] | np.ndarray]] | None = None,
    stripped_text: bool = False,
    chosen_enums: bool = False,
    owned: bool = False,
    blank_text: Mapping[str, np.ndarray] | None = None,
) -> Evidence:
    """Evidence from whole columns already in memory (numpy arrays or lists).

    `digest` is the evidence's sha256 when the caller has it (the file's, for
    a file read by whole columns); otherwise it is computed from the arrays.

    Numeric columns may hold NaN for an empty cell; the field's missing policy
    applies as it would to a file. The checks are the same as for a file.

    For callers that have read the columns themselves (the fast CSV path):
    `known_keys` gives the "ids" and "periods" columns' codes in first-seen
    order with their distinct values (`scoring.keys.key_codes`),
    `stripped_text` says text columns are object arrays of already stripped str,
    and `chosen_enums` that enum columns already hold the declared value each
    cell names (`cells.choices` ran on their distinct texts; it would give the
    same values again). `owned` says `ids` and `periods` are numpy text made
    for this call, kept as they are rather than copied. `blank_text` gives text
    and enum columns' empty cells (`column == ""`) where the caller knows them
    (from a dictionary's codes: a comparison of a million str objects saved).
    """
    id_arr = np.asarray(ids).astype(str, copy=not owned)
    n = id_arr.shape[0]
    out = _Collector(None, id_arr)
    absent = [f for f, spec in rubric.fields.items()
              if f not in columns and spec.missing == "error" and f not in optional]
    if absent:
        raise EvidenceError(f"no column for field(s) {', '.join(absent)} declared in the rubric's [fields]", path=source)
    typed: dict[str, np.ndarray] = {}
    missing: dict[str, np.ndarray] = {}
    parent_arr = None if parents is None else np.asarray(parents).astype(str)
    member = None if parent_arr is None else parent_arr != ""
    known_blank = blank_text or {}
    for name, spec in rubric.fields.items():
        if name in columns:
            raw = np.asarray(columns[name])
        else:  # an absent column is all empty cells; the missing policy decides
            raw = np.full(n, np.nan) if spec.numeric or spec.type == "bool" else np.full(n, "", dtype=object)
        if raw.shape != (n,):
            raise EvidenceError(f"column {name!r} has shape {raw.shape}, expected ({n},) like the ids", path=source)
        if spec.numeric:
            try:
                values = figures(raw.astype(np.float64, copy=False))  # a new array only where a figure differs
            except (TypeError, ValueError):
                raise EvidenceError(f"column {name!r} is not numeric (field type {spec.type})", path=source) from None
            empty = np.isnan(values)
            if spec.missing == "zero" and values is raw and empty.any():
                # The missing policy writes zeros into empty cells: into a copy,
                # never into the caller's array. Otherwise a float64 column is
                # used as given, which saves a copy of every such column.
                values = values.copy()
            inf = np.isinf(values)
            infinite = np.flatnonzero(inf)
            out.reject(infinite, name, [cell_text(float(values[i])) for i in infinite.tolist()], "not a finite number")
            _check_numeric(name, spec, values, ~(empty | inf), out, _number_text(values))
        elif spec.type == "bool":
            if raw.dtype.kind == "b":
                empty, values = np.zeros(n, dtype=bool), raw.copy()
            elif raw.dtype.kind in "fiu":
                numbers = raw.astype(np.float64, copy=False)  # read only
                empty = np.isnan(numbers)
                not_01 = np.flatnonzero(~empty & (numbers != 0) & (numbers != 1))
                out.reject(not_01, name, [cell_text(float(numbers[i])) for i in not_01.tolist()],
                           "not a yes/no value; use true/false or 1/0")
                values = numbers == 1
            else:  # words, as in a file
                texts = cells.texts_of(raw.tolist())
                empty = np.asarray(texts == "", dtype=bool)
                values, (bad, why) = cells.bools(texts)
                out.reject(bad, name, texts[bad].tolist(), why)
        else:
            given = stripped_text and raw.dtype == object
            texts = raw if given else cells.texts_of(raw.tolist())
            empty = known_blank[name] if given and name in known_blank else np.asarray(texts == "", dtype=bool)
            values = texts
            if spec.type == "enum" and not (chosen_enums and given):
                values, (bad, why) = cells.choices(texts, spec.values or [])
                out.reject(bad, name, texts[bad].tolist(), why)
        missing[name] = _apply_missing(name, spec, values, empty, out, member, name in member_fields,
                                       name in optional)
        typed[name] = values
    out.reject(np.flatnonzero(id_arr == ""), rubric.rubric.id_column, None, "no unit id")
    if digest is None:
        hasher = hashlib.sha256(id_arr.tobytes())
        for name in rubric.fields:
            hasher.update(name.encode())
            column = typed[name]
            if column.dtype == object:  # text: hash the characters, not the object pointers
                hasher.update("\x1f".join(column.tolist()).encode("utf-8", "surrogatepass"))
            else:
                hasher.update(np.ascontiguousarray(column).tobytes())
        digest = hasher.hexdigest()
    return _finish(
        rubric, out, id_arr,
        None if periods is None else np.asarray(periods).astype(str, copy=not owned),
        parent_arr,
        typed, missing, lambda f, i: cell_text(typed[f][i].item() if hasattr(typed[f][i], "item") else typed[f][i]),
        source=source, sha256=digest, warnings=[], on_error=on_error, member_fields=member_fields,
        optional=optional, checks=checks, known_keys=known_keys,
    )


def _check_parent_column(rubric: RubricModel, position: Mapping[str, int], texts: Mapping[str, np.ndarray],
                         member_fields: frozenset[str], optional: frozenset[str], source: str) -> None:
    """Refuse a file with no parent column whose required member-row fields are blank.

    Without the column every member row is read as a unit of its own, and each
    blank member-row cell on a unit's row is refused: hundreds of messages that
    never name the real problem, a missing or mistyped parent header.
    """
    if headers.PARENT in position:
        return
    info = rubric.rubric
    blank = [f for f, spec in rubric.fields.items()
             if (f in member_fields or spec.rollup) and spec.missing == "error" and f not in optional
             and f in texts and bool((texts[f] == "").any())]
    if blank:
        also = f" or {info.parent_title!r}" if info.parent_title else ""
        raise EvidenceError(
            f"no {info.parent_column!r}{also} column, yet the member-row field(s) {', '.join(blank[:5])} are blank "
            f"on some rows: each member row names its {info.unit} in that column (blank on the {info.unit}'s own "
            "row); add the column or fix its header",
            path=source,
        )


def _finish(
    rubric: RubricModel,
    out: _Collector,
    ids: np.ndarray,
    periods: np.ndarray | None,
    parents: np.ndarray | None,
    columns: dict[str, np.ndarray],
    missing: dict[str, np.ndarray],
    shown: Callable[[str, int], str],
    *,
    source: str,
    sha256: str,
    warnings: list[Notice],
    on_error: OnError,
    member_fields: frozenset[str] = frozenset(),
    notes: list[str] | None = None,
    optional: frozenset[str] = frozenset(),
    checks: RowChecks | None = None,
    known_keys: Mapping[str, tuple[np.ndarray, Sequence[str] | np.ndarray]] | None = None,
    raters: np.ndarray | None = None,
    stages: np.ndarray | None = None,
) -> Evidence:
    """Checks across fields and rows, then the policy: raise, or keep the valid units."""
    info = rubric.rubric
    n = ids.shape[0]
    hints = known_keys or {}
    unit_keys = key_codes(ids, hints.get("ids"))
    period_keys = None if periods is None else key_codes(periods, hints.get("periods"))
    for name, spec in rubric.fields.items():
        _check_bounds(name, spec, columns, missing, shown, out)
    if periods is not None and period_keys is not None:
        out.reject(np.flatnonzero(periods == ""), info.period_column, None, "no period; fill in the period of every row")
        for label, why in period_labels.refused(info, period_keys.distinct).items():
            rows = np.flatnonzero(periods == label)
            out.reject(rows, info.period_column, [label] * rows.size, why)
    # A 合计 row is refused by its id, or by its period (`E001, 合计`: the unit's total over the year,
    # which would otherwise sort after 2026Q4 and be read as the year-end period).
    for column, keys, labels in ((info.id_column, unit_keys, ids), (info.period_column, period_keys, periods)):
        for total in [] if keys is None or labels is None else total_ids(keys.distinct):
            rows = np.flatnonzero(labels == total)
            out.reject(rows, column, [total] * rows.size, TOTAL_WHY)
    _reject_duplicates(unit_keys, period_keys, parents, out, info.id_column, raters, stages)
    if raters is not None or stages is not None:
        panel_rows.check(rubric, ids, periods, parents, raters, stages, columns, missing, optional, shown, out)
    if parents is not None:
        _check_members(rubric, ids, periods, parents, out, member_fields)
    # The plugins' checks see one stage's rows at a time: a group's self-assessment
    # and its review are two assessments, not one group with two lead schools.
    for stage, picked in panel_rows.by_stage(stages, n) if checks is not None else ():
        assert checks is not None
        if picked is None:  # no stages: every row at once, nothing copied
            found = checks(ids, periods, parents, columns, missing, out.bad.copy(), out.label)
        else:
            found = checks(*panel_rows.subset(picked, ids, periods, parents),
                           {k: v[picked] for k, v in columns.items()}, {k: v[picked] for k, v in missing.items()},
                           out.bad[picked], panel_rows.labels_of(picked, out.label))
        for rows, fieldname, reason in found.refuse:
            rows = rows if picked is None else picked[rows]
            shown_values = None if fieldname is None else [shown(fieldname, i) for i in rows.tolist()]
            out.reject(rows, fieldname, shown_values, reason)
        warnings.extend(panel_rows.in_stage(as_notice(w, "evidence_check"), stage) for w in found.warnings)

    if out.items and on_error == "fail":
        rejected = [r for _, r in sorted(out.items, key=lambda t: t[0])]
        raise EvidenceError(
            f"{int(out.bad.sum())} of {n} rows are invalid; nothing was scored. "
            f"First: {rejected[0]}. Fix the rows, or run with --on-error skip to score the valid rows "
            "and list the rejected ones",
            path=source,
            rejected=rejected,
        )
    _spread_to_unit(ids, parents, out)
    if period_keys is not None:  # after the spread: a rejected unit's periods are not "missing"
        warnings.extend(Notice(w, "periods_missing") for w in _period_gaps(unit_keys, period_keys, parents, out.bad))
    keep = ~out.bad
    everything = bool(keep.all())
    rejected = [r for _, r in sorted(out.items, key=lambda t: t[0])]

    def pick(a: np.ndarray) -> np.ndarray:
        return a if everything else a[keep]

    kept_ids = pick(ids)
    kept_periods = None if periods is None else pick(periods)
    return Evidence(
        source=source,
        sha256=sha256,
        rows_read=n,
        unit_ids=kept_ids,
        periods=kept_periods,
        parents=None if parents is None else pick(parents),
        kept_rows=np.flatnonzero(keep),
        columns={k: pick(v) for k, v in columns.items()},
        missing={k: pick(v) for k, v in missing.items()},
        rejected=rejected,
        warnings=warnings,
        notes=list(notes or []),
        # Codes of the kept rows, for the layout (the same arrays when every row is kept).
        unit_keys=unit_keys if everything else unit_keys.kept(keep, kept_ids),
        period_keys=None if period_keys is None or kept_periods is None else (
            period_keys if everything else period_keys.kept(keep, kept_periods)),
        raters=None if raters is None else pick(raters),
        stages=None if stages is None else pick(stages),
    )


def _distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct values and each value's index among them."""
    found = key_codes(values)
    return found.distinct, found.codes


def _reject_duplicates(
    ids: KeyCodes, periods: KeyCodes | None, parents: np.ndarray | None, out: _Collector, id_column: str,
    *more: np.ndarray | None,
) -> None:
    n = int(ids.codes.shape[0])
    if n == 0:
        return
    key = ids.codes
    # more: a panel's rater and the stage, when given
    for extra in (periods, *(None if x is None else key_codes(x) for x in (parents, *more))):
        if extra is not None:
            key = key * extra.size + extra.codes
    # Counted in a table when the keys are few enough (one pass), else sorted.
    span = int(key.max()) + 1
    if span <= 4 * n:
        counts = np.bincount(key, minlength=span)
        if not (counts > 1).any():
            return
    _, first, inverse, counts = np.unique(key, return_index=True, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    dup_rows = np.flatnonzero(counts[inverse] > 1)
    for i in dup_rows.tolist():
        j = int(first[inverse[i]])
        if i == j:
            continue
        hint = "" if periods is not None else "; add a period column if a unit has several rows"
        out.reject([i], id_column, [str(ids.source[i])], f"duplicate unit id (also at {out.label(j)}){hint}")


def _check_members(
    rubric: RubricModel, ids: np.ndarray, periods: np.ndarray | None, parents: np.ndarray, out: _Collector,
    member_fields: frozenset[str] = frozenset(),
) -> None:
    """One level of members, each under a unit that has its own row where one is needed."""
    member = parents != ""
    out.reject(np.flatnonzero(member & (parents == ids)), rubric.rubric.parent_column, None,
               "a row cannot be its own parent")
    member_ids = np.unique(ids[member])
    nested = np.flatnonzero(member & np.isin(parents, member_ids))
    out.reject(nested, rubric.rubric.parent_column, [str(parents[i]) for i in nested.tolist()],
               "the parent is itself a member row; only one level of members is supported")
    if not any(s.rollup is None and s.missing == "error" and n not in member_fields
               for n, s in rubric.fields.items()):
        return
    # Fields without a roll-up come from the unit's own row: a required one must exist.
    def keys(who: np.ndarray, rows: np.ndarray) -> np.ndarray:
        return who[rows] if periods is None else np.char.add(np.char.add(who[rows], "\x1f"), periods[rows])

    own_keys = keys(ids, ~member)
    members = np.flatnonzero(member)
    orphan = members[~np.isin(keys(parents, members), own_keys)]
    when = "" if periods is None else " for this period"
    out.reject(orphan, rubric.rubric.parent_column, [str(parents[i]) for i in orphan.tolist()],
               f"the parent unit has no row of its own{when}; its fields without a rollup must come from one")


def _period_gaps(ids: KeyCodes, periods: KeyCodes, parents: np.ndarray | None, bad: np.ndarray) -> list[str]:
    """A warning naming units that lack periods other units have."""
    if parents is None and not bad.any():
        # Every row kept: the codes found for the checks serve as they are.
        names, owner_code, all_periods, period_code = ids.distinct, ids.codes, periods.distinct, periods.codes
    else:
        owner = ids.source if parents is None else np.where(parents != "", parents, ids.source)
        names, owner_code = _distinct(owner[~bad])
        all_periods, period_code = _distinct(periods.source[~bad])
    if all_periods.size <= 1:
        return []
    # Which (unit, period) pairs occur, marked in a table rather than sorted.
    seen = np.zeros(names.size * all_periods.size, dtype=bool)
    seen[owner_code * all_periods.size + period_code] = True
    per_unit = seen.reshape(names.size, all_periods.size).sum(axis=1)
    short = names[per_unit < all_periods.size]
    if short.size == 0:
        return []
    shown = ", ".join(short[:5].tolist()) + (" ..." if short.size > 5 else "")
    return [f"{short.size} unit(s) lack some of the {all_periods.size} periods ({shown}); "
            "each is scored on the periods it has, its last one taken as final"]


def _spread_to_unit(ids: np.ndarray, parents: np.ndarray | None, out: _Collector) -> None:
    """Refuse every row of a unit one of whose rows was refused."""
    if not out.bad.any():
        return
    owner = ids if parents is None else np.where(parents != "", parents, ids)
    first_bad: dict[str, int] = {}
    for i in np.flatnonzero(out.bad).tolist():
        first_bad.setdefault(str(owner[i]), i)
    first_bad.pop("", None)
    follow = np.flatnonzero(np.isin(owner, list(first_bad)) & ~out.bad)
    for i in follow.tolist():
        out.reject([i], None, None, f"another row of this unit was rejected ({out.label(first_bad[str(owner[i])])})")


def take_rows(evidence: Evidence, rows: np.ndarray) -> Evidence:
    """`evidence` with only `rows` (positions, in order), every per-row array cut alike."""
    def take(a: np.ndarray | None) -> np.ndarray | None:
        return None if a is None else a[rows]

    return replace(evidence, unit_ids=evidence.unit_ids[rows], periods=take(evidence.periods),
                   parents=take(evidence.parents), kept_rows=evidence.kept_rows[rows],
                   columns={k: v[rows] for k, v in evidence.columns.items()},
                   missing={k: v[rows] for k, v in evidence.missing.items()},
                   raters=take(evidence.raters), stages=take(evidence.stages))
