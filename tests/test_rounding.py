from decimal import ROUND_HALF_UP, Decimal

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from scoring.rounding import round_half_up, round_scalar


def test_published_cases():
    assert round_scalar(2.675, 2) == 2.68
    assert round_scalar(0.125, 2) == 0.13
    assert round_scalar(84.45, 1) == 84.5
    assert round_scalar(89.94999999999999, 1) == 90.0
    assert round_scalar(1.005, 2) == 1.01
    # numpy alone gets these wrong, which is why the module exists.
    assert np.round(0.125, 2) == 0.12 and np.round(84.45, 1) == 84.4 and round(2.675, 2) == 2.67


def test_float_sum_of_decimal_figures():
    total = sum([30.1, 29.95, 29.9])  # = 89.95 in decimals
    assert total != 89.95
    assert round_scalar(total, 1) == 90.0


def test_nan_and_negative_zero():
    out = round_half_up(np.array([np.nan, -0.0, -0.04]), 1)
    assert np.isnan(out[0])
    assert str(out[1]) == "0.0" and str(out[2]) == "0.0"


def test_halves_away_from_zero():
    assert list(round_half_up(np.array([0.5, 1.5, 2.5, -2.5]), 0)) == [1.0, 2.0, 3.0, -3.0]


figures = st.lists(
    st.decimals(min_value=0, max_value=100, places=3, allow_nan=False, allow_infinity=False), min_size=1, max_size=12
)


@given(figures, st.integers(min_value=0, max_value=2))
def test_matches_decimal_half_up_on_sums(parts, precision):
    exact = sum(parts, Decimal(0))
    float_sum = 0.0
    for p in parts:
        float_sum += float(p)
    expected = exact.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)
    assert round_scalar(float_sum, precision) == float(expected)


@given(st.decimals(min_value=-10000, max_value=10000, places=4, allow_nan=False, allow_infinity=False),
       st.integers(min_value=0, max_value=3))
def test_matches_decimal_half_up_on_figures(value, precision):
    expected = value.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)
    assert round_scalar(float(value), precision) == float(expected)
