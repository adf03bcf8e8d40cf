"""Plugins: one manager per engine, entry points, third-party methods, duplicate names."""

from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pytest

import scoring
from scoring import hookspecs
from scoring.errors import PluginError
from scoring.methods import Method, MethodInput, NumericField, Params, Scored
from tests.conftest import rubric_text, single_indicator


class SquareParams(Params):
    field: NumericField


def _square(p: SquareParams, inp: MethodInput) -> Scored:
    return Scored(points=inp.number(p.field) ** 2)


class SquarePlugin:
    """A third-party plugin, as a user would write it."""

    @scoring.hookimpl
    def scoring_register_methods(self) -> list[Method]:
        return [Method("square", SquareParams, _square, "the field squared")]


BODY = single_indicator(10, "square", 'field = "a"')


def test_builtins_come_through_the_entry_point_group(engine):
    names = {p.name: p for p in engine.plugins()}
    assert names["scoring_std"].distribution == "scoring"
    assert {"deduction", "per_count", "ratio", "target", "bands", "check", "lookup", "expression"} <= set(names["scoring_std"].methods)


def test_a_plugin_belongs_to_its_engine():
    with_square = scoring.Engine(plugins=[SquarePlugin()])
    plain = scoring.Engine()
    rubric = with_square.rubric_from_text(rubric_text(BODY))
    assert with_square.score(rubric, [{"id": "u", "a": 3, "b": 0, "flag": True}]).unit("u").score == 90.0
    with pytest.raises(scoring.RubricError, match="unknown method 'square'"):
        plain.rubric_from_text(rubric_text(BODY))


def test_engine_without_entry_points_has_only_what_it_is_given():
    engine = scoring.Engine(entry_points=False, plugins=[SquarePlugin()])
    assert list(engine.registry.methods) == ["square"]
    assert engine.registry.loaders == {}


def test_block_a_plugin():
    engine = scoring.Engine(block=["scoring_std"])
    assert "deduction" not in engine.registry.methods


def test_duplicate_method_names_both_plugins():
    class Again:
        @scoring.hookimpl
        def scoring_register_methods(self) -> list[Method]:
            return [Method("deduction", SquareParams, _square)]

    with pytest.raises(PluginError, match="'deduction' is registered by both plugin"):
        scoring.Engine(plugins=[Again()])


def test_lifecycle_hooks_are_called():
    seen: list[str] = []

    class Watcher:
        @scoring.hookimpl
        def scoring_rubric_loaded(self, rubric: scoring.Rubric) -> None:
            seen.append(f"rubric {rubric.id}")

        @scoring.hookimpl
        def scoring_result_ready(self, result: scoring.Result) -> None:
            seen.append(f"result {len(result.unit_ids)}")

    engine = scoring.Engine(plugins=[Watcher()])
    rubric = engine.rubric_from_text(rubric_text(BODY.replace('"square"', '"target"').replace('field = "a"', 'field = "a"\n  target = 1')))
    engine.score(rubric, [{"id": "u", "a": 1, "b": 0, "flag": True}])
    assert seen == ["rubric t", "result 1"]


def test_a_plugin_can_refuse_a_rubric():
    class Policy:
        @scoring.hookimpl
        def scoring_rubric_loaded(self, rubric: scoring.Rubric) -> None:
            raise scoring.RubricError("local policy: precision must be 1", key="rubric.precision")

    with pytest.raises(scoring.RubricError, match="local policy"):
        scoring.Engine(plugins=[Policy()]).rubric_from_text(rubric_text(BODY.replace('"square"', '"check"').replace('field = "a"', 'field = "flag"')))


def test_every_hook_is_documented_with_the_template_and_tested():
    hooks = [n for n, f in inspect.getmembers(hookspecs, inspect.isfunction) if n.startswith("scoring_")]
    assert len(hooks) == 9
    here = "".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_*.py"))
    for name in hooks:
        doc = inspect.getdoc(getattr(hookspecs, name)) or ""
        assert "Called:" in doc and "Returns:" in doc, name
        # datasette's habit: a hook nobody implements in a test is a hook nobody checked.
        assert f"def {name}(self" in here, f"no test implements {name}"


def test_third_party_payout_kind():
    from scoring.methods import Params
    from scoring.payouts import Payout, PayoutKind

    class FlatParams(Params):
        each: float

    class Flat:
        @scoring.hookimpl
        def scoring_register_payout_kinds(self):
            return [PayoutKind("flat", FlatParams, lambda p, inp: Payout(np.full(inp.n, p.each)), "a flat sum")]

    engine = scoring.Engine(plugins=[Flat()])
    cons = '\n[[consequence]]\nid = "c"\ntitle = "c"\nwhen = "score >= 0"\npayout = { kind = "flat", each = 12.345 }\n'
    body = BODY.replace('"square"', '"check"').replace('field = "a"', 'field = "flag"')
    rubric = engine.rubric_from_text(rubric_text(body + cons))
    result = engine.score(rubric, [{"id": "u", "a": 2, "b": 0, "flag": True, "x": 1}])
    assert [(c.id, c.amount) for c in result.unit("u").consequences] == [("c", 12.35)]  # half-up to the fen
    assert any("flat" in p.payout_kinds for p in engine.plugins())


def test_third_party_loader_writer_and_rubric(tmp_path):
    from scoring.tables import Loader, RawTable
    from scoring.writers import Writer

    (tmp_path / "mine.toml").write_text(rubric_text(BODY.replace('"square"', '"check"').replace('field = "a"', 'field = "flag"')).replace('id = "t"', 'id = "mine"'), encoding="utf-8")
    (tmp_path / "e.pipe").write_text("id|a|b|flag\nu|1|0|是\n", encoding="utf-8")

    def read_pipe(path, data):
        lines = data.decode().splitlines()
        return RawTable(lines[0].split("|"), [line.split("|") for line in lines[1:]], [f"line {k + 2}" for k in range(len(lines) - 1)])

    class Extras:
        @scoring.hookimpl
        def scoring_register_loaders(self):
            return [Loader("pipe", (".pipe",), read_pipe)]

        @scoring.hookimpl
        def scoring_register_writers(self):
            return [Writer("ids", ".txt", lambda result: " ".join(result.unit_ids) + "\n")]

        @scoring.hookimpl
        def scoring_register_rubrics(self):
            return [tmp_path / "mine.toml"]

    engine = scoring.Engine(plugins=[Extras()])
    assert "mine" in [b.id for b in engine.bundled_rubrics()]
    result = engine.score("mine", tmp_path / "e.pipe")
    assert result.unit("u").score == 100.0
    assert engine.render(result, "ids") == "u\n"


def test_method_output_is_broadcast_and_checked(engine):
    class Constant:
        @scoring.hookimpl
        def scoring_register_methods(self) -> list[Method]:
            return [Method("seven", SquareParams, lambda p, inp: Scored(points=np.float64(7.0)))]

    e = scoring.Engine(plugins=[Constant()])
    rubric = e.rubric_from_text(rubric_text(BODY.replace('"square"', '"seven"')))
    res = e.score(rubric, [{"id": "u", "a": 1, "b": 0, "flag": True}, {"id": "v", "a": 2, "b": 0, "flag": True}])
    assert [u.score for u in res.units()] == [70.0, 70.0]
