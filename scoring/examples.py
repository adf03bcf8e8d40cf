"""A rubric's worked examples (`[[example]]`), scored and compared with what they expect."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import ScoringError
from .plan import Rubric

if TYPE_CHECKING:
    from .engine import Engine

EXAMPLE_UNIT = "example"
TOLERANCE = 0.005  # item points are shown to two places; a figure within half a cent agrees


@dataclass(frozen=True)
class ExampleOutcome:
    index: int
    title: str
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.problems


def run_examples(engine: Engine, rubric: Rubric) -> list[ExampleOutcome]:
    outcomes = []
    for k, ex in enumerate(rubric.model.example):
        rows = [ex.evidence] if ex.evidence is not None else list(ex.rows or [])
        info = rubric.model.rubric
        # The example's own rows are the unit; rows with a parent key are its
        # members (a school of the group), kept under their own ids.
        rows = [
            {**row, info.parent_column: EXAMPLE_UNIT} if row.get(info.parent_column)
            else {**row, info.id_column: EXAMPLE_UNIT}
            for row in rows
        ]
        problems: list[str] = []
        try:
            unit = engine.score(rubric, rows).unit(EXAMPLE_UNIT)
        except ScoringError as exc:
            outcomes.append(ExampleOutcome(k, ex.title, (f"cannot be scored: {exc}",)))
            continue
        want = ex.expect

        def near(label: str, got: float | None, expected: float) -> None:
            if got is None or abs(got - expected) > TOLERANCE:
                problems.append(f"{label}: expected {expected:g}, got {got}")

        if want.status is not None and unit.status != want.status:
            problems.append(f"status: expected {want.status}, got {unit.status}")
        if want.score is not None:
            near("score", unit.score, want.score)
        if want.bonus is not None:
            near("bonus", unit.bonus, want.bonus)
        if want.grade is not None and unit.grade != want.grade:
            problems.append(f"grade: expected {want.grade}, got {unit.grade}")
        vetoes = [v.id for v in unit.vetoes]
        if want.vetoed is not None and bool(vetoes) != want.vetoed:
            problems.append(f"vetoed: expected {want.vetoed}, got {bool(vetoes)}")
        if want.vetoes is not None and sorted(vetoes) != sorted(want.vetoes):
            problems.append(f"vetoes: expected {sorted(want.vetoes)}, got {sorted(vetoes)}")
        for ind_id, expected in (want.indicators or {}).items():
            got = unit.indicators.get(ind_id)
            if got is None:
                problems.append(f"indicator {ind_id!r} is not in the rubric")
            else:
                near(f"indicator {ind_id}", got.points, expected)
        for dim_id, expected in (want.dimensions or {}).items():
            dim = unit.dimensions.get(dim_id)
            if dim is None:
                problems.append(f"dimension {dim_id!r} is not in the rubric")
            else:
                near(f"dimension {dim_id}", dim["points"], expected)
        if want.consequences is not None:
            got_c = sorted(c.id for c in unit.consequences)
            if got_c != sorted(want.consequences):
                problems.append(f"consequences: expected {sorted(want.consequences)}, got {got_c}")
        outcomes.append(ExampleOutcome(k, ex.title, tuple(problems)))
    return outcomes
