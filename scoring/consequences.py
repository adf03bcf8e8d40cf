"""Rewards and penalties: consequence rules decided over whole columns.

Order of a decision, per consequence (blockers first):
1. eligible: `when` holds (a condition reading a missing value does not);
2. blocked: by a veto or by a granted consequence that names it in `blocks`;
3. quota: at most `count` (or `share`) units, best overall rank first, within
   each `within` group; at a tie on the cut, `exclude` grants none of the tied
   units and `include` grants all of them;
4. amount: fixed, an expression, a table by grade, or a share of a pool paid in
   whole currency units that add up exactly to the pool (largest remainder);
5. stacking: consequences naming the same `achievement` count once per unit,
   the one with the higher amount kept (the first in file order on a tie).

Each (unit, consequence) keeps a status and a detail, so `scoring explain` can
say why a unit did or did not get something: "rank 19, quota 18", "blocked by
veto major_accident".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from .aggregate import Totals
from .decide import Decisions, build_env, holds
from .errors import RubricError
from .expr import Expression
from .layout import Layout
from .model import ConsequenceSpec, GradeSpec, PoolSpec, QuotaSpec
from .plan import Rubric
from .rounding import round_half_up

GRANTED, NOT_ELIGIBLE, BLOCKED_BY_VETO, BLOCKED_BY_CONSEQUENCE, OUTSIDE_QUOTA, COUNTED_ONCE, OVERRULED = range(7)


@dataclass(frozen=True)
class PoolOutcome:
    total: float
    used: float
    units: int
    rule: str


@dataclass(frozen=True)
class Consequences:
    status: np.ndarray       # (n, m) int8, one of the constants above
    detail: np.ndarray       # (n, m) int: the blocking veto or consequence, or the one kept instead
    amounts: np.ndarray      # (n, m) float, 0 where not granted
    quota_size: np.ndarray   # (n, m) float: the quota of the unit's group, NaN without a quota
    quota_cut: np.ndarray    # (n, m) float: overall rank at the cut of the unit's group, NaN if nothing was cut
    pools: tuple[PoolOutcome | None, ...]
    persons: tuple[np.ndarray | None, ...]

    @property
    def granted(self) -> np.ndarray:
        out: np.ndarray = self.status == GRANTED
        return out


def quota_sizes(quota: QuotaSpec, population: np.ndarray) -> np.ndarray:
    """The quota of each group, from its number of assessed units."""
    if quota.count is not None:
        return np.full(population.shape, float(quota.count))
    share = float(quota.share or 0.0) * population
    if quota.rounding == "floor":
        return np.floor(round_half_up(share, 9))
    if quota.rounding == "ceil":
        return np.ceil(round_half_up(share, 9))
    return round_half_up(share, 0)


def apply_quota(
    allowed: np.ndarray, rank: np.ndarray, quota: QuotaSpec, groups: np.ndarray, assessable: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Units kept under the quota, and each unit's group quota and cut rank."""
    n = allowed.shape[0]
    codes, size_of = np.unique(groups, return_inverse=True)[1].reshape(-1), None
    population = np.bincount(codes, weights=assessable.astype(np.float64), minlength=int(codes.max(initial=-1)) + 1)
    size_of = quota_sizes(quota, population)
    size = size_of[codes] if n else np.zeros(0)
    cut = np.full(n, np.nan)
    idx = np.flatnonzero(allowed)
    if idx.size == 0:
        return allowed, size, cut
    g, r = codes[idx], rank[idx]
    order = np.lexsort((r, g))
    idx, g, r = idx[order], g[order], r[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    counts = np.diff(np.r_[starts, idx.size])
    limit = size_of[g[starts]].astype(np.int64)
    over = counts > limit
    # The overall rank of the last unit inside the quota, per over-full group.
    cut_group = np.where(over & (limit > 0), r[np.minimum(starts + np.maximum(limit - 1, 0), idx.size - 1)], -np.inf)
    cut_group = np.where(over, cut_group, np.inf)
    cut_each = np.repeat(cut_group, counts)
    keep = r <= cut_each
    if quota.ties == "exclude":
        inside = np.add.reduceat(keep.astype(np.int64), starts)
        strict = np.repeat(inside > limit, counts)
        keep = np.where(strict, r < cut_each, keep)
    out = np.zeros(n, dtype=bool)
    out[idx[keep]] = True
    cut_per_unit = np.full(int(codes.max(initial=-1)) + 1, np.nan)
    cut_per_unit[g[starts]] = np.where(over, cut_group, np.nan)
    cut = cut_per_unit[codes]
    return out, size, cut


def by_grade(table: Mapping[str, float], grades: Sequence[GradeSpec], grade: np.ndarray) -> np.ndarray:
    """Each unit's entry of a table keyed by grade name (0 for grades not listed, and for no grade)."""
    values = np.array([float(table.get(g.name, 0.0)) for g in grades] + [0.0])
    out: np.ndarray = values[grade]  # NO_GRADE (-1) picks the trailing 0
    return out


def pool_shares(pool: PoolSpec, granted: np.ndarray, score: np.ndarray, grades: Sequence[GradeSpec],
                grade: np.ndarray, rank: np.ndarray, unit_ids: np.ndarray) -> tuple[np.ndarray, PoolOutcome]:
    """Each granted unit's share of the pool, in whole `pool.unit`s adding up to the total."""
    if pool.by == "score":
        weights = np.where(granted, np.maximum(np.nan_to_num(score) - pool.above, 0.0), 0.0)
        rule = f"pro rata to score above {pool.above:g}"
    else:
        weights = np.where(granted, by_grade(pool.weights, grades, grade), 0.0)
        rule = "pro rata to grade weights " + ", ".join(f"{k} {v:g}" for k, v in pool.weights.items())
    # Whole units, counted exactly: total / unit as a decimal, not a float.
    steps = int((Decimal(repr(pool.total)) / Decimal(repr(pool.unit))).to_integral_value())
    places = max(-Decimal(repr(pool.unit)).normalize().as_tuple().exponent, 0)  # type: ignore[operator]
    rule += f"; paid in units of {pool.unit:g}, largest remainder so the shares add up to {pool.total:,.{places}f}"
    amounts = np.zeros(granted.shape[0])
    weight_sum = float(weights.sum())
    if weight_sum <= 0:
        return amounts, PoolOutcome(pool.total, 0.0, 0, rule + "; no unit had a positive weight, so nothing was paid")
    if not np.isfinite(weight_sum):
        raise RubricError(f"the pool's weights are too large to share ({rule})")
    exact = weights / weight_sum * steps
    base = np.floor(np.round(exact, 9))
    remainder = int(steps - base.sum())
    # Largest remainder first; ties (to 9 places, so float noise cannot decide
    # them) by better rank, then id, so row order never matters.
    fraction = np.round(exact - base, 9)
    order = np.lexsort((unit_ids, np.nan_to_num(rank, nan=np.inf), -fraction))
    eligible_order = order[weights[order] > 0]
    base[eligible_order[:remainder]] += 1
    amounts = round_half_up(base * pool.unit, places)
    return amounts, PoolOutcome(pool.total, float(round_half_up(np.array([amounts.sum()]), places)[0]),
                                int((base > 0).sum()), rule)


def _block_order(consequences: list[ConsequenceSpec]) -> list[int]:
    """Consequences ordered so that a blocker is decided before what it blocks."""
    index = {c.id: i for i, c in enumerate(consequences)}
    blockers: dict[int, set[int]] = {i: set() for i in range(len(consequences))}
    for i, c in enumerate(consequences):
        for target in c.blocks:
            blockers[index[target]].add(i)
    order: list[int] = []
    done: set[int] = set()
    while len(order) < len(consequences):
        ready = [i for i in range(len(consequences)) if i not in done and blockers[i] <= done]
        assert ready, "a cycle of blocks is refused when the rubric loads"
        order.extend(ready)
        done.update(ready)
    return order


def decide_consequences(
    rubric: Rubric, layout: Layout, totals: Totals, d: Decisions,
    previous: tuple[dict[str, np.ndarray], dict[str, np.ndarray]],
    force: tuple[np.ndarray, np.ndarray] | None = None,
) -> Consequences:
    """`force` is the committee's (grant, deny) masks, (n, m) each (see overrides.py)."""
    model = rubric.model
    cons = model.consequence
    n, m = layout.n_units, len(cons)
    precision = model.rubric.precision
    grade_names = np.array([g.name for g in model.grade] + [""], dtype=str)[d.grade]
    wanted: set[str] = set().union(*(e.names for e in rubric.consequence_when),
                                   *(a.names for a in rubric.consequence_amount if isinstance(a, Expression)))
    for spec in cons:
        for name in (spec.quota.within if spec.quota else None, spec.person_field):
            if name:
                wanted.add(name)
    prev_cols, prev_missing = previous
    env, missing = build_env(wanted, layout, totals, precision,
                             {"score": d.score, "vetoed": d.vetoed, "grade": grade_names, "rank": d.rank, **prev_cols})
    missing.update(prev_missing)
    missing["score"] = np.isnan(d.score)

    status = np.full((n, m), NOT_ELIGIBLE, dtype=np.int8)
    detail = np.full((n, m), -1, dtype=np.int64)
    amounts = np.zeros((n, m))
    quota_size = np.full((n, m), np.nan)
    quota_cut = np.full((n, m), np.nan)
    pools: list[PoolOutcome | None] = [None] * m
    persons: list[np.ndarray | None] = [None] * m
    granted = np.zeros((n, m), dtype=bool)
    for c in _block_order(list(cons)):
        spec = cons[c]  # noqa: PLW2901 - the loop above used `spec` for another purpose
        allowed = holds(rubric.consequence_when[c], env, missing, n) & totals.assessable
        for v, veto in enumerate(model.veto):
            if spec.id in veto.blocks:
                hit = allowed & d.vetoes[:, v]
                status[hit, c], detail[hit, c] = BLOCKED_BY_VETO, v
                allowed &= ~d.vetoes[:, v]
        for b, other in enumerate(cons):
            if spec.id in other.blocks:
                hit = allowed & granted[:, b]
                status[hit, c], detail[hit, c] = BLOCKED_BY_CONSEQUENCE, b
                allowed &= ~granted[:, b]
        if spec.quota is not None:
            groups = layout.final(spec.quota.within) if spec.quota.within else np.zeros(n, dtype=np.int64)
            ungrouped = np.zeros(n, dtype=bool)
            if spec.quota.within:
                # A unit without a group has no place in any group's quota.
                ungrouped = allowed & (layout.final_missing(spec.quota.within) | (groups == ""))
                allowed = allowed & ~ungrouped
            kept, quota_size[:, c], quota_cut[:, c] = apply_quota(allowed, d.overall_rank, spec.quota, groups,
                                                                  totals.assessable & ~ungrouped)
            status[allowed & ~kept, c] = OUTSIDE_QUOTA
            status[ungrouped, c] = OUTSIDE_QUOTA
            quota_size[ungrouped, c] = np.nan
            allowed = kept
        if force is not None:
            # After the rules and before the amounts, so a pool is shared among
            # the units the committee left holding it, and a blocker it grants
            # or denies blocks or frees what comes after it.
            status[allowed & force[1][:, c], c] = OVERRULED
            allowed = (allowed | force[0][:, c]) & ~force[1][:, c]
        status[allowed, c] = GRANTED
        granted[:, c] = allowed
        if spec.pool is not None:
            amounts[:, c], pools[c] = pool_shares(spec.pool, allowed, d.score, model.grade, d.grade, d.overall_rank,
                                                  layout.unit_ids)
        elif spec.amount is not None:
            amounts[:, c] = _amounts(rubric, c, env, missing, d.grade, allowed, layout)
        if spec.person_field:
            persons[c] = np.asarray(env[spec.person_field]).astype(str)
    _count_once(cons, status, detail, amounts)
    amounts[status != GRANTED] = 0.0
    return Consequences(status, detail, amounts, quota_size, quota_cut, tuple(pools), tuple(persons))


def _amounts(rubric: Rubric, c: int, env: dict[str, object], missing: dict[str, np.ndarray],
             grade: np.ndarray, allowed: np.ndarray, layout: Layout) -> np.ndarray:
    amount = rubric.consequence_amount[c]
    n = allowed.shape[0]
    if isinstance(amount, Expression):
        value = amount.evaluate_number(env, n)
        for name in amount.names:  # an amount reading a missing value pays nothing
            if name in missing:
                value[missing[name]] = 0.0
    elif isinstance(amount, dict):
        value = by_grade(amount, rubric.model.grade, grade)
    else:
        value = np.full(n, float(amount or 0.0))
    broken = np.flatnonzero(allowed & ~np.isfinite(value))
    if broken.size:
        raise RubricError(
            f"the amount of consequence {rubric.model.consequence[c].id!r} is not a finite number for "
            f"{broken.size} unit(s), first {layout.unit_ids[broken[0]]} (a division by zero?); guard the expression",
            key=f"consequence[{c}].amount", path=str(rubric.path) if rubric.path else None,
        )
    # Money is paid in fen/cents: half-up to 2 places, never negative.
    return np.where(allowed, np.maximum(round_half_up(value, 2), 0.0), 0.0)


def _count_once(cons: tuple[ConsequenceSpec, ...] | list[ConsequenceSpec], status: np.ndarray,
                detail: np.ndarray, amounts: np.ndarray) -> None:
    """The same achievement rewarded twice counts once, at the higher amount."""
    labels: dict[str, list[int]] = {}
    for c, spec in enumerate(cons):
        if spec.achievement:
            labels.setdefault(spec.achievement, []).append(c)
    for members in labels.values():
        if len(members) < 2:
            continue
        cols = np.array(members)
        held = status[:, cols] == GRANTED
        ranked = np.where(held, amounts[:, cols], -np.inf)
        best = cols[np.argmax(ranked, axis=1)]  # argmax takes the first on a tie: file order
        for c in members:
            lose = held[:, members.index(c)] & (best != c)
            status[lose, c], detail[lose, c] = COUNTED_ONCE, best[lose]
