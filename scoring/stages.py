"""Self-assessment (自评) and review (复评): the same fields filled twice.

Evidence rows name their stage in the rubric's `[stages] column` (`self`,
`review`, or the rubric's labels such as 自评 and 复评), in one file, as
offices keep it. The review rows are scored: they give the score, grade,
rank, vetoes and consequences. The self-assessment rows are scored the same
way on their own (items, rescaling, periods, members, panels, vetoes and
grades of the rubric), and kept beside the review:

- `self.score`, `self.grade`, `self.vetoed`, `self.base`, `self.bonus`, each
  phase and dimension (`self.<id>`) and each item's points
  (`self.points_<id>`) may be read by consequence conditions and amounts, e.g.
  `when = "self.score - score > 10"` for 自评失实;
- the gap (self − review) of the total and of each item is in the result,
  in `scoring explain` and in the reports.

A unit reviewed without a self-assessment has no `self.*` (a condition
reading it does not hold) and is named in a warning; a unit that assessed
itself but was not reviewed is not scored, and is named in a warning too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .aggregate import Totals, aggregate
from .decide import NO_GRADE, Decisions, decide
from .errors import EvidenceError
from .evidence import Evidence, take_rows
from .indicators import IndicatorColumns, score_indicators
from .layout import Layout, build_layout
from .notices import Notice
from .panel_rows import REVIEW, SELF
from .plan import Rubric
from .rounding import round_half_up


def split(evidence: Evidence) -> tuple[Evidence, Evidence | None]:
    """The review rows (scored) and the self-assessment rows (None when the evidence has no stage column)."""
    if evidence.stages is None:
        return evidence, None
    mine = evidence.stages == SELF
    review = take_rows(evidence, np.flatnonzero(~mine))
    if review.rows == 0:
        raise EvidenceError(f"no review rows: all {evidence.rows} rows are self-assessment; the review (复评) is "
                            "what is scored, so add its rows (stage review)", path=evidence.source)
    return review, take_rows(evidence, np.flatnonzero(mine))


@dataclass(frozen=True)
class SelfAssessment:
    """The self-assessment scored on its own, aligned with the review's units.

    `assessed` is False where the unit has no self-assessment (every figure is
    then missing). Figures are as the result shows them: the score at the
    rubric's precision, points at the detail precision.
    """

    assessed: np.ndarray
    score: np.ndarray
    grade: np.ndarray            # grade names, "" where none
    vetoed: np.ndarray
    base: np.ndarray
    bonus: np.ndarray
    totals: dict[str, np.ndarray]  # phase and dimension totals
    points: dict[str, np.ndarray]  # item points, NaN where not applicable or not assessed
    gap: np.ndarray                # self.score - score, at the rubric's precision
    item_gap: dict[str, np.ndarray]
    warnings: tuple[Notice, ...] = field(default=())

    def columns(self) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """The `self.*` columns for consequence expressions, and where each is missing."""
        cols: dict[str, np.ndarray] = {"self.score": self.score, "self.grade": self.grade,
                                       "self.vetoed": self.vetoed, "self.base": self.base, "self.bonus": self.bonus}
        cols.update({f"self.{k}": v for k, v in self.totals.items()})
        cols.update({f"self.points_{k}": v for k, v in self.points.items()})
        missing = {k: (~self.assessed | (np.isnan(v) if v.dtype.kind == "f" else np.zeros(v.shape, dtype=bool)))
                   for k, v in cols.items()}
        return cols, missing


def _score_alone(rubric: Rubric, evidence: Evidence) -> tuple[Layout, Sequence[IndicatorColumns], Totals, Decisions]:
    from .panels import prepare

    combined, panel = prepare(rubric, evidence)
    layout = build_layout(combined, rubric.model)
    items = score_indicators(rubric, layout, None, panel)
    totals = aggregate(rubric, items, layout.n_units)
    return layout, items, totals, decide(rubric, layout, totals)


def score_self(rubric: Rubric, evidence: Evidence | None, review: Layout, review_score: np.ndarray,
               review_items: Sequence[IndicatorColumns]) -> SelfAssessment | None:
    """The self-assessment rows scored, aligned with `review`'s units; None for a rubric without stages.

    Evidence without the stage column (`evidence` None) is all review: every `self.*` figure is missing,
    and no unit is warned about."""
    model = rubric.model
    if model.stages is None:
        return None
    n = review.n_units
    p, dp = model.rubric.precision, max(model.rubric.precision, 2)
    warnings: list[Notice] = []
    if evidence is not None and evidence.rows:
        layout, items, totals, decisions = _score_alone(rubric, evidence)
        pos = np.searchsorted(review.unit_ids, layout.unit_ids)
        pos = np.clip(pos, 0, max(n - 1, 0))
        found = (review.unit_ids[pos] == layout.unit_ids) if n else np.zeros(layout.n_units, dtype=bool)
        alone = layout.unit_ids[~found].tolist()
        if alone:
            shown = ", ".join(alone[:5]) + (" ..." if len(alone) > 5 else "")
            warnings.append(Notice(f"{len(alone)} unit(s) assessed themselves but have no review rows, so they are "
                                   f"not scored ({shown})", "not_reviewed"))
        src, dst = np.flatnonzero(found), pos[found]
    else:
        layout, items, totals, decisions = None, [], None, None  # type: ignore[assignment]
        src = dst = np.zeros(0, dtype=np.int64)

    def spread(values: np.ndarray | None, fill: Any, dtype: Any) -> np.ndarray:
        out = np.full(n, fill, dtype=dtype)
        if values is not None and src.size:
            out[dst] = values[src]
        return out

    assessed = spread(None if totals is None else totals.assessable, False, bool)
    names_ = np.array([g.name for g in model.grade] + [""], dtype=object)
    grade = spread(None if decisions is None else names_[decisions.grade].astype(str), "", object)
    grade = np.where(assessed, grade, "").astype(str)
    score = spread(None if decisions is None else decisions.score, np.nan, np.float64)
    no_self = np.zeros(n, dtype=bool)
    no_self[dst] = True
    lacking = review.unit_ids[~no_self].tolist()
    if lacking and evidence is not None:
        shown = ", ".join(lacking[:5]) + (" ..." if len(lacking) > 5 else "")
        warnings.append(Notice(f"{len(lacking)} unit(s) have no self-assessment rows ({shown}); conditions on self.* "
                               "do not hold for them", "no_self_assessment"))
    totals_by: dict[str, np.ndarray] = {}
    if totals is not None:
        for name, v in {**totals.phase_scores, **totals.dimension_points}.items():
            totals_by[name] = round_half_up(spread(v, np.nan, np.float64), dp)
    else:
        totals_by = {k: np.full(n, np.nan) for k in [*model.phases, *(d.id for d in model.dimension)]}
    points: dict[str, np.ndarray] = {}
    item_gap: dict[str, np.ndarray] = {}
    for k, ind in enumerate(rubric.indicators):
        if not len(items):  # no self-assessment: nothing to compare, and the review's items are not read
            points[ind.id] = item_gap[ind.id] = np.full(n, np.nan)
            continue
        mine = spread(np.where(items[k].applicable, items[k].points, np.nan), np.nan, np.float64)
        mine = round_half_up(np.where(assessed, mine, np.nan), dp)
        theirs = np.where(review_items[k].applicable, round_half_up(review_items[k].points, dp), np.nan)
        points[ind.id] = mine
        item_gap[ind.id] = round_half_up(mine - theirs, dp)
    score = np.where(assessed, score, np.nan)
    return SelfAssessment(
        assessed=assessed, score=score, grade=grade,
        vetoed=spread(None if decisions is None else decisions.vetoed, False, bool),
        base=round_half_up(spread(None if totals is None else totals.base, np.nan, np.float64), dp),
        bonus=round_half_up(spread(None if totals is None else totals.bonus, np.nan, np.float64), dp),
        totals=totals_by, points=points, gap=round_half_up(score - review_score, p), item_gap=item_gap,
        warnings=tuple(warnings),
    )


def stage_columns(result_stages: SelfAssessment | None, model_stages: object, n: int,
                  names: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The `self.*` columns a result's consequences read: its self-assessment's, or all missing (a rubric with
    stages scored on evidence without the stage column); none for a rubric without stages."""
    if result_stages is not None:
        return result_stages.columns()
    if model_stages is None:
        return {}, {}
    cols = {k: np.full(n, sample[0] if sample.dtype.kind != "f" else np.nan, dtype=sample.dtype)
            for k, sample in names.items()}
    return cols, {k: np.ones(n, dtype=bool) for k in names}


def unit_stage(rubric: Rubric, stage: SelfAssessment, i: int) -> dict[str, Any] | None:
    """Unit `i`'s self-assessment for the JSON result; None where it has none."""
    if not bool(stage.assessed[i]):
        return None

    def num(x: float) -> float | None:
        return None if x != x else float(x)

    return {
        "score": num(float(stage.score[i])),
        "grade": str(stage.grade[i]) or None,
        "vetoed": bool(stage.vetoed[i]),
        "gap": num(float(stage.gap[i])),
        "indicators": {ind.id: {"points": num(float(stage.points[ind.id][i])),
                                "gap": num(float(stage.item_gap[ind.id][i]))} for ind in rubric.indicators},
    }


__all__ = ["NO_GRADE", "REVIEW", "SELF", "SelfAssessment", "score_self", "split", "stage_lines", "unit_stage"]


def stage_lines(doc: dict[str, Any] | None, review_score: float | None, w: Callable[..., str]) -> list[str]:
    """`scoring explain`'s lines for a unit's self-assessment (the dict `unit_stage` gives), in the words `w`
    gives (scoring.explain.Words)."""
    if doc is None:
        return [w("ex_stage_none")]

    def shown(x: float | None) -> str:
        return "—" if x is None else f"{x:g}"

    lines = [w("ex_stage_total", own=shown(doc["score"]), grade=doc["grade"] or w("ex_stage_no_grade"),
               vetoed=w("ex_stage_vetoed") if doc["vetoed"] else "", review=shown(review_score),
               gap=shown(doc["gap"]))]
    lines += [w("ex_stage_item", item=ind_id, own=shown(e["points"]), gap=shown(e["gap"]))
              for ind_id, e in doc["indicators"].items()]
    return lines
