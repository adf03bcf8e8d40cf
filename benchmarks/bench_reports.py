"""Time the people-facing writers on a large synthetic result.

    .venv/bin/python benchmarks/bench_reports.py                    # 1,000,000 units, CSV only
    .venv/bin/python benchmarks/bench_reports.py --units 20000 --formats csv,md,xlsx,html

Uses the synthetic rubric and evidence of bench_engine.py. Prints the time to
build the columnar `Report` and to render each format (best of --repeat), and
the output size. Wall-clock on a shared machine: compare runs, not absolutes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scoring  # noqa: E402
from bench_engine import build_spec, generate, rubric_toml  # noqa: E402
from scoring.report import Report  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=1_000_000)
    ap.add_argument("--indicators", type=int, default=20)
    ap.add_argument("--formats", default="csv")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    spec = build_spec(args.indicators)
    engine = scoring.Engine()
    rubric = engine.rubric_from_text(rubric_toml(spec))
    ids, cols = generate(spec, args.units, 1)
    t = time.perf_counter()
    result = engine.score(rubric, engine.evidence_from_arrays(rubric, ids, cols))
    print(f"score: {time.perf_counter() - t:.2f} s for {args.units:,} units x {args.indicators} indicators")
    best = min(_timed(lambda: Report.from_result(result)) for _ in range(args.repeat))
    print(f"Report.from_result: {best:.2f} s")
    for fmt in args.formats.split(","):
        out: list[str | bytes] = []
        best = min(_timed(lambda: out.append(engine.render(result, fmt))) for _ in range(args.repeat))
        print(f"render {fmt}: {best:.2f} s, {len(out[-1]):,} {'bytes' if isinstance(out[-1], bytes) else 'characters'}")
    return 0


def _timed(fn: object) -> float:
    t = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - t


if __name__ == "__main__":
    sys.exit(main())
