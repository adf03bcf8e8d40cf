"""The README's examples work as written."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

import scoring
from tests.conftest import rubric_text

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    start = README.index(f"## {title}")
    end = README.find("\n## ", start + 1)
    return README[start:end if end > 0 else None]


def test_the_two_commands_come_first():
    commands = re.findall(r"^python3 dev\.py (\w+)", section("Two commands"), flags=re.M)
    assert commands == ["demo", "test"]
    assert README.index("## Two commands") < README.index("## Using the command line")


def test_the_plugin_method_example_works(tmp_path):
    code = re.search(r"```python\n(.*?)```", section("Writing a plugin method"), flags=re.S)
    assert code
    (tmp_path / "my_methods.py").write_text(code.group(1), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("my_methods", tmp_path / "my_methods.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["my_methods"] = module
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop("my_methods", None)
    engine = scoring.Engine(plugins=[module])
    body = '[[dimension]]\nid = "d"\npoints = 5\n  [[dimension.indicator]]\n  id = "i"\n  points = 5\n  method = "step"\n  field = "a"\n  step = 2\n'
    result = engine.score(engine.rubric_from_text(rubric_text(body)), [{"id": "u", "a": 7, "b": 0, "flag": True}])
    assert result.unit("u").indicators["i"].points == 3.0  # floor(7 / 2)
    with pytest.raises(scoring.RubricError, match="stpe"):
        engine.rubric_from_text(rubric_text(body.replace("step = 2", "stpe = 2")))
    try:
        engine.rubric_from_text(rubric_text(body.replace("step = 2", "stpe = 2")))
    except scoring.RubricError as err:
        assert err.message == "unknown key 'stpe'; did you mean 'step' (indicator 'i', method 'step')"


def test_every_relative_link_resolves():
    root = Path(__file__).resolve().parent.parent
    for target in re.findall(r"\]\(([^)#:]+)\)", README):
        assert (root / target).exists(), target


def test_the_guides_rubric_and_example_hold(tmp_path):
    import scoring
    from scoring.examples import run_examples

    guide = (Path(__file__).resolve().parent.parent / "docs" / "guide-writing-a-rubric.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", guide, flags=re.S)
    text = blocks[0].replace("#:schema ./schema/rubric.schema.json\n", "") + "\n" + blocks[1]
    engine = scoring.Engine()
    rubric = engine.rubric_from_text(text)
    outcomes = run_examples(engine, rubric)
    assert [o.problems for o in outcomes] == [()]
