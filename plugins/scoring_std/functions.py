"""The standard expression functions.

Registered through the same hook as a third party's, so the core's expression
compiler knows no function by name. Each works on whole columns; numbers
arrive as float64 with NaN for a missing value, and a missing value stays
missing unless the function is about missing values (`coalesce`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scoring.plugin import Function, round_half_up

Array = np.ndarray[Any, Any]


def _maximum(*xs: Array) -> Array:
    out = xs[0]
    for x in xs[1:]:
        out = np.maximum(out, x)
    return out


def _minimum(*xs: Array) -> Array:
    out = xs[0]
    for x in xs[1:]:
        out = np.minimum(out, x)
    return out


def _clip(x: Array, lo: Array, hi: Array) -> Array:
    # np.clip refuses array bounds in some numpy versions; this is the same rule.
    return np.minimum(np.maximum(x, lo), hi)


def _round_half_up(x: Array, digits: Array | None = None) -> Array:
    """四舍五入 on the decimal figure, as a spreadsheet's ROUND (2.675 → 2.68)."""
    if digits is None:
        return round_half_up(x, 0)
    places = np.broadcast_to(digits, np.broadcast_shapes(np.shape(x), np.shape(digits)))
    values = np.broadcast_to(x, places.shape)
    out = np.full(places.shape, np.nan)
    # Few distinct precisions (usually one literal): round each group at once.
    for p in np.unique(places[~np.isnan(places)]):
        if p != np.floor(p) or not 0 <= p <= 9:
            continue  # no meaningful rounding: the figure is left missing
        rows = places == p
        out[rows] = round_half_up(values[rows], int(p))
    return out


def _if_else(condition: Array, yes: Array, no: Array) -> Array:
    return np.where(condition, yes, no)


def _missing(x: Array) -> Array:
    if x.dtype.kind in "UO":  # text: numpy's, or Python strings
        return np.asarray(x == "")
    return np.isnan(x.astype(np.float64))


def _coalesce(*xs: Array) -> Array:
    """The first argument that is not missing (NaN, or empty text), row by row."""
    out = xs[-1]
    for x in reversed(xs[:-1]):
        out = np.where(_missing(x), out, x)
    return out


def _between(x: Array, lo: Array, hi: Array) -> Array:
    # Both ends included; a missing value is between nothing.
    return (lo <= x) & (x <= hi)


FUNCTIONS: tuple[Function, ...] = (
    Function("abs", ("number",), "number", np.abs, "the absolute value"),
    Function("ceil", ("number",), "number", np.ceil, "the next whole number up"),
    Function("floor", ("number",), "number", np.floor, "the next whole number down"),
    Function("sqrt", ("number",), "number", np.sqrt, "the square root (of a negative number: missing)"),
    Function("min", ("number", "number"), "number", _minimum, "the smallest argument", variadic=True),
    Function("max", ("number", "number"), "number", _maximum, "the largest argument", variadic=True),
    Function("clip", ("number", "number", "number"), "number", _clip,
             "clip(x, lo, hi): x held within [lo, hi]"),
    Function("round_half_up", ("number", "number"), "number", _round_half_up,
             "round_half_up(x, digits=0): 四舍五入 on the decimal figure, 2.675 → 2.68", optional=1),
    Function("if_else", ("bool", "value", "value"), "value", _if_else,
             "if_else(condition, yes, no): `yes` where the condition holds, else `no`"),
    Function("coalesce", ("value", "value"), "value", _coalesce,
             "coalesce(a, b, ...): the first argument that is not missing", variadic=True),
    Function("between", ("number", "number", "number"), "bool", _between,
             "between(x, lo, hi): lo ≤ x ≤ hi, both ends included; missing x: no"),
)
