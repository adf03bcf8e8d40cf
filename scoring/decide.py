"""Decisions on the totals: vetoes, rounding, grades, ranks and consequences.

Grades and ranks compare the *rounded* total, as people read it: a unit shown
as 90.0 is graded as 90.0, whatever float the sum came out as.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .aggregate import Totals
from .layout import Layout
from .model import QuotaSpec
from .errors import RubricError
from .expr import Expression
from .plan import Rubric
from .rounding import round_half_up

NO_GRADE = -1


@dataclass(frozen=True)
class Decisions:
    vetoes: np.ndarray          # (n_units, n_vetoes) bool
    vetoed: np.ndarray
    score: np.ndarray           # rounded, NaN where not assessable
    grade: np.ndarray           # index into rubric grades, NO_GRADE where not assessable
    grade_failed_require: np.ndarray  # (n_units, n_grades) bool: band reached on score but require failed
    rank: np.ndarray            # float, NaN where not assessable
    tie_keys: dict[str, np.ndarray]
    consequences: np.ndarray    # (n_units, n_consequences) bool
    eligible: np.ndarray        # (n_units, n_consequences) bool: `when` held
    blocked_by: np.ndarray      # (n_units, n_consequences) int: index of the blocking consequence or -1
    quota_cut: list[tuple[int, float] | None]  # per consequence: (quota, rank at the cut)
    amounts: np.ndarray         # (n_units, n_consequences) float, 0 where not granted


def holds(expr: Expression, env: Mapping[str, object], missing: Mapping[str, np.ndarray], n: int) -> np.ndarray:
    """Where `expr` holds; a condition that reads a missing (not applicable) value does not.

    Without this, `injuries != 0` would hold for a blank cell (NaN != 0) and a
    blank yes/no cell would read as "no".
    """
    out = expr.evaluate_bool(env, n)
    for name in expr.names:
        if name in missing:
            out &= ~missing[name]
    return out


def veto_flags(rubric: Rubric, layout: Layout) -> np.ndarray:
    """A veto holds for a unit if its condition holds in any period."""
    flags = np.zeros((layout.n_units, len(rubric.vetoes)), dtype=bool)
    for j, expr in enumerate(rubric.vetoes):
        per_frame = holds(expr, layout.columns, layout.missing, layout.n_frames)
        flags[:, j] = np.logical_or.reduceat(per_frame, layout.starts) if layout.n_frames else per_frame
    return flags


def rank_units(
    score: np.ndarray, keys: list[np.ndarray], vetoed: np.ndarray | None, groups: np.ndarray | None, dense: bool
) -> np.ndarray:
    """Competition ("min": 1,2,2,4) or dense (1,2,2,3) ranks; NaN scores get NaN.

    Higher is better on every key; vetoed units (when given) rank after all
    others. Ties are units equal on the score and every tie-break key.
    """
    n = score.shape[0]
    ranked = ~np.isnan(score)
    sort_keys: list[np.ndarray] = [-np.nan_to_num(k, nan=-np.inf) for k in reversed(keys)]
    sort_keys.append(-np.nan_to_num(score, nan=-np.inf))
    if vetoed is not None:
        sort_keys.append(vetoed.astype(np.int8))
    sort_keys.append((~ranked).astype(np.int8))
    group_codes = np.zeros(n, dtype=np.int64) if groups is None else np.unique(groups, return_inverse=True)[1].reshape(-1)
    sort_keys.append(group_codes)
    order = np.lexsort(sort_keys)
    stacked = np.stack([k[order] for k in sort_keys]) if n else np.zeros((len(sort_keys), 0))
    new_run = np.ones(n, dtype=bool)
    if n > 1:
        new_run[1:] = np.any(stacked[:, 1:] != stacked[:, :-1], axis=0)
    group_sorted = group_codes[order]
    new_group = np.ones(n, dtype=bool)
    if n > 1:
        new_group[1:] = group_sorted[1:] != group_sorted[:-1]
    position = np.arange(n)
    group_start = np.maximum.accumulate(np.where(new_group, position, 0)) if n else position
    if dense:
        runs = np.cumsum(new_run)
        rank_sorted = runs - runs[group_start] + 1
    else:
        run_start = np.maximum.accumulate(np.where(new_run, position, 0)) if n else position
        rank_sorted = run_start - group_start + 1
    rank = np.empty(n, dtype=np.float64)
    rank[order] = rank_sorted
    return np.where(ranked, rank, np.nan)


def quota_size(quota: QuotaSpec, population: int) -> int:
    if quota.count is not None:
        return quota.count
    share = float(quota.share or 0.0) * population
    if quota.rounding == "floor":
        return int(np.floor(round(share, 9)))
    if quota.rounding == "ceil":
        return int(np.ceil(round(share, 9)))
    return int(round_half_up(np.array([share]), 0)[0])


def apply_quota(eligible: np.ndarray, order_rank: np.ndarray, quota: QuotaSpec, population: int) -> tuple[np.ndarray, tuple[int, float] | None]:
    size = quota_size(quota, population)
    ranks = order_rank[eligible]
    if ranks.size <= size:
        return eligible, None
    if size == 0:
        return np.zeros_like(eligible), (0, float("nan"))
    cut = float(np.sort(ranks)[size - 1])
    within = eligible & (order_rank <= cut)
    if quota.ties == "exclude" and int(within.sum()) > size:
        within = eligible & (order_rank < cut)
    return within, (size, cut)


def decide(rubric: Rubric, layout: Layout, totals: Totals) -> Decisions:
    model = rubric.model
    n = layout.n_units
    precision = model.rubric.precision
    vetoes = veto_flags(rubric, layout)
    zero = np.zeros(n, dtype=bool)
    fail = np.zeros(n, dtype=bool)
    for j, veto in enumerate(model.veto):
        (zero if veto.effect == "zero" else fail)[:] |= vetoes[:, j]
    vetoed = zero | fail
    total = np.where(zero & totals.assessable, 0.0, totals.total)
    score = round_half_up(total, precision)

    # Only what the rubric's grade and consequence expressions read: copying
    # every field's final period would cost a column per field for nothing.
    wanted = set().union(*(e.names for e in rubric.requires if e is not None),
                         *(e.names for e in rubric.consequence_when),
                         *(a.names for a in rubric.consequence_amount if isinstance(a, Expression)))
    if model.rank.within:
        wanted.add(model.rank.within)
    env: dict[str, object] = {name: layout.final(name) for name in wanted if name in layout.columns}
    missing = {name: layout.final_missing(name) for name in wanted if name in layout.columns}
    env.update(score=score, vetoed=vetoed)
    results = {"bonus": totals.bonus, "base": totals.base, **totals.phase_scores, **totals.dimension_points}
    env.update({k: round_half_up(v, precision) for k, v in results.items() if k in wanted})

    lowest = len(model.grade) - 1
    grade = np.full(n, lowest, dtype=np.int64)
    failed = np.zeros((n, len(model.grade)), dtype=bool)
    # From the lowest band up, so the highest band a unit qualifies for wins.
    for g in range(lowest - 1, -1, -1):
        reached = score >= model.grade[g].min
        req = rubric.requires[g]
        ok = reached if req is None else reached & holds(req, env, missing, n)
        failed[:, g] = reached & ~ok
        grade = np.where(ok, g, grade)
    grade = np.where(fail | zero, lowest, grade)
    grade = np.where(totals.assessable, grade, NO_GRADE)

    tie_keys = {name: round_half_up(results[name], precision) for name in model.rank.tie_break}
    put_last = vetoed if model.rank.vetoed == "last" else None
    groups = layout.final(model.rank.within) if model.rank.within else None
    keys = list(tie_keys.values())
    rank = rank_units(score, keys, put_last, groups, model.rank.ties == "dense")
    overall = rank if groups is None else rank_units(score, keys, put_last, None, model.rank.ties == "dense")

    names = np.array([g.name for g in model.grade] + [""], dtype=str)
    env.update(grade=names[grade], rank=rank)
    m = len(model.consequence)
    eligible = np.zeros((n, m), dtype=bool)
    granted = np.zeros((n, m), dtype=bool)
    blocked_by = np.full((n, m), -1, dtype=np.int64)
    amounts = np.zeros((n, m))
    cuts: list[tuple[int, float] | None] = [None] * m
    population = int(totals.assessable.sum())
    for c in _block_order(rubric):
        cons = model.consequence[c]
        eligible[:, c] = holds(rubric.consequence_when[c], env, missing, n) & totals.assessable
        allowed = eligible[:, c].copy()
        for b, other in enumerate(model.consequence):
            if cons.id in other.blocks:
                hit = allowed & granted[:, b]
                blocked_by[hit, c] = b
                allowed &= ~granted[:, b]
        if cons.quota is not None:
            allowed, cuts[c] = apply_quota(allowed, overall, cons.quota, population)
        granted[:, c] = allowed
        amount = rubric.consequence_amount[c]
        if amount is not None:
            if isinstance(amount, Expression):
                value = amount.evaluate_number(env, n)
                for name in amount.names:  # an amount reading a missing value pays nothing
                    if name in missing:
                        value[missing[name]] = 0.0
            else:
                value = np.full(n, float(amount))
            broken = np.flatnonzero(allowed & ~np.isfinite(value))
            if broken.size:
                raise RubricError(
                    f"the amount of consequence {cons.id!r} is not a finite number for {broken.size} unit(s), "
                    f"first {layout.unit_ids[broken[0]]} (a division by zero?); guard the expression",
                    key=f"consequence[{c}].amount", path=str(rubric.path) if rubric.path else None,
                )
            # Money is paid in fen/cents: half-up to 2 places, never negative.
            amounts[:, c] = np.where(allowed, np.maximum(round_half_up(value, 2), 0.0), 0.0)
    return Decisions(
        vetoes=vetoes, vetoed=vetoed, score=np.where(totals.assessable, score, np.nan), grade=grade,
        grade_failed_require=failed, rank=rank, tie_keys=tie_keys, consequences=granted,
        eligible=eligible, blocked_by=blocked_by, quota_cut=cuts, amounts=amounts,
    )


def _block_order(rubric: Rubric) -> list[int]:
    """Consequences ordered so that a blocker is decided before what it blocks."""
    cons = rubric.model.consequence
    index = {c.id: i for i, c in enumerate(cons)}
    blockers: dict[int, set[int]] = {i: set() for i in range(len(cons))}
    for i, c in enumerate(cons):
        for target in c.blocks:
            blockers[index[target]].add(i)
    order: list[int] = []
    done: set[int] = set()
    while len(order) < len(cons):
        ready = [i for i in range(len(cons)) if i not in done and blockers[i] <= done]
        assert ready, "a cycle of blocks is refused when the rubric loads"
        order.extend(ready)
        done.update(ready)
    return order
