"""Rule-change impact, against hand-computed changes."""

from __future__ import annotations

import numpy as np
import pytest

import scoring
from scoring.analysis import compare_results
from tests.conftest import rubric_text

FIELDS = """
[fields]
p = { type = "number" }
bad = { type = "bool" }
"""

BODY = """
[[dimension]]
id = "d"
points = 100
  [[dimension.indicator]]
  id = "{ind}"
  points = 100
  method = "target"
  field = "p"
  target = 100{extra}

[[veto]]
id = "v"
title = "v"
when = "bad"
"""

GRADES = """
[[grade]]
name = "A"
min = 90

[[grade]]
name = "B"
min = {b_min}

[[grade]]
name = "C"
min = 0

[[consequence]]
id = "reward"
title = "奖励"
when = "not vetoed"
amount = {{ A = 1000, B = 300 }}
"""

# scores 95, 70, 64.9, 62, 60, 59, 65 (vetoed)
ROWS = [{"id": "u95", "p": 95, "bad": False}, {"id": "u70", "p": 70, "bad": False},
        {"id": "u649", "p": 64.9, "bad": False}, {"id": "u62", "p": 62, "bad": False},
        {"id": "u60", "p": 60, "bad": False}, {"id": "u59", "p": 59, "bad": False},
        {"id": "v65", "p": 65, "bad": True}]


def rubric(engine, *, b_min=60, ind="i", extra=""):
    return engine.rubric_from_text(rubric_text(BODY.format(ind=ind, extra=extra), fields=FIELDS,
                                               grades=GRADES.format(b_min=b_min)))


def test_a_band_moved_by_5_points_changes_exactly_the_units_in_between(engine):
    old = engine.score(rubric(engine), ROWS)
    new = engine.score(rubric(engine, b_min=65), ROWS)
    impact = compare_results(old, new)
    changed = sorted(impact.unit_ids[impact.changed].tolist())
    # B from 60 to 65: 64.9, 62 and 60 drop to C and lose their 300; 65 is vetoed (C either way).
    assert changed == ["u60", "u62", "u649"]
    assert sorted(impact.unit_ids[impact.grade_changed].tolist()) == changed
    assert not impact.score_changed.any() and not impact.rank_changed.any() and not impact.veto_changed.any()
    assert impact.totals["reward"]["units"] == [6, 6]  # granted to all not vetoed, amount 0 for C
    assert impact.totals["reward"]["amount"] == [2200.0, 1300.0]  # 1000 + 4 × 300 → 1000 + 300
    assert impact.grades == {"A": (1, 1), "B": (4, 1), "C": (2, 5)}
    doc = impact.to_dict()
    assert doc["counts"]["changed"] == 3
    [u62] = [u for u in doc["units"] if u["id"] == "u62"]
    assert u62["changes"] == {"grade": ["B", "C"], "consequences": {"reward": [300.0, 0.0]}}
    cols = impact.columns()
    assert sorted(cols["unit"].tolist()) == changed and cols["reward_old"].tolist() == [300.0] * 3
    text = impact.to_text()
    assert "u62: grade B → C; reward 300.00 → 0.00" in text and "B 4 → 1" in text


def test_same_rubric_no_change(engine):
    r = rubric(engine)
    impact = compare_results(engine.score(r, ROWS), engine.score(r, ROWS))
    assert not impact.changed.any() and impact.to_dict()["units"] == []


def test_a_renamed_indicator_is_compared_with_its_old_self(engine):
    old = engine.score(rubric(engine), ROWS)
    renamed = engine.score(rubric(engine, ind="j", extra='\n  replaces = "i"'), ROWS)
    impact = compare_results(old, renamed)
    assert impact.renamed == {"j": "i"} and impact.indicators == ("j",) and not impact.changed.any()
    # and without `replaces` the new indicator has nothing to be compared with
    assert compare_results(old, engine.score(rubric(engine, ind="j"), ROWS)).indicators == ()
    # more evidence under the renamed item: the impact says by how much the item moved
    moved = engine.score(rubric(engine, ind="j", extra='\n  replaces = "i"'),
                         [dict(r, p=min(r["p"] + 10, 100)) for r in ROWS])
    impact = compare_results(old, moved)
    k = int(np.flatnonzero(impact.unit_ids == "u95")[0])
    assert impact.indicator_delta[k].tolist() == [5.0]
    [u95] = [u for u in impact.to_dict()["units"] if u["id"] == "u95"]
    assert u95["changes"]["indicators"] == {"j": 5.0} and u95["changes"]["score"] == [95.0, 100.0]


def test_units_in_one_run_only(engine):
    r = rubric(engine)
    impact = compare_results(engine.score(r, ROWS[:3]), engine.score(r, ROWS[1:]))
    assert impact.counts()["added"] == 4 and impact.counts()["removed"] == 1
    assert "u95 (gone)" in impact.to_text()


def test_replaces_is_checked(engine):
    text = rubric_text(BODY.format(ind="j", extra='\n  replaces = "i"'), fields=FIELDS, grades=GRADES.format(b_min=60))
    two = text.replace('[[veto]]', '[[dimension]]\nid = "e"\npoints = 5\n  [[dimension.indicator]]\n  id = "k"\n'
                       '  points = 5\n  method = "target"\n  field = "p"\n  target = 1\n  replaces = "i"\n\n[[veto]]')
    with pytest.raises(scoring.RubricError, match="already claimed") as info:
        engine.rubric_from_text(two)
    assert info.value.key == "dimension[1].indicator[0].replaces"
    with pytest.raises(scoring.RubricError, match="replaces"):
        engine.rubric_from_text(text.replace('replaces = "i"', 'replaces = "not an id"'))


def test_the_engine_and_result_methods(engine, tmp_path):
    old, new = rubric(engine), rubric(engine, b_min=65)
    via_engine = engine.impact(old, new, ROWS)
    assert isinstance(via_engine, scoring.Impact)
    assert via_engine.to_dict() == compare_results(engine.score(old, ROWS), engine.score(new, ROWS)).to_dict()
    result = engine.score(old, ROWS)
    assert isinstance(result.margins(), scoring.Margins) and result.margins() is result.margins()  # computed once
    assert isinstance(result.statistics(), scoring.Statistics)
    s = result.sensitivity(draws=5, spread=0.2, seed=2)
    assert isinstance(s, scoring.Sensitivity) and s.draws == 5
