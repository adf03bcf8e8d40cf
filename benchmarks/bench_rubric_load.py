"""Benchmark: loading (validating) rubrics of many expression indicators.

    .venv/bin/python benchmarks/bench_rubric_load.py [--sizes 1000 4000 10000] [--repeat 3]

Each rubric has n number fields and n `expression` indicators, the i-th
reading field i (`value = "min(f<i>, 1)"`), in one dimension. Loading it parses
the TOML, checks the model and compiles and test-evaluates every expression:
what `scoring validate` does. Issue 8 measured 19 s for 4,000 such indicators
(every expression copied the set of all field names: O(n²)); loading should
now grow linearly, so time per indicator stays flat as n grows.
"""

from __future__ import annotations

import argparse
import time

import scoring


def rubric_text(n: int) -> str:
    lines = ["format = 1", "[rubric]", 'id = "big"', 'title = "t"', 'version = "1"', f"scale = {n}", "[fields]"]
    lines += [f'f{i} = {{ type = "number" }}' for i in range(n)]
    lines += ["[[dimension]]", 'id = "d"', f"points = {n}"]
    for i in range(n):
        lines += ["[[dimension.indicator]]", f'id = "i{i}"', "points = 1", 'method = "expression"',
                  f'value = "min(f{i}, 1)"']
    lines += ["[[grade]]", 'name = "ok"', "min = 0"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    engine = scoring.Engine()
    print(f"{'indicators':>10}  {'bytes':>10}  {'best load s':>11}  {'µs/indicator':>12}")
    for n in args.sizes:
        text = rubric_text(n)
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            engine.rubric_from_text(text)
            best = min(best, time.perf_counter() - start)
        print(f"{n:>10,}  {len(text):>10,}  {best:>11.2f}  {best / n * 1e6:>12.0f}")


if __name__ == "__main__":
    main()
