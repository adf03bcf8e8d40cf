"""Where the `scoring` command starts (scoring/launch.py, scoring/__main__.py) and the lazy `import scoring`.

No timings (benchmarks/bench_startup.py measures): these tests pin what start-up may skip and what it
must still give: `python -m scoring` is the console script, `scoring --version` prints argparse's
bytes without the engine, the BLAS, garbage-collector and malloc set-up touch only the command's own process,
and every public name of `scoring` is still there.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scoring
from scoring import launch
from scoring.cli import build_parser

SCRIPT = Path(sys.executable).with_name("scoring")
LINUX = sys.platform.startswith("linux")
GLIBC = LINUX and platform.libc_ver()[0] == "glibc"
HEAVY = ("numpy", "pyarrow", "pydantic", "pluggy", "scoring.engine", "scoring.cli")

# Runs the command in this interpreter as the console script does, then (from an atexit handler, which
# the quick exit runs) prints what the process ended with: its modules, BLAS setting, collector state.
# Whether memory the process frees stays with it (glibc asked to keep it) or goes back to the kernel:
# a 256 MB block is made, touched and freed, and the resident size read before and after (Linux only).
KEEPS_FREED = """
def keeps_freed():
    import os
    if not os.path.exists("/proc/self/statm"):
        return None
    def resident():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    block = b"x" * (256 << 20)
    held = resident()
    del block
    return held - resident() < (128 << 20)
"""
AS_CONSOLE = KEEPS_FREED + """
import atexit, gc, json, os, sys
def report():
    sys.stderr.write("\\nSTATE " + json.dumps({"modules": sorted(sys.modules), "gc": gc.isenabled(),
                     "blas": os.environ.get("OPENBLAS_NUM_THREADS"), "keeps": keeps_freed()}) + "\\n")
atexit.register(report)
sys.argv = ["scoring", *sys.argv[1:]]
from scoring.launch import console
console()
"""


def _env(**changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in (*launch._BLAS_THREADS, *launch._GLIBC_MALLOC_SETTINGS, "GLIBC_TUNABLES")}
    env.update({k: v for k, v in changes.items() if v is not None})
    return env


def _as_console(args: list[str], cwd: Path, **env: str | None) -> tuple[subprocess.CompletedProcess[str], dict]:
    proc = subprocess.run([sys.executable, "-c", AS_CONSOLE, *args], capture_output=True, text=True, cwd=cwd,
                          env=_env(**env), timeout=300)
    state = json.loads(proc.stderr.rsplit("STATE ", 1)[1])
    return proc, state


def test_python_m_scoring_is_the_scoring_command(tmp_path):
    """End to end, as a Windows user without Scripts on PATH runs it: same bytes, messages and exit codes."""
    args = ["run", "enterprise-safety-target", "--sample", "--quiet"]
    by_module = subprocess.run([sys.executable, "-m", "scoring", *args, "-o", "m.csv"], capture_output=True,
                               text=True, cwd=tmp_path, timeout=300)
    assert by_module.returncode == 0, by_module.stderr
    assert "rows: " in by_module.stderr
    if SCRIPT.exists():
        by_script = subprocess.run([str(SCRIPT), *args, "-o", "s.csv"], capture_output=True, text=True,
                                   cwd=tmp_path, timeout=300)
        assert by_script.returncode == 0, by_script.stderr
        assert by_script.stderr == by_module.stderr
        assert (tmp_path / "s.csv").read_bytes() == (tmp_path / "m.csv").read_bytes()
    assert (tmp_path / "m.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    bad = subprocess.run([sys.executable, "-m", "scoring", "run", "no-such-rubric", "--sample"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert bad.returncode == 1 and "no bundled rubric" in bad.stderr and "Traceback" not in bad.stderr
    usage = subprocess.run([sys.executable, "-m", "scoring", "run"], capture_output=True, text=True,
                           cwd=tmp_path, timeout=300)
    assert usage.returncode == 2 and usage.stderr.startswith("usage: scoring run")


def test_the_console_script_starts_in_launch():
    if not SCRIPT.exists():
        pytest.skip("no console script beside this interpreter")
    assert "from scoring.launch import console" in SCRIPT.read_text(encoding="utf-8")


def test_version_alone_needs_no_engine_and_prints_what_argparse_prints(tmp_path):
    proc, state = _as_console(["--version"], tmp_path)
    assert proc.returncode == 0
    assert proc.stdout == f"scoring {scoring.__version__}\n"
    assert [m for m in HEAVY if m in state["modules"]] == []
    # With anything else on the line the full parser answers, as before.
    proc, state = _as_console(["--debug", "--version"], tmp_path)
    assert proc.returncode == 0 and proc.stdout == f"scoring {scoring.__version__}\n"
    assert "scoring.cli" in state["modules"]


def _printed(parse: object) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as stop:
        parse()  # type: ignore[operator]
    assert stop.value.code == 0
    return out.getvalue()


@settings(deadline=None, max_examples=40)
@given(st.integers(1, 300))
def test_the_quick_version_is_the_parsers_at_every_terminal_width(columns):
    """argparse wraps the version text to the terminal's width: both paths wrap it alike."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COLUMNS", str(columns))
        assert _printed(launch.print_version) == _printed(lambda: build_parser().parse_args(["--version"]))


def test_only_version_alone_takes_the_quick_path():
    assert launch._version_only(["--version"])
    for argv in ([], ["--debug", "--version"], ["--version", "run"], ["run", "--version"], ["--help"]):
        assert not launch._version_only(argv)


def test_a_job_runs_with_one_blas_thread_and_the_collector_on(tmp_path):
    proc, state = _as_console(["run", "enterprise-safety-target", "--sample", "--quiet", "-o", "r.json"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert state["blas"] == "1" and state["gc"] is True
    assert "numpy" in state["modules"]
    assert state["keeps"] is (True if GLIBC else False if LINUX else None)  # musl has /proc but keeps nothing


@pytest.mark.skipif(not GLIBC, reason="freed memory is kept only under glibc")
def test_freed_memory_goes_back_to_the_kernel_unless_kept():
    """The probe tells the two apart: without the setting a freed 256 MB block leaves the process."""
    for keep, expected in (("", "False"), ("from scoring import launch; assert launch._keep_freed_memory(); ", "True")):
        proc = subprocess.run([sys.executable, "-c", KEEPS_FREED + keep + "print(keeps_freed())"],
                              capture_output=True, text=True, env=_env(), timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip() == expected


@pytest.mark.skipif(not GLIBC, reason="freed memory is kept only under glibc")
@pytest.mark.parametrize("chosen", [{"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=0"},
                                    {"GLIBC_TUNABLES": "glibc.pthread.rseq=0:glibc.malloc.mmap_max=4"},
                                    {"MALLOC_MMAP_THRESHOLD_": "1048576"}, {"MALLOC_TRIM_THRESHOLD_": "0"}])
def test_malloc_settings_the_user_chose_are_left_alone(tmp_path, chosen):
    proc, state = _as_console(["rubrics"], tmp_path, **chosen)
    assert proc.returncode == 0, proc.stderr
    assert state["keeps"] is False


@pytest.mark.skipif(not GLIBC, reason="freed memory is kept only under glibc")
@pytest.mark.parametrize("other", [{"GLIBC_TUNABLES": "glibc.pthread.rseq=0"}, {"MALLOC_ARENA_MAX": "2"}])
def test_other_glibc_settings_do_not_turn_it_off(tmp_path, other):
    """Containers set tunables that are not malloc's (rseq) and arena counts: neither is about trimming."""
    proc, state = _as_console(["rubrics"], tmp_path, **other)
    assert proc.returncode == 0, proc.stderr
    assert state["keeps"] is True


def test_a_python_without_ctypes_runs_the_job_as_it_is(tmp_path):
    """A Python built without libffi has no ctypes; numpy, pyarrow and the job do not need it."""
    blocked = ("import sys; sys.modules['_ctypes'] = None; sys.modules['ctypes'] = None\n"
               "from scoring import launch; print(launch._keep_freed_memory())")
    proc = subprocess.run([sys.executable, "-c", blocked], capture_output=True, text=True, env=_env(), timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"


def test_another_libc_is_not_asked(monkeypatch):
    """Only glibc's mallopt means what is asked (musl's is a stub); without its symbol nothing is called."""
    import ctypes

    called: list[tuple[int, int]] = []

    class NotGlibc:
        def __init__(self, _name: object) -> None:
            pass

        def mallopt(self, *args: int) -> int:
            called.append(args)
            return 1

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", NotGlibc)
    for name in ("GLIBC_TUNABLES", *launch._GLIBC_MALLOC_SETTINGS):
        monkeypatch.delenv(name, raising=False)
    assert launch._keep_freed_memory() is False
    assert called == []


@pytest.mark.parametrize("chosen", [{"OPENBLAS_NUM_THREADS": "2"}, {"OMP_NUM_THREADS": "3"},
                                    {"GOTO_NUM_THREADS": "2"}])
def test_a_thread_count_the_user_chose_is_left_alone(tmp_path, chosen):
    proc, state = _as_console(["rubrics"], tmp_path, **chosen)
    assert proc.returncode == 0, proc.stderr
    assert state["blas"] == chosen.get("OPENBLAS_NUM_THREADS")  # not set to 1 behind the user's back


def test_the_library_leaves_blas_threads_the_collector_and_malloc_alone():
    code = KEEPS_FREED + (
        "import gc, os, scoring; e = scoring.Engine(); e.load_rubric('enterprise-safety-target'); "
        "print(os.environ.get('OPENBLAS_NUM_THREADS'), gc.isenabled(), gc.get_freeze_count(), keeps_freed())")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["None", "True", "0", "False" if LINUX else "None"]


# --- the lazy `import scoring` ------------------------------------------------------------------------


def test_import_scoring_imports_nothing_heavy():
    code = "import json, sys, scoring; print(json.dumps(sorted(sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    loaded = set(json.loads(proc.stdout))
    assert [m for m in HEAVY if m in loaded] == []


# Where each public name came from when `import scoring` imported them all (before scoring/launch.py).
PUBLIC = {
    "engine": ["BundledRubric", "Engine"],
    "errors": ["EvidenceError", "ExpressionError", "PluginError", "RubricError", "ScoringError", "UsageError"],
    "evidence": ["Evidence", "Rejection"], "hookspecs": ["hookimpl"],
    "methods": ["Method", "MethodInput", "Params", "Scored"], "plan": ["Rubric"], "result": ["Result", "UnitResult"],
    "rounding": ["round_half_up"], "analysis": ["Impact", "Margins", "Sensitivity", "Statistics"],
}


def test_every_public_name_is_the_object_it_was():
    assert sorted(n for names in PUBLIC.values() for n in names) == sorted(set(scoring.__all__) - {"__version__"})
    code = ("import importlib, json, sys, scoring\n"
            f"public = json.loads({json.dumps(json.dumps(PUBLIC))})\n"
            "for module, names in public.items():\n"
            "    for name in names:\n"
            "        assert getattr(scoring, name) is getattr(importlib.import_module('scoring.' + module), name), name\n"
            "from scoring import Engine, round_half_up, __version__\n"
            "assert set(scoring.__all__) <= set(dir(scoring))\n"
            "assert scoring.rounding.round_half_up is round_half_up\n"  # a submodule, as an attribute
            "assert __version__ == scoring.engine.ENGINE_VERSION\n"
            "print('ok')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_a_light_name_imports_only_its_module():
    code = "import json, sys, scoring; scoring.UsageError; print(json.dumps(sorted(sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    loaded = set(json.loads(proc.stdout))
    assert "scoring.errors" in loaded and [m for m in HEAVY if m in loaded] == []


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'no_such_thing'"):
        scoring.no_such_thing  # noqa: B018
    with pytest.raises(AttributeError):
        scoring._private  # noqa: B018
    assert not hasattr(scoring, "Nonexistent")
