"""Exact money and boundaries: rounding at every magnitude, amounts, pools, totals and limits (issue 8)."""

from __future__ import annotations

import json
from pathlib import Path
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import scoring
from plugins.scoring_std.payouts import PoolParams, _pool
from scoring.payouts import MAX_AMOUNT, PayoutInput
from scoring.rounding import SIGNIFICANT, exact_sum, round_half_up, round_scalar, to_minor_units
from tests.conftest import rubric_text, single_indicator
from tests.test_cli import scoring_cli

EXACT = Context(prec=1000, Emax=10_000, Emin=-10_000)


def reference(x: float, precision: int) -> Decimal:
    """The documented rule in plain `decimal`: the float's exact value correctly
    rounded to 15 significant digits (ties to even), then half-up at `precision`."""
    d = Decimal(x)
    if d == 0:
        return Decimal(0)
    read = d.quantize(Decimal(1).scaleb(d.adjusted() - SIGNIFICANT + 1), ROUND_HALF_EVEN, EXACT)
    if read.as_tuple().exponent >= -precision:
        return read
    return read.quantize(Decimal(1).scaleb(-precision), ROUND_HALF_UP, EXACT)


def typed_half_up(text: str, precision: int) -> float:
    return float(Decimal(text).quantize(Decimal(1).scaleb(-precision), ROUND_HALF_UP, EXACT))


# --- the issue's examples -------------------------------------------------------------


def test_the_issue_examples():
    assert round_scalar(9_403_761.575, 2) == 9_403_761.58      # was .57 with the 10^9 snap
    assert round_scalar(89.9499999996, 1) == 89.9              # was 90.0: a typed figure below the line
    assert round_scalar(89.94999999999999, 1) == 90.0          # float noise of figures adding to 89.95
    assert round_scalar(sum([30.1, 29.95, 29.9]), 1) == 90.0
    assert round_scalar(2.675, 2) == 2.68 and round_scalar(1.005, 2) == 1.01


def test_an_exact_tie_at_the_16th_digit_is_read_to_even():
    # 123456789012345.5 is a double; read to 15 digits it is ...346 (to even), as printf reads it.
    assert round_scalar(123456789012345.5, 0) == 123456789012346.0
    assert round_scalar(123456789012344.5, 0) == 123456789012344.0
    column = round_half_up(np.array([123456789012345.5, 123456789012344.5] * 8), 0)
    assert column[:2].tolist() == [123456789012346.0, 123456789012344.0]
    assert round_half_up(np.full(16, 12345678901234.25), 1)[0] == 12345678901234.2  # even at the 16th digit


def test_half_cents_above_a_million_round_up_as_typed():
    # Every exact half-cent from 4.5 million up: the old snap rounded 3.5-7% of them down.
    cents = np.arange(450_000_000, 450_000_000 + 20_000) * 10 + 5      # ...x5 tenths of a cent
    texts = [f"{c // 1000}.{c % 1000:03d}" for c in cents.tolist()]
    values = np.array([float(t) for t in texts])
    expected = np.array([typed_half_up(t, 2) for t in texts])
    assert (round_half_up(values, 2) == expected).all()


def test_negative_zero_nan_and_inf():
    out = round_half_up(np.array([np.nan, -0.0, -0.04, np.inf, -np.inf, -2.5]), 0)
    assert np.isnan(out[0]) and str(out[1]) == "0.0" and str(out[2]) == "0.0"
    assert out[3] == np.inf and out[4] == -np.inf and out[5] == -3.0


# --- properties against `decimal` -------------------------------------------------------


@settings(max_examples=800)
@given(st.floats(allow_nan=False, allow_infinity=False), st.integers(min_value=0, max_value=8))
def test_every_float_rounds_as_decimal_says(x, precision):
    assert round_scalar(x, precision) == float(reference(x, precision))


@given(st.lists(st.floats(min_value=-1e16, max_value=1e16, allow_nan=False), min_size=1, max_size=40),
       st.integers(min_value=0, max_value=6))
def test_whole_columns_match_one_by_one(values, precision):
    column = round_half_up(np.array(values * 3), precision)[:len(values)]  # long enough for the numpy path
    assert [float(v) for v in column] == [float(reference(v, precision)) for v in values]


@settings(max_examples=400)
@given(st.integers(min_value=0, max_value=10**14), st.integers(min_value=0, max_value=6),
       st.integers(min_value=-64, max_value=64))
def test_floats_a_few_ulps_from_a_half_round_as_decimal_says(whole, precision, ulps):
    # k + 0.5 units of the precision, moved by a few ulps: where the float shortcut
    # must hand over to the exact path.
    half = float((Decimal(whole) + Decimal("0.5")).scaleb(-precision))
    x = half
    for _ in range(abs(ulps)):
        x = float(np.nextafter(x, np.inf if ulps > 0 else -np.inf))
    column = round_half_up(np.full(12, x), precision)
    assert column[0] == float(reference(x, precision)) == round_scalar(x, precision)


@st.composite
def typed_figures(draw: st.DrawFn, max_digits: int = SIGNIFICANT, max_value: int = 10**13) -> str:
    """A decimal as a user types it: at most 15 significant digits, up to the amount limit."""
    places = draw(st.integers(min_value=0, max_value=8))
    digits = draw(st.integers(min_value=1, max_value=max_digits))
    n = draw(st.integers(min_value=0, max_value=min(10**digits - 1, max_value * 10**places - 1)))
    sign = draw(st.sampled_from(["", "-"]))
    return sign + str(Decimal(n).scaleb(-places))


@settings(max_examples=500)
@given(typed_figures(), st.integers(min_value=0, max_value=6))
def test_a_typed_figure_rounds_exactly_as_typed(text, precision):
    assert round_scalar(float(text), precision) == typed_half_up(text, precision)


@given(st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=1, max_size=8),
       st.integers(min_value=0, max_value=1))
def test_a_float_sum_of_item_points_rounds_as_their_exact_sum(parts, precision):
    total = 0.0
    for p in parts:
        total += float(p)
    assert round_scalar(total, precision) == typed_half_up(str(sum(parts, Decimal(0))), precision)


@settings(max_examples=300)
@given(st.lists(typed_figures(max_value=10**13 - 1), min_size=1, max_size=30))
def test_amounts_and_their_total_are_exact_in_fen(texts):
    fen = to_minor_units(np.array([float(t) for t in texts]), 2)
    expected = [int(Decimal(t).quantize(Decimal("0.01"), ROUND_HALF_UP) * 100) for t in texts]
    assert fen.tolist() == expected
    assert exact_sum(fen) == sum(expected)


def test_exact_sum_does_not_overflow():
    big = np.full(10_000, 2**52, dtype=np.int64)
    assert exact_sum(big) == 10_000 * 2**52 > 2**63


# --- pools --------------------------------------------------------------------------------


def pool_input(scores: list[float], grades: list[int] | None = None) -> PayoutInput:
    n = len(scores)
    return PayoutInput(
        granted=np.ones(n, dtype=bool), score=np.array(scores, dtype=np.float64),
        grade=np.array(grades if grades is not None else [0] * n), grade_names=("A", "B"),
        rank=np.arange(1, n + 1, dtype=np.float64), overall_rank=np.arange(1, n + 1, dtype=np.float64),
        unit_ids=np.array([f"u{k:03d}" for k in range(n)]), expressions={}, env={}, missing={},
    )


def reference_pool(weights: list[Fraction], steps: int) -> list[int]:
    """Largest remainder in exact fractions; ties by position (= rank here)."""
    total = sum(weights)
    exact = [w * steps / total for w in weights]
    base = [int(e) for e in exact]  # floor: all non-negative
    left = steps - sum(base)
    order = sorted((k for k in range(len(weights)) if weights[k] > 0), key=lambda k: (-(exact[k] - base[k]), k))
    for k in order[:left]:
        base[k] += 1
    return base


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.decimals(min_value=0, max_value=1000, places=1), min_size=1, max_size=25),
       st.integers(min_value=1, max_value=10**15 - 1), st.sampled_from([Decimal("0.01"), Decimal(1), Decimal(100)]))
def test_a_pool_by_score_is_shared_exactly_up_to_the_limit(scores, steps, unit):
    total = Decimal(steps) * unit
    assume(total < Decimal(MAX_AMOUNT) and sum(scores) > 0)
    params = PoolParams(total=float(total), by="score", unit=float(unit))
    payout = _pool(params, pool_input([float(s) for s in scores]))
    paid = [Decimal(repr(float(a))) for a in payout.amounts]
    assert sum(paid) == total                       # to the fen, at any size allowed
    expected = reference_pool([Fraction(s) for s in scores], steps)
    assert paid == [Decimal(k) * unit for k in expected]
    assert payout.budget is not None and Decimal(repr(payout.budget.used)) == total


def test_a_pool_beyond_int64_products_uses_python_integers():
    # Weights of 10^8.5 millionths times 10^15 steps overflow int64: the exact path must agree.
    total = Decimal("9999999999999.99")
    params = PoolParams(total=float(total), by="score")
    scores = [999.9, 999.8, 0.3, 333.3, 1.0]
    payout = _pool(params, pool_input(scores))
    paid = [Decimal(repr(float(a))) for a in payout.amounts]
    assert sum(paid) == total
    steps = int(total * 100)
    assert paid == [Decimal(k) / 100 for k in reference_pool([Fraction(str(s)) for s in scores], steps)]


def test_a_pool_by_grade_near_the_limit_adds_up(engine):
    cons = ('\n[[consequence]]\nid = "fund"\ntitle = "f"\nwhen = "score >= 0"\n'
            'pool = { total = 9999999999999.99, by = "grade", weights = { A = 3, B = 2, C = 1 } }\n')
    rubric = engine.rubric_from_text(rubric_text(single_indicator(10, "target", 'field = "a"\ntarget = 10') + cons))
    res = engine.score(rubric, [{"id": f"u{k}", "a": k % 11, "b": 0, "flag": False, "x": 1} for k in range(37)])
    paid = [Decimal(repr(c.amount)) for u in res.units() for c in u.consequences]
    assert sum(paid) == Decimal("9999999999999.99")
    assert res.summary()["consequences"]["fund"]["amount"] == 9999999999999.99


# --- amounts through the engine -----------------------------------------------------------

FIELDS = '\n[fields]\nx = { type = "number" }\nk = { type = "count", missing = "zero" }\n'
BODY = single_indicator(100, "expression", 'value = "x"')


def money_rubric(engine: scoring.Engine, consequence: str, precision: int = 1) -> scoring.Rubric:
    text = rubric_text(BODY + "\n[[consequence]]\nid = \"pay\"\ntitle = \"p\"\nwhen = \"score >= 0\"\n" + consequence,
                       fields=FIELDS).replace("precision = 1", f"precision = {precision}")
    return engine.rubric_from_text(text)


@pytest.fixture(scope="module")
def amount_rubric() -> tuple[scoring.Engine, scoring.Rubric]:
    engine = scoring.Engine()
    return engine, money_rubric(engine, 'amount = "x * 100000"')


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.decimals(min_value=0, max_value=100, places=7), min_size=1, max_size=15))
def test_expression_amounts_and_totals_match_decimal(amount_rubric, xs):
    engine, rubric = amount_rubric
    res = engine.score(rubric, [{"id": f"u{k}", "x": float(x)} for k, x in enumerate(xs)])
    for k, x in enumerate(xs):
        [pay] = res.unit(f"u{k}").consequences
        # x * 100000 in floats, then half-up to the fen on its decimal figure
        assert pay.amount == float(reference(float(x) * 100000, 2))
        # x has 7 places, so x * 100000 is a figure to the fen: paid exactly, whatever the float noise
        assert pay.amount == float(x * 100000)
    expected_total = sum((Decimal(repr(c.amount)) for u in res.units() for c in u.consequences), Decimal(0))
    assert Decimal(repr(res.summary()["consequences"]["pay"]["amount"])) == expected_total


def test_a_typed_score_below_a_grade_line_stays_below(engine):
    rubric = money_rubric(engine, "amount = 1")
    res = engine.score(rubric, [{"id": "u", "x": 89.9499999996}, {"id": "v", "x": 89.95}])
    assert res.unit("u").score == 89.9 and res.unit("u").grade == "B"
    assert res.unit("v").score == 90.0 and res.unit("v").grade == "A"


def test_a_large_amount_is_paid_to_the_fen(engine):
    rubric = money_rubric(engine, 'amount = "x * 100000 + 9403761.575 - x * 100000"')
    res = engine.score(rubric, [{"id": "u", "x": 0}])
    assert res.unit("u").consequences[0].amount == 9403761.58
    fixed = money_rubric(engine, "amount = 9403761.575")
    assert engine.score(fixed, [{"id": "u", "x": 0}]).unit("u").consequences[0].amount == 9403761.58


@pytest.mark.parametrize("consequence, key", [
    ("amount = 1e13", "consequence[0].amount"),
    ("amount = -2e13", "consequence[0].amount"),
    ('amount = { A = 1e20 }', "consequence[0].amount"),
    ("pool = { total = 1e14, by = \"score\" }", "consequence[0].pool"),
    ('payout = { kind = "rank_bands", bands = [{ to = 1, amount = 1e300 }] }', "consequence[0].payout"),
    ('payout = { kind = "fixed", amount = 1e308 }', "consequence[0].payout"),
])
def test_amounts_at_the_limit_are_refused_at_load(engine, consequence, key):
    with pytest.raises(scoring.RubricError) as info:
        money_rubric(engine, consequence)
    assert info.value.key is not None and info.value.key.startswith(key)
    assert "10,000,000,000,000" in str(info.value)


def test_a_pool_unit_must_be_whole_fen(engine):
    with pytest.raises(scoring.RubricError, match="whole number of fen"):
        money_rubric(engine, 'pool = { total = 1, by = "score", unit = 0.001 }')


@pytest.mark.parametrize("expression, why", [("x * 1e308 * 10", "not a finite number"),
                                            ("x * 1e13", "reaches the limit")])
def test_an_expression_amount_beyond_the_limit_is_exit_1_not_a_crash(tmp_path, expression, why):
    rubric = tmp_path / "r.toml"
    rubric.write_text(rubric_text(BODY + f'\n[[consequence]]\nid = "pay"\ntitle = "p"\nwhen = "score >= 0"\n'
                                  f'amount = "{expression}"\n', fields=FIELDS), encoding="utf-8")
    evidence = tmp_path / "e.csv"
    evidence.write_text("id,x\nu1,5\nu2,50\n", encoding="utf-8")
    proc = scoring_cli("run", str(rubric), str(evidence), "-o", str(tmp_path / "out.json"))
    assert proc.returncode == 1, proc.stderr
    assert why in proc.stderr and "'pay'" in proc.stderr and "u1" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "out.json").exists()


def test_totals_beyond_the_limit_stop_the_run(engine):
    rubric = money_rubric(engine, "amount = 9999999999999")
    with pytest.raises(scoring.RubricError, match="add up to"):
        engine.score(rubric, [{"id": "u1", "x": 1}, {"id": "u2", "x": 2}])


# --- quotas ----------------------------------------------------------------------------------


def test_a_huge_quota_count_keeps_everybody(tmp_path):
    rubric = tmp_path / "r.toml"
    rubric.write_text(rubric_text(BODY + '\n[[consequence]]\nid = "award"\ntitle = "a"\nwhen = "score >= 50"\n'
                                  f'quota = {{ count = {2**63 - 1} }}\namount = 100\n', fields=FIELDS),
                      encoding="utf-8")
    evidence = tmp_path / "e.csv"
    evidence.write_text("id,x\nu1,95\nu2,60\nu3,40\n", encoding="utf-8")
    out = tmp_path / "out.json"
    proc = scoring_cli("run", str(rubric), str(evidence), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert {u["id"]: [c["id"] for c in u["consequences"]] for u in doc["units"]} == \
        {"u1": ["award"], "u2": ["award"], "u3": []}
    assert doc["summary"]["consequences"]["award"]["amount"] == 200.0
    explained = scoring_cli("explain", str(rubric), str(evidence), "u1")
    assert f"within quota {2**63 - 1}" in explained.stdout, explained.stderr


def test_a_share_quota_is_multiplied_out_exactly(engine):
    # 0.1 * 30 is 3.0000000000000004 in floats: ceil would give 4 places.
    rubric = money_rubric(engine, 'quota = { share = 0.1, rounding = "ceil" }\namount = 1')
    res = engine.score(rubric, [{"id": f"u{k:02d}", "x": 100 - k} for k in range(30)])
    assert sum(1 for u in res.units() if u.consequences) == 3


# --- a total made by the engine ------------------------------------------------------------

POINTS = [20, 20, 15, 15, 10, 10, 5, 5]


@pytest.fixture(scope="module")
def sum_rubric() -> tuple[scoring.Engine, scoring.Rubric]:
    engine = scoring.Engine()
    fields = "\n[fields]\n" + "".join(f'v{k} = {{ type = "number" }}\n' for k in range(len(POINTS)))
    body = '\n[[dimension]]\nid = "d"\npoints = 100\n' + "".join(
        f'  [[dimension.indicator]]\n  id = "i{k}"\n  points = {p}\n  method = "expression"\n  value = "v{k}"\n'
        for k, p in enumerate(POINTS))
    return engine, engine.rubric_from_text(rubric_text(body, fields=fields))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_an_engine_total_rounds_as_the_exact_sum_of_its_item_points(sum_rubric, data):
    engine, rubric = sum_rubric
    values = [data.draw(st.decimals(min_value=0, max_value=p, places=2)) for p in POINTS]
    res = engine.score(rubric, [{"id": "u", **{f"v{k}": float(v) for k, v in enumerate(values)}}])
    # scale 100 of 100 points: the score is the sum of the item points, rounded half-up to 1 place
    assert res.unit("u").score == typed_half_up(str(sum(values, Decimal(0))), 1)


@given(st.decimals(min_value=0, max_value=1, places=6), st.sampled_from(["floor", "ceil", "half_up"]),
       st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=20))
def test_share_quotas_match_decimal(share, rounding, populations):
    from decimal import ROUND_CEILING, ROUND_FLOOR

    from scoring.consequences import quota_sizes
    from scoring.model import QuotaSpec

    quota = QuotaSpec(share=float(share), rounding=rounding)
    mode = {"floor": ROUND_FLOOR, "ceil": ROUND_CEILING, "half_up": ROUND_HALF_UP}[rounding]
    expected = [float((share * p).to_integral_value(mode)) for p in populations]
    assert quota_sizes(quota, np.array(populations, dtype=np.float64)).tolist() == expected


def test_a_total_of_many_items_rounds_as_their_exact_sum(engine):
    # 196 items of two-place points: summed one float at a time, about 0.5% of exact
    # halves (92.05) came out below the line; the compensated sum keeps every one.
    import random

    points = [2.5] * 40 + [0.5] * 100 + [1.25] * 16 + [0.75] * 40
    full = sum(Decimal(str(p)) for p in points)
    fields = "\n[fields]\n" + "".join(f'v{k} = {{ type = "number" }}\n' for k in range(len(points)))
    body = f'\n[[dimension]]\nid = "d"\npoints = {full}\n' + "".join(
        f'  [[dimension.indicator]]\n  id = "i{k}"\n  points = {p}\n  method = "expression"\n  value = "v{k}"\n'
        for k, p in enumerate(points))
    rubric = engine.rubric_from_text(rubric_text(body, fields=fields, head=f"scale = {full}\n"))
    rng = random.Random(5)
    rows, expected = [], {}
    for u in range(3000):
        values = [Decimal(rng.randint(0, int(p * 100))) / 100 for p in points]
        rows.append({"id": f"u{u}", **{f"v{k}": float(v) for k, v in enumerate(values)}})
        expected[f"u{u}"] = typed_half_up(str(sum(values, Decimal(0))), 1)
    res = engine.score(rubric, rows)
    got = dict(zip(res.layout.unit_ids.tolist(), res.decisions.score.tolist()))
    assert {u: got[u] for u in expected if got[u] != expected[u]} == {}


def test_the_money_limit_is_in_docs_limits():
    doc = (Path(__file__).resolve().parent.parent / "docs" / "limits.md").read_text(encoding="utf-8")
    assert "`MAX_AMOUNT`" in doc and f"{int(MAX_AMOUNT):,}" in doc


# --- figures in messages and rules (review of issue 8) -----------------------------------------


@pytest.mark.parametrize("value, text", [(9403761.575, "9403761.575"), (1234567.5, "1234567.5"), (60.0, "60"),
                                         (10_000_000.0, "10000000"), (0.01, "0.01"), (1e-7, "0.0000001")])
def test_a_figure_is_shown_as_written_not_cut_to_six_digits(value, text):
    from scoring.rounding import figure_text
    assert figure_text(value) == text


def test_a_pools_rule_and_a_refused_amount_show_their_figures_whole(engine):
    # `:g` used to print "above 1.23457e+06", "B 1234.57", "amount: 1.23457e+13".
    rubric = money_rubric(engine, 'pool = { total = 100, by = "score", above = -1234567.5 }')
    res = engine.score(rubric, [{"id": "u1", "x": 10}, {"id": "u2", "x": 20}])
    assert "above -1234567.5" in res.consequences.budgets[0].rule
    graded = money_rubric(engine, 'pool = { total = 100, by = "grade", weights = { A = 1234.5678, B = 1 } }')
    assert "A 1234.5678, B 1" in engine.score(graded, [{"id": "u1", "x": 95}]).consequences.budgets[0].rule
    with pytest.raises(scoring.RubricError, match="12345678901234.5 is too large"):
        money_rubric(engine, "amount = 12345678901234.5")


def _share_quota_reference(share: Decimal, rounding: str, population: int) -> float:
    from decimal import ROUND_CEILING, ROUND_FLOOR
    mode = {"floor": ROUND_FLOOR, "ceil": ROUND_CEILING, "half_up": ROUND_HALF_UP}[rounding]
    return float((share * population).quantize(Decimal(1), mode, EXACT))


@pytest.mark.parametrize("share, population", [
    ("0.123456789012345", 37351),   # 2 x product + 10**15 passed 2**63 in int64: a wrapped, negative quota
    ("0.123456789012345", 37354),
    ("1e-320", 20),                 # a denominator of 10**335 overflowed numpy (exit 3)
    ("0.999999999999999", 10**12),
])
@pytest.mark.parametrize("rounding", ["floor", "ceil", "half_up"])
def test_share_quotas_of_fifteen_digits_or_tiny_shares_stay_exact(share, population, rounding):
    from scoring.consequences import quota_sizes
    from scoring.model import QuotaSpec

    quota = QuotaSpec(share=float(share), rounding=rounding)
    got = quota_sizes(quota, np.array([population, 3, 0], dtype=np.float64)).tolist()
    read = Decimal(repr(float(share)))  # the share's decimal figure: what the user typed, up to 15 digits
    assert got == [_share_quota_reference(read, rounding, p) for p in (population, 3, 0)]


@given(st.decimals(min_value=0, max_value=1, places=15), st.sampled_from(["floor", "ceil", "half_up"]),
       st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=5))
def test_share_quotas_of_any_typed_share_match_decimal(share, rounding, populations):
    from scoring.consequences import quota_sizes
    from scoring.model import QuotaSpec

    quota = QuotaSpec(share=float(share), rounding=rounding)
    expected = [_share_quota_reference(share.normalize(), rounding, p) for p in populations]
    assert quota_sizes(quota, np.array(populations, dtype=np.float64)).tolist() == expected
