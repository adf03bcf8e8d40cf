"""Rank stability under perturbed weights, and the vectorised Kendall's tau-b."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scoring
from scoring.analysis import sensitivity
from scoring.analysis.kendall import inversions, kendall_tau_b
from scoring.analysis.sensitivity import _multipliers, _plan, parse_spread
from tests.conftest import rubric_text


def brute_tau_b(x: list[float], y: list[float]) -> float:
    concordant = discordant = ties_x = ties_y = 0
    for i, j in itertools.combinations(range(len(x)), 2):
        a, b = np.sign(x[i] - x[j]), np.sign(y[i] - y[j])
        concordant += a * b > 0
        discordant += a * b < 0
        ties_x += a == 0
        ties_y += b == 0
    n0 = len(x) * (len(x) - 1) / 2
    bottom = np.sqrt((n0 - ties_x) * (n0 - ties_y))
    return float("nan") if bottom == 0 else float((concordant - discordant) / bottom)


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 30).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, 6), min_size=n, max_size=n),
    st.lists(st.lists(st.integers(0, 6), min_size=n, max_size=n), min_size=1, max_size=4))))
def test_tau_b_matches_the_definition(data):
    x, ys = data
    got = kendall_tau_b(np.array(x, dtype=float), np.array(ys, dtype=float))
    expected = [brute_tau_b(x, y) for y in ys]
    assert np.allclose(got, expected, equal_nan=True)


@given(st.lists(st.integers(0, 50), max_size=40))
def test_inversions_count_strictly_decreasing_pairs(values):
    expected = sum(values[i] > values[j] for i, j in itertools.combinations(range(len(values)), 2))
    assert inversions(np.array([values], dtype=np.int64).reshape(1, -1)).tolist() == [expected]


def test_parse_spread():
    assert parse_spread("10%") == pytest.approx(0.1) and parse_spread("0.25") == 0.25 and parse_spread("0") == 0
    for bad in ("x", "100%", "-1%", "1.5"):
        with pytest.raises(scoring.UsageError):
            parse_spread(bad)


FIELDS = """
[fields]
p = { type = "number" }
q = { type = "number" }
r = { type = "number" }
region = { type = "enum", values = ["n", "s"] }
bad = { type = "bool" }
"""

BODY = """
[[dimension]]
id = "d1"
points = 40
  [[dimension.indicator]]
  id = "i1"
  points = 40
  method = "target"
  field = "p"
  target = 10

[[dimension]]
id = "d2"
points = 35
  [[dimension.indicator]]
  id = "i2"
  points = 20
  method = "target"
  field = "q"
  target = 10
  [[dimension.indicator]]
  id = "i3"
  points = 15
  method = "target"
  field = "r"
  target = 10

[[dimension]]
id = "d3"
points = 25
  [[dimension.indicator]]
  id = "i4"
  points = 25
  method = "target"
  field = "r"
  target = 5

[[veto]]
id = "v"
title = "v"
when = "bad"
"""

GRADES = """
[[grade]]
name = "A"
min = 85

[[grade]]
name = "B"
min = 60

[[grade]]
name = "C"
min = 0

[rank]
tie_break = ["d1"]
within = "region"

[[consequence]]
id = "award"
title = "award"
when = "not vetoed"
quota = { share = 0.5, within = "region", ties = "include" }

[[consequence]]
id = "prize"
title = "prize"
when = "score >= 50"
quota = { count = 3 }
amount = 100
"""

units = st.fixed_dictionaries({
    "p": st.integers(0, 10), "q": st.integers(0, 10), "r": st.integers(0, 10),
    "region": st.sampled_from(["n", "s"]), "bad": st.booleans()})


@pytest.fixture(scope="module")
def rubric(engine):
    return engine.rubric_from_text(rubric_text(BODY, fields=FIELDS, grades=GRADES))


def scored(engine, rubric, rows):
    return engine.score(rubric, [{"id": f"u{k:02d}", **r} for k, r in enumerate(rows)])


@settings(max_examples=40, deadline=None)
@given(st.lists(units, min_size=2, max_size=12), st.sampled_from(["dimension", "indicator"]))
def test_zero_spread_keeps_everything(engine, rubric, rows, level):
    result = scored(engine, rubric, rows)
    s = sensitivity(result, draws=7, spread=0.0, level=level)
    assert (s.keep_grade == 1).all() and (s.keep_quota == 1).all()
    assert np.array_equal(s.rank_min, result.ranks) and np.array_equal(s.rank_max, result.ranks)
    distinct = np.unique(result.decisions.overall_rank).size > 1
    assert (s.tau == 1).all() if distinct else np.isnan(s.tau).all()
    assert all(x.rank_shift == 0 and x.grade_changes_up == 0 for x in s.influence)


@settings(max_examples=20, deadline=None)
@given(st.lists(units, min_size=2, max_size=10), st.floats(0.01, 0.9))
def test_shares_and_ranges_are_sound(engine, rubric, rows, spread):
    result = scored(engine, rubric, rows)
    s = sensitivity(result, draws=20, spread=spread, seed=3)
    assert ((s.keep_grade >= 0) & (s.keep_grade <= 1)).all()
    assert (s.rank_min <= result.ranks).all() and (result.ranks <= s.rank_max).all()
    assert ((-1 <= s.tau) | np.isnan(s.tau)).all() and ((s.tau <= 1) | np.isnan(s.tau)).all()


def test_perturbed_points_still_add_up(rubric):
    for level in ("dimension", "indicator"):
        plan = _plan(rubric, level)  # type: ignore[arg-type]
        rng = np.random.default_rng(0)
        mult = _multipliers(plan, rng.uniform(0.7, 1.3, size=(50, len(plan.ids))))
        weights = plan.points * mult
        assert np.allclose(weights.sum(axis=1), 100.0)  # one implicit phase: the base total
        if level == "indicator":  # indicators keep their dimension's total: i2 + i3 = 35
            assert np.allclose(weights[:, 1] + weights[:, 2], 35.0)


def test_a_seeded_run_is_reproducible(engine, rubric):
    rows = [{"p": k % 11, "q": (3 * k) % 11, "r": (7 * k) % 11, "region": "ns"[k % 2], "bad": False}
            for k in range(30)]
    result = scored(engine, rubric, rows)
    one = sensitivity(result, draws=200, spread=0.3, seed=5).to_dict()
    assert one == sensitivity(result, draws=200, spread=0.3, seed=5).to_dict()
    assert one != sensitivity(result, draws=200, spread=0.3, seed=6).to_dict()
    assert one["tau"]["min"] < 1  # the spread did move something


def test_a_unit_far_above_every_cut_keeps_its_grade(engine, rubric):
    rows = [{"p": 10, "q": 10, "r": 10, "region": "n", "bad": False}]  # full marks: 100 under any weights
    rows += [{"p": k % 11, "q": (5 * k) % 11, "r": (3 * k) % 11, "region": "ns"[k % 2], "bad": False}
             for k in range(1, 25)]
    result = scored(engine, rubric, rows)
    s = sensitivity(result, draws=300, spread=0.5, seed=1, level="indicator")
    top = result.index_of("u00")
    assert result.grades[top] == "A" and s.keep_grade[top] == 1.0 and s.rank_max[top] == 1
    assert s.keep_grade.min() < 1  # while some unit near a cut does change


def test_the_library_table_and_text(engine, rubric):
    rows = [{"p": k % 11, "q": (3 * k) % 11, "r": (7 * k) % 11, "region": "ns"[k % 2], "bad": k == 4}
            for k in range(12)]
    s = sensitivity(scored(engine, rubric, rows), draws=30, spread=0.2)
    cols = s.columns()
    assert {"unit", "keep_grade", "rank_min", "rank_max", "award_keep", "prize_keep"} <= set(cols)
    assert len({len(v) for v in cols.values()}) == 1
    assert [x.item for x in s.influence] and set(s.influence_columns()) >= {"item", "rank_shift_up"}
    assert "Kendall's tau-b" in s.to_text() and "most influential dimensions" in s.to_text()
    with pytest.raises(scoring.UsageError):
        sensitivity(scored(engine, rubric, rows), draws=0)


@pytest.mark.parametrize("rubric_id", [b.id for b in scoring.Engine().bundled_rubrics()])
def test_every_bundled_rubric(engine, rubric_id):
    bundled = engine.load_rubric(rubric_id)
    result = engine.score(bundled, str(bundled.sample))
    zero = result.sensitivity(draws=3, spread=0.0)
    assessed = result.decisions.grade >= 0
    assert (zero.keep_grade[assessed] == 1).all() and (zero.keep_quota == 1).all()
    moved = result.sensitivity(draws=50, spread=0.2, seed=1, level="indicator")
    json.dumps(moved.to_dict(), allow_nan=False)
    json.dumps(result.summary(), allow_nan=False)
