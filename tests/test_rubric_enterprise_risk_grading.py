"""The bundled rubric enterprise-risk-grading: its sample, its generator and its rules."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from tests.test_cli import scoring_cli

import scoring

REPO = Path(__file__).resolve().parent.parent
RUBRIC_ID = "enterprise-risk-grading"
SAMPLES = REPO / "rubrics" / "samples"
SAMPLE = SAMPLES / "enterprise-risk-grading.csv"
GENERATOR = SAMPLES / "generate_enterprise_risk_grading.py"
FREQUENCY = {"重大": 12.0, "较大": 6.0, "一般": 4.0, "低": 2.0}
ENGINE = scoring.Engine()



@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    where = tmp_path_factory.mktemp("risk")
    proc = scoring_cli("run", RUBRIC_ID, "-o", "result.json", cwd=where)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("rows: 208 read, 208 scored, 0 rejected")
    result: dict[str, Any] = json.loads((where / "result.json").read_text(encoding="utf-8"))
    return result


def level(d: Decimal) -> str:
    """The documented convention, written independently of the rubric: a boundary D takes the lower level."""
    return "重大" if d > 320 else "较大" if d > 160 else "一般" if d > 70 else "低"


# --- (a) the real command on the bundled sample -------------------------------


def test_cli_grades_forty_enterprises_across_the_four_levels(doc):
    assert doc["rubric"]["id"] == RUBRIC_ID and doc["rejected"] == [] and len(doc["units"]) == 40
    grades = doc["summary"]["grades"]
    assert grades == {"重大": 10, "较大": 6, "一般": 14, "低": 10}
    assert all(n > 0 for n in grades.values())


def test_each_enterprise_shows_its_level_and_its_worst_source(doc):
    with SAMPLE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    d_of = {r["id"]: Decimal(r["likelihood"]) * Decimal(r["exposure"]) * Decimal(r["consequence"])
            for r in rows if r["parent"]}
    sources = {r["id"]: [s["id"] for s in rows if s["parent"] == r["id"]] for r in rows if not r["parent"]}
    for unit in doc["units"]:
        members = {m["id"]: m["values"]["lec"] for m in unit["members"]}
        assert sorted(members) == sorted(sources[unit["id"]]) and 2 <= len(members) <= 8
        worst_d = max(d_of[s] for s in members)
        assert all(Decimal(str(v["D"])) == d_of[s] for s, v in members.items())
        worst = [s for s, v in members.items() if v["worst"] == 1.0]
        assert worst and all(d_of[s] == worst_d for s in worst)
        direct = [v["id"] for v in unit["vetoes"]] == ["direct_major"]
        assert Decimal(str(unit["score"])) == worst_d
        assert unit["grade"] == ("重大" if direct else level(worst_d))
        frequency = {c["id"]: c["amount"] for c in unit["consequences"]}
        assert frequency["inspection_frequency"] == FREQUENCY[unit["grade"]]
        assert ("key_supervision" in frequency) == (unit["grade"] == "重大")


def test_the_planted_boundary_cases(doc):
    units = {u["id"]: u for u in doc["units"]}
    assert (units["QY040"]["score"], units["QY040"]["grade"]) == (70.0, "低")   # 1 × 10 × 7 = 70, on the boundary
    assert (units["QY011"]["score"], units["QY011"]["grade"]) == (75.0, "一般")  # 0.5 × 10 × 15 = 75



# --- (b) hand-computed enterprises through the bundled rubric ------------------
# [[example]] cannot carry hazard-source rows, so these cases are here.


def enterprise(eid: str, sources: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [{"id": eid, "name": eid, "industry": "机械制造"}]
    rows += [{"id": f"{eid}-{k}", "parent": eid, "name": "源", "likelihood": lv, "exposure": ev, "consequence": cv}
             for k, (lv, ev, cv) in enumerate(sources, 1)]
    return rows


def test_levels_by_hand():
    rows = (
        enterprise("B70", [("1", "10", "7"), ("1", "6", "3")])      # 70 and 18: worst 70, on the boundary → 低
        + enterprise("Y75", [("10", "0.5", "15")])                  # 75 > 70 → 一般
        + enterprise("Y150", [("1", "10", "15"), ("6", "6", "3")])  # 150 and 108 → 一般
        + enterprise("O270", [("3", "6", "15"), ("0.5", "6", "40")])  # 270 and 120 → 较大
        + enterprise("R360", [("3", "3", "40")])                    # 360 > 320 → 重大
        + enterprise("R10000", [("10", "10", "100")])               # the largest D: 10000, kept whole
    )
    res = ENGINE.score(ENGINE.load_rubric(RUBRIC_ID), rows)
    got = {u.id: (u.score, u.grade) for u in res.units()}
    assert got == {"B70": (70.0, "低"), "Y75": (75.0, "一般"), "Y150": (150.0, "一般"), "O270": (270.0, "较大"),
                   "R360": (360.0, "重大"), "R10000": (10000.0, "重大")}
    assert res.unit("O270").members == [{"id": "O270-1", "name": "源", "values": {"lec": {"D": 270.0, "worst": 1.0}}},
                                        {"id": "O270-2", "name": "源", "values": {"lec": {"D": 120.0, "worst": 0.0}}}]


def test_the_grade_table_puts_a_boundary_value_in_the_lower_level():
    # No product of the tabulated L, E and C is 160 or 320, so the rubric's own
    # grade table is checked here on a plain number: D = 320 → 较大, 320.4 → 重大.
    grades = "".join(f'\n[[grade]]\nname = "{g.name}"\nmin = {g.min!r}\n'
                     for g in ENGINE.load_rubric(RUBRIC_ID).model.grade)
    text = ('format = 1\n[rubric]\nid = "grades"\ntitle = "t"\nversion = "1"\nscale = 10000\nprecision = 2\n'
            '[fields]\nd = { type = "number" }\n'
            '[[dimension]]\nid = "risk"\npoints = 10000\n  [[dimension.indicator]]\n  id = "d"\n  points = 10000\n'
            '  method = "expression"\n  value = "d"\n' + grades)
    rubric = ENGINE.rubric_from_text(text)
    cases = {"320": "较大", "320.05": "重大", "320.4": "重大", "160": "一般", "160.05": "较大", "70": "低",
             "70.05": "一般", "0.05": "低"}
    res = ENGINE.score(rubric, [{"id": f"D{d}", "d": d} for d in cases])
    assert {u.id[1:]: u.grade for u in res.units()} == cases
    assert {u.id[1:]: u.grade for u in res.units()} == {d: level(Decimal(d)) for d in cases}


def test_a_factor_outside_the_tables_sets_only_that_enterprise_aside():
    rows = enterprise("OK", [("3", "6", "15")]) + enterprise("BAD", [("5", "6", "15"), ("1", "6", "7")])
    rubric = ENGINE.load_rubric(RUBRIC_ID)
    res = ENGINE.score(rubric, rows, on_error="skip")
    assert [u.id for u in res.units()] == ["OK"]
    named = [(r.unit, r.field, r.value) for r in res.rejected if r.field]
    assert named == [("BAD-1", "likelihood", "5")]  # the enterprise's other rows follow it out, unnamed


# --- (c) direct determination (直接判定): the named-grade veto ---------------------


def with_direct(eid: str, sources: list[tuple[str, str, str, object]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [{"id": eid, "name": eid, "industry": "危险化学品"}]
    rows += [{"id": f"{eid}-{k}", "parent": eid, "name": "源", "likelihood": lv, "exposure": ev, "consequence": cv,
              "direct_major": dm} for k, (lv, ev, cv, dm) in enumerate(sources, 1)]
    return rows


def test_direct_determination_by_hand():
    rows = (
        with_direct("LOW", [("1", "6", "7", 1), ("0.5", "3", "3", "")])     # D 42 (低) + one condition → 重大
        + with_direct("MID", [("1", "6", "40", 0), ("1", "3", "7", 2)])     # D 240 (较大) + two conditions → 重大
        + with_direct("NONE", [("1", "6", "40", ""), ("1", "3", "7", 0)])   # D 240, no condition → 较大
        + with_direct("RED", [("3", "3", "40", 1)])                         # D 360, 重大 either way
    )
    res = ENGINE.score(ENGINE.load_rubric(RUBRIC_ID), rows)
    got = {u.id: (u.score, u.grade, [v.id for v in u.vetoes], u.rank) for u in res.units()}
    # ranked by D whatever the veto (rank vetoed = "score"): 360, 240, 240, 42
    assert got == {"RED": (360.0, "重大", ["direct_major"], 1), "MID": (240.0, "重大", ["direct_major"], 2),
                   "NONE": (240.0, "较大", [], 2), "LOW": (42.0, "重大", ["direct_major"], 4)}
    low = res.unit("LOW")
    assert {c.id: c.amount for c in low.consequences} == {"inspection_frequency": 12.0, "key_supervision": None}
    assert low.reason == "直接判定：直接判定为重大风险(风险点符合直接判定条件)"
    assert res.unit("NONE").reason == ""


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["10", "6", "3", "1", "0.5", "0.2", "0.1"]),
                          st.sampled_from(["10", "6", "3", "2", "1", "0.5"]),
                          st.sampled_from(["100", "40", "15", "7", "3", "1"]),
                          st.sampled_from(["", 0, 1, 2])), min_size=1, max_size=5))
def test_a_direct_condition_makes_the_level_red_and_never_changes_d(sources):
    plain = [(lv, ev, cv, "") for lv, ev, cv, _ in sources]
    rubric = ENGINE.load_rubric(RUBRIC_ID)
    with_it = ENGINE.score(rubric, with_direct("E", sources)).unit("E")
    without = ENGINE.score(rubric, with_direct("E", plain)).unit("E")
    assert with_it.score == without.score  # the D stands
    raised = any(dm not in ("", 0) for *_, dm in sources)
    assert with_it.grade == ("重大" if raised else without.grade)
