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

from .indicators import IndicatorColumns, ScoredItems
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
CHUNK = 16384
# Indicators of a dimension computed, and held, at once while their points are summed.
BATCH = 8


def _add_into(total: np.ndarray, error: np.ndarray, x: np.ndarray, s: np.ndarray, back: np.ndarray,
              tmp: np.ndarray) -> None:
    """`_Sum.add` with the same operations in the same order, in place, with scratch `s`, `back`, `tmp`."""
    np.add(total, x, out=s)
    np.subtract(s, total, out=back)
    np.subtract(s, back, out=tmp)
    np.subtract(total, tmp, out=tmp)
    np.subtract(x, back, out=back)
    np.add(tmp, back, out=tmp)
    np.add(error, tmp, out=error)
    np.copyto(total, s)


def _column(items: Sequence[IndicatorColumns], j: int) -> IndicatorColumns:
    """Item `j`, without making a lazy sequence keep it (see `ScoredItems`)."""
    return items.peek(j) if isinstance(items, ScoredItems) else items[j]


def aggregate(rubric: Rubric, items: Sequence[IndicatorColumns], n_units: int) -> Totals:
    model = rubric.model
    full_points: dict[str, Decimal] = {d.id: Decimal(0) for d in model.dimension}
    of_dimension: dict[str, list[int]] = {d.id: [] for d in model.dimension}
    for j, ind in enumerate(rubric.indicators):
        of_dimension[ind.dimension.id].append(j)
        full_points[ind.dimension.id] += Decimal(repr(ind.points))  # rubric figures: exact decimals
    dim_points: dict[str, np.ndarray] = {}
    dim_max: dict[str, np.ndarray] = {}
    scratch = np.empty((4, min(CHUNK, n_units)))
    # Exactly `_Sum` per dimension, item by item in the rubric's order, but a chunk of units at a
    # time and a few items at a time: every unit's figures come from the same operations, so the
    # totals are the same to the last bit, without every item's columns in memory at once.
    for dim in model.dimension:
        earned, earned_error, applicable, applicable_error = (np.zeros(n_units) for _ in range(4))
        listed = of_dimension[dim.id]
        for b in range(0, len(listed), BATCH):
            batch = [(rubric.indicators[j].points, _column(items, j)) for j in listed[b:b + BATCH]]
            for lo in range(0, n_units, CHUNK):
                hi = min(lo + CHUNK, n_units)
                s, back, tmp, fill = scratch[:, :hi - lo]
                for points, col in batch:
                    _add_into(earned[lo:hi], earned_error[lo:hi], col.points[lo:hi], s, back, tmp)
                    fill.fill(0.0)
                    np.copyto(fill, points, where=col.applicable[lo:hi])
                    _add_into(applicable[lo:hi], applicable_error[lo:hi], fill, s, back, tmp)
            del batch
        dim_points[dim.id] = np.add(earned, earned_error, out=earned)
        dim_max[dim.id] = np.add(applicable, applicable_error, out=applicable)
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
    for name in phases:
        dims = [d for d in model.dimension if d.kind == "base" and (d.phase or "") == name]
        earned_sum, applicable_sum = _Sum(np.zeros(n_units)), _Sum(np.zeros(n_units))
        for d in dims:
            earned_sum.add(dim_points[d.id])
            applicable_sum.add(dim_max[d.id])
        earned, applicable = earned_sum.value(), applicable_sum.value()
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
