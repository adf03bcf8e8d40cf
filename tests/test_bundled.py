"""Bundled rubrics: they load, their worked examples hold, their samples are reproducible."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

from scoring.examples import run_examples

REPO = Path(__file__).resolve().parent.parent


def bundled_ids():
    import scoring

    return [b.id for b in scoring.Engine().bundled_rubrics()]


@pytest.mark.parametrize("rubric_id", bundled_ids())
def test_examples_hold(engine, rubric_id):
    rubric = engine.load_rubric(rubric_id)
    outcomes = run_examples(engine, rubric)
    assert outcomes, f"{rubric_id} has no worked examples"
    assert [o.problems for o in outcomes if not o.passed] == []


def test_examples_can_fail(engine, tmp_path):
    text = (REPO / "rubrics" / "enterprise-safety-target.toml").read_text(encoding="utf-8")
    (tmp_path / "r.toml").write_text(text.replace("score = 82.7", "score = 82.6"), encoding="utf-8")
    [bad] = [o for o in run_examples(engine, engine.load_rubric(tmp_path / "r.toml")) if not o.passed]
    assert bad.problems == ("score: expected 82.6, got 82.7",)


def test_enterprise_sample_matches_the_county_report(engine):
    result = engine.score("enterprise-safety-target", REPO / "rubrics" / "samples" / "enterprise-safety-target.csv")
    # 280 quarters, 3 inspectors' rows and a self-assessment each, and the register's 89 hazards
    # (74 of them rectified) in the review and again in the self-assessment
    assert result.layout.n_units == 70 and result.evidence.rows_read == 280 * 4 + 89 * 2
    last = result.layout.last
    industries = Counter(result.layout.columns["industry"][last].tolist())
    assert industries == {"民营加油站": 44, "国有加油站": 15, "液氯使用": 5, "燃气充装": 4, "危化品生产": 2}
    members = result.layout.members
    assert members is not None and members.ids.size == 89
    assert int((~members.missing["hazard_rectified_on"] & (members.columns["hazard_rectified_on"] != "")).sum()) == 74
    grades = result.summary()["grades"]
    assert all(grades[g] >= 3 for g in ("优秀", "良好", "合格", "不合格")), grades
    assert result.summary()["consequences"]["advanced_unit"]["units"] <= 18


@pytest.mark.parametrize("rubric_id", bundled_ids())
def test_sample_generator_reproduces_the_committed_file(engine, rubric_id, tmp_path):
    """Every bundled sample comes from its seeded generator, byte for byte."""
    rubric = engine.load_rubric(rubric_id)
    assert rubric.sample is not None, f"{rubric_id} names no sample"
    path = REPO / "rubrics" / "samples" / f"generate_{rubric_id.replace('-', '_')}.py"
    spec = importlib.util.spec_from_file_location(f"gen_{rubric_id.replace('-', '_')}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(spec.name, None)
    module.main(tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_bytes() == rubric.sample.read_bytes()


def test_explanation_says_when_a_condition_took_all_points(engine):
    result = engine.score("enterprise-safety-target", REPO / "rubrics" / "samples" / "enterprise-safety-target.csv")
    text = result.explain("E023").to_text()
    # A Chinese rubric is explained in Chinese (the rubric's `language`).
    assert "all_when `deaths > death_limit` 成立 → 数值 1 → 0 分" in text


@pytest.mark.parametrize("rubric_id", bundled_ids())
def test_bundled_rubrics_point_editors_at_the_schema(engine, rubric_id):
    path = next(b.path for b in engine.bundled_rubrics() if b.id == rubric_id)
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "#:schema ../schema/rubric.schema.json"
    assert (path.parent / "../schema/rubric.schema.json").resolve() == (REPO / "schema" / "rubric.schema.json")


def test_all_six_assessments_are_bundled():
    assert set(bundled_ids()) == {
        "group-school-supervision", "exchange-teacher", "enterprise-safety-target",
        "department-safety-target", "safety-standardization", "enterprise-risk-grading",
    }
