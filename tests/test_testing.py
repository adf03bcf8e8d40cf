"""scoring.testing: strategies round-trip through the engine, and the engine's
properties hold across generated rubrics, not only the bundled ones."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import scoring
from scoring.testing import from_rubric, rubric_texts
from tests.conftest import rubric_text, single_indicator

ENGINE = scoring.Engine()
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("rubric_id", [b.id for b in ENGINE.bundled_rubrics()])
def test_drawn_evidence_is_valid_for_every_bundled_rubric(rubric_id):
    rubric = ENGINE.load_rubric(rubric_id)

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(from_rubric(rubric, units=(1, 4)))
    def round_trip(rows):
        result = ENGINE.score(rubric, rows)  # on_error="fail": any invalid row raises
        assert result.evidence.rows == len(rows)

    round_trip()


@SETTINGS
@given(rubric_texts(), st.data())
def test_generated_rubrics_load_and_their_evidence_round_trips(text, data):
    rubric = ENGINE.rubric_from_text(text)
    rows = data.draw(from_rubric(rubric))
    result = ENGINE.score(rubric, rows)
    assert result.evidence.rows == len(rows) and not result.rejected


@SETTINGS
@given(rubric_texts(), st.data())
def test_engine_properties_across_generated_rubrics(text, data):
    rubric = ENGINE.rubric_from_text(text)
    rows = data.draw(from_rubric(rubric))
    result = ENGINE.score(rubric, rows)
    model = rubric.model
    cap = sum(d.points for d in model.dimension if d.kind == "bonus")
    scores = result.scores[~np.isnan(result.scores)]
    assert np.all(scores >= 0) and np.all(scores <= model.rubric.scale + cap)
    for ind, col in zip(rubric.indicators, result.items):
        assert np.all((col.points >= 0) & (col.points <= ind.points))
    lowest = model.grade[-1].name
    for unit in result.units():
        if unit.status == "scored" and unit.vetoes:
            hard = [v for v in unit.vetoes if v.effect in ("fail", "zero")]
            assert unit.grade == (lowest if hard else unit.vetoes[0].grade)  # fail/zero outrank a named grade
            if any(v.effect == "zero" for v in unit.vetoes):
                assert unit.score == 0.0
    shuffled = data.draw(st.permutations(rows))
    again = ENGINE.score(rubric, shuffled)
    assert [u.to_dict() for u in again.units()] == [u.to_dict() for u in result.units()]


def test_cross_field_bounds_and_enums_are_respected():
    rubric = ENGINE.load_rubric("enterprise-safety-target")

    @settings(max_examples=40, deadline=None)
    @given(from_rubric(rubric, units=3, periods=2, blanks=False))
    def check(rows):
        own = [r for r in rows if "parent" not in r]
        assert len({(r["id"], r["period"]) for r in own}) == len(own) == 6
        for r in own:
            assert 0 <= r["major_hazards_open"]
            assert r["standardization"] in ("无", "三级", "二级", "一级")
            assert all(v is not None for v in r.values())
        # the hazard register's rows: dates as the method lists them, never a deadline before the hazard was found
        for r in rows:
            if "parent" in r:
                assert r["hazard_found_on"] == "2026-01-02" <= r["hazard_deadline"]
                assert r["hazard_rectified_on"] is None or r["hazard_rectified_on"] >= r["hazard_found_on"]

    check()


def test_unsatisfiable_rubric_is_refused_naming_the_field():
    fields = '[fields]\na = { type = "count", min = 10, max = 5 }\nb = { type = "count" }\nflag = { type = "bool" }\n'
    rubric = ENGINE.rubric_from_text(rubric_text(single_indicator(10, "target", 'field = "a"\ntarget = 1'), fields=fields))
    with pytest.raises(InvalidArgument, match="field 'a' has min 10 above max 5"):
        from_rubric(rubric)


def test_bad_options_are_refused():
    rubric = ENGINE.load_rubric("enterprise-safety-target")
    with pytest.raises(InvalidArgument, match="units"):
        from_rubric(rubric, units=(5, 2))


def test_member_rows_are_drawn_for_rollup_fields():
    fields = ('[fields]\nown = { type = "count" }\npupils = { type = "count", rollup = "sum", missing = "zero" }\n')
    rubric = ENGINE.rubric_from_text(rubric_text(single_indicator(10, "target", 'field = "pupils"\ntarget = 100'),
                                                 fields=fields))

    @settings(max_examples=20, deadline=None)
    @given(from_rubric(rubric, units=2, members=(1, 3)))
    def check(rows):
        own = [r for r in rows if "parent" not in r]
        members = [r for r in rows if "parent" in r]
        assert len(own) == 2 and 2 <= len(members) <= 6
        assert all("pupils" in r and "own" not in r for r in members)
        ENGINE.score(rubric, rows)

    check()


def test_without_hypothesis_the_import_error_names_the_extra(monkeypatch):
    import importlib
    import sys

    monkeypatch.setitem(sys.modules, "hypothesis", None)
    monkeypatch.delitem(sys.modules, "scoring.testing")
    with pytest.raises(ImportError, match=r"pip install 'scoring\[testing\]'"):
        importlib.import_module("scoring.testing")


def test_methods_can_constrain_the_values_drawn():
    from scoring.methods import Method, NumericField, Params, Scored

    class StepParams(Params):
        field: NumericField

    class Steps:
        @scoring.hookimpl
        def scoring_register_methods(self):
            return [Method("steps", StepParams, lambda p, inp: Scored(points=inp.number(p.field)),
                           field_choices=lambda p: {p.field: [1, 3, 7]})]

    engine = scoring.Engine(plugins=[Steps()])
    rubric = engine.rubric_from_text(rubric_text(single_indicator(10, "steps", 'field = "a"')))

    @settings(max_examples=30, deadline=None)
    @given(from_rubric(rubric, units=(1, 3)))
    def check(rows):
        assert {r["a"] for r in rows} <= {1, 3, 7}

    check()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_rubrics_strategy_gives_compiled_rubrics(data):
    from scoring.testing import rubrics

    rubric = data.draw(rubrics(ENGINE))
    assert isinstance(rubric, scoring.Rubric) and rubric.indicators


@pytest.mark.parametrize("fields", [
    '[fields]\na = { type = "count", min = 50 }\nb = { type = "count" }\nflag = { type = "bool" }\n',
    '[fields]\na = { type = "number", min = 1500 }\nb = { type = "count" }\nflag = { type = "bool" }\n',
    '[fields]\na = { type = "rate", min = 0.0005 }\nb = { type = "count" }\nflag = { type = "bool" }\n',
    '[fields]\na = { type = "number", min = 1.234 }\nb = { type = "count" }\nflag = { type = "bool" }\n',
    '[fields]\na = { type = "count" }\nb = { type = "count", min = "a", max = 10 }\nflag = { type = "bool" }\n',
    '[fields]\na = { type = "count", missing = "zero" }\nb = { type = "count", max = "a" }\nflag = { type = "bool" }\n',
])
def test_drawn_evidence_honours_awkward_bounds(fields):
    rubric = ENGINE.rubric_from_text(rubric_text(single_indicator(10, "target", 'field = "b"\ntarget = 5'), fields=fields))

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(from_rubric(rubric))
    def round_trip(rows):
        ENGINE.score(rubric, rows)  # raises on any invalid row

    round_trip()


def test_check_reports_a_rubric_it_cannot_draw_for_instead_of_crashing():
    from scoring.check import check_properties

    fields = '[fields]\na = { type = "count", max = "b" }\nb = { type = "count", max = "a" }\nflag = { type = "bool" }\n'
    rubric = ENGINE.rubric_from_text(rubric_text(single_indicator(10, "target", 'field = "b"\ntarget = 5'), fields=fields))
    findings = check_properties(ENGINE, rubric, max_examples=5)
    assert findings and all("cannot draw evidence" in f.message for f in findings)
