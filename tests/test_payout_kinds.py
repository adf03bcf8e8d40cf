"""Payout kinds are plugins: the built-ins through the hook, a third party's the same way, rank bands."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from pydantic import Field

import scoring
from scoring.methods import NumberExpression, Params
from scoring.payouts import PaidUnit, Payout, PayoutInput, PayoutKind
from tests.conftest import rubric_text, single_indicator
from tests.test_cli import scoring_cli

REPO = Path(__file__).resolve().parent.parent
FIELDS = '\n[fields]\nx = { type = "number" }\nteam = { type = "text", missing = "zero" }\n'
BODY = single_indicator(100, "expression", 'value = "x"')


def rubric(engine: scoring.Engine, consequence: str, head: str = "") -> scoring.Rubric:
    return engine.rubric_from_text(rubric_text(
        BODY + head + '\n[[consequence]]\nid = "pay"\ntitle = "p"\nwhen = "score >= 0"\n' + consequence,
        fields=FIELDS))


def paid(result: scoring.Result) -> dict[str, float | None]:
    return {u.id: c.amount for u in result.units() for c in u.consequences}


def test_the_built_in_kinds_come_from_scoring_std(engine):
    assert set(engine.registry.payout_kinds) == {"fixed", "expression", "grade_table", "pool", "rank_bands"}
    [std] = [p for p in engine.plugins() if "fixed" in p.payout_kinds]
    assert std.name.endswith("scoring_std") or "std" in std.name
    assert scoring.Engine(entry_points=False).registry.payout_kinds == {}


def test_without_the_plugin_a_shorthand_is_refused_naming_its_key():
    bare = scoring.Engine(entry_points=False, plugins=[_std_methods_only()])
    with pytest.raises(scoring.RubricError) as info:
        rubric(bare, "amount = 5")
    assert info.value.key == "consequence[0].amount" and "no payout kind accepts" in str(info.value)


def _std_methods_only() -> object:
    from plugins.scoring_std.methods import METHODS

    class Methods:
        @scoring.hookimpl
        def scoring_register_methods(self):
            return list(METHODS)

    return Methods()


def test_the_core_names_no_built_in_payout_kind():
    # The modules a consequence passes through (testing.py has a field named "fixed").
    modules = ("consequences", "payouts", "plan", "explain", "result", "rubric", "model", "schema", "registry",
               "hookspecs", "check", "engine", "decide")
    for path in (REPO / "scoring" / f"{m}.py" for m in modules):
        text = path.read_text(encoding="utf-8")
        # ("pool" and "amount" are also keys of the format: the shorthands the kinds claim.)
        for name in ('"fixed"', '"grade_table"', '"rank_bands"'):
            assert name not in text, f"{path.name} names the built-in payout kind {name}"


@pytest.mark.parametrize("shorthand, long", [
    ("amount = 500", 'payout = { kind = "fixed", amount = 500 }'),
    ('amount = "x * 10"', 'payout = { kind = "expression", value = "x * 10" }'),
    ("amount = { A = 900, B = 300 }", 'payout = { kind = "grade_table", amounts = { A = 900, B = 300 } }'),
    ('pool = { total = 1000, by = "score", above = 50 }',
     'payout = { kind = "pool", total = 1000, by = "score", above = 50 }'),
])
def test_a_shorthand_and_its_payout_table_pay_the_same(engine, shorthand, long):
    rows = [{"id": "u1", "x": 95}, {"id": "u2", "x": 70}, {"id": "u3", "x": 55.5}]
    a, b = (engine.score(rubric(engine, c), rows) for c in (shorthand, long))
    assert paid(a) == paid(b) and paid(a)
    assert a.summary()["consequences"] == b.summary()["consequences"]


def test_unknown_kind_and_bad_parameters_name_the_key(engine):
    with pytest.raises(scoring.RubricError) as info:
        rubric(engine, 'payout = { kind = "rank_band", bands = [] }')
    assert info.value.key == "consequence[0].payout.kind" and "rank_bands" in str(info.value)
    with pytest.raises(scoring.RubricError) as info:
        rubric(engine, 'payout = { kind = "rank_bands", bands = [{ to = 3, amout = 5 }] }')
    assert info.value.key is not None and info.value.key.startswith("consequence[0].payout.bands")
    with pytest.raises(scoring.RubricError, match="one of amount, pool or payout"):
        rubric(engine, 'amount = 5\npayout = { kind = "fixed", amount = 5 }')


# --- rank bands --------------------------------------------------------------------------

BANDS = 'payout = { kind = "rank_bands", bands = [{ to = 3, amount = 10000 }, { to = 10, amount = 5000 }] }'


def test_rank_bands_pay_by_band_and_ties_share_one(engine):
    xs = [99, 98, 97, 97, 90, 89, 88, 87, 86, 85, 84, 84, 83]  # ranks 1 2 3 3 5 ... 11 11 13
    res = engine.score(rubric(engine, BANDS), [{"id": f"u{k:02d}", "x": x} for k, x in enumerate(xs)])
    amounts = paid(res)
    assert [amounts[f"u{k:02d}"] for k in range(len(xs))] == \
        [10000.0] * 4 + [5000.0] * 6 + [0.0] * 3
    assert res.summary()["consequences"]["pay"]["amount"] == 4 * 10000 + 6 * 5000
    text = res.explain("u03").to_text()
    assert "rank 3 is in band 1–3: 10,000" in text
    assert "rank 11 is after the last band (ranks 1–10)" in res.explain("u11").to_text()


def test_rank_bands_follow_the_rank_within_groups(engine):
    res = engine.score(rubric(engine, BANDS.replace("to = 3", "to = 1").replace("to = 10", "to = 2"),
                              head='\n[rank]\nwithin = "team"\n'),
                       [{"id": "a1", "x": 90, "team": "A"}, {"id": "a2", "x": 80, "team": "A"},
                        {"id": "b1", "x": 70, "team": "B"}, {"id": "b2", "x": 60, "team": "B"},
                        {"id": "b3", "x": 50, "team": "B"}])
    assert paid(res) == {"a1": 10000.0, "a2": 5000.0, "b1": 10000.0, "b2": 5000.0, "b3": 0.0}


def test_rank_bands_must_go_down_the_ranking(engine):
    with pytest.raises(scoring.RubricError) as info:
        rubric(engine, BANDS.replace("to = 10", "to = 3"))
    assert info.value.key == "consequence[0].payout.bands[1].to" and "greater than" in str(info.value)


# --- a third party's kind --------------------------------------------------------------------


class PerPointParams(Params):
    """So much per point above a threshold."""

    rate: float = Field(gt=0)
    above: NumberExpression = "0"


def per_point(p: PerPointParams, inp: PayoutInput) -> Payout:
    return Payout(np.maximum(np.nan_to_num(inp.score) - inp.expression("above"), 0.0) * p.rate)


class PerPointPlugin:
    @scoring.hookimpl
    def scoring_register_payout_kinds(self) -> list[PayoutKind]:
        return [PayoutKind("per_point", PerPointParams, per_point, "so much per point above a threshold",
                           explain=lambda p, u: f"{p.rate:g} per point above {p.above}")]


def test_a_third_party_kind_is_used_and_explained_like_a_built_in():
    engine = scoring.Engine(plugins=[PerPointPlugin()])
    r = rubric(engine, 'payout = { kind = "per_point", rate = 33.333, above = "x - 10" }')
    res = engine.score(r, [{"id": "u", "x": 81.5}])
    assert paid(res) == {"u": 333.33}  # 10 points x 33.333 = 333.33, half-up to the fen
    assert "33.333 per point above x - 10" in res.explain("u").to_text()
    info = [p for p in engine.plugins() if "per_point" in p.payout_kinds]
    assert info
    from scoring.schema import rubric_schema
    schema = rubric_schema(engine.registry.methods, engine.registry.payout_kinds)
    consts = [b["properties"]["kind"]["const"] for b in schema["definitions"]["PayoutSpec"]["oneOf"]]
    assert "per_point" in consts and "rank_bands" in consts


def test_an_expression_in_a_third_party_kind_is_checked_at_load():
    engine = scoring.Engine(plugins=[PerPointPlugin()])
    with pytest.raises(scoring.RubricError) as info:
        rubric(engine, 'payout = { kind = "per_point", rate = 1, above = "nope + 1" }')
    assert info.value.key == "consequence[0].payout.above"


def test_a_kind_registered_twice_names_both_plugins():
    class Again:
        @scoring.hookimpl
        def scoring_register_payout_kinds(self) -> list[PayoutKind]:
            return [PayoutKind("rank_bands", PerPointParams, per_point)]

    with pytest.raises(scoring.PluginError, match="payout kind 'rank_bands' is registered by both"):
        scoring.Engine(plugins=[Again()])


def test_plugins_command_lists_payout_kinds():
    proc = scoring_cli("plugins")
    assert proc.returncode == 0, proc.stderr
    assert "payout kinds: fixed, expression, grade_table, pool, rank_bands" in proc.stdout


def test_paid_unit_is_what_explain_gets():
    unit = PaidUnit(id="u", score=90.0, grade="A", rank=1.0, amount=5.0, budget=None)
    assert unit.amount == 5.0 and json.dumps(unit.__dict__)


def test_a_kind_returning_the_wrong_shape_is_a_plugin_error_not_a_crash():
    class Broken:
        @scoring.hookimpl
        def scoring_register_payout_kinds(self) -> list[PayoutKind]:
            return [PayoutKind("broken", PerPointParams, lambda p, inp: Payout(np.zeros(inp.n + 1)))]

    engine = scoring.Engine(plugins=[Broken()])
    r = rubric(engine, 'payout = { kind = "broken", rate = 1 }')
    with pytest.raises(scoring.PluginError, match="payout kind 'broken' of plugin 'Broken' returned"):
        engine.score(r, [{"id": "u", "x": 50}])


def test_rubrics_show_names_the_payout_kind():
    proc = scoring_cli("rubrics", "show", "department-safety-target")
    assert proc.returncode == 0, proc.stderr
    assert "consequence ranking_award 年度考核排名奖励: when" in proc.stdout
    assert "paid by rank_bands (a stepped amount by rank band)" in proc.stdout
