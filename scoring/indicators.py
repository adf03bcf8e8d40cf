"""Run every indicator's method once over whole columns, then combine periods.

Process indicators are scored on every frame (unit x period) and combined per
unit (mean by default, over the periods where the item applies); outcome
indicators, and any indicator whose phase combines with "last", are scored on
each unit's final frame only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from .layout import Layout
from .errors import EvidenceError, PluginError
from .methods import MemberRows, MethodInput, Scored
from .model import PeriodCombiner, RubricModel
from .plan import CompiledIndicator, Rubric
from .progress import Progress, report

if TYPE_CHECKING:
    from .panels import Panel, RaterFigures


@dataclass(frozen=True)
class IndicatorColumns:
    """Per-unit results of one indicator: points after the clip, and status."""

    points: np.ndarray
    applicable: np.ndarray
    value: np.ndarray
    # Per member row (aligned with `Layout.members`), NaN where not computed.
    member_values: dict[str, np.ndarray] | None = None
    # Each rater's points where a panel scored the item (scoring.panels).
    raters: RaterFigures | None = None


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
    # A fresh mask, or'ed in place: never the method's own array, nor a missing mask the layout keeps.
    na = np.zeros(n, dtype=bool)
    if out.not_applicable is not None:
        na |= np.asarray(out.not_applicable, dtype=bool)
    for name in ind.inputs:
        missing = layout.missing[name]
        if missing.any():  # most columns have no blank cell: skip a pass over them
            np.logical_or(na, take(missing), out=na)
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


def clipped(raw: np.ndarray, most: float, not_applicable: np.ndarray) -> np.ndarray:
    """`raw` clipped to [0, most], 0 where it is not finite or not applicable, in one new array.

    The same figures as `np.where(na, 0, np.clip(np.where(np.isfinite(raw), raw, 0), 0, most))`
    (clipping a finite figure is the same operation either way; every other one is 0.0), without
    that expression's three whole-column temporaries.
    """
    return clip_into(np.empty(raw.shape), raw, most, not_applicable)


def clip_into(out: np.ndarray, raw: np.ndarray, most: float, not_applicable: np.ndarray) -> np.ndarray:
    """`clipped`, into `out` (a chunk's buffer): element for element the same operations."""
    np.clip(raw, 0.0, most, out=out)
    finite = np.isfinite(raw)
    if not finite.all():
        np.putmask(out, ~finite, 0.0)  # copyto(where=) with a faster loop
    if not_applicable.any():
        np.putmask(out, not_applicable, 0.0)
    return out


@dataclass(frozen=True)
class Unclipped:
    """An indicator's points before the core's clip, clipped when summed (a chunk at a time, in cache)."""

    raw: np.ndarray
    not_applicable: np.ndarray
    most: float


@dataclass(frozen=True)
class Summand:
    """What `aggregate` adds for an indicator: its points (or what clips to them) and where it applies."""

    points: np.ndarray | Unclipped
    applicable: np.ndarray


def score_indicator(rubric: Rubric, layout: Layout, j: int, panel: Panel | None = None) -> IndicatorColumns:
    """Indicator `j`'s points (clipped), applicable flags and values, per unit."""
    found = _score(rubric, layout, j, keep=True, panel=panel)
    assert isinstance(found, IndicatorColumns)
    return found


def _score(rubric: Rubric, layout: Layout, j: int, keep: bool, panel: Panel | None = None
           ) -> IndicatorColumns | Summand:
    """Indicator `j`'s columns; when not `keep` and no periods are combined, only what is summed.
    With a `panel`, an item reading rated fields is scored rater by rater (scoring.panels)."""
    ind = rubric.indicators[j]
    combiner = combiner_of(rubric.model, ind.dimension.phase)
    rows = frame_rows(layout, combiner)
    figures = None
    if panel is not None and panel.scores(ind):
        item, figures = panel.run(ind, layout, rows)
    else:
        item = run_method(ind, layout, rows)
    app = ~item.not_applicable
    per_unit = rows is not None or layout.single_period
    if per_unit and not keep:
        return Summand(Unclipped(item.raw, item.not_applicable, ind.points), app)
    # 扣完为止 and the item's cap: the clip is the core's, never a method's.
    # An undefined figure (0/0, x/0) earns nothing, never full marks.
    points = clipped(item.raw, ind.points, item.not_applicable)
    if per_unit:
        columns = IndicatorColumns(points=points, applicable=app, value=item.value)
    else:
        columns = _combine(layout, combiner, points, app, item.value)
    if item.member_values:
        columns = dataclasses.replace(columns, member_values=item.member_values)
    if figures is not None:
        columns = dataclasses.replace(columns, raters=figures)
    return columns


class ScoredItems(Sequence[IndicatorColumns]):
    """Every indicator's columns, computed from the layout when first read and then kept.

    Keeping them all costs a column of points, one of flags and often one of
    values per indicator (about 1 GB at a million units and 60 indicators),
    while scoring itself only needs their sums. So `aggregate` reads each
    through `peek`, which computes it without keeping it, and a result keeps
    its indicators only once something (an explanation, a report, the
    statistics) reads them; they are computed again from the same layout by
    the same code, so they are the same to the last bit (tests/test_lazy_items.py).
    """

    def __init__(self, rubric: Rubric, layout: Layout, progress: Progress | None = None,
                 panel: Panel | None = None) -> None:
        self._rubric = rubric
        self._layout = layout
        self.panel = panel  # the rater rows, when items are scored by a panel (scoring.panels)
        self._kept: list[IndicatorColumns | None] = [None] * len(rubric.indicators)
        self._progress = progress  # for the first pass only (the engine's), then dropped
        self._peeked = 0

    def __len__(self) -> int:
        return len(self._kept)

    @overload
    def __getitem__(self, j: int) -> IndicatorColumns: ...

    @overload
    def __getitem__(self, j: slice) -> list[IndicatorColumns]: ...

    def __getitem__(self, j: int | slice) -> IndicatorColumns | list[IndicatorColumns]:
        if isinstance(j, slice):
            return [self[k] for k in range(len(self))[j]]
        j = range(len(self))[j]
        kept = self._kept[j]
        if kept is None:
            kept = self._kept[j] = self.peek(j)
        return kept

    def peek(self, j: int) -> IndicatorColumns:
        """Indicator `j`'s columns, computed if not kept, and not kept by this call."""
        found = self._get(j, keep=True)
        assert isinstance(found, IndicatorColumns)
        return found

    def summand(self, j: int) -> Summand:
        """What `aggregate` adds for indicator `j`: computed (if not kept) only as far as the sum needs."""
        found = self._get(j, keep=False)
        return Summand(found.points, found.applicable) if isinstance(found, IndicatorColumns) else found

    def _get(self, j: int, keep: bool) -> IndicatorColumns | Summand:
        kept = self._kept[j]
        if kept is not None:
            return kept
        total = len(self)
        if self._progress is not None:
            report(self._progress, "scoring", self._peeked, total, "indicators")
        found = _score(self._rubric, self._layout, j, keep, self.panel)
        self._peeked += 1
        if self._progress is not None and self._peeked >= total:
            report(self._progress, "scoring", total, total, "indicators")
            self._progress = None
        return found

    def kept(self) -> int:
        """How many indicators are held in memory (for tests of this very economy)."""
        return sum(k is not None for k in self._kept)

    def __getstate__(self) -> dict[str, Any]:
        return {**vars(self), "_progress": None}  # a callback need not pickle


def score_indicators(rubric: Rubric, layout: Layout, progress: Progress | None = None,
                     panel: Panel | None = None) -> ScoredItems:
    """The indicators' columns, each computed when first read (see `ScoredItems`); with a `panel`,
    items reading rated fields are scored rater by rater (scoring.panels)."""
    if not rubric.indicators:
        report(progress, "scoring", 0, 0, "indicators")
    return ScoredItems(rubric, layout, progress, panel)
