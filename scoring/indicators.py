"""Run every indicator's method once over whole columns, then combine periods.

Process indicators are scored on every frame (unit x period) and combined per
unit (mean by default, over the periods where the item applies); outcome
indicators, and any indicator whose phase combines with "last", are scored on
each unit's final frame only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .layout import Layout
from .methods import MethodInput
from .model import PeriodCombiner, RubricModel
from .plan import CompiledIndicator, Rubric


@dataclass(frozen=True)
class IndicatorColumns:
    """Per-unit results of one indicator: points after the clip, and status."""

    points: np.ndarray
    applicable: np.ndarray
    value: np.ndarray


def combiner_of(model: RubricModel, phase: str | None) -> PeriodCombiner:
    if phase is None:
        return "last"
    spec = model.phases[phase]
    if spec.periods is not None:
        return spec.periods
    return "mean" if phase == "process" else "last"


def frame_rows(layout: Layout, combiner: PeriodCombiner) -> np.ndarray | None:
    """Frames an indicator is scored on; None means all frames, in order."""
    if combiner == "last" and not layout.single_period:
        return layout.last
    return None


def run_method(ind: CompiledIndicator, layout: Layout, rows: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Raw points, not-applicable mask and value of `ind` over `rows` (None: all frames)."""

    def take(a: np.ndarray) -> np.ndarray:
        return a if rows is None else a[rows]

    columns = {name: take(layout.columns[name]) for name in ind.inputs}
    n = layout.n_frames if rows is None else int(rows.shape[0])
    out = ind.method.score(ind.params, MethodInput(ind.points, n, columns, ind.expressions))
    raw = np.asarray(out.points, dtype=np.float64)
    raw = np.broadcast_to(raw, (n,)) if raw.shape != (n,) else raw
    na = np.zeros(n, dtype=bool) if out.not_applicable is None else np.asarray(out.not_applicable, dtype=bool)
    for name in ind.inputs:
        na = na | take(layout.missing[name])
    value = raw if out.value is None else np.asarray(out.value)
    return raw, na, value


def _combine(layout: Layout, combiner: PeriodCombiner, points: np.ndarray, app: np.ndarray, value: np.ndarray) -> IndicatorColumns:
    starts = layout.starts
    count = np.add.reduceat(app.astype(np.int64), starts)
    applicable = count > 0
    if combiner == "mean":
        total = np.add.reduceat(np.where(app, points, 0.0), starts)
        combined = total / np.where(applicable, count, 1)
    else:  # "min" or "max"; "last" never gets here, it is scored on the final frames only
        fill = np.inf if combiner == "min" else -np.inf
        ufunc = np.minimum if combiner == "min" else np.maximum
        combined = ufunc.reduceat(np.where(app, points, fill), starts)
    combined = np.where(applicable, combined, 0.0)
    if value.dtype.kind == "f" and combiner == "mean":
        vsum = np.add.reduceat(np.where(app, value, 0.0), starts)
        unit_value = np.where(applicable, vsum / np.where(applicable, count, 1), np.nan)
    else:
        unit_value = value[layout.last]
    return IndicatorColumns(points=combined, applicable=applicable, value=unit_value)


def score_indicators(rubric: Rubric, layout: Layout) -> list[IndicatorColumns]:
    results: list[IndicatorColumns] = []
    for ind in rubric.indicators:
        combiner = combiner_of(rubric.model, ind.dimension.phase)
        rows = frame_rows(layout, combiner)
        raw, na, value = run_method(ind, layout, rows)
        # 扣完为止 and the item's cap: the clip is the core's, never a method's.
        # An undefined figure (0/0, x/0) earns nothing, never full marks.
        points = np.clip(np.where(np.isfinite(raw), raw, 0.0), 0.0, ind.points)
        app = ~na
        points = np.where(app, points, 0.0)
        if rows is not None or layout.single_period:
            results.append(IndicatorColumns(points=points, applicable=app, value=value))
        else:
            results.append(_combine(layout, combiner, points, app, value))
    return results
