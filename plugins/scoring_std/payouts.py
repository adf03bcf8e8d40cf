"""The standard payout kinds: fixed, expression, grade table, pool and rank bands.

Registered through `scoring_register_payout_kinds` like any plugin's. The first
four keep the shorthands rubrics have always used (`amount = 5000`,
`amount = "0.2 * deposit"`, `amount = { 优秀 = 1.2 }`, `pool = { ... }`); every
kind can also be written `payout = { kind = "...", ... }`.

Money is exact (docs/money.md): amounts are figures the core pays half-up to the
fen; a pool is shared in whole integers (numbers of its `unit`), never floats.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from scoring.plugin import (
    Budget,
    NumberExpression,
    PaidUnit,
    Params,
    Payout,
    PayoutInput,
    PayoutKind,
    Shorthand,
    check_amounts,
    decimal_figure,
    exact_sum,
    figure_text,
    to_minor_units,
    units_to_float,
)

WEIGHT_PLACES = 6  # pool weights (scores above a threshold, grade weights) are counted in millionths


def _money(x: float) -> str:
    text = f"{x:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _places(x: float) -> int:
    """Decimal places of a rubric figure as written (its decimal figure)."""
    exponent = decimal_figure(x).as_tuple().exponent
    return max(-exponent, 0) if isinstance(exponent, int) else 0


# --- fixed -------------------------------------------------------------------------


class FixedParams(Params):
    """The same amount to every granted unit."""

    amount: float


def _fixed(p: FixedParams, inp: PayoutInput) -> Payout:
    return Payout(np.full(inp.n, p.amount))


def _validate_fixed(p: FixedParams, grades: Sequence[str]) -> None:
    check_amounts([p.amount], "amount:")


# --- expression ----------------------------------------------------------------------


class ExpressionParams(Params):
    """An amount computed per unit by a rubric expression (a unit reading a missing value gets 0)."""

    value: NumberExpression


def _expression(p: ExpressionParams, inp: PayoutInput) -> Payout:
    return Payout(inp.expression("value"))


# --- grade table ---------------------------------------------------------------------


class GradeTableParams(Params):
    """An amount by grade name; grades not listed get 0."""

    amounts: dict[str, float]


def _validate_table(p: GradeTableParams, grades: Sequence[str]) -> None:
    for name in p.amounts:
        if name not in grades:
            raise ValueError(f"{name}: amount table names {name!r}, which is not a grade ({', '.join(grades)})")
    check_amounts(list(p.amounts.values()), "amounts: an amount of")


def _table(p: GradeTableParams, inp: PayoutInput) -> Payout:
    return Payout(inp.by_grade(p.amounts))


# --- pool ------------------------------------------------------------------------------


class PoolParams(Params):
    """A budget shared among the units granted a consequence.

    `by = "score"`: pro rata to score above `above`; `by = "grade"`: pro rata to
    the weight of each unit's grade. Paid in whole `unit`s (0.01: fen or cents)
    that add up exactly to `total` (largest remainder).
    """

    total: float = Field(gt=0)
    by: Literal["score", "grade"]
    above: float = 0.0
    weights: dict[str, float] = {}
    unit: float = Field(default=0.01, gt=0)


def _validate_pool(p: PoolParams, grades: Sequence[str]) -> None:
    if p.by == "grade":
        if not p.weights:
            raise ValueError('weights: a pool with by = "grade" needs weights = { grade = weight, ... }')
        for name, share in p.weights.items():
            if name not in grades:
                raise ValueError(f"weights.{name}: weights names {name!r}, which is not a grade")
            if share < 0:
                raise ValueError(f"weights.{name}: a weight cannot be negative")
            if _places(share) > WEIGHT_PLACES or share >= 1e9:
                raise ValueError(f"weights.{name}: a weight has at most {WEIGHT_PLACES} decimals and stays below 10^9")
    elif p.weights:
        raise ValueError('weights: weights are only used with by = "grade"')
    if _places(p.above) > WEIGHT_PLACES or abs(p.above) >= 1e9:
        raise ValueError(f"above: at most {WEIGHT_PLACES} decimals, below 10^9")
    check_amounts([p.total], "total: the pool's total")
    steps = decimal_figure(p.total) / decimal_figure(p.unit)
    fen = decimal_figure(p.unit) * 100
    if steps != steps.to_integral_value() or fen != fen.to_integral_value():
        raise ValueError(f"the pool's total ({figure_text(p.total)}) must be a whole number of its unit ({figure_text(p.unit)}), "
                         "and the unit a whole number of fen (0.01, 1, 100, ...)")


def _pool_weights(p: PoolParams, inp: PayoutInput) -> np.ndarray:
    """Each unit's weight as a whole number of millionths: exact, so equal shares tie exactly."""
    if p.by == "score":
        score = to_minor_units(np.where(inp.granted, np.nan_to_num(inp.score), 0.0), WEIGHT_PLACES)
        above = int(to_minor_units([p.above], WEIGHT_PLACES)[0])
        weights = np.maximum(score - above, 0)
    else:
        table = to_minor_units([p.weights.get(name, 0.0) for name in inp.grade_names] + [0.0], WEIGHT_PLACES)
        weights = table[inp.grade]
    out: np.ndarray = np.where(inp.granted, weights, 0)
    return out


def _pool(p: PoolParams, inp: PayoutInput) -> Payout:
    if p.by == "score":
        rule = f"pro rata to score above {figure_text(p.above)}"
    else:
        rule = "pro rata to grade weights " + ", ".join(f"{k} {figure_text(v)}" for k, v in p.weights.items())
    steps = int(decimal_figure(p.total) / decimal_figure(p.unit))
    unit_fen = int(decimal_figure(p.unit) * 100)
    places = _places(p.unit)
    rule += f"; paid in units of {figure_text(p.unit)}, largest remainder so the shares add up to {p.total:,.{places}f}"
    weights = _pool_weights(p, inp)
    weight_sum = exact_sum(weights)
    if weight_sum <= 0:
        return Payout(np.zeros(inp.n), Budget(p.total, 0.0, 0, rule + "; no unit had a positive weight, so nothing was paid"))
    # Shares in whole integers: base = floor(w * steps / W), remainder (w * steps) mod W.
    # int64 where the products fit; Python integers (object arrays) for the rare
    # pools beyond that, so no size is ever inexact.
    if int(weights.max()) * steps < 2**63 and weight_sum < 2**63:
        product = weights * np.int64(steps)
        base, remainder = np.divmod(product, np.int64(weight_sum))
        left = steps - exact_sum(base)
        eligible = np.flatnonzero(weights > 0)
        rank = np.nan_to_num(inp.rank[eligible], nan=np.inf)
        # Largest remainder first (exact integers, so equal shares tie exactly);
        # ties by better rank, then id, so row order never matters.
        order = eligible[np.lexsort((inp.unit_ids[eligible], rank, -remainder[eligible]))]
        base[order[:left]] += 1
        shares = base
    else:
        big = [int(w) * steps for w in weights.tolist()]
        quotient = [b // weight_sum for b in big]
        left = steps - sum(quotient)
        ranks = np.nan_to_num(inp.rank, nan=np.inf).tolist()
        waiting = sorted((i for i in range(inp.n) if weights[i] > 0),
                         key=lambda i: (-(big[i] % weight_sum), ranks[i], str(inp.unit_ids[i])))
        for i in waiting[:left]:
            quotient[i] += 1
        shares = np.array(quotient, dtype=np.int64)  # each share is at most `steps`, below 2**53
    amounts = units_to_float(shares * unit_fen, 2)
    used = float(Decimal(steps * unit_fen).scaleb(-2))
    return Payout(amounts, Budget(p.total, used, int((shares > 0).sum()), rule))


def _explain_pool(p: PoolParams, unit: PaidUnit) -> str:
    budget = unit.budget
    return f"share of the pool of {p.total:,.2f}, {budget.rule}" if budget is not None else ""


# --- rank bands ------------------------------------------------------------------------


class RankBand(BaseModel):
    """A band of ranks: from the rank after the previous band's `to` up to this `to`."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    to: int = Field(ge=1, le=2**53, description="The last rank of the band")
    amount: float = Field(ge=0, description="What each unit ranked in the band is paid")


class RankBandsParams(Params):
    """A stepped amount by rank band, e.g. ranks 1-3 get 10,000, ranks 4-10 get 5,000.

    The rank is the unit's rank as shown (within its group when the rubric ranks
    `within` a field); units tied on a rank share its band; ranks after the last
    band get nothing.
    """

    bands: list[RankBand] = Field(min_length=1)


def _validate_bands(p: RankBandsParams, grades: Sequence[str]) -> None:
    for k in range(1, len(p.bands)):
        if p.bands[k].to <= p.bands[k - 1].to:
            raise ValueError(f"bands[{k}].to: bands go down the ranking: each `to` must be greater than the one "
                             f"before ({p.bands[k].to} after {p.bands[k - 1].to})")
    check_amounts([b.amount for b in p.bands], "bands: an amount of")


def _rank_bands(p: RankBandsParams, inp: PayoutInput) -> Payout:
    edges = np.array([b.to for b in p.bands], dtype=np.float64)
    table = np.array([b.amount for b in p.bands] + [0.0])
    # The band of rank r is the first whose `to` >= r; NaN (no rank) sorts past every band.
    band = np.searchsorted(edges, inp.rank, side="left")
    return Payout(table[band])


def _band_of(p: RankBandsParams, rank: float) -> tuple[int, int] | None:
    low = 1
    for b in p.bands:
        if rank <= b.to:
            return low, b.to
        low = b.to + 1
    return None


def _explain_bands(p: RankBandsParams, unit: PaidUnit) -> str:
    band = None if np.isnan(unit.rank) else _band_of(p, unit.rank)
    if band is None:
        return f"rank {'—' if np.isnan(unit.rank) else int(unit.rank)} is after the last band (ranks 1–{p.bands[-1].to})"
    low, high = band
    span = f"{low}" if low == high else f"{low}–{high}"
    return f"rank {int(unit.rank)} is in band {span}: {_money(unit.amount)}"


# Module-level functions, not lambdas: a compiled rubric holds its payout kinds
# and is pickled with them (to worker processes, caches).
def _explain_expression(p: ExpressionParams, unit: PaidUnit) -> str:
    return f"amount {p.value}"


def _explain_table(p: GradeTableParams, unit: PaidUnit) -> str:
    return f"amount by grade: {unit.grade} → {_money(unit.amount)}"


PAYOUT_KINDS = [
    PayoutKind("fixed", FixedParams, _fixed, "the same amount to every granted unit",
               validate=_validate_fixed, shorthand=Shorthand("amount", (int, float), "amount")),
    PayoutKind("expression", ExpressionParams, _expression, "an amount per unit from a rubric expression",
               explain=_explain_expression, shorthand=Shorthand("amount", (str,), "value")),
    PayoutKind("grade_table", GradeTableParams, _table, "an amount by grade name",
               explain=_explain_table,
               validate=_validate_table, shorthand=Shorthand("amount", (dict,), "amounts")),
    PayoutKind("pool", PoolParams, _pool, "a budget shared pro rata, in whole units that add up to it",
               explain=_explain_pool, validate=_validate_pool, shorthand=Shorthand("pool", (dict,)), budget=True),
    PayoutKind("rank_bands", RankBandsParams, _rank_bands, "a stepped amount by rank band",
               explain=_explain_bands, validate=_validate_bands),
]
