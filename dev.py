#!/usr/bin/env python3
"""Set up and run the project with nothing but Python 3.10+.

    python3 dev.py demo   # make .venv, install, score the bundled sample, print the report
    python3 dev.py test   # make .venv, install with test tools, run mypy and the tests

The virtual environment lives in .venv beside this file; it is reinstalled only
when pyproject.toml changes. Extra arguments after `test` go to pytest.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
DEMO_RUBRIC = "enterprise-safety-target"


def run(*command: str | Path) -> None:
    print("+", " ".join(str(c) for c in command), flush=True)
    code = subprocess.call([str(c) for c in command], cwd=ROOT)
    if code:
        sys.exit(code)


def ensure_env() -> None:
    if sys.version_info < (3, 10):
        sys.exit(f"scoring needs Python 3.10 or newer; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        print(f"+ creating {VENV}", flush=True)
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except Exception as exc:  # noqa: BLE001 - any failure here has the same remedy
            sys.exit(f"cannot create a virtual environment ({exc}); on Debian/Ubuntu install python3-venv")
    stamp = VENV / ".installed"
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != want:
        run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(PYTHON, "-m", "pip", "install", "--quiet", "-e", ".[dev]")
        stamp.write_text(want)


def demo() -> None:
    ensure_env()
    out = ROOT / "out"
    out.mkdir(exist_ok=True)
    scoring = BIN / "scoring"
    run(scoring, "rubrics")
    run(scoring, "validate", DEMO_RUBRIC)
    run(scoring, "run", DEMO_RUBRIC, "-o", out / f"{DEMO_RUBRIC}.json")
    run(scoring, "run", DEMO_RUBRIC, "--format", "md")
    print(f"\nThe full result is in {out / (DEMO_RUBRIC + '.json')}; explain one enterprise with:\n"
          f"  {scoring} explain {DEMO_RUBRIC} --sample E001")


def test(pytest_args: list[str]) -> None:
    ensure_env()
    run(PYTHON, "-m", "mypy", "scoring", "plugins")
    run(PYTHON, "-m", "pytest", *pytest_args)


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in ("demo", "test"):
        sys.exit(__doc__)
    if sys.argv[1] == "demo":
        demo()
    else:
        test(sys.argv[2:])


if __name__ == "__main__":
    main()
