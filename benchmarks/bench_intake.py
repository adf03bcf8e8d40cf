"""Evidence intake figures: wide headers, one long cell, workbooks, number forms.

    python benchmarks/bench_intake.py [--rows 100000]

Prints wall time and peak memory (ru_maxrss of this process) for each case.
Machines are noisy: compare figures from one run, not across machines.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import scoring
from scoring.errors import EvidenceError

RUBRIC = """format = 1
[rubric]
id = "bench"
title = "bench"
version = "1"
[fields]
a = { type = "count" }
b = { type = "count", max = "a" }
money = { type = "number" }
note = { type = "text", missing = "zero" }
[[dimension]]
id = "d"
points = 10
  [[dimension.indicator]]
  id = "i"
  points = 10
  method = "ratio"
  numerator = "b"
  denominator = "a"
[[veto]]
id = "v"
title = "v"
when = "money < 0 and note == 'x'"
[[grade]]
name = "A"
min = 0
"""


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, fn) -> None:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    try:
        outcome = fn()
    except EvidenceError as exc:
        outcome = f"EvidenceError ({len(str(exc))} chars): {str(exc)[:100]}"
    print(f"{label}: {time.perf_counter() - start:.2f} s, peak RSS {peak_mb():.0f} MB -> {outcome}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    engine = scoring.Engine()
    rubric = engine.rubric_from_text(RUBRIC)
    tmp = Path(tempfile.mkdtemp())
    n = args.rows

    wide = tmp / "wide.csv"
    wide.write_text(",".join(["id"] + [f"c{k}" for k in range(50_000)]) + "\n" + ",".join(["u"] + ["1"] * 50_000) + "\n")
    timed("header of 50,000 columns", lambda: engine.load_evidence(rubric, wide))

    long = tmp / "long.csv"
    with open(long, "w", encoding="utf-8") as f:
        f.write("id,a,b,money,note\n")
        for i in range(20_000):
            f.write(f"u{i},10,9,5,{'x' * 30_000 if i == 7 else 'ok'}\n")
    timed("one 30,000-char cell among 20,000 rows", lambda: f"{engine.score(rubric, long).layout.n_units} units")

    plain = tmp / "plain.csv"
    typed = tmp / "typed.csv"
    with open(plain, "w") as f, open(typed, "w", encoding="utf-8") as g:
        f.write("id,a,b,money\n")
        g.write("id,a,b,money\n")
        for i in range(n):
            f.write(f"u{i},1200,1100,50000.5\n")
            g.write(f'u{i},"1,200","1,100",¥50000.5\n')
    timed(f"CSV {n:,} rows, plain numbers", lambda: f"{engine.load_evidence(rubric, plain).rows} rows")
    timed(f"CSV {n:,} rows, 1,200 and ¥ forms", lambda: f"{engine.load_evidence(rubric, typed).rows} rows")

    import xlsxwriter

    book_path = tmp / "book.xlsx"
    book = xlsxwriter.Workbook(str(book_path), {"constant_memory": True})
    ws = book.add_worksheet()
    ws.write_row(0, 0, ["id", "a", "b", "money"])
    for i in range(n):
        ws.write_row(i + 1, 0, [f"u{i}", 1200, 1100, 50000.5])
    book.close()
    timed(f"xlsx {n:,} rows (calamine)", lambda: f"{engine.load_evidence(rubric, book_path).rows} rows")


if __name__ == "__main__":
    main()
