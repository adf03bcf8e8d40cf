"""The bundled rubric department-safety-target: its sample, its generator and its rules."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.test_cli import scoring_cli

REPO = Path(__file__).resolve().parent.parent
RUBRIC_ID = "department-safety-target"
SAMPLES = REPO / "rubrics" / "samples"
GENERATOR = SAMPLES / "generate_department_safety_target.py"



@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The CLI's JSON result on the bundled sample (run once for the module)."""
    where = tmp_path_factory.mktemp("department")
    proc = scoring_cli("run", RUBRIC_ID, "-o", "result.json", cwd=where)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("rows: 20 read, 20 scored, 0 rejected")
    result: dict[str, Any] = json.loads((where / "result.json").read_text(encoding="utf-8"))
    return result


def by_id(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {u["id"]: u for u in doc["units"]}


# --- (a) the real command on the bundled sample -------------------------------


def test_cli_scores_the_sample(doc):
    assert doc["rubric"]["id"] == RUBRIC_ID
    assert doc["evidence"]["rows"] == 20 and doc["rejected"] == []
    units = by_id(doc)
    assert len(units) == 20
    assert {u["id"][:2] for u in doc["units"]} == {"BM", "JD", "ZH"}
    for unit in doc["units"]:
        assert set(unit["dimensions"]) == {"leadership", "enforcement", "training", "targets"}
        assert unit["status"] == "scored" and unit["grade"] in ("优秀", "良好", "合格", "不合格")
    # The police bureau signs no letters with enterprises and plans no certification: rescaled away.
    police = units["BM06"]["indicators"]
    assert police["letters"]["status"] == "not_applicable"
    assert police["certification"]["status"] == "not_applicable"
    # The water bureau received no tip-off.
    assert units["BM10"]["indicators"]["tipoffs"]["status"] == "not_applicable"


def test_cli_vetoes_and_ranks(doc):
    units = by_id(doc)
    assert [v["id"] for v in units["BM02"]["vetoes"]] == ["major_accident"]       # 较大, deaths within 3
    assert [v["id"] for v in units["ZH03"]["vetoes"]] == ["deaths_over_limit"]    # 2 deaths, limit 1
    vetoed = [u["id"] for u in doc["units"] if u["vetoes"]]
    assert sorted(vetoed) == ["BM02", "ZH03"]
    assert all(units[i]["grade"] == "不合格" for i in vetoed)
    # Units come in rank order; vetoed units rank last whatever their score.
    ranks = [u["rank"] for u in doc["units"]]
    assert ranks == sorted(ranks) and ranks[0] == 1
    assert {units[i]["rank"] for i in vetoed} == {19, 20}
    # Equal totals are separated by the tie-break: targets (equal), then enforcement.
    assert units["BM13"]["score"] == units["BM11"]["score"] == 86.7
    assert units["BM13"]["dimensions"]["enforcement"]["points"] > units["BM11"]["dimensions"]["enforcement"]["points"]
    assert (units["BM13"]["rank"], units["BM11"]["rank"]) == (8, 9)


def test_cli_pays_the_ranking_award_by_rank_band(doc):
    units = by_id(doc)
    paid = {u["id"]: [(c["id"], c["amount"]) for c in u["consequences"]] for u in doc["units"]}
    by_rank = {u["rank"]: paid[u["id"]] for u in doc["units"]}
    assert all(by_rank[r] == [("ranking_award", 10000.0)] for r in (1, 2, 3))
    assert all(by_rank[r] == [("ranking_award", 5000.0)] for r in range(4, 11))
    assert all(by_rank[r] == [] for r in range(11, 21))  # past the top 10, and the vetoed units
    assert paid["BM13"] == [("ranking_award", 5000.0)] and units["BM13"]["rank"] == 8
    assert doc["summary"]["consequences"]["ranking_award"] == {"title": "年度考核排名奖励", "units": 10,
                                                               "amount": 65000.0}


def test_explain_names_the_rank_band():
    proc = scoring_cli("explain", RUBRIC_ID, "--sample", "BM13")
    assert proc.returncode == 0, proc.stderr
    assert "ranking_award — 年度考核排名奖励：给予，金额 5000；" in proc.stdout
    assert "rank 8 is in band 4–10: 5,000" in proc.stdout


def test_sample_hazard_totals_are_the_published_ones():
    import csv

    rows = list(csv.DictReader((SAMPLES / f"{RUBRIC_ID}.csv").read_text(encoding="utf-8").splitlines()))
    assert sum(int(r["hazards_found"]) for r in rows) == 577
    assert sum(int(r["hazards_rectified"]) for r in rows) == 561


# --- (b) a plausible grade distribution ---------------------------------------


def test_grade_distribution_is_plausible(doc):
    grades = Counter(u["grade"] for u in doc["units"])
    assert len(grades) >= 3, grades
    assert grades["优秀"] < len(doc["units"]) / 2, grades
    assert grades == {g: n for g, n in doc["summary"]["grades"].items() if n}
    assert grades == {"优秀": 5, "良好": 8, "合格": 5, "不合格": 2}


# --- (c) the generator reproduces the committed sample ------------------------



# --- (d) hand-computed cases for the rubric's own rules -----------------------

FULL: dict[str, Any] = {
    "category": "职能部门", "meetings": 4, "letters_required": 40, "letters_signed": 40,
    "inspections_planned": 100, "inspections_done": 100, "hazards_found": 20, "hazards_rectified": 20,
    "training_classes": 4, "certify_planned": 50, "people_certified": 50, "drills": 2,
    "tipoffs_received": 5, "tipoffs_closed": 5, "accidents": 0, "accident_limit": 2, "deaths": 0,
    "death_limit": 1, "major_accidents": 0,
}


def score_one(engine, **changes: Any):
    return engine.score(RUBRIC_ID, [{"id": "u", **FULL, **changes}]).unit("u")


def test_published_rectification_figures(engine):
    unit = score_one(engine, hazards_found=577, hazards_rectified=561)
    # 561 / 577 = 0.972270; (0.972270 - 0.90) / 0.10 x 10 = 7.2270; 100 - 10 + 7.2270 = 97.227 -> 97.2
    assert unit.indicators["rectification"].value == 0.9723  # the rate as shown: 97.23%
    assert unit.indicators["rectification"].points == pytest.approx(7.23, abs=0.005)
    assert unit.score == 97.2 and unit.grade == "优秀"


def test_thresholds_of_the_ratios(engine):
    # letters: 36 of 40 = 0.9, halfway between 0.8 and 1.0 -> 5 of 10
    # inspections: 80 of 100 = 0.8, halfway between 0.6 and 1.0 -> 6 of 12; above the plan is capped
    unit = score_one(engine, letters_signed=36, inspections_done=80)
    assert unit.indicators["letters"].points == pytest.approx(5)
    assert unit.indicators["inspections"].points == pytest.approx(6)
    assert unit.score == 89.0 and unit.grade == "良好"
    assert score_one(engine, inspections_done=130).indicators["inspections"].points == pytest.approx(12)
    # at or below the zero threshold: nothing
    assert score_one(engine, hazards_rectified=18).indicators["rectification"].points == 0  # 90%


def test_control_indicators_within_and_above(engine):
    within = score_one(engine, accidents=2, deaths=1)
    # accidents 15 - 3 x 2 = 9; deaths 20 - 6 x 1 = 14 -> 65 + 9 + 14 = 88.0; a death keeps 良好 at most anyway
    assert within.indicators["accidents"].points == pytest.approx(9)
    assert within.indicators["deaths"].points == pytest.approx(14)
    assert within.score == 88.0 and within.grade == "良好" and within.vetoes == []
    above = score_one(engine, accidents=3, deaths=2)
    # both above their indicators: both items lost entirely, and the deaths veto fails the unit
    assert above.indicators["accidents"].points == 0 and above.indicators["deaths"].points == 0
    assert above.score == 65.0 and above.grade == "不合格"
    assert [v.id for v in above.vetoes] == ["deaths_over_limit"]


def test_major_accident_veto_keeps_the_score(engine):
    unit = score_one(engine, major_accidents=1, accidents=1, deaths=1)
    # 65 + (15 - 3) + (20 - 6) = 91.0, shown; the grade is forced to 不合格
    assert unit.score == 91.0 and unit.grade == "不合格"
    assert [v.id for v in unit.vetoes] == ["major_accident"]


def test_excellent_needs_no_death(engine):
    unit = score_one(engine, deaths=1, death_limit=2, accident_limit=3)
    # 100 - 6 = 94.0 >= 90, but 优秀 requires deaths == 0
    assert unit.score == 94.0 and unit.grade == "良好"


def test_not_applicable_items_are_rescaled(engine):
    unit = score_one(engine, letters_required=0, letters_signed=0, tipoffs_received=0, tipoffs_closed=0,
                     meetings=2)
    # letters (10) and tip-offs (8) not applicable; meetings 5 x 2 / 4 = 2.5
    # earned 100 - 10 - 8 - 2.5 = 79.5 of 82 -> 96.9512 -> 97.0
    assert unit.indicators["letters"].status == "not_applicable"
    assert unit.score == 97.0


def test_tie_break_orders_equal_totals(engine):
    # h loses 5 in enforcement: rectification 19 / 20 = 95% -> 5 of 10; total 95.0, enforcement 25
    h = {**FULL, "id": "h", "hazards_rectified": 19}
    # i loses 5 elsewhere: letters 38 / 40 = 0.95 -> 7.5 of 10, meetings 2 / 4 -> 2.5 of 5; total 95.0, enforcement 30
    i = {**FULL, "id": "i", "letters_signed": 38, "meetings": 2}
    j = {**h, "id": "j"}  # the same as h: a true tie, same rank (ties = "min")
    # k: one accident within the indicator (15 - 3 = 12) and 2 meetings (2.5 of 5): 100 - 3 - 2.5 = 94.5
    k = {**FULL, "id": "k", "accidents": 1, "meetings": 2}
    result = engine.score(RUBRIC_ID, [h, i, j, k])
    got = {u.id: (u.score, u.rank) for u in result.units()}
    assert got == {"i": (95.0, 1), "h": (95.0, 2), "j": (95.0, 2), "k": (94.5, 4)}
