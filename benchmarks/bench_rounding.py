"""Half-up rounding on the decimal figure: time per million values, by magnitude.

    .venv/bin/python benchmarks/bench_rounding.py            # 1,000,000 values per row
    .venv/bin/python benchmarks/bench_rounding.py --n 100000

Prints, for scores (0-100), amounts (up to 10^7 and 10^13) and sums with float
noise: `scoring.rounding.round_half_up` against numpy's `np.round` (which is
half-to-even on the binary value, so only a floor on the time, not an
alternative), and how many values took the exact `decimal` path (values
outside [1e-8, 1e15)). It also checks 20,000 of each row against `decimal`
and exits 1 on any difference. No timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import sys
import time
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal

import numpy as np

from scoring.rounding import round_half_up

EXACT = Context(prec=1000)


def reference(x: float, precision: int) -> float:
    d = Decimal(x)
    if d == 0:
        return 0.0
    read = d.quantize(Decimal(1).scaleb(d.adjusted() - 14), ROUND_HALF_EVEN, EXACT)
    if read.as_tuple().exponent < -precision:
        read = read.quantize(Decimal(1).scaleb(-precision), ROUND_HALF_UP, EXACT)
    return float(read) + 0.0


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    n = args.n
    rows = {
        "scores 0-100, 2 places, precision 1": (np.round(rng.uniform(0, 100, n), 2), 1),
        "sums of 8 item points, precision 1": (sum(np.round(rng.uniform(0, 12.5, n), 2) for _ in range(8)), 1),
        "amounts to 10^7 with half-fen, fen": (np.round(rng.uniform(0, 1e7, n), 3), 2),
        "amounts to 10^13, fen": (np.round(rng.uniform(0, 1e13, n), 2), 2),
        "every magnitude 1e-10..1e18, precision 2": (10.0 ** rng.uniform(-10, 18, n), 2),
    }
    failed = False
    print(f"{'values':45} {'round_half_up':>14} {'np.round':>10} {'exact path':>11}")
    for label, (values, precision) in rows.items():
        ours = best(lambda: round_half_up(values, precision))
        theirs = best(lambda: np.round(values, precision))
        a = np.abs(values)
        slow = int((((a > 0) & (a < 1e-8)) | (a >= 1e15)).sum())
        print(f"{label:45} {ours * 1e3:11.1f} ms {theirs * 1e3:7.1f} ms {slow:11,}")
        got = round_half_up(values, precision)
        for i in rng.choice(n, min(n, 20_000), replace=False).tolist():
            if got[i] != reference(float(values[i]), precision):
                print(f"  MISMATCH at {values[i]!r}: {got[i]!r} != {reference(float(values[i]), precision)!r}")
                failed = True
                break
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
