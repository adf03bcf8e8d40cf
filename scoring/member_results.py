"""Each member row's own result: a school's score and grade under its group (`[member_result]`).

The assessed unit is the group, but a 督导评估 also judges each of its
schools. `[member_result]` gives every member row a score of its own: an
expression (`score`) over the member row's own numeric fields and the
figures the unit's member-row items report for it (`<indicator>_<name>`:
`exam_gap_ratio`, `balance_teachers_relative`), clipped to [0, scale] and
rounded half-up at the rubric's precision; then a grade from `grade`
(highest `min` first; a score below every `min` has none). A member whose
score reads a blank figure (a kindergarten with no exam, an item not
applicable to its group) has no result, as a condition on a missing value
does not hold. The unit's own score is not touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .rounding import round_half_up

if TYPE_CHECKING:
    from .result import Result


@dataclass(frozen=True)
class MemberResults:
    """Aligned with `Layout.members`: each member row's score (NaN: none) and grade (None: none)."""

    score: np.ndarray
    grade: list[str | None]


def member_results(result: Result) -> MemberResults | None:
    """The member rows' own results, or None when the rubric has no [member_result] or no member rows."""
    rubric, m = result.rubric, result.layout.members
    spec = rubric.model.member_result
    if spec is None or rubric.member_score is None or m is None:
        return None
    n = int(m.ids.shape[0])
    env: dict[str, object] = {}
    for name in rubric.member_score.names:
        if name in m.columns:
            env[name] = np.where(m.missing[name], np.nan, np.asarray(m.columns[name], dtype=np.float64))
    for ind, col in zip(rubric.indicators, result.items):
        for value, figures in (col.member_values or {}).items():
            key = f"{ind.id}_{value}"
            if key in rubric.member_score.names:
                env[key] = np.asarray(figures, dtype=np.float64)
    for name in rubric.member_score.names - set(env):
        env[name] = np.full(n, np.nan)  # a figure no item reported (its method did not run on members)
    with np.errstate(all="ignore"):
        raw = np.asarray(rubric.member_score.evaluate_number(env, n), dtype=np.float64)
    raw = np.where(np.isfinite(raw), np.clip(raw, 0.0, spec.scale), np.nan)
    score = round_half_up(raw, rubric.model.rubric.precision)
    grades: list[str | None] = [None] * n
    band = np.full(n, -1)
    for k in range(len(spec.grade) - 1, -1, -1):  # lowest band first, so the highest reached wins
        band = np.where(score >= spec.grade[k].min, k, band)
    for i in np.flatnonzero(band >= 0).tolist():
        grades[i] = spec.grade[int(band[i])].name
    return MemberResults(score, grades)
