"""Rewards and penalties: consequence rules decided over whole columns.

Order of a decision, per consequence (blockers first):
1. eligible: `when` holds (a condition reading a missing value does not);
2. blocked: by a veto or by a granted consequence that names it in `blocks`;
3. quota: at most `count` (or `share`) units, best overall rank first, within
   each `within` group; at a tie on the cut, `exclude` grants none of the tied
   units and `include` grants all of them;
4. amount: by the consequence's payout kind (a plugin: fixed, an expression, a
   table by grade, a share of a pool, rank bands, ...), paid half-up to the fen
   on the amount's decimal figure, never negative (docs/money.md);
5. stacking: consequences naming the same `achievement` count once per unit,
   the one with the higher amount kept (the first in file order on a tie).

Each (unit, consequence) keeps a status and a detail, so `scoring explain` can
say why a unit did or did not get something: "rank 19, quota 18", "blocked by
veto major_accident".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np

from .aggregate import Totals
from .decide import NO_GRADE, Decisions, build_env, holds
from .errors import PluginError, RubricError
from .layout import Layout
from .model import ConsequenceSpec, QuotaSpec
from .payouts import MAX_AMOUNT, MONEY_PLACES, Budget, CompiledPayout, Payout, PayoutInput
from .plan import Rubric
from .rounding import decimal_figure, exact_sum, figure_text, round_half_up, to_minor_units

GRANTED, NOT_ELIGIBLE, BLOCKED_BY_VETO, BLOCKED_BY_CONSEQUENCE, OUTSIDE_QUOTA, COUNTED_ONCE, OVERRULED = range(7)


@dataclass(frozen=True)
class Consequences:
    status: np.ndarray       # (n, m) int8, one of the constants above
    detail: np.ndarray       # (n, m) int: the blocking veto or consequence, or the one kept instead
    amounts: np.ndarray      # (n, m) float, 0 where not granted
    quota_size: np.ndarray   # (n, m) float: the quota of the unit's group, NaN without a quota
    quota_cut: np.ndarray    # (n, m) float: overall rank at the cut of the unit's group, NaN if nothing was cut
    budgets: tuple[Budget | None, ...]
    persons: tuple[np.ndarray | None, ...]

    @property
    def granted(self) -> np.ndarray:
        out: np.ndarray = self.status == GRANTED
        return out

    @property
    def pools(self) -> tuple[Budget | None, ...]:
        """The former name of `budgets` (a pool's total, used, units and rule), kept for callers."""
        return self.budgets


def quota_sizes(quota: QuotaSpec, population: np.ndarray) -> np.ndarray:
    """The quota of each group, from its number of assessed units.

    A share is multiplied out exactly: the share's decimal figure as a fraction
    S / 10**q times a whole count, in integers, so 0.1 x 30 is 3 places, not the
    3.0000000000000004 of floats.
    """
    if quota.count is not None:
        return np.full(population.shape, float(quota.count))
    share = decimal_figure(float(quota.share or 0.0))
    exponent = int(share.as_tuple().exponent)
    places = max(-exponent, 0)
    numerator, denominator = int(share.scaleb(places)), 10**places
    count = np.rint(population).astype(np.int64)  # whole numbers of units, held as floats
    # int64 holds 2 * product + denominator (the half-up step) only below 2**63: past 2**61
    # for either (a share of 1e-320 has a denominator of 10**335), Python integers, group by group.
    if numerator * int(count.max(initial=0)) >= 2**61 or denominator >= 2**61:
        exact = [Fraction(numerator * int(c), denominator) for c in count.tolist()]
        table = {"floor": math.floor, "ceil": math.ceil, "half_up": lambda f: math.floor(f + Fraction(1, 2))}
        big: np.ndarray = np.array([float(table[quota.rounding](f)) for f in exact], dtype=np.float64)
        shaped: np.ndarray = big.reshape(count.shape)
        return shaped
    product = count * numerator
    if quota.rounding == "floor":
        sizes = product // denominator
    elif quota.rounding == "ceil":
        sizes = -((-product) // denominator)
    else:  # half up: non-negative, so add half the denominator and floor
        sizes = (2 * product + denominator) // (2 * denominator)
    out: np.ndarray = sizes.astype(np.float64)
    return out


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
    # A quota larger than the group keeps everybody: cap it there before counting in
    # int64, so a count of 2**63 - 1 is "no limit", not an overflow that grants nobody.
    limit = np.minimum(size_of[g[starts]], counts).astype(np.int64)
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
                                   *(p.names for p in rubric.payouts if p is not None))
    for spec in cons:
        for name in (spec.quota.within if spec.quota else None, spec.person_field):
            if name:
                wanted.add(name)
    prev_cols, prev_missing = previous
    env, missing = build_env(wanted, layout, totals, precision,
                             {"score": d.score, "vetoed": d.vetoed, "grade": grade_names, "rank": d.rank, **prev_cols})
    missing.update(prev_missing)
    missing["score"] = np.isnan(d.score)
    # No grade or rank (an ended review): a condition reading them does not hold.
    missing["grade"] = d.grade == NO_GRADE
    missing["rank"] = np.isnan(d.rank)

    status = np.full((n, m), NOT_ELIGIBLE, dtype=np.int8)
    detail = np.full((n, m), -1, dtype=np.int64)
    amounts = np.zeros((n, m))
    quota_size = np.full((n, m), np.nan)
    quota_cut = np.full((n, m), np.nan)
    budgets: list[Budget | None] = [None] * m
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
                                                                  totals.assessable & ~d.ended & ~ungrouped)
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
        payout = rubric.payouts[c]
        if payout is not None:
            inp = PayoutInput(
                granted=allowed, score=d.score, grade=d.grade, grade_names=tuple(g.name for g in model.grade),
                rank=d.rank, overall_rank=d.overall_rank, unit_ids=layout.unit_ids,
                expressions=payout.expressions, env=env, missing=missing,
            )
            amounts[:, c], budgets[c] = _pay(rubric, c, payout, inp, layout)
        if spec.person_field:
            persons[c] = np.asarray(env[spec.person_field]).astype(str)
    _count_once(cons, status, detail, amounts)
    amounts[status != GRANTED] = 0.0
    _check_totals(rubric, amounts, status)
    return Consequences(status, detail, amounts, quota_size, quota_cut, tuple(budgets), tuple(persons))


def _kind_error(payout: CompiledPayout, what: str) -> PluginError:
    plugin = payout.kind.plugin or None
    return PluginError(f"payout kind {payout.kind.name!r}{f' of plugin {plugin!r}' if plugin else ''} {what}",
                       plugin=plugin, hook="scoring_register_payout_kinds")


def _pay(rubric: Rubric, c: int, payout: CompiledPayout, inp: PayoutInput,
         layout: Layout) -> tuple[np.ndarray, Budget | None]:
    """Run the consequence's payout kind; pay granted units half-up to the fen, never negative."""
    try:
        answer = payout.kind.pay(payout.params, inp)
    except ValueError as exc:  # a kind's own refusal of these figures
        raise RubricError(f"payout {payout.kind.name!r} of consequence {rubric.model.consequence[c].id!r}: {exc}",
                          key=payout.key, path=str(rubric.path) if rubric.path else None) from None
    except Exception as exc:  # noqa: BLE001 - a plugin's bug, named, never "internal error"
        raise _kind_error(payout, f"raised {type(exc).__name__}: {exc}") from exc
    if not isinstance(answer, Payout):
        raise _kind_error(payout, f"returned {type(answer).__name__}, not a Payout")
    value = np.asarray(answer.amounts, dtype=np.float64)
    if value.shape != (inp.n,):  # a plugin's bug, not the rubric's
        raise _kind_error(payout, f"returned {value.shape} amounts for {inp.n} units; it must return one per unit")
    with np.errstate(invalid="ignore"):
        broken = np.flatnonzero(inp.granted & ~(np.abs(value) < MAX_AMOUNT))
    if broken.size:
        first = float(value[broken[0]])
        finite = bool(np.isfinite(first))
        why = f"reaches the limit of {MAX_AMOUNT:,.0f} (docs/money.md)" if finite else "is not a finite number"
        what = f"{figure_text(first)}; lower the figures" if finite else "a division by zero?; guard the expression"
        raise RubricError(
            f"the amount of consequence {rubric.model.consequence[c].id!r} {why} for {broken.size} unit(s), "
            f"first {layout.unit_ids[broken[0]]} ({what})",
            key=payout.key, path=str(rubric.path) if rubric.path else None,
        )
    paid = np.where(inp.granted, value, 0.0)
    # Money is paid in fen: half-up on the decimal figure, never negative.
    return np.maximum(round_half_up(paid, MONEY_PLACES), 0.0), answer.budget


def total_in_fen(amounts: np.ndarray) -> int:
    """The exact sum of a column of amounts, in fen (a Python int: no overflow, no float drift)."""
    figures = np.asarray(amounts, dtype=np.float64)
    # Most units are paid nothing: only the others are turned into fen (a zero adds none).
    return exact_sum(to_minor_units(figures[figures != 0], MONEY_PLACES))


def _check_totals(rubric: Rubric, amounts: np.ndarray, status: np.ndarray) -> None:
    """Each consequence's total stays below the money limit, so the summary's figure is exact."""
    for j, spec in enumerate(rubric.model.consequence):
        total = total_in_fen(np.where(status[:, j] == GRANTED, amounts[:, j], 0.0))
        if total >= MAX_AMOUNT * 100:
            raise RubricError(
                f"the amounts of consequence {spec.id!r} add up to {Decimal(total).scaleb(-2):,}, beyond the limit "
                f"of {MAX_AMOUNT:,.0f} for a total (docs/money.md); lower the amounts",
                key=f"consequence[{j}]", path=str(rubric.path) if rubric.path else None,
            )


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
