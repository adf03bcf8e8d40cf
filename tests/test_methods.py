"""Each built-in method, hand-computed, through the engine (so the core's clip applies)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scoring_std.methods as scoring_std_methods
from scoring.methods import MethodInput
from tests.conftest import rubric_text, single_indicator

FIELDS = """
[fields]
n = { type = "count" }
limit = { type = "count", missing = "zero" }
found = { type = "count", missing = "zero" }
fixed = { type = "count", max = "found", missing = "zero" }
share = { type = "rate", missing = "zero" }
ok = { type = "bool", missing = "zero" }
level = { type = "enum", values = ["无", "三级", "二级", "一级"], missing = "zero" }
"""


def one(points: float, method: str, params: str) -> str:
    return single_indicator(points, method, params)

def item_points(engine, body: str, rows: list[dict]) -> list[float]:
    rubric = engine.rubric_from_text(rubric_text(body, fields=FIELDS))
    result = engine.score(rubric, [{"id": f"u{k:02d}", "n": 0, **r} for k, r in enumerate(rows)])
    return [result.unit(f"u{k:02d}").indicators["i"].points for k in range(len(rows))]


def test_deduction_stops_at_zero(engine):
    body = one(40, "deduction", 'count = "n"\n  each = 15')
    assert item_points(engine, body, [{"n": 0}, {"n": 1}, {"n": 2}, {"n": 3}, {"n": 10}]) == [40, 25, 10, 0, 0]


def test_deduction_all_when(engine):
    body = one(40, "deduction", 'count = "n"\n  each = 20\n  all_when = "n > limit"')
    assert item_points(engine, body, [{"n": 1, "limit": 1}, {"n": 1, "limit": 0}, {"n": 0, "limit": 0}]) == [20, 0, 40]


def test_per_count_is_capped(engine):
    body = one(2, "per_count", 'count = "n"\n  each = 0.5')
    assert item_points(engine, body, [{"n": 0}, {"n": 3}, {"n": 4}, {"n": 9}]) == [0, 1.5, 2, 2]


@pytest.mark.parametrize(
    "fixed, found, expected",
    [(74, 89, 9.92), (89, 89, 15), (85, 89, 15), (53, 89, 0), (0, 89, 0), (561, 577, 15), (7, 10, 4.29)],
)
def test_ratio_linear_between_zero_and_full(engine, fixed, found, expected):
    # rate 74/89 = 0.83146; (0.83146 - 0.60) / 0.35 x 15 = 9.9197
    body = one(15, "ratio", 'numerator = "fixed"\n  denominator = "found"\n  full = 0.95\n  zero = 0.60')
    assert item_points(engine, body, [{"fixed": fixed, "found": found}]) == [expected]


def test_ratio_value_is_the_rate(engine):
    body = one(15, "ratio", 'numerator = "fixed"\n  denominator = "found"')
    rubric = engine.rubric_from_text(rubric_text(body, fields=FIELDS))
    unit = engine.score(rubric, [{"id": "u", "n": 0, "fixed": 561, "found": 577}]).unit("u")
    assert unit.indicators["i"].value == 0.9723  # the published 97.23%


@pytest.mark.parametrize("policy, points, status", [("full", 15, "scored"), ("zero", 0, "scored"), ("not_applicable", 0, "not_applicable")])
def test_ratio_zero_denominator(engine, policy, points, status):
    body = one(15, "ratio", f'numerator = "fixed"\n  denominator = "found"\n  when_zero_denominator = "{policy}"')
    rubric = engine.rubric_from_text(rubric_text(body + one(5, "check", 'field = "ok"').replace('id = "d"', 'id = "e"').replace('id = "i"', 'id = "j"'), fields=FIELDS))
    unit = engine.score(rubric, [{"id": "u", "n": 0, "found": 0, "fixed": 0, "ok": True}]).unit("u")
    assert unit.indicators["i"].points == points and unit.indicators["i"].status == status
    # Not applicable: 5 of 5 applicable points -> 100, rather than 5 of 20 -> 25.
    assert unit.score == {"full": 100.0, "zero": 25.0, "not_applicable": 100.0}[policy]


def test_target_is_proportional_and_capped(engine):
    body = one(5, "target", 'field = "n"\n  target = 4')
    assert item_points(engine, body, [{"n": 0}, {"n": 1}, {"n": 3}, {"n": 4}, {"n": 9}]) == [0, 1.25, 3.75, 5, 5]


def test_bands_take_the_first_band_reached(engine):
    body = one(10, "bands", 'field = "share"\n  bands = [ { min = 1.0, share = 1.0 }, { min = 0.95, share = 0.8 }, { min = 0.9, share = 0.5 } ]')
    rows = [{"share": s} for s in (1.0, 0.99, 0.95, 0.94, 0.9, 0.89, 0.0)]
    assert item_points(engine, body, rows) == [10, 8, 8, 5, 5, 0, 0]


def test_bands_must_descend(engine):
    from scoring import RubricError

    body = one(10, "bands", 'field = "share"\n  bands = [ { min = 0.5, share = 1.0 }, { min = 0.9, share = 0.8 } ]')
    with pytest.raises(RubricError, match="highest min down"):
        engine.rubric_from_text(rubric_text(body, fields=FIELDS))


def test_check(engine):
    assert item_points(engine, one(5, "check", 'field = "ok"'), [{"ok": True}, {"ok": False}]) == [5, 0]
    assert item_points(engine, one(5, "check", 'field = "ok"\n  expect = false'), [{"ok": True}, {"ok": False}]) == [0, 5]


def test_lookup(engine):
    body = one(3, "lookup", 'field = "level"\n  table = { "一级" = 3, "二级" = 2, "三级" = 1 }')
    rows = [{"level": v} for v in ("一级", "二级", "三级", "无", "")]
    assert item_points(engine, body, rows) == [3, 2, 1, 0, 0]


def test_expression_is_clipped(engine):
    body = one(5, "expression", 'value = "(2 if ok else 0) + min(n, 3) - 1"')
    rows = [{"ok": True, "n": 3}, {"ok": True, "n": 9}, {"ok": False, "n": 0}, {"ok": False, "n": 2}]
    assert item_points(engine, body, rows) == [4, 4, 0, 1]


def test_expression_division_by_zero_earns_nothing(engine):
    body = one(5, "expression", 'value = "fixed / found * 5"')
    assert item_points(engine, body, [{"fixed": 0, "found": 0}, {"fixed": 1, "found": 2}]) == [0, 2.5]


def test_every_method_has_a_summary_and_description(engine):
    for name, method in engine.registry.methods.items():
        assert method.summary, name
        assert method.describe is not None, name


band_lists = st.lists(st.tuples(st.floats(-5, 5, allow_nan=False), st.floats(0, 1)), min_size=1, max_size=12,
                      unique_by=lambda b: b[0])
band_values = st.lists(st.one_of(st.floats(-6, 6, allow_nan=False), st.just(float("nan")), st.sampled_from([-0.0, 0.0, 1.0])),
                       max_size=30)


@settings(max_examples=200, deadline=None)
@given(band_lists, band_values)
def test_bands_by_comparison_and_by_search_agree_with_the_first_band_reached(bands, values):
    params = scoring_std_methods.BandsParams(
        field="x", bands=[{"min": m, "share": s} for m, s in sorted(bands, reverse=True)])
    x = np.array(values, dtype=np.float64)
    inp = MethodInput(points=7.0, n=x.shape[0], columns={"x": x}, expressions={})
    compared = scoring_std_methods._bands(params, inp).points
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(scoring_std_methods, "_COMPARED_BANDS", 0)
        searched = scoring_std_methods._bands(params, inp).points
    # The definition: the share of the first (highest) band whose min the value reaches, else 0.
    expected = [next((b.share * 7.0 for b in params.bands if v >= b.min), 0.0) for v in values]
    assert list(compared) == list(searched) == expected
