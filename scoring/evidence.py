"""Typing and checking evidence against a rubric's `[fields]`.

A loader plugin gives a `RawTable` of cells; this module turns it into one
numpy array per field plus a missing mask, and names every refused row (row,
unit id, field, value, why). Nothing is dropped silently: rows read = rows
kept + rows rejected. When one row of a unit is refused, the unit's other rows
are refused with it, because scoring a unit on part of its periods would give
it a result nobody asked for.
"""

from __future__ import annotations

import hashlib
import math
from decimal import Decimal, InvalidOperation
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from .errors import EvidenceError
from .limits import clip, shorten
from .model import FieldSpec, RubricModel
from .tables import RawTable

TRUE_WORDS = frozenset({"是", "true", "1", "yes", "y", "t"})
FALSE_WORDS = frozenset({"否", "false", "0", "no", "n", "f"})
OnError = Literal["fail", "skip"]


@dataclass(frozen=True)
class Rejection:
    """One refused row: where it is, whose it is, and why."""

    row: str
    unit: str | None
    field: str | None
    value: str | None
    reason: str

    def __str__(self) -> str:
        # Shortened: a 40 MB cell quoted whole would bury the message (the
        # rejects file and the JSON result keep the whole value).
        who = f" (unit {clip(self.unit)})" if self.unit else ""
        what = f", field {self.field}" if self.field else ""
        val = f", value {shorten(self.value)}" if self.value not in (None, "") else ""
        return f"{self.row}{who}{what}{val}: {self.reason}"


@dataclass
class Evidence:
    """Typed evidence: one array per field over the kept rows.

    Numeric fields are float64 (NaN where missing), bool fields bool, enum and
    text fields numpy unicode. `missing[f]` is True where the cell was empty
    and the field's policy is `not_applicable`.
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
    warnings: list[str] = field(default_factory=list)

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


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    try:
        return str(value).strip()
    except ValueError:  # an int beyond Python's digit limit for str()
        return "<a number too long to show>"


class _Collector:
    """Gathers rejections so a file's every bad row is reported at once."""

    def __init__(self, labels: Sequence[str] | None, units: np.ndarray) -> None:
        # None: rows are numbered "row 1", "row 2", ... (arrays in memory), made only when needed.
        self._labels = labels
        self.units = units
        self.bad = np.zeros(units.shape[0], dtype=bool)
        self.items: list[tuple[int, Rejection]] = []

    def reject(self, rows: np.ndarray | Sequence[int], fieldname: str | None, values: Sequence[str] | None, reason: str) -> None:
        for k, i in enumerate(np.asarray(rows, dtype=np.int64).tolist()):
            unit = str(self.units[i]) or None
            value = values[k] if values is not None else None
            self.items.append((i, Rejection(self.label(i), unit, fieldname, value, reason)))
            self.bad[i] = True


    def label(self, i: int) -> str:
        return self._labels[i] if self._labels is not None else f"row {i + 1}"


def _parse_number(text: str, rate: bool) -> float:
    if rate and text.endswith("%"):
        # Decimal, so "55.3%" is exactly the 0.553 a band threshold is written as.
        try:
            number = float(Decimal(text[:-1]) / 100)
        except InvalidOperation:
            raise ValueError(text) from None
    else:
        number = float(text)
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def _type_column(
    name: str, spec: FieldSpec, cells: list[str], empty: np.ndarray, out: _Collector
) -> tuple[np.ndarray, np.ndarray]:
    """Typed values and the missing mask of one column; bad cells are rejected."""
    n = len(cells)
    missing = empty.copy()
    if spec.numeric:
        values = np.full(n, np.nan)
        present = np.flatnonzero(~empty)
        try:
            texts = np.array([cells[i] for i in present.tolist()], dtype=str)
            values[present] = texts.astype(np.float64) if len(present) else values[present]
            if not np.all(np.isfinite(values[present])):
                raise ValueError
        except ValueError:
            # Slow path, only for a column that holds something odd: find the cells.
            bad_rows, bad_vals = [], []
            for i in present.tolist():
                try:
                    values[i] = _parse_number(cells[i], spec.type == "rate")
                except ValueError:
                    bad_rows.append(i)
                    bad_vals.append(cells[i])
            if bad_rows:
                out.reject(bad_rows, name, bad_vals, f"not a number (field type {spec.type})")
        _check_numeric(name, spec, values, present, out, lambda i: cells[i])
        return values, missing
    if spec.type == "bool":
        return _parse_bool(name, np.array(cells, dtype=str), empty, out), missing
    values_s = np.array(cells, dtype=str) if n else np.array([], dtype=str)
    if spec.type == "enum":
        allowed = spec.values or []
        bad = np.flatnonzero(~empty & ~np.isin(values_s, allowed))
        out.reject(bad, name, [cells[i] for i in bad.tolist()], f"not one of the allowed values: {', '.join(allowed)}")
    return values_s, missing


def _parse_bool(name: str, texts: np.ndarray, empty: np.ndarray, out: _Collector) -> np.ndarray:
    lowered = np.char.lower(texts) if texts.size else texts
    truth = np.isin(lowered, list(TRUE_WORDS))
    bad = np.flatnonzero(~empty & ~truth & ~np.isin(lowered, list(FALSE_WORDS)))
    out.reject(bad, name, [str(texts[i]) for i in bad.tolist()], "not a yes/no value; use 是/否, true/false or 1/0")
    return truth


def _check_numeric(
    name: str, spec: FieldSpec, values: np.ndarray, present: np.ndarray, out: _Collector, shown: Callable[[int], str]
) -> None:
    """Counts are whole and not negative; rates lie in [0, 1]."""
    present = present[~np.isnan(values[present])]  # unparseable cells were rejected already
    vals = values[present]
    with np.errstate(invalid="ignore"):
        if spec.type == "count":
            bad = present[(vals < 0) | (vals != np.floor(vals))]
            out.reject(bad, name, [shown(i) for i in bad.tolist()], "a count must be a whole number of 0 or more")
        if spec.type == "rate":
            bad = present[(vals < 0) | (vals > 1)]
            out.reject(bad, name, [shown(i) for i in bad.tolist()], "a rate must lie between 0 and 1 (or 0% and 100%)")


def _number_text(values: np.ndarray) -> Callable[[int], str]:
    return lambda i: _cell_text(float(values[i]))


def _apply_missing(
    name: str, spec: FieldSpec, values: np.ndarray, missing: np.ndarray, out: _Collector, member: np.ndarray | None,
    read_on_members: bool = False,
) -> np.ndarray:
    """Apply the field's `missing` policy to its empty cells; returns the missing mask.

    With member rows, a row is only asked for the fields that will be read from
    it: a member row for fields with a roll-up, the unit's own row for the rest.
    """
    if not missing.any():
        return missing
    if spec.missing == "error":
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
                reasons = [f"{which} is {bound} ({_cell_text(float(other[i]))})" for i in rows.tolist()]
                for r, s, why in zip(rows.tolist(), texts, reasons):
                    word = "more" if which == "max" else "less"
                    out.reject([r], name, [s], f"{word} than {why}; check both cells")
            else:
                word = "above the maximum" if which == "max" else "below the minimum"
                out.reject(rows, name, texts, f"{word} {limit_text}")


def type_table(
    table: RawTable,
    rubric: RubricModel,
    *,
    source: str,
    data: bytes,
    on_error: OnError = "fail",
    member_fields: frozenset[str] = frozenset(),
) -> Evidence:
    """Type and check `table` against `rubric`; raise or reject per `on_error`.

    `member_fields` are fields read from member rows (by a member-row method)
    besides those with a `rollup`: a member row is asked for them, the unit's
    own row is not.
    """
    info = rubric.rubric
    columns_in = [c.strip().lstrip("\ufeff") for c in table.columns]
    position = {c: j for j, c in enumerate(columns_in)}
    dupes = sorted({c for c in columns_in if columns_in.count(c) > 1})
    if dupes:
        raise EvidenceError(f"column {dupes[0]!r} appears more than once in the header; keep one", path=source)
    if info.id_column not in position:
        raise EvidenceError(
            f"no {info.id_column!r} column: every row must name its {info.unit} in a column headed {info.id_column!r}",
            path=source,
        )
    absent_required = [f for f, s in rubric.fields.items() if f not in position and s.missing == "error"]
    if absent_required:
        raise EvidenceError(
            f"the evidence has no column for field(s) {', '.join(absent_required)} declared in the rubric's [fields]; "
            "add the column(s), or declare missing = \"zero\" or \"not_applicable\" for them",
            path=source,
        )
    warnings: list[str] = []
    known = set(rubric.fields) | {info.id_column, info.period_column, info.parent_column}
    extra = [c for c in columns_in if c not in known]
    if extra:
        warnings.append(f"column(s) not in the rubric's [fields] were ignored: {', '.join(extra)}")

    n = len(table.rows)
    width = len(columns_in)
    labels = list(table.row_labels)

    def cells_of(col: str) -> list[str]:
        if col not in position:
            return [""] * n
        j = position[col]
        return [_cell_text(row[j]) if j < len(row) else "" for row in table.rows]

    ragged = [i for i, row in enumerate(table.rows) if len(row) != width]
    ids = np.array(cells_of(info.id_column), dtype=str) if n else np.array([], dtype=str)
    out = _Collector(labels, ids)
    for i in ragged:
        # A missing or extra cell shifts every value after it: none can be trusted.
        out.reject([i], None, None, f"has {len(table.rows[i])} cells but the header has {width} columns")
    out.reject(np.flatnonzero(ids == ""), info.id_column, None, f"no unit id; every row needs its {info.unit}'s id")

    periods = np.array(cells_of(info.period_column), dtype=str) if info.period_column in position else None
    parents = np.array(cells_of(info.parent_column), dtype=str) if info.parent_column in position else None
    cells: dict[str, list[str]] = {}
    columns: dict[str, np.ndarray] = {}
    missing: dict[str, np.ndarray] = {}
    for name, spec in rubric.fields.items():
        cells[name] = cells_of(name)
        empty = np.array([c == "" for c in cells[name]], dtype=bool)
        values, miss = _type_column(name, spec, cells[name], empty, out)
        missing[name] = _apply_missing(name, spec, values, miss, out, None if parents is None else parents != "",
                                       name in member_fields)
        columns[name] = values
    return _finish(
        rubric, out, ids, periods, parents, columns, missing, lambda f, i: cells[f][i],
        source=source, sha256=sha256_of(data), warnings=warnings, on_error=on_error, member_fields=member_fields,
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
) -> Evidence:
    """Evidence from whole columns already in memory (numpy arrays or lists).

    `digest` is the evidence's sha256 when the caller has it (the file's, for
    a file read by whole columns); otherwise it is computed from the arrays.

    Numeric columns may hold NaN for an empty cell; the field's missing policy
    applies as it would to a file. The checks are the same as for a file.
    """
    id_arr = np.asarray(ids).astype(str)
    n = id_arr.shape[0]
    out = _Collector(None, id_arr)
    absent = [f for f, spec in rubric.fields.items() if f not in columns and spec.missing == "error"]
    if absent:
        raise EvidenceError(f"no column for field(s) {', '.join(absent)} declared in the rubric's [fields]", path=source)
    typed: dict[str, np.ndarray] = {}
    missing: dict[str, np.ndarray] = {}
    parent_arr = None if parents is None else np.asarray(parents).astype(str)
    for name, spec in rubric.fields.items():
        if name in columns:
            raw = np.asarray(columns[name])
        else:  # an absent column is all empty cells; the missing policy decides
            raw = np.full(n, np.nan) if spec.numeric or spec.type == "bool" else np.full(n, "", dtype=str)
        if raw.shape != (n,):
            raise EvidenceError(f"column {name!r} has shape {raw.shape}, expected ({n},) like the ids", path=source)
        if spec.numeric:
            try:
                values = raw.astype(np.float64, copy=False)
            except (TypeError, ValueError):
                raise EvidenceError(f"column {name!r} is not numeric (field type {spec.type})", path=source) from None
            empty = np.isnan(values)
            if spec.missing == "zero" and values is raw and empty.any():
                # The missing policy writes zeros into empty cells: into a copy,
                # never into the caller's array. Otherwise a float64 column is
                # used as given, which saves a copy of every such column.
                values = values.copy()
            infinite = np.flatnonzero(np.isinf(values))
            out.reject(infinite, name, [_cell_text(float(values[i])) for i in infinite.tolist()], "not a finite number")
            _check_numeric(name, spec, values, np.flatnonzero(~empty & ~np.isinf(values)), out, _number_text(values))
        elif spec.type == "bool":
            if raw.dtype.kind == "b":
                empty, values = np.zeros(n, dtype=bool), raw.copy()
            elif raw.dtype.kind in "fiu":
                numbers = raw.astype(np.float64)
                empty = np.isnan(numbers)
                not_01 = np.flatnonzero(~empty & (numbers != 0) & (numbers != 1))
                out.reject(not_01, name, [_cell_text(float(numbers[i])) for i in not_01.tolist()],
                           "not a yes/no value; use true/false or 1/0")
                values = numbers == 1
            else:  # words, as in a file
                texts = np.array([_cell_text(v) for v in raw.tolist()], dtype=str)
                empty = texts == ""
                values = _parse_bool(name, texts, empty, out)
        else:
            values = raw.astype(str)
            empty = values == ""
            if spec.type == "enum":
                bad = np.flatnonzero(~empty & ~np.isin(values, spec.values or []))
                out.reject(bad, name, [str(values[i]) for i in bad.tolist()],
                           f"not one of the allowed values: {', '.join(spec.values or [])}")
        missing[name] = _apply_missing(name, spec, values, empty, out,
                                       None if parent_arr is None else parent_arr != "", name in member_fields)
        typed[name] = values
    out.reject(np.flatnonzero(id_arr == ""), rubric.rubric.id_column, None, "no unit id")
    if digest is None:
        hasher = hashlib.sha256(id_arr.tobytes())
        for name in rubric.fields:
            hasher.update(name.encode())
            hasher.update(np.ascontiguousarray(typed[name]).tobytes())
        digest = hasher.hexdigest()
    return _finish(
        rubric, out, id_arr,
        None if periods is None else np.asarray(periods).astype(str),
        parent_arr,
        typed, missing, lambda f, i: _cell_text(typed[f][i].item()),
        source=source, sha256=digest, warnings=[], on_error=on_error, member_fields=member_fields,
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
    warnings: list[str],
    on_error: OnError,
    member_fields: frozenset[str] = frozenset(),
) -> Evidence:
    """Checks across fields and rows, then the policy: raise, or keep the valid units."""
    info = rubric.rubric
    n = ids.shape[0]
    for name, spec in rubric.fields.items():
        _check_bounds(name, spec, columns, missing, shown, out)
    if periods is not None:
        out.reject(np.flatnonzero(periods == ""), info.period_column, None, "no period; fill in the period of every row")
    _reject_duplicates(ids, periods, parents, out, info.id_column)
    if parents is not None:
        _check_members(rubric, ids, periods, parents, out, member_fields)
    if periods is not None:
        warnings.extend(_period_gaps(ids, periods, parents, out.bad))

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
    keep = ~out.bad
    everything = bool(keep.all())

    def pick(a: np.ndarray) -> np.ndarray:
        return a if everything else a[keep]

    rejected = [r for _, r in sorted(out.items, key=lambda t: t[0])]
    return Evidence(
        source=source,
        sha256=sha256,
        rows_read=n,
        unit_ids=pick(ids),
        periods=None if periods is None else pick(periods),
        parents=None if parents is None else pick(parents),
        kept_rows=np.flatnonzero(keep),
        columns={k: pick(v) for k, v in columns.items()},
        missing={k: pick(v) for k, v in missing.items()},
        rejected=rejected,
        warnings=warnings,
    )


def _codes(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Each value's index among the sorted distinct values, and how many there are."""
    uniq, inverse = _distinct(values)
    return inverse, int(uniq.shape[0])


def _distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct values and each value's index among them."""
    uniq, inverse = np.unique(values, return_inverse=True)
    return uniq, inverse.reshape(-1).astype(np.int64)


def _reject_duplicates(
    ids: np.ndarray, periods: np.ndarray | None, parents: np.ndarray | None, out: _Collector, id_column: str
) -> None:
    if ids.size == 0:
        return
    key, _ = _codes(ids)
    for extra in (periods, parents):
        if extra is not None:
            codes, size = _codes(extra)
            key = key * size + codes
    _, first, inverse, counts = np.unique(key, return_index=True, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    dup_rows = np.flatnonzero(counts[inverse] > 1)
    for i in dup_rows.tolist():
        j = int(first[inverse[i]])
        if i == j:
            continue
        hint = "" if periods is not None else "; add a period column if a unit has several rows"
        out.reject([i], id_column, [str(ids[i])], f"duplicate unit id (also at {out.label(j)}){hint}")


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


def _period_gaps(ids: np.ndarray, periods: np.ndarray, parents: np.ndarray | None, bad: np.ndarray) -> list[str]:
    """A warning naming units that lack periods other units have."""
    owner = ids if parents is None else np.where(parents != "", parents, ids)
    owner, periods = owner[~bad], periods[~bad]
    all_periods, period_code = _distinct(periods)
    if all_periods.size <= 1:
        return []
    # (unit, period) pairs as integer codes: joining the texts costs a string per row.
    names, owner_code = _distinct(owner)
    pairs = np.unique(owner_code * all_periods.size + period_code)
    per_unit = np.bincount(pairs // all_periods.size, minlength=names.size)
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
