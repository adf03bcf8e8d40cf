"""The JSON Schema of the rubric format: the checked-in copy, bundled rubrics, broken rubrics, plugins."""

from __future__ import annotations

import difflib
import enum
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel, Field

import scoring
from scoring import _toml
from scoring.methods import Condition, Method, MethodInput, NumericField, Params, Scored
from scoring.schema import DRAFT, REGENERATE, rubric_schema, schema_text
from tests.conftest import rubric_text, single_indicator

REPO = Path(__file__).resolve().parent.parent
CHECKED_IN = REPO / "schema" / "rubric.schema.json"


def bundled_ids() -> list[str]:
    return [b.id for b in scoring.Engine().bundled_rubrics()]


@pytest.fixture(scope="module")
def schema(engine: scoring.Engine) -> dict[str, Any]:
    return rubric_schema(engine.registry.methods, engine.registry.payout_kinds)


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def subschemas(node: Any) -> Iterator[dict[str, Any]]:
    """Every object in the schema (data such as defaults included; good enough for these checks)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from subschemas(value)
    elif isinstance(node, list):
        for value in node:
            yield from subschemas(value)


def branch(schema: dict[str, Any], method: str) -> dict[str, Any]:
    [found] = [b for b in schema["definitions"]["IndicatorSpec"]["oneOf"]
               if b["properties"]["method"]["const"] == method]
    return found


# --- (1) the checked-in copy -------------------------------------------------------------


def test_the_checked_in_schema_is_current(engine):
    expected = schema_text(engine.registry.methods, engine.registry.payout_kinds)
    actual = CHECKED_IN.read_bytes() if CHECKED_IN.exists() else b""
    if actual != expected.encode("utf-8"):
        diff = "".join(list(difflib.unified_diff(
            actual.decode("utf-8", "replace").splitlines(keepends=True), expected.splitlines(keepends=True),
            "schema/rubric.schema.json (checked in)", "generated", n=1))[:40])
        pytest.fail(f"schema/rubric.schema.json no longer matches the rubric models and the built-in methods; "
                    f"regenerate it with\n    {REGENERATE}\nand commit it.\n{diff}", pytrace=False)


def test_schema_text_is_stable_sorted_json(engine):
    text = schema_text(engine.registry.methods, engine.registry.payout_kinds)
    assert text == schema_text(engine.registry.methods, engine.registry.payout_kinds)
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert "扣完为止" in text  # ensure_ascii=False: the method summaries stay readable


def test_python_m_scoring_schema_prints_it_and_writes_a_file(engine, tmp_path):
    expected = schema_text(engine.registry.methods, engine.registry.payout_kinds).encode("utf-8")
    run = subprocess.run([sys.executable, "-m", "scoring.schema"], capture_output=True, cwd=REPO, timeout=120)
    assert run.returncode == 0, run.stderr.decode()
    assert run.stdout == expected and run.stderr == b""
    out = tmp_path / "rubric.schema.json"
    run = subprocess.run([sys.executable, "-m", "scoring.schema", str(out)], capture_output=True, timeout=120)
    assert run.returncode == 0 and run.stdout == b"" and out.read_bytes() == expected


# --- the shape editors need -------------------------------------------------------------


def test_draft_07_as_taplo_reads_it(schema):
    assert schema["$schema"] == DRAFT == "http://json-schema.org/draft-07/schema#"
    assert schema["$id"].startswith("https://") and schema["title"] and schema["description"]
    definitions = schema["definitions"]
    newer = {"$defs", "prefixItems", "unevaluatedProperties", "dependentRequired", "dependentSchemas",
             "$anchor", "$dynamicRef", "$dynamicAnchor", "minContains", "maxContains"}
    for node in subschemas(schema):
        assert not newer & set(node), node
        if "$ref" in node:
            # every reference is local and resolves; draft-07 ignores keywords beside $ref
            assert node["$ref"].startswith("#/definitions/") and node["$ref"][14:] in definitions
            assert set(node) == {"$ref"}, node
        assert node.get("type") != "null" and "null" not in node.get("type", []), node  # TOML has no null
        assert "default" not in node or node["default"] is not None
    for name in definitions:
        assert name.replace("_", "").replace(".", "").replace("-", "").isalnum(), name


def test_descriptions_come_through(schema):
    definitions = schema["definitions"]
    assert definitions["FieldSpec"]["description"] == "One evidence column."
    assert definitions["QuotaSpec"]["description"].startswith("At most `count` units")
    deduction = branch(schema, "deduction")
    assert "each × count" in deduction["description"]
    assert "each × count" in deduction["properties"]["method"]["description"]
    assert deduction["properties"]["count"]["description"].startswith("The name of a field of [fields]")
    assert "condition" in deduction["properties"]["all_when"]["description"]


def test_every_registered_method_is_a_closed_branch(engine, schema):
    choice = schema["definitions"]["IndicatorSpec"]
    consts = [b["properties"]["method"]["const"] for b in choice["oneOf"]]
    assert consts == sorted(engine.registry.methods)
    for b in choice["oneOf"]:
        assert b["additionalProperties"] is False and b["type"] == "object"
        assert {"id", "title", "points", "method", "note"} <= set(b["properties"])
        assert b["required"][:3] == ["id", "points", "method"]
    deduction = branch(schema, "deduction")
    assert set(deduction["properties"]) == {"id", "title", "points", "method", "note", "replaces", "raters", "count",
                                           "each", "all_when"}
    assert deduction["required"] == ["id", "points", "method", "count", "each"]
    assert branch(schema, "bands")["properties"]["bands"]["items"] == {"$ref": "#/definitions/Band"}


# --- (2) bundled rubrics validate -------------------------------------------------------


@pytest.mark.parametrize("rubric_id", bundled_ids())
def test_bundled_rubric_validates(engine, validator, rubric_id):
    [bundled] = [b for b in engine.bundled_rubrics() if b.id == rubric_id]
    data = _toml.loads(bundled.path.read_text(encoding="utf-8"))
    problems = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]
    assert problems == []


# --- (3) broken rubrics are refused -----------------------------------------------------

GOOD = rubric_text(single_indicator(10, "deduction", 'count = "a"\neach = 2\nall_when = "flag"'))
BANDS = rubric_text(single_indicator(10, "bands", 'field = "x"\nbands = [{ min = 5, share = 1 }, { min = 1, share = 0.5 }]'))

BROKEN = {
    "unknown top-level key": 'colour = "red"\n' + GOOD,
    "unknown key in [rubric]": GOOD.replace('version = "1"', 'version = "1"\nauthor = "me"'),
    "typo in a method parameter": GOOD.replace("each = 2", "eahc = 2"),
    "typo beside the parameter": GOOD.replace("each = 2", "each = 2\n  eahc = 2"),
    "a parameter of another method": GOOD.replace("each = 2", "each = 2\n  target = 3"),
    "missing method parameter": GOOD.replace("each = 2\n", ""),
    "unknown method": GOOD.replace('"deduction"', '"dedcution"'),
    "points of the wrong type": GOOD.replace("points = 10\n  method", 'points = "ten"\n  method'),
    "parameter of the wrong type": GOOD.replace("each = 2", 'each = "two"'),
    "condition of the wrong type": GOOD.replace('all_when = "flag"', "all_when = true"),
    "negative points": GOOD.replace("points = 10\n  method", "points = -10\n  method"),
    "field type not in the list": GOOD.replace('flag = { type = "bool" }', 'flag = { type = "boolean" }'),
    "unknown key in a field": GOOD.replace('flag = { type = "bool" }', 'flag = { type = "bool", colour = 1 }'),
    "typo in a nested parameter model": BANDS.replace("share = 0.5", "shar = 0.5"),
    "format 2": GOOD.replace("format = 1", "format = 2"),
    "no grades": GOOD.split("[[grade]]")[0],
}


def test_the_good_rubric_is_good(engine, validator):
    for text in (GOOD, BANDS):
        engine.rubric_from_text(text)
        assert list(validator.iter_errors(_toml.loads(text))) == []


@pytest.mark.parametrize("text", list(BROKEN.values()), ids=list(BROKEN))
def test_broken_rubric_is_refused_by_the_schema_and_the_engine(engine, validator, text):
    assert not validator.is_valid(_toml.loads(text))
    with pytest.raises(scoring.RubricError):
        engine.rubric_from_text(text)


def test_the_schema_is_stricter_than_pydantic_about_types(validator):
    # pydantic's lax mode reads "100" as 100; an editor should still flag the quotes.
    assert not validator.is_valid(_toml.loads(GOOD.replace("precision = 1", 'precision = 1\nscale = "100"')))


def test_the_error_names_the_typo(validator):
    jsonschema = pytest.importorskip("jsonschema")
    data = _toml.loads(GOOD.replace("each = 2", "each = 2\n  eahc = 2"))
    [error] = validator.iter_errors(data)
    assert list(error.absolute_path) == ["dimension", 0, "indicator", 0]
    # the branch whose `method` const matches explains it, as VS Code shows it
    deduction = [e for e in error.context if "method" not in list(e.absolute_path)]
    assert any("'eahc' was unexpected" in e.message for e in deduction)
    assert jsonschema.exceptions.best_match([error]) is not None


# --- (4) a third-party method ------------------------------------------------------------


class Shade(enum.Enum):
    LIGHT = "light"
    DARK = "dark"


class Band(BaseModel):
    """A band of a third party: same class name as scoring_std's, another shape."""

    above: float
    points: float = Field(ge=0)


class ColourParams(Params):
    """Points by colour, for the schema test."""

    field: NumericField
    shade: Shade = Shade.LIGHT
    mode: Literal["warm", "cool"] = "warm"
    bands: list[Band] = []
    unless: Condition | None = None
    weight: float = Field(default=1.0, gt=0, description="How much the colour counts")


def _colour(p: ColourParams, inp: MethodInput) -> Scored:
    return Scored(points=inp.number(p.field))


class ColourPlugin:
    @scoring.hookimpl
    def scoring_register_methods(self) -> list[Method]:
        return [Method("colour", ColourParams, _colour, "points by colour")]


COLOUR = rubric_text(single_indicator(10, "colour", 'field = "a"\nshade = "dark"\nbands = [{ above = 1, points = 2 }]'))


def test_a_third_party_method_appears_with_its_parameters(engine):
    schema = rubric_schema(scoring.Engine(plugins=[ColourPlugin()]).registry.methods)
    colour = branch(schema, "colour")
    assert set(colour["properties"]) == {"id", "title", "points", "method", "note", "replaces", "raters",
                                         "field", "shade", "mode", "bands", "unless", "weight"}
    assert colour["required"] == ["id", "points", "method", "field"]
    assert colour["properties"]["method"]["description"] == "Method colour: points by colour\n\nPoints by colour, for the schema test."
    assert colour["properties"]["weight"]["description"] == "How much the colour counts"
    assert colour["properties"]["mode"]["enum"] == ["warm", "cool"]
    assert colour["properties"]["shade"]["enum"] == ["light", "dark"]  # an enum with a default, inlined
    assert "$ref" not in colour["properties"]["shade"] and colour["properties"]["shade"]["default"] == "light"
    assert colour["properties"]["unless"]["type"] == "string"
    # its Band is not scoring_std's Band: both survive, under distinct names
    definitions = schema["definitions"]
    assert colour["properties"]["bands"]["items"] == {"$ref": "#/definitions/colour.Band"}
    assert set(definitions["colour.Band"]["properties"]) == {"above", "points"}
    assert set(definitions["Band"]["properties"]) == {"min", "share"}
    assert branch(schema, "bands")["properties"]["bands"]["items"] == {"$ref": "#/definitions/Band"}
    # and the engine without the plugin knows nothing of it
    assert "colour" not in json.dumps(rubric_schema(engine.registry.methods)["definitions"]["IndicatorSpec"])


def test_a_third_party_rubric_validates_and_its_typos_do_not():
    jsonschema = pytest.importorskip("jsonschema")
    plugin_engine = scoring.Engine(plugins=[ColourPlugin()])
    schema = rubric_schema(plugin_engine.registry.methods)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    plugin_engine.rubric_from_text(COLOUR)
    assert list(validator.iter_errors(_toml.loads(COLOUR))) == []
    for broken in (COLOUR.replace('"dark"', '"dusk"'), COLOUR.replace("above = 1", "min = 1"),
                   COLOUR.replace('shade = "dark"', 'shade = "dark"\n  each = 2')):
        assert not validator.is_valid(_toml.loads(broken))
        with pytest.raises(scoring.RubricError):
            plugin_engine.rubric_from_text(broken)


def test_without_methods_no_indicator_is_valid():
    jsonschema = pytest.importorskip("jsonschema")
    schema = rubric_schema({})
    jsonschema.Draft7Validator.check_schema(schema)
    assert "none" in schema["description"]
    assert not jsonschema.Draft7Validator(schema).is_valid(_toml.loads(GOOD))
