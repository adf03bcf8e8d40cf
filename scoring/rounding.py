"""Half-up rounding (四舍五入) on the decimal figure, over whole columns.

numpy's `round` is half-to-even and works on the binary value, so 2.675 (stored
as 2.67499999...) would become 2.67 and a total of 89.94999999999999 (float
noise from figures that add to 89.95) would become 89.9. A spreadsheet's ROUND,
which is what evaluators check against, gives 2.68 and 90.0.

The figures a rubric adds are decimals with a few places (points such as 2.5,
rates to 4 places). We first snap each value to `SNAP` decimal places, which
removes accumulated binary noise while keeping every decimal figure such inputs
can produce, then round half away from zero at the requested precision. The
snap is itself done twice, before and after scaling, because scaling by 10**p
adds noise of its own (2.675 * 100 = 267.49999999999997).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

SNAP = 9


def round_half_up(values: ArrayLike, precision: int) -> NDArray[np.float64]:
    """Round to `precision` decimals, halves away from zero; NaN stays NaN."""
    x = np.asarray(values, dtype=np.float64)
    scale = 10.0 ** precision
    with np.errstate(over="ignore", invalid="ignore"):  # inf and NaN pass through unchanged
        snapped = np.round(x, SNAP)
        scaled = np.round(snapped * scale, max(SNAP - precision, 0))
        out: NDArray[np.float64] = np.sign(scaled) * np.floor(np.abs(scaled) + 0.5) / scale
    # -0.0 prints as "-0.0" in JSON; a score is never negative zero.
    return out + 0.0


def round_scalar(value: float, precision: int) -> float:
    return float(round_half_up(np.array([value]), precision)[0])
