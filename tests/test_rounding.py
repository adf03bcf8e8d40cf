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


# --- evidence read as its figures (rounding.figures) -------------------------------------------------

from scoring.rounding import figures  # noqa: E402


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), max_size=30))
def test_figures_are_the_15_digit_reading_and_never_write_their_argument(xs):
    x = np.array(xs, dtype=np.float64)
    before = x.copy()
    got = figures(x)
    assert np.array_equal(x, before, equal_nan=True)
    for value, figure in zip(xs, got.tolist()):
        if value != value or value in (float("inf"), float("-inf")) or not 1e-8 <= abs(value) < 1e15 or value.is_integer():
            assert figure == value or (figure != figure and value != value)
        else:
            assert figure == float("%.15g" % value)


@given(st.lists(st.decimals(min_value=-10**9, max_value=10**9, places=6, allow_nan=False), max_size=30))
def test_figures_typed_with_at_most_15_digits_are_kept_as_they_are(ds):
    x = np.array([float(d) for d in ds], dtype=np.float64)
    assert np.array_equal(figures(x), x)


def test_float_noise_a_spreadsheet_hides_is_removed():
    noisy = np.array([0.9499999999999998, 3.0000000000000004, 1.0000000000000002, 89.94999999999999, -0.30000000000000004])
    assert figures(noisy).tolist() == [0.95, 3.0, 1.0, 89.95, -0.3]
    whole = np.array([1.0, 2.0, np.nan])
    assert figures(whole) is whole  # nothing to do: no copy
