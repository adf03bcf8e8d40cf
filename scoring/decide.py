"""Decisions on the totals: vetoes, rounding, grades and ranks.

Grades and ranks compare the *rounded* total, as people read it: a unit shown
as 90.0 is graded as 90.0, whatever float the sum came out as.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .aggregate import Totals
from .layout import Layout
from .expr import Expression
from .plan import Rubric
from .ranking import rank_units
from .review import ended_reviews
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
    overall_rank: np.ndarray    # rank across all units, ignoring `within` (quotas use it)
    tie_keys: dict[str, np.ndarray]
    ended: np.ndarray           # (n_units,) bool: a veto with ends_review held (scoring.review)


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


def result_totals(totals: Totals) -> dict[str, np.ndarray]:
    """The unrounded totals a rubric can name: base, bonus, each phase and dimension."""
    return {"bonus": totals.bonus, "base": totals.base, **totals.phase_scores, **totals.dimension_points}


def build_env(
    wanted: set[str], layout: Layout, totals: Totals, precision: int, given: Mapping[str, np.ndarray]
) -> tuple[dict[str, object], dict[str, np.ndarray]]:
    """The columns a set of expressions reads: fields on the final period, and results.

    Only what is read: copying every field's final period would cost a column
    per field for nothing. Totals are offered rounded, as people read them.
    """
    env: dict[str, object] = {name: layout.final(name) for name in wanted if name in layout.columns}
    missing = {name: layout.final_missing(name) for name in wanted if name in layout.columns}
    results = result_totals(totals)
    env.update({k: round_half_up(v, precision) for k, v in results.items() if k in wanted})
    env.update(given)
    return env, missing


def veto_flags(rubric: Rubric, layout: Layout) -> np.ndarray:
    """A veto holds for a unit if its condition holds in any period."""
    flags = np.zeros((layout.n_units, len(rubric.vetoes)), dtype=bool)
    for j, expr in enumerate(rubric.vetoes):
        per_frame = holds(expr, layout.columns, layout.missing, layout.n_frames)
        # One frame a unit: the frames are the units (reduceat over every index would copy them).
        one_each = layout.single_period or not layout.n_frames
        flags[:, j] = per_frame if one_each else np.logical_or.reduceat(per_frame, layout.starts)
    return flags


def decide(rubric: Rubric, layout: Layout, totals: Totals) -> Decisions:
    model = rubric.model
    n = layout.n_units
    precision = model.rubric.precision
    vetoes = veto_flags(rubric, layout)
    zero = np.zeros(n, dtype=bool)
    fail = np.zeros(n, dtype=bool)
    forced = np.full(n, NO_GRADE, dtype=np.int64)
    names = [g.name for g in model.grade]
    for j in range(len(model.veto) - 1, -1, -1):  # backwards, so the first veto in the file wins
        veto = model.veto[j]
        if veto.effect == "grade":
            forced = np.where(vetoes[:, j], names.index(veto.grade or ""), forced)
        else:
            (zero if veto.effect == "zero" else fail)[:] |= vetoes[:, j]
    vetoed: np.ndarray = np.asarray(vetoes.any(axis=1)) if model.veto else np.zeros(n, dtype=bool)
    ended = ended_reviews(model, vetoes, totals.assessable)
    total = np.where(zero & totals.assessable, 0.0, totals.total)
    # An ended review has no score: no grade, no rank, left out of the ranking.
    score = np.where(ended, np.nan, round_half_up(total, precision))

    wanted = set().union(*(e.names for e in rubric.requires if e is not None))
    env, missing = build_env(wanted, layout, totals, precision, {"score": score, "vetoed": vetoed})

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
    grade = np.where(forced != NO_GRADE, forced, grade)
    grade = np.where(fail | zero, lowest, grade)  # fail and zero outrank a forced grade
    grade = np.where(totals.assessable & ~ended, grade, NO_GRADE)

    results = result_totals(totals)
    tie_keys = {name: round_half_up(results[name], precision) for name in model.rank.tie_break}
    put_last = vetoed if model.rank.vetoed == "last" else None
    groups = layout.final(model.rank.within) if model.rank.within else None
    keys = list(tie_keys.values())
    dense = model.rank.ties == "dense"
    # The score and tie keys are rounded to `precision`: ranked by counting (scoring.ranking).
    rank = rank_units(score, keys, put_last, groups, dense, places=precision)
    overall = rank if groups is None else rank_units(score, keys, put_last, None, dense, places=precision)

    return Decisions(
        vetoes=vetoes, vetoed=vetoed, score=np.where(totals.assessable, score, np.nan), grade=grade,
        grade_failed_require=failed & ~ended[:, None], rank=rank, overall_rank=overall, tie_keys=tie_keys,
        ended=ended,
    )
