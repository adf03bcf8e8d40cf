"""The general-purpose scoring methods.

Each returns raw points; the core clips them to [0, points] (扣完为止) and
rescales not-applicable items, so no method repeats that logic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

import numpy as np
from pydantic import Field, field_validator

from scoring.plugin import (
    BoolField,
    ChoiceField,
    ExampleFields,
    FieldSpec,
    Lint,
    Method,
    MethodInput,
    NumberExpression,
    NumericField,
    OptionalCondition,
    Params,
    Scored,
)


def _g(x: float) -> str:
    return f"{x:g}"


# --- deduction: points minus each x count, all of it under a condition ------


class DeductionParams(Params):
    count: NumericField
    each: float = Field(gt=0)
    all_when: OptionalCondition = None


def _deduction(p: DeductionParams, inp: MethodInput) -> Scored:
    count = inp.number(p.count)
    points = np.multiply(p.each, count)
    np.subtract(inp.points, points, out=points)  # points - each x count, in the one new column
    if p.all_when is not None:
        points = np.where(inp.condition("all_when"), 0.0, points)
    return Scored(points=points, value=count)


def _describe_deduction(p: DeductionParams, points: float) -> str:
    text = f"{_g(points)} − {_g(p.each)} × {p.count}"
    if p.all_when:
        text += f"; all {_g(points)} deducted when {p.all_when}"
    return text


# --- per_count: each x count, capped at the points ---------------------------


class PerCountParams(Params):
    count: NumericField
    each: float = Field(gt=0)


def _per_count(p: PerCountParams, inp: MethodInput) -> Scored:
    count = inp.number(p.count)
    return Scored(points=p.each * count, value=count)


# --- ratio: a rate between two fields, linear between zero and full ---------


class RatioParams(Params):
    numerator: NumericField
    denominator: NumericField
    full: float = Field(default=1.0, ge=0)
    zero: float = Field(default=0.0, ge=0)
    when_zero_denominator: Literal["full", "zero", "not_applicable"] = "not_applicable"

    @field_validator("zero")
    @classmethod
    def _below_full(cls, zero: float, info: object) -> float:
        full = getattr(info, "data", {}).get("full", 1.0)
        if zero >= full:
            raise ValueError(f"zero ({zero:g}) must be below full ({full:g})")
        return zero


def _ratio(p: RatioParams, inp: MethodInput) -> Scored:
    num = inp.number(p.numerator)
    den = inp.number(p.denominator)
    empty = den == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.divide(num, den)
    # clip((rate - zero) / (full - zero), 0, 1) x points, each step in place in one new column.
    # Where the denominator is 0 the rate is inf or NaN here, and that row's points are set below.
    share = np.subtract(rate, p.zero)
    share /= p.full - p.zero
    np.clip(share, 0.0, 1.0, out=share)
    share *= inp.points
    # A zero denominator: full points under "full", else 0.0 (the points a rate of 0 earns,
    # zero being at least 0; under "not_applicable" the core drops the row anyway).
    np.putmask(share, empty, inp.points if p.when_zero_denominator == "full" else 0.0)
    np.putmask(rate, empty, np.nan)  # rate is this method's own column
    na = empty if p.when_zero_denominator == "not_applicable" else None
    return Scored(points=share, value=rate, not_applicable=na)


def _describe_ratio(p: RatioParams, points: float) -> str:
    return (
        f"rate = {p.numerator} / {p.denominator}; full {_g(points)} at ≥ {_g(p.full)}, 0 at ≤ {_g(p.zero)}, "
        f"linear between; denominator 0 → {p.when_zero_denominator.replace('_', ' ')}"
    )


# --- target: proportional up to a target -------------------------------------


class TargetParams(Params):
    field: NumericField
    target: float = Field(gt=0)


def _target(p: TargetParams, inp: MethodInput) -> Scored:
    value = inp.number(p.field)
    points = np.divide(value, p.target)
    np.minimum(points, 1.0, out=points)
    points *= inp.points
    return Scored(points=points, value=value)


# --- bands: share of points by the band a value falls in ---------------------


class Band(Params):
    min: float
    share: float = Field(ge=0, le=1)


class BandsParams(Params):
    field: NumericField
    bands: list[Band] = Field(min_length=1)

    @field_validator("bands")
    @classmethod
    def _descending(cls, bands: list[Band]) -> list[Band]:
        for a, b in zip(bands, bands[1:]):
            if not b.min < a.min:
                raise ValueError("bands must be listed from the highest min down, strictly")
        return bands


# Up to this many bands a value's band is found by comparing it with each min.
_COMPARED_BANDS = 8


def _bands(p: BandsParams, inp: MethodInput) -> Scored:
    value = inp.number(p.field)
    # Bands are listed descending; search the ascending mins. A value reaching
    # k of the mins falls in the band with the k-th smallest min.
    mins = np.array([b.min for b in reversed(p.bands)])
    shares = np.array([0.0] + [b.share for b in reversed(p.bands)])
    if len(mins) <= _COMPARED_BANDS:
        # How many mins the value reaches, one comparison per band: for a few bands several times
        # faster than searchsorted's per-value binary search, and NaN reaches none of them. Counted
        # in bytes, an eighth of the memory an index of intp would pass through.
        reached: np.ndarray = np.zeros(value.shape, dtype=np.uint8)
        for m in mins.tolist():
            reached += value >= m
    else:
        reached = np.searchsorted(mins, value, side="right")
        np.copyto(reached, 0, where=np.isnan(value))
    # Each band's share x points once, then looked up: the same products as multiplying per row.
    return Scored(points=(shares * inp.points)[reached], value=value)


def _lint_bands(p: BandsParams, points: float) -> list[Lint]:
    out = []
    if all(b.share <= 0 for b in p.bands):
        out.append(Lint("error", f"every band pays 0, so its {points:g} points can never be earned"))
    shares = [b.share for b in p.bands]
    if any(a < b for a, b in zip(shares, shares[1:])):
        out.append(Lint("warning", "a higher band pays less than a lower one", "bands"))
    return out


def _describe_bands(p: BandsParams, points: float) -> str:
    parts = [f"≥ {_g(b.min)} → {_g(b.share * points)}" for b in p.bands]
    return f"{p.field}: " + ", ".join(parts) + ", else 0"


# --- check: full points when a yes/no field is yes ---------------------------


class CheckParams(Params):
    field: BoolField
    expect: bool = True


def _check(p: CheckParams, inp: MethodInput) -> Scored:
    value = np.asarray(inp.column(p.field)).astype(bool)
    met = value if p.expect else ~value
    return Scored(points=np.where(met, inp.points, 0.0), value=value)


# --- lookup: points from a table keyed by an enum value ----------------------


class LookupParams(Params):
    field: ChoiceField
    table: dict[str, float]
    default: float = 0.0


def _lookup(p: LookupParams, inp: MethodInput) -> Scored:
    value = np.asarray(inp.column(p.field)).astype(str)
    keys = np.array(list(p.table), dtype=str)
    points = np.array(list(p.table.values()) + [p.default])
    if keys.size == 0:
        index = np.zeros(value.shape, dtype=np.int64)
    else:
        order = np.argsort(keys)
        pos = np.clip(np.searchsorted(keys[order], value), 0, keys.size - 1)
        found = keys[order][pos] == value
        index = np.where(found, order[pos], keys.size)
    return Scored(points=points[index], value=value)


def _validate_lookup(p: LookupParams, fields: Mapping[str, FieldSpec]) -> None:
    # A key the field can never hold is a typo that would silently pay the default.
    allowed = fields[p.field].values
    if allowed is not None:
        unknown = [k for k in p.table if k not in allowed]
        if unknown:
            raise ValueError(f"table: {unknown[0]!r} is not a value of enum field {p.field!r} ({', '.join(allowed)})")


def _lint_lookup(p: LookupParams, points: float) -> list[Lint]:
    if all(v <= 0 for v in p.table.values()) and p.default <= 0:
        return [Lint("error", "every entry of its table pays 0 or less, so its points can never be earned", "table")]
    return []


def _describe_lookup(p: LookupParams, points: float) -> str:
    return f"{p.field}: " + ", ".join(f"{k} → {_g(v)}" for k, v in p.table.items()) + f", else {_g(p.default)}"


# --- expression: points computed by a rubric expression ----------------------


class ExpressionParams(Params):
    value: NumberExpression


def _expression(p: ExpressionParams, inp: MethodInput) -> Scored:
    value = inp.expression("value")
    # An undefined figure (0/0) is NaN here; the core's clip turns it into 0 points.
    return Scored(points=value, value=value)

# --- parameters for generated rubrics (scoring.testing.rubric_texts) ---------

_KNOBS = ((1, 1), (3, 5), (9, 8))  # (a, b): small and large figures and thresholds


def _examples(build: Callable[[ExampleFields, int, int], dict[str, Any]]) -> Callable[[ExampleFields], list[dict[str, Any]]]:
    return lambda f: [build(f, a, b) for a, b in _KNOBS]

# Module-level functions, not lambdas: a compiled rubric holds its methods and
# is pickled with them (to worker processes, caches), and pickle finds a
# function by its module and name.
def _describe_per_count(p: PerCountParams, pts: float) -> str:
    return f"{_g(p.each)} × {p.count}, at most {_g(pts)}"


def _describe_target(p: TargetParams, pts: float) -> str:
    return f"{_g(pts)} × min({p.field} / {_g(p.target)}, 1)"


def _describe_check(p: CheckParams, pts: float) -> str:
    return f"{_g(pts)} if {p.field} is {'yes' if p.expect else 'no'}, else 0"


def _describe_expression(p: ExpressionParams, pts: float) -> str:
    return f"{p.value}, within [0, {_g(pts)}]"


METHODS: tuple[Method, ...] = (
    Method("deduction", DeductionParams, _deduction, "points − each × count, 扣完为止; all points when all_when",
           _describe_deduction,
           example_params=_examples(lambda f, a, b: {"count": f.count, "each": a,
                                                     "all_when": f"{f.count} > {f.limit} + {b}"})),
    Method("per_count", PerCountParams, _per_count, "each × count, capped at the points",
           lambda p, pts: f"{_g(p.each)} × {p.count}, at most {_g(pts)}",
           example_params=_examples(lambda f, a, b: {"count": f.part, "each": a})),
    Method("ratio", RatioParams, _ratio, "rate numerator/denominator, linear from zero to full", _describe_ratio,
           example_params=_examples(lambda f, a, b: {
               "numerator": f.part, "denominator": f.total, "full": 0.9, "zero": b / 10,
               "when_zero_denominator": ("full", "zero", "not_applicable")[a % 3]})),
    Method("target", TargetParams, _target, "proportional to field / target, full at the target",
           lambda p, pts: f"{_g(pts)} × min({p.field} / {_g(p.target)}, 1)",
           example_params=_examples(lambda f, a, b: {"field": f.part, "target": a})),
    Method("bands", BandsParams, _bands, "share of points by the band the field falls in", _describe_bands,
           lint=_lint_bands,
           example_params=_examples(lambda f, a, b: {
               "field": f.rate, "bands": [{"min": 0.9, "share": 1.0}, {"min": b / 10, "share": 0.5}]})),
    Method("check", CheckParams, _check, "full points when a yes/no field is yes",
           lambda p, pts: f"{_g(pts)} if {p.field} is {'yes' if p.expect else 'no'}, else 0",
           example_params=_examples(lambda f, a, b: {"field": f.flag})),
    Method("lookup", LookupParams, _lookup, "points from a table keyed by an enum value", _describe_lookup,
           validate=_validate_lookup, lint=_lint_lookup,
           example_params=_examples(lambda f, a, b: {
               "field": f.choice, "table": {f.choices[-1]: a, f.choices[-2]: 1, f.choices[-3]: 0.5}})),
    Method("expression", ExpressionParams, _expression, "points from an expression over the fields",
           lambda p, pts: f"{p.value}, within [0, {_g(pts)}]",
           example_params=_examples(lambda f, a, b: {"value": f"(1 if {f.flag} else 0) * {a} + min({f.part}, {b})"})),
)
