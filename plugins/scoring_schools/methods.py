"""School-group methods: balance between member schools, gap to the lead school, improvement.

An education group (教育集团) is the assessed unit; its schools are member rows
(column `parent` = the group id). The member methods here reduce member rows
to one figure per group with `np.bincount` over `MemberRows.row`, so no Python
loop runs over groups or schools, and they report a figure per school
(`member_values`) so results show each school's part under its group.

Rules shared by the member methods, chosen so that evidence valid for the
rubric's declared types always scores (no method error on data):

* a group with no member rows, or evidence with no parent column at all, is
  not applicable on the item (rescaled away; a unit where nothing applies is
  reported "not assessable" and gets no grade);
* a group where any school lacks a figure the item reads (a blank cell of a
  `missing = "not_applicable"` field) is not applicable on the item: scoring
  the schools that reported would silently change the figure, and the engine
  never scores a unit on part of its evidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

import numpy as np
from pydantic import Field, model_validator

from scoring.plugin import (
    FieldRef,
    FieldSpec,
    FloatArray,
    MemberChoiceField,
    MemberNumericField,
    MemberRows,
    Method,
    MethodInput,
    NumericField,
    Params,
    Scored,
)

OptionalMemberNumericField = Annotated[str | None, FieldRef(("count", "number", "rate"), members=True)]
OptionalChoiceField = Annotated[str | None, FieldRef(("enum", "text"))]


def _g(x: float) -> str:
    return f"{x:g}"


def _divide(top: FloatArray, bottom: FloatArray) -> FloatArray:
    """top / bottom, NaN where bottom is 0 or NaN (no warning: pytest turns warnings into errors)."""
    ok = np.isfinite(bottom) & (bottom != 0)
    out: FloatArray = np.divide(top, bottom, out=np.full(np.shape(top), np.nan), where=ok)
    return out


def _per_unit(members: MemberRows, weights: np.ndarray, n: int) -> FloatArray:
    """Sum of `weights` over each unit's member rows."""
    return np.bincount(members.row, weights=np.asarray(weights, dtype=np.float64), minlength=n).astype(np.float64)


def _linear_share(value: FloatArray, full_at: FloatArray | float, zero_at: FloatArray | float) -> FloatArray:
    """Share of the points: 1 at `full_at`, 0 at `zero_at`, linear between.

    One formula for both directions: with full_at < zero_at (a CV, lower is
    better) and with full_at > zero_at (a ratio, higher is better).
    """
    with np.errstate(invalid="ignore"):
        share: FloatArray = np.clip((value - zero_at) / (np.asarray(full_at) - zero_at), 0.0, 1.0)
    return np.where(np.isnan(value), 0.0, share)


def _nothing_applies(inp: MethodInput) -> Scored:
    """Evidence without member rows: no unit has schools, so the item applies to none."""
    return Scored(points=np.zeros(inp.n), value=np.full(inp.n, np.nan), not_applicable=np.ones(inp.n, dtype=bool))


def _lower_is_better(full_at: float, zero_at: float) -> None:
    if not full_at < zero_at:
        raise ValueError(f"full_at ({full_at:g}) must be below zero_at ({zero_at:g}): a lower CV is better")


class Thresholds(Params):
    full_at: float = Field(ge=0)
    zero_at: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        _lower_is_better(self.full_at, self.zero_at)
        return self


# --- balance_cv: 差异系数 of a resource figure across the group's schools ----


class BalanceCVParams(Params):
    field: MemberNumericField
    weight: OptionalMemberNumericField = None
    weighted: bool = True
    full_at: float | None = Field(default=None, ge=0)
    zero_at: float | None = Field(default=None, gt=0)
    # Thresholds by a field of the group's own row (its stage: 小学 0.50, 初中 0.45).
    by: OptionalChoiceField = None
    thresholds: dict[str, Thresholds] = {}

    @model_validator(mode="after")
    def _consistent(self) -> BalanceCVParams:
        if self.weighted and self.weight is None:
            raise ValueError('weighted = true needs weight = "<member enrolment field>"')
        if not self.weighted and self.weight is not None:
            raise ValueError("weight is only used with weighted = true")
        if (self.full_at is None) != (self.zero_at is None):
            raise ValueError("give full_at and zero_at together")
        if self.full_at is not None and self.zero_at is not None:
            _lower_is_better(self.full_at, self.zero_at)
        if (self.by is None) != (not self.thresholds):
            raise ValueError('by = "<field>" and thresholds = {value = {full_at, zero_at}} go together')
        if self.by is None and self.full_at is None:
            raise ValueError("give full_at and zero_at, or by and thresholds")
        return self


def _cv_thresholds(p: BalanceCVParams, inp: MethodInput) -> tuple[FloatArray, FloatArray]:
    """full_at and zero_at for each unit; NaN where its `by` value has none."""
    full = np.full(inp.n, np.nan if p.full_at is None else p.full_at)
    zero = np.full(inp.n, np.nan if p.zero_at is None else p.zero_at)
    if p.by is not None:
        key = np.asarray(inp.column(p.by)).astype(str)
        for value, t in p.thresholds.items():  # a loop over the table's few entries, not over units
            hit = key == value
            full = np.where(hit, t.full_at, full)
            zero = np.where(hit, t.zero_at, zero)
    return full, zero


def _balance_cv(p: BalanceCVParams, inp: MethodInput) -> Scored:
    """CV = sqrt(Σ (Pᵢ/P)(Xᵢ − X̄)²) / X̄ over each group's schools, X̄ = Σ PᵢXᵢ / P.

    Unweighted (`weighted = false`): every Pᵢ = 1, so the standard deviation is
    the population one (divided by the number of schools, not n − 1).
    Each school's `contribution` is (Pᵢ/P)(Xᵢ − X̄)² / X̄², so the contributions
    of a group's schools add up to CV²; `relative` is Xᵢ / X̄.
    """
    if inp.members is None:
        return _nothing_applies(inp)
    m = inp.members
    x = m.number(p.field)
    w = m.number(p.weight) if p.weight is not None else np.ones(m.size)
    blank = np.isnan(x) | np.isnan(w)
    x0, w0 = np.where(blank, 0.0, x), np.where(blank, 0.0, w)

    # Only schools with pupils count: a school of 0 pupils weighs nothing, and
    # two schools of which one is empty have no spread to measure.
    schools = np.bincount(m.row, weights=(w0 > 0).astype(np.float64), minlength=inp.n)
    incomplete = _per_unit(m, blank, inp.n) > 0
    total = _per_unit(m, w0, inp.n)
    mean = _divide(_per_unit(m, w0 * x0, inp.n), total)
    full_at, zero_at = _cv_thresholds(p, inp)
    # Fewer than two schools: no spread to measure. A mean of 0 (or below):
    # the CV is undefined. No threshold for the group's stage: not assessed.
    na = (schools < 2) | incomplete | ~(mean > 0) | np.isnan(full_at)

    dev = x0 - mean[m.row]
    contribution = _divide(_divide(w0, total[m.row]) * dev**2, mean[m.row] ** 2)
    contribution = np.where(na[m.row], np.nan, contribution)
    cv_squared = _per_unit(m, np.where(np.isnan(contribution), 0.0, contribution), inp.n)
    # A figure too large for floats (an overflowing square) is no measure of balance.
    na = na | ~np.isfinite(cv_squared) | (_per_unit(m, (~np.isfinite(contribution) & ~na[m.row]).astype(np.float64),
                                                    inp.n) > 0)
    contribution = np.where(na[m.row], np.nan, contribution)
    cv = np.where(na, np.nan, np.sqrt(np.where(na, 0.0, cv_squared)))
    relative = np.where(na[m.row], np.nan, _divide(x0, mean[m.row]))

    points = _linear_share(cv, full_at, zero_at) * inp.points
    return Scored(points=np.where(na, 0.0, points), value=cv, not_applicable=na,
                  member_values={"contribution": contribution, "relative": relative})


def _validate_balance_cv(p: BalanceCVParams, fields: Mapping[str, FieldSpec]) -> None:
    # A thresholds key the field can never hold would silently leave that stage unassessed.
    if p.by is not None:
        allowed = fields[p.by].values
        unknown = [k for k in p.thresholds if allowed is not None and k not in allowed]
        if unknown:
            raise ValueError(f"thresholds: {unknown[0]!r} is not a value of enum field {p.by!r} ({', '.join(allowed or [])})")


def _describe_balance_cv(p: BalanceCVParams, points: float) -> str:
    kind = f"weighted by {p.weight}" if p.weighted else "unweighted"
    limits = [f"{k}: full at ≤ {_g(t.full_at)}, 0 at ≥ {_g(t.zero_at)}" for k, t in p.thresholds.items()]
    if p.full_at is not None and p.zero_at is not None:
        limits.append(("otherwise: " if limits else "") + f"full at ≤ {_g(p.full_at)}, 0 at ≥ {_g(p.zero_at)}")
    elif p.by is not None:
        limits.append(f"other {p.by}: not applicable")
    where = f" by {p.by}" if p.by is not None else ""
    return (f"CV of {p.field} across the member schools, {kind}; {_g(points)} points{where} "
            f"({'; '.join(limits)}), linear between; fewer than 2 schools → not applicable")


# --- gap_to_lead: member schools' results against the lead school (龙头校) -----


class GapToLeadParams(Params):
    field: MemberNumericField
    role: MemberChoiceField
    lead: str = Field(min_length=1)
    full_at: float = Field(gt=0)
    zero_at: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> GapToLeadParams:
        if not self.zero_at < self.full_at:
            raise ValueError(f"zero_at ({self.zero_at:g}) must be below full_at ({self.full_at:g})")
        return self


def _gap_to_lead(p: GapToLeadParams, inp: MethodInput) -> Scored:
    """Mean over the non-lead schools of (school's figure / lead school's figure).

    Not applicable for a group without exactly one lead school (none, or two:
    the reference is then unknown or ambiguous), without any other school, with
    a lead figure of 0, or with a school whose figure or role is blank.
    Each school's `ratio` is reported; the lead school's is 1.
    """
    if inp.members is None:
        return _nothing_applies(inp)
    m = inp.members
    x = m.number(p.field)
    role_blank = np.asarray(m.missing[p.role], dtype=bool)
    is_lead = (np.asarray(m.column(p.role)).astype(str) == p.lead) & ~role_blank
    x0 = np.nan_to_num(x)

    leads = _per_unit(m, is_lead, inp.n)
    others = _per_unit(m, ~is_lead, inp.n)
    # With exactly one lead per group, the sum over lead rows is the lead's figure.
    lead_value = _per_unit(m, np.where(is_lead, x0, 0.0), inp.n)
    incomplete = _per_unit(m, np.isnan(x) | role_blank, inp.n) > 0
    na = (leads != 1) | (others == 0) | incomplete | ~(lead_value > 0)

    ratio = np.where(is_lead, 1.0, _divide(x0, lead_value[m.row]))
    ratio = np.where(na[m.row], np.nan, ratio)
    mean_ratio = np.where(na, np.nan, _divide(_per_unit(m, np.where(is_lead, 0.0, np.nan_to_num(ratio)), inp.n), others))
    points = _linear_share(mean_ratio, p.full_at, p.zero_at) * inp.points
    return Scored(points=np.where(na, 0.0, points), value=mean_ratio, not_applicable=na,
                  member_values={"ratio": ratio})


def _validate_gap_to_lead(p: GapToLeadParams, fields: Mapping[str, FieldSpec]) -> None:
    # A lead value the role field can never hold would make every group not applicable.
    allowed = fields[p.role].values
    if allowed is not None and p.lead not in allowed:
        raise ValueError(f"lead: {p.lead!r} is not a value of enum field {p.role!r} ({', '.join(allowed)})")


def _describe_gap_to_lead(p: GapToLeadParams, points: float) -> str:
    return (f"mean of {p.field} / the {p.role} = {p.lead!r} school's {p.field} over the other schools; "
            f"full {_g(points)} at ≥ {_g(p.full_at)}, 0 at ≤ {_g(p.zero_at)}, linear between; "
            "no single lead school → not applicable")


# --- improvement: this figure against a baseline of the same row -------------


class ImprovementParams(Params):
    field: NumericField
    baseline: NumericField
    full_at: float
    zero_at: float

    @model_validator(mode="after")
    def _ordered(self) -> ImprovementParams:
        if not self.zero_at < self.full_at:
            raise ValueError(f"zero_at ({self.zero_at:g}) must be below full_at ({self.full_at:g})")
        return self


def _improvement(p: ImprovementParams, inp: MethodInput) -> Scored:
    """Relative change (field − baseline) / |baseline|; a baseline of 0 → not applicable.

    Dividing by |baseline| keeps the sign of the change for a negative baseline
    (a rise is an improvement whatever the baseline's sign).
    """
    value = inp.number(p.field)
    base = inp.number(p.baseline)
    na = base == 0
    change = _divide(value - base, np.abs(base))
    points = _linear_share(change, p.full_at, p.zero_at) * inp.points
    return Scored(points=np.where(na, 0.0, points), value=change, not_applicable=na)


def _describe_improvement(p: ImprovementParams, points: float) -> str:
    return (f"({p.field} − {p.baseline}) / |{p.baseline}|; full {_g(points)} at ≥ {_g(p.full_at)}, "
            f"0 at ≤ {_g(p.zero_at)}, linear between; {p.baseline} = 0 → not applicable")


METHODS: tuple[Method, ...] = (
    Method("balance_cv", BalanceCVParams, _balance_cv,
           "差异系数: enrolment-weighted CV of a member figure across a group's schools, lower is better",
           _describe_balance_cv, validate=_validate_balance_cv, member_values=("contribution", "relative")),
    Method("gap_to_lead", GapToLeadParams, _gap_to_lead,
           "member schools' figure as a share of the lead school's (龙头校), mean over the members",
           _describe_gap_to_lead, validate=_validate_gap_to_lead, member_values=("ratio",)),
    Method("improvement", ImprovementParams, _improvement,
           "relative change of a figure against its baseline (this year against last)", _describe_improvement),
)
