"""Progress: the library reports through a callback; the command line draws bars only on a terminal."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

import scoring
from scoring.cli_progress import TerminalProgress, terminal_progress

ENGINE = scoring.Engine()
EXE = str(Path(sys.executable).with_name("scoring"))


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_library_reports_every_stage_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    rubric = ENGINE.load_rubric("enterprise-safety-target")
    heard: list[tuple[str, int, int | None, str]] = []
    result = ENGINE.score(rubric, rubric.sample, progress=lambda *a: heard.append(a))
    ENGINE.render(result, "json", progress=lambda *a: heard.append(a))
    stages = list(dict.fromkeys(h[0] for h in heard))
    assert stages == ["reading", "typing", "scoring", "deciding", "writing"]
    last = {h[0]: h for h in heard}
    assert last["reading"][1:] == (1298, 1298, "rows")  # 840 inspectors' and 280 self-assessment rows, 89 hazards twice
    assert last["scoring"][1:] == (len(rubric.indicators), len(rubric.indicators), "indicators")
    assert last["writing"][1:] == (70, 70, "units")
    assert capsys.readouterr() == ("", "")  # the library never prints


def test_check_reports_each_property_and_its_examples() -> None:
    from scoring.check import check_rubric

    rubric = ENGINE.load_rubric("exchange-teacher")
    heard: list[tuple[str, int, int | None, str]] = []
    check_rubric(ENGINE, rubric, max_examples=3, progress=lambda *a: heard.append(a))
    stages = list(dict.fromkeys(h[0] for h in heard))
    assert "property bounds" in stages and "property row order" in stages
    assert all(unit == "examples" for _, _, _, unit in heard)
    assert max(done for stage, done, _, _ in heard if stage == "property bounds") >= 3


def test_terminal_bars_name_the_stage_and_count() -> None:
    stream = FakeTerminal()
    bars = TerminalProgress(stream, delay=0)
    bars("reading", 0, 1000, "rows")
    bars("reading", 1000, 1000, "rows")
    bars("scoring", 0, 20, "indicators")
    bars("scoring", 20, 20, "indicators")
    bars.close()
    text = stream.getvalue()
    assert "reading" in text and "1000/1000" in text and "rows" in text
    assert "scoring" in text and "0/20" in text and "20/20" in text


def test_quick_jobs_stay_quiet_and_bars_wait_for_the_delay() -> None:
    stream = FakeTerminal()
    bars = TerminalProgress(stream)  # the default delay: about a second
    bars("reading", 5, 10, "rows")
    bars.close()
    assert stream.getvalue() == ""


def test_no_bars_when_piped_or_quiet() -> None:
    assert terminal_progress(io.StringIO(), quiet=False) is None  # not a terminal
    assert terminal_progress(FakeTerminal(), quiet=True) is None
    assert terminal_progress(FakeTerminal(), quiet=False) is not None


def run_on_terminal(*args: str) -> tuple[int, str]:
    """Run the CLI with stderr on a pseudo-terminal; its exit code and what the terminal showed."""
    main, child = pty.openpty()
    proc = subprocess.Popen([EXE, *args], stdout=subprocess.DEVNULL, stderr=child, stdin=subprocess.DEVNULL)
    os.close(child)
    shown = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        shown.append(data)
    os.close(main)
    return proc.wait(timeout=300), b"".join(shown).decode("utf-8", "replace")


def test_cli_check_shows_the_property_on_a_terminal_only() -> None:
    code, shown = run_on_terminal("check", "exchange-teacher", "--max-examples", "5")
    assert code == 0
    assert "property" in shown and "examples" in shown
    code, shown = run_on_terminal("check", "exchange-teacher", "--max-examples", "5", "--quiet")
    assert code == 0 and "property" not in shown
    piped = subprocess.run([EXE, "check", "exchange-teacher", "--max-examples", "5"], capture_output=True,
                           text=True, timeout=300)
    assert piped.returncode == 0 and "property" not in piped.stderr and "\r" not in piped.stderr
