"""The plugin contract: every mistake a plugin can make is a PluginError naming
the plugin and the hook, exit 1 from the command line (never 3); registration
goes through pluggy's hook calls; the core names no built-in."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import scoring
from scoring.errors import PluginError
from scoring.plugin import (
    EvidenceCheck, Function, Loader, Method, MethodInput, NumericField, Params, RawTable, Scored, Writer, hookimpl,
)
from tests.conftest import rubric_text, single_indicator

ROOT = Path(__file__).resolve().parent.parent


def engine_with(*plugins: object) -> scoring.Engine:
    return scoring.Engine(plugins=list(plugins))


# --- refusals, through the library -------------------------------------------------


def test_a_misspelt_hook_is_refused_with_the_plugin_and_a_suggestion() -> None:
    class Typo:
        @hookimpl
        def scoring_register_method(self) -> list[Method]:
            return []

    with pytest.raises(PluginError, match=r"plugin 'Typo' implements scoring_register_method, which is not a "
                                          r"scoring hook; did you mean 'scoring_register_methods'\?") as info:
        engine_with(Typo())
    assert (info.value.plugin, info.value.hook) == ("Typo", "scoring_register_method")


def test_a_hook_function_not_marked_is_refused() -> None:
    class Unmarked:
        def scoring_register_methods(self) -> list[Method]:
            return []

    with pytest.raises(PluginError, match="plugin 'Unmarked' defines scoring_register_methods but does not mark "
                                          "it with @hookimpl"):
        engine_with(Unmarked())


def test_an_unmarked_function_named_like_no_hook_is_refused() -> None:
    class Odd:
        def scoring_register_functoins(self) -> list[Function]:
            return []

    with pytest.raises(PluginError, match="did you mean 'scoring_register_functions'"):
        engine_with(Odd())


def test_a_wrong_argument_name_is_refused() -> None:
    class Wrong:
        @hookimpl
        def scoring_rubric_loaded(self, rubrik: object) -> None:
            return None

    with pytest.raises(PluginError, match="plugin 'Wrong' cannot be registered: .*rubrik") as info:
        engine_with(Wrong())
    assert "\n" not in str(info.value) and info.value.hook == "scoring_rubric_loaded"


@pytest.mark.parametrize(("answer", "message"), [
    ({"name": "x"}, r"item 1 is str 'name', not a scoring.plugin.Method"),
    ("deduction", "returned str, not a list"),
    (42, "returned int, not a list"),
    ([lambda p, inp: None], "item 1 is function"),
])
def test_a_wrong_object_is_refused_naming_plugin_and_hook(answer: object, message: str) -> None:
    class Sloppy:
        @hookimpl
        def scoring_register_methods(self) -> object:
            return answer

    with pytest.raises(PluginError, match=message) as info:
        engine_with(Sloppy())
    assert "plugin 'Sloppy', hook scoring_register_methods" in str(info.value)
    assert (info.value.plugin, info.value.hook) == ("Sloppy", "scoring_register_methods")


def test_a_method_whose_params_are_not_a_model_is_refused() -> None:
    class NoModel:
        @hookimpl
        def scoring_register_methods(self) -> list[Method]:
            return [Method("odd", dict, lambda p, inp: None)]  # type: ignore[arg-type]

    with pytest.raises(PluginError, match="plugin 'NoModel', hook scoring_register_methods: method 'odd' has "
                                          "params <class 'dict'>, not a Params model"):
        engine_with(NoModel())


def test_a_badly_declared_function_is_refused() -> None:
    class BadFunction:
        @hookimpl
        def scoring_register_functions(self) -> list[Function]:
            return [Function("twice", ("numbr",), "number", lambda x: 2 * x)]  # type: ignore[arg-type]

    with pytest.raises(PluginError, match="plugin 'BadFunction', hook scoring_register_functions: function "
                                          "'twice' declares kind 'numbr'"):
        engine_with(BadFunction())


def test_a_function_name_a_rubric_could_never_call_is_refused() -> None:
    class FullWidth:
        @hookimpl
        def scoring_register_functions(self) -> list[Function]:
            return [Function("ｃｌｉｐ２", ("number",), "number", np.abs)]

    with pytest.raises(PluginError, match="is not in NFKC form; write 'clip2'"):
        engine_with(FullWidth())


def test_a_registration_hook_that_raises_is_named() -> None:
    class Broken:
        @hookimpl
        def scoring_register_writers(self) -> list[object]:
            raise KeyError("config")

    with pytest.raises(PluginError, match=r"plugin 'Broken', hook scoring_register_writers: raised KeyError"):
        engine_with(Broken())


@pytest.mark.parametrize(("hook", "item", "label"), [
    ("scoring_register_functions", Function("clip", ("number",), "number", np.abs), "function 'clip'"),
    ("scoring_register_checks", EvidenceCheck("lead_schools", lambda rows: None), "evidence check 'lead_schools'"),
])
def test_a_duplicate_name_names_both_plugins(hook: str, item: object, label: str) -> None:
    class Again:
        pass

    setattr(Again, hook, hookimpl(lambda self: [item]))
    with pytest.raises(PluginError) as info:
        engine_with(Again())
    owner = "scoring_std" if hook == "scoring_register_functions" else "scoring_schools"
    message = str(info.value)
    assert f"{label} is registered by both plugin" in message
    assert f"plugin {owner!r}" in message and "plugin 'Again'" in message and hook in message


def test_two_plugin_objects_of_one_class_get_distinct_names() -> None:
    class Quiet:
        @hookimpl
        def scoring_result_ready(self, result: scoring.Result) -> None:
            return None

    names = [p.name for p in engine_with(Quiet(), Quiet()).plugins()]
    assert "Quiet" in names and "Quiet#2" in names


# --- registration goes through pluggy's hook call ------------------------------------


def test_a_hook_wrapper_sees_and_may_change_what_is_registered() -> None:
    seen: list[list[str]] = []

    class Policy:
        """A site policy: no `sqrt` in this bureau's rubrics."""

        @hookimpl(wrapper=True)
        def scoring_register_functions(self):  # type: ignore[no-untyped-def]
            answers = yield
            seen.append(sorted(f.name for answer in answers for f in answer))
            return [[f for f in answer if f.name != "sqrt"] for answer in answers]

    engine = engine_with(Policy())
    assert "sqrt" in seen[0] and "sqrt" not in engine.registry.functions
    assert engine.registry.functions["clip"].plugin == "scoring_std"
    with pytest.raises(scoring.RubricError, match="calling 'sqrt' is not allowed"):
        engine.rubric_from_text(rubric_text(single_indicator(10, "expression", 'value = "sqrt(a)"')))


def test_registered_objects_carry_their_plugin() -> None:
    engine = scoring.Engine()
    assert engine.registry.methods["gap_to_lead"].plugin == "scoring_schools"
    assert engine.registry.functions["coalesce"].plugin == "scoring_std"


# --- refusals, through the command line ------------------------------------------------


def install_fake_plugin(site: Path, name: str, source: str) -> dict[str, str]:
    """A plugin 'installed' as an entry point (a module and its .dist-info on PYTHONPATH)."""
    site.mkdir(parents=True, exist_ok=True)
    (site / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = site / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[scoring]\n{name} = {name}\n", encoding="utf-8")
    return {**os.environ, "PYTHONPATH": str(site), "PYTHONIOENCODING": "utf-8"}


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("scoring")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize(("source", "expected"), [
    ("""
     from scoring.plugin import hookimpl
     @hookimpl
     def scoring_register_method():
         return []
     """, "plugin 'bureau_extras' implements scoring_register_method, which is not a scoring hook; "
          "did you mean 'scoring_register_methods'?"),
    ("""
     from scoring.plugin import hookimpl
     @hookimpl
     def scoring_register_methods():
         return [{"name": "step"}]
     """, "plugin 'bureau_extras', hook scoring_register_methods: item 1 is dict"),
    ("""
     from scoring.plugin import Function, hookimpl
     import numpy as np
     @hookimpl
     def scoring_register_functions():
         return [Function("clip", ("number",), "number", np.abs)]
     """, "function 'clip' is registered by both plugin 'scoring_std' and plugin 'bureau_extras'"),
    ("""
     raise RuntimeError("missing licence file")
     """, "plugin 'bureau_extras' (entry point 'bureau_extras' of bureau_extras) cannot be imported: "
          "RuntimeError: missing licence file"),
])
def test_the_cli_refuses_a_broken_plugin_with_exit_1_naming_it(tmp_path: Path, source: str, expected: str) -> None:
    env = install_fake_plugin(tmp_path / "site", "bureau_extras", source)
    done = cli(env, "plugins")
    assert done.returncode == 1, done.stderr
    assert expected in done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr


def test_a_function_that_breaks_its_declaration_is_named_at_rubric_load(tmp_path: Path) -> None:
    env = install_fake_plugin(tmp_path / "site", "bureau_functions", """
        from scoring.plugin import Function, hookimpl
        @hookimpl
        def scoring_register_functions():
            return [Function("halve", ("number",), "number", lambda x: "half")]
        """)
    rubric = tmp_path / "r.toml"
    rubric.write_text(rubric_text(single_indicator(10, "expression", 'value = "halve(a)"')), encoding="utf-8")
    done = cli(env, "validate", str(rubric))
    assert done.returncode == 1
    assert "function 'halve' from plugin 'bureau_functions' returned <U4 values" in done.stderr


# --- the core names no built-in ------------------------------------------------------------


CORE = ROOT / "scoring"


def _literals(path: Path) -> set[str]:
    """The text constants of a module, but for docstrings and `__all__` (the core's own
    `round_half_up` is exported under the name the expression function shares)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            skip.update(id(c) for c in ast.walk(node.value))
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip}


def test_the_core_names_no_built_in_method_function_check_or_payout_kind() -> None:
    engine = scoring.Engine()
    builtin = {"scoring_std", "scoring_schools", "scoring_safety"}
    names = {name for p in engine.plugins() if p.name in builtin
             for name in (*p.methods, *p.functions, *p.checks, *p.payout_kinds)}
    assert {"bands", "lookup", "gap_to_lead", "clip", "coalesce", "lead_schools", "rank_bands", "pool"} <= names
    # Words that are also a built-in's name but mean something else where they appear.
    # min/max/floor/ceil/pool are also words of the rubric format itself (a field's bounds, a roll-up,
    # how periods combine, a quota's rounding, a consequence's `pool` key); `check` is a subcommand and
    # `between` a spreadsheet validation the evidence template writes.
    format_words = {"min", "max", "floor", "ceil", "pool"}
    homonyms = {("cli.py", "check"), ("template.py", "between")}
    for module in sorted(CORE.glob("*.py")):
        named = {n for n in names & _literals(module) - format_words if (module.name, n) not in homonyms}
        assert not named, f"{module.name} names built-in(s) {sorted(named)}; declare it on the method instead"
        text = module.read_text(encoding="utf-8")
        for name in names:
            assert f".name == {name!r}" not in text and f'.name == "{name}"' not in text, (module.name, name)


def test_built_in_plugins_import_only_from_the_public_module() -> None:
    for module in sorted((ROOT / "plugins").rglob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "scoring":
                assert node.module == "scoring.plugin", f"{module}: from {node.module} import ..."
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("scoring.") for a in node.names), module


# --- a plugin's bug at work is its own error too ---------------------------------------


class _Params(Params):
    field: NumericField


def test_a_method_that_raises_or_answers_wrongly_is_named() -> None:
    def boom(p: _Params, inp: MethodInput) -> Scored:
        raise ZeroDivisionError("oops")

    def short(p: _Params, inp: MethodInput) -> Scored:
        return Scored(points=np.zeros(inp.n + 1))

    class Buggy:
        @hookimpl
        def scoring_register_methods(self) -> list[Method]:
            return [Method("boom", _Params, boom), Method("short", _Params, short)]

    engine = engine_with(Buggy())
    rows = [{"id": "u", "a": 1, "b": 0, "flag": True}]
    for name, message in (("boom", "raised ZeroDivisionError: oops"),
                          ("short", r"returned points of shape \(2,\) for 1 rows")):
        rubric = engine.rubric_from_text(rubric_text(single_indicator(10, name, 'field = "a"')))
        with pytest.raises(PluginError, match=f"method {name!r} of plugin 'Buggy' {message}") as info:
            engine.score(rubric, rows)
        assert info.value.hook == "scoring_register_methods"


def test_a_loader_or_lifecycle_hook_that_raises_is_named(tmp_path: Path) -> None:
    def read(path: Path, data: bytes) -> RawTable:
        return RawTable(["id"], [[data.decode("ascii")]], ["row 2"])  # a bug: decodes without a care

    class Sloppy:
        @hookimpl
        def scoring_register_loaders(self) -> list[Loader]:
            return [Loader("odd", (".odd",), read)]

        @hookimpl
        def scoring_result_ready(self, result: scoring.Result) -> None:
            raise AttributeError("no archive configured")

    engine = engine_with(Sloppy())
    rubric = engine.rubric_from_text(rubric_text(single_indicator(10, "check", 'field = "flag"')))
    (tmp_path / "e.odd").write_bytes("一".encode())
    with pytest.raises(PluginError, match="loader 'odd' of plugin 'Sloppy' raised UnicodeDecodeError"):
        engine.load_evidence(rubric, tmp_path / "e.odd")
    with pytest.raises(PluginError, match="plugin 'Sloppy', hook scoring_result_ready: raised AttributeError"):
        engine.score(rubric, [{"id": "u", "a": 1, "b": 0, "flag": True}])


def test_a_writer_that_raises_is_named() -> None:
    class Sloppy:
        @hookimpl
        def scoring_register_writers(self) -> list[Writer]:
            return [Writer("odd", ".odd", lambda result: str(1 / 0))]

    engine = engine_with(Sloppy())
    rubric = engine.rubric_from_text(rubric_text(single_indicator(10, "check", 'field = "flag"')))
    result = engine.score(rubric, [{"id": "u", "a": 1, "b": 0, "flag": True}])
    with pytest.raises(PluginError, match="writer 'odd' of plugin 'Sloppy' raised ZeroDivisionError"):
        engine.render(result, "odd")


def test_a_policy_refusal_still_passes_through_as_the_rubric_error() -> None:
    class Policy:
        @hookimpl
        def scoring_rubric_loaded(self, rubric: scoring.Rubric) -> None:
            raise scoring.RubricError("local policy: precision must be 1")

    with pytest.raises(scoring.RubricError, match="local policy"):
        engine_with(Policy()).rubric_from_text(rubric_text(single_indicator(10, "check", 'field = "flag"')))


def test_a_payout_kind_that_is_malformed_or_raises_is_named() -> None:
    from scoring.plugin import Payout, PayoutInput, PayoutKind

    class Flat(Params):
        amount: float

    class NoModel:
        @hookimpl
        def scoring_register_payout_kinds(self) -> list[PayoutKind]:
            return [PayoutKind("flat", dict, lambda p, inp: Payout(np.zeros(inp.n)))]  # type: ignore[arg-type]

    with pytest.raises(PluginError, match="plugin 'NoModel', hook scoring_register_payout_kinds: payout kind "
                                          "'flat' has params <class 'dict'>, not a Params model"):
        engine_with(NoModel())

    def pay(p: Flat, inp: PayoutInput) -> Payout:
        raise KeyError("budget")

    class Raises:
        @hookimpl
        def scoring_register_payout_kinds(self) -> list[PayoutKind]:
            return [PayoutKind("flat", Flat, pay)]

    engine = engine_with(Raises())
    text = rubric_text(single_indicator(10, "check", 'field = "flag"')) + (
        '\n[[consequence]]\nid = "award"\ntitle = "奖励"\nwhen = "score > 0"\npayout = { kind = "flat", amount = 5 }\n')
    rubric = engine.rubric_from_text(text)
    with pytest.raises(PluginError, match="payout kind 'flat' of plugin 'Raises' raised KeyError") as info:
        engine.score(rubric, [{"id": "u", "a": 1, "b": 0, "flag": True}])
    assert info.value.hook == "scoring_register_payout_kinds"
