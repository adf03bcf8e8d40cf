"""Methods that read member rows: the core hands them over and reports them per member."""

from __future__ import annotations

import numpy as np

import scoring
from scoring.methods import MemberNumericField, Method, MethodInput, Params, Scored
from tests.conftest import rubric_text, single_indicator


class ShareParams(Params):
    field: MemberNumericField


def _best_share(p: ShareParams, inp: MethodInput) -> Scored:
    """Points: the best member's share of its unit's total, x points; each member's share reported."""
    members = inp.member_rows()
    x = np.nan_to_num(members.number(p.field))
    total = np.bincount(members.row, weights=x, minlength=inp.n)
    share = x / np.where(total[members.row] > 0, total[members.row], 1.0)
    best = np.zeros(inp.n)
    np.maximum.at(best, members.row, share)
    return Scored(points=best * inp.points, value=best, member_values={"share": share})


class SharePlugin:
    @scoring.hookimpl
    def scoring_register_methods(self) -> list[Method]:
        return [Method("best_share", ShareParams, _best_share, "the best member's share")]


FIELDS = """
[fields]
own = { type = "count" }
pupils = { type = "count", rollup = "sum", missing = "zero" }
"""


def test_member_rows_reach_the_method_and_come_back_per_member():
    engine = scoring.Engine(plugins=[SharePlugin()])
    body = single_indicator(10, "best_share", 'field = "pupils"')
    rubric = engine.rubric_from_text(rubric_text(body, fields=FIELDS))
    rows = [
        {"id": "G1", "period": "1", "own": 1}, {"id": "S1", "parent": "G1", "period": "1", "pupils": 100},
        {"id": "G1", "period": "2", "own": 1}, {"id": "S1", "parent": "G1", "period": "2", "pupils": 300},
        {"id": "S2", "parent": "G1", "period": "2", "pupils": 100},
        {"id": "G2", "period": "2", "own": 1}, {"id": "S3", "parent": "G2", "period": "2", "pupils": 50},
    ]
    res = engine.score(rubric, rows)
    g1 = res.unit("G1")
    assert g1.indicators["i"].value == 0.75 and g1.score == 75.0  # final period: 300 of 400
    assert "member S1: share 0.75" in res.explain("G1").to_text()
    assert g1.members == [{"id": "S1", "values": {"i": {"share": 0.75}}}, {"id": "S2", "values": {"i": {"share": 0.25}}}]
    assert res.unit("G2").score == 100.0


def test_a_member_method_without_member_rows_is_a_clear_error():
    engine = scoring.Engine(plugins=[SharePlugin()])
    rubric = engine.rubric_from_text(rubric_text(single_indicator(10, "best_share", 'field = "pupils"'), fields=FIELDS))
    try:
        engine.score(rubric, [{"id": "G1", "own": 1}])
    except scoring.EvidenceError as exc:
        assert "indicator 'i' (best_share)" in str(exc) and "no parent column" in str(exc)
    else:
        raise AssertionError("expected an EvidenceError")


def test_worked_examples_may_hold_member_rows():
    from scoring.examples import run_examples

    engine = scoring.Engine(plugins=[SharePlugin()])
    example = """
[[example]]
title = "a group of two schools, 300 and 100 pupils"
rows = [
  { own = 1 },
  { id = "S1", parent = "G", pupils = 300 },
  { id = "S2", parent = "G", pupils = 100 },
]
expect = { score = 75.0 }
"""
    text = rubric_text(single_indicator(10, "best_share", 'field = "pupils"'), fields=FIELDS) + example
    outcomes = run_examples(engine, engine.rubric_from_text(text))
    assert [o.problems for o in outcomes] == [()]


def test_fields_read_by_member_methods_are_asked_of_member_rows_only():
    engine = scoring.Engine(plugins=[SharePlugin()])
    fields = '[fields]\nown = { type = "count" }\npupils = { type = "count" }\n'  # no rollup, required
    rubric = engine.rubric_from_text(rubric_text(single_indicator(10, "best_share", 'field = "pupils"'), fields=fields))
    rows = [{"id": "G", "own": 1}, {"id": "S1", "parent": "G", "pupils": 3}, {"id": "S2", "parent": "G"}]
    ev = engine.evidence_from_rows(rubric, rows, on_error="skip")
    # The group's own row needs no pupils; the member row without them is refused (and so its unit).
    assert [(r.row, r.field) for r in ev.rejected if r.field] == [("row 3", "pupils")]


def test_one_blank_member_cell_makes_the_roll_up_missing():
    engine = scoring.Engine()
    fields = ('[fields]\nown = { type = "count" }\n'
              'avg = { type = "number", rollup = "mean", missing = "not_applicable" }\n')
    body = single_indicator(10, "target", 'field = "avg"\ntarget = 100')
    rubric = engine.rubric_from_text(rubric_text(body, fields=fields))
    rows = [{"id": "G", "own": 1}, {"id": "S1", "parent": "G", "avg": 90}, {"id": "S2", "parent": "G"},
            {"id": "H", "own": 1}, {"id": "S3", "parent": "H", "avg": 50}]
    res = engine.score(rubric, rows)
    # G's weak school left its figure blank: G is not scored on S1 alone.
    assert res.unit("G").status == "not_assessable" and res.unit("H").score == 50.0


def test_the_markdown_report_lists_members():
    engine = scoring.Engine(plugins=[SharePlugin()])
    rubric = engine.rubric_from_text(rubric_text(single_indicator(10, "best_share", 'field = "pupils"'), fields=FIELDS))
    res = engine.score(rubric, [{"id": "G", "own": 1}, {"id": "S1", "parent": "G", "pupils": 300},
                                {"id": "S2", "parent": "G", "pupils": 100}])
    report = engine.render(res, "md")
    assert "## Members" in report and "| G | S1 | i share 0.75 |" in report
