"""The bundled rubric exchange-teacher: its sample, its generator and its rules."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.test_cli import scoring_cli

REPO = Path(__file__).resolve().parent.parent
RUBRIC_ID = "exchange-teacher"
SAMPLES = REPO / "rubrics" / "samples"
GENERATOR = SAMPLES / "generate_exchange_teacher.py"
FUND = 25000.0  # the special fund, shared equally among the 优秀 teachers



@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    where = tmp_path_factory.mktemp("exchange")
    proc = scoring_cli("run", RUBRIC_ID, "-o", "result.json", cwd=where)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("rows: 40 read, 40 scored, 0 rejected")
    result: dict[str, Any] = json.loads((where / "result.json").read_text(encoding="utf-8"))
    return result


# --- (a) the real command on the bundled sample -------------------------------


def test_cli_scores_the_sample(doc):
    assert doc["rubric"]["id"] == RUBRIC_ID and doc["evidence"]["rows"] == 40 and doc["rejected"] == []
    assert len(doc["units"]) == 40
    for unit in doc["units"]:
        assert set(unit["dimensions"]) == {"duty", "teaching", "mentoring"}
        assert 0 <= unit["score"] <= 100
        assert unit["indicators"]["mentees"]["points"] <= 15  # capped at two mentees


def test_cli_pays_the_bonus_to_excellent_only(doc):
    n = sum(1 for u in doc["units"] if u["grade"] == "优秀")
    for unit in doc["units"]:
        paid = [c for c in unit["consequences"] if c["id"] == "special_fund_bonus"]
        if unit["grade"] == "优秀":
            assert [c["amount"] for c in paid] == [FUND / n]  # 8 teachers: 3125.00 each
        else:
            assert paid == []
    summary = doc["summary"]["consequences"]["special_fund_bonus"]
    assert summary["units"] == n and summary["amount"] == FUND and summary["pool"]["used"] == FUND


def test_cli_host_rating_caps_the_grade(doc):
    units = {u["id"]: u for u in doc["units"]}
    # 95 points, rated 良好 by the host school: 良好, no bonus
    for tid in ("T03", "T36"):
        assert units[tid]["score"] == 95.0 and units[tid]["grade"] == "良好"
        assert units[tid]["indicators"]["host_evaluation"]["value"] == "良好"


# --- (b) a plausible grade distribution ---------------------------------------


def test_grade_distribution_is_plausible(doc):
    grades = Counter(u["grade"] for u in doc["units"])
    assert len(grades) >= 3 and grades["优秀"] < len(doc["units"]) / 2, grades
    assert grades == {"优秀": 8, "良好": 15, "合格": 13, "不合格": 4}


# --- (c) the generator reproduces the committed sample ------------------------



# --- (d) hand-computed cases for the rubric's own rules -----------------------

FULL: dict[str, Any] = {
    "home_school": "城关第一小学", "host_school": "柳林小学", "subject": "语文", "full_year": True,
    "host_evaluation": "优秀", "open_classes": 2, "mentees": 2, "case_files": 4, "feedback_submitted": True,
}


def score_one(engine, **changes: Any):
    return engine.score(RUBRIC_ID, [{"id": "t", **FULL, **changes}]).unit("t")


def test_a_full_record_earns_the_bonus(engine):
    unit = score_one(engine)
    assert unit.score == 100.0 and unit.grade == "优秀"
    assert [(c.id, c.amount) for c in unit.consequences] == [("special_fund_bonus", FUND)]  # alone: all of it


def test_exchange_of_less_than_a_year(engine):
    unit = score_one(engine, full_year=False)
    # the 15 points of the full-year check are lost: 85.0, 良好, no bonus
    assert unit.indicators["full_year"].points == 0
    assert unit.score == 85.0 and unit.grade == "良好" and unit.consequences == []


@pytest.mark.parametrize(("classes", "points"), [(0, 0.0), (1, 10.0), (2, 20.0), (5, 20.0)])
def test_open_classes_against_the_target(engine, classes, points):
    assert score_one(engine, open_classes=classes).indicators["open_classes"].points == pytest.approx(points)


@pytest.mark.parametrize(("mentees", "points"), [(0, 0.0), (1, 7.5), (2, 15.0), (4, 15.0)])
def test_mentoring_pairs_per_count_capped(engine, mentees, points):
    assert score_one(engine, mentees=mentees).indicators["mentees"].points == pytest.approx(points)


@pytest.mark.parametrize(("files", "points"), [(0, 0.0), (1, 4.5), (2, 9.0), (3, 9.0), (4, 15.0), (9, 15.0)])
def test_case_file_bands(engine, files, points):
    assert score_one(engine, case_files=files).indicators["case_files"].points == pytest.approx(points)


@pytest.mark.parametrize(("rating", "points"), [("优秀", 25), ("良好", 20), ("合格", 15), ("不合格", 0)])
def test_host_evaluation_lookup(engine, rating, points):
    assert score_one(engine, host_evaluation=rating).indicators["host_evaluation"].points == points


def test_excellent_needs_the_hosts_excellent(engine):
    unit = score_one(engine, host_evaluation="良好")
    # 100 - 5 = 95.0 >= 90 but the host rated 良好: 良好, no bonus
    assert unit.score == 95.0 and unit.grade == "良好" and unit.consequences == []


def test_no_feedback_and_a_weak_year(engine):
    unit = score_one(engine, feedback_submitted=False, open_classes=1, mentees=0, case_files=1,
                     host_evaluation="合格")
    # 15 + 15 + 10 + 4.5 + 0 + 0 = 44.5 -> 不合格
    assert unit.score == 44.5 and unit.grade == "不合格"
