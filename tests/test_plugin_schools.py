"""scoring_schools: balance_cv, gap_to_lead and improvement, hand-computed through small rubrics."""

from __future__ import annotations

import math
from typing import Any

import pytest

import scoring
from tests.conftest import rubric_text, single_indicator

ENGINE = scoring.Engine()

FIELDS = """
[fields]
stage     = { type = "enum", values = ["小学", "初中", "幼儿园"] }
role      = { type = "enum", values = ["龙头校", "成员校"], missing = "not_applicable" }
pupils    = { type = "count", rollup = "sum" }
books     = { type = "number", rollup = "weighted_mean", weight = "pupils", missing = "not_applicable" }
exam      = { type = "number", rollup = "weighted_mean", weight = "pupils", missing = "not_applicable" }
exam_last = { type = "number", rollup = "weighted_mean", weight = "pupils", missing = "not_applicable" }
"""


def score(params: str, rows: list[dict[str, Any]], method: str, points: float = 10) -> scoring.Result:
    rubric = ENGINE.rubric_from_text(rubric_text(single_indicator(points, method, params), fields=FIELDS))
    return ENGINE.score(rubric, rows)


def group(gid: str, schools: list[tuple[str, int, float | None]], stage: str = "初中") -> list[dict[str, Any]]:
    """A group's own row and one member row per (school, pupils, books)."""
    rows: list[dict[str, Any]] = [{"id": gid, "stage": stage}]
    for sid, pupils, books in schools:
        rows.append({"id": sid, "parent": gid, "role": "成员校", "pupils": pupils, "books": books})
    return rows


# Three schools whose enrolments differ, so the weighted and unweighted CV differ:
#   S1 1000 pupils, 10 books each; S2 500 pupils, 6; S3 500 pupils, 4.
# weighted:   P = 2000, X̄ = (1000×10 + 500×6 + 500×4) / 2000 = 15000 / 2000 = 7.5
#             Σ (Pᵢ/P)(Xᵢ − X̄)² = 0.5×2.5² + 0.25×1.5² + 0.25×3.5² = 3.125 + 0.5625 + 3.0625 = 6.75
#             CV = √6.75 / 7.5 = 2.598076 / 7.5 = 0.346410   (CV² = 6.75 / 56.25 = 0.12)
#             contributions (Pᵢ/P)(Xᵢ − X̄)²/X̄²: 3.125/56.25 = 0.055556, 0.5625/56.25 = 0.01,
#             3.0625/56.25 = 0.054444 (they add up to 0.12 = CV²)
#             points: full at ≤ 0.30, 0 at ≥ 0.50: (0.50 − 0.346410) / 0.20 × 10 = 7.6795
# unweighted: mean = 20/3 = 6.6667; deviations 3.3333, −0.6667, −2.6667;
#             population variance = (11.1111 + 0.4444 + 7.1111) / 3 = 6.2222
#             CV = √6.2222 / 6.6667 = 2.494438 / 6.666667 = 0.374166   (CV² = 0.14)
#             points: (0.50 − 0.374166) / 0.20 × 10 = 6.2917
SCHOOLS = [("S1", 1000, 10.0), ("S2", 500, 6.0), ("S3", 500, 4.0)]
CV_PARAMS = 'field = "books"\nfull_at = 0.30\nzero_at = 0.50'


def test_balance_cv_weighted_by_enrolment():
    res = score(CV_PARAMS + '\nweight = "pupils"', group("G1", SCHOOLS), "balance_cv")
    g1 = res.unit("G1")
    assert g1.indicators["i"].value == pytest.approx(0.3464, abs=1e-4)
    assert g1.indicators["i"].points == pytest.approx(7.68, abs=0.005)
    assert g1.score == 76.8
    contributions = {m["id"]: m["values"]["i"]["contribution"] for m in g1.members}
    assert contributions == {"S1": 0.0556, "S2": 0.01, "S3": 0.0544}
    assert sum(contributions.values()) == pytest.approx(0.12, abs=1e-3)  # = CV²
    relative = {m["id"]: m["values"]["i"]["relative"] for m in g1.members}
    assert relative == {"S1": pytest.approx(10 / 7.5, abs=1e-4), "S2": 0.8, "S3": pytest.approx(4 / 7.5, abs=1e-4)}


def test_balance_cv_unweighted_uses_the_population_std():
    res = score(CV_PARAMS + "\nweighted = false", group("G1", SCHOOLS), "balance_cv")
    g1 = res.unit("G1")
    assert g1.indicators["i"].value == pytest.approx(math.sqrt(0.14), abs=1e-4)  # 0.374166, not 0.3464
    assert g1.indicators["i"].points == pytest.approx(6.29, abs=0.005)
    # unweighted contributions (1/3)(Xᵢ − X̄)²/X̄²: 11.1111/3/44.4444 = 0.0833, 0.0033, 0.0533 → 0.14
    assert {m["id"]: m["values"]["i"]["contribution"] for m in g1.members} == {"S1": 0.0833, "S2": 0.0033, "S3": 0.0533}


def test_balance_cv_thresholds_by_stage_and_not_applicable_groups():
    params = CV_PARAMS.replace("full_at = 0.30\nzero_at = 0.50", "") + (
        '\nweight = "pupils"\nby = "stage"\n'
        'thresholds = { "小学" = { full_at = 0.50, zero_at = 0.80 }, "初中" = { full_at = 0.45, zero_at = 0.75 } }'
    )
    rows = (
        group("P1", SCHOOLS, stage="小学")    # CV 0.346410 ≤ 0.50: full 10
        + group("J1", SCHOOLS, stage="初中")  # CV 0.346410 ≤ 0.45: full 10
        + group("K1", SCHOOLS, stage="幼儿园")  # no threshold for the stage: not applicable
        + group("J2", [("A", 300, 5.0)])      # one school: no spread, not applicable
        + group("J3", [("B", 300, 0.0), ("C", 200, 0.0)])  # X̄ = 0: CV undefined
        + group("J4", [("D", 300, 5.0), ("E", 200, None)])  # a school without the figure
        + group("J5", [("F", 400, 0.6), ("H", 100, 0.1)])
    )
    # J5: X̄ = (240 + 10) / 500 = 0.5; Σ = 0.8×0.1² + 0.2×0.4² = 0.008 + 0.032 = 0.04;
    #     CV = 0.2 / 0.5 = 0.4 ≤ 0.45: full 10
    res = score(params, rows, "balance_cv")
    assert res.unit("P1").score == 100.0 and res.unit("J1").score == 100.0
    assert res.unit("J5").indicators["i"].value == pytest.approx(0.4)
    for gid in ("K1", "J2", "J3", "J4"):
        unit = res.unit(gid)
        assert unit.indicators["i"].status == "not_applicable" and unit.status == "not_assessable", gid
    assert [m["values"]["i"]["contribution"] for m in res.unit("J4").members] == [None, None]


def test_balance_cv_parameters_are_checked_when_the_rubric_loads():
    with pytest.raises(scoring.RubricError, match="weighted = true needs weight"):
        score(CV_PARAMS, group("G1", SCHOOLS), "balance_cv")
    with pytest.raises(scoring.RubricError, match="full_at .* must be below zero_at"):
        score('field = "books"\nweight = "pupils"\nfull_at = 0.5\nzero_at = 0.3', [], "balance_cv")
    with pytest.raises(scoring.RubricError, match="'高中' is not a value of enum field 'stage'"):
        score('field = "books"\nweight = "pupils"\nby = "stage"\n'
              'thresholds = { "高中" = { full_at = 0.4, zero_at = 0.7 } }', [], "balance_cv")


def test_member_methods_without_any_member_rows_are_not_applicable():
    # Evidence with no parent column has no schools under any group: the item
    # applies to none (and a unit where nothing applies gets no grade).
    res = score(CV_PARAMS + '\nweight = "pupils"', [{"id": "G1", "stage": "初中", "pupils": 0}], "balance_cv")
    assert res.unit("G1").indicators["i"].status == "not_applicable" and res.unit("G1").grade is None


# --- gap_to_lead ----------------------------------------------------------------

GAP_PARAMS = 'field = "exam"\nrole = "role"\nlead = "龙头校"\nfull_at = 0.95\nzero_at = 0.75'


def exams(gid: str, schools: list[tuple[str, str, float]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [{"id": gid, "stage": "初中"}]
    rows += [{"id": s, "parent": gid, "role": r, "pupils": 100, "exam": x} for s, r, x in schools]
    return rows


def test_gap_to_lead_is_the_members_mean_ratio_to_the_lead_school():
    rows = (
        # lead 80; members 76 / 80 = 0.95 and 64 / 80 = 0.80; mean 0.875
        # points (0.875 − 0.75) / (0.95 − 0.75) × 20 = 0.625 × 20 = 12.5
        exams("G1", [("BS", "龙头校", 80.0), ("M66", "成员校", 76.0), ("M50", "成员校", 64.0)])
        # members 90 / 80 = 1.125 and 78 / 80 = 0.975: mean 1.05 ≥ 0.95, full 20
        + exams("G2", [("L2", "龙头校", 80.0), ("A2", "成员校", 90.0), ("B2", "成员校", 78.0)])
        # member 56 / 80 = 0.70 ≤ 0.75: 0
        + exams("G3", [("L3", "龙头校", 80.0), ("A3", "成员校", 56.0)])
    )
    res = score(GAP_PARAMS, rows, "gap_to_lead", points=20)
    g1 = res.unit("G1")
    assert g1.indicators["i"].value == 0.875 and g1.indicators["i"].points == 12.5
    assert {m["id"]: m["values"]["i"]["ratio"] for m in g1.members} == {"BS": 1.0, "M50": 0.8, "M66": 0.95}
    assert res.unit("G2").indicators["i"].points == 20 and res.unit("G2").indicators["i"].value == 1.05
    assert res.unit("G3").indicators["i"].points == 0 and res.unit("G3").indicators["i"].value == 0.7


def test_gap_to_lead_needs_exactly_one_lead_and_other_schools():
    rows = (
        exams("N0", [("A", "成员校", 70.0), ("B", "成员校", 60.0)])       # no lead school
        + exams("N2", [("C", "龙头校", 70.0), ("D", "龙头校", 60.0)])     # two lead schools: ambiguous
        + exams("N1", [("E", "龙头校", 70.0)])                           # the lead alone
        + exams("Z", [("F", "龙头校", 0.0), ("H", "成员校", 60.0)])       # lead figure 0
        + [{"id": "R", "stage": "初中"}, {"id": "J", "parent": "R", "pupils": 1, "exam": 70.0},
           {"id": "K", "parent": "R", "role": "龙头校", "pupils": 1, "exam": 70.0}]  # a school without a role
    )
    res = score(GAP_PARAMS, rows, "gap_to_lead", points=20)
    for gid in ("N0", "N2", "N1", "Z", "R"):
        assert res.unit(gid).indicators["i"].status == "not_applicable", gid


def test_gap_to_lead_refuses_a_lead_value_the_role_field_cannot_hold():
    with pytest.raises(scoring.RubricError, match="lead: '龙头' is not a value of enum field 'role'"):
        score(GAP_PARAMS.replace('"龙头校"', '"龙头"'), [], "gap_to_lead")


# --- improvement ------------------------------------------------------------------

IMPROVEMENT_PARAMS = 'field = "exam"\nbaseline = "exam_last"\nfull_at = 0.05\nzero_at = -0.05'


def test_improvement_on_the_groups_rolled_up_figures():
    rows = [
        # rolled up, weighted by pupils: this year (300×84 + 100×72) / 400 = 81, last (300×80 + 100×70) / 400 = 77.5
        # change (81 − 77.5) / 77.5 = 0.045161; points (0.045161 + 0.05) / 0.10 × 10 = 9.5161
        {"id": "G1", "stage": "初中"},
        {"id": "A", "parent": "G1", "role": "龙头校", "pupils": 300, "exam": 84, "exam_last": 80},
        {"id": "B", "parent": "G1", "role": "成员校", "pupils": 100, "exam": 72, "exam_last": 70},
        # (78 − 80) / 80 = −0.025: (−0.025 + 0.05) / 0.10 × 10 = 2.5
        {"id": "G2", "stage": "初中"},
        {"id": "C", "parent": "G2", "role": "龙头校", "pupils": 100, "exam": 78, "exam_last": 80},
        # a baseline of 0: not applicable
        {"id": "G3", "stage": "初中"},
        {"id": "D", "parent": "G3", "role": "龙头校", "pupils": 100, "exam": 78, "exam_last": 0},
        # (90 − 80) / 80 = 0.125 ≥ 0.05: full
        {"id": "G4", "stage": "初中"},
        {"id": "E", "parent": "G4", "role": "龙头校", "pupils": 100, "exam": 90, "exam_last": 80},
    ]
    res = score(IMPROVEMENT_PARAMS, rows, "improvement")
    assert res.unit("G1").indicators["i"].value == pytest.approx(0.0452, abs=1e-4)
    assert res.unit("G1").indicators["i"].points == pytest.approx(9.52, abs=0.005)
    assert res.unit("G2").indicators["i"].points == 2.5
    assert res.unit("G3").indicators["i"].status == "not_applicable"
    assert res.unit("G4").indicators["i"].points == 10


def test_improvement_thresholds_must_be_ordered():
    with pytest.raises(scoring.RubricError, match="zero_at .* must be below full_at"):
        score('field = "exam"\nbaseline = "exam_last"\nfull_at = -0.05\nzero_at = 0.05', [], "improvement")


def test_balance_cv_needs_two_schools_with_pupils_and_finite_figures():
    import scoring
    from tests.conftest import rubric_text, single_indicator

    engine = scoring.Engine()
    fields = '[fields]\nown = { type = "count" }\nx = { type = "number" }\npupils = { type = "count" }\n'
    body = single_indicator(10, "balance_cv", 'field = "x"\nweight = "pupils"\nfull_at = 0.2\nzero_at = 0.6')
    rubric = engine.rubric_from_text(rubric_text(body, fields=fields))
    rows = [{"id": "G", "own": 1}, {"id": "S1", "parent": "G", "x": 1.0, "pupils": 500},
            {"id": "S2", "parent": "G", "x": 5.0, "pupils": 0},  # an empty school: no second school to compare
            {"id": "H", "own": 1}, {"id": "T1", "parent": "H", "x": 1e200, "pupils": 10},
            {"id": "T2", "parent": "H", "x": 1e-300, "pupils": 10}]  # overflows: no measure, not full marks
    res = engine.score(rubric, rows)
    assert [res.unit(u).indicators["i"].status for u in ("G", "H")] == ["not_applicable", "not_applicable"]
