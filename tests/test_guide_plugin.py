"""docs/guide-writing-a-plugin.md works as written: its example plugin is built as a
separate distribution in a fresh virtual environment and run through the command line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import scoring

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "docs" / "guide-writing-a-plugin.md").read_text(encoding="utf-8")
EXAMPLE = ROOT / "docs" / "examples" / "scoring-bureau-extras"
FILES = ["pyproject.toml", "bureau_extras/__init__.py", "tests/test_bureau_extras.py",
         "tests/district-safety.toml", "tests/sample.csv"]


def test_the_guide_shows_each_example_file_as_it_is() -> None:
    shipped = sorted(p.relative_to(EXAMPLE).as_posix() for p in EXAMPLE.rglob("*")
                     if p.is_file() and "__pycache__" not in p.parts and ".pytest_cache" not in p.parts
                     and ".egg-info" not in p.as_posix())
    assert shipped == sorted(FILES)
    for name in FILES:
        text = (EXAMPLE / name).read_text(encoding="utf-8").rstrip("\n")
        assert f"\n{text}\n```" in GUIDE, f"the guide's copy of {name} differs from the example"


def test_the_example_plugin_as_a_separate_distribution(tmp_path: Path) -> None:
    # A fresh venv that sees this environment's packages (scoring, numpy, pytest, pip,
    # setuptools) through a .pth, so nothing is downloaded; the example is installed
    # into it, and only there.
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    target = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                            capture_output=True, text=True, check=True).stdout.strip()
    here = sysconfig.get_paths()["purelib"]
    Path(target, "_this_project.pth").write_text(f"import site; site.addsitedir({here!r})\n", encoding="utf-8")
    source = tmp_path / "scoring-bureau-extras"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.egg-info"))
    environ = {**os.environ, "PYTHONIOENCODING": "utf-8", "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(python), *args], capture_output=True, text=True, cwd=source, env=environ,
                              timeout=600)

    built = run("-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index", ".")
    assert built.returncode == 0, built.stderr

    plugins = run("-m", "scoring.cli", "plugins")
    assert plugins.returncode == 0, plugins.stderr
    assert "bureau_extras\tscoring-bureau-extras 1.0.0" in plugins.stdout
    assert "methods: rate_per" in plugins.stdout
    assert "growth(number, number) -> number" in plugins.stdout
    assert "payout kinds: per_head" in plugins.stdout

    scored = run("-m", "scoring.cli", "run", "tests/district-safety.toml", "tests/sample.csv", "--format", "csv",
                 "--no-bom", "--headers", "ids")
    assert scored.returncode == 0, scored.stderr
    rows = list(__import__("csv").DictReader(scored.stdout.splitlines()))
    assert [(r["rank"], r["id"], r["score"], r["grade"]) for r in rows] == [
        ("1", "E2", "100.0", "合格"), ("2", "E1", "70.0", "合格"), ("3", "E3", "0.0", "不合格")]
    assert [r["safety_award"] for r in rows] == ["10000.00", "", ""]

    explained = run("-m", "scoring.cli", "explain", "tests/district-safety.toml", "tests/sample.csv", "E1")
    assert explained.returncode == 0, explained.stderr
    assert "60 − 2 × accidents per 10000 workers" in explained.stdout

    awarded = run("-m", "scoring.cli", "explain", "tests/district-safety.toml", "tests/sample.csv", "E2")
    assert awarded.returncode == 0, awarded.stderr
    assert "granted, amount 10000" in awarded.stdout and "20 per head of workers, at most 30,000.00" in awarded.stdout

    tested = run("-m", "pytest", "-v", "-p", "no:cacheprovider")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    for item in ("test_bureau_extras.py::test_rate_per_by_hand PASSED", "district-safety.toml::lint PASSED",
                 "district-safety.toml::example 0: 1 accident among 2,000 workers, training up 20% PASSED",
                 "district-safety.toml::example 1: no accident among 2,000 workers: 20 per head, at most "
                 "30,000 PASSED",
                 "district-safety.toml::property monotone accidents PASSED"):
        assert item in tested.stdout, item

    # This environment never saw it: the plugin is its own distribution.
    assert "rate_per" not in scoring.Engine().registry.methods
    assert "bureau_extras" not in sys.modules
