"""The bundled rubric safety-standardization: its sample, its generator and its rules."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.test_cli import scoring_cli

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10, where the project depends on the backport
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent
RUBRIC_ID = "safety-standardization"
SAMPLES = REPO / "rubrics" / "samples"
GENERATOR = SAMPLES / "generate_safety_standardization.py"
GRADES = ("一级", "二级", "三级", "未达标")



@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    where = tmp_path_factory.mktemp("standardization")
    proc = scoring_cli("run", RUBRIC_ID, "-o", "result.json", cwd=where)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("rows: 30 read, 30 scored, 0 rejected")
    result: dict[str, Any] = json.loads((where / "result.json").read_text(encoding="utf-8"))
    return result


def by_id(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {u["id"]: u for u in doc["units"]}


def test_the_rubric_has_1000_points():
    data = tomllib.loads((REPO / "rubrics" / f"{RUBRIC_ID}.toml").read_text(encoding="utf-8"))
    dims = data["dimension"]
    assert sum(d["points"] for d in dims) == 1000
    assert [d["title"] for d in dims] == ["目标职责", "制度化管理", "教育培训", "现场管理",
                                          "安全风险管控及隐患排查治理", "应急管理", "事故管理", "持续改进"]
    assert data["rubric"]["scale"] == 100 and data["rubric"]["precision"] == 1
    assert data["rubric"]["not_applicable"] == "rescale"
    assert {v.get("ends_review") for v in data["veto"]} == {True}  # every prerequisite ends the review


# --- (a) the real command on the bundled sample -------------------------------


def test_cli_scores_the_sample(doc):
    assert doc["rubric"]["id"] == RUBRIC_ID and doc["evidence"]["rows"] == 30 and doc["rejected"] == []
    units = by_id(doc)
    assert len(units) == 30
    for unit in doc["units"]:
        assert unit["grade"] in GRADES or (unit["status"] == "review_ended" and unit["grade"] is None)
        assert sum(d["max"] for d in unit["dimensions"].values()) <= 1000
    # S01 has no major hazard installation, no emergency and no accident: 70 points not applicable.
    s01 = units["S01"]
    assert s01["indicators"]["major_hazard_source"]["status"] == "not_applicable"
    assert sum(d["max"] for d in s01["dimensions"].values()) == 930
    earned = sum(d["points"] for d in s01["dimensions"].values())
    assert s01["score"] == pytest.approx(round(earned / 930 * 100 + 1e-9, 1))


def test_cli_performance_conditions_and_prerequisites(doc):
    units = by_id(doc)
    # Score grade 一级, one death: 二级.
    assert units["S15"]["score"] >= 90 and units["S15"]["grade"] == "二级" and not units["S15"]["vetoes"]
    # Score grade 二级, two deaths: 三级.
    assert 75 <= units["S21"]["score"] < 90 and units["S21"]["grade"] == "三级"
    # Score grade 三级, a 较大 accident with three deaths: 未达标.
    assert 60 <= units["S06"]["score"] < 75 and units["S06"]["grade"] == "未达标"
    # Prerequisites failed: the review ended (不予评审), no score, grade or rank.
    assert [v["id"] for v in units["S12"]["vetoes"]] == ["major_hazard_open"]
    assert [v["id"] for v in units["S30"]["vetoes"]] == ["uncertified_operators"]
    for uid in ("S12", "S30"):
        assert (units[uid]["status"], units[uid]["score"], units[uid]["grade"], units[uid]["rank"]) == (
            "review_ended", None, None, None)
    assert doc["summary"]["review_ended"] == 2
    # every scored unit is ranked 1..28; the two ended reviews come after them in reading order, unranked
    assert sorted(u["rank"] for u in doc["units"] if u["status"] == "scored")[-1] <= 28
    assert [u["id"] for u in doc["units"][-2:]] == ["S12", "S30"]


# --- (b) a plausible grade distribution ---------------------------------------


def test_grade_distribution_is_plausible(doc):
    grades = Counter(u["grade"] for u in doc["units"] if u["grade"] is not None)
    assert len(grades) >= 3 and grades["一级"] < len(doc["units"]) / 2, grades
    assert grades == {"一级": 3, "二级": 8, "三级": 13, "未达标": 4}


# --- (c) the generator reproduces the committed sample ------------------------



# --- (d) hand-computed cases for the rubric's own rules -----------------------

ITEMS = {
    "objectives": 40, "responsibility": 50, "investment": 30, "regulations": 20, "procedures": 40,
    "training_mgmt": 20, "staff_training": 60, "equipment": 180, "operations": 150,
    "occupational_health": 50, "signage": 20, "risk_control": 60, "major_hazard_source": 40,
    "hazard_mgmt": 50, "emergency_prep": 60, "emergency_response": 10, "emergency_assessment": 10,
    "accident_reporting": 20, "accident_investigation": 20, "accident_records": 10,
    "self_evaluation": 40, "improvement": 20,
}


def row(deducted: dict[str, Any], **head: Any) -> dict[str, Any]:
    """One enterprise: nothing deducted except `deducted` ("" = not applicable)."""
    out: dict[str, Any] = {"id": "u", "industry": "机械", "licensed": True, "major_hazards_open": 0,
                           "operators_certified": True, "deaths": 0, "major_accidents": 0}
    out.update({f"{k}_deducted": 0 for k in ITEMS})
    out.update({f"{k}_deducted": v for k, v in deducted.items()})
    out.update(head)
    return out


def score_one(engine, deducted: dict[str, Any], **head: Any):
    return engine.score(RUBRIC_ID, [row(deducted, **head)]).unit("u")


def test_rescale_formula_with_a_not_applicable_item(engine):
    # 1000 - 40 = 960 applicable; 84 deducted -> 876; 876 / 960 x 100 = 91.25 -> half-up 91.3
    unit = score_one(engine, {"major_hazard_source": "", "equipment": 50, "operations": 34})
    assert unit.indicators["major_hazard_source"].status == "not_applicable"
    assert unit.dimensions["risk"] == {"points": 110.0, "max": 110.0}
    assert unit.score == 91.3 and unit.grade == "一级"


def test_all_three_reasonable_omissions(engine):
    # 1000 - 40 - 10 - 20 = 930 applicable; 93 deducted -> 837 / 930 = 90.0
    unit = score_one(engine, {"major_hazard_source": "", "emergency_response": "", "accident_investigation": "",
                              "equipment": 93})
    assert unit.score == 90.0 and unit.grade == "一级"


def test_half_up_at_a_band_edge(engine):
    # 250.5 deducted of 1000: 74.95 -> 75.0, so 二级 (half-even or truncation would give 74.9, 三级)
    unit = score_one(engine, {"equipment": 150, "operations": 100.5})
    assert unit.score == 75.0 and unit.grade == "二级"
    # 251 deducted: 74.9 -> 三级
    assert score_one(engine, {"equipment": 151, "operations": 100}).grade == "三级"


def test_deduction_stops_at_the_items_points(engine):
    # 警示标志 (20 points) deducted 35: earns 0, the other 15 do not spill over
    unit = score_one(engine, {"signage": 35})
    assert unit.indicators["signage"].points == 0
    assert unit.score == 98.0


@pytest.mark.parametrize(("deaths", "majors", "grade"), [
    (0, 0, "一级"),
    (1, 0, "二级"),      # 一级 needs no death
    (2, 0, "三级"),      # 二级 allows at most one
    (0, 1, "三级"),      # a 较大 accident rules out 一级 and 二级
    (3, 1, "未达标"),    # 三级 allows at most two deaths
    (3, 0, "未达标"),
])
def test_grade_is_the_lower_of_score_and_performance(engine, deaths, majors, grade):
    unit = score_one(engine, {"equipment": 40}, deaths=deaths, major_accidents=majors)  # 96.0: score grade 一级
    assert unit.score == 96.0 and unit.grade == grade and unit.vetoes == []


def test_performance_never_raises_a_grade(engine):
    # 70.0 is 三级 on the score; a clean record leaves it there
    unit = score_one(engine, {"equipment": 180, "operations": 120})
    assert unit.score == 70.0 and unit.grade == "三级"


@pytest.mark.parametrize(("head", "veto"), [
    ({"licensed": False}, "no_licence"),
    ({"major_hazards_open": 2}, "major_hazard_open"),
    ({"operators_certified": False}, "uncertified_operators"),
])
def test_a_failed_prerequisite_ends_the_review(engine, head, veto):
    unit = score_one(engine, {}, **head)
    # the findings would give 100.0, but the review ended: no score, no grade, no rank
    assert (unit.status, unit.score, unit.grade, unit.rank) == ("review_ended", None, None, None)
    assert [v.id for v in unit.vetoes] == [veto]
