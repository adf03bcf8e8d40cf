"""`scoring check`: passes on sound rubrics, fails with a pasteable counterexample on planted faults."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import scoring
import scoring.engine
from scoring.check import check_rubric, has_errors, lint
from tests.conftest import rubric_text, single_indicator
from tests.test_cli import scoring_cli

FIELDS = """
[fields]
a = { type = "count", max = 20, direction = "higher_is_better" }
b = { type = "count", missing = "zero" }
flag = { type = "bool" }
"""
ENGINE = scoring.Engine()


def rubric(body: str, grades: str | None = None, fields: str = FIELDS) -> scoring.Rubric:
    kwargs = {"grades": grades} if grades else {}
    return ENGINE.rubric_from_text(rubric_text(body, fields=fields, **kwargs))


EXTRAS = """
[[dimension]]
id = "plus"
kind = "bonus"
points = 2
  [[dimension.indicator]]
  id = "extra"
  points = 2
  method = "per_count"
  count = "b"
  each = 1
  [[dimension.indicator]]
  id = "flagged"
  points = 2
  method = "check"
  field = "flag"

[[veto]]
id = "cheat"
title = "cheat"
when = "b > 5"
effect = "zero"
"""
SOUND = single_indicator(10, "target", 'field = "a"\ntarget = 10') + EXTRAS


def test_a_sound_rubric_passes():
    findings = check_rubric(ENGINE, rubric(SOUND), max_examples=25, seed=1)
    assert not has_errors(findings), [f.render() for f in findings]


def test_a_non_monotone_indicator_fails_with_a_pasteable_example():
    body = single_indicator(10, "expression", 'value = "10 - a / 2"')  # more of `a` earns less: a fault
    findings = check_rubric(ENGINE, rubric(body), max_examples=40, seed=1)
    [failure] = [f for f in findings if f.stage == "property"]
    assert failure.message.startswith("monotone a: raising a from")
    block = failure.example or ""
    assert "[[example]]" in block and "evidence = {" in block and "expect = { score =" in block
    # The block pastes into the rubric and holds as a worked example.
    text = rubric_text(body, fields=FIELDS) + "\n" + block + "\n"
    pasted = ENGINE.rubric_from_text(text)
    from scoring.examples import run_examples

    assert [o.passed for o in run_examples(ENGINE, pasted)] == [True]


def test_an_unreachable_grade_fails():
    grades = '[[grade]]\nname = "A"\nmin = 120\n[[grade]]\nname = "B"\nmin = 0\n'
    findings = lint(rubric(SOUND, grades))
    [err] = [f for f in findings if f.severity == "error"]
    assert err.key == "grade[0].min" and "highest possible score is 102" in err.message


def test_an_item_that_can_never_be_earned_fails():
    body = single_indicator(10, "bands", 'field = "a"\nbands = [ { min = 5, share = 0 } ]')
    assert any(f.severity == "error" and "never be earned" in f.message for f in lint(rubric(body)))


def test_a_deduction_below_zero_or_a_veto_undone_by_a_bonus_cannot_be_planted():
    # The core clips every item to [0, points] and applies vetoes after the bonus,
    # so these rubrics are sound as written: the check says so.
    body = single_indicator(10, "deduction", 'count = "a"\neach = 7') + EXTRAS
    fields = FIELDS.replace("higher_is_better", "lower_is_better")  # more accidents, fewer points
    findings = check_rubric(ENGINE, rubric(body, fields=fields), max_examples=25, seed=2)
    assert not has_errors(findings), [f.render() for f in findings]


def test_the_properties_catch_a_broken_core(monkeypatch):
    """If the engine ever stopped clipping or enforcing vetoes, `check` would say so."""
    real_score_indicators = scoring.engine.score_indicators
    real_decide = scoring.engine.decide

    def unclipped(rubric, layout):
        items = real_score_indicators(rubric, layout)
        return [dataclasses.replace(items[0], points=items[0].points - 50.0)] + items[1:]

    def lenient(rubric, layout, totals):
        d = real_decide(rubric, layout, totals)
        return dataclasses.replace(d, grade=np.where(d.grade >= 0, 0, d.grade))  # vetoed units keep the top grade

    monkeypatch.setattr(scoring.engine, "score_indicators", unclipped)
    findings = check_rubric(ENGINE, rubric(SOUND), max_examples=25, seed=1)
    assert any(f.stage == "property" and f.message.startswith("bounds:") for f in findings)
    monkeypatch.setattr(scoring.engine, "score_indicators", real_score_indicators)
    monkeypatch.setattr(scoring.engine, "decide", lenient)
    findings = check_rubric(ENGINE, rubric(SOUND), max_examples=40, seed=1)
    assert any(f.stage == "property" and f.message.startswith("vetoes:") for f in findings)


def test_failing_examples_fail_the_check():
    text = rubric_text(SOUND, fields=FIELDS) + '\n[[example]]\ntitle = "wrong"\nevidence = { a = 10, b = 0, flag = true }\nexpect = { score = 50 }\n'
    findings = check_rubric(ENGINE, ENGINE.rubric_from_text(text), max_examples=5, seed=0)
    assert any(f.stage == "example" and "expected 50" in f.message for f in findings)


def test_cli_check_exit_codes_and_reproducible_seed(tmp_path):
    (tmp_path / "good.toml").write_text(rubric_text(SOUND, fields=FIELDS), encoding="utf-8")
    bad = rubric_text(single_indicator(10, "expression", 'value = "10 - a / 2"'), fields=FIELDS)
    (tmp_path / "bad.toml").write_text(bad, encoding="utf-8")
    ok = scoring_cli("check", "good.toml", "--max-examples", "20", "--seed", "3", cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    first = scoring_cli("check", "bad.toml", "--max-examples", "30", "--seed", "3", cwd=tmp_path)
    second = scoring_cli("check", "bad.toml", "--max-examples", "30", "--seed", "3", cwd=tmp_path)
    assert first.returncode == 1 and "[[example]]" in first.stdout and "FAILED" in first.stdout
    assert first.stdout == second.stdout


def test_a_condition_that_can_never_hold_is_a_warning():
    from scoring.check import constant_conditions

    body = SOUND.replace('when = "b > 5"', 'when = "a > 20"')  # a is bounded by max = 20
    [finding] = constant_conditions(ENGINE, rubric(body), max_examples=30, seed=0)
    assert finding.severity == "warning" and finding.key == "veto[0].when" and "never held" in finding.message
    assert constant_conditions(ENGINE, rubric(SOUND), max_examples=30, seed=0) == []


@pytest.mark.parametrize("rubric_id", [b.id for b in ENGINE.bundled_rubrics()])
def test_check_passes_on_every_bundled_rubric(rubric_id):
    findings = check_rubric(ENGINE, ENGINE.load_rubric(rubric_id), max_examples=10, seed=0)
    assert not has_errors(findings), [f.render() for f in findings if f.severity == "error"]


def test_counterexamples_with_member_rows_and_unicode_fields_paste_back():
    from scoring.check import example_block
    from scoring.examples import run_examples

    fields = ('[fields]\n"死亡人数" = { type = "count" }\n'
              'pupils = { type = "count", rollup = "sum", missing = "zero" }\n')
    body = single_indicator(10, "target", 'field = "pupils"\ntarget = 100')
    text = rubric_text(body, fields=fields)
    r = ENGINE.rubric_from_text(text)
    rows = [{"id": "U1", "死亡人数": 0}, {"id": "U1-M1", "parent": "U1", "pupils": 30},
            {"id": "U1-M2", "parent": "U1", "pupils": 20}]
    block = example_block(r, "t", rows, ENGINE.score(r, rows), "U1", "a comment")
    assert '"死亡人数" = 0' in block and 'parent = "example"' in block
    pasted = ENGINE.rubric_from_text(text + "\n" + block + "\n")
    assert [o.problems for o in run_examples(ENGINE, pasted)] == [()]
