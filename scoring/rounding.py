"""Half-up rounding (四舍五入) on the decimal figure, exact at any magnitude.

numpy's `round` is half-to-even and works on the binary value, so 2.675 (stored
as 2.67499999...) would become 2.67. A spreadsheet's ROUND, which is what
evaluators check against, gives 2.68. See docs/money.md for the whole story.

How a float is read as a decimal figure: to 15 significant digits
(`SIGNIFICANT`), correctly rounded from its exact binary value. Every decimal of at most 15 significant digits survives the
trip into a double and back at 15 digits (C's DBL_DIG), so a figure the user
typed, at any magnitude, is read back exactly as typed: 9,403,761.575 is
9403761.575 and pays .58; 89.9499999996 stays below 89.95. Float arithmetic
leaves its noise in the 16th and 17th digits, so a total whose float sum came
out 89.94999999999999 from figures that add to 89.95 is read as 89.95 and
rounds to 90.0. Spreadsheets keep 15 significant digits for the same reason.
The reading is relative to the value's magnitude, unlike a snap to a fixed
number of decimal places, which stops removing noise (and starts inventing
digits) once values grow past a few million.

The work is vectorised and exact. Values whose scaled fraction is clearly
away from one half are decided by the float product itself (the bound below
covers both the product's error and the 15-digit reading). The rest are
scaled by a power of ten (exact up to 10**22) into a 15-digit integer; the scaling's rounding error is
recovered exactly with Dekker's error-free product, so the carry decision at
the 16th digit, and the half-up decision at the requested precision, are made
on the exact value, in integer arithmetic. Values outside [1e-8, 1e15), which
no rubric's scores or amounts reach, take an exact `decimal` path one by one.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal

import numpy as np
from numpy.typing import ArrayLike, NDArray

SIGNIFICANT = 15
_FAST_LOW, _FAST_HIGH = 1e-8, 1e15
# 10**i as the nearest double, i = -10..24; exact for 0 <= i <= 22.
_POW10 = np.array([float(f"1e{i}") for i in range(-10, 25)])
_POW10_OFFSET = 10
_INT_POW10 = np.array([10**i for i in range(19)], dtype=np.int64)
# Half of 10**i, the threshold for rounding up i dropped digits; i = 0 drops nothing.
_HALF = np.array([2**62] + [5 * 10 ** (i - 1) for i in range(1, 19)], dtype=np.int64)
_SPLIT = 134217729.0  # 2**27 + 1: Veltkamp's splitter for doubles
_CONTEXT = Context(prec=1000, Emax=10_000, Emin=-10_000)
_QUANTA = [Decimal(1).scaleb(-p) for p in range(23)]
_SMALL = 8  # up to this many values, Python's decimal is faster than a dozen numpy passes


def _two_product(a: NDArray[np.float64], b: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """p = fl(a*b) and the exact error a*b - p (Dekker 1971); exact unless a*b overflows."""
    p = a * b
    t = _SPLIT * a
    a_hi = t - (t - a)
    a_lo = a - a_hi
    t = _SPLIT * b
    b_hi = t - (t - b)
    b_lo = b - b_hi
    err = ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    return p, err


def _significand(a: NDArray[np.float64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """For positive `a` in [1e-8, 1e15): (N, k) with N = a * 10**k rounded half-up
    to an integer of 15 digits (10**14 <= N <= 10**15), k in [0, 22]."""
    e = np.floor(np.log10(a)).astype(np.int64)
    # log10 can be off by one next to a power of ten; compare with the powers themselves.
    e = e + (a >= _POW10[e + 1 + _POW10_OFFSET])
    e = e - (a < _POW10[e + _POW10_OFFSET])
    k = np.clip(SIGNIFICANT - 1 - e, 0, 22)
    p, err = _two_product(a, _POW10[k + _POW10_OFFSET])
    floor = np.floor(p)
    # p - floor and that minus 0.5 are exact (p < 2**50 has at least 3 fraction bits
    # to spare), so these comparisons decide "exact fraction above / at one half"
    # exactly. At exactly one half (a double whose exact value ends in a 5 at the
    # 16th digit) the tie goes to the even neighbour, as printf's "%.15g" reads it.
    over = p - floor - 0.5
    n = floor.astype(np.int64)
    up = (over > -err) | ((over == -err) & (n % 2 == 1))
    return n + up, k


def _read(x: float) -> Decimal:
    """A float's decimal figure: its exact value correctly rounded to 15 significant
    digits (ties to even), which C's printf does for us."""
    return Decimal("%.*e" % (SIGNIFICANT - 1, x))


def _exact_one(x: float, precision: int) -> float:
    """`round_half_up` for one finite value, in exact decimals (fast for one value, too)."""
    read = _read(x)
    if read.as_tuple().exponent < -precision:  # type: ignore[operator]
        read = read.quantize(_QUANTA[precision], ROUND_HALF_UP, _CONTEXT)
    return float(read) + 0.0


def decimal_figure(value: float) -> Decimal:
    """A float as the decimal it stands for: its 15-significant-digit reading."""
    if value != value or value in (float("inf"), float("-inf")):
        return Decimal(value)
    return _read(value).normalize(_CONTEXT) if value else Decimal(0)


def figure_text(value: float) -> str:
    """A rubric or money figure as the user wrote it, never in exponent form or cut
    to six digits as `:g` would (9403761.575 is not "9.40376e+06")."""
    return format(decimal_figure(value), "f")


def figures(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Each value as its decimal figure, held as the nearest double: `float("%.15g" % x)`.

    A spreadsheet keeps 15 significant digits and shows a formula's 0.9499999999999998
    as 0.95; read as it is, that value would miss a band starting at 0.95, and a count
    of 3.0000000000000004 would not be whole. Evidence is read as its figures, so a
    threshold is met or missed on the figure the sender sees. Returns `values` itself
    when no value changes (whole numbers, blanks, any figure typed with at most 15
    significant digits), else a new array; the caller's array is never written.
    Values outside [1e-8, 1e15), where no float noise of this kind arises, are kept.
    """
    x = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        fractional = np.flatnonzero(x != np.floor(x))  # whole numbers are their own figures (NaN is kept below)
    if fractional.size == 0:
        return x
    sub = x[fractional]
    # Below 1e9, a value equal to the double nearest k / 10**6 (k < 10**15) is the double of a
    # decimal of at most 15 digits, so its own figure: the common case (figures typed to a few
    # places) costs a few passes, and only the rest (noise, long fractions) the reading below.
    with np.errstate(invalid="ignore", over="ignore"):
        long = (np.abs(sub) >= 1e9) | (np.round(sub * 1e6) / 1e6 != sub)
    if not long.all():
        fractional, sub = fractional[long], sub[long]
    magnitude = np.abs(sub)
    inside = (magnitude >= _FAST_LOW) & (magnitude < _FAST_HIGH)  # False for NaN and inf
    if not inside.all():
        fractional, sub, magnitude = fractional[inside], sub[inside], magnitude[inside]
    n, k = _significand(magnitude)
    snapped = np.copysign(n / _POW10[k + _POW10_OFFSET], sub)  # both exact: the division rounds once
    changed = snapped != sub
    if not changed.any():
        return x
    out: NDArray[np.float64] = x.copy()
    out[fractional[changed]] = snapped[changed]
    return out


def _round_exactly(a: NDArray[np.float64], precision: int) -> NDArray[np.float64]:
    """Positive values in [1e-8, 1e15) read to 15 digits and rounded half-up, in integers."""
    n, k = _significand(a)
    # N has `shift` digits below the quantum 10**-precision: drop them half-up. With
    # shift <= 0 nothing is dropped (divisor 1, a half never reached); past 15 digits
    # everything is (the value is below a tenth of the quantum and rounds to 0).
    shift = np.clip(k - precision, 0, SIGNIFICANT + 1)
    kept, dropped = np.divmod(n, _INT_POW10[shift])
    kept += dropped >= _HALF[shift]
    # kept counts units of 10**-(k - shift): 10**-precision, or N's own unit.
    out: NDArray[np.float64] = kept / _POW10[k - shift + _POW10_OFFSET]
    return out


def round_half_up(values: ArrayLike, precision: int) -> NDArray[np.float64]:
    """Round to `precision` decimals (0..22), halves away from zero, on each value's
    15-significant-digit decimal figure; NaN and inf pass through unchanged."""
    if not 0 <= precision <= 22:
        raise ValueError(f"precision must be 0..22, got {precision}")
    x = np.asarray(values, dtype=np.float64)
    if x.size <= _SMALL:  # one figure at a time (results, explanations): skip the numpy passes
        small = np.array([_exact_one(v, precision) if math.isfinite(v) else v for v in x.ravel().tolist()],
                         dtype=np.float64).reshape(x.shape)
        return small
    out = np.array(x, dtype=np.float64, copy=True)
    a = np.abs(x)
    with np.errstate(invalid="ignore"):
        fast = (a >= _FAST_LOW) & (a < _FAST_HIGH)
        tiny = a < _FAST_LOW
    out[tiny] = 0.0 if precision <= 7 else out[tiny]
    if precision > 7:  # values below 1e-8 matter at this precision: read them exactly
        fast_or_zero = fast | (a == 0)
        slow = np.isfinite(x) & ~fast_or_zero
    else:
        slow = np.isfinite(x) & ~fast & ~tiny
    every = bool(fast.all())  # the usual case: no masks to gather and scatter through
    if every or fast.any():
        af = a if every else a[fast]
        # Most values are nowhere near a half at the precision: for them the float
        # product decides. y is within y * 2**-53 of a * 10**precision, and the 15-digit
        # reading moves a by at most half a unit of its 15th digit (a * 5e-15), so a
        # fraction further than y * 1e-14 from one half rounds the same way exactly.
        scale = _POW10[precision + _POW10_OFFSET]
        y = af * scale
        whole = np.floor(y)
        fraction = y - whole
        rounded = (whole + (fraction > 0.5)) / scale
        near = np.abs(fraction - 0.5) <= y * 1e-14
        if near.any():
            rounded[near] = _round_exactly(af[near], precision)
        if every:
            out = np.copysign(rounded, x)
        else:
            out[fast] = np.copysign(rounded, x[fast])
    for i in np.flatnonzero(slow):
        out.flat[i] = _exact_one(float(x.flat[i]), precision)
    # -0.0 prints as "-0.0" in JSON; a score is never negative zero.
    result: NDArray[np.float64] = out + 0.0
    return result


def round_scalar(value: float, precision: int) -> float:
    if not 0 <= precision <= 22:
        raise ValueError(f"precision must be 0..22, got {precision}")
    return _exact_one(value, precision) if math.isfinite(value) else value


def to_minor_units(values: ArrayLike, places: int) -> NDArray[np.int64]:
    """Each value as a whole number of 10**-places (fen at places = 2), half-up on its
    decimal figure. |value| * 10**places must stay below 2**50, about 1.1e15 (ValueError
    otherwise), where scaling the float back is exact; NaN is refused too: money is
    never unknown."""
    x = round_half_up(values, places)
    if not np.isfinite(x).all():
        raise ValueError("an amount is not a finite number")
    scaled = x * _POW10[places + _POW10_OFFSET]
    if (np.abs(scaled) >= 2.0**50).any():
        raise ValueError(f"a figure is too large to count exactly in units of 10^-{places}")
    # x is the double nearest a decimal of at most `places` places, so the scaled
    # value is within 2**-52 of its size (below 0.25 here) of the whole number it stands for.
    units: NDArray[np.int64] = np.rint(scaled).astype(np.int64)
    return units


def exact_sum(units: ArrayLike) -> int:
    """The exact sum of whole numbers below 2**53 each, as a Python int (no overflow at any count)."""
    u = np.asarray(units, dtype=np.int64)
    # Split each into 26-bit halves: the halves' sums stay far inside int64 for up
    # to 2**37 values, and the Python ints combine them without limit.
    high, low = np.divmod(u, 1 << 26)
    return (int(high.sum()) << 26) + int(low.sum())


def units_to_float(units: ArrayLike, places: int) -> NDArray[np.float64]:
    """Whole numbers of 10**-places back to floats: the nearest double to each decimal."""
    u = np.asarray(units, dtype=np.int64)
    out: NDArray[np.float64] = u.astype(np.float64) / _POW10[places + _POW10_OFFSET]
    return out + 0.0
