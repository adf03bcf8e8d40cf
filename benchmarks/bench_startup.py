"""Benchmark: the fixed cost of a `scoring` process (start-up, imports, rubric, exit), no evidence to speak of.

    .venv/bin/python benchmarks/bench_startup.py               # 10 runs of each command, fastest and median
    .venv/bin/python benchmarks/bench_startup.py --runs 20
    .venv/bin/python benchmarks/bench_startup.py --stages      # also where the time goes, in process
    .venv/bin/python benchmarks/bench_startup.py --rows 100000 1000160 --base /tmp/base   # also jobs of 100k
          # and 1M rows and their cost growth, each command taking turns with another commit's source tree
          # (git archive COMMIT | tar -x -C /tmp/base), so a change of load hits both alike

Every `scoring run` pays this before it reads a row and after it writes the last one; at 100,000 rows it
was about half of the job, which is why a job's rows/s grew with its size (issue 11: rows/s within
±30% from 100k to 10M rows). Commands timed, each as a whole process:

- `scoring --version`: interpreter, `importlib.metadata` for the version, exit (since scoring/launch.py
  it imports nothing else; before, everything below bar the rubric);
- `scoring run enterprise-safety-target <100 rows> -o out.csv --quiet`: all of the above, the bundled
  rubric loaded and compiled, 100 rows (25 enterprises x 4 quarters) read, scored and written.

Each prints wall time (waits for a shared CPU included) and CPU time (user + system, from `os.wait4`:
steadier on a loaded machine). The package is byte-compiled first, as installed (see bench_job.py).

`--stages` times in one process, started as the command starts (one BLAS thread, the collector paused while
importing): the third-party modules every job needs (numpy, pyarrow and its CSV reader, pydantic, pluggy,
importlib.metadata), then the rest of `import scoring.cli` (scoring's own modules, pydantic building their
models), `Engine()` (plugins), the parser, `load_rubric`.
The machine is shared: read the fastest figure, and say the load (`uptime`) with any figure you quote.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
RUBRIC = "enterprise-safety-target"

STAGES = """
import gc, time
gc.disable()  # as the scoring command imports the engine (scoring/launch.py); its env has one BLAS thread
t0 = time.perf_counter()
import numpy, pyarrow, pyarrow.csv, pydantic, pluggy, importlib.metadata
t1 = time.perf_counter()
import scoring.cli
gc.freeze()
gc.enable()
t2 = time.perf_counter()
from scoring.engine import Engine
engine = Engine()
t3 = time.perf_counter()
scoring.cli.build_parser(engine.registry.writers)
t4 = time.perf_counter()
engine.load_rubric({rubric!r})
t5 = time.perf_counter()
print(f"{{t1 - t0:.3f}} {{t2 - t1:.3f}} {{t3 - t2:.3f}} {{t4 - t3:.3f}} {{t5 - t4:.3f}}")
"""


def hundred_rows(folder: Path) -> Path:
    """The first 100 rows of the rubric's bundled sample's enterprise file, as the benchmark job's file looks."""
    from bench_job import build_file  # the same generator and tiling as the job benchmark

    big = build_file(100, 1, folder / "enterprise-100-seed1.csv")
    lines = big.read_text(encoding="utf-8").splitlines(keepends=True)
    small = folder / "enterprise-100.csv"
    small.write_text("".join(lines[:101]), encoding="utf-8")
    return small


Command = tuple[list[str], dict[str, str]]  # argv, and environment variables set for it


def timed(variants: dict[str, Command], runs: int, cwd: Path) -> dict[str, tuple[list[float], list[float]]]:
    """Wall and CPU (user + system) seconds of each of `runs` runs of each variant, the variants taking
    turns (so a change of load hits them alike), from `cwd` (a checkout's own folder would shadow --base)."""
    out: dict[str, tuple[list[float], list[float]]] = {label: ([], []) for label in variants}
    for _ in range(runs):
        for label, (cmd, env) in variants.items():
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd,
                                    env={**os.environ, **env})
            assert proc.stderr is not None
            err = proc.stderr.read()
            _, status, usage = os.wait4(proc.pid, 0)
            out[label][0].append(time.perf_counter() - t0)
            out[label][1].append(usage.ru_utime + usage.ru_stime)
            if status != 0:
                raise SystemExit(f"{' '.join(cmd)} failed ({status}): {err.decode()[-400:]}")
    return out


def base_start(base: Path, folder: Path) -> Command:
    """How to start `scoring` from another source tree (`git archive COMMIT | tar -x -C DIR`): its packages
    first on sys.path, under the names its pyproject.toml maps them to, byte-compiled as this one is."""
    import compileall

    with open(base / "pyproject.toml", "rb") as handle:
        project = tomllib.load(handle)
    package_dirs = project["tool"]["setuptools"]["package-dir"]
    # The base's own command, whatever it was then (scoring.cli:main, scoring.cli:console, scoring.launch:console).
    module, function = project["project"]["scripts"]["scoring"].split("#")[0].strip().split(":")
    paths = folder / "base-packages"
    paths.mkdir()
    for name, sub in package_dirs.items():
        (paths / name).symlink_to((base / sub).resolve())
        compileall.compile_dir(str(paths / name), quiet=1)
    start = f"import sys; from {module} import {function} as command; sys.exit(command())"
    return [sys.executable, "-c", start], {"PYTHONPATH": str(paths)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--runs", type=int, default=10, help="runs of each command (10)")
    parser.add_argument("--stages", action="store_true", help="also time the start-up stages in process")
    parser.add_argument("--source-only", action="store_true",
                        help="remove the package's compiled files first (see bench_job.py --source-only)")
    parser.add_argument("--rows", type=int, nargs="+", default=[], metavar="N",
                        help="also a job of N rows (bench_job.py's file, e.g. 100000 1000160) -> csv; with two "
                             "sizes or more, the cost growth as bench_job.py prints it")
    parser.add_argument("--base", type=Path, metavar="DIR",
                        help="another source tree of scoring (git archive COMMIT | tar -x -C DIR): each "
                             "command is also run with it, taking turns with this checkout's")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_job import ONE_BLAS_THREAD, build_file, compile_package, growth

    compile_package(not args.source_only)  # as installed, unless asked
    print(f"scoring byte-compiled first, as installed: {'no (--source-only)' if args.source_only else 'yes'}")
    scoring = str(Path(sys.executable).with_name("scoring"))
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        folder = Path(tmp)
        src = hundred_rows(folder)
        jobs = {
            "scoring --version": ["--version"],
            "scoring run, 100 rows -> csv": ["run", RUBRIC, str(src), "-o", str(folder / "out.csv"), "--quiet"],
        }
        sized: dict[str, int] = {}
        for n in args.rows:
            big = build_file(n, 1, folder / f"enterprise-{n}-seed1.csv")
            rows = sum(1 for _ in big.open(encoding="utf-8")) - 1
            sized[name := f"scoring run, {rows:,} rows -> csv"] = rows
            jobs[name] = ["run", RUBRIC, str(big), "-o", str(folder / "out.csv"), "--quiet"]
        starts: dict[str, Command] = {"": ([scoring], {})}
        if args.base:
            starts = {" (base)": base_start(args.base, folder), " (this)": ([scoring], {})}
        print(f"{'command':<40}{'wall: fastest':>14}{'median':>9}{'CPU: fastest':>14}{'median':>9}"
              f"   ({args.runs} runs each)")
        fastest: dict[str, list[tuple[int, float]]] = {}
        for name, job in jobs.items():
            found = timed({label: (start + job, env) for label, (start, env) in starts.items()}, args.runs, folder)
            for label, (walls, cpus) in found.items():
                print(f"{name + label:<40}{min(walls):13.3f}s{statistics.median(walls):8.3f}s"
                      f"{min(cpus):13.3f}s{statistics.median(cpus):8.3f}s")
                if name in sized:
                    fastest.setdefault(f"csv{label}", []).append((sized[name], min(walls)))
        growth(fastest)
    if args.stages:
        rows = []
        for _ in range(args.runs):
            out = subprocess.run([sys.executable, "-c", STAGES.format(rubric=RUBRIC)], capture_output=True,
                                 text=True, check=True, env={**os.environ, **ONE_BLAS_THREAD}).stdout.split()
            rows.append([float(x) for x in out])
        names = ("numpy, pyarrow, pydantic ...", "import scoring.cli (the rest)", "Engine() (plugins)",
                 "argument parser", "load_rubric")
        print(f"{'stage (in process)':<32}{'fastest':>9}{'median':>9}")
        for k, name in enumerate(names):
            column = [r[k] for r in rows]
            print(f"{name:<32}{min(column):8.3f}s{statistics.median(column):8.3f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
