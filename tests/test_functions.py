"""Expression functions as plugins: the standard ones (hand-computed), a third
party's, and the checks at rubric load that hold every function to its declaration."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import scoring
from scoring.expr import Expression, compile_expression
from scoring.plugin import Function, hookimpl
from tests.conftest import rubric_text, single_indicator

ENGINE = scoring.Engine()
ENV: dict[str, Any] = {
    "x": np.array([2.675, -1.5, np.nan, 10.0]),
    "y": np.array([1.0, np.nan, 3.0, np.nan]),
    "ok": np.array([True, False, True, False]),
    "grade": np.array(["优秀", "", "良好", ""]),
    "other": np.array(["甲", "乙", "", "丙"]),
}


def run(source: str) -> np.ndarray:
    expr: Expression = compile_expression(source, functions=ENGINE.registry.functions)
    return expr.evaluate(ENV, 4)


@pytest.mark.parametrize(("source", "expected"), [
    ("clip(x, 0, 5)", [2.675, 0.0, np.nan, 5.0]),
    ("round_half_up(x, 2)", [2.68, -1.5, np.nan, 10.0]),       # 2.675 → 2.68, as a spreadsheet's ROUND
    ("round_half_up(x)", [3.0, -2.0, np.nan, 10.0]),           # halves away from zero: -1.5 → -2
    ("round_half_up(0.125, 2) + 0 * ok", [0.13] * 4),
    ("if_else(ok, x, 0)", [2.675, 0.0, np.nan, 0.0]),
    ("if_else(y > 2, 1, 2)", [2.0, 2.0, 1.0, 2.0]),            # a missing y is not > 2
    ("coalesce(y, x, 0)", [1.0, -1.5, 3.0, 10.0]),
    ("coalesce(y, 0)", [1.0, 0.0, 3.0, 0.0]),
    ("between(x, -1.5, 2.675)", [True, True, False, False]),   # both ends included; missing: no
])
def test_standard_functions_by_hand(source: str, expected: list[float]) -> None:
    np.testing.assert_array_equal(run(source), np.array(expected))


def test_text_through_if_else_and_coalesce() -> None:
    assert run("if_else(ok, grade, other)").tolist() == ["优秀", "乙", "良好", "丙"]
    assert run("coalesce(grade, other, '无')").tolist() == ["优秀", "乙", "良好", "丙"]


@pytest.mark.parametrize(("source", "message"), [
    ("clip(x, 1)", "clip() takes 3 arguments, got 2"),
    ("round_half_up(x, 1, 2)", "round_half_up() takes 1 to 2 arguments, got 3"),
    ("coalesce(x)", "coalesce() takes at least 2 arguments, got 1"),
    ("clipp(x, 0, 1)", "calling 'clipp' is not allowed; functions are: .*; did you mean 'clip'"),
    ("between(grade, 1, 2)", "text cannot be used with argument 1 of between()"),
    ("if_else(ok, grade, 1)", "the arguments of if_else() that give its result must be all text or all numbers"),
    ("if_else(grade, 1, 2)", "text cannot be used as a condition"),
])
def test_calls_against_the_declaration_are_refused(source: str, message: str) -> None:
    with pytest.raises(scoring.ExpressionError, match=message if ".*" in message else re.escape(message)):
        run(source)


def test_a_wrong_kind_is_refused_at_rubric_load_with_its_key() -> None:
    body = single_indicator(10, "expression", 'value = "clip(x, a, 10) + between(flag, 0, 1)"')
    ENGINE.rubric_from_text(rubric_text(body))  # numbers and yes/no: fine
    fields = '[fields]\na = { type = "count" }\nname = { type = "text" }\n'
    bad = single_indicator(10, "expression", 'value = "clip(name, 0, 10)"')
    with pytest.raises(scoring.RubricError, match=r"dimension\[0\].indicator\[0\].value: text cannot be used "
                                                  r"with argument 1 of clip\(\)"):
        ENGINE.rubric_from_text(rubric_text(bad, fields=fields))


def test_the_safe_expression_limits_still_apply_inside_calls() -> None:
    with pytest.raises(scoring.ExpressionError, match="too large"):
        run("coalesce(" + ", ".join(["x"] * 300) + ")")
    with pytest.raises(scoring.ExpressionError, match="attribute access is not allowed"):
        run("clip(x.__class__, 0, 1)")


def test_a_function_cannot_write_into_the_evidence() -> None:
    def scribble(x: np.ndarray) -> np.ndarray:
        x[0] = 99.0
        return x

    table = {**ENGINE.registry.functions, "scribble": Function("scribble", ("number",), "number", scribble)}
    column = np.array([1.0, 2.0])
    with pytest.raises(scoring.PluginError, match="function 'scribble' .* raised ValueError"):
        compile_expression("scribble(v)", functions=table).evaluate({"v": column}, 2)
    assert column.tolist() == [1.0, 2.0]


class Bureau:
    """A third party's function, used in a rubric end to end."""

    @hookimpl
    def scoring_register_functions(self) -> list[Function]:
        return [Function("per_hundred", ("number", "number"), "number",
                         lambda part, whole: np.where(whole > 0, 100 * part / np.where(whole > 0, whole, 1), 0.0),
                         "per_hundred(part, whole): part per 100 of whole")]


def test_a_third_party_function_in_a_rubric() -> None:
    engine = scoring.Engine(plugins=[Bureau()])
    rubric = engine.rubric_from_text(rubric_text(single_indicator(10, "expression",
                                                                  'value = "per_hundred(b, a) / 10"')))
    result = engine.score(rubric, [{"id": "u", "a": 4, "b": 3, "flag": True}])
    assert result.unit("u").score == 75.0  # 3 per 4 → 75 per hundred → 7.5 of 10 points → 75 of 100
    assert "per_hundred" not in ENGINE.registry.functions  # one engine's plugins are its own
    info = next(p for p in engine.plugins() if p.name == "Bureau")
    assert info.functions == ("per_hundred",)


def test_a_function_returning_the_wrong_shape_is_the_plugins_error() -> None:
    class Broken:
        @hookimpl
        def scoring_register_functions(self) -> list[Function]:
            return [Function("first", ("number",), "number", lambda x: x[:1])]

    engine = scoring.Engine(plugins=[Broken()])
    rubric = engine.rubric_from_text(rubric_text(single_indicator(10, "expression", 'value = "first(a)"')))
    with pytest.raises(scoring.PluginError, match=r"function 'first' from plugin 'Broken' returned float64 values "
                                                  r"of shape \(1,\) for 2 rows"):
        engine.score(rubric, [{"id": "u", "a": 4, "b": 3, "flag": True}, {"id": "v", "a": 4, "b": 3, "flag": True}])


def test_signatures_are_shown() -> None:
    shown = {name: f.signature() for name, f in ENGINE.registry.functions.items()}
    assert shown["round_half_up"] == "round_half_up(number, [number]) -> number"
    assert shown["min"] == "min(number, number, ...) -> number"
    assert shown["if_else"] == "if_else(bool, value, value) -> value"


finite = st.floats(-1e6, 1e6, allow_nan=False)


@given(st.lists(finite, min_size=1, max_size=20), finite, finite)
def test_clip_lies_within_and_between_agrees(values: list[float], a: float, b: float) -> None:
    lo, hi = min(a, b), max(a, b)
    env = {"v": np.array(values), "lo": lo, "hi": hi}
    n = len(values)
    table = ENGINE.registry.functions
    clipped = compile_expression("clip(v, lo, hi)", functions=table).evaluate(env, n)
    assert ((clipped >= lo) & (clipped <= hi)).all()
    inside = compile_expression("between(v, lo, hi)", functions=table).evaluate(env, n)
    np.testing.assert_array_equal(inside, clipped == np.array(values))


@given(st.lists(st.one_of(st.just(np.nan), finite), min_size=1, max_size=20),
       st.lists(st.one_of(st.just(np.nan), finite), min_size=1, max_size=20))
def test_coalesce_is_never_missing_where_one_argument_is_present(a: list[float], b: list[float]) -> None:
    n = min(len(a), len(b))
    x, y = np.array(a[:n]), np.array(b[:n])
    out = compile_expression("coalesce(x, y)", functions=ENGINE.registry.functions).evaluate({"x": x, "y": y}, n)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(x) & np.isnan(y))
    np.testing.assert_array_equal(out[~np.isnan(x)], x[~np.isnan(x)])


@given(st.integers(-10**9, 10**9), st.integers(0, 4))
def test_round_half_up_matches_decimal(cents: int, digits: int) -> None:
    from decimal import ROUND_HALF_UP, Decimal

    value = cents / 1000
    expected = float(Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))
    got = compile_expression(f"round_half_up(v, {digits})", functions=ENGINE.registry.functions).evaluate(
        {"v": np.array([value])}, 1)
    assert got[0] == expected
