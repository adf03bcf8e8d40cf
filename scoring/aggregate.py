"""From item points to dimension, phase, base and bonus totals.

Not-applicable items are rescaled away (缺项折算): a phase scores
earned / applicable points x scale. A phase in which nothing applies drops out
and the other phases' weights are renormalised; a unit where nothing applies at
all gets no score (NaN here, "not assessable" in results) rather than a
division by zero. Bonus items are added after rescaling, each capped at its
points and each bonus dimension at its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .indicators import IndicatorColumns
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


def aggregate(rubric: Rubric, items: list[IndicatorColumns], n_units: int) -> Totals:
    model = rubric.model
    dim_points: dict[str, np.ndarray] = {d.id: np.zeros(n_units) for d in model.dimension}
    dim_max: dict[str, np.ndarray] = {d.id: np.zeros(n_units) for d in model.dimension}
    dim_full: dict[str, float] = {d.id: 0.0 for d in model.dimension}
    for ind, col in zip(rubric.indicators, items):
        dim_points[ind.dimension.id] += col.points
        dim_max[ind.dimension.id] += np.where(col.applicable, ind.points, 0.0)
        dim_full[ind.dimension.id] += ind.points
    return combine_dimensions(model, dim_points, dim_max, dim_full, n_units)


def combine_dimensions(model: RubricModel, dim_points: dict[str, np.ndarray], dim_max: dict[str, np.ndarray],
                       dim_full: dict[str, float], n_units: int) -> Totals:
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
        earned = sum((dim_points[d.id] for d in dims), np.zeros(n_units))
        applicable = sum((dim_max[d.id] for d in dims), np.zeros(n_units))
        full = sum(dim_full[d.id] for d in dims)
        has = applicable > 0
        if model.rubric.not_applicable == "full":
            # Not-applicable items count as earned in full.
            score = (earned + (full - applicable)) / full * scale
        else:
            score = earned / np.where(has, applicable, 1.0) * scale
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
