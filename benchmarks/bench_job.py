"""Benchmark: a whole `scoring run` job, file to file, against DuckDB in the same run.

    .venv/bin/python benchmarks/bench_job.py                 # 100,000 and 1,000,160 rows
    .venv/bin/python benchmarks/bench_job.py --sizes 100000  # one size
    .venv/bin/python benchmarks/bench_job.py --repeat 3      # each job 3 times, the fastest kept
    .venv/bin/python benchmarks/bench_job.py --ten-million   # also 10,000,160 rows (minutes, GBs of disk and memory;
                                                             # past MAX_EVIDENCE_BYTES, so run with --max-evidence-mb)
    .venv/bin/python benchmarks/bench_job.py --profile 30 --sizes 100000 --formats json   # where the time goes
    .venv/bin/python benchmarks/bench_job.py --sizes 1000160 --formats json --writer-rate  # also the JSON writer alone
    .venv/bin/python benchmarks/bench_job.py --workbook --formats csv  # from an .xlsx, as offices keep evidence
    .venv/bin/python benchmarks/bench_job.py --sizes 1000160 --formats csv --quoted excel  # quoted cells, as Excel saves them

Needs the benchmark-only extra: `pip install -e .[bench]` (DuckDB).

What is measured
----------------
The evidence is the bundled enterprise rubric's (`enterprise-safety-target`):
its sample generator (rubrics/samples/generate_enterprise_safety_target.py)
draws a county of 70 enterprises over four quarters. Here it is run with
`VARIANTS` seeds, and whole counties are tiled with fresh ids ("E0000123-017")
until the file has the asked number of rows, so 1,000,160 rows are 250,040
enterprises x 4 quarters (the issue's figure). The file is written once per size
and seed into `--workdir` and reused.

For every output format, `scoring run enterprise-safety-target big.csv -o out.FMT`
runs as a whole process (interpreter start, imports, rubric, reading, typing,
scoring, deciding, writing): wall time, rows/s and units/s, and the peak resident
memory of that process (`ru_maxrss` from `os.wait4`, the child's own). The package
is byte-compiled first, as `pip install` leaves it (`--source-only` measures a
checkout that recompiles it in every process).

Beside each job: its CPU time (user + system, from `os.wait4`: the system part is
mostly the kernel copying the output into its page cache), the size of its output,
and "write only", a process that does nothing but write that many bytes to the same
folder right after. With the floor printed once per size (a process that imports
numpy, pyarrow.csv, pydantic and pluggy and stops), they say how much of a job is
the engine and how much any program writing that file would pay. Each job's old
output is removed before it runs: freeing it is not the job's work.

DuckDB (a separate process too) does the comparable work on the same file:
reads the CSV, takes per enterprise the mean over quarters of the process
fields and the last quarter's outcome fields, sums a score from the rubric's
fields, ranks the enterprises on it and writes a CSV. It does less than the
engine (no validation of each cell, no explanation, no vetoes or grades or
consequences), so the ratio is an upper bound on what it costs to be careful.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import importlib.util
import io
import os
import pstats
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "rubrics" / "samples" / "generate_enterprise_safety_target.py"
RUBRIC = "enterprise-safety-target"
VARIANTS = 8
SIZES = (100_000, 1_000_160)
TEN_MILLION = 10_000_160
FORMATS = ("csv", "json", "jsonl", "parquet")


# --- the evidence file ---------------------------------------------------------


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("generate_enterprise_safety_target", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it runs
    spec.loader.exec_module(module)
    return module


def build_file(rows: int, seed: int, path: Path) -> Path:
    """The seeded evidence file of at least `rows` rows (whole enterprises); reused if present."""
    if path.exists():
        return path
    gen = _generator()
    import random

    counties: list[list[str]] = []
    for k in range(VARIANTS):
        text = gen.render(gen.build(random.Random(seed * 1000 + k)))
        # The enterprises' quarter rows only: the hazard register's member rows
        # (and the parent column) are left out, so every unit has four rows and
        # the rectification item has nothing to judge (full points). Of the
        # inspection panel (rubric 2026.6) one inspector's rows are kept, and
        # no self-assessment: the stage and inspector columns are left out too,
        # so the file is one plain row per enterprise and quarter, as before.
        table = list(csv.reader(io.StringIO(text)))
        head = table[0]
        parent, stage, inspector = (head.index(c) for c in ("parent", "stage", "inspector"))
        drop = {parent, stage, inspector}
        seen: set[tuple[str, str]] = set()
        keep = [[c for j, c in enumerate(head) if j not in drop]]
        for r in table[1:]:
            if r[parent] or r[stage] != "复评" or (r[0], r[1]) in seen:
                continue
            seen.add((r[0], r[1]))
            keep.append([c for j, c in enumerate(r) if j not in drop])
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(keep)
        lines = buf.getvalue().splitlines()[1:]
        # Every line starts with the enterprise id "E001,": keep the rest.
        counties.append([line[line.index(","):] for line in lines])
        header = buf.getvalue().splitlines()[0]
    per_county = len(counties[0])
    copies = -(-rows // per_county)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as out:
        out.write(header + "\n")
        for c in range(copies):
            county = counties[c % VARIANTS]
            out.write("".join(f"E{c:07d}-{1 + i // 4:03d}{rest}\n" for i, rest in enumerate(county)))
    tmp.replace(path)
    return path


def office_copy(src: Path) -> Path:
    """The same evidence as offices send it: headed by the fields' titles (企业编号, 考核期, 死亡人数 ...)
    and saved in GBK, as Excel on Chinese Windows saves "CSV (逗号分隔)"; reused if present."""
    path = src.with_name(src.stem + "-office.csv")
    if path.exists():
        return path
    sys.path.insert(0, str(ROOT))
    import scoring

    rubric = scoring.Engine().load_rubric("enterprise-safety-target")
    info = rubric.model.rubric
    titles = {n: f.title or n for n, f in rubric.model.fields.items()}
    titles.update({info.id_column: info.id_title or info.id_column,
                   info.period_column: info.period_title or info.period_column})
    head, rest = src.read_bytes().split(b"\n", 1)
    tmp = path.with_suffix(".tmp")
    end = b"\r\n" if head.endswith(b"\r") else b"\n"  # (a --quoted all copy: quoted names, CRLF)
    names = [f'"{titles.get(c[1:-1], c[1:-1])}"' if c.startswith('"') else titles.get(c, c)
             for c in head.rstrip(b"\r").decode("utf-8").split(",")]
    tmp.write_bytes(",".join(names).encode("gb18030") + end + rest.decode("utf-8").encode("gb18030"))
    tmp.replace(path)
    return path


def quoted_copy(src: Path, style: str) -> Path:
    """The same evidence with quoted cells; reused if present. "excel": as Excel and WPS save a file
    where some company names hold a comma (one row in a hundred here: 城关民营加油站（北京,分公司）),
    quoting those cells only; "all": every cell quoted, the header too, lines ended with CRLF, as
    some exporters write. The figures are the same, so DuckDB reads this file too."""
    path = src.with_name(f"{src.stem}-quoted-{style}.csv")
    if path.exists():
        return path
    tmp = path.with_suffix(".tmp")
    with open(src, encoding="utf-8", newline="") as lines, open(tmp, "w", encoding="utf-8", newline="") as out:
        head = next(lines).rstrip("\n")
        if style == "all":  # the generated cells hold no comma or quote: quoting is wrapping
            out.write('"' + head.replace(",", '","') + '"\r\n')
            out.writelines('"' + line.rstrip("\n").replace(",", '","') + '"\r\n' for line in lines)
        else:
            out.write(head + "\n")
            name = head.split(",").index("name")
            for k, line in enumerate(lines):
                if k % 100 == 0:
                    cells = line.split(",")
                    cells[name] = f'"{cells[name]}（北京,分公司）"'
                    line = ",".join(cells)
                out.write(line)
    tmp.replace(path)
    return path


EXCEL_ROWS = 1_048_576  # a sheet's rows, the header's included


def workbook_copy(src: Path) -> Path | None:
    """The same evidence as a workbook (.xlsx, one sheet), as a sheet typed by hand holds it: figures
    as numbers, everything else as text, blank cells empty; reused if present. None if it cannot fit
    in a sheet. Written with xlsxwriter (a dependency of scoring), a minute or two per million rows."""
    with open(src, "rb") as handle:
        if sum(1 for _ in handle) > EXCEL_ROWS:
            return None
    path = src.with_suffix(".xlsx")
    if path.exists():
        return path
    import xlsxwriter

    tmp = path.with_name(path.stem + "-tmp.xlsx")
    book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    sheet = book.add_worksheet("Sheet1")
    with open(src, encoding="utf-8", newline="") as handle:
        for i, row in enumerate(csv.reader(handle)):
            for j, cell in enumerate(row):
                if not cell:
                    continue
                try:
                    figure = float(cell) if i else None
                except ValueError:
                    figure = None
                if figure is None:
                    sheet.write_string(i, j, cell)
                else:
                    sheet.write_number(i, j, figure)
    book.close()
    tmp.replace(path)
    return path


# --- running a process and measuring it -------------------------------------------


def measure(cmd: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Wall time, peak memory (this child's own ru_maxrss) and exit code of `cmd`."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"wall": wall, "rss": usage.ru_maxrss * 1024, "code": proc.returncode,
            "user": usage.ru_utime, "sys": usage.ru_stime, "stderr": err.decode("utf-8", "replace")}


# What any job pays whatever the engine does: the imports of its dependencies, and the
# kernel copying its output into the page cache (about a second for 900 MB of JSON on
# this VM, and it varies with writeback of earlier runs). Measured in the same run.
IMPORT_FLOOR = "import numpy, pyarrow, pyarrow.csv, pydantic, pluggy, importlib.metadata"
# The scoring command runs OpenBLAS on one thread unless the user chose a count (scoring/launch.py): so do floors.
ONE_BLAS_THREAD = {} if {"OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"} & set(os.environ) else {
    "OPENBLAS_NUM_THREADS": "1"}
WRITE_FLOOR = """
import os, sys
size, path = int(sys.argv[1]), sys.argv[2]
block = b"x" * (8 << 20)
with open(path, "wb") as out:
    while size > 0:
        out.write(block[:size])
        size -= len(block)
"""


def write_floor(size: int, folder: Path) -> dict[str, Any]:
    """A process that only writes `size` bytes to a fresh file next to the job's output."""
    path = folder / "write-floor.bin"
    path.unlink(missing_ok=True)
    res = measure([sys.executable, "-c", WRITE_FLOOR, str(size), str(path)])
    path.unlink(missing_ok=True)
    return res


DUCKDB_SQL = """
COPY (
  WITH q AS (SELECT * FROM read_csv('{src}', header = true, all_varchar = false)),
  u AS (
    SELECT id,
      1.0 AS rectification,  -- the tiled file holds no hazard register: nothing to judge, full
      avg(major_hazards_open) AS major_open,
      avg(CASE WHEN letter_signed = '是' THEN 1 ELSE 0 END) AS letter,
      avg(meetings) AS meetings, avg(trainings) AS trainings,
      avg(certified_share) AS certified, avg(drills) AS drills,
      avg(CASE WHEN has_plan = '是' THEN 1 WHEN has_plan = '否' THEN 0 END) AS plan,
      arg_max(deaths, period) AS deaths, arg_max(death_limit, period) AS death_limit,
      arg_max(serious_injuries, period) AS serious, arg_max(minor_injuries, period) AS minor,
      arg_max(accidents, period) AS accidents, arg_max(fire_loss, period) AS fire_loss,
      arg_max(major_accidents, period) AS majors, arg_max(concealed_accidents, period) AS concealed,
      arg_max(national_commendations * 2 + provincial_commendations + city_commendations * 0.5, period) AS bonus
    FROM q GROUP BY id
  ),
  s AS (
    SELECT *, round(
      0.4 * (coalesce(rectification, 1) * 10 + greatest(0, 5 - major_open * 5) + letter * 5
             + least(meetings, 1) * 5 + least(trainings, 1) * 5 + certified * 10 + least(drills, 1) * 5
             + coalesce(plan, 1) * 5) * 100 / 50
      + 0.6 * (CASE WHEN deaths > death_limit THEN 0 ELSE 15 - deaths * 5 END
               + greatest(0, 10 - serious * 5) + greatest(0, 10 - minor * 2)
               + greatest(0, 5 - accidents) + CASE WHEN fire_loss > 0 THEN 5 ELSE 10 END) * 100 / 50
      + least(bonus, 5), 1) AS score
    FROM u
  )
  SELECT id, CASE WHEN majors > 0 OR concealed > 0 THEN 0 ELSE score END AS score,
         rank() OVER (ORDER BY CASE WHEN majors > 0 OR concealed > 0 THEN 0 ELSE score END DESC) AS rank,
         rectification, meetings, trainings, certified, drills, deaths, serious, minor, fire_loss
  FROM s ORDER BY rank, id
) TO '{dst}' (HEADER, DELIMITER ',');
"""


def best_of(n: int, job: Any) -> dict[str, Any]:
    """The fastest of `n` runs of `job` (the first failure, if any run fails)."""
    runs = []
    for _ in range(max(1, n)):
        runs.append(job())
        if runs[-1]["code"] != 0:
            return runs[-1]
    return min(runs, key=lambda r: r["wall"])


def run_duckdb(src: Path, dst: Path) -> dict[str, Any]:
    code = f"import duckdb; duckdb.sql({DUCKDB_SQL.format(src=src, dst=dst)!r})"
    return measure([sys.executable, "-c", code])


def run_scoring(src: Path, dst: Path, fmt: str) -> dict[str, Any]:
    dst.unlink(missing_ok=True)  # freeing the last run's 900 MB is not this run's work
    scoring = Path(sys.executable).with_name("scoring")
    cmd = [str(scoring), "run", RUBRIC, str(src), "--format", fmt, "-o", str(dst), "--quiet"]
    size = src.stat().st_size
    if size > 1 << 30:  # past MAX_EVIDENCE_BYTES: raised for this job on purpose, as a user would
        cmd += ["--max-evidence-mb", str(-(-size // (1 << 20)))]
    return measure(cmd)


def profile(src: Path, fmt: str, top: int) -> None:
    """cProfile one in-process job (load, score, render; streamed to a file where the CLI streams) and print
    the top functions to stderr."""
    import scoring

    engine = scoring.Engine()
    rubric = engine.load_rubric(RUBRIC)
    profiler = cProfile.Profile()
    stages: list[tuple[str, float]] = []
    profiler.enable()
    t0 = time.perf_counter()
    evidence = engine.load_evidence(rubric, src)
    stages.append(("load + type", time.perf_counter() - t0))
    t0 = time.perf_counter()
    result = engine.score(rubric, evidence)
    stages.append(("score + decide", time.perf_counter() - t0))
    t0 = time.perf_counter()
    writer = engine.registry.writers[fmt]
    if writer.stream is not None:  # as `scoring run -o` writes it: streamed into a file (not one huge str)
        with open(src.with_name(f"profile-out.{fmt}"), "wb") as handle:
            writer.stream(result, handle)
            size = handle.tell()
    else:
        size = len(engine.render(result, fmt))
    stages.append((f"render {fmt}", time.perf_counter() - t0))
    profiler.disable()
    print(f"stages ({src.name}, {size:,} bytes out): "
          + ", ".join(f"{name} {secs:.2f} s" for name, secs in stages), file=sys.stderr)
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(top)
    print(stream.getvalue(), file=sys.stderr)


def writer_rate(src: Path) -> None:
    """The JSON writer alone, in process: the whole JSON result to /dev/null, wall and CPU time per unit."""
    import scoring
    from scoring.unit_table import document_parts

    engine = scoring.Engine()
    rubric = engine.load_rubric(RUBRIC)
    result = engine.score(rubric, engine.load_evidence(rubric, src, max_bytes=src.stat().st_size))
    result.margins()  # computed once per result whatever writes it; not the writer's own work
    n = result.layout.n_units
    for _ in range(2):
        wall, cpu, size = time.perf_counter(), time.process_time(), 0
        with open(os.devnull, "wb") as sink:
            for part in document_parts(result):
                sink.write(part)
                size += len(part)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"JSON writer alone: {n:,} units, {megabytes(size)} in {wall:.2f} s wall ({n / wall:,.0f} units/s), "
              f"{cpu:.2f} s CPU ({n / cpu:,.0f} units per CPU-second)")


def compile_package(compiled: bool = True) -> None:
    """Byte-compile scoring and its bundled plugins, as `pip install` does for every user.

    A checkout installed in editable mode and run with PYTHONDONTWRITEBYTECODE=1 (as on the shared
    development machine) never keeps its own .pyc files, so every `scoring run` there compiles the
    ~13,000 lines of scoring/ and plugins/ again: ~0.2 s of CPU a job that no installed copy pays.
    Python reads the compiled files whatever that variable says, and recompiles a source edited since.
    """
    import compileall
    import shutil

    for folder in ("scoring", "plugins", "rubrics"):
        if compiled:
            compileall.compile_dir(str(ROOT / folder), quiet=1)
        else:  # left from an earlier run, they would be read: the source-only figure needs them gone
            for cache in (ROOT / folder).rglob("__pycache__"):
                shutil.rmtree(cache)


def megabytes(n: float) -> str:
    return f"{n / 1e9:.2f} GB" if n >= 1e9 else f"{n / 1e6:.0f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), metavar="ROWS",
                        help="evidence rows (rounded up to whole enterprises); default 100000 1000160")
    parser.add_argument("--ten-million", action="store_true", help=f"also {TEN_MILLION:,} rows")
    parser.add_argument("--formats", nargs="+", default=list(FORMATS), choices=FORMATS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="run each job N times and keep the fastest (on a shared machine, 3 steadies the ratios)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/scoring-bench-job"),
                        help="where evidence files are kept between runs and outputs written")
    parser.add_argument("--writer-rate", action="store_true",
                        help="also time the JSON writer alone, in process (units written per second)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="instead of timing processes, cProfile one in-process job per size and format")
    parser.add_argument("--source-only", action="store_true",
                        help="remove the package's compiled files instead: every job compiles it, as an "
                             "editable checkout run with PYTHONDONTWRITEBYTECODE=1 does (no installed copy does)")
    parser.add_argument("--office", action="store_true",
                        help="score the file as offices send it: Chinese title headers, saved in GBK")
    parser.add_argument("--workbook", action="store_true",
                        help="score the evidence from an .xlsx workbook, as offices keep it (DuckDB reads the CSV)")
    parser.add_argument("--quoted", choices=["excel", "all"],
                        help="score the file with quoted cells: a company name in a hundred holding a comma, "
                             "quoted as Excel saves it; or every cell quoted")
    parser.add_argument("--writer-rate-of", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.writer_rate_of:
        writer_rate(args.writer_rate_of)
        return 0
    sizes = list(args.sizes) + ([TEN_MILLION] if args.ten_million else [])
    compile_package(not args.source_only)
    print(f"scoring byte-compiled first, as installed: {'no (--source-only)' if args.source_only else 'yes'}; "
          f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    args.workdir.mkdir(parents=True, exist_ok=True)
    walls: dict[str, list[tuple[int, float]]] = {}  # format -> (rows, wall) per size, for the growth table

    for rows in sizes:
        t0 = time.perf_counter()
        src = build_file(rows, args.seed, args.workdir / f"enterprise-{rows}-seed{args.seed}.csv")
        if args.quoted:
            src = quoted_copy(src, args.quoted)
        duck_src = src  # DuckDB reads the UTF-8 CSV (it reads no GBK, and no workbook offline): the same figures
        if args.office:
            src = office_copy(src)
        if args.workbook:
            book = workbook_copy(src)
            if book is None:
                print(f"\n== {rows:,} rows: skipped, a sheet holds at most {EXCEL_ROWS:,} rows")
                continue
            src = book
        with open(duck_src, "rb") as handle:
            actual = sum(1 for _ in handle) - 1
        units = actual // 4
        print(f"\n== {actual:,} rows ({units:,} enterprises x 4 quarters), {megabytes(src.stat().st_size)} "
              f"{'workbook' if args.workbook else 'CSV'}; file ready in {time.perf_counter() - t0:.1f} s ({src})")
        if args.profile:
            for fmt in args.formats:
                profile(src, fmt, args.profile)
            continue
        if args.writer_rate:
            # In a child of its own: a result held here would count in every later child's peak
            # memory (a forked child's ru_maxrss includes the pages it shared before exec).
            subprocess.run([sys.executable, __file__, "--writer-rate-of", str(src)], check=True)
        duck = best_of(args.repeat, lambda: run_duckdb(duck_src, args.workdir / f"duckdb-{rows}.csv"))
        if duck["code"] != 0:
            print(f"duckdb failed (exit {duck['code']}): {duck['stderr'].strip()[-400:]}")
            print("install the benchmark extra: pip install -e .[bench]")
            return 1
        floor = best_of(args.repeat, lambda: measure([sys.executable, "-c", IMPORT_FLOOR],
                                                     env={**os.environ, **ONE_BLAS_THREAD}))
        print(f"floor: a process importing numpy, pyarrow.csv, pydantic and pluggy and doing nothing else "
              f"{floor['wall']:.2f} s")
        print(f"{'job':<18}{'wall':>9}{'rows/s':>12}{'units/s':>12}{'peak mem':>11}{'x DuckDB':>10}"
              f"{'CPU u+s':>13}{'out':>9}{'write only':>12}")
        print(f"{'duckdb -> csv':<18}{duck['wall']:8.2f}s{actual / duck['wall']:12,.0f}{units / duck['wall']:12,.0f}"
              f"{megabytes(duck['rss']):>11}{1.0:10.2f}{duck['user']:6.2f}+{duck['sys']:.2f}s")
        for fmt in args.formats:
            dst = args.workdir / f"out-{rows}.{fmt}"
            res = best_of(args.repeat, lambda: run_scoring(src, dst, fmt))
            if res["code"] != 0:
                last = res["stderr"].strip().splitlines()[-1:] or [""]
                print(f"{'scoring -> ' + fmt:<18} failed (exit {res['code']}): {last[0][:200]}")
                continue
            size = dst.stat().st_size
            only = write_floor(size, args.workdir)  # right after the job, as its pages are written back
            print(f"{'scoring -> ' + fmt:<18}{res['wall']:8.2f}s{actual / res['wall']:12,.0f}"
                  f"{units / res['wall']:12,.0f}{megabytes(res['rss']):>11}{res['wall'] / duck['wall']:10.2f}"
                  f"{res['user']:6.2f}+{res['sys']:.2f}s{megabytes(size):>9}{only['wall']:11.2f}s")
            walls.setdefault(fmt, []).append((actual, res["wall"]))
    growth(walls)
    return 0


def growth(walls: dict[str, list[tuple[int, float]]]) -> None:
    """How cost grows with rows: rows/s at each size, their spread (the issue asks +-30%), and the
    marginal rate between sizes with the fixed cost it implies (wall = fixed + rows / marginal rate):
    a job's fixed cost (interpreter, imports, rubric) weighs on a small job's rows/s, not on its
    marginal rate."""
    several = {fmt: runs for fmt, runs in walls.items() if len(runs) > 1}
    if not several:
        return
    print("\n== cost growth (rows/s per size; marginal rows/s and implied fixed cost between sizes)")
    for fmt, runs in several.items():
        rates = [rows / wall for rows, wall in runs]
        spread = max(rates) / min(rates) - 1
        parts = []
        for (r1, w1), (r2, w2) in zip(runs, runs[1:]):
            marginal = (r2 - r1) / (w2 - w1) if w2 > w1 else float("inf")
            parts.append(f"{r1:,}->{r2:,}: {marginal:,.0f} rows/s, fixed {w1 - r1 / marginal:.2f} s")
        print(f"{fmt:<8} rows/s {' / '.join(f'{x:,.0f}' for x in rates)} (spread {spread:.0%}); " + "; ".join(parts))


if __name__ == "__main__":
    sys.exit(main())
