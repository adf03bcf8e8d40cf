"""A district safety bureau's additions to scoring: a method, a payout kind and a function."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import Field

from scoring.plugin import (
    ExampleFields,
    Function,
    Lint,
    Method,
    MethodInput,
    NumberExpression,
    NumericField,
    PaidUnit,
    Params,
    Payout,
    PayoutInput,
    PayoutKind,
    Scored,
    hookimpl,
)

__version__ = "1.0.0"


# --- a method: deduct per accident per 10,000 workers ------------------------


class RatePerParams(Params):
    count: NumericField                 # accidents this year
    base: NumericField                  # workers
    per: float = Field(default=10_000, gt=0)
    each: float = Field(gt=0)           # points off per accident per `per` workers
    when_zero_base: Literal["full", "not_applicable"] = "not_applicable"


def rate_per(p: RatePerParams, inp: MethodInput) -> Scored:
    count, base = inp.number(p.count), inp.number(p.base)
    empty = base == 0
    rate = np.divide(count * p.per, base, out=np.zeros_like(count), where=~empty)
    points = inp.points - p.each * rate      # the core clips at 0 (扣完为止)
    if p.when_zero_base == "full":
        return Scored(points=np.where(empty, inp.points, points), value=rate)
    return Scored(points=points, value=np.where(empty, np.nan, rate), not_applicable=empty)


def lint_rate_per(p: RatePerParams, points: float) -> list[Lint]:
    if p.each >= points:
        return [Lint("warning", f"a rate of 1 already costs all {points:g} points", "each")]
    return []


def examples_rate_per(f: ExampleFields) -> list[dict[str, Any]]:
    return [{"count": f.count, "base": f.total, "each": 0.5},
            {"count": f.count, "base": f.total, "per": 100, "each": 2, "when_zero_base": "full"}]


def describe_rate_per(p: RatePerParams, points: float) -> str:
    return f"{points:g} − {p.each:g} × {p.count} per {p.per:g} {p.base}"


RATE_PER = Method(
    "rate_per", RatePerParams, rate_per, "points − each × (count per `per` of base)",
    describe=describe_rate_per, lint=lint_rate_per, example_params=examples_rate_per,
)


# --- a payout kind: so much per head, up to a cap ------------------------------


class PerHeadParams(Params):
    heads: NumberExpression             # an expression over the fields: "workers"
    rate: float = Field(gt=0)           # yuan per head
    cap: float = Field(gt=0)            # at most this much per unit


def per_head(p: PerHeadParams, inp: PayoutInput) -> Payout:
    # Only granted units are paid; the core rounds each amount half-up to the fen.
    return Payout(np.minimum(inp.expression("heads") * p.rate, p.cap))


def explain_per_head(p: PerHeadParams, unit: PaidUnit) -> str:
    return f"{p.rate:g} per head of {p.heads}, at most {p.cap:,.2f}"


PER_HEAD = PayoutKind("per_head", PerHeadParams, per_head, "so much per head, up to a cap",
                      explain=explain_per_head)


# --- a function: growth over last year ----------------------------------------


def growth(now: np.ndarray, before: np.ndarray) -> np.ndarray:
    """(now − before) / before; missing where `before` is 0 or missing."""
    usable = before != 0
    return np.where(usable, (now - before) / np.where(usable, before, 1.0), np.nan)


GROWTH = Function("growth", ("number", "number"), "number", growth,
                  "growth(now, before): (now − before) / before; missing when before is 0")


@hookimpl
def scoring_register_methods() -> list[Method]:
    return [RATE_PER]


@hookimpl
def scoring_register_payout_kinds() -> list[PayoutKind]:
    return [PER_HEAD]


@hookimpl
def scoring_register_functions() -> list[Function]:
    return [GROWTH]
