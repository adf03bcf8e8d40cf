"""Work-safety methods: LEC risk of a unit's hazard sources (危险源).

Each hazard source of an enterprise is a member row under it (column
`parent` = the enterprise id). LEC (作业条件危险性评价法, Graham–Kinney) scores
a source D = L × E × C from three tabulated factors; the enterprise takes its
worst source. Levels are the rubric's grades on D, a value exactly on a
boundary taking the lower level: D > 320 重大 (red), 160 < D ≤ 320 较大
(orange), 70 < D ≤ 160 一般 (yellow), D ≤ 70 低 (blue).

Why the factors are enum fields and not numbers: the tables allow only
L ∈ {10, 6, 3, 1, 0.5, 0.2, 0.1}, E ∈ {10, 6, 3, 2, 1, 0.5} and
C ∈ {100, 40, 15, 7, 3, 1}. Declared as enums of those literals, a bad value
(L = 5) is refused by the evidence loader, row by row, naming the row, the
enterprise, the field, the value and the allowed ones, and with
`--on-error skip` only that enterprise is set aside. A numeric field checked
here could only stop the whole job (a method's error is the job's), and
evidence valid for the rubric's declared types would then fail to score.
The `validate` hook refuses, when the rubric loads, an enum that lists a value
outside the table. Enum values are compared as numbers, so "0.50" is 0.5.

Member fields without a roll-up cannot be required on member rows only (the
own row of the enterprise would be asked for them too), so rubrics declare the
factors `missing = "not_applicable"`. A source with a blank factor cannot be
rated, and leaving it out could understate the enterprise's risk, so the
enterprise is then not applicable on the item (not assessable: no level),
never rated on its other sources.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

import numpy as np

from scoring.plugin import FieldRef, FieldSpec, FloatArray, MemberRows, Method, MethodInput, Params, Scored

MemberEnumField = Annotated[str, FieldRef(("enum",), members=True)]

# The Graham–Kinney tables as used in Chinese practice (e.g. AQ/T 标准及各地风险分级管控指南).
ALLOWED: dict[str, tuple[float, ...]] = {
    "likelihood": (10, 6, 3, 1, 0.5, 0.2, 0.1),
    "exposure": (10, 6, 3, 2, 1, 0.5),
    "consequence": (100, 40, 15, 7, 3, 1),
}


class LecParams(Params):
    likelihood: MemberEnumField
    exposure: MemberEnumField
    consequence: MemberEnumField


def _factor(members: MemberRows, name: str) -> FloatArray:
    """An enum factor column as numbers, NaN where blank (the loader already refused other values)."""
    text = np.asarray(members.column(name)).astype(str)
    blank = np.asarray(members.missing[name], dtype=bool) | (text == "")
    out = np.full(text.shape, np.nan)
    out[~blank] = text[~blank].astype(np.float64)
    return out


def _lec(p: LecParams, inp: MethodInput) -> Scored:
    """Points and value: the worst D = L × E × C over the unit's sources.

    Member values: each source's `D`, and `worst` = 1 for the source(s) that
    set the unit's D (ties all marked), else 0. A unit with no source, or with
    a source whose L, E or C is blank, is not applicable.
    """
    n = inp.n
    if inp.members is None:  # no parent column: no unit has any source
        return Scored(points=np.zeros(n), value=np.full(n, np.nan), not_applicable=np.ones(n, dtype=bool))
    m = inp.members
    d = _factor(m, p.likelihood) * _factor(m, p.exposure) * _factor(m, p.consequence)
    sources = np.bincount(m.row, minlength=n)
    incomplete = np.bincount(m.row, weights=np.isnan(d).astype(np.float64), minlength=n) > 0
    na = (sources == 0) | incomplete
    worst = np.full(n, -np.inf)
    np.maximum.at(worst, m.row, np.nan_to_num(d, nan=-np.inf))
    worst = np.where(na, np.nan, worst)
    is_worst = np.where(np.isnan(worst[m.row]), np.nan, (d == worst[m.row]).astype(np.float64))
    return Scored(points=np.where(na, 0.0, worst), value=worst, not_applicable=na,
                  member_values={"D": d, "worst": is_worst})


def _validate_lec(p: LecParams, fields: Mapping[str, FieldSpec]) -> None:
    # An enum listing a value outside the table would let a factor the method cannot mean.
    for param, allowed in ALLOWED.items():
        name = getattr(p, param)
        for value in fields[name].values or []:
            try:
                number = float(value)
            except ValueError:
                number = float("nan")
            if number not in allowed:
                table = ", ".join(f"{a:g}" for a in allowed)
                raise ValueError(f"{param}: enum field {name!r} lists {value!r}, not an LEC {param} value ({table})")


def _describe_lec(p: LecParams, points: float) -> str:
    return (f"worst D = {p.likelihood} × {p.exposure} × {p.consequence} over the hazard sources, "
            f"at most {points:g}; no source, or a blank factor → not applicable")


METHODS: tuple[Method, ...] = (
    Method("lec", LecParams, _lec, "LEC: worst D = L × E × C over a unit's hazard sources (member rows)",
           _describe_lec, validate=_validate_lec, member_values=("D", "worst")),
)
