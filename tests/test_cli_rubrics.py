"""`scoring rubrics show ID`: the indicator tree with points, methods and phases."""

from __future__ import annotations

from tests.test_cli import scoring_cli


def test_rubrics_show_prints_the_tree(tmp_path):
    proc = scoring_cli("rubrics", "show", "enterprise-safety-target", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith("enterprise-safety-target ")
    assert "phases: process (weight 0.4, periods mean), outcome (weight 0.6, periods last)" in out
    assert "rectification 隐患按期整改率: 15, hazard_deadline — hazards rectified by their hazard_deadline" in out
    assert "[outcome]" in out and "bonus, capped" in out and "grades: 优秀 ≥ 90" in out


def test_rubrics_show_needs_a_rubric(tmp_path):
    assert scoring_cli("rubrics", "show", cwd=tmp_path).returncode == 2
    assert scoring_cli("rubrics", "frob", cwd=tmp_path).returncode == 2
    assert scoring_cli("rubrics", "show", "no-such-rubric", cwd=tmp_path).returncode == 1


def test_schema_command_prints_the_checked_in_schema(tmp_path):
    from pathlib import Path

    proc = scoring_cli("schema", cwd=tmp_path)
    assert proc.returncode == 0
    checked_in = Path(__file__).resolve().parent.parent / "schema" / "rubric.schema.json"
    assert proc.stdout == checked_in.read_text(encoding="utf-8")
