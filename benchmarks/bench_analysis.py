"""Benchmark: the analysis of a result (statistics, margins, sensitivity) at scale.

    .venv/bin/python benchmarks/bench_analysis.py [--units 100000] [--indicators 60] [--draws 1000]
                                                  [--sensitivity-units 10000] [--seed 1]

Uses bench_engine.py's synthetic rubric and seeded evidence. Times, on one
scored result of `--units` units: `result.statistics()`, `result.statistics(by=...)`
(grouped by a count field), `result.margins()` and the JSON summary; then
`scoring.analysis.sensitivity` with `--draws` draws on a result of
`--sensitivity-units` units (a draw costs about one scoring job's decisions,
so draws x units is what counts). Prints the figures; checks nothing about time.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_engine import build_spec, generate, rubric_toml  # noqa: E402

import scoring  # noqa: E402
from scoring.analysis import sensitivity  # noqa: E402


def timed(label: str, fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn()
    print(f"{label}: {time.perf_counter() - t0:.2f} s")
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--units", type=int, default=100_000)
    p.add_argument("--indicators", type=int, default=60)
    p.add_argument("--draws", type=int, default=1000)
    p.add_argument("--sensitivity-units", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    engine = scoring.Engine()
    spec = build_spec(args.indicators)
    rubric = engine.rubric_from_text(rubric_toml(spec), name="<bench>")
    by = next(name for name, f in rubric.model.fields.items() if f.type == "bool")

    ids, columns = generate(spec, args.units, args.seed)
    result = timed(f"score {args.units:,} units x {args.indicators} indicators",
                   lambda: engine.score(rubric, engine.evidence_from_arrays(rubric, ids, columns)))
    timed("statistics()", result.statistics)
    timed(f"statistics(by={by!r})", lambda: result.statistics(by))
    timed("margins()", result.margins)
    timed("summary()", result.summary)

    ids, columns = generate(spec, args.sensitivity_units, args.seed)
    small = engine.score(rubric, engine.evidence_from_arrays(rubric, ids, columns))
    found = timed(f"sensitivity: {args.draws:,} draws x {args.sensitivity_units:,} units",
                  lambda: sensitivity(small, draws=args.draws, spread=0.1, seed=args.seed))
    print(f"  tau mean {found.tau_summary()['mean']}, units keeping their grade in every draw: "
          f"{int((found.keep_grade == 1).sum()):,} of {args.sensitivity_units:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
