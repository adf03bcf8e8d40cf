"""Rank stability: re-score under weights perturbed within a spread.

Each draw multiplies every base dimension's points (or, at `level =
"indicator"`, every indicator's) by a factor drawn uniformly from
[1 − spread, 1 + spread], then rescales the draw so the points still add up:
dimensions to their phase's total, indicators to their dimension's. Bonus
dimensions, vetoes, bands, quotas and phase weights stay as the rubric says.

Methods are not run again: a unit keeps its earned share of every item (a
deduction that cost half of an item costs half of the reweighted item), so a
draw only rescales earned and applicable points, as composite-indicator
sensitivity analysis does (COINr, OECD/JRC handbook). Everything after the
item points is the engine's own code, over all draws at once: each (draw,
unit) is one virtual unit of a stacked layout, and ranks and quotas are kept
apart per draw by grouping on the draw (the rubric's `within` groups are
split by draw). So at zero spread every draw *is* the scoring job: same
grades, ranks and quota places, tau 1.

Besides the random draws, each perturbed item is also moved alone by
+spread and −spread (the others rescaled): the mean rank shift this causes
ranks the items by influence.
"""

from __future__ import annotations

import dataclasses
import math
from decimal import Decimal
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ..aggregate import Totals, combine_dimensions
from ..aggregate import _Sum as ColumnSum  # the compensated column sum `aggregate` adds items with
from ..consequences import COUNTED_ONCE, GRANTED, decide_consequences
from ..decide import NO_GRADE, decide
from ..errors import UsageError
from ..expr import Expression
from ..layout import Layout
from ..model import RubricModel
from ..plan import Rubric
from ..history import history_columns
from ..panel_rows import stage_names
from ..previous import Previous, previous_columns
from ..stages import stage_columns
from .kendall import kendall_tau_b

if TYPE_CHECKING:
    from ..result import Result

Columns = dict[str, np.ndarray]
Level = Literal["dimension", "indicator"]
# Frame cells (frames x columns read) per chunk of draws: bounds memory at any size.
CHUNK_CELLS = 4_000_000
DRAW_RANK = "_draw_rank"       # names a rubric cannot use (a leading _ is refused)
DRAW_QUOTA = "_draw_quota_{}"


@dataclass(frozen=True)
class Influence:
    """One perturbed item moved alone by ±spread."""

    item: str
    title: str
    points: float
    rank_shift_up: float     # mean |Δrank| over ranked units, weight × (1 + spread)
    rank_shift_down: float   # ... weight × (1 − spread)
    grade_changes_up: int
    grade_changes_down: int
    tau_up: float
    tau_down: float

    @property
    def rank_shift(self) -> float:
        return max(self.rank_shift_up, self.rank_shift_down)


@dataclass(frozen=True)
class Sensitivity:
    """How stable each unit's grade, rank and quota places are under perturbed weights."""

    level: Level
    spread: float
    draws: int
    seed: int
    unit_ids: np.ndarray
    score: np.ndarray
    grade: np.ndarray            # base grade index (NO_GRADE: not assessed)
    rank: np.ndarray             # base rank (the rubric's, within its groups)
    keep_grade: np.ndarray       # share of draws with the base grade
    rank_min: np.ndarray
    rank_max: np.ndarray
    quotas: tuple[str, ...]
    base_inside: np.ndarray      # (n, quotas) bool
    keep_quota: np.ndarray       # (n, quotas) share of draws with the same place (in or out)
    tau: np.ndarray              # (draws,) Kendall's tau-b, base ranking vs each draw
    influence: tuple[Influence, ...]
    grade_names: tuple[str, ...]

    def columns(self) -> Columns:
        """One row per unit."""
        names = np.array(list(self.grade_names) + [None], dtype=object)
        out: Columns = {"unit": self.unit_ids, "score": self.score, "grade": names[self.grade], "rank": self.rank,
                        "keep_grade": self.keep_grade, "rank_min": self.rank_min, "rank_max": self.rank_max}
        for q, cid in enumerate(self.quotas):
            out[f"{cid}_inside"] = self.base_inside[:, q]
            out[f"{cid}_keep"] = self.keep_quota[:, q]
        return out

    def influence_columns(self) -> Columns:
        fields = [f.name for f in dataclasses.fields(Influence)]
        return {name: np.array([getattr(x, name) for x in self.influence]) for name in fields}

    def tau_summary(self) -> dict[str, float | None]:
        tau = self.tau[~np.isnan(self.tau)]
        if tau.size == 0:
            return {"mean": None, "min": None, "p05": None, "median": None}
        return {"mean": _r(float(tau.mean())), "min": _r(float(tau.min())),
                "p05": _r(float(np.quantile(tau, 0.05))), "median": _r(float(np.median(tau)))}

    def to_dict(self) -> dict[str, Any]:
        units = []
        for i in np.lexsort((self.unit_ids, np.nan_to_num(self.rank, nan=np.inf))).tolist():
            g = int(self.grade[i])
            units.append({
                "id": str(self.unit_ids[i]), "score": None if math.isnan(self.score[i]) else float(self.score[i]),
                "grade": self.grade_names[g] if g != NO_GRADE else None,
                "rank": None if math.isnan(self.rank[i]) else int(self.rank[i]),
                "keep_grade": _r(float(self.keep_grade[i])),
                "rank_range": None if math.isnan(self.rank_min[i]) else [int(self.rank_min[i]), int(self.rank_max[i])],
                "quotas": {cid: {"inside": bool(self.base_inside[i, q]), "keep": _r(float(self.keep_quota[i, q]))}
                           for q, cid in enumerate(self.quotas)},
            })
        return {
            "level": self.level, "spread": self.spread, "draws": self.draws, "seed": self.seed,
            "tau": self.tau_summary(),
            "influence": [{**vars(x), "rank_shift_up": _r(x.rank_shift_up), "rank_shift_down": _r(x.rank_shift_down),
                           "tau_up": _r(x.tau_up), "tau_down": _r(x.tau_down)} for x in self.influence],
            "units": units,
        }

    def to_text(self) -> str:
        tau = self.tau_summary()
        lines = [f"{self.draws} draws, {self.level} points × U[{1 - self.spread:g}, {1 + self.spread:g}] rescaled "
                 f"to add up, seed {self.seed}",
                 "Kendall's tau-b, base ranking vs the draws: " + ", ".join(f"{k} {v}" for k, v in tau.items()),
                 "", f"most influential {self.level}s (moved alone by ±{self.spread:.0%}; mean rank shift, "
                 "units changing grade):"]
        for x in self.influence:
            lines.append(f"  {x.item:<24} {x.points:>6g} pts  +: {x.rank_shift_up:5.2f} ranks, {x.grade_changes_up} "
                         f"grade(s)   −: {x.rank_shift_down:5.2f} ranks, {x.grade_changes_down} grade(s)")
        head = f"  {'unit':<12} {'score':>6} {'grade':<8} {'rank':>5} {'range':>9} {'keep grade':>10}"
        head += "".join(f" {cid[:14]:>14}" for cid in self.quotas)
        lines += ["", "units (keep = share of draws with the base grade / the same quota place, in or out):", head]
        order = np.lexsort((self.unit_ids, np.nan_to_num(self.rank, nan=np.inf))).tolist()
        for i in order:
            g = int(self.grade[i])
            if g == NO_GRADE:
                lines.append(f"  {self.unit_ids[i]!s:<12} not assessed")
                continue
            rng = f"{int(self.rank_min[i])}–{int(self.rank_max[i])}"
            row = (f"  {self.unit_ids[i]!s:<12} {self.score[i]:>6g} {self.grade_names[g]:<8} {int(self.rank[i]):>5} "
                   f"{rng:>9} {self.keep_grade[i]:>10.1%}")
            row += "".join(f" {('in ' if self.base_inside[i, q] else 'out ') + format(self.keep_quota[i, q], '.0%'):>14}"
                           for q in range(len(self.quotas)))
            lines.append(row)
        return "\n".join(lines) + "\n"


def _r(x: float) -> float | None:
    return None if math.isnan(x) else round(x, 4)


def parse_spread(text: str) -> float:
    """'10%' or '0.1' -> 0.1; a spread must be in [0, 1)."""
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise UsageError(f"--spread {text!r}: give a share such as 10% or 0.1") from None
    if not 0 <= value < 1 or math.isnan(value):
        raise UsageError(f"--spread {text!r}: must be at least 0 and below 100%, so no weight reaches zero")
    return value


@dataclass(frozen=True)
class _Plan:
    """What a draw perturbs: items, their points, and the group whose total each keeps."""

    ids: list[str]
    titles: list[str]
    points: np.ndarray
    group: np.ndarray           # item -> code of the total it keeps (phase or dimension)
    of_indicator: np.ndarray    # indicator -> item index, -1 for bonus items (never perturbed)


def _plan(rubric: Rubric, level: Level) -> _Plan:
    model = rubric.model
    base = [d for d in model.dimension if d.kind == "base"]
    if level == "dimension":
        ids, titles = [d.id for d in base], [d.title for d in base]
        points = np.array([d.points for d in base])
        keys = [d.phase or "" for d in base]
        index = {d.id: k for k, d in enumerate(base)}
        of_ind = np.array([index.get(i.dimension.id, -1) for i in rubric.indicators])
    else:
        inds = [i for i in rubric.indicators if i.dimension.kind == "base"]
        ids, titles = [i.id for i in inds], [i.spec.title for i in inds]
        points = np.array([i.points for i in inds])
        keys = [i.dimension.id for i in inds]
        index = {i.id: k for k, i in enumerate(inds)}
        of_ind = np.array([index.get(i.id, -1) for i in rubric.indicators])
    group = np.unique(np.array(keys), return_inverse=True)[1].reshape(-1)
    return _Plan(ids, titles, points, group, of_ind)


def _multipliers(plan: _Plan, factors: np.ndarray) -> np.ndarray:
    """Per draw, each item's factor after rescaling its group back to the group's total."""
    weights = plan.points * factors
    k = int(plan.group.max(initial=-1)) + 1
    t = factors.shape[0]
    flat = (np.arange(t)[:, None] * k + plan.group[None, :]).reshape(-1)
    drawn = np.bincount(flat, weights=weights.reshape(-1), minlength=t * k).reshape(t, k)
    total = np.bincount(plan.group, weights=plan.points, minlength=k)
    out: np.ndarray = factors * (total[None, :] / drawn)[:, plan.group]
    return out


def _stacked_model(model: RubricModel) -> RubricModel:
    """The rubric with ranks and quotas grouped by draw (and by their own `within`)."""
    rank = model.rank.model_copy(update={"within": DRAW_RANK})
    cons = [c.model_copy(update={"quota": c.quota.model_copy(update={"within": DRAW_QUOTA.format(j)})})
            if c.quota is not None else c for j, c in enumerate(model.consequence)]
    return model.model_copy(update={"rank": rank, "consequence": cons})


def _draw_groups(layout: Layout, within: str | None, t: int) -> tuple[np.ndarray, np.ndarray]:
    """Per stacked frame, an integer code of (draw, own group), and where the own group is missing.

    Integers, not text: ranking groups them with np.unique, which is several
    times faster on integers. A blank group keeps its own code (ranks treat it
    as a group, as the scoring job does) and is marked missing (quotas give it
    no place, as the scoring job does).
    """
    f = layout.n_frames
    draw = np.repeat(np.arange(t, dtype=np.int64), f)
    if within is None:
        return draw, np.zeros(t * f, dtype=bool)
    values, missing = layout.columns[within], layout.missing[within]
    codes = np.unique(values, return_inverse=True)[1].reshape(-1).astype(np.int64)
    blank = missing | (values == "") if values.dtype.kind in "UO" else missing
    k = int(codes.max(initial=-1)) + 1
    return draw * max(k, 1) + np.tile(codes, t), np.tile(blank, t)


def _expression_names(value: object, depth: int = 3) -> set[str]:
    """Names read by every Expression in `value` (tuples, dicts, dataclass-like objects, a few levels down)."""
    if isinstance(value, Expression):
        return set(value.names)
    if depth == 0 or isinstance(value, (str, bytes, int, float, np.ndarray)) or value is None:
        return set()
    if isinstance(value, (tuple, list)):
        items: list[object] = list(value)
    elif isinstance(value, dict):
        items = list(value.values())
    elif hasattr(value, "__dict__"):
        items = list(vars(value).values())
    else:
        return set()
    return set().union(*(_expression_names(v, depth - 1) for v in items)) if items else set()


def _needed_fields(rubric: Rubric) -> set[str]:
    """Fields the decisions read: vetoes, requires, consequences (conditions, amounts), groups, persons.

    Every expression the rubric compiled outside its indicators counts, wherever
    it is kept (an amount's expression sits inside its payout), so a field an
    amount reads is never missing from the stacked table.
    """
    names: set[str] = set()
    for f in dataclasses.fields(rubric):
        if f.name not in ("model", "indicators"):
            names |= _expression_names(getattr(rubric, f.name))
    m = rubric.model
    names |= {x for x in (m.rank.within, *(c.quota.within for c in m.consequence if c.quota),
                          *(c.person_field for c in m.consequence)) if x}
    return names & set(m.fields)


def _stacked_layout(layout: Layout, rubric: Rubric, t: int) -> Layout:
    n, f = layout.n_units, layout.n_frames
    columns = {name: np.tile(layout.columns[name], t) for name in _needed_fields(rubric)}
    missing = {name: np.tile(layout.missing[name], t) for name in columns}
    model = rubric.model
    columns[DRAW_RANK], missing[DRAW_RANK] = _draw_groups(layout, model.rank.within, t)
    for j, c in enumerate(model.consequence):
        if c.quota is not None:
            name = DRAW_QUOTA.format(j)
            columns[name], missing[name] = _draw_groups(layout, c.quota.within, t)
    unit_shift = np.repeat(np.arange(t, dtype=np.int64) * n, f)
    frame_shift = np.repeat(np.arange(t, dtype=np.int64) * f, n)
    return Layout(
        unit_ids=np.tile(layout.unit_ids, t), frame_unit=np.tile(layout.frame_unit, t) + unit_shift,
        frame_period=np.tile(layout.frame_period, t), starts=np.tile(layout.starts, t) + frame_shift,
        last=np.tile(layout.last, t) + frame_shift, columns=columns, missing=missing, members=None,
    )


def _stacked_totals(result: Result, mult: np.ndarray, of_indicator: np.ndarray) -> Totals:
    """Totals of every (draw, unit) with each indicator's points scaled by its draw's factor."""
    model, n, t = result.rubric.model, result.layout.n_units, mult.shape[0]
    sums = {d.id: ColumnSum(np.zeros((t, n))) for d in model.dimension}
    maxima = {d.id: ColumnSum(np.zeros((t, n))) for d in model.dimension}
    full_points = {d.id: Decimal(0) for d in model.dimension}
    ones = np.ones(t)
    # Indicator by indicator, in the rubric's order and with `aggregate`'s own
    # compensated sums: at factor 1.0 the totals are the scoring job's to the last bit.
    for k, (ind, col) in enumerate(zip(result.rubric.indicators, result.items)):
        factor = mult[:, of_indicator[k]] if of_indicator[k] >= 0 else ones
        sums[ind.dimension.id].add(np.multiply.outer(factor, col.points))
        maxima[ind.dimension.id].add(np.multiply.outer(factor, np.where(col.applicable, ind.points, 0.0)))
        # Perturbed points add up to the same phase and dimension totals, so the rubric's stand.
        full_points[ind.dimension.id] += Decimal(repr(ind.points))
    return combine_dimensions(model, {k: v.value().reshape(-1) for k, v in sums.items()},
                              {k: v.value().reshape(-1) for k, v in maxima.items()}, full_points, n * t)


@dataclass(frozen=True)
class _Outcome:
    grade: np.ndarray     # (t, n)
    rank: np.ndarray      # (t, n) the rubric's rank
    overall: np.ndarray   # (t, n) an order-preserving overall rank (comparable within a draw)
    inside: np.ndarray    # (t, n, quotas)


def _evaluate(result: Result, mult: np.ndarray, of_indicator: np.ndarray, previous: Previous | None,
              quota_cols: list[int]) -> _Outcome:
    rubric, layout = result.rubric, result.layout
    n, t = layout.n_units, mult.shape[0]
    stacked = dataclasses.replace(rubric, model=_stacked_model(rubric.model))
    lay = _stacked_layout(layout, rubric, t)
    totals = _stacked_totals(result, mult, of_indicator)
    d = decide(stacked, lay, totals)
    if result.looking_back is not None and previous is None:
        # The earlier years and the self-assessment the job was scored with: they do not move
        # with this year's weights, so every draw reads them as the run did.
        prev_cols, prev_missing = result.looking_back
    else:
        prev_cols, prev_missing = previous_columns(previous, layout.unit_ids)
        # No earlier years given: names reading them get what a run without --history gives.
        read = set().union(*(e.names for e in rubric.consequence_when),
                           *(p.names for p in rubric.payouts if p is not None))
        no_history = history_columns([], layout.unit_ids, rubric.model, read)
        prev_cols, prev_missing = {**prev_cols, **no_history[0]}, {**prev_missing, **no_history[1]}
        mine = stage_columns(result.stages, rubric.model.stages, n, stage_names(rubric.model))  # self.* (stages.py)
        prev_cols, prev_missing = {**prev_cols, **mine[0]}, {**prev_missing, **mine[1]}
    prev = ({k: np.tile(v, t) for k, v in prev_cols.items()}, {k: np.tile(v, t) for k, v in prev_missing.items()})
    cq = decide_consequences(stacked, lay, totals, d, prev)
    held = np.isin(cq.status[:, quota_cols], (GRANTED, COUNTED_ONCE)) if quota_cols else np.zeros((n * t, 0), bool)
    return _Outcome(d.grade.reshape(t, n), d.rank.reshape(t, n), d.overall_rank.reshape(t, n),
                    held.reshape(t, n, len(quota_cols)))


def sensitivity(result: Result, *, draws: int = 1000, spread: float = 0.1, seed: int = 0,
                level: Level = "dimension", previous: Previous | None = None) -> Sensitivity:
    """Grades, ranks and quota places of `result` under `draws` perturbations of its weights.

    `previous` is the last period's result the scoring job was given, if its
    consequences read `previous.*`.
    """
    if draws < 1:
        raise UsageError("--draws must be at least 1")
    if not 0 <= spread < 1:
        raise UsageError("the spread must be at least 0 and below 1 (100%)")
    if level not in ("dimension", "indicator"):
        raise UsageError(f"level {level!r}: use dimension or indicator")
    model, layout, d = result.rubric.model, result.layout, result.decisions
    n = layout.n_units
    plan = _plan(result.rubric, level)
    m = len(plan.ids)
    quota_cols = [j for j, c in enumerate(model.consequence) if c.quota is not None]
    base_inside = np.isin(result.consequences.status[:, quota_cols], (GRANTED, COUNTED_ONCE))
    ranked = ~np.isnan(d.rank)

    rng = np.random.default_rng(seed)
    factors = rng.uniform(1 - spread, 1 + spread, size=(draws, m)) if spread > 0 else np.ones((draws, m))
    cells = max(layout.n_frames * (len(_needed_fields(result.rubric)) + 2 + len(quota_cols)), n, 1)
    chunk = max(1, min(draws, CHUNK_CELLS // cells))

    keep_grade = np.zeros(n)
    keep_quota = np.zeros((n, len(quota_cols)))
    rank_min = np.where(ranked, np.inf, np.nan)
    rank_max = np.where(ranked, -np.inf, np.nan)
    tau = np.empty(draws)
    for lo in range(0, draws, chunk):  # a loop over chunks of draws, never over units
        out = _evaluate(result, _multipliers(plan, factors[lo:lo + chunk]), plan.of_indicator, previous, quota_cols)
        keep_grade += (out.grade == d.grade).sum(axis=0)
        keep_quota += (out.inside == base_inside[None, :, :]).sum(axis=0)
        rank_min = np.fmin(rank_min, out.rank.min(axis=0))
        rank_max = np.fmax(rank_max, out.rank.max(axis=0))
        tau[lo:lo + out.grade.shape[0]] = kendall_tau_b(d.overall_rank[ranked], out.overall[:, ranked])

    influence: list[Influence] = []
    if m:
        alone = np.ones((2 * m, m))
        alone[np.arange(m) * 2, np.arange(m)] = 1 + spread
        alone[np.arange(m) * 2 + 1, np.arange(m)] = 1 - spread
        out = _evaluate(result, _multipliers(plan, alone), plan.of_indicator, previous, quota_cols)
        shift = np.abs(out.rank[:, ranked] - d.rank[ranked]).mean(axis=1) if ranked.any() else np.zeros(2 * m)
        changes = (out.grade != d.grade).sum(axis=1)
        taus = kendall_tau_b(d.overall_rank[ranked], out.overall[:, ranked])
        for k in range(m):
            up, down = 2 * k, 2 * k + 1
            influence.append(Influence(plan.ids[k], plan.titles[k], float(plan.points[k]), float(shift[up]),
                                       float(shift[down]), int(changes[up]), int(changes[down]), float(taus[up]),
                                       float(taus[down])))
        influence.sort(key=lambda x: (-x.rank_shift, x.item))
    return Sensitivity(
        level=level, spread=spread, draws=draws, seed=seed, unit_ids=layout.unit_ids, score=d.score,
        grade=d.grade, rank=d.rank, keep_grade=np.where(ranked, keep_grade / draws, np.nan),
        rank_min=rank_min, rank_max=rank_max, quotas=tuple(model.consequence[j].id for j in quota_cols),
        base_inside=base_inside, keep_quota=keep_quota / draws, tau=tau, influence=tuple(influence),
        grade_names=tuple(g.name for g in model.grade),
    )
