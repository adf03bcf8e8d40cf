"""Rater panels: several inspectors score the same unit, and their figures combine.

Evidence rows name their rater (`[raters] column`, e.g. 评分人 or 检查人员).
Within each unit and period:

- an item that reads a `rated` field is scored once per rater (the rater's
  own figures, the panel's agreed facts), each rater's points clipped to
  `[0, points]` like any item's, and the points combine by the item's
  `raters` (else `[raters] combine`): `mean`, `median`, `trimmed_mean`
  (the highest and the lowest dropped when at least `trim_from` raters
  scored, else the mean), `min` or `max`;
- a rater for whom the item does not apply (a blank `not_applicable` cell),
  or who has no row for the unit in that period, is not on that item's panel;
  an item no rater could score does not apply;
- the combined figure is computed on the decimal figures (15 significant
  digits, as the rounding reads them) with Python's `decimal`, so the mean of
  8.1 and 8.2 is 8.15 exactly and rounds half-up to 8.2;
- every field gets one combined value per unit and period for the rest of
  the rubric (vetoes, grades, consequences, items that read no rated field):
  a rated field combined by `[raters] combine`, a fact as the raters agreed.

Periods combine after raters: each period's panel gives that period's
figure, and a process item's periods then combine as the rubric says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, localcontext
from typing import Any

import numpy as np

from .evidence import Evidence, take_rows
from .indicators import RawItem, clipped, run_method
from .layout import Layout
from .model import RaterCombiner, RatersSpec
from .notices import Notice
from .panel_rows import blank
from .plan import CompiledIndicator, Rubric
from .rounding import decimal_figure


def combine(values: Sequence[float], how: RaterCombiner, trim_from: int) -> tuple[float, list[int]]:
    """The panel's figure from each rater's, and the positions dropped (by trimmed_mean).

    Exact on the decimal figures: a mean is their exact sum divided once, at 28 digits.
    """
    if not values:
        return float("nan"), []
    figures = [decimal_figure(float(v)) for v in values]
    order = sorted(range(len(figures)), key=lambda k: (figures[k], k))
    dropped: list[int] = []
    if how == "min":
        return float(figures[order[0]]), []
    if how == "max":
        return float(figures[order[-1]]), []
    kept = order
    if how == "trimmed_mean" and len(order) >= trim_from:
        dropped, kept = [order[0], order[-1]], order[1:-1]
    with localcontext() as ctx:
        ctx.prec = 28
        if how == "median":
            mid = len(order) // 2
            middle = [figures[order[mid]]] if len(order) % 2 else [figures[order[mid - 1]], figures[order[mid]]]
            return float(sum(middle, Decimal(0)) / len(middle)), []
        total = sum((figures[k] for k in kept), Decimal(0))
        return float(total / len(kept)), sorted(dropped)


def _spread(values: Sequence[float]) -> float:
    figures = [decimal_figure(float(v)) for v in values]
    return float(max(figures) - min(figures)) if figures else 0.0


@dataclass(frozen=True)
class RaterFigures:
    """One item's points from each rater of a panel, beside the combined figure.

    Each entry is a rater row on a frame the item was scored on, sorted by
    frame: `frame` (the unit's frame in the layout), `rater`, `points` (NaN where the item did not
    apply for that rater) and `dropped` (left out by trimmed_mean). `combined`
    and `spread` are per frame (NaN where the frame has no panel).
    """

    combine: str
    frame: np.ndarray
    rater: np.ndarray
    points: np.ndarray
    dropped: np.ndarray
    combined: dict[int, float]
    spread: dict[int, float]


@dataclass(frozen=True)
class Panel:
    """The rater rows of the evidence (units' own rows that name a rater), before they were combined."""

    spec: RatersSpec
    unit: np.ndarray
    period: np.ndarray
    rater: np.ndarray
    columns: dict[str, np.ndarray]
    missing: dict[str, np.ndarray]
    rated: frozenset[str]

    def scores(self, ind: CompiledIndicator) -> bool:
        """Whether `ind` is scored rater by rater: it reads a rated field, and no member rows."""
        return not ind.member_inputs and any(f in self.rated for f in ind.inputs)

    def how(self, ind: CompiledIndicator) -> RaterCombiner:
        return ind.spec.raters or self.spec.combine

    def frames(self, layout: Layout) -> np.ndarray:
        """Each rater row's frame in `layout` (the combined evidence's)."""
        key = {(str(layout.unit_ids[u]), str(p)): f
               for f, (u, p) in enumerate(zip(layout.frame_unit.tolist(), layout.frame_period.tolist()))}
        return np.array([key[(str(u), str(p))] for u, p in zip(self.unit.tolist(), self.period.tolist())],
                        dtype=np.int64)

    def rows_layout(self, layout: Layout, frame: np.ndarray) -> Layout:
        """The rater rows as a layout of their own (one frame each): a rated field as the rater gave
        it, any other field as the unit's frame holds it (the agreed fact, a member roll-up)."""
        n = frame.shape[0]
        columns = {f: (self.columns[f] if f in self.rated else layout.columns[f][frame]) for f in layout.columns}
        missing = {f: (self.missing[f] if f in self.rated else layout.missing[f][frame]) for f in layout.columns}
        every = np.arange(n, dtype=np.int64)
        return Layout(unit_ids=every.astype(str), frame_unit=every, frame_period=np.full(n, "", dtype=str),
                      starts=every, last=every, columns=columns, missing=missing, members=None)

    def run(self, ind: CompiledIndicator, layout: Layout, rows: np.ndarray | None) -> tuple[RawItem, RaterFigures]:
        """`ind` scored by each rater and combined per frame, over `rows` (None: all frames), as
        `run_method` would give it; frames without a panel are scored as they are."""
        plain = run_method(ind, layout, rows)
        frame = self.frames(layout)
        item = run_method(ind, self.rows_layout(layout, frame), None)
        points = clipped(item.raw, ind.points, item.not_applicable)  # the core's clip, as every item gets
        points[item.not_applicable] = np.nan
        target = np.arange(layout.n_frames) if rows is None else rows
        position = np.full(layout.n_frames, -1, dtype=np.int64)
        position[target] = np.arange(target.shape[0])
        on = position[frame] >= 0
        how, trim_from = self.how(ind), self.spec.trim_from
        out_raw, out_na = plain.raw.copy(), plain.not_applicable.copy()
        dropped = np.zeros(frame.shape[0], dtype=bool)
        combined: dict[int, float] = {}
        spread: dict[int, float] = {}
        by_frame: dict[int, list[int]] = {}
        # By frame, then by rater's name: which of two equal figures trimmed_mean drops, and the order
        # raters are listed in, never depend on the order of the evidence rows.
        keep = np.flatnonzero(on)
        keep = keep[np.lexsort((self.rater[keep], frame[keep]))]
        for r in keep.tolist():
            by_frame.setdefault(int(frame[r]), []).append(r)
        for f, members in by_frame.items():
            scored = [r for r in members if not np.isnan(points[r])]
            value, out = combine([float(points[r]) for r in scored], how, trim_from)
            for k in out:
                dropped[scored[k]] = True
            combined[f] = value
            spread[f] = _spread([float(points[r]) for r in scored])
            out_raw[position[f]] = 0.0 if np.isnan(value) else value
            out_na[position[f]] = not scored
        figures = RaterFigures(how, frame[keep], self.rater[keep], points[keep], dropped[keep], combined, spread)
        return replace(plain, raw=out_raw, not_applicable=out_na), figures


def prepare(rubric: Rubric, evidence: Evidence) -> tuple[Evidence, Panel | None]:
    """The evidence with one row per unit and period (its panel's rows combined), and the panel's rows.

    Evidence without named raters is returned as it is.
    """
    model = rubric.model
    if model.raters is None or evidence.raters is None or not (evidence.raters != "").any():
        return evidence, None
    parents = evidence.parents
    own = np.ones(evidence.rows, dtype=bool) if parents is None else parents == ""
    rated_rows = np.flatnonzero(own & (evidence.raters != ""))
    periods = evidence.periods if evidence.periods is not None else np.full(evidence.rows, "", dtype=str)
    groups: dict[tuple[str, str], list[int]] = {}
    for i in rated_rows.tolist():
        groups.setdefault((str(evidence.unit_ids[i]), str(periods[i])), []).append(i)
    rated = frozenset(f for f, spec in model.fields.items() if spec.rated)
    first = np.array([rows[0] for rows in groups.values()], dtype=np.int64)
    keep = np.sort(np.r_[np.setdiff1d(np.arange(evidence.rows), rated_rows), first]).astype(np.int64)
    columns = {f: v[keep].copy() for f, v in evidence.columns.items()}
    missing = {f: m[keep].copy() for f, m in evidence.missing.items()}
    where = {int(r): k for k, r in enumerate(keep.tolist())}
    for rows in groups.values():
        k = where[rows[0]]
        for f in model.fields:
            given = [i for i in rows if not evidence.missing[f][i] and not blank(evidence.columns[f][i])]
            if f in rated:
                value, _ = combine([float(evidence.columns[f][i]) for i in given], model.raters.combine,
                                   model.raters.trim_from)
                columns[f][k], missing[f][k] = (value, False) if given else (np.nan, bool(evidence.missing[f][rows[0]]))
            elif given:  # a fact: the raters agreed (panel_rows), so any one who gave it
                columns[f][k], missing[f][k] = evidence.columns[f][given[0]], False
    panel = Panel(model.raters, evidence.unit_ids[rated_rows], periods[rated_rows], evidence.raters[rated_rows],
                  {f: evidence.columns[f][rated_rows] for f in rated},
                  {f: evidence.missing[f][rated_rows] for f in rated}, rated)
    # The kept rows of every per-row array (stages included), then the combined figures.
    combined = replace(take_rows(evidence, keep), columns=columns, missing=missing)
    return combined, panel


def figures_of(rubric: Rubric, items: Sequence[Any]) -> list[RaterFigures | None]:
    """Each item's rater figures (None where no panel scored it). Items computed on demand
    (`ScoredItems`) are computed only where a panel scored them; an item without one is not read."""
    panel: Panel | None = getattr(items, "panel", None)
    if hasattr(items, "panel"):
        if panel is None:
            return [None] * len(rubric.indicators)
        return [items[j].raters if panel.scores(ind) else None for j, ind in enumerate(rubric.indicators)]
    return [getattr(col, "raters", None) for col in items]


def has_panel(items: Sequence[Any]) -> bool:
    """Whether a panel scored any item (without computing the items, where they are computed on demand)."""
    if hasattr(items, "panel"):
        return getattr(items, "panel") is not None
    return any(getattr(col, "raters", None) is not None for col in items)


def spread_warnings(rubric: Rubric, layout: Layout, figures: Sequence[RaterFigures | None]) -> list[Notice]:
    """A warning for each unit, period and item whose raters' points differ by more than `[raters] spread`."""
    spec = rubric.model.raters
    if spec is None or spec.spread is None:
        return []
    out: list[Notice] = []
    for ind, fig in zip(rubric.indicators, figures):
        if fig is None:
            continue
        for f, s in sorted(fig.spread.items()):
            if s > spec.spread:
                unit = str(layout.unit_ids[layout.frame_unit[f]])
                period = str(layout.frame_period[f])
                when = f" in {period}" if period else ""
                out.append(Notice(f"unit {unit}: the raters of {ind.id!r}{when} differ by {s:g} points "
                                  f"(more than the spread {spec.spread:g} the rubric allows)", "rater_spread",
                                  unit=unit, field=ind.id))
    return out


SPREAD_TABLE = {
    "zh": ("评分分歧（极差超过 {spread} 分）", ["编号", "指标", "期间", "各评分人得分", "合并", "极差"], "（去掉）"),
    "en": ("Raters who disagree (spread above {spread})", ["ID", "Item", "Period", "Raters", "Combined", "Spread"],
           " (dropped)"),
}


def spread_tables(result: Any, language: str) -> list[dict[str, Any]]:
    """A report's extra table of every unit, item and period whose raters differ by more than
    `[raters] spread` (what the `rater_spread` warnings name), with each rater's points: the reports show
    where a panel disagreed; the whole panel is in the JSON and `scoring explain`."""
    spec = result.rubric.model.raters
    if spec is None or spec.spread is None:
        return []
    title, headers, dropped_word = SPREAD_TABLE.get(language, SPREAD_TABLE["en"])
    if not has_panel(result.items):
        return []
    layout, places = result.layout, result.detail_precision
    figures = figures_of(result.rubric, result.items)
    rows: list[list[Any]] = []
    for i in result.order().tolist():
        for ind, fig in zip(result.rubric.indicators, figures):
            if fig is None:
                continue
            for f in range(int(layout.starts[i]), int(layout.last[i]) + 1):
                if fig.spread.get(f, 0.0) <= spec.spread:
                    continue
                lo, hi = int(np.searchsorted(fig.frame, f, "left")), int(np.searchsorted(fig.frame, f, "right"))
                given = raters_text(((str(fig.rater[r]), _figure(float(fig.points[r]), places), bool(fig.dropped[r]))
                                     for r in range(lo, hi)), "，" if language == "zh" else ", ", dropped_word)
                rows.append([str(layout.unit_ids[i]), ind.spec.title or ind.id, str(layout.frame_period[f]), given,
                             _figure(fig.combined[f], places), _figure(fig.spread[f], places)])
    if not rows:
        return []
    return [{"title": title.format(spread=f"{spec.spread:g}"), "headers": headers, "rows": rows}]


def raters_text(given: Iterable[tuple[str, float | None, bool]], sep: str, dropped_word: str, na: str = "—") -> str:
    """Each rater's points on one line, as every report and `scoring explain` show them: `甲 8，乙 9（去掉）`.
    `given` holds (rater, rounded points or None where the item did not apply, dropped by trimmed_mean)."""
    return sep.join(f"{name} {na if pts is None else f'{pts:g}'}" + (dropped_word if dropped else "")
                    for name, pts, dropped in given)


def _figure(x: float, places: int) -> float | None:
    from .rounding import round_scalar

    return None if x != x else round_scalar(x, places)


def unit_panel(rubric: Rubric, layout: Layout, figures: Sequence[RaterFigures | None], i: int,
               places: int) -> dict[str, Any] | None:
    """Unit `i`'s panels for the JSON result: per item and period, each rater's points and the combined figure."""
    from .rounding import round_scalar

    def num(x: float) -> float | None:
        return None if x != x else round_scalar(float(x), places)

    lo = int(layout.starts[i])
    hi = int(layout.last[i]) + 1
    items: dict[str, list[dict[str, Any]]] = {}
    raters: dict[str, None] = {}
    for ind, fig in zip(rubric.indicators, figures):
        if fig is None:
            continue
        entries = []
        for f in range(lo, hi):
            if f not in fig.combined:
                continue
            rows = list(range(int(np.searchsorted(fig.frame, f, "left")), int(np.searchsorted(fig.frame, f, "right"))))
            given = {str(fig.rater[r]): num(float(fig.points[r])) for r in rows}
            raters.update(dict.fromkeys(given))
            entries.append({
                "period": str(layout.frame_period[f]) or None,
                "raters": given,
                "dropped": [str(fig.rater[r]) for r in rows if fig.dropped[r]],
                "combined": num(fig.combined[f]),
                "spread": num(fig.spread[f]),
            })
        if entries:
            items[ind.id] = entries
    if not items:
        return None
    combines = {ind.id: fig.combine for ind, fig in zip(rubric.indicators, figures) if fig is not None}
    return {"raters": sorted(raters), "combine": {k: combines[k] for k in items}, "indicators": items}


def panel_lines(doc: dict[str, Any], w: Callable[..., str]) -> list[str]:
    """`scoring explain`'s lines for a unit's panel (the dict `unit_panel` gives), in the words `w` gives
    (scoring.explain.Words)."""
    lines = [w("ex_panel_raters", raters=w("ex_sep").join(doc["raters"]))]
    for ind_id, entries in doc["indicators"].items():
        how = doc["combine"][ind_id]
        for e in entries:
            given = raters_text(((r, p, r in e["dropped"]) for r, p in e["raters"].items()), w("ex_sep"),
                                w("ex_panel_dropped"), w("ex_panel_na"))
            note = w("ex_panel_too_few") if how == "trimmed_mean" and not e["dropped"] else ""
            lines.append(w("ex_panel_item", item=ind_id, period=f" ({e['period']})" if e["period"] else "",
                           given=given, how=how, note=note, combined=_shown(e["combined"], w),
                           spread=_shown(e["spread"], w)))
    return lines


def _shown(x: float | None, w: Callable[..., str]) -> str:
    return w("ex_panel_na") if x is None else f"{x:g}"
