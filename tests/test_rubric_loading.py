"""Rubric loading: every refusal names the file, the key and what to do."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from scoring import RubricError
from tests.conftest import BASE_FIELDS, rubric_text, single_indicator

ONE_DIM = single_indicator(10, "deduction", 'count = "a"\neach = 2')


def load_error(engine, text: str, tmp_path: Path) -> RubricError:
    path = tmp_path / "r.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RubricError) as info:
        engine.load_rubric(path)
    assert str(path) in str(info.value)
    return info.value


def test_valid_rubric_loads(engine):
    rubric = engine.rubric_from_text(rubric_text(ONE_DIM))
    assert rubric.id == "t" and [i.id for i in rubric.indicators] == ["i"]
    assert rubric.indicators[0].inputs == ("a",)
    assert len(rubric.sha256) == 64


def test_toml_syntax_error_has_line_and_column(engine, tmp_path):
    text = rubric_text(ONE_DIM).replace('each = 2', 'each = = 2')
    err = load_error(engine, text, tmp_path)
    line = text.splitlines().index("  each = = 2") + 1
    assert err.line == line and err.column is not None
    assert f"line {line}, column" in str(err) and "TOML syntax error" in str(err)


def test_unknown_top_level_key(engine, tmp_path):
    err = load_error(engine, rubric_text(ONE_DIM) + "\n[bogus]\nx = 1\n", tmp_path)
    assert err.key == "bogus" and "unknown key 'bogus'" in str(err)


def test_unknown_key_in_field(engine, tmp_path):
    text = rubric_text(ONE_DIM).replace('a = { type = "count" }', 'a = { type = "count", tpye = 1 }')
    err = load_error(engine, text, tmp_path)
    assert err.key == "fields.a.tpye"


def test_unknown_method(engine, tmp_path):
    err = load_error(engine, rubric_text(ONE_DIM.replace('"deduction"', '"deducton"')), tmp_path)
    assert err.key == "dimension[0].indicator[0].method"
    assert "unknown method 'deducton'" in str(err) and "deduction" in err.message


def test_method_parameter_typo_names_indicator_and_parameter(engine, tmp_path):
    err = load_error(engine, rubric_text(ONE_DIM.replace("each = 2", "eahc = 2")), tmp_path)
    assert err.key in ("dimension[0].indicator[0].eahc", "dimension[0].indicator[0].each")
    assert "indicator 'i'" in str(err) and "method 'deduction'" in str(err)


def test_unknown_field_in_parameter(engine, tmp_path):
    err = load_error(engine, rubric_text(ONE_DIM.replace('count = "a"', 'count = "nope"')), tmp_path)
    assert err.key == "dimension[0].indicator[0].count" and "'nope' is not a field" in str(err)


def test_unknown_field_in_condition(engine, tmp_path):
    body = ONE_DIM.replace("each = 2", 'each = 2\n  all_when = "a > limit"')
    err = load_error(engine, rubric_text(body), tmp_path)
    assert err.key == "dimension[0].indicator[0].all_when" and "unknown name 'limit'" in str(err)


def test_field_of_wrong_type_for_method(engine, tmp_path):
    fields = BASE_FIELDS.replace('flag = { type = "bool" }', 'flag = { type = "text" }')
    err = load_error(engine, rubric_text(ONE_DIM.replace('count = "a"', 'count = "flag"'), fields=fields), tmp_path)
    assert "is a text field" in str(err)


def test_points_must_add_up(engine, tmp_path):
    err = load_error(engine, rubric_text(ONE_DIM.replace("points = 10\n  [[", "points = 12\n  [[")), tmp_path)
    assert err.key == "dimension[0].points" and "add up to 10" in str(err)


def test_decimal_points_add_up_exactly(engine):
    body = """
    [[dimension]]
    id = "d"
    points = 0.3
      [[dimension.indicator]]
      id = "i"
      points = 0.1
      method = "check"
      field = "flag"
      [[dimension.indicator]]
      id = "j"
      points = 0.2
      method = "check"
      field = "flag"
    """
    # 0.1 + 0.2 != 0.3 in binary floats; the check compares decimals.
    assert engine.rubric_from_text(rubric_text(body)).id == "t"


@pytest.mark.parametrize(
    "grades, key, fragment",
    [
        ('[[grade]]\nname = "A"\nmin = 60\n[[grade]]\nname = "B"\nmin = 90\n[[grade]]\nname = "C"\nmin = 0\n',
         "grade[1].min", "highest min down"),
        ('[[grade]]\nname = "A"\nmin = 60\n[[grade]]\nname = "B"\nmin = 60\n[[grade]]\nname = "C"\nmin = 0\n',
         "grade[1].min", "strictly"),
        ('[[grade]]\nname = "A"\nmin = 60\n[[grade]]\nname = "B"\nmin = 10\n', "grade[1].min", "cover 0"),
        ('[[grade]]\nname = "A"\nmin = 60\n[[grade]]\nname = "A"\nmin = 0\n', "grade", "unique"),
    ],
)
def test_grade_bands(engine, tmp_path, grades, key, fragment):
    err = load_error(engine, rubric_text(ONE_DIM, grades=grades), tmp_path)
    assert err.key == key and fragment in str(err)


def test_phase_weights_must_sum_to_one(engine, tmp_path):
    body = ONE_DIM.replace('points = 10\n  [[', 'phase = "process"\npoints = 10\n  [[')
    head = "[phases]\nprocess = { weight = 0.5 }\n"
    err = load_error(engine, rubric_text(head + body), tmp_path)
    assert err.key == "phases" and "add up to 0.5" in str(err)


def test_dimension_phase_must_be_declared(engine, tmp_path):
    body = ONE_DIM.replace('points = 10\n  [[', 'phase = "outcome"\npoints = 10\n  [[')
    head = "[phases]\nprocess = { weight = 1 }\n"
    err = load_error(engine, rubric_text(head + body), tmp_path)
    assert err.key == "dimension[0].phase"


def test_example_must_use_declared_fields(engine, tmp_path):
    text = rubric_text(ONE_DIM) + '\n[[example]]\ntitle = "e"\nevidence = { a = 1, zz = 2 }\nexpect = { score = 1 }\n'
    err = load_error(engine, text, tmp_path)
    assert err.key == "example[0].evidence.zz"


def test_consequence_blocks_must_resolve(engine, tmp_path):
    text = rubric_text(ONE_DIM) + '\n[[consequence]]\nid = "c"\ntitle = "c"\nwhen = "score > 1"\nblocks = ["nope"]\n'
    err = load_error(engine, text, tmp_path)
    assert err.key == "consequence[0].blocks[0]"


def test_tie_break_must_resolve(engine, tmp_path):
    err = load_error(engine, rubric_text(ONE_DIM) + '\n[rank]\ntie_break = ["nope"]\n', tmp_path)
    assert err.key == "rank.tie_break[0]"


def test_duplicate_ids(engine, tmp_path):
    body = ONE_DIM + ONE_DIM.replace('id = "d"', 'id = "e"')
    err = load_error(engine, rubric_text(body), tmp_path)
    assert "indicator id 'i' is already used" in str(err)


def test_reserved_field_name(engine, tmp_path):
    fields = '[fields]\na = { type = "count" }\nscore = { type = "number" }\n'
    err = load_error(engine, rubric_text(ONE_DIM, fields=fields), tmp_path)
    assert err.key == "fields.score" and "reserved" in str(err)


def test_missing_file_and_unknown_bundled_id(engine, tmp_path):
    with pytest.raises(RubricError, match="cannot read"):
        engine.load_rubric(tmp_path / "none.toml")
    with pytest.raises(RubricError, match="no bundled rubric"):
        engine.load_rubric("no-such-rubric")


HOSTILE = [
    ("__import__('os').system('true')", "not allowed"),
    ("().__class__.__bases__", "not allowed"),
    ("a.real", "attribute"),
    ("open('x')", "not allowed"),
    ("9 ** 999999", "exponent"),
    ("a ** a", "exponent"),
    ("abs(" * 70 + "a" + ")" * 70, "deep"),
    ("-" * 900 + "a", ""),
    ("a + " * 400 + "a", ""),
    ("_secret", ""),
]


@pytest.mark.parametrize("condition, fragment", HOSTILE)
def test_hostile_conditions_are_refused_quickly(engine, tmp_path, condition, fragment):
    body = ONE_DIM.replace("each = 2", f"each = 2\n  all_when = {condition!r}".replace("'", '"', 0))
    text = rubric_text(body).replace(f"all_when = {condition!r}", "all_when = '''" + condition + "'''")
    start = time.perf_counter()
    err = load_error(engine, text, tmp_path)
    assert time.perf_counter() - start < 1.0
    assert err.key == "dimension[0].indicator[0].all_when"
    assert fragment in str(err)


def test_consequences_that_block_each_other_in_a_cycle(engine, tmp_path):
    cons = "".join(
        f'\n[[consequence]]\nid = "{a}"\ntitle = "{a}"\nwhen = "score > 1"\nblocks = ["{b}"]\n'
        for a, b in (("x", "y"), ("y", "z"), ("z", "x"))
    )
    err = load_error(engine, rubric_text(ONE_DIM) + cons, tmp_path)
    assert err.key == "consequence" and "x → y → z → x" in str(err)
