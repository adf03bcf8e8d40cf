"""Vetoes that end a review (`[[veto]] ends_review = true`): the unit is not scored at all.

A failed prerequisite of a standardisation review (评审前提条件: no licence,
a major accident hazard left open) means the review does not go on: the
unit gets no score, no grade and no rank (不予评审), rather than a score that
is then vetoed. The unit's status is "review_ended". Such a unit is left out
of the ranking, as a unit with nothing to score is, so it never takes a place
above, between or below scored units, and a quota's share counts only the
units that were scored. It stays `vetoed`, so consequences on `vetoed` (通报,
no awards) still reach it; conditions that read its score, grade or rank do
not hold, as for any missing value.

Its items are still computed from whatever the evidence holds (the
explanation shows them), but they make no total.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .model import RubricModel

if TYPE_CHECKING:
    from .result import Result

SCORED, NOT_ASSESSABLE, REVIEW_ENDED = "scored", "not_assessable", "review_ended"


def ended_reviews(model: RubricModel, vetoes: np.ndarray, assessable: np.ndarray) -> np.ndarray:
    """Units (n,) whose review a veto with `ends_review` ended; `vetoes` is (n, n_vetoes)."""
    ends = np.array([v.ends_review for v in model.veto], dtype=bool)
    if not ends.any():
        return np.zeros(vetoes.shape[0], dtype=bool)
    out: np.ndarray = vetoes[:, ends].any(axis=1) & assessable
    return out


def statuses(result: Result, rows: np.ndarray) -> np.ndarray:
    """Each unit's status among `rows`: scored, not_assessable or review_ended."""
    assessable = result.totals.assessable[rows]
    out = np.full(assessable.shape[0], SCORED, dtype=object)
    out[~assessable] = NOT_ASSESSABLE
    out[result.decisions.ended[rows]] = REVIEW_ENDED
    return out
