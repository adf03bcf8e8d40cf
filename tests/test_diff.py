"""`scoring diff`: every unit whose outcome changed, own corrections and knock-on moves told apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring
from scoring.diff import diff_results
from scoring.errors import EvidenceError
from tests.conftest import rubric_text, single_indicator
from tests.test_cli import scoring_cli

FIELDS = """
[fields]
a = { type = "count" }
"""
# Score = 10 x a. Two places of 先进 (ties excluded), and a pool of 1,000 shared
# pro rata to the score above 50 among those scoring at least 60.
RUBRIC = rubric_text(single_indicator(10, "target", 'field = "a"\ntarget = 10') + """
[[consequence]]
id = "advanced"
title = "先进单位"
when = "score >= 0"
quota = { count = 2, ties = "exclude" }

[[consequence]]
id = "fund"
title = "奖励资金"
when = "score >= 60"
pool = { total = 1000, by = "score", above = 50 }
""", fields=FIELDS)


def result(engine: scoring.Engine, *scores: int) -> dict:
    rubric = engine.rubric_from_text(RUBRIC)
    doc: dict = engine.score(rubric, [{"id": f"u{k}", "a": s} for k, s in enumerate(scores)]).to_dict()
    return doc


def test_a_correction_moves_others_and_the_diff_names_them(engine):
    # Before: u0 100, u1 90, u2 80, u3 70. Advanced: u0, u1. Pool weights 50, 40, 30, 20 of 140.
    before = result(engine, 10, 9, 8, 7)
    # After u3's correction to 100: u3 and u0 tie at the top; advanced u0, u3 (u1 third);
    # pool weights 50, 40, 30, 50 of 170.
    after = result(engine, 10, 9, 8, 10)
    d = diff_results(before, after)
    by_id = {u.id: u for u in d.units}
    assert set(by_id) == {"u0", "u1", "u2", "u3"}
    assert by_id["u3"].cause == "own" and all(by_id[u].cause == "knock-on" for u in ("u0", "u1", "u2"))
    changes = {u: {(c.what, c.before, c.after) for c in by_id[u].changes} for u in by_id}
    # Shares, largest remainder in whole fen: 1000 x 50/140 = 357.14, 40/140 = 285.71, 30/140 = 214.29,
    # 20/140 = 142.86; after: 50/170 = 294.12 (x2), 40/170 = 235.29, 30/170 = 176.47.
    assert changes["u3"] == {("score", 70.0, 100.0), ("grade", "B", "A"), ("rank", 4, 1),
                             ("consequence advanced", "not granted", "granted"), ("amount fund", 142.86, 294.12)}
    assert changes["u1"] == {("rank", 2, 3), ("consequence advanced", "granted", "not granted"),
                             ("amount fund", 285.71, 235.29)}
    assert changes["u0"] == {("amount fund", 357.14, 294.12)}
    assert changes["u2"] == {("rank", 3, 4), ("amount fund", 214.29, 176.47)}
    assert "4 unit(s) changed (1 by their own correction, 3 moved without a change of their own)" in d.to_text()
    # The pool still adds up to 1,000 and two units still hold 先进: only the grade counts moved.
    assert [(c.what, c.before, c.after) for c in d.totals] == [("grade A (units)", 2, 3), ("grade B (units)", 2, 1)]
    assert "total grade A (units): 2 → 3" in d.to_text()


def test_arrivals_and_departures(engine):
    before = result(engine, 10, 9)
    after = result(engine, 10)
    after["units"].append({**after["units"][0], "id": "new"})
    d = diff_results(before, after)
    # u0 now has the whole pool: a knock-on of u1's departure.
    assert [(u.id, u.kind, u.cause) for u in d.units] == [
        ("u0", "changed", "knock-on"), ("new", "added", ""), ("u1", "removed", "")]


def test_results_of_different_rubrics_are_refused(engine):
    before = result(engine, 10)
    after = json.loads(json.dumps(before))
    after["rubric"]["id"] = "other"
    with pytest.raises(EvidenceError, match="different rubrics"):
        diff_results(before, after)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(0, 10), min_size=1, max_size=12))
def test_diff_of_a_result_with_itself_is_empty(engine, scores):
    doc = result(engine, *scores)
    assert diff_results(doc, json.loads(json.dumps(doc))).empty


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(0, 10), min_size=1, max_size=12), st.data())
def test_every_unit_whose_outcome_changed_is_listed(engine, scores, data):
    k = data.draw(st.integers(0, len(scores) - 1))
    new = data.draw(st.integers(0, 10))
    before, after = result(engine, *scores), result(engine, *scores[:k], new, *scores[k + 1:])
    listed = {u.id for u in diff_results(before, after).units}
    old = {u["id"]: u for u in before["units"]}
    moved = {u["id"] for u in after["units"]
             if {x: u[x] for x in ("score", "grade", "rank", "consequences")}
             != {x: old[u["id"]][x] for x in ("score", "grade", "rank", "consequences")}}
    assert listed == moved
    assert (f"u{k}" in listed) == (new != scores[k])


def test_cli_diff_in_three_formats(engine, tmp_path: Path):
    (tmp_path / "before.json").write_text(json.dumps(result(engine, 10, 9, 8, 7), ensure_ascii=False), encoding="utf-8")
    (tmp_path / "after.json").write_text(json.dumps(result(engine, 10, 9, 8, 10), ensure_ascii=False), encoding="utf-8")
    text = scoring_cli("diff", "before.json", "after.json", cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    assert "u1 (moved, nothing of its own changed)\n  rank: 2 → 3\n" in text.stdout
    assert "  amount fund: 285.71 → 235.29" in text.stdout
    js = scoring_cli("diff", "before.json", "after.json", "--format", "json", cwd=tmp_path)
    doc = json.loads(js.stdout)
    assert doc["counts"] == {"changed": 4, "own": 1, "knock_on": 3, "added": 0, "removed": 0}
    md = scoring_cli("diff", "before.json", "after.json", "-o", "changes.md", cwd=tmp_path)
    assert md.returncode == 0 and "| u3 | own correction | score | 70 | 100 |" in (tmp_path / "changes.md").read_text(
        encoding="utf-8")
    same = scoring_cli("diff", "before.json", "before.json", cwd=tmp_path)
    assert same.returncode == 0 and "no unit changed" in same.stdout
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    bad = scoring_cli("diff", "before.json", "broken.json", cwd=tmp_path)
    assert bad.returncode == 1 and "broken.json" in bad.stderr and "not JSON" in bad.stderr
    assert "Traceback" not in bad.stderr
    usage = scoring_cli("diff", "before.json", "after.json", "--format", "xml", cwd=tmp_path)
    assert usage.returncode == 2


def test_a_changed_self_assessment_is_listed_as_the_units_own(engine):
    rubric = engine.load_rubric("group-school-supervision")
    sample = Path(__file__).resolve().parent.parent / "rubrics" / "samples" / "group-school-supervision.csv"
    before = json.loads(engine.render(engine.score(rubric, engine.load_evidence(rubric, sample)), "json"))
    after = json.loads(json.dumps(before))
    unit = after["units"][0]
    unit["self_assessment"]["score"] += 5
    unit["self_assessment"]["gap"] += 5
    diff = diff_results(before, after)
    assert [u.id for u in diff.units] == [unit["id"]] and diff.units[0].cause == "own"
    assert {c.what for c in diff.units[0].changes} == {"self score", "self gap"}
    assert diff_results(before, before).empty
