"""Tests of the bureau_extras plugin, run with the scoring pytest plugin.

`scoring_engine` is the pytest plugin's fixture: an engine with every
installed plugin, this one included (through its entry point). The rubric
named in pyproject.toml (`scoring_rubrics`) is checked as test items too:
validate, lint, its worked example, and properties drawn by hypothesis.
"""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given

import scoring
from scoring.testing import from_rubric, method_examples, rubric_texts

HERE = Path(__file__).parent


def test_the_plugin_is_found_through_its_entry_point(scoring_engine):
    info = next(p for p in scoring_engine.plugins() if p.name == "bureau_extras")
    assert info.distribution == "scoring-bureau-extras"
    assert info.methods == ("rate_per",) and info.functions == ("growth",)
    assert info.payout_kinds == ("per_head",)


def test_rate_per_by_hand(scoring_engine):
    rubric = scoring_engine.load_rubric(HERE / "district-safety.toml")
    result = scoring_engine.score(rubric, HERE / "sample.csv")
    # E2: 0 accidents → 60; growth (90 − 60) / 60 = 0.5 → 50, clipped to 40; total 100
    assert result.unit("E2").score == 100.0
    # E3: no workers → the accident item is not applicable and the total is rescaled;
    # no training last year → growth is missing → 0 of 40 → 0 / 40 × 100 = 0
    assert result.unit("E3").indicators["accident_rate"].status == "not_applicable"
    assert result.unit("E3").score == 0.0


def test_per_head_pays_up_to_its_cap(scoring_engine):
    rubric = scoring_engine.load_rubric(HERE / "district-safety.toml")
    result = scoring_engine.score(rubric, HERE / "sample.csv")
    # E2: no accident, 合格: 500 workers × 20 = 10,000 (under the cap); E1 had an accident
    assert [(c.id, c.amount) for c in result.unit("E2").consequences] == [("safety_award", 10000.0)]
    assert result.unit("E1").consequences == []
    assert "20 per head of workers, at most 30,000.00" in result.explain("E2").to_text()


def test_a_typo_in_the_methods_parameters_is_refused(scoring_engine):
    text = (HERE / "district-safety.toml").read_text(encoding="utf-8").replace("each = 2", "eahc = 2")
    with pytest.raises(scoring.RubricError, match="unknown key 'eahc'; did you mean 'each'"):
        scoring_engine.rubric_from_text(text)


def test_growth_refuses_text_at_rubric_load(scoring_engine):
    text = (HERE / "district-safety.toml").read_text(encoding="utf-8")
    text = text.replace('trained_last = { type = "count"', 'trained_last = { type = "text"')
    with pytest.raises(scoring.RubricError, match=r"text cannot be used with argument 2 of growth\(\)"):
        scoring_engine.rubric_from_text(text)


RUBRIC = scoring.Engine().load_rubric(HERE / "district-safety.toml")


@given(from_rubric(RUBRIC, units=(1, 20)))
def test_the_accident_item_never_pays_more_than_its_points(rows):
    result = scoring.Engine().score(RUBRIC, rows)
    points = np.array([u.indicators["accident_rate"].points for u in result.units()])
    assert ((points >= 0) & (points <= 60)).all()


def test_rate_per_takes_part_in_generated_rubrics(scoring_engine):
    examples = method_examples(scoring_engine.registry.methods.values())
    assert sum(name == "rate_per" for name, _ in examples) == 2


@given(rubric_texts())
def test_generated_rubrics_load(text):
    scoring.Engine().rubric_from_text(text)  # rate_per's example parameters among them
