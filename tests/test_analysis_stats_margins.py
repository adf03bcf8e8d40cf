"""Indicator statistics and margins, against hand-computed figures."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scoring
from scoring.analysis.stats import report_table
from tests.conftest import rubric_text

# i1: 10 points, 2 off per `a`; i2: 10 points, x / 4 of them, not applicable when x is blank.
STATS_BODY = """
[[dimension]]
id = "d1"
points = 10
  [[dimension.indicator]]
  id = "i1"
  title = "一"
  points = 10
  method = "deduction"
  count = "a"
  each = 2

[[dimension]]
id = "d2"
points = 10
  [[dimension.indicator]]
  id = "i2"
  points = 10
  method = "target"
  field = "x"
  target = 4

[[veto]]
id = "many"
title = "too many"
when = "a >= 5"
"""

STATS_ROWS = [
    {"id": "U1", "a": 0, "b": 0, "flag": True, "x": 4},     # 10 + 10 → 100, A
    {"id": "U2", "a": 5, "b": 0, "flag": True, "x": 2},     # 0 + 5 → 25, vetoed, C
    {"id": "U3", "a": 1, "b": 0, "flag": False, "x": None},  # 8, i2 n/a → 80, B
    {"id": "U4", "a": 2, "b": 0, "flag": False, "x": 0},    # 6 + 0 → 30, C
]


def row(table: dict[str, np.ndarray], **where: str) -> dict[str, object]:
    mask = np.ones(len(table["group"]), dtype=bool)
    for key, value in where.items():
        mask &= table[key] == value
    [k] = np.flatnonzero(mask).tolist()
    return {name: col[k] for name, col in table.items()}


def test_statistics_by_hand(score):
    result = score(STATS_BODY, STATS_ROWS)
    assert result.scores.tolist() == [100.0, 25.0, 80.0, 30.0]
    stats = result.statistics()
    i1 = row(stats.indicators, indicator="i1")
    # points 10, 0, 8, 6: mean 6, lost 4 per unit, 16 in all; one at full marks, one at zero
    assert (i1["applicable"], i1["mean_points"], i1["mean_lost"], i1["lost_total"]) == (4, 6.0, 4.0, 16.0)
    assert (i1["full"], i1["zero"], i1["not_applicable"], i1["lost_share"]) == (0.25, 0.25, 0.0, 0.4)
    assert i1["title"] == "一" and i1["dimension"] == "d1" and i1["points"] == 10
    i2 = row(stats.indicators, indicator="i2")
    # points 10, 5, n/a, 0: mean over the three where it applies
    assert (i2["applicable"], i2["mean_points"], i2["mean_lost"], i2["lost_total"]) == (3, 5.0, 5.0, 15.0)
    assert (i2["full"], i2["zero"], i2["not_applicable"]) == (0.25, 0.25, 0.25)
    d2 = row(stats.dimensions, dimension="d2")
    assert (d2["mean_points"], d2["not_applicable"]) == (5.0, 0.25)
    assert stats.vetoes["units"].tolist() == [1]
    assert dict(zip(stats.grades["grade"], stats.grades["units"].tolist())) == {"A": 1, "B": 1, "C": 2}
    assert stats.losing_most()[0][0] == "i1"  # 16 lost against 15


def test_statistics_by_group(score):
    stats = score(STATS_BODY, STATS_ROWS).statistics("flag")
    assert stats.groups == ["False", "True"] and stats.units.tolist() == [2, 2]
    yes = row(stats.indicators, indicator="i1", group="True")
    no = row(stats.indicators, indicator="i1", group="False")
    assert (yes["mean_points"], no["mean_points"]) == (5.0, 7.0)  # (10 + 0) / 2, (8 + 6) / 2
    assert row(stats.indicators, indicator="i2", group="False")["applicable"] == 1
    assert row(stats.vetoes, veto="many", group="True")["units"] == 1
    assert row(stats.grades, grade="C", group="False")["units"] == 1
    doc = stats.to_dict()
    assert doc["by"] == "flag" and doc["groups"]["True"]["indicators"]["i2"]["mean_points"] == 7.5
    with pytest.raises(scoring.UsageError, match="not a field"):
        score(STATS_BODY, STATS_ROWS).statistics("nope")


def test_the_summary_carries_the_statistics(score, engine):
    result = score(STATS_BODY, STATS_ROWS)
    summary = result.to_dict()["summary"]
    assert summary["statistics"]["indicators"]["i1"]["mean_lost"] == 4.0
    assert summary["statistics"]["vetoes"] == {"many": 1}
    assert "statistics_by" not in summary


MARGIN_FIELDS = """
[fields]
p = { type = "number" }
q = { type = "number" }
flag = { type = "bool" }
"""

MARGIN_BODY = """
[[dimension]]
id = "d1"
points = 50
  [[dimension.indicator]]
  id = "i1"
  points = 50
  method = "target"
  field = "p"
  target = 50

[[dimension]]
id = "d2"
points = 50
  [[dimension.indicator]]
  id = "i2"
  points = 50
  method = "target"
  field = "q"
  target = 50
"""

MARGIN_GRADES = """
[[grade]]
name = "A"
min = 90
require = "flag"

[[grade]]
name = "B"
min = 60

[[grade]]
name = "C"
min = 0

[rank]
tie_break = ["d2"]

[[consequence]]
id = "award"
title = "award"
when = "score >= 0"
quota = {{ count = {count}, ties = "{ties}" }}
"""


def margins_of(score, rows, count=1, ties="exclude"):
    result = score(MARGIN_BODY, rows, fields=MARGIN_FIELDS, grades=MARGIN_GRADES.format(count=count, ties=ties))
    return result, result.margins()


def test_a_unit_exactly_on_a_grade_floor(score):
    rows = [{"id": "on", "p": 40, "q": 50, "flag": True},      # 90.0: on A's floor
            {"id": "low", "p": 10, "q": 50, "flag": True},     # 60.0: on B's floor
            {"id": "req", "p": 50, "q": 45, "flag": False}]    # 95.0, but A's require fails
    result, m = margins_of(score, rows, count=3)
    on, low, req = (result.index_of(u) for u in ("on", "low", "req"))
    assert result.grades[on] == "A" and m.above_floor[on] == 0.0 and m.next_grade[on] == -1
    assert math.isnan(m.to_next[on]) and m.unit_entry(on)["grade"]["next"] is None
    assert result.grades[low] == "B" and m.above_floor[low] == 0.0 and m.to_next[low] == 30.0
    assert m.unit_entry(low)["grade"] == {"floor": 60.0, "above_floor": 0.0, "next": "A", "to_next": 30.0,
                                          "blocked": None, "by_rounding": False}
    assert result.grades[req] == "B" and m.blocked[req] == "require" and math.isnan(m.to_next[req])
    assert m.above_floor[req] == 35.0
    assert not m.flagged().any()


def test_a_grade_held_by_rounding_is_flagged(score):
    # 44.95 + 45 = 89.95 → 90.0 half-up: A on the rounded total only.
    result, m = margins_of(score, [{"id": "r", "p": 44.95, "q": 45, "flag": True},
                                   {"id": "s", "p": 44.9, "q": 45, "flag": True}])
    r, s = result.index_of("r"), result.index_of("s")
    assert result.scores[r] == 90.0 and result.grades[r] == "A"
    assert m.grade_by_rounding[r] and m.flags(r) == ["grade held by rounding"]
    assert result.scores[s] == 89.9 and result.grades[s] == "B" and m.to_next[s] == 0.1
    assert not m.grade_by_rounding[s]


def test_a_tie_at_the_quota_cut(score):
    rows = [{"id": "top", "p": 50, "q": 45, "flag": True},   # 95
            {"id": "t1", "p": 40, "q": 50, "flag": True},    # 90, tied with t2 on score and on d2
            {"id": "t2", "p": 40, "q": 50, "flag": True},
            {"id": "low", "p": 30, "q": 50, "flag": True}]   # 80
    result, m = margins_of(score, rows, count=2, ties="exclude")
    [q] = m.quotas
    top, t1, t2, low = (result.index_of(u) for u in ("top", "t1", "t2", "low"))
    assert q.inside[top] and not q.inside[t1] and not q.inside[t2]  # the tie at the cut is excluded
    assert q.tie[t1] and q.tie[t2] and not q.tie[top] and not q.tie[low]
    assert q.margin[top] == 5.0 and q.margin[t1] == -5.0 and q.margin[low] == -15.0
    assert "quota's ties rule" in m.flags(t1)[0]
    entry = m.unit_entry(t1)["quotas"]["award"]
    assert entry == {"place": "outside", "rank": 2, "cut_rank": 2, "margin": -5.0, "tie": True, "rounding": False}
    # include: both tied units are in, still flagged
    result, m = margins_of(score, rows, count=2, ties="include")
    [q] = m.quotas
    assert q.inside[result.index_of("t1")] and q.inside[result.index_of("t2")] and q.tie[result.index_of("t1")]


def test_a_quota_place_decided_by_a_tie_break_between_rounded_equals(score):
    # a: 45.04 + 45 = 90.04 → 90.0; b: 39.96 + 50 = 89.96 → 90.0; b has more d2 and wins the tie-break.
    rows = [{"id": "a", "p": 45.04, "q": 45, "flag": True}, {"id": "b", "p": 39.96, "q": 50, "flag": True},
            {"id": "c", "p": 10, "q": 10, "flag": True}]
    result, m = margins_of(score, rows, count=1)
    [q] = m.quotas
    a, b, c = (result.index_of(u) for u in "abc")
    assert result.scores[a] == result.scores[b] == 90.0
    assert q.inside[b] and not q.inside[a]
    assert q.margin[a] == 0.0 and q.margin[b] == 0.0 and q.tie[a] and q.tie[b]
    assert q.rounding[a] and q.rounding[b] and not q.rounding[c] and not q.tie[c]
    assert m.flags(b)[0] == "grade held by rounding" and "equal after rounding" in m.flags(b)[1]
    assert m.flags(a) == ["award: place decided by a tie-break between scores equal after rounding"]


def test_margins_in_the_json_and_in_explain(score):
    rows = [{"id": "on", "p": 40, "q": 50, "flag": True}, {"id": "low", "p": 10, "q": 50, "flag": True}]
    result, _ = margins_of(score, rows, count=1)
    unit = result.unit("low").to_dict()
    assert unit["margins"]["grade"]["to_next"] == 30.0
    assert unit["margins"]["quotas"]["award"]["place"] == "outside"
    text = result.explain("low").to_text()
    assert "Margins" in text and "A: 30.0 point(s) to go" in text and "behind the last unit let in" in text


def test_a_quota_of_none(score):
    rows = [{"id": "a", "p": 50, "q": 50, "flag": True}, {"id": "b", "p": 10, "q": 10, "flag": True}]
    result, m = margins_of(score, rows, count=0)
    [q] = m.quotas
    assert q.competing.all() and not q.inside.any() and np.isnan(q.margin).all() and np.isnan(q.cut_rank).all()
    assert result.unit("a").to_dict()["margins"]["quotas"]["award"] == {
        "place": "outside", "rank": 1, "cut_rank": None, "margin": None, "tie": False, "rounding": False}
    assert "nobody was let in" in result.explain("a").to_text()


PROPERTY_GRADES = MARGIN_GRADES.replace(
    'quota = {{ count = {count}, ties = "{ties}" }}', 'quota = {{ count = {count}, ties = "{ties}"{within} }}')


@settings(max_examples=60, deadline=None)
@given(st.lists(st.fixed_dictionaries({"p": st.integers(0, 500).map(lambda x: x / 10),
                                       "q": st.integers(0, 50), "flag": st.booleans(),
                                       "region": st.sampled_from(["n", "s"])}), min_size=1, max_size=12),
       st.integers(0, 5), st.sampled_from(["include", "exclude"]), st.booleans())
def test_margin_invariants(engine, rows, count, ties, within):
    fields = MARGIN_FIELDS + 'region = { type = "enum", values = ["n", "s"] }\n'
    grades = PROPERTY_GRADES.format(count=count, ties=ties, within=', within = "region"' if within else "")
    rubric = engine.rubric_from_text(rubric_text(MARGIN_BODY, fields=fields, grades=grades))
    result = engine.score(rubric, [{"id": f"u{k:02d}", **r} for k, r in enumerate(rows)])
    m = result.margins()
    assert (m.above_floor >= 0).all() and np.allclose(m.floor + m.above_floor, result.scores)
    has_next = (m.next_grade >= 0) & (m.blocked == "")
    assert (m.to_next[has_next] > 0).all() and np.isnan(m.to_next[~has_next]).all()
    [q] = m.quotas
    inside, outside = q.competing & q.inside, q.competing & ~q.inside
    assert not (q.margin[inside] < 0).any() and not (q.margin[outside] > 0).any()
    assert q.tie[q.competing & (q.margin == 0)].all()
    assert int(q.inside.sum()) == result.summary()["consequences"]["award"]["units"]
    json.dumps([result.unit(str(u)).to_dict()["margins"] for u in result.unit_ids], allow_nan=False)


def test_the_report_table(score):
    result = score(STATS_BODY, STATS_ROWS)
    table = report_table(result.statistics(), "en")
    assert table["title"] == "Indicator statistics" and table["headers"][0] == "indicator"
    assert table["rows"][0] == ["一", 10.0, 6.0, 4.0, 4.0, 0.25, 0.25, 0.0]  # i1 loses most: first
    by = report_table(result.statistics("flag"))
    assert by["title"] == "指标统计 (flag)" and {r[0] for r in by["rows"]} == {"False", "True"}
