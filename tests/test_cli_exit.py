"""The command line's quick exit (scoring/cli_exit.py): everything an exit must do still happens."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _run(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered, as a pipe usually is
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env,
                          timeout=60)


def test_finish_keeps_the_exit_status_flushes_the_streams_and_runs_atexit(tmp_path):
    proc = _run("import atexit, sys\n"
                "atexit.register(lambda: print('atexit ran'))\n"
                "sys.stdout.write('written; ')\n"
                "sys.stderr.write('said')\n"
                "from scoring.cli_exit import finish\n"
                "finish(3)\n", tmp_path)
    assert proc.returncode == 3
    assert proc.stdout == "written; atexit ran\n"  # buffered output and atexit handlers' output both arrive
    assert proc.stderr == "said"


def test_finish_waits_for_a_running_thread_as_a_normal_exit_does(tmp_path):
    proc = _run("import threading, time\n"
                "from pathlib import Path\n"
                "def late():\n"
                "    time.sleep(0.3)\n"
                "    Path('late.txt').write_text('done')\n"
                "threading.Thread(target=late).start()\n"
                "from scoring.cli_exit import finish\n"
                "finish(0)\n", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "late.txt").read_text() == "done"


def test_the_console_command_keeps_its_exit_codes(tmp_path):
    exe = Path(sys.executable).with_name("scoring")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "scoring.cli"]
    ok = subprocess.run(command + ["run", "enterprise-safety-target", "--sample", "--quiet", "-o", "r.csv"],
                        capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "r.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # written whole and renamed into place
    assert not [p for p in tmp_path.iterdir() if p.name != "r.csv"]  # no temporary file left behind
    bad = subprocess.run(command + ["run", "no-such-rubric", "--sample"], capture_output=True, text=True,
                         cwd=tmp_path, timeout=120)
    assert bad.returncode == 1 and "no bundled rubric" in bad.stderr
    usage = subprocess.run(command + ["run"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert usage.returncode == 2


def test_help_version_and_usage_errors_keep_their_output_and_status(tmp_path):
    exe = Path(sys.executable).with_name("scoring")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "scoring.cli"]
    version = subprocess.run(command + ["--version"], capture_output=True, text=True, timeout=120)
    assert version.returncode == 0 and version.stdout.startswith("scoring ")
    usage = subprocess.run(command + ["no-such-command"], capture_output=True, text=True, timeout=120)
    assert usage.returncode == 2 and "invalid choice" in usage.stderr
    helped = subprocess.run(command + ["run", "--help"], capture_output=True, text=True, timeout=120)
    assert helped.returncode == 0 and "--on-error" in helped.stdout
