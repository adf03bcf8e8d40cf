"""Where each evidence row belongs: units, periods and member rows.

The scoring path works on *frames*: one row per (unit, period), sorted by unit
id and then period, so a unit's frames are contiguous and per-unit reductions
are `reduceat` calls over `starts`. Sorting also makes every result independent
of the order of the input rows, down to the last bit of a float sum.

Member rows (a school under its education group) name their unit in the parent
column. A field with `rollup` takes, for each frame, the roll-up of its member
rows (sum, mean, min, max or a weighted mean); other fields come from the
unit's own row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import periods as periods_mod
from .evidence import Evidence
from .keys import KeyCodes, codes_of
from .model import FieldSpec, RubricInfo, RubricModel

_NO_PERIODS = RubricInfo(id="x", title="", version="")


@dataclass(frozen=True)
class Members:
    """The member rows of the evidence, each tied to its unit's frame."""

    ids: np.ndarray
    frame: np.ndarray
    columns: dict[str, np.ndarray]
    missing: dict[str, np.ndarray]


@dataclass(frozen=True)
class Layout:
    unit_ids: np.ndarray
    frame_unit: np.ndarray
    frame_period: np.ndarray
    starts: np.ndarray
    last: np.ndarray
    columns: dict[str, np.ndarray]
    missing: dict[str, np.ndarray]
    members: Members | None
    # np.unique(frame_period, return_inverse=True), known from the evidence's codes (scoring.keys)
    frame_period_keys: KeyCodes | None = None

    @property
    def n_units(self) -> int:
        return int(self.unit_ids.shape[0])

    @property
    def n_frames(self) -> int:
        return int(self.frame_unit.shape[0])

    @property
    def single_period(self) -> bool:
        return self.n_frames == self.n_units

    def final(self, name: str) -> np.ndarray:
        """Field `name` on each unit's final frame (no copy when there is one frame a unit)."""
        column = self.columns[name]
        return column if self.single_period else column[self.last]

    def final_missing(self, name: str) -> np.ndarray:
        column = self.missing[name]
        return column if self.single_period else column[self.last]


def period_order(periods: np.ndarray, info: RubricInfo | None = None, known: KeyCodes | None = None) -> np.ndarray:
    """Rank of each period label: its place among the rubric's declared periods, else numerically if every
    label is a number, else as text. `known`: the labels' codes, when the evidence has them."""
    found = (known.distinct, known.codes) if known is not None and known.describes(periods) else None
    return periods_mod.order(info if info is not None else _NO_PERIODS, periods, found)


def _frames(
    units: np.ndarray, periods: np.ndarray | None, info: RubricInfo,
    unit_keys: KeyCodes | None = None, period_keys: KeyCodes | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, KeyCodes | None]:
    """unit ids, and for each row its frame; frames sorted by (unit, period); the frames' period codes."""
    if unit_keys is not None and unit_keys.describes(units):
        # np.unique(units, return_inverse=True), found once for the evidence (scoring.keys).
        unit_ids, unit_code = unit_keys.distinct, unit_keys.codes
    elif units.shape[0] > 1 and bool(np.all(units[1:] > units[:-1])):
        # Already sorted and distinct (one row per unit, in id order, as files often are):
        # what np.unique would give, without sorting a million ids.
        unit_ids, unit_code = units, np.arange(units.shape[0])
    else:
        found = codes_of(units)
        unit_ids, unit_code = found.distinct, found.codes
    if periods is None:
        return unit_ids, np.arange(unit_ids.shape[0]), unit_code, np.full(unit_ids.shape, "", dtype=str), None
    labels = codes_of(periods, period_keys)
    period_code = periods_mod.order(info, periods, (labels.distinct, labels.codes))
    key = unit_code.astype(np.int64) * (int(period_code.max(initial=0)) + 1) + period_code
    if key.size and bool((key[1:] > key[:-1]).all()):
        # Rows already in (unit, period) order, each its own frame (a file sorted by unit): no sort needed.
        frame_keys, row_frame = key, np.arange(key.shape[0])
    else:
        frame_keys, row_frame = np.unique(key, return_inverse=True)
    row_frame = row_frame.reshape(-1)
    first_row = np.zeros(frame_keys.shape, dtype=np.int64)
    first_row[row_frame] = np.arange(row_frame.size)
    frame_unit = unit_code[first_row]
    frame_period = periods[first_row]
    # Every label has a frame, so the frames' codes are the rows' codes at each frame's first row.
    return unit_ids, frame_unit, row_frame, frame_period, KeyCodes(frame_period, labels.distinct,
                                                                  labels.codes[first_row])


def _rollup(spec: FieldSpec, values: np.ndarray, frame: np.ndarray, k: int, weights: np.ndarray | None) -> np.ndarray:
    """The roll-up of each frame's member values; missing when any member's value is.

    A sum or mean over the schools that reported would score a group on part of
    its evidence (a weak school left blank would raise the mean), so one blank
    member cell makes the unit's figure missing, and its items not applicable.
    """
    present = ~np.isnan(values)
    if spec.rollup == "weighted_mean":
        assert weights is not None
        present &= ~np.isnan(weights)
    blanks = np.bincount(frame, weights=(~present).astype(np.float64), minlength=k)
    count = np.bincount(frame, weights=present.astype(np.float64), minlength=k)
    complete = (blanks == 0) & (count > 0)
    if spec.rollup == "weighted_mean":
        assert weights is not None
        w = np.where(present, weights, 0.0)
        top = np.bincount(frame, weights=np.where(present, values, 0.0) * w, minlength=k)
        bottom = np.bincount(frame, weights=w, minlength=k)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(complete & (bottom > 0), top / np.where(bottom > 0, bottom, 1.0), np.nan)
    if spec.rollup in ("sum", "mean"):
        total: np.ndarray = np.bincount(frame, weights=np.where(present, values, 0.0), minlength=k)
        if spec.rollup == "mean":
            total = total / np.where(count > 0, count, 1.0)
        return np.where(complete, total, np.nan)
    out = np.full(k, np.inf if spec.rollup == "min" else -np.inf)
    (np.fmin if spec.rollup == "min" else np.fmax).at(out, frame[present], values[present])
    return np.where(complete, out, np.nan)


def build_layout(evidence: Evidence, rubric: RubricModel) -> Layout:
    parents = evidence.parents
    own = np.ones(evidence.rows, dtype=bool) if parents is None else parents == ""
    member = ~own
    unit_of_row = evidence.unit_ids if parents is None else np.where(own, evidence.unit_ids, parents)
    unit_ids, frame_unit, row_frame, frame_period, frame_period_keys = _frames(
        unit_of_row, evidence.periods, rubric.rubric, evidence.unit_keys, evidence.period_keys)
    k = frame_unit.shape[0]
    starts = np.flatnonzero(np.r_[True, frame_unit[1:] != frame_unit[:-1]]) if k else np.zeros(0, dtype=np.int64)
    last = np.r_[starts[1:] - 1, k - 1] if k else np.zeros(0, dtype=np.int64)

    columns: dict[str, np.ndarray] = {}
    missing: dict[str, np.ndarray] = {}
    own_rows = np.flatnonzero(own)
    identity = own.all() and k == evidence.rows and np.array_equal(row_frame, np.arange(k))
    for name, spec in rubric.fields.items():
        values = evidence.columns[name]
        miss_in = evidence.missing[name]
        if identity:
            columns[name], missing[name] = values, miss_in
            continue
        if spec.numeric:
            col = np.full(k, np.nan)
        elif spec.type == "bool":
            col = np.zeros(k, dtype=bool)
        else:
            col = np.full(k, "", dtype=values.dtype)
        miss = np.ones(k, dtype=bool)
        col[row_frame[own_rows]] = values[own_rows]
        miss[row_frame[own_rows]] = miss_in[own_rows]
        if spec.rollup is not None and member.any():
            rows = np.flatnonzero(member)
            vals = np.where(miss_in[rows], np.nan, values[rows])
            weights = None
            if spec.weight is not None:
                weights = np.where(evidence.missing[spec.weight][rows], np.nan, evidence.columns[spec.weight][rows])
            rolled = _rollup(spec, vals, row_frame[rows], k, weights)
            has = ~np.isnan(rolled)
            col[has] = rolled[has]
            miss[has] = False
        if spec.numeric:
            miss |= np.isnan(col)
        columns[name], missing[name] = col, miss

    members = None
    if member.any():
        rows = np.flatnonzero(member)
        order = np.lexsort((evidence.unit_ids[rows], row_frame[rows]))
        rows = rows[order]
        members = Members(
            ids=evidence.unit_ids[rows],
            frame=row_frame[rows],
            columns={n: evidence.columns[n][rows] for n in rubric.fields},
            missing={n: evidence.missing[n][rows] for n in rubric.fields},
        )
    return Layout(
        unit_ids=unit_ids, frame_unit=frame_unit, frame_period=frame_period, starts=starts, last=last,
        columns=columns, missing=missing, members=members, frame_period_keys=frame_period_keys,
    )
