"""End to end: the real `scoring` command, as a subprocess, on real files."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import RATIO_BODY, rubric_text

REPO = Path(__file__).resolve().parent.parent
BUNDLED = "enterprise-safety-target"


def scoring_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("scoring")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "scoring.cli"]
    return subprocess.run(command + list(args), capture_output=True, text=True, cwd=cwd, timeout=120,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


BODY = RATIO_BODY


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "r.toml").write_text(rubric_text(BODY), encoding="utf-8")
    (tmp_path / "good.csv").write_text("id,a,b,flag\nu1,10,9,是\nu2,4,4,否\nu3,10,5,1\n", encoding="utf-8")
    (tmp_path / "bad.csv").write_text("id,a,b,flag\nu1,10,9,是\nu2,4,5,否\nu3,x,5,1\nu4,10,10,0\n", encoding="utf-8")
    return tmp_path


def test_run_json_shape(files):
    out = files / "out.json"
    proc = scoring_cli("run", "r.toml", "good.csv", "-o", "out.json", cwd=files)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert set(doc) >= {"rubric", "engine", "evidence", "units", "rejected"}
    assert set(doc["rubric"]) >= {"id", "version", "sha256"} and set(doc["engine"]) >= {"version", "plugins"}
    assert set(doc["evidence"]) >= {"sha256", "rows"} and doc["evidence"]["rows"] == 3
    unit = doc["units"][0]
    assert set(unit) >= {"id", "score", "grade", "rank", "phases", "dimensions", "indicators", "vetoes", "bonus", "consequences"}
    assert set(unit["indicators"]["rect"]) == {"points", "max", "value", "status"}
    assert [(u["id"], u["score"], u["rank"]) for u in doc["units"]] == [("u2", 100.0, 1), ("u1", 90.0, 2), ("u3", 50.0, 3)]
    assert proc.stderr.strip().splitlines()[-1].startswith("rows: 3 read, 3 scored, 0 rejected")


def test_run_csv_and_md(files):
    proc = scoring_cli("run", "r.toml", "good.csv", "--format", "csv", "--no-bom", "--headers", "ids", cwd=files)
    assert proc.returncode == 0
    assert not proc.stdout.startswith("\ufeff")
    rows = list(csv.reader(proc.stdout.splitlines()))
    assert rows[0][:4] == ["rank", "id", "score", "grade"] and "d" in rows[0]
    assert rows[1][:4] == ["1", "u2", "100.0", "A"]
    proc = scoring_cli("run", "r.toml", "good.csv", "-o", "report.md", cwd=files)
    assert proc.returncode == 0 and "| 1 | u2 | 100.0 | A |" in (files / "report.md").read_text(encoding="utf-8")


def test_fail_policy_writes_nothing(files):
    proc = scoring_cli("run", "r.toml", "bad.csv", "-o", "out.json", cwd=files)
    assert proc.returncode == 1
    assert not (files / "out.json").exists()
    assert "Traceback" not in proc.stderr
    assert "row 3 (unit u2), field b" in proc.stderr and "--on-error skip" in proc.stderr


def test_skip_policy_scores_valid_rows_and_lists_the_rest(files):
    proc = scoring_cli("run", "r.toml", "bad.csv", "-o", "out.json", "--on-error", "skip", "--rejects", "rej.csv", cwd=files)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((files / "out.json").read_text(encoding="utf-8"))
    assert [u["id"] for u in doc["units"]] == ["u4", "u1"]
    assert {(r["row"], r["unit"], r["field"]) for r in doc["rejected"]} == {("row 3", "u2", "b"), ("row 4", "u3", "a")}
    rejects = list(csv.DictReader((files / "rej.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert {(r["row"], r["unit"], r["field"]) for r in rejects} == {("row 3", "u2", "b"), ("row 4", "u3", "a")}
    assert proc.stderr.strip().splitlines()[-1].startswith("rows: 4 read, 2 scored, 2 rejected")


def test_invalid_rubric_exit_1_one_paragraph_no_traceback(files):
    (files / "broken.toml").write_text(rubric_text(BODY).replace("points = 10\n  [[", "points = = 10\n  [["), encoding="utf-8")
    proc = scoring_cli("run", "broken.toml", "good.csv", cwd=files)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "broken.toml, line" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    debug = scoring_cli("--debug", "run", "broken.toml", "good.csv", cwd=files)
    assert debug.returncode == 1 and "Traceback" in debug.stderr


def test_usage_errors_exit_2(files):
    assert scoring_cli("run", cwd=files).returncode == 2
    assert scoring_cli("frobnicate", cwd=files).returncode == 2
    assert scoring_cli("run", "r.toml", "good.csv", "--on-error", "maybe", cwd=files).returncode == 2


def test_validate(files):
    ok = scoring_cli("validate", "r.toml", BUNDLED, cwd=files)
    assert ok.returncode == 0 and ok.stdout.count("ok:") == 2
    (files / "wrong.toml").write_text(
        rubric_text(BODY) + '\n[[example]]\ntitle = "off"\nevidence = { a = 10, b = 10, flag = true }\nexpect = { score = 50 }\n',
        encoding="utf-8")
    bad = scoring_cli("validate", "wrong.toml", cwd=files)
    assert bad.returncode == 1 and "score: expected 50, got 100.0" in bad.stderr


def test_explain(files):
    proc = scoring_cli("explain", "r.toml", "good.csv", "u1", cwd=files)
    assert proc.returncode == 0, proc.stderr
    assert "b = 9, a = 10 → value 0.9 → 9 points" in proc.stdout and "rank 2" in proc.stdout
    missing = scoring_cli("explain", "r.toml", "good.csv", "nobody", cwd=files)
    assert missing.returncode == 2 and "no unit 'nobody'" in missing.stderr


def test_rubrics_and_plugins_from_any_directory(tmp_path):
    listed = scoring_cli("rubrics", cwd=tmp_path)
    assert listed.returncode == 0 and BUNDLED in listed.stdout and "企业安全生产目标责任考核" in listed.stdout
    plugins = scoring_cli("plugins", cwd=tmp_path)
    assert plugins.returncode == 0 and "scoring_std" in plugins.stdout and "deduction" in plugins.stdout


def test_bundled_job_runs_on_its_sample(tmp_path):
    proc = scoring_cli("run", BUNDLED, "-o", "result.json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert doc["rubric"]["id"] == BUNDLED and len(doc["units"]) == 70 and doc["evidence"]["rows"] == 3 * 280 + 280 + 2 * 89  # inspectors, self-assessment, hazards twice
    grades = {u["grade"] for u in doc["units"]}
    assert len(grades) >= 3  # a plausible spread, not everyone 优秀


def test_output_is_replaced_atomically(files):
    target = files / "out.json"
    target.write_text("previous result", encoding="utf-8")
    assert scoring_cli("run", "r.toml", "bad.csv", "-o", "out.json", cwd=files).returncode == 1
    assert target.read_text(encoding="utf-8") == "previous result"  # a failed run leaves the old file whole
    assert scoring_cli("run", "r.toml", "good.csv", "-o", "out.json", cwd=files).returncode == 0
    assert json.loads(target.read_text(encoding="utf-8"))["units"]
    assert [p.name for p in files.iterdir() if p.name.startswith(".out.json")] == []


def test_many_warnings_of_one_kind_are_cut_short_on_stderr_but_all_kept(tmp_path):
    """The bundled enterprise sample has more raters' disagreements than a screen holds."""
    proc = scoring_cli("run", BUNDLED, "-o", "result.json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    kept = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))["warnings"]
    spread = [w for w in kept if w["code"] == "rater_spread"]
    assert len(spread) > 10
    lines = [ln for ln in proc.stderr.splitlines() if "the raters of" in ln]
    assert len(lines) == 10 and lines == [f"warning: {w['message']}" for w in spread[:10]]
    assert f"... and {len(spread) - 10} more 'rater_spread' warning(s)" in proc.stderr
