"""The bundled rubric enterprise-safety-target: its sample, its generator and its rules."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

import scoring

from tests.test_cli import scoring_cli

REPO = Path(__file__).resolve().parent.parent
RUBRIC_ID = "enterprise-safety-target"
SAMPLES = REPO / "rubrics" / "samples"
GENERATOR = SAMPLES / "generate_enterprise_safety_target.py"
ENGINE = scoring.Engine()



@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    where = tmp_path_factory.mktemp("enterprise")
    proc = scoring_cli("run", RUBRIC_ID, "-o", "result.json", cwd=where)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("rows: 1298 read, 1298 scored, 0 rejected")
    result: dict[str, Any] = json.loads((where / "result.json").read_text(encoding="utf-8"))
    return result


def by_id(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {u["id"]: u for u in doc["units"]}


# --- (a) the real command on the bundled sample -------------------------------


def test_cli_scores_the_sample(doc):
    assert doc["rubric"]["id"] == RUBRIC_ID and doc["evidence"]["rows"] == 1298 and doc["rejected"] == []
    assert len(doc["units"]) == 70
    for unit in doc["units"]:
        assert set(unit["phases"]) == {"process", "outcome"}
        assert set(unit["dimensions"]) == {"targets", "hazards", "management", "training", "emergency", "extra"}
        assert 0 <= unit["bonus"] <= 5


def test_cli_vetoes_and_control_indicators(doc):
    units = by_id(doc)
    # the 较大 fire: vetoed with effect fail, the score kept; its loss over the indicator costs the fire item
    e070 = units["E070"]
    assert [v["id"] for v in e070["vetoes"]] == ["major_accident"] and e070["score"] > 60
    assert e070["grade"] == "不合格" and e070["indicators"]["fire_loss"]["points"] == 0
    # concealment: score 0
    assert [v["id"] for v in units["E067"]["vetoes"]] == ["concealment"] and units["E067"]["score"] == 0
    # a death over the limit: the deaths item lost, and 不合格 without a veto
    e023 = units["E023"]
    assert e023["vetoes"] == [] and e023["grade"] == "不合格" and e023["indicators"]["deaths"]["points"] == 0
    # a fire within its indicator (3200 元): 5 - 0.0002 x 3200 = 4.36; one over it (12600 > 10000): 0
    assert units["E009"]["indicators"]["fire_loss"]["points"] == pytest.approx(4.36)
    assert units["E031"]["indicators"]["fire_loss"]["points"] == 0
    # two minor injuries against a limit of 1: the whole item lost
    assert units["E034"]["indicators"]["minor_injuries"]["points"] == 0
    assert units["E046"]["indicators"]["minor_injuries"]["points"] == 0
    # small stations with an emergency card: the plan item not applicable, drills still scored
    card = [u for u in doc["units"] if u["indicators"]["plan"]["status"] == "not_applicable"]
    assert len(card) == 5 and all(u["indicators"]["drills"]["status"] == "scored" for u in card)


def test_cli_consequences(doc):
    summary = doc["summary"]["consequences"]
    assert 0 < summary["advanced_unit"]["units"] <= 18
    assert summary["no_awards"]["units"] == 2
    assert summary["criticism"]["units"] == doc["summary"]["grades"]["不合格"]


# --- (b) a plausible grade distribution ---------------------------------------


def test_grade_distribution_is_plausible(doc):
    grades = Counter(u["grade"] for u in doc["units"])
    assert set(grades) == {"优秀", "良好", "合格", "不合格"}
    assert grades["优秀"] < len(doc["units"]) / 2 and grades["不合格"] >= 3, grades
    assert grades == {"优秀": 23, "良好": 29, "合格": 15, "不合格": 3}


# --- (c) the generator reproduces the committed sample ------------------------



# --- (d) hand-computed cases for the rubric's own rules -----------------------
# One row is one period: the process phase is that row, the outcome phase too.
# A clean row scores outcome 60 / 60 and process 60 / 60.

CLEAN: dict[str, Any] = {
    "industry": "民营加油站", "key_enterprise": False, "deaths": 0, "death_limit": 1, "serious_injuries": 0,
    "minor_injuries": 0, "minor_injury_limit": 1, "accidents": 0, "fire_loss": 0, "fire_loss_limit": 10000,
    "major_accidents": 0, "concealed_accidents": 0, 
    "major_hazards_open": 0, "letter_signed": True, "meetings": 1, "trainings": 1, "certified_share": 1.0,
    "has_plan": True, "drills": 1, "standardization": "无", "national_commendations": 0,
    "provincial_commendations": 0, "city_commendations": 0, "deposit": 10000,
}


def score_one(engine, **changes: Any):
    return engine.score(RUBRIC_ID, [{"id": "e", **CLEAN, **changes}]).unit("e")


def test_a_register_across_quarters_by_hand(engine):
    # A clean enterprise's four quarters, and its register:
    #   H1 found 2026-01-20, due 2026-02-19, never rectified: overdue at all four checks
    #   H2..H4 found in Q1, rectified on time in Q1 (on time at Q1's check, then gone)
    #   H5 found 2026-12-15, due 2027-01-14, open: within its period at Q4's check, not counted
    # Q1: 3 on time, 1 overdue → 0.75: (0.75 − 0.60) / 0.35 × 15 = 6.4286
    # Q2, Q3, Q4: H1 overdue alone → 0 → 0 points
    # rectification = mean (6.4286 + 0 + 0 + 0) / 4 = 1.6071
    # process (1.6071 + 45) / 60 × 100 = 77.6786; base 0.6 × 100 + 0.4 × 77.6786 = 91.0714 → 91.1
    quarters = [{"id": "e", "period": q, **CLEAN} for q in ("2026Q1", "2026Q2", "2026Q3", "2026Q4")]
    hazards = [("H1", "2026-01-20", "2026-02-19", ""), ("H2", "2026-01-05", "2026-02-04", "2026-01-25"),
               ("H3", "2026-02-01", "2026-03-03", "2026-02-10"), ("H4", "2026-03-01", "2026-03-31", "2026-03-31"),
               ("H5", "2026-12-15", "2027-01-14", "")]
    rows = quarters + [{"id": h, "period": "2026Q1", "parent": "e", "hazard_found_on": f, "hazard_deadline": d,
                        "hazard_rectified_on": r} for h, f, d, r in hazards]
    unit = engine.score(RUBRIC_ID, rows).unit("e")
    assert unit.indicators["rectification"].points == pytest.approx(1.61, abs=0.005)
    assert unit.score == 91.1
    overdue = {m["id"]: m["values"]["rectification"]["overdue_checks"] for m in unit.members}
    assert overdue == {"H1": 4.0, "H2": 0.0, "H3": 0.0, "H4": 0.0, "H5": 0.0}


def test_a_fatal_accident_is_not_deducted_again(engine):
    # one fatal accident (within the limit) and one leak with no casualty: accidents = 1, not 2
    unit = score_one(engine, deaths=1, accidents=1)
    assert unit.indicators["deaths"].points == 15          # 30 - 15
    assert unit.indicators["accidents"].points == 3        # 5 - 2 x 1
    assert unit.indicators["serious_injuries"].points == 10
    # outcome (15 + 10 + 10 + 3 + 5) / 60 = 71.667; base 0.6 x 71.667 + 40 = 83.0
    assert unit.score == 83.0 and unit.grade == "良好"


def test_casualties_are_deducted_per_person_within_limits(engine):
    unit = score_one(engine, serious_injuries=1, minor_injuries=1)
    assert unit.indicators["serious_injuries"].points == 5   # 10 - 5
    assert unit.indicators["minor_injuries"].points == 8     # 10 - 2, 1 <= limit 1
    # outcome (30 + 5 + 8 + 5 + 5) / 60 = 88.333; base 53 + 40 = 93.0
    assert unit.score == 93.0 and unit.grade == "优秀"


@pytest.mark.parametrize(("minor", "points"), [(0, 10), (1, 8), (2, 0), (5, 0)])
def test_minor_injuries_over_the_indicator_lose_the_item(engine, minor, points):
    assert score_one(engine, minor_injuries=minor).indicators["minor_injuries"].points == points


@pytest.mark.parametrize(("loss", "points"), [(0, 5.0), (5000, 4.0), (10000, 3.0), (10001, 0.0), (13_800_000, 0.0)])
def test_fire_loss_over_the_indicator_loses_the_item(engine, loss, points):
    # 1 point per 5000 元 within the indicator (10000 元); above it, all 5
    assert score_one(engine, fire_loss=loss).indicators["fire_loss"].points == pytest.approx(points)


def test_bonus_items_and_their_cap(engine):
    one_each = score_one(engine, national_commendations=1, provincial_commendations=1, city_commendations=1)
    assert one_each.bonus == 3.5 and one_each.score == 103.5       # 2 + 1 + 0.5
    many = score_one(engine, standardization="一级", national_commendations=3, provincial_commendations=3,
                     city_commendations=4)
    # items: 3 + min(6, 4) + min(3, 2) + min(2, 1) = 10, the dimension capped at 5
    assert many.indicators["national_commendations"].points == 4
    assert many.indicators["city_commendations"].points == 1
    assert many.bonus == 5 and many.score == 105.0


def test_key_enterprise_death_is_a_veto(engine):
    key = score_one(engine, key_enterprise=True, deaths=1, death_limit=1, industry="危化品生产")
    # deaths 30 - 15 = 15 (within the limit 1), the other outcome items 30: 45 / 60 = 75; base 45 + 40 = 85.0
    assert key.score == 85.0 and key.grade == "不合格"
    assert [v.id for v in key.vetoes] == ["key_enterprise_death"]
    assert sorted(c.id for c in key.consequences) == ["criticism", "no_awards", "principal_barred"]
    plain = score_one(engine, key_enterprise=False, deaths=1, death_limit=1, industry="液氯使用")
    assert plain.score == 85.0 and plain.grade == "良好" and plain.vetoes == []
    assert score_one(engine, key_enterprise=True, industry="燃气充装").vetoes == []


def test_death_over_the_limit_fails_without_a_veto(engine):
    unit = score_one(engine, deaths=1, death_limit=0)
    # deaths item 0; outcome 30 / 60 = 50; base 30 + 40 = 70.0, but 合格 requires deaths <= death_limit
    assert unit.score == 70.0 and unit.grade == "不合格" and unit.vetoes == []


def test_major_accident_and_concealment(engine):
    major = score_one(engine, major_accidents=1, serious_injuries=2)
    # outcome (30 + 0 + 10 + 5 + 5) / 60 = 83.333 -> base 50 + 40 = 90.0; vetoed (fail): 不合格
    assert major.score == 90.0 and major.grade == "不合格" and [v.id for v in major.vetoes] == ["major_accident"]
    hidden = score_one(engine, concealed_accidents=1)
    assert hidden.score == 0.0 and [v.id for v in hidden.vetoes] == ["concealment"]


def test_quarters_are_averaged_in_the_process_phase(engine):
    rows = [{"id": "e", "period": f"2026Q{q}", **CLEAN} for q in range(1, 5)]
    rows[0]["drills"] = 0          # drills 0 of 6 in Q1
    rows[1]["trainings"] = 0       # trainings 0 of 5 in Q2
    rows[2]["has_plan"] = ""       # plan not applicable in Q3: that quarter scores 56 of 56
    rows[3]["deaths"] = 1          # the year's figures are Q4's: one death within the limit
    unit = engine.score(RUBRIC_ID, rows).unit("e")
    # process: items averaged over the quarters where they apply; plan 4 in Q1, Q2, Q4 (mean 4);
    # drills (0 + 6 + 6 + 6) / 4 = 4.5; trainings (5 + 0 + 5 + 5) / 4 = 3.75
    # process (60 - 1.5 - 1.25) / 60 x 100 = 95.4167; outcome (15 + 30) / 60 = 75
    # base 0.6 x 75 + 0.4 x 95.4167 = 45 + 38.1667 = 83.1667 -> 83.2
    assert unit.indicators["drills"].points == pytest.approx(4.5)
    assert unit.indicators["trainings"].points == pytest.approx(3.75)
    assert unit.score == 83.2 and unit.grade == "良好"


def test_two_bad_years_running_bring_a_summons(engine, tmp_path):
    import json

    sample = Path(__file__).resolve().parent.parent / "rubrics" / "samples" / "enterprise-safety-target.csv"
    first = engine.score("enterprise-safety-target", sample)
    failed = sorted(u.id for u in first.units() if u.grade == "不合格")
    assert failed and not any(c.id == "summons" for u in first.units() for c in u.consequences)
    last_year = tmp_path / "2025.json"
    last_year.write_text(json.dumps(first.to_dict(), ensure_ascii=False), encoding="utf-8")
    second = engine.score("enterprise-safety-target", sample, previous=last_year)
    summoned = sorted(u.id for u in second.units() if any(c.id == "summons" for c in u.consequences))
    assert summoned == failed  # the same evidence twice: 不合格 two years running
    barred = [c for u in second.units() for c in u.consequences if c.id == "principal_barred"]
    assert barred and all(c.applies_to == "person" and c.person == "主要负责人" for c in barred)


# --- (e) 先进单位 needs three good years (--history) ---------------------------------


def earlier(year: str, grades: dict[str, str]):
    from scoring.previous import Previous

    score = {"优秀": 95.0, "良好": 85.0, "合格": 70.0, "不合格": 50.0}
    return Previous(f"{year}.json", RUBRIC_ID, "2026.4",
                    {u: {"score": score[g], "grade": g, "rank": 1, "vetoes": []} for u, g in grades.items()})


def test_advanced_unit_needs_three_good_years_by_hand(engine):
    # Five enterprises with a clean year (100.0, 优秀) and these earlier years, oldest first:
    #   a: 良好, 优秀  → three good years: 先进
    #   b: 优秀, 优秀  → 先进
    #   c: 合格, 优秀  → a 合格 year two years back: not 先进
    #   d: 优秀       → only one earlier year (new in 2025): not 先进
    #   e: 良好, 良好, 不合格 (three earlier years; the last two count): not 先进
    rows = [{"id": u, **CLEAN} for u in "abcde"]
    history = [earlier("2023", {"e": "良好"}), earlier("2024", {"a": "良好", "b": "优秀", "c": "合格", "e": "良好"}),
               earlier("2025", {"a": "优秀", "b": "优秀", "c": "优秀", "d": "优秀", "e": "不合格"})]
    result = engine.score(RUBRIC_ID, rows, history=history)
    advanced = sorted(u.id for u in result.units() if any(c.id == "advanced_unit" for c in u.consequences))
    assert advanced == ["a", "b"]
    assert all(u.grade == "优秀" and u.score == 100.0 for u in result.units())
    assert not any("no earlier results" in w for w in result.warnings)


def test_without_history_nobody_is_advanced_and_the_run_says_so(engine):
    result = engine.score(RUBRIC_ID, [{"id": "a", **CLEAN}])
    assert result.unit("a").grade == "优秀"
    assert [c.id for c in result.unit("a").consequences] == ["deposit_reward"]
    assert any("advanced_unit read earlier years (history.*) but no earlier results were given" in w
               for w in result.warnings)


def test_sample_runs_with_its_bundled_history(tmp_path):
    proc = scoring_cli("run", RUBRIC_ID, "--sample", "-o", "r.json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "note: the sample's earlier results are read as --history" in proc.stderr
    assert "no earlier results were given" not in proc.stderr
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    units = by_id(doc)
    held = lambda u, c: any(x["id"] == c for x in units[u]["consequences"])  # noqa: E731
    # planted in the generator: E014 and E033 are 优秀 this year but had a 合格 year in 2025
    assert units["E014"]["grade"] == units["E033"]["grade"] == "优秀"
    assert not held("E014", "advanced_unit") and not held("E033", "advanced_unit")
    assert held("E023", "summons")  # 不合格 in 2025 (planted) and again now
    assert doc["summary"]["consequences"]["advanced_unit"]["units"] == 18
    # an evidence file given explicitly does not read the sample's history
    plain = scoring_cli("run", RUBRIC_ID, str(SAMPLES / "enterprise-safety-target.csv"), "-o", "p.json", cwd=tmp_path)
    assert plain.returncode == 0 and "no earlier results were given" in plain.stderr
    assert json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))["summary"]["consequences"]["advanced_unit"]["units"] == 0


def test_history_generator_reproduces_the_committed_files(tmp_path):
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("gen_est_history", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(spec.name, None)
    module.write_history(tmp_path)
    committed = SAMPLES / "enterprise-safety-target-history"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in committed.iterdir())
    for p in committed.iterdir():
        assert (tmp_path / p.name).read_bytes() == p.read_bytes()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["优秀", "良好", "合格", "不合格", None]), min_size=0, max_size=4))
def test_advanced_needs_both_last_two_years_good(years):
    # property: whatever the earlier years, 先进 holds exactly when both of the last two are 良好 or better
    history = [earlier(str(2022 + k), {} if g is None else {"a": g}) for k, g in enumerate(years)]
    result = ENGINE.score(RUBRIC_ID, [{"id": "a", **CLEAN}], history=history or None)
    advanced = any(c.id == "advanced_unit" for c in result.unit("a").consequences)
    last_two = years[-2:]
    assert advanced == (len(last_two) == 2 and all(g in ("优秀", "良好") for g in last_two))


# --- (f) the inspection panel and the self-assessment (rubric 2026.6) -----------------------
# Three inspectors (检查人员) score what the visit judges: meetings, trainings, drills and the
# certified share. Their points combine by trimmed_mean from 5 raters: with 3 it is the plain mean.
# The facts (accidents, limits, the register, the letter, the plan) are the same in every row.


def inspected(uid: str, stage: str, inspector: str, **changes: Any) -> dict[str, Any]:
    return {"id": uid, "stage": stage, "inspector": inspector, **CLEAN, **changes}


def test_three_inspectors_are_averaged_by_hand(engine):
    rows = [inspected("e", "复评", "张伟", meetings=1, drills=1, certified_share=1.0),
            inspected("e", "复评", "李娜", meetings=0, drills=1, certified_share=0.95),
            inspected("e", "复评", "王强", meetings=1, drills=0, certified_share=1.0),
            inspected("e", "自评", "")]
    unit = engine.score(RUBRIC_ID, rows).unit("e")
    # (points are reported at two places) each inspector's points: meetings 5, 0, 5 → 10 / 3 = 3.3333 (3 raters: no drop);
    # drills 6, 6, 0 → 4; certification 10, 8, 10 → 9.3333
    ind = unit.indicators
    assert ind["meetings"].points == pytest.approx(10 / 3, abs=0.005) and ind["drills"].points == pytest.approx(4)
    assert ind["certification"].points == pytest.approx(28 / 3, abs=0.005)
    # process (15 + 10 + 5 + 3.3333 + 5 + 9.3333 + 4 + 4) / 60 × 100 = 55.6667 / 60 = 92.7778
    # base 0.6 × 100 + 0.4 × 92.7778 = 97.1111 → 97.1
    assert unit.score == 97.1 and unit.grade == "优秀"
    assert unit.panel is not None and unit.panel["raters"] == ["张伟", "李娜", "王强"]
    meetings = unit.panel["indicators"]["meetings"][0]
    assert meetings["raters"] == {"张伟": 5.0, "李娜": 0.0, "王强": 5.0} and meetings["dropped"] == []
    assert meetings["spread"] == 5.0
    # the self-assessment (every item full) gives 100.0: a gap of 2.9, not more than 10, no 通报
    assert unit.self_assessment is not None
    assert (unit.self_assessment["score"], unit.self_assessment["gap"]) == (100.0, 2.9)
    assert "inflated_self_assessment" not in [c.id for c in unit.consequences]


def test_five_inspectors_drop_the_highest_and_lowest(engine):
    rows = [inspected("f", "复评", name, meetings=m) for name, m in
            (("张伟", 1), ("李娜", 1), ("王强", 1), ("刘洋", 0), ("陈静", 0))]
    unit = engine.score(RUBRIC_ID, rows).unit("f")
    # meetings 5, 5, 5, 0, 0: one 5 and one 0 dropped → (5 + 5 + 0) / 3 = 3.3333 (the plain mean would be 3)
    # process (60 − 5 + 3.3333) / 60 = 97.2222; base 60 + 38.8889 = 98.8889 → 98.9 (with the mean: 98.7)
    assert unit.indicators["meetings"].points == pytest.approx(10 / 3, abs=0.005)
    assert unit.score == 98.9
    assert len(unit.panel["indicators"]["meetings"][0]["dropped"]) == 2


def test_an_inflated_self_assessment_is_reported_by_hand(engine):
    lax = {"meetings": 0, "trainings": 0, "drills": 0, "certified_share": 0.85}
    rows = [inspected("g", "复评", name, **lax) for name in ("张伟", "李娜", "王强")]
    rows.append(inspected("g", "自评", ""))   # the enterprise claims every record and full certification
    unit = engine.score(RUBRIC_ID, rows).unit("g")
    # review: process 60 − 5 − 5 − 6 − 10 = 34 → 56.6667; base 60 + 22.6667 = 82.6667 → 82.7, 良好
    # self: 100.0; gap 100.0 − 82.7 = 17.3 > 10: 自评失实，通报. The reviewed score stands.
    assert (unit.score, unit.grade) == (82.7, "良好")
    assert (unit.self_assessment["score"], unit.self_assessment["gap"]) == (100.0, 17.3)
    assert "inflated_self_assessment" in [c.id for c in unit.consequences]
    # a fact differing between the inspectors is refused, naming their figures
    rows[1] = dict(rows[1], deaths=1)
    with pytest.raises(scoring.ScoringError, match="disagree"):
        engine.score(RUBRIC_ID, rows)


def test_the_sample_panel_and_self_assessment(doc):
    units = by_id(doc)
    # E001 in 2026Q1: 张伟 accepted a meeting record the other two did not: 5, 0, 0 → 1.67
    q1 = units["E001"]["panel"]["indicators"]["meetings"][0]
    assert q1["period"] == "2026Q1" and q1["raters"] == {"张伟": 5.0, "李娜": 0.0, "王强": 0.0}
    assert q1["combined"] == pytest.approx(1.67, abs=0.005)
    assert all(u["panel"]["raters"] and len(u["panel"]["raters"]) == 3 for u in doc["units"])
    # E019 scored itself 97.1 against the team's 81.4: 自评失实
    e019 = units["E019"]
    assert (e019["score"], e019["self_assessment"]["score"], e019["self_assessment"]["gap"]) == (81.4, 97.1, 15.7)
    flagged = sorted(u["id"] for u in doc["units"] if any(c["id"] == "inflated_self_assessment" for c in u["consequences"]))
    assert flagged == ["E005", "E007", "E016", "E019", "E020", "E022", "E034", "E035", "E043", "E068"]


RATED_ITEMS = {"meetings": "meetings", "trainings": "trainings", "drills": "drills", "certification": "certified_share"}
INSPECTORS = ("张伟", "李娜", "王强", "刘洋")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.fixed_dictionaries({"meetings": st.integers(0, 3), "trainings": st.integers(0, 3),
                                       "drills": st.integers(0, 2),
                                       "certified_share": st.sampled_from([0.85, 0.9, 0.95, 1.0])}),
                min_size=1, max_size=4),
       st.randoms(use_true_random=False))
def test_a_small_panel_is_the_mean_of_its_inspectors_in_any_order(sheets, rnd):
    # property: below trim_from (5) every rated item's points are the plain mean of what each
    # inspector's sheet scores alone, and the order of the inspectors' rows changes nothing
    rows = [inspected("e", "复评", INSPECTORS[k], **sheet) for k, sheet in enumerate(sheets)]
    unit = ENGINE.score(RUBRIC_ID, rows).unit("e")
    alone = [ENGINE.score(RUBRIC_ID, [{"id": "e", **CLEAN, **sheet}]).unit("e") for sheet in sheets]
    for item in RATED_ITEMS:
        mean = sum(a.indicators[item].points for a in alone) / len(alone)
        assert unit.indicators[item].points == pytest.approx(mean, abs=0.01), item
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    again = ENGINE.score(RUBRIC_ID, shuffled).unit("e")
    assert (again.score, again.grade) == (unit.score, unit.grade)
