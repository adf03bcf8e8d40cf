"""The result of a scoring job: columns for every unit, views built on demand.

The engine keeps results as columns (one array per indicator, dimension,
phase, veto, consequence), so a million units cost arrays, not a million
objects. `Result.unit(id)` and `Result.units()` build typed per-unit views
when asked, and `Result.explain(id)` builds a unit's explanation.
"""

from __future__ import annotations

import importlib.util
import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .aggregate import Totals
from .consequences import GRANTED, Consequences, total_in_fen
from .decide import NO_GRADE, Decisions
from .errors import UsageError
from .evidence import Evidence, Rejection
from .notices import as_notice
from .indicators import IndicatorColumns
from .layout import Layout
from .plan import Rubric
from .overrides import Override, quota_vacancies
from .report.data import reason_phrases, report_block, run_time, unit_texts
from .previous import Previous
from .review import statuses
from .rounding import round_half_up
from .panels import figures_of, has_panel, unit_panel
from .stages import SelfAssessment, unit_stage

if TYPE_CHECKING:  # imported where used: a job that writes a file needs none of them (start-up time)
    from .amend import Amendment
    from .analysis.margins import Margins
    from .analysis.sensitivity import Sensitivity
    from .analysis.stats import Statistics
    from .explain import Explanation
    from .member_results import MemberResults

Status = Literal["scored", "not_applicable"]


@dataclass(frozen=True)
class IndicatorResult:
    points: float
    max: float
    value: float | bool | str | None
    status: Status


@dataclass(frozen=True)
class VetoResult:
    id: str
    title: str
    effect: str
    grade: str | None = None


@dataclass(frozen=True)
class ConsequenceResult:
    id: str
    title: str
    amount: float | None
    reason: str
    applies_to: str = "unit"
    person: str | None = None


@dataclass(frozen=True)
class UnitResult:
    """One unit's result. `score`, `grade` and `rank` are None when nothing applied."""

    id: str
    status: Literal["scored", "not_assessable", "review_ended"]
    score: float | None
    grade: str | None
    rank: int | None
    base: float | None
    bonus: float | None
    phases: dict[str, float | None]
    dimensions: dict[str, dict[str, float]]
    indicators: dict[str, IndicatorResult]
    vetoes: list[VetoResult]
    consequences: list[ConsequenceResult]
    # Member rows of the final period (the schools of a group) and what each
    # member-level method reported for them: {"id", "values": {indicator: {name: v}}}.
    members: list[dict[str, Any]] = field(default_factory=list)
    # Committee decisions on this unit, each with the rule's decision beside it.
    overrides: list[dict[str, Any]] = field(default_factory=list)
    # Corrections made to this unit's evidence before scoring (--amend).
    amendments: list[dict[str, Any]] = field(default_factory=list)
    # For people (the JSON result holds them under "report"): the unit's name
    # (the rubric's `name` field) and why a veto or a grade's `require` set its grade.
    name: str = ""
    reason: str = ""
    # Distance to the next grade and to each quota's cut (scoring.analysis.margins).
    margins: dict[str, Any] | None = None
    # Each rater's points beside the combined figure (scoring.panels), and the
    # self-assessment with its gap to the review (scoring.stages).
    panel: dict[str, Any] | None = None
    self_assessment: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "score": self.score,
            "grade": self.grade,
            "rank": self.rank,
            "base": self.base,
            "bonus": self.bonus,
            "phases": self.phases,
            "dimensions": self.dimensions,
            "indicators": {k: vars(v) for k, v in self.indicators.items()},
            "vetoes": [vars(v) for v in self.vetoes],
            "consequences": [vars(c) for c in self.consequences],
            **({"members": self.members} if self.members else {}),
            **({"overrides": self.overrides} if self.overrides else {}),
            **({"amendments": self.amendments} if self.amendments else {}),
            **({"margins": self.margins} if self.margins is not None else {}),
            **({"panel": self.panel} if self.panel is not None else {}),
            **({"self_assessment": self.self_assessment} if self.self_assessment is not None else {}),
        }


@dataclass(frozen=True)
class Provenance:
    rubric_id: str
    rubric_version: str
    rubric_sha256: str
    evidence_source: str
    evidence_sha256: str
    rows_read: int
    rows_scored: int
    rows_rejected: int
    engine_version: str
    plugins: tuple[dict[str, str], ...]


def _num(x: float, places: int) -> float | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return float(round_half_up(np.array([x]), places)[0])


def _value(v: object) -> float | bool | str | None:
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (np.floating, float, np.integer, int)):
        f = float(v)
        return None if math.isnan(f) or math.isinf(f) else float(round_half_up(np.array([f]), 4)[0])
    return None if v is None else str(v)


VIEW_CHUNK = 4096  # units whose views are built together, each column rounded once for them


def _nums(values: np.ndarray, places: int) -> list[float | None]:
    """Half-up rounded figures; NaN becomes None."""
    rounded = round_half_up(values, places)
    out: list[float | None] = rounded.tolist()
    for k in np.flatnonzero(np.isnan(rounded)).tolist():
        out[k] = None
    return out


def _points(values: np.ndarray, places: int) -> list[float]:
    """Half-up rounded points; NaN (nothing earned) becomes 0.0."""
    rounded = round_half_up(values, places)
    out: list[float] = np.where(np.isnan(rounded), 0.0, rounded).tolist()
    return out


def _values(values: np.ndarray) -> list[float | bool | str | None]:
    """Measured values as `_value` shows them, a column at a time."""
    kind = values.dtype.kind
    if kind == "b":
        return values.tolist()  # type: ignore[no-any-return]
    if kind in "iuf":
        rounded = round_half_up(values.astype(np.float64), 4)
        out: list[float | bool | str | None] = rounded.tolist()
        for k in np.flatnonzero(~np.isfinite(rounded)).tolist():
            out[k] = None
        return out
    if kind in "US":
        return [str(v) for v in values.tolist()]
    return [_value(v) for v in values.tolist()]


@dataclass(frozen=True)
class Result:
    rubric: Rubric
    evidence: Evidence
    layout: Layout
    items: Sequence[IndicatorColumns]  # computed when first read (indicators.ScoredItems)
    totals: Totals
    decisions: Decisions
    consequences: Consequences
    provenance: Provenance
    warnings: tuple[str, ...] = ()
    overrides: tuple[Override, ...] = ()   # committee decisions applied (overrides.py)
    stages: SelfAssessment | None = None   # the self-assessment beside the review (stages.py)
    _index: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    _decided: dict[str, dict[str, Override]] = field(default_factory=dict, repr=False, compare=False)
    _amended: dict[str, list[Amendment]] = field(default_factory=dict, repr=False, compare=False)
    # The grouping field of the summary's statistics by group (`scoring run --by`).
    group_by: str | None = None
    # When the result was made (UTC; SOURCE_DATE_EPOCH fixes it), for the reports' 说明.
    created: str = field(default_factory=run_time, compare=False)
    # The earlier results' columns the consequences read (`previous.*`, `history.*`) and where
    # each is missing, kept so `scoring explain` can show a unit the figures its rules read.
    looking_back: tuple[dict[str, np.ndarray], dict[str, np.ndarray]] | None = field(
        default=None, repr=False, compare=False)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    # --- columns -----------------------------------------------------------
    @property
    def unit_ids(self) -> np.ndarray:
        return self.layout.unit_ids

    @property
    def scores(self) -> np.ndarray:
        return self.decisions.score

    @property
    def grades(self) -> np.ndarray:
        names = np.array([g.name for g in self.rubric.model.grade] + [""], dtype=object)
        out: np.ndarray = names[self.decisions.grade]
        out[self.decisions.grade == NO_GRADE] = None
        return out

    @property
    def ranks(self) -> np.ndarray:
        return self.decisions.rank

    @property
    def rejected(self) -> list[Rejection]:
        return self.evidence.rejected

    @property
    def detail_precision(self) -> int:
        # Item and dimension points are shown with at least two places, so a
        # reader can see the rescale at work; the total is at the rubric's own.
        return max(self.rubric.model.rubric.precision, 2)

    def order(self) -> np.ndarray:
        """Unit indices in reading order: by rank, then id; unranked units last."""
        rank = np.nan_to_num(self.decisions.rank, nan=np.inf)
        return np.lexsort((self.layout.unit_ids, rank))

    # --- per-unit views ----------------------------------------------------
    def index_of(self, unit_id: str) -> int:
        if not self._index:
            self._index.update({str(u): i for i, u in enumerate(self.layout.unit_ids.tolist())})
        try:
            return self._index[unit_id]
        except KeyError:
            raise UsageError(
                f"no unit {unit_id!r} in the result; units are identified by the evidence's id column"
            ) from None

    def unit(self, unit_id: str) -> UnitResult:
        return self._unit(self.index_of(unit_id))

    def units(self) -> Iterator[UnitResult]:
        order = self.order()
        for lo in range(0, order.shape[0], VIEW_CHUNK):
            yield from self._units(order[lo:lo + VIEW_CHUNK])

    def _unit(self, i: int) -> UnitResult:
        return self._units(np.array([i], dtype=np.int64))[0]

    def _units(self, rows: np.ndarray) -> list[UnitResult]:
        """The views of units `rows`, each column rounded once for all of them."""
        model = self.rubric.model
        d, t, cq = self.decisions, self.totals, self.consequences
        p = model.rubric.precision
        dp = self.detail_precision
        ids = [str(u) for u in self.layout.unit_ids[rows].tolist()]
        status = statuses(self, rows).tolist()
        grade_index = d.grade[rows].tolist()
        ranks = d.rank[rows].tolist()
        score = _nums(d.score[rows], p)
        base, bonus = _nums(t.base[rows], dp), _nums(t.bonus[rows], dp)
        phases = {k: _nums(v[rows], dp) for k, v in t.phase_scores.items()}
        dim_points = {dim.id: _points(t.dimension_points[dim.id][rows], dp) for dim in model.dimension}
        dim_max = {dim.id: t.dimension_max[dim.id][rows].tolist() if dim.kind == "base" else None
                   for dim in model.dimension}
        ind_points = [_points(col.points[rows], dp) for col in self.items]
        ind_values = [_values(col.value[rows]) for col in self.items]
        ind_app = [col.applicable[rows].tolist() for col in self.items]
        vetoed = d.vetoes[rows].tolist()
        granted = (cq.status[rows] == GRANTED).tolist()
        margins = self.margins().entries(rows)
        names = unit_texts(self, model.rubric.name, rows) if model.rubric.name else [""] * len(ids)
        reasons = reason_phrases(self, rows)
        veto_specs = [VetoResult(v.id, v.title, v.effect, v.grade) for v in model.veto]
        grade_names = [g.name for g in model.grade]
        out = []
        for k, i in enumerate(rows.tolist()):
            indicators = {
                ind.id: IndicatorResult(points=ind_points[j][k], max=ind.points, value=ind_values[j][k],
                                        status="scored" if ind_app[j][k] else "not_applicable")
                for j, ind in enumerate(self.rubric.indicators)
            }
            consequences = [self._consequence(i, j) for j, hit in enumerate(granted[k]) if hit]
            rank = ranks[k]
            out.append(UnitResult(
                id=ids[k],
                status=status[k],
                score=score[k],
                grade=grade_names[grade_index[k]] if grade_index[k] != NO_GRADE else None,
                rank=None if math.isnan(rank) else int(rank),
                base=base[k],
                bonus=bonus[k],
                phases={name: column[k] for name, column in phases.items()},
                dimensions={
                    dim.id: {"points": dim_points[dim.id][k],
                             "max": dim_max[dim.id][k] if dim.kind == "base" else dim.points}  # type: ignore[index]
                    for dim in model.dimension
                },
                indicators=indicators,
                vetoes=[veto_specs[j] for j, hit in enumerate(vetoed[k]) if hit],
                consequences=consequences,
                members=self._members_of(i),
                margins=margins[k],
                name=names[k],
                reason=reasons[k],
                overrides=[o.to_dict() for o in self.overrides_of(ids[k]).values()],
                amendments=[a.to_dict() for a in self.amendments_of(ids[k])],
                panel=self.panel_of(i),
                self_assessment=self.self_assessment_of(i),
            ))
        return out

    def panel_of(self, i: int) -> dict[str, Any] | None:
        """Unit `i`'s rater panels (each rater's points, the combined figure), or None without a panel."""
        if not has_panel(self.items):
            return None
        if "panel_figures" not in self._cache:
            self._cache["panel_figures"] = figures_of(self.rubric, self.items)
        return unit_panel(self.rubric, self.layout, self._cache["panel_figures"], i, self.detail_precision)

    def self_assessment_of(self, i: int) -> dict[str, Any] | None:
        """Unit `i`'s self-assessment and its gap to the review, or None without one."""
        return None if self.stages is None else unit_stage(self.rubric, self.stages, i)

    def _consequence(self, i: int, j: int) -> ConsequenceResult:
        c = self.rubric.model.consequence[j]
        cq = self.consequences
        paid = self.rubric.payouts[j] is not None
        person = None
        if c.applies_to == "person":
            named = cq.persons[j]
            person = f"{c.person_role} {named[i]}".strip() if named is not None else c.person_role
        from .explain import consequence_reason

        reason = consequence_reason(self, i, j)
        decided = self.overrides_of(str(self.layout.unit_ids[i])).get(c.id) if self.overrides else None
        if decided is not None:
            paid = paid or decided.decision.action == "set"
            reason = f"committee decision: {decided.line()}"
        return ConsequenceResult(c.id, c.title, float(cq.amounts[i, j]) if paid else None, reason,
                                 c.applies_to, person)

    def overrides_of(self, unit_id: str) -> dict[str, Override]:
        """The committee's decisions on one unit, by target (a consequence id or "grade")."""
        if self.overrides and not self._decided:
            for o in self.overrides:
                self._decided.setdefault(o.decision.unit, {})[o.decision.target] = o
        return self._decided.get(unit_id, {})

    def amendments_of(self, unit_id: str) -> list[Amendment]:
        """The corrections made to one unit's evidence rows before scoring."""
        if self.evidence.amendments and not self._amended:
            for a in self.evidence.amendments:
                self._amended.setdefault(a.unit, []).append(a)
        return self._amended.get(unit_id, [])

    def _members_of(self, i: int) -> list[dict[str, Any]]:
        m = self.layout.members
        if m is None:
            return []
        # Member rows are sorted by frame, and a unit's frames are consecutive, so
        # its members are one slice. Those of the final period are listed; those
        # of an earlier period only where an item reported a figure for them (a
        # hazard register's rows, filed under the quarter each hazard was found
        # in, scored every quarter), and they say which period.
        last = self.layout.last[i]
        lo = np.searchsorted(m.frame, self.layout.starts[i], "left")
        hi = np.searchsorted(m.frame, last, "right")
        out = []
        for k in range(int(lo), int(hi)):
            frame = int(m.frame[k])
            if frame != last and not any(np.isfinite(arr[k]) for col in self.items if col.member_values
                                         for arr in col.member_values.values()):
                continue
            values = {
                ind.id: {name: _value(arr[k]) for name, arr in col.member_values.items()}
                for ind, col in zip(self.rubric.indicators, self.items) if col.member_values
            }
            named = self._member_name(k)
            period = {"period": str(self.layout.frame_period[frame])} if frame != last else {}
            own = self._member_result(k)
            out.append({"id": str(m.ids[k]), **({"name": named} if named else {}), **period, "values": values,
                        **({"result": own} if own is not None else {})})
        return out

    def member_results(self) -> MemberResults | None:
        """Each member row's own result ([member_result]), computed once; None without one."""
        if "member_results" not in self._cache:
            from .member_results import member_results

            self._cache["member_results"] = member_results(self)
        found: MemberResults | None = self._cache["member_results"]
        return found

    def _member_result(self, k: int) -> dict[str, Any] | None:
        """Member row `k`'s own score and grade ({"score": None, "grade": None} when it has none)."""
        own = self.member_results()
        if own is None:
            return None
        score = float(own.score[k])
        return {"score": None if math.isnan(score) else score, "grade": own.grade[k]}

    def _member_name(self, k: int) -> str | None:
        """Member row `k`'s name (the rubric's `name` field: a school's, a hazard source's); None or "" when it has none."""
        field_name = self.rubric.model.rubric.name
        m = self.layout.members
        if field_name is None or m is None or field_name not in m.columns:
            return None
        return "" if m.missing[field_name][k] else str(m.columns[field_name][k])

    # --- whole result ------------------------------------------------------
    def header(self) -> dict[str, Any]:
        pv = self.provenance
        return {
            "rubric": {"id": pv.rubric_id, "version": pv.rubric_version, "sha256": pv.rubric_sha256},
            "engine": {"version": pv.engine_version, "plugins": list(pv.plugins)},
            "evidence": {
                "source": pv.evidence_source, "sha256": pv.evidence_sha256, "rows": pv.rows_read,
                "scored": pv.rows_scored, "rejected": pv.rows_rejected,
            },
            # Structured: {code, unit, field, message} each (see scoring.notices).
            "warnings": [as_notice(w).to_dict() for w in self.warnings],
        }

    def to_dict(self) -> dict[str, Any]:
        """The JSON document the CLI writes, as Python objects."""
        # Parsing the column-by-column text is several times faster than
        # building a million units' views, and gives exactly the same document.
        out: dict[str, Any] = json.loads(self.to_json())
        return out

    def to_json(self) -> str:
        """The JSON document (indented by 2), formatted column by column (see `scoring.unit_table`)."""
        from .unit_table import document_json

        return document_json(self)

    def to_arrow(self) -> Any:
        """One row per unit, in reading order, as a `pyarrow.Table`.

        The columns are listed in `scoring.unit_table.arrow_table`; the header,
        rejected rows and summary are in the schema's metadata.
        """
        from .unit_table import arrow_table

        return arrow_table(self)

    def to_pandas(self) -> Any:
        """The table of `to_arrow()` as a pandas DataFrame (needs pandas: the `pandas` extra)."""
        if importlib.util.find_spec("pandas") is None:
            raise ImportError("Result.to_pandas() needs pandas: pip install 'scoring[pandas]'")
        return self.to_arrow().to_pandas()

    def summary(self) -> dict[str, Any]:
        model = self.rubric.model
        grades = {g.name: int((self.decisions.grade == k).sum()) for k, g in enumerate(model.grade)}
        cons: dict[str, dict[str, Any]] = {}
        for j, c in enumerate(model.consequence):
            entry: dict[str, Any] = {
                "title": c.title, "units": int(self.consequences.granted[:, j].sum()),
                # Summed exactly in fen, so the total is the sum of the figures paid.
                "amount": float(total_in_fen(self.consequences.amounts[:, j])) / 100,
            }
            budget = self.consequences.budgets[j]
            if budget is not None:
                entry["pool"] = {"total": budget.total, "used": budget.used, "units": budget.units, "rule": budget.rule}
            cons[c.id] = entry
        out = {
            "units": int(self.layout.n_units),
            "not_assessable": int((~self.totals.assessable).sum()),
            **({"review_ended": int(self.decisions.ended.sum())} if self.decisions.ended.any() else {}),
            "vetoed": int(self.decisions.vetoed.sum()),
            "grades": grades,
            "consequences": cons,
            "statistics": self.statistics().to_dict(),
        }
        if self.group_by:
            out["statistics_by"] = self.statistics(self.group_by).to_dict()
        return out

    # --- analysis (scoring.analysis) ----------------------------------------
    def statistics(self, by: str | None = None) -> Statistics:
        """Indicator, dimension, veto and grade statistics, overall or by field `by` (computed once:
        the summary and the report's tables both show them)."""
        from .analysis.stats import statistics

        key = "statistics" if by is None else f"statistics by {by}"
        if key not in self._cache:
            self._cache[key] = statistics(self, by)
        found: Statistics = self._cache[key]
        return found

    def sensitivity(self, *, draws: int = 1000, spread: float = 0.1, seed: int = 0,
                    level: Literal["dimension", "indicator"] = "dimension",
                    previous: Previous | None = None) -> Sensitivity:
        """Grade, rank and quota stability under weights perturbed within `spread` (see scoring.analysis)."""
        from .analysis.sensitivity import sensitivity

        return sensitivity(self, draws=draws, spread=spread, seed=seed, level=level, previous=previous)

    def margins(self) -> Margins:
        """Each unit's distance to the next grade and to every quota's cut (computed once)."""
        if "margins" not in self._cache:
            from .analysis.margins import unit_margins

            self._cache["margins"] = unit_margins(self)
        found: Margins = self._cache["margins"]
        return found

    def explain(self, unit_id: str) -> Explanation:
        from .explain import explain_unit

        return explain_unit(self, self.index_of(unit_id))
