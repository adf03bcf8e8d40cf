"""The bundled rubric group-school-supervision: its sample, its generator and its rules."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from tests.test_cli import scoring_cli

import scoring

REPO = Path(__file__).resolve().parent.parent
RUBRIC_ID = "group-school-supervision"
SAMPLES = REPO / "rubrics" / "samples"
SAMPLE = SAMPLES / "group-school-supervision.csv"
GENERATOR = SAMPLES / "generate_group_school_supervision.py"
BALANCE = ("balance_teachers", "balance_backbone", "balance_equipment")
SCHOOL_ITEMS = ("exam_gap", "exam_improvement") + BALANCE



@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("groups")
    proc = scoring_cli("run", RUBRIC_ID, "-o", "result.json", cwd=where)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("rows: 176 read, 176 scored, 0 rejected")
    return where


@pytest.fixture(scope="module")
def doc(run_dir: Path) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((run_dir / "result.json").read_text(encoding="utf-8"))
    return result


@pytest.fixture(scope="module")
def sample_rows() -> list[dict[str, str]]:
    with SAMPLE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def by_id(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {u["id"]: u for u in doc["units"]}


# --- (a) the real command on the bundled sample -------------------------------


def test_cli_scores_eleven_groups_with_a_plausible_grade_spread(doc):
    assert doc["rubric"]["id"] == RUBRIC_ID and doc["rejected"] == [] and len(doc["units"]) == 11
    grades = doc["summary"]["grades"]
    assert grades == {"优秀": 3, "良好": 2, "合格": 4, "不合格": 2}
    assert sum(1 for n in grades.values() if n) >= 3 and max(grades.values()) < 11
    for unit in doc["units"]:
        assert unit["status"] == "scored" and set(unit["phases"]) == {"process", "outcome"}


def test_each_school_is_listed_under_its_group_with_its_contribution(doc, sample_rows):
    schools: dict[str, list[str]] = defaultdict(list)
    lead: dict[str, str] = {}
    reviewed = [r for r in sample_rows if r["assessment"] == "复评"]  # the self-assessment repeats the schools
    stage = {r["id"]: r["stage"] for r in reviewed if not r["parent"]}
    for r in reviewed:
        if r["parent"]:
            schools[r["parent"]].append(r["id"])
            if r["role"] == "龙头校":
                lead[r["parent"]] = r["id"]
    assert sum(len(v) for v in schools.values()) == 44 and all(3 <= len(v) <= 6 for v in schools.values())
    for gid, unit in by_id(doc).items():
        members = {m["id"]: m["values"] for m in unit["members"]}
        assert sorted(members) == sorted(schools[gid]), gid
        if stage[gid] == "幼儿园":
            # no unified exams and no balance thresholds for kindergartens: rescaled away
            assert all(unit["indicators"][i]["status"] == "not_applicable" for i in SCHOOL_ITEMS)
            continue
        assert members[lead[gid]]["exam_gap"]["ratio"] == 1.0
        others = [v["exam_gap"]["ratio"] for s, v in members.items() if s != lead[gid]]
        assert unit["indicators"]["exam_gap"]["value"] == pytest.approx(sum(others) / len(others), abs=1e-3)
        for item in BALANCE:
            cv = unit["indicators"][item]["value"]
            contributions = [v[item]["contribution"] for v in members.values()]
            # each school's share of CV²; shown to 4 places, so they add up to CV² within rounding
            assert sum(contributions) == pytest.approx(cv**2, abs=5e-4), (gid, item)


def test_the_fund_the_pay_coefficients_and_criticism(doc):
    units = doc["units"]
    fund = [c["amount"] for u in units for c in u["consequences"] if c["id"] == "award_fund"]
    assert round(sum(fund), 2) == 1_000_000.00 and len(fund) == 9  # every group but the two 不合格
    coefficient = {"优秀": 1.2, "良好": 1.1, "合格": 1.0, "不合格": 0.9}
    for u in units:
        got = {c["id"]: c["amount"] for c in u["consequences"]}
        assert got["pay_coefficient"] == coefficient[u["grade"]]
        assert ("criticism" in got) == (u["grade"] == "不合格") and "summons" not in got
    # pro rata to score above 60: the best group's share over the last funded one's
    funded = sorted(((u["score"], c["amount"]) for u in units for c in u["consequences"] if c["id"] == "award_fund"))
    (low_score, low_amount), (top_score, top_amount) = funded[0], funded[-1]
    assert top_amount / low_amount == pytest.approx((top_score - 60) / (low_score - 60), rel=1e-6)


def test_two_years_running_below_the_bar_summons_the_director(run_dir, doc):
    proc = scoring_cli("run", RUBRIC_ID, "--previous", "result.json", "-o", "again.json", cwd=run_dir)
    assert proc.returncode == 0, proc.stderr
    again = json.loads((run_dir / "again.json").read_text(encoding="utf-8"))
    failing = {u["id"] for u in doc["units"] if u["grade"] == "不合格"}
    summoned = {u["id"]: c["person"] for u in again["units"] for c in u["consequences"] if c["id"] == "summons"}
    assert set(summoned) == failing and all(p.startswith("集团总校长 ") for p in summoned.values())



# --- (b) a hand-computed group with its schools ---------------------------------
# [[example]] cannot carry school rows, so this case is here.

FULL_VISIT = {
    "name": "示例教育集团", "director": "赵六", "stage": "初中", "survey_teachers": 30, "survey_aware": 30,
    "principal_meetings": 3, "joint_decisions": "是", "teachers": 140, "exchanged": 14, "exchanged_long": 14,
    "cross_posts": 2, "mentoring_pairs": 4, "exchange_files": "是", "unified_exams": "是", "joint_research": 3,
    "unified_moral_ed": "是", "facilities_shared": "是", "courses_shared": 3,
    "teacher_satisfaction": 0.90, "parent_satisfaction": 0.82,
}


def school(sid: str, role: str, pupils: int, t100: float, equip: float, exam: float, last: float) -> dict[str, Any]:
    return {"id": sid, "period": "2026Q4", "parent": "G", "role": role, "enrolment": pupils, "teachers_per_100": t100,
            "backbone_per_100": 1.2, "equipment_per_student": equip, "exam_avg": exam, "exam_avg_last": last}


def test_a_group_with_its_schools_by_hand():
    rows = [
        {"id": "G", "period": "2026Q4", **FULL_VISIT},
        school("A", "龙头校", 1000, 6.0, 4000, 80, 78),
        school("B", "成员校", 500, 2.0, 3000, 76, 72),
        school("C", "成员校", 500, 1.0, 3000, 64, 62),
    ]
    engine = scoring.Engine()
    unit = engine.score(engine.load_rubric(RUBRIC_ID), rows).unit("G")
    # process: every item full on the one visit → 100
    #
    # balance_teachers, weighted by enrolment (P = 2000):
    #   X̄ = (1000×6 + 500×2 + 500×1) / 2000 = 7500 / 2000 = 3.75
    #   Σ (Pᵢ/P)(Xᵢ − X̄)² = 0.5×2.25² + 0.25×1.75² + 0.25×2.75² = 2.53125 + 0.765625 + 1.890625 = 5.1875
    #   CV = √5.1875 / 3.75 = 2.277608 / 3.75 = 0.607362 (CV² = 0.368889)
    #   初中: full at ≤ 0.45, 0 at ≥ 0.75: (0.75 − 0.607362) / 0.30 × 10 = 4.7546
    #   contributions: 2.53125 / 14.0625 = 0.18, 0.765625 / 14.0625 = 0.054444, 1.890625 / 14.0625 = 0.134444
    #   (unweighted it would be: mean 3, population variance (9 + 1 + 4) / 3 = 4.6667,
    #    CV = 2.160247 / 3 = 0.720082, only (0.75 − 0.720082) / 0.30 × 10 = 0.9973 points)
    # balance_backbone: 1.2 everywhere, CV 0 → 10
    # balance_equipment: X̄ = (4,000,000 + 1,500,000 + 1,500,000) / 2000 = 3500;
    #   Σ = 0.5×500² + 0.25×500² + 0.25×500² = 250000; CV = 500 / 3500 = 0.142857 ≤ 0.45 → 10
    # exam_gap: 76 / 80 = 0.95, 64 / 80 = 0.80, mean 0.875: (0.875 − 0.75) / 0.20 × 20 = 12.5
    # exam_improvement on the enrolment-weighted roll-ups:
    #   this year (80000 + 38000 + 32000) / 2000 = 75, last (78000 + 36000 + 31000) / 2000 = 72.5
    #   (75 − 72.5) / 72.5 = 0.034483: (0.034483 + 0.05) / 0.10 × 20 = 16.8966
    # satisfaction: teachers 0.90 → 15, parents 0.82 → 0.6 × 15 = 9
    # outcome 12.5 + 16.8966 + 4.7546 + 10 + 10 + 15 + 9 = 78.1512
    # base 0.4 × 100 + 0.6 × 78.1512 = 40 + 46.8907 = 86.8907 → 86.9, 良好
    assert unit.indicators["balance_teachers"].value == pytest.approx(0.6074, abs=1e-4)
    assert unit.indicators["balance_teachers"].points == pytest.approx(4.75, abs=0.005)
    assert unit.indicators["balance_backbone"].points == 10 and unit.indicators["balance_equipment"].points == 10
    assert unit.indicators["exam_gap"].points == 12.5
    assert unit.indicators["exam_improvement"].points == pytest.approx(16.90, abs=0.005)
    assert unit.phases == {"process": 100.0, "outcome": pytest.approx(78.15, abs=0.005)}
    assert unit.score == 86.9 and unit.grade == "良好"
    members = {m["id"]: m["values"] for m in unit.members}
    assert {s: v["balance_teachers"]["contribution"] for s, v in members.items()} == {
        "A": 0.18, "B": 0.0544, "C": 0.1344}
    assert {s: v["exam_gap"]["ratio"] for s, v in members.items()} == {"A": 1.0, "B": 0.95, "C": 0.8}
    assert Counter(c.id for c in unit.consequences) == {"award_fund": 1, "pay_coefficient": 1}
