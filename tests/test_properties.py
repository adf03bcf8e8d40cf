"""Invariants that hold over all evidence, checked with hypothesis."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring
from tests.conftest import rubric_text

FIELDS = """
[fields]
deaths = { type = "count" }
limit = { type = "count" }
found = { type = "count" }
fixed = { type = "count", max = "found" }
share = { type = "rate", missing = "not_applicable" }
ok = { type = "bool" }
drills = { type = "count" }
level = { type = "enum", values = ["无", "三级", "二级", "一级"] }
wins = { type = "count" }
major = { type = "count" }
hidden = { type = "count" }
"""

BODY = """
[phases]
process = { weight = 0.4 }
outcome = { weight = 0.6 }

[[dimension]]
id = "targets"
phase = "outcome"
points = 50
  [[dimension.indicator]]
  id = "deaths"
  points = 40
  method = "deduction"
  count = "deaths"
  each = 15
  all_when = "deaths > limit"
  [[dimension.indicator]]
  id = "drill"
  points = 10
  method = "per_count"
  count = "drills"
  each = 3.3

[[dimension]]
id = "proc"
phase = "process"
points = 50
  [[dimension.indicator]]
  id = "rect"
  points = 20
  method = "ratio"
  numerator = "fixed"
  denominator = "found"
  full = 0.95
  zero = 0.6
  when_zero_denominator = "not_applicable"
  [[dimension.indicator]]
  id = "cert"
  points = 15
  method = "bands"
  field = "share"
  bands = [ { min = 1.0, share = 1.0 }, { min = 0.9, share = 0.55 } ]
  [[dimension.indicator]]
  id = "plan"
  points = 7.5
  method = "check"
  field = "ok"
  [[dimension.indicator]]
  id = "emerg"
  points = 7.5
  method = "expression"
  value = "(2.5 if ok else -4) + drills * 1.7 - fixed / (found + 1)"

[[dimension]]
id = "plus"
kind = "bonus"
points = 4
  [[dimension.indicator]]
  id = "std"
  points = 3
  method = "lookup"
  field = "level"
  table = { "一级" = 3, "二级" = 2, "三级" = 1 }
  [[dimension.indicator]]
  id = "wins"
  points = 2
  method = "per_count"
  count = "wins"
  each = 0.7

[[veto]]
id = "major"
title = "major"
when = "major > 0"
effect = "fail"

[[veto]]
id = "hidden"
title = "hidden"
when = "hidden > 0"
effect = "zero"
"""

ENGINE = scoring.Engine()
RUBRIC = ENGINE.rubric_from_text(rubric_text(BODY, fields=FIELDS))
SCALE, BONUS_CAP, LOWEST = 100.0, 4.0, "C"


@st.composite
def row(draw, unit: str, period: str) -> dict:
    found = draw(st.integers(0, 30))
    return {
        "id": unit,
        "period": period,
        "deaths": draw(st.integers(0, 4)),
        "limit": draw(st.integers(0, 2)),
        "found": found,
        "fixed": draw(st.integers(0, found)),
        "share": draw(st.one_of(st.none(), st.floats(0, 1, allow_nan=False).map(lambda x: round(x, 3)))),
        "ok": draw(st.booleans()),
        "drills": draw(st.integers(0, 5)),
        "level": draw(st.sampled_from(["无", "三级", "二级", "一级"])),
        "wins": draw(st.integers(0, 4)),
        "major": draw(st.sampled_from([0] * 9 + [1])),  # vetoes are rare, as in life
        "hidden": draw(st.sampled_from([0] * 14 + [2])),
    }


@st.composite
def tables(draw) -> list[dict]:
    units = draw(st.integers(1, 12))
    periods = draw(st.integers(1, 4))
    return [draw(row(f"u{k:02d}", f"2026Q{p + 1}")) for k in range(units) for p in range(periods)]


SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(tables())
def test_totals_and_items_within_bounds(rows):
    res = ENGINE.score(RUBRIC, rows)
    scores = res.scores[~np.isnan(res.scores)]
    assert np.all(scores >= 0) and np.all(scores <= SCALE + BONUS_CAP)
    for ind, col in zip(RUBRIC.indicators, res.items):
        assert np.all(col.points >= 0) and np.all(col.points <= ind.points)  # 扣完为止 and the item cap
    assert np.all(res.totals.bonus[res.totals.assessable] <= BONUS_CAP)


@SETTINGS
@given(tables())
def test_vetoes_dominate(rows):
    res = ENGINE.score(RUBRIC, rows)
    for unit in res.units():
        ids = {v.id for v in unit.vetoes}
        if unit.status != "scored":
            continue
        if ids:
            assert unit.grade == LOWEST  # this rubric has fail and zero vetoes only
        if "hidden" in ids:
            assert unit.score == 0.0
    clean = [u.rank for u in res.units() if u.status == "scored" and not u.vetoes]
    vetoed = [u.rank for u in res.units() if u.status == "scored" and u.vetoes]
    if clean and vetoed:
        assert min(vetoed) > max(clean)  # vetoed units rank after every unit without a veto


@SETTINGS
@given(tables(), st.randoms(use_true_random=False))
def test_row_order_changes_nothing(rows, rnd):
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    a, b = ENGINE.score(RUBRIC, rows), ENGINE.score(RUBRIC, shuffled)
    assert [u.to_dict() for u in a.units()] == [u.to_dict() for u in b.units()]


@SETTINGS
@given(tables())
def test_a_unit_scores_the_same_alone_or_among_others(rows):
    res = ENGINE.score(RUBRIC, rows)
    first = rows[0]["id"]
    alone = ENGINE.score(RUBRIC, [r for r in rows if r["id"] == first]).unit(first)
    among = res.unit(first)
    assert (alone.score, alone.grade, alone.indicators, alone.vetoes) == (among.score, among.grade, among.indicators, among.vetoes)


@SETTINGS
@given(tables())
def test_ranks_follow_rounded_scores(rows):
    res = ENGINE.score(RUBRIC, rows)
    units = [u for u in res.units() if u.status == "scored"]
    for u in units:
        better = [v for v in units if (bool(v.vetoes), -v.score) < (bool(u.vetoes), -u.score)]
        assert u.rank == len(better) + 1  # "min" ties: 1 + the number of units strictly ahead
