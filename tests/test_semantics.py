"""The scoring rules, each with a hand-computed case."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.conftest import rubric_text

FIELDS = """
[fields]
a = { type = "count", missing = "zero" }
b = { type = "count", missing = "zero" }
x = { type = "number", missing = "not_applicable" }
ok = { type = "bool", missing = "zero" }
bad = { type = "count", missing = "zero" }
cheat = { type = "count", missing = "zero" }
region = { type = "text", missing = "zero" }
"""


def dim(did: str, items: list[tuple[str, float, str]], *, phase: str | None = None, kind: str = "base", points: float | None = None) -> str:
    total = points if points is not None else sum(p for _, p, _ in items)
    out = f'\n[[dimension]]\nid = "{did}"\npoints = {total}\nkind = "{kind}"\n'
    if phase:
        out += f'phase = "{phase}"\n'
    for iid, pts, params in items:
        out += f'  [[dimension.indicator]]\n  id = "{iid}"\n  points = {pts}\n  {params}\n'
    return out


TARGET_X = 'method = "target"\n  field = "x"\n  target = 10'
TARGET_A = 'method = "target"\n  field = "a"\n  target = 10'
CHECK_OK = 'method = "check"\n  field = "ok"'


def run(score, body: str, rows: list[dict], **kw):
    return score(body, rows, fields=FIELDS, **kw)


def test_not_applicable_items_are_rescaled(score):
    body = dim("d", [("i", 60, TARGET_X), ("j", 40, CHECK_OK)])
    res = run(score, body, [{"id": "u", "x": None, "ok": True}, {"id": "v", "x": 5, "ok": True}])
    u, v = res.unit("u"), res.unit("v")
    assert u.indicators["i"].status == "not_applicable" and u.indicators["i"].points == 0
    assert u.score == 100.0  # 40 of 40 applicable points
    assert v.score == 70.0   # 30 + 40 of 100
    assert u.dimensions["d"] == {"points": 40.0, "max": 40.0}


def test_unit_with_nothing_applicable_is_reported_not_divided(score):
    body = dim("d", [("i", 10, TARGET_X)])
    res = run(score, body, [{"id": "u", "x": None}, {"id": "v", "x": 10}])
    u = res.unit("u")
    assert u.status == "not_assessable" and u.score is None and u.grade is None and u.rank is None
    assert res.unit("v").rank == 1
    assert res.summary()["not_assessable"] == 1
    assert "not assessable" in res.explain("u").to_text()


def test_phases_periods_and_weights(score):
    head = '[phases]\nprocess = { weight = 0.4 }\noutcome = { weight = 0.6 }\n'
    body = dim("p", [("i", 10, TARGET_A)], phase="process") + dim("o", [("j", 10, TARGET_X)], phase="outcome")
    rows = [
        {"id": "u", "period": "1", "a": 10, "x": 0},
        {"id": "u", "period": "2", "a": 5, "x": 0},
        {"id": "u", "period": "10", "a": 0, "x": 8},  # "10" sorts after "2": periods compare as numbers
    ]
    u = run(score, head + body, rows).unit("u")
    # process: mean of 10, 5, 0 = 5 of 10 -> 50; outcome: final period x = 8 -> 80
    assert u.phases == {"process": 50.0, "outcome": 80.0}
    assert u.score == 68.0  # 0.4 x 50 + 0.6 x 80


def test_process_mean_skips_periods_where_item_is_not_applicable(score):
    head = '[phases]\nprocess = { weight = 1.0 }\n'
    body = dim("p", [("i", 10, TARGET_X)], phase="process")
    rows = [{"id": "u", "period": "q1", "x": 10}, {"id": "u", "period": "q2", "x": None}, {"id": "u", "period": "q3", "x": 0}]
    assert run(score, head + body, rows).unit("u").score == 50.0


def test_a_phase_with_nothing_applicable_drops_out(score):
    head = '[phases]\nprocess = { weight = 0.4 }\noutcome = { weight = 0.6 }\n'
    body = dim("p", [("i", 10, TARGET_A)], phase="process") + dim("o", [("j", 10, TARGET_X)], phase="outcome")
    u = run(score, head + body, [{"id": "u", "a": 5, "x": None}]).unit("u")
    assert u.phases["outcome"] is None and u.score == 50.0


def test_period_combiners(score):
    rows = [{"id": "u", "period": p, "a": a} for p, a in (("1", 2), ("2", 8), ("3", 5))]
    for combiner, expected in (("mean", 50.0), ("min", 20.0), ("max", 80.0), ("last", 50.0)):
        head = f'[phases]\nvisits = {{ weight = 1.0, periods = "{combiner}" }}\n'
        assert run(score, head + dim("p", [("i", 10, TARGET_A)], phase="visits"), rows).unit("u").score == expected


def test_bonus_added_after_rescaling_and_capped(score):
    body = (
        dim("d", [("i", 60, TARGET_X), ("j", 40, CHECK_OK)])
        + dim("plus", [("k", 3, 'method = "per_count"\n  count = "a"\n  each = 1'),
                       ("m", 3, 'method = "per_count"\n  count = "b"\n  each = 1')], kind="bonus", points=4)
    )
    res = run(score, body, [{"id": "u", "x": None, "ok": True, "a": 9, "b": 2}, {"id": "v", "x": None, "ok": True, "a": 1}])
    u, v = res.unit("u"), res.unit("v")
    assert u.indicators["k"].points == 3  # item capped at 3 of 9
    assert u.bonus == 4 and u.score == 104.0  # 3 + 2 = 5, dimension capped at 4
    assert v.bonus == 1 and v.score == 101.0


VETOES = """
[[veto]]
id = "bad"
title = "发生较大事故"
when = "bad > 0"
effect = "fail"

[[veto]]
id = "cheat"
title = "瞒报"
when = "cheat > 0"
effect = "zero"
"""


def test_vetoes(score):
    body = dim("d", [("j", 10, CHECK_OK)]) + VETOES
    rows = [{"id": "clean", "ok": True}, {"id": "f", "ok": True, "bad": 1}, {"id": "z", "ok": True, "cheat": 2},
            {"id": "both", "ok": True, "bad": 1, "cheat": 1}]
    res = run(score, body, rows)
    assert (res.unit("clean").score, res.unit("clean").grade) == (100.0, "A")
    f = res.unit("f")
    assert (f.score, f.grade, [v.title for v in f.vetoes]) == (100.0, "C", ["发生较大事故"])
    z = res.unit("z")
    assert (z.score, z.grade, [v.id for v in z.vetoes]) == (0.0, "C", ["cheat"])
    assert [v.id for v in res.unit("both").vetoes] == ["bad", "cheat"]
    # Vetoed units rank after every unit without a veto, whatever their score.
    assert res.unit("clean").rank == 1 and res.unit("f").rank == 2


def test_veto_holds_if_any_period_triggers_it(score):
    body = dim("d", [("j", 10, CHECK_OK)]) + VETOES
    rows = [{"id": "u", "period": "1", "ok": True, "bad": 1}, {"id": "u", "period": "2", "ok": True, "bad": 0}]
    assert run(score, body, rows).unit("u").grade == "C"


def test_grades_on_the_rounded_total_with_require(score):
    grades = '[[grade]]\nname = "A"\nmin = 90\nrequire = "b == 0"\n[[grade]]\nname = "B"\nmin = 60\n[[grade]]\nname = "C"\nmin = 0\n'
    # 8.995 of 10 points -> 89.95 -> rounds half-up to 90.0 -> A.
    body = dim("d", [("i", 10, 'method = "target"\n  field = "x"\n  target = 10')])
    res = run(score, body, [{"id": "u", "x": 8.995}, {"id": "v", "x": 8.995, "b": 1}, {"id": "w", "x": 8.994}], grades=grades)
    assert (res.unit("u").score, res.unit("u").grade) == (90.0, "A")
    assert res.unit("v").grade == "B"  # reached A on score, fails its require
    assert "require `b == 0` fails" in res.explain("v").to_text()
    assert (res.unit("w").score, res.unit("w").grade) == (89.9, "B")


def test_ranks_min_and_dense_with_tie_break(score):
    body = dim("d", [("i", 10, TARGET_A)]) + dim("e", [("j", 10, 'method = "target"\n  field = "b"\n  target = 10')])
    rows = [{"id": "p", "a": 10, "b": 10}, {"id": "q", "a": 10, "b": 5}, {"id": "r", "a": 5, "b": 10},
            {"id": "s", "a": 5, "b": 5}]
    ranks = lambda res: [res.unit(u).rank for u in "pqrs"]  # noqa: E731
    assert ranks(run(score, body, rows)) == [1, 2, 2, 4]
    assert ranks(run(score, body + '\n[rank]\nties = "dense"\n', rows)) == [1, 2, 2, 3]
    # q and r tie on 75; the tie-break on dimension e puts r first.
    assert ranks(run(score, body + '\n[rank]\ntie_break = ["e"]\n', rows)) == [1, 3, 2, 4]


def test_rank_within_a_group(score):
    body = dim("d", [("i", 10, TARGET_A)]) + '\n[rank]\nwithin = "region"\n'
    rows = [{"id": "p", "a": 9, "region": "东"}, {"id": "q", "a": 7, "region": "东"},
            {"id": "r", "a": 8, "region": "西"}, {"id": "s", "a": 1, "region": "西"}]
    res = run(score, body, rows)
    assert [res.unit(u).rank for u in "pqrs"] == [1, 2, 1, 2]


CONSEQUENCES = """
[[consequence]]
id = "reward"
title = "先进单位"
when = "score >= 60"
quota = { count = 2, ties = "exclude" }
amount = 1000

[[consequence]]
id = "bonus_pay"
title = "奖励"
when = "score >= 90"
amount = "a * 100.005"

[[consequence]]
id = "veto_block"
title = "取消评优"
when = "vetoed"
blocks = ["reward", "bonus_pay"]
"""


def test_consequences_quota_ties_and_blocks(score):
    body = dim("d", [("i", 10, TARGET_A)]) + VETOES + CONSEQUENCES
    rows = [{"id": "p", "a": 10}, {"id": "q", "a": 8}, {"id": "r", "a": 8}, {"id": "s", "a": 10, "bad": 1}]
    res = run(score, body, rows)
    granted = {u: [c.id for c in res.unit(u).consequences] for u in "pqrs"}
    # q and r tie at the cut of 2: "exclude" grants neither.
    assert granted == {"p": ["reward", "bonus_pay"], "q": [], "r": [], "s": ["veto_block"]}
    assert [c.amount for c in res.unit("p").consequences] == [1000.0, 1000.05]
    text = res.explain("q").to_text()
    assert "not granted, rank 2, quota 2; tied at the cut, and ties are excluded" in text
    assert "blocked by veto_block" in res.explain("s").to_text()
    res2 = run(score, body.replace('ties = "exclude"', 'ties = "include"'), rows)
    assert [u for u in "pqrs" if any(c.id == "reward" for c in res2.unit(u).consequences)] == ["p", "q", "r"]


def test_member_rows_roll_up_to_their_unit(engine):
    fields = """
[fields]
pupils = { type = "count", rollup = "sum", missing = "zero" }
score_avg = { type = "number", rollup = "weighted_mean", weight = "pupils", missing = "not_applicable" }
lowest = { type = "number", rollup = "min", missing = "not_applicable" }
meetings = { type = "count", missing = "zero" }
"""
    body = dim("d", [("i", 10, 'method = "target"\n  field = "score_avg"\n  target = 100'),
                     ("j", 10, 'method = "target"\n  field = "meetings"\n  target = 12')])
    rubric = engine.rubric_from_text(rubric_text(body, fields=fields))
    rows = [
        {"id": "G1", "meetings": 12},
        {"id": "S1", "parent": "G1", "pupils": 100, "score_avg": 90, "lowest": 50},
        {"id": "S2", "parent": "G1", "pupils": 300, "score_avg": 70, "lowest": 40},
        {"id": "G2", "meetings": 6},
        {"id": "S3", "parent": "G2", "pupils": 50, "score_avg": 80, "lowest": 60},
    ]
    res = engine.score(rubric, rows)
    assert list(res.unit_ids) == ["G1", "G2"]
    lay = res.layout
    assert list(lay.columns["pupils"]) == [400, 50]
    assert list(lay.columns["score_avg"]) == [75.0, 80.0]  # (100 x 90 + 300 x 70) / 400, not the plain mean 80
    assert list(lay.columns["lowest"]) == [40.0, 60.0]
    assert res.unit("G1").score == 87.5  # 7.5 + 10
    assert lay.members is not None and list(lay.members.ids) == ["S1", "S2", "S3"]


def test_row_order_does_not_matter_to_the_bit(score):
    body = dim("d", [("i", 7, TARGET_A), ("j", 3, TARGET_X)])
    rows = [{"id": f"u{k}", "period": str(p), "a": (k * 7 + p) % 11, "x": (k * 3 + p) % 13 / 1.3} for k in range(30) for p in range(3)]
    head = '[phases]\nprocess = { weight = 1.0 }\n'
    body = body.replace('kind = "base"\n', 'kind = "base"\nphase = "process"\n')
    one = run(score, head + body, rows)
    two = run(score, head + body, list(reversed(rows)))
    assert one.unit_ids.tolist() == two.unit_ids.tolist()
    assert np.array_equal(one.totals.total, two.totals.total)
    assert np.array_equal(one.ranks, two.ranks)


def test_result_is_stamped(score, engine):
    res = run(score, dim("d", [("i", 10, TARGET_A)]), [{"id": "u", "a": 1}])
    head = res.header()
    assert head["rubric"]["id"] == "t" and len(head["rubric"]["sha256"]) == 64
    assert head["evidence"]["rows"] == 1 and len(head["evidence"]["sha256"]) == 64
    assert head["engine"]["version"] and any(p["name"] == "scoring_std" for p in head["engine"]["plugins"])


def test_explanation_walks_inputs_value_points(score):
    body = dim("d", [("i", 40, 'method = "deduction"\n  count = "a"\n  each = 15')])
    res = run(score, body, [{"id": "u", "a": 3}])
    text = res.explain("u").to_text()
    assert "a = 3 → value 3 → 0 points (floored at 0 from -5: 扣完为止)" in text
    assert "total 0 → rounded half-up to 1 decimal(s): 0" in text
    assert math.isclose(res.unit("u").score, 0.0)


def test_a_veto_can_set_a_named_grade(score):
    """直接判定: a condition that decides the grade whatever the score (risk levels, say)."""
    vetoes = VETOES + '\n[[veto]]\nid = "direct"\ntitle = "直接判定"\nwhen = "b > 0"\neffect = "grade"\ngrade = "B"\n'
    body = dim("d", [("j", 10, CHECK_OK)]) + vetoes
    res = run(score, body, [{"id": "u", "ok": True, "b": 1}, {"id": "v", "ok": True, "b": 1, "bad": 1},
                            {"id": "w", "ok": False, "b": 1}])
    assert (res.unit("u").score, res.unit("u").grade) == (100.0, "B")  # would be A on score
    assert res.unit("v").grade == "C"  # a fail veto outranks a named grade
    assert res.unit("w").grade == "B"  # raised from C
    assert "grade set to B, score kept" in res.explain("u").to_text()
    assert res.unit("u").vetoes[0].grade == "B"


def test_a_named_grade_must_exist(engine):
    from scoring import RubricError

    body = dim("d", [("j", 10, CHECK_OK)]) + '\n[[veto]]\nid = "x"\ntitle = "x"\nwhen = "b > 0"\neffect = "grade"\ngrade = "Z"\n'
    with pytest.raises(RubricError, match="'Z' is not a grade"):
        engine.rubric_from_text(rubric_text(body, fields=FIELDS))
