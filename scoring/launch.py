"""Where the `scoring` command starts: what is done before the engine is imported.

The console script (`scoring = "scoring.launch:console"`, pyproject.toml) and `python -m scoring`
(scoring/__main__.py) start here rather than in scoring.cli, because importing the engine (numpy,
pyarrow, pydantic, pluggy and ~70 modules of ours) is most of what every command costs before it
reads a row (benchmarks/bench_startup.py). `import scoring` imports none of it (scoring/__init__.py),
so this module runs first and can:

- answer `scoring --version` from the installed distribution's metadata alone, through argparse's own
  version action as scoring.cli's parser does (tests/test_launch.py compares the two outputs);
- ask numpy's OpenBLAS for one thread. On import OpenBLAS starts a thread per core, which spin
  for a while: about 0.05-0.1 s of CPU taken from other work on every command, for nothing, since
  neither scoring nor its bundled plugins call a BLAS routine (no matmul, dot or linalg). A number
  the user chose (OPENBLAS_NUM_THREADS, GOTO_NUM_THREADS or OMP_NUM_THREADS) is left alone, and the
  library (`scoring.Engine` in a user's program) never changes it;
- pause the cyclic garbage collector while those modules load. Their ~46,000 objects (classes,
  functions, pydantic schemas) live as long as the process, so the ~100 collections that run
  while they are created find next to nothing (about 1,000 objects of import-time litter) and cost
  0.02-0.03 s; the objects are then moved out of the collector's sight (`gc.freeze`), so a big job's
  collections do not walk them again either. The collector runs as usual for the job itself;
- on Linux with glibc, keep memory the job frees for its next arrays instead of handing it back to the
  kernel (`_keep_freed_memory`). A job makes and drops many column-sized arrays. By default glibc maps
  a big block afresh (from 128 KB; the threshold rises as blocks are freed, to 32 MB at most, above
  which every block is mapped) and unmaps it when freed, so the kernel zeroes its pages again for the
  next: 22 GB of huge pages and 1.4 million faults for the 10M-row file, whose peak is 9 GB, and half
  its time in the kernel (benchmarks/README.md). Kept, the same job ran in 26 s instead of 35-37 s,
  with a peak within 3%; at 1M rows the change is within the noise between runs (0.2-0.3 s). A
  process that ends when its job does loses nothing by keeping it. Settings the user made
  (MALLOC_TRIM_THRESHOLD_ and the like, or glibc.malloc.* in GLIBC_TUNABLES) are left alone, and the
  library never does this.

Everything after that is `scoring.cli.main`, then the quick exit of scoring/cli_exit.py.
"""

from __future__ import annotations

import gc
import os
import sys

# The variables OpenBLAS reads for its thread count, in its own order of precedence.
_BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")


def _version_only(argv: list[str]) -> bool:
    """`scoring --version` and nothing else: the one command answered without the engine."""
    return argv == ["--version"]


def print_version() -> None:
    """Print what `scoring --version` prints, through argparse's own version action as scoring.cli's
    parser does (same text, same wrapping); argparse ends it with SystemExit(0)."""
    import argparse

    from .version import ENGINE_VERSION

    parser = argparse.ArgumentParser(prog="scoring")
    parser.add_argument("--version", action="version", version=f"scoring {ENGINE_VERSION}")
    parser.parse_args(["--version"])


def _one_blas_thread() -> None:
    if "numpy" not in sys.modules and not any(name in os.environ for name in _BLAS_THREADS):
        os.environ["OPENBLAS_NUM_THREADS"] = "1"


# glibc's mallopt parameters (malloc.h), and the environment variables through which a user sets
# the same ones: MALLOC_*_ (mallopt(3)), or glibc.malloc.* tunables in GLIBC_TUNABLES.
_M_TRIM_THRESHOLD = -1
_M_MMAP_MAX = -4
_GLIBC_MALLOC_SETTINGS = ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_MAX_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TOP_PAD_")


def _malloc_set_by_user() -> bool:
    return (any(name in os.environ for name in _GLIBC_MALLOC_SETTINGS)
            or "glibc.malloc." in os.environ.get("GLIBC_TUNABLES", ""))


def _keep_freed_memory() -> bool:
    """Ask glibc's malloc to keep freed memory for reuse: never unmap, never trim (see the module's
    docstring). True if it was asked; False elsewhere (not Linux, not glibc, a Python without
    ctypes, a user's own malloc settings)."""
    if not sys.platform.startswith("linux") or _malloc_set_by_user():
        return False
    try:
        import ctypes
    except ImportError:  # a Python built without libffi: the job needs no ctypes, so it runs as it is
        return False
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # glibc's own symbol: another libc's mallopt may mean something else
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    # Large blocks from the heap rather than each its own mapping; and -1 turns trimming off (mallopt(3)).
    return bool(mallopt(_M_MMAP_MAX, 0)) and bool(mallopt(_M_TRIM_THRESHOLD, -1))


def _main(argv: list[str]) -> int:
    """scoring.cli.main, imported with one BLAS thread, the garbage collector paused, and freed memory kept."""
    _one_blas_thread()
    _keep_freed_memory()
    collecting = gc.isenabled()
    gc.disable()  # while the engine's modules load: see the module's docstring
    try:
        from .cli import main
    finally:
        if collecting:
            gc.freeze()
            gc.enable()
    return main(argv)


def console() -> None:
    """The `scoring` command: `scoring.cli.main`, then an exit that skips the interpreter's teardown."""
    from .cli_exit import finish

    argv = sys.argv[1:]
    try:
        if _version_only(argv):
            print_version()
        code = _main(argv)
    except SystemExit as stop:  # --help, --version and usage errors end inside argparse
        if not (stop.code is None or isinstance(stop.code, int)):
            raise  # a message to print: Python's own exit prints it
        code = stop.code or 0
    finish(code)
