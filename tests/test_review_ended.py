"""A veto with `ends_review = true`: the unit is not scored at all (不予评审)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

import scoring
from scoring.errors import RubricError
from tests.test_cli import scoring_cli

ENGINE = scoring.Engine()

RUBRIC = '''format = 1
[rubric]
id = "ended"
title = "t"
version = "1"
language = "zh"
[fields]
a = { type = "number", min = 0, max = 10 }
licensed = { type = "bool" }
[[dimension]]
id = "d"
points = 10
  [[dimension.indicator]]
  id = "a"
  points = 10
  method = "expression"
  value = "a"
[[veto]]
id = "no_licence"
title = "未取得证照"
when = "not licensed"
ends_review = true
[[grade]]
name = "A"
min = 80
[[grade]]
name = "B"
min = 0
[[consequence]]
id = "top"
title = "先进"
when = "grade == 'A'"
quota = { share = 0.5, rounding = "floor" }
[[consequence]]
id = "not_b"
title = "非B"
when = "grade != 'B'"
[[consequence]]
id = "notice"
title = "通报"
when = "vetoed"
'''


def test_an_ended_review_by_hand():
    rubric = ENGINE.rubric_from_text(RUBRIC)
    rows = [{"id": "u1", "a": 9, "licensed": True}, {"id": "u2", "a": 8, "licensed": True},
            {"id": "u3", "a": 10, "licensed": False}, {"id": "u4", "a": 3, "licensed": True}]
    res = ENGINE.score(rubric, rows)
    got = {u.id: (u.status, u.score, u.grade, u.rank, sorted(c.id for c in u.consequences)) for u in res.units()}
    # u3's findings would give 100 (rank 1, A): the review ended, so none of that.
    # Ranks 1..3 go to the scored units; the 50% quota of 先进 is floor(0.5 × 3 scored units) = 1: u1 only.
    assert got == {
        "u1": ("scored", 90.0, "A", 1, ["not_b", "top"]),
        "u2": ("scored", 80.0, "A", 2, ["not_b"]),
        "u4": ("scored", 30.0, "B", 3, []),
        "u3": ("review_ended", None, None, None, ["notice"]),  # `grade != 'B'` does not hold: no grade
    }
    assert [u.id for u in res.units()][-1] == "u3"  # read after every scored unit
    assert res.summary()["review_ended"] == 1 and res.summary()["grades"] == {"A": 2, "B": 1}
    doc = res.to_dict()
    assert [u["status"] for u in doc["units"]] == ["scored", "scored", "scored", "review_ended"]
    assert res.to_arrow().column("status").to_pylist()[-1] == "review_ended"
    text = res.explain("u3").to_text()
    # the rubric is Chinese, and so is its explanation
    assert "不予评审（no_licence — 未取得证照" in text and "终止评审：不计分、不定级、不排名" in text
    english = ENGINE.score(ENGINE.rubric_from_text(RUBRIC.replace('language = "zh"\n', "")), rows)
    text = english.explain("u3").to_text()
    assert "review ended (不予评审) by no_licence" in text and "the review ends: no score, grade or rank" in text


def test_ends_review_takes_no_effect():
    with pytest.raises(RubricError, match="ends_review = true gives no score and no grade"):
        ENGINE.rubric_from_text(RUBRIC.replace("ends_review = true", 'ends_review = true\neffect = "zero"'))


def test_every_output_shows_it(tmp_path):
    (tmp_path / "r.toml").write_text(RUBRIC, encoding="utf-8")
    (tmp_path / "e.csv").write_text("id,a,licensed\nu1,9,是\nu3,10,否\n", encoding="utf-8")
    for fmt, name in (("json", "o.json"), ("csv", "o.csv"), ("md", "o.md"), ("xlsx", "o.xlsx"), ("html", "o.html")):
        proc = scoring_cli("run", "r.toml", "e.csv", "--format", fmt, "-o", name, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert "note: 1 unit(s) not scored: a veto ended their review" in proc.stderr
    assert json.loads((tmp_path / "o.json").read_text(encoding="utf-8"))["units"][1]["status"] == "review_ended"
    for name in ("o.csv", "o.md", "o.html"):
        assert "不予评审" in (tmp_path / name).read_text(encoding="utf-8-sig"), name
    import openpyxl

    ws = openpyxl.load_workbook(tmp_path / "o.xlsx")["排名"]
    assert "不予评审" in [c.value for row in ws.iter_rows() for c in row]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10), st.booleans()), min_size=1, max_size=12))
def test_an_ended_review_is_never_ranked_and_changes_no_other_rank(units):
    rubric = ENGINE.rubric_from_text(RUBRIC)
    rows = [{"id": f"u{k:02d}", "a": a, "licensed": ok} for k, (a, ok) in enumerate(units)]
    res = ENGINE.score(rubric, rows)
    scored = [r for r in rows if r["licensed"]]
    alone = ENGINE.score(rubric, scored) if scored else None
    for u in res.units():
        if u.status == "review_ended":
            assert u.score is None and u.grade is None and u.rank is None
        else:
            # the same rank as among the scored units alone: an ended review takes no place
            assert alone is not None and u.rank == alone.unit(u.id).rank
    ended = {r["id"] for r in rows if not r["licensed"]}
    assert {u.id for u in res.units() if u.status == "review_ended"} == ended


def test_a_committee_cannot_grade_an_ended_review(tmp_path):
    rubric = ENGINE.rubric_from_text(RUBRIC)
    rows = [{"id": "u1", "a": 9, "licensed": True}, {"id": "u3", "a": 10, "licensed": False}]
    path = tmp_path / "d.csv"
    path.write_text("unit,target,action,value,reason,decided_by,date\nu3,grade,set,A,复核,局长办公会,2026-01-15\n",
                    encoding="utf-8")
    with pytest.raises(scoring.ScoringError, match="review ended on a veto"):
        ENGINE.score(rubric, rows, committee=path)
