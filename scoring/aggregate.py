"""From item points to dimension, phase, base and bonus totals.

Not-applicable items are rescaled away (缺项折算): a phase scores
earned / applicable points x scale. A phase in which nothing applies drops out
and the other phases' weights are renormalised; a unit where nothing applies at
all gets no score (NaN here, "not assessable" in results) rather than a
division by zero. Bonus items are added after rescaling, each capped at its
points and each bonus dimension at its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from .indicators import IndicatorColumns, ScoredItems, Summand, Unclipped, clip_into
from .model import RubricModel
from .plan import Rubric


@dataclass(frozen=True)
class Totals:
    dimension_points: dict[str, np.ndarray]
    dimension_max: dict[str, np.ndarray]
    phase_scores: dict[str, np.ndarray]
    base: np.ndarray
    bonus: np.ndarray
    total: np.ndarray
    assessable: np.ndarray


@dataclass
class _Sum:
    """A column sum that keeps the rounding error of every addition (Knuth's TwoSum,
    accumulated as in Kahan-Babuska), so a total of many item points is the float
    nearest their exact sum, not one carrying an error per item. Without it, 196
    items of two-place points put 0.5% of exact halves (92.05) below the line at
    the 15-digit reading the rounding makes (docs/money.md)."""

    total: np.ndarray
    error: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.error = np.zeros_like(self.total)

    def add(self, x: np.ndarray) -> None:
        s = self.total + x
        back = s - self.total
        self.error += (self.total - (s - back)) + (x - back)
        self.total = s

    def value(self) -> np.ndarray:
        out: np.ndarray = self.total + self.error
        return out


# Units summed together: a chunk's slices of the sums and the scratch stay in the
# CPU's cache, where whole-column temporaries (8 MB each at a million units) would
# go to memory and back for every one of the sum's seven operations.
CHUNK = 32768
# Indicators of a dimension computed, and held, at once while their points are summed. Four,
# not eight: a batch's columns are freed together, and the C allocator gives so large a
# block back to the system, to be page-faulted in again for the next batch (measured at a
# million units and 60 indicators: 36,000 page faults a run with 8, 14,000 with 4, and
# about 0.05 s less CPU; fewer than 4 re-reads the sums more often for no fewer faults).
BATCH = 4
# Indicators of a dimension that are not applicable somewhere, up to which the applicable
# points are summed once per pattern of them (see `_Applicable`); past it, per unit.
PATTERN_BITS = 62
TABLE_BITS = 16  # up to here the patterns present are found by counting, past it by sorting


def _add_into(total: np.ndarray, error: np.ndarray, x: np.ndarray, s: np.ndarray, back: np.ndarray,
              tmp: np.ndarray) -> None:
    """`_Sum.add` with the same operations in the same order, in place, with scratch `s`, `back`, `tmp`.

    The new total is left in `s`: the caller swaps the two buffers' roles.
    """
    np.add(total, x, out=s)
    np.subtract(s, total, out=back)
    np.subtract(s, back, out=tmp)
    np.subtract(total, tmp, out=tmp)
    np.subtract(x, back, out=back)
    np.add(tmp, back, out=tmp)
    np.add(error, tmp, out=error)


def _summand(items: Sequence[IndicatorColumns], j: int) -> Summand:
    """What is added for item `j`, without making a lazy sequence keep it (see `ScoredItems`)."""
    if isinstance(items, ScoredItems):
        return items.summand(j)
    col = items[j]
    return Summand(col.points, col.applicable)


Term = np.ndarray | Unclipped | tuple[float, np.ndarray]


def _chunk(term: Term, lo: int, hi: int, buffer: np.ndarray) -> np.ndarray:
    """Units lo:hi of a term: a column; points clipped as the core clips them; or (points, applicable)."""
    if isinstance(term, Unclipped):
        return clip_into(buffer, term.raw[lo:hi], term.most, term.not_applicable[lo:hi])
    if isinstance(term, tuple):
        buffer.fill(0.0)
        np.copyto(buffer, term[0], where=term[1][lo:hi])
        return buffer
    return term[lo:hi]


def _sum_chunks(total: np.ndarray, error: np.ndarray, terms: Sequence[Term], scratch: np.ndarray,
                fresh: bool = False) -> None:
    """Add `terms` in order into the compensated sum (`total`, `error`), a chunk of units at a time.

    `fresh`: the sum is still all zeros, so the first term's addition is exact and leaves the
    error 0.0 (TwoSum of 0 and a finite x is (0 + x, 0), and the core's points are finite):
    it is just that addition.
    """
    n = total.shape[0]
    for lo in range(0, n, CHUNK):
        hi = min(lo + CHUNK, n)
        t, s, back, tmp, buffer = scratch[:, :hi - lo]
        np.copyto(t, total[lo:hi])
        err = error[lo:hi]
        for k, term in enumerate(terms):
            x = _chunk(term, lo, hi, buffer)
            if fresh and k == 0:
                np.add(t, x, out=t)
            else:
                _add_into(t, err, x, s, back, tmp)
                t, s = s, t
        np.copyto(total[lo:hi], t)


class _Applicable:
    """A dimension's applicable points per unit: the compensated sum of its applicable items' points.

    Most items apply to every unit, and the rest mark few distinct patterns (which
    of them apply). The sum is the same for every unit of a pattern, so it is
    computed once per pattern present, with Python floats (the same IEEE double
    operations as numpy's, in the same order, adding 0.0 where an item does not
    apply, exactly as the per-unit sum does), and looked up. Past PATTERN_BITS
    items that vary, each unit's sum so far is looked up and the rest added per unit.
    """

    def __init__(self, n: int, scratch: np.ndarray) -> None:
        self.n = n
        self.scratch = scratch
        self.code = np.zeros(n, dtype=np.int64)
        self.steps: list[tuple[float, int | None]] = []  # (points, bit of its flag, or None: applies to all)
        self.bits = 0
        self.direct: tuple[np.ndarray, np.ndarray] | None = None  # per-unit (total, error) once past the bits

    def add(self, batch: list[tuple[float, Summand]]) -> None:
        pending: list[Term] = []
        for points, col in batch:
            everywhere = bool(col.applicable.all())
            if self.direct is None and not everywhere and self.bits == PATTERN_BITS:
                self.direct = self._per_unit()
            if self.direct is not None:
                pending.append((points, col.applicable))
            elif everywhere:
                self.steps.append((points, None))
            else:
                self.code |= col.applicable.astype(np.int64) << self.bits
                self.steps.append((points, self.bits))
                self.bits += 1
        if pending and self.direct is not None:
            _sum_chunks(*self.direct, pending, self.scratch)

    def _patterns(self) -> tuple[np.ndarray, np.ndarray]:
        """The patterns present, and each unit's index among them."""
        if self.bits <= TABLE_BITS:
            present = np.flatnonzero(np.bincount(self.code, minlength=1 << self.bits))
            where = np.zeros(1 << self.bits, dtype=np.int64)
            where[present] = np.arange(present.shape[0])
            return present, where[self.code]
        present, index = np.unique(self.code, return_inverse=True)
        return present, index.reshape(-1)

    def _sums(self, present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        totals, errors = np.zeros(present.shape[0]), np.zeros(present.shape[0])
        for k, pattern in enumerate(present.tolist()):
            t = e = 0.0
            for points, bit in self.steps:
                x = points if bit is None or (pattern >> bit) & 1 else 0.0
                s = t + x
                back = s - t
                e += (t - (s - back)) + (x - back)
                t = s
            totals[k], errors[k] = t, e
        return totals, errors

    def _per_unit(self) -> tuple[np.ndarray, np.ndarray]:
        present, index = self._patterns()
        totals, errors = self._sums(present)
        return totals[index], errors[index]

    def value(self) -> np.ndarray:
        if self.direct is not None:
            total, error = self.direct
            out: np.ndarray = np.add(total, error, out=total)
            return out
        if self.bits == 0:  # every item applies to every unit: one figure for all
            t, e = self._sums(np.zeros(1, dtype=np.int64))
            return np.full(self.n, t[0] + e[0])
        # Each pattern's total + error, then one look-up per unit: the same additions as per unit.
        if self.bits <= TABLE_BITS:  # looked up by the pattern itself, in a table of every pattern
            present = np.flatnonzero(np.bincount(self.code, minlength=1 << self.bits))
            totals, errors = self._sums(present)
            table = np.zeros(1 << self.bits)
            table[present] = totals + errors
            looked_up: np.ndarray = table[self.code]
            return looked_up
        present, index = self._patterns()
        totals, errors = self._sums(present)
        by_unit: np.ndarray = (totals + errors)[index]
        return by_unit


def aggregate(rubric: Rubric, items: Sequence[IndicatorColumns], n_units: int) -> Totals:
    model = rubric.model
    full_points: dict[str, Decimal] = {d.id: Decimal(0) for d in model.dimension}
    of_dimension: dict[str, list[int]] = {d.id: [] for d in model.dimension}
    for j, ind in enumerate(rubric.indicators):
        of_dimension[ind.dimension.id].append(j)
        full_points[ind.dimension.id] += Decimal(repr(ind.points))  # rubric figures: exact decimals
    dim_points: dict[str, np.ndarray] = {}
    dim_max: dict[str, np.ndarray] = {}
    scratch = np.empty((5, min(CHUNK, n_units)))
    # Exactly `_Sum` per dimension, item by item in the rubric's order, but a chunk of units at a
    # time and a few items at a time: every unit's figures come from the same operations, so the
    # totals are the same to the last bit, without every item's columns in memory at once.
    for dim in model.dimension:
        earned, earned_error = np.zeros(n_units), np.zeros(n_units)
        applicable = _Applicable(n_units, scratch)
        listed = of_dimension[dim.id]
        for b in range(0, len(listed), BATCH):
            batch = [(rubric.indicators[j].points, _summand(items, j)) for j in listed[b:b + BATCH]]
            _sum_chunks(earned, earned_error, [col.points for _, col in batch], scratch, fresh=b == 0)
            applicable.add(batch)
            del batch
        dim_points[dim.id] = np.add(earned, earned_error, out=earned)
        dim_max[dim.id] = applicable.value()
    return combine_dimensions(model, dim_points, dim_max, full_points, n_units)


def combine_dimensions(model: RubricModel, dim_points: dict[str, np.ndarray], dim_max: dict[str, np.ndarray],
                       full_points: dict[str, Decimal], n_units: int) -> Totals:
    """Phases, base, bonus and total from each dimension's earned and applicable points.

    Separate from `aggregate` so that `scoring sensitivity` can combine
    dimensions under perturbed weights exactly as a scoring job does.
    """
    scale = model.rubric.scale
    # Phases, or one implicit phase holding every base dimension.
    phases: list[str] = list(model.phases) or [""]
    phase_scores: dict[str, np.ndarray] = {}
    weighted = np.zeros(n_units)
    weight_sum = np.zeros(n_units)
    scratch = np.empty((5, min(CHUNK, n_units)))
    for name in phases:
        dims = [d for d in model.dimension if d.kind == "base" and (d.phase or "") == name]
        # `_Sum` over the dimensions, a chunk of units at a time (the same operations).
        earned, earned_error, applicable, applicable_error = (np.zeros(n_units) for _ in range(4))
        _sum_chunks(earned, earned_error, [dim_points[d.id] for d in dims], scratch)
        _sum_chunks(applicable, applicable_error, [dim_max[d.id] for d in dims], scratch)
        earned = np.add(earned, earned_error, out=earned)
        applicable = np.add(applicable, applicable_error, out=applicable)
        del earned_error, applicable_error
        full = float(sum((full_points[d.id] for d in dims), Decimal(0)))
        has = applicable > 0
        if model.rubric.not_applicable == "full":
            # Not-applicable items count as earned in full.
            score = (earned + (full - applicable)) * (scale / full)
        else:
            # scale / applicable first: it is exactly 1 when nothing is rescaled and the
            # points add up to the scale, so the score is then the sum itself.
            score = earned * (scale / np.where(has, applicable, 1.0))
        score = np.where(has, score, np.nan)
        weight = 1.0 if name == "" else model.phases[name].weight
        weighted += np.where(has, score * weight, 0.0)
        weight_sum += np.where(has, weight, 0.0)
        if name:
            phase_scores[name] = score
    assessable = weight_sum > 0
    base = np.where(assessable, weighted / np.where(assessable, weight_sum, 1.0), np.nan)

    bonus = np.zeros(n_units)
    for dim in model.dimension:
        if dim.kind == "bonus":
            bonus += np.minimum(dim_points[dim.id], dim.points)
    total = base + bonus
    return Totals(
        dimension_points=dim_points, dimension_max=dim_max, phase_scores=phase_scores,
        base=base, bonus=np.where(assessable, bonus, np.nan), total=total, assessable=assessable,
    )
