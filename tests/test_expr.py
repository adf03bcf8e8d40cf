"""Tests for scoring.expr: hand-computed results, refusals, and properties."""

from __future__ import annotations

import re
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from scoring.errors import ExpressionError
from scoring.expr import MAX_DEPTH, MAX_EXPONENT, MAX_LENGTH, MAX_NODES, Expression
from scoring.expr import compile_expression as compile_bare
from scoring_std.functions import FUNCTIONS as STANDARD

# The core knows no function: these tests compile with the standard table, as an engine would.
FUNCTIONS = {f.name: f for f in STANDARD}


def compile_expression(source: str, **options: Any) -> Expression:
    return compile_bare(source, functions=FUNCTIONS, **options)


ENV: dict[str, Any] = {
    "a": np.array([1.0, -2.0, 3.5, 0.0]),
    "b": np.array([2.0, 2.0, -1.0, 0.0]),
    "i": np.array([3, 0, -4, 7]),
    "flag": np.array([True, False, True, False]),
    "grade": np.array(["优秀", "良好", "优秀", "合格"]),
    "level": np.array(["一级", "二级", "三级", "一级"]),
    "nan": np.array([np.nan, 1.0, 0.0, np.nan]),
    "limit": 2,
    "label": "优秀",
}
N = 4


def run(source: str, **env: Any) -> np.ndarray:
    return compile_expression(source).evaluate({**ENV, **env}, N)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a + b * 2", [5.0, 2.0, 1.5, 0.0]),
        ("a - b", [-1.0, -4.0, 4.5, 0.0]),
        ("(a + b) * 2", [6.0, 0.0, 5.0, 0.0]),
        ("i / 2", [1.5, 0.0, -2.0, 3.5]),
        ("i // 2", [1.0, 0.0, -2.0, 3.0]),
        ("i % 3", [0.0, 0.0, 2.0, 1.0]),
        ("a ** 2", [1.0, 4.0, 12.25, 0.0]),
        ("b ** -1", [0.5, 0.5, -1.0, np.inf]),
        ("(a ** 2) ** 0.5", [1.0, 2.0, 3.5, 0.0]),
        ("-a", [-1.0, 2.0, -3.5, -0.0]),
        ("+b", [2.0, 2.0, -1.0, 0.0]),
        ("0.2 * i", [0.6000000000000001, 0.0, -0.8, 1.4000000000000001]),
        ("flag + flag", [2.0, 0.0, 2.0, 0.0]),
        ("flag * 5 - 1", [4.0, -1.0, 4.0, -1.0]),
        ("-flag", [-1.0, -0.0, -1.0, -0.0]),
        ("i * limit", [6.0, 0.0, -8.0, 14.0]),
        ("min(a, b)", [1.0, -2.0, -1.0, 0.0]),
        ("max(a, b, 1.5)", [2.0, 2.0, 3.5, 1.5]),
        ("abs(i)", [3.0, 0.0, 4.0, 7.0]),
        ("clip(i, 0, 5)", [3.0, 0.0, 0.0, 5.0]),
        ("clip(a, b, 3)", [2.0, 2.0, 3.0, 0.0]),
        ("floor(a)", [1.0, -2.0, 3.0, 0.0]),
        ("ceil(a)", [1.0, -2.0, 4.0, 0.0]),
        ("sqrt(i)", [np.sqrt(3.0), 0.0, np.nan, np.sqrt(7.0)]),
        ("(2 if flag else 0) + min(i, 3)", [5.0, 0.0, -2.0, 3.0]),
        ("a if a > b else b", [2.0, 2.0, 3.5, 0.0]),
        ("1 + 2", [3.0, 3.0, 3.0, 3.0]),
        ("limit", [2, 2, 2, 2]),
    ],
)
def test_numeric_results(source: str, expected: list[float]) -> None:
    out = run(source)
    assert out.shape == (N,)
    np.testing.assert_array_equal(out, np.array(expected))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a > b", [False, False, True, False]),
        ("i > limit", [True, False, False, True]),
        ("a == b", [False, False, False, True]),
        ("a != b", [True, True, True, False]),
        ("a >= 1", [True, False, True, False]),
        ("a <= 0", [False, True, False, True]),
        ("0 < i <= 3", [True, False, False, False]),
        ("-5 < i < 5 != i", [True, True, True, False]),
        ("grade == '优秀'", [True, False, True, False]),
        ("grade == label", [True, False, True, False]),
        ("grade != '优秀'", [False, True, False, True]),
        ("level in ['一级', '二级']", [True, True, False, True]),
        ("level not in ('一级', '二级')", [False, False, True, False]),
        ("i in [-4, 7]", [False, False, True, True]),
        ("i not in [3]", [False, True, True, True]),
        ("i in []", [False, False, False, False]),
        ("grade == '优秀' and not flag", [False, False, False, False]),
        ("grade == '优秀' and flag", [True, False, True, False]),
        ("flag or i == 0", [True, True, True, False]),
        ("not flag", [False, True, False, True]),
        ("not i", [False, True, False, False]),
        ("a > 0 and b > 0 or flag", [True, False, True, False]),
        ("nan or 0", [False, True, False, False]),
        ("not nan", [True, False, True, True]),
        ("True", [True, True, True, True]),
        ("grade < '良好'", [v < "良好" for v in ["优秀", "良好", "优秀", "合格"]]),
    ],
)
def test_boolean_results(source: str, expected: list[bool]) -> None:
    out = run(source)
    assert out.dtype == bool
    np.testing.assert_array_equal(out, np.array(expected))


def test_text_results_and_if_else() -> None:
    out = run("'高' if i > 2 else grade")
    assert out.dtype.kind == "U"
    assert out.tolist() == ["高", "良好", "优秀", "高"]
    assert run("label").tolist() == ["优秀"] * 4


def test_evaluate_bool_truthiness_and_nan() -> None:
    expr = compile_expression("nan")
    out = expr.evaluate_bool(ENV, N)
    assert out.dtype == bool
    assert out.tolist() == [False, True, False, False]
    assert compile_expression("i").evaluate_bool(ENV, N).tolist() == [True, False, True, True]
    assert compile_expression("1").evaluate_bool({}, 3).tolist() == [True] * 3
    with pytest.raises(ExpressionError, match="condition"):
        compile_expression("grade").evaluate_bool(ENV, N)


def test_evaluate_number() -> None:
    out = compile_expression("flag").evaluate_number(ENV, N)
    assert out.dtype == np.float64
    assert out.tolist() == [1.0, 0.0, 1.0, 0.0]
    assert compile_expression("i").evaluate_number(ENV, N).dtype == np.float64
    with pytest.raises(ExpressionError, match="text"):
        compile_expression("grade").evaluate_number(ENV, N)


def test_result_is_a_fresh_array() -> None:
    column = np.array([1.0, 2.0, 3.0])
    for method in ("evaluate", "evaluate_number"):
        out = getattr(compile_expression("x"), method)({"x": column}, 3)
        assert not np.shares_memory(out, column)
        out[0] = 99.0
        assert column[0] == 1.0
    flags = np.array([True, False])
    out = compile_expression("x").evaluate_bool({"x": flags}, 2)
    assert not np.shares_memory(out, flags)
    constant = compile_expression("5").evaluate({}, 2)
    constant[0] = 1
    assert compile_expression("5").evaluate({}, 2).tolist() == [5.0, 5.0]


def test_broadcast_and_empty() -> None:
    assert compile_expression("2 * 3").evaluate({}, 5).tolist() == [6.0] * 5
    assert compile_expression("x + 1").evaluate({"x": 1.5}, 2).tolist() == [2.5, 2.5]
    assert compile_expression("x > 1").evaluate({"x": np.array([])}, 0).shape == (0,)


def test_no_runtime_warnings() -> None:
    env = {"x": np.array([1.0, 0.0, -1.0]), "y": np.zeros(3)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = compile_expression("x / y").evaluate(env, 3)
        assert np.isinf(out[0]) and np.isnan(out[1]) and out[2] == -np.inf
        assert np.isnan(compile_expression("sqrt(x) + x // y + x % y").evaluate(env, 3)).all()
        assert np.isinf(compile_expression("(x + 1e300) ** 64").evaluate(env, 3)[0])


def test_names() -> None:
    expr = compile_expression("deaths > death_limit and min(deaths, 3) > 0")
    assert isinstance(expr, Expression)
    assert expr.names == frozenset({"deaths", "death_limit"})
    assert expr.source == "deaths > death_limit and min(deaths, 3) > 0"
    assert compile_expression("1 + 2").names == frozenset()


def test_missing_name_is_named() -> None:
    with pytest.raises(ExpressionError, match="'y'") as info:
        compile_expression("x + y").evaluate({"x": 1.0}, 2)
    assert info.value.position == 4


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("grade > 1", "cannot compare text with a number"),
        ("grade == 1", "cannot compare text with a number"),
        ("grade + 1", "text cannot be used with '+'"),
        ("-grade", "text cannot be used"),
        ("min(grade, 1)", "min()"),
        ("grade in [1, 2]", "list of numbers"),
        ("i in ['a']", "list of text"),
        ("grade if flag else 1", "both results"),
        ("not grade", "condition"),
    ],
)
def test_type_errors_at_evaluation(source: str, fragment: str) -> None:
    expr = compile_expression(source)
    with pytest.raises(ExpressionError) as info:
        expr.evaluate(ENV, N)
    assert fragment in info.value.message


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"x": np.array([1.0, 2.0])}, "shape"),
        ({"x": np.array([object(), 1, 2], dtype=object)}, "unsupported type"),
        ({"x": np.array([1 + 2j, 0, 0])}, "unsupported type"),
    ],
)
def test_bad_env_values(env: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ExpressionError, match=fragment):
        compile_expression("x + 1").evaluate(env, 3)


REFUSALS = [
    ("__import__('os')", "calling '__import__' is not allowed"),
    ("().__class__", "attribute access is not allowed"),
    ("x.y", "attribute access is not allowed"),
    ("open('f')", "calling 'open' is not allowed; functions are: abs, between, ceil"),
    ("lambda: 1", "lambda is not allowed"),
    ("[i for i in x]", "comprehensions are not allowed"),
    ("x[0]", "subscripts"),
    ("f'{x}'", "f-strings are not allowed"),
    ("(x := 1)", "assignment expressions"),
    ("2 ** 10 ** 10", "exponent"),
    ("x ** y", "exponent"),
    ("9 ** 99", "exponent"),
    ("x ** True", "exponent"),
    ("(" * 300 + "1" + ")" * 300, "syntax error"),
    ("-" * 999 + "1", "nested too deeply"),
    ("1+" * 300 + "1", "nested too deeply"),
    ("1+" * 600 + "1", "too long"),
    ("min(" + ",".join(["x"] * 300) + ")", "too large"),
    ("_x", "names starting with '_'"),
    ("x in y", "literal list"),
    ("x in [y]", "written literally"),
    ("x in [1, 'a']", "only text or only numbers"),
    ("0 < x in [1]", "cannot be chained"),
    ("min(x)", "min() takes at least 2 arguments, got 1"),
    ("clip(x, 1)", "clip() takes 3 arguments, got 2"),
    ("abs(x, 1)", "abs() takes 1 argument, got 2"),
    ("max(x, y=1)", "keyword arguments are not allowed"),
    ("max(*x)", "starred"),
    ("x & y", "use 'and'"),
    ("x is None", "use '=='"),
    ("None", "None is not allowed"),
    ("b'x'", "bytes"),
    ("1j", "complex"),
    ("[1, 2]", "lists are only allowed"),
    ("{'a': 1}", "dictionaries"),
    ("x +", "syntax error"),
    ("", "empty"),
    ("   ", "empty"),
    ("x" * (MAX_LENGTH + 1), "too long"),
    ("(1," * 333, ""),
    ("\x00", ""),
    ("\ud800", ""),
]


@pytest.mark.parametrize(("source", "fragment"), REFUSALS)
def test_refusals(source: str, fragment: str) -> None:
    start = time.perf_counter()
    with pytest.raises(ExpressionError) as info:
        compile_expression(source)
    assert time.perf_counter() - start < 0.5
    assert fragment in info.value.message
    assert info.value.source == source


def test_refuses_non_string() -> None:
    with pytest.raises(ExpressionError, match="text"):
        compile_expression(42)  # type: ignore[arg-type]


def test_unknown_name_with_allowed_names() -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expression("deaths > limt", allowed_names=["limit", "deaths", "alpha"])
    assert "unknown name 'limt'; known names are: alpha, deaths, limit" in info.value.message
    assert "did you mean 'limit'" in info.value.message
    assert info.value.position == 9
    many = [f"n{k:02d}" for k in range(30)]
    with pytest.raises(ExpressionError) as info:
        compile_expression("zz", allowed_names=many)
    assert "n19, ..." in info.value.message and "n20" not in info.value.message
    assert compile_expression("n01 + n29", allowed_names=many).names == {"n01", "n29"}


def test_positions_count_characters() -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expression("'优秀' == x.y")
    assert info.value.position == 8
    with pytest.raises(ExpressionError) as info:
        compile_expression("  x.y")
    assert info.value.position == 2
    with pytest.raises(ExpressionError) as info:
        compile_expression("优 + ?")
    assert info.value.position == 4


def test_limits_and_table() -> None:
    assert (MAX_LENGTH, MAX_NODES, MAX_DEPTH, MAX_EXPONENT) == (1000, 256, 64, 64)
    assert sorted(FUNCTIONS) == ["abs", "between", "ceil", "clip", "coalesce", "floor", "if_else", "max", "min",
                                 "round_half_up", "sqrt"]
    compile_expression("-" * (MAX_DEPTH - 1) + "x")
    compile_expression(f"x ** {MAX_EXPONENT} + x ** -{MAX_EXPONENT}")


def test_without_a_function_table_nothing_can_be_called() -> None:
    with pytest.raises(ExpressionError, match="calling 'min' is not allowed; functions are: none are registered"):
        compile_bare("min(x, 1)")


def test_module_never_uses_builtin_evaluators() -> None:
    import scoring.expr

    text = Path(scoring.expr.__file__).read_text(encoding="utf-8")
    assert "ev" "al(" not in text and "ex" "ec(" not in text


finite = st.floats(-1e6, 1e6, allow_nan=False)
any_float = st.floats(allow_nan=True, allow_infinity=True)


@st.composite
def pairs(draw: st.DrawFn, elements: st.SearchStrategy[float]) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(0, 20))
    shape = hnp.arrays(np.float64, n, elements=elements)
    return draw(shape), draw(shape)


@given(pairs(any_float))
def test_property_arithmetic_matches_numpy(ab: tuple[np.ndarray, np.ndarray]) -> None:
    a, b = ab
    with np.errstate(all="ignore"):
        expected = a + b * 2
    out = compile_expression("a + b * 2").evaluate({"a": a, "b": b}, len(a))
    np.testing.assert_array_equal(out, expected)


@given(pairs(finite))
def test_property_min_le_max(ab: tuple[np.ndarray, np.ndarray]) -> None:
    a, b = ab
    env = {"a": a, "b": b}
    assert compile_expression("min(a, b) <= max(a, b)").evaluate_bool(env, len(a)).all()
    np.testing.assert_array_equal(compile_expression("a > b").evaluate_bool(env, len(a)), a > b)


TOKENS = ["(", ")", "x", "1", "0", "+", "-", "*", "/", "//", "%", "**", " if ", " else ", "[",
          "]", ",", "'优秀'", "not ", " and ", " or ", " in ", "==", "<", ".", "lambda", ":",
          "min", "clip", "__", "=", "9", "64", "True", "  ", "\n"]


@settings(max_examples=300)
@given(st.text() | st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
def test_property_hostile_text_is_refused_cleanly(source: str) -> None:
    start = time.perf_counter()
    try:
        expr = compile_expression(source)
    except ExpressionError:
        assert time.perf_counter() - start < 0.5
        return
    try:
        out = expr.evaluate({"x": np.array([0.0, 1.5, -2.0]), "min": 1.0, "clip": 2.0}, 3)
    except ExpressionError:
        return
    assert out.shape == (3,)


@pytest.mark.parametrize("source, message", [
    ("1if x else 2", "the number '1' runs into 'i'"),
    ("x if 0x1for else 2", "the number '0x1f' runs into 'o'"),
    ("1.e5if x else 1", "the number '1.e5' runs into 'i'"),
    ("0o7if x else 1", "the number '0o7' runs into 'i'"),
    ("1jif x else 1", "the number '1j' runs into 'i'"),
    ("x in [1in [1]]", "the number '1' runs into 'i'"),
    ('x == "\\d"', "backslashes are not allowed"),
    ("x == 1 + \\\n 2", "backslashes are not allowed"),
])
def test_python_syntax_warnings_are_refusals_and_do_not_leak(source: str, message: str) -> None:
    # Input Python parses only with a warning is refused before parsing, so
    # nothing is warned (this filter would turn a warning into an error).
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ExpressionError, match=re.escape(message)):
            compile_expression(source, allowed_names={"x"})


@pytest.mark.parametrize("source", ["x + 1e-5 + .5 + 0x1f + 1_000.5e+3 > 0", "'1if' == 'a'", "x2 > 1 if x else 2"])
def test_numbers_and_names_written_normally_still_compile(source: str) -> None:
    compile_expression(source, allowed_names={"x", "x2"})


@pytest.mark.parametrize("source, written", [
    ("\uff58 > 1", "\uff58"), ("max(\uff58, 1) > 0", "\uff58"), ("\uff4d\uff41\uff58(x, 1) > 0", "\uff4d\uff41\uff58"),
    ("previous.\uff47rade == 'A'", "previous.\uff47rade"), ("(\n\uff58) > 1", "\uff58"),
])
def test_a_name_written_in_full_width_does_not_read_the_ascii_field(source: str, written: str) -> None:
    # Python reads identifiers in NFKC form: without the check, the full-width
    # name would silently read field x.
    with pytest.raises(ExpressionError, match="full-width or other look-alike") as info:
        compile_expression(source, allowed_names={"x", "previous.grade"})
    assert repr(written) in str(info.value)


def test_a_long_sum_of_indicator_figures_fits() -> None:
    names = [f"x{i}" for i in range(60)]
    expr = compile_expression(" + ".join(names), allowed_names=names)
    env = {n: np.full(3, 1.0) for n in names}
    assert list(expr.evaluate_number(env, 3)) == [60.0, 60.0, 60.0]
