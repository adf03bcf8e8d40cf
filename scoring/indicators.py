"""Run every indicator's method once over whole columns, then combine periods.

Process indicators are scored on every frame (unit x period) and combined per
unit (mean by default, over the periods where the item applies); outcome
indicators, and any indicator whose phase combines with "last", are scored on
each unit's final frame only.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .layout import Layout
from .errors import EvidenceError, PluginError
from .methods import MemberRows, MethodInput, Scored
from .model import PeriodCombiner, RubricModel
from .plan import CompiledIndicator, Rubric
from .progress import Progress, report


@dataclass(frozen=True)
class IndicatorColumns:
    """Per-unit results of one indicator: points after the clip, and status."""

    points: np.ndarray
    applicable: np.ndarray
    value: np.ndarray
    # Per member row (aligned with `Layout.members`), NaN where not computed.
    member_values: dict[str, np.ndarray] | None = None


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


def member_rows(ind: CompiledIndicator, layout: Layout, rows: np.ndarray | None) -> MemberRows | None:
    """The member rows under `rows` (None: all frames), for methods that read them."""
    if not ind.member_inputs or layout.members is None:
        return None
    m = layout.members
    if rows is None:
        position = m.frame
        keep = np.ones(position.shape, dtype=bool)
    else:
        where = np.full(layout.n_frames, -1, dtype=np.int64)
        where[rows] = np.arange(rows.shape[0])
        position = where[m.frame]
        keep = position >= 0
    return MemberRows(
        ids=m.ids[keep], row=position[keep],
        columns={f: m.columns[f][keep] for f in ind.member_inputs},
        missing={f: m.missing[f][keep] for f in ind.member_inputs},
    )


@dataclass(frozen=True)
class RawItem:
    """A method's answer over some frames, before the core's clip."""

    raw: np.ndarray
    not_applicable: np.ndarray
    value: np.ndarray
    member_values: dict[str, np.ndarray] | None


def method_error(ind: CompiledIndicator, what: str) -> PluginError:
    plugin = ind.method.plugin or "(unnamed)"
    return PluginError(f"method {ind.method.name!r} of plugin {plugin!r} {what} (indicator {ind.id!r}); "
                       "this is a bug in the plugin, not in the rubric or the evidence",
                       plugin=ind.method.plugin or None, hook="scoring_register_methods")


def run_method(ind: CompiledIndicator, layout: Layout, rows: np.ndarray | None) -> RawItem:
    """Raw points, not-applicable mask and value of `ind` over `rows` (None: all frames)."""

    def take(a: np.ndarray) -> np.ndarray:
        return a if rows is None else a[rows]

    columns = {name: take(layout.columns[name]) for name in ind.inputs}
    n = layout.n_frames if rows is None else int(rows.shape[0])
    members = member_rows(ind, layout, rows)
    try:
        # Overflow or 0/0 inside a method yields inf/NaN, which the core turns
        # into 0 points; numpy's warnings about it would only be noise.
        with np.errstate(all="ignore"):
            out = ind.method.score(ind.params, MethodInput(ind.points, n, columns, ind.expressions, members,
                                                           take(layout.frame_unit), take(layout.frame_period)))
    except ValueError as exc:  # a method's word on evidence it cannot score
        raise EvidenceError(f"indicator {ind.id!r} ({ind.method.name}): {exc}") from None
    except Exception as exc:  # noqa: BLE001 - the plugin's bug, named as such
        raise method_error(ind, f"raised {type(exc).__name__}: {exc}") from exc
    if not isinstance(out, Scored) or np.shape(out.points) not in ((), (n,)):
        got = f"points of shape {np.shape(out.points)}" if isinstance(out, Scored) else type(out).__name__
        raise method_error(ind, f"returned {got} for {n} rows, not a Scored with one figure per row")
    raw = np.asarray(out.points, dtype=np.float64)
    raw = np.broadcast_to(raw, (n,)) if raw.shape != (n,) else raw
    na = np.zeros(n, dtype=bool) if out.not_applicable is None else np.asarray(out.not_applicable, dtype=bool)
    for name in ind.inputs:
        na = na | take(layout.missing[name])
    value = raw if out.value is None else np.asarray(out.value)
    spread = None
    if out.member_values and members is not None and layout.members is not None:
        # Back onto every member row, so results can list them by member.
        keep = np.flatnonzero(np.isin(layout.members.frame, np.arange(layout.n_frames) if rows is None else rows))
        spread = {}
        for name, values in out.member_values.items():
            full = np.full(layout.members.ids.shape[0], np.nan)
            full[keep] = np.asarray(values, dtype=np.float64)
            spread[name] = full
    return RawItem(raw, na, value, spread)


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


def score_indicators(rubric: Rubric, layout: Layout, progress: Progress | None = None) -> list[IndicatorColumns]:
    results: list[IndicatorColumns] = []
    total = len(rubric.indicators)
    for k, ind in enumerate(rubric.indicators):
        report(progress, "scoring", k, total, "indicators")
        combiner = combiner_of(rubric.model, ind.dimension.phase)
        rows = frame_rows(layout, combiner)
        item = run_method(ind, layout, rows)
        # 扣完为止 and the item's cap: the clip is the core's, never a method's.
        # An undefined figure (0/0, x/0) earns nothing, never full marks.
        raw = item.raw
        points = np.clip(np.where(np.isfinite(raw), raw, 0.0), 0.0, ind.points)
        app = ~item.not_applicable
        points = np.where(app, points, 0.0)
        if rows is not None or layout.single_period:
            columns = IndicatorColumns(points=points, applicable=app, value=item.value)
        else:
            columns = _combine(layout, combiner, points, app, item.value)
        if item.member_values:
            columns = dataclasses.replace(columns, member_values=item.member_values)
        results.append(columns)
    report(progress, "scoring", total, total, "indicators")
    return results
