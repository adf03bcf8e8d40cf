"""Inputs that would have slipped through: each once did, in review."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pytest

from scoring import EvidenceError, RubricError
from tests.conftest import RATIO_BODY, rubric_text, single_indicator
from tests.test_cli import scoring_cli

TEXT_FIELDS = """
[fields]
a = { type = "count" }
b = { type = "count", max = "a" }
flag = { type = "bool", missing = "zero" }
name = { type = "text", missing = "zero" }
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_an_unterminated_quote_is_an_error_not_a_swallowed_file(engine, tmp_path):
    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY, fields=TEXT_FIELDS))
    path = write(tmp_path / "e.csv", 'id,a,b,name\nA,1,1,"Acme\nB,2,2,Beta\nC,3,3,Gamma\n')
    with pytest.raises(EvidenceError, match="never closed"):
        engine.load_evidence(rubric, path, on_error="skip")


def test_a_row_with_too_few_cells_is_rejected(engine, tmp_path):
    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY, fields=TEXT_FIELDS))
    ev = engine.load_evidence(rubric, write(tmp_path / "e.csv", "id,a,b,flag\nA,1,1,是\nB,2,2\n"), on_error="skip")
    assert list(ev.unit_ids) == ["A"]
    assert "has 3 cells but the header has 4 columns" in ev.rejected[0].reason


VETO_FIELDS = """
[fields]
a = { type = "count" }
b = { type = "count", max = "a" }
filed = { type = "bool", missing = "not_applicable" }
injuries = { type = "count", missing = "not_applicable" }
kind = { type = "text", missing = "not_applicable" }
"""

VETOES = """
[[veto]]
id = "unfiled"
title = "not filed"
when = "filed == False"

[[veto]]
id = "hurt"
title = "injuries"
when = "injuries != 0"
effect = "zero"

[[veto]]
id = "odd"
title = "odd kind"
when = "kind not in ['甲']"
"""


def test_a_blank_cell_never_triggers_a_veto(engine):
    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY + VETOES, fields=VETO_FIELDS))
    res = engine.score(rubric, [
        {"id": "blank", "a": 1, "b": 1},
        {"id": "real", "a": 1, "b": 1, "filed": "否", "injuries": 2, "kind": "乙"},
    ])
    assert res.unit("blank").vetoes == [] and res.unit("blank").score == 100.0
    assert [v.id for v in res.unit("real").vetoes] == ["unfiled", "hurt", "odd"]


@pytest.mark.parametrize("cell", ["nan%", "inf", "nan", "-inf%"])
def test_non_finite_numbers_are_rejected(engine, tmp_path, cell):
    fields = TEXT_FIELDS + 'r = { type = "rate" }\n'
    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY, fields=fields))
    ev = engine.load_evidence(rubric, write(tmp_path / "e.csv", f"id,a,b,r\nA,1,1,{cell}\nB,1,1,0.5\n"), on_error="skip")
    assert list(ev.unit_ids) == ["B"] and ev.rejected[0].field == "r"


def test_percent_is_the_decimal_written(engine, tmp_path):
    fields = TEXT_FIELDS + 'r = { type = "rate" }\n'
    body = RATIO_BODY.replace('method = "ratio"\n  numerator = "b"\n  denominator = "a"',
                              'method = "bands"\n  field = "r"\n  bands = [ { min = 0.553, share = 1.0 } ]')
    rubric = engine.rubric_from_text(rubric_text(body, fields=fields))
    res = engine.score(rubric, write(tmp_path / "e.csv", "id,a,b,r\nA,1,1,55.3%\nB,1,1,0.553\n"))
    assert res.unit("A").score == res.unit("B").score == 100.0


def test_field_named_like_a_dimension_is_refused(engine):
    fields = TEXT_FIELDS + 'd = { type = "number" }\n'
    with pytest.raises(RubricError, match="also a phase or dimension id"):
        engine.rubric_from_text(rubric_text(RATIO_BODY, fields=fields))


def test_division_by_zero_in_an_expression_earns_nothing(engine):
    body = RATIO_BODY.replace('method = "ratio"\n  numerator = "b"\n  denominator = "a"', 'method = "expression"\n  value = "10 * a / b"')
    rubric = engine.rubric_from_text(rubric_text(body))
    res = engine.score(rubric, [{"id": "u", "a": 3, "b": 0, "flag": True}])
    assert res.unit("u").score == 0.0
    assert "undefined" in res.explain("u").to_text()


@pytest.mark.parametrize("edit", [("scale", "scale = inf"), ("each", "each = inf"), ("points", "points = nan")])
def test_infinite_numbers_in_a_rubric_are_refused(engine, edit):
    key, line = edit
    body = RATIO_BODY.replace('method = "ratio"\n  numerator = "b"\n  denominator = "a"', 'method = "per_count"\n  count = "a"\n  each = 1')
    text = rubric_text(body)
    if key == "scale":
        text = text.replace('precision = 1\n', f'precision = 1\n{line}\n')
    elif key == "each":
        text = text.replace("each = 1", line)
    else:
        text = text.replace("  points = 10\n", f"  {line}\n")
    with pytest.raises(RubricError, match="finite|inf|nan"):
        engine.rubric_from_text(text)


def test_an_undefined_amount_is_named_not_a_crash(engine, tmp_path):
    cons = '\n[[consequence]]\nid = "pay"\ntitle = "pay"\nwhen = "score > 0"\namount = "100 / (a - b)"\n'
    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY + cons))
    with pytest.raises(RubricError, match="amount of consequence 'pay' is not a finite number for 1 unit"):
        engine.score(rubric, [{"id": "u", "a": 3, "b": 3, "flag": True}])


def test_expression_type_errors_are_refused_when_the_rubric_loads(engine):
    veto = '\n[[veto]]\nid = "v"\ntitle = "v"\nwhen = "name > 3"\n'
    with pytest.raises(RubricError) as info:
        engine.rubric_from_text(rubric_text(RATIO_BODY + veto, fields=TEXT_FIELDS))
    assert info.value.key == "veto[0].when"


MEMBER_FIELDS = """
[fields]
own = { type = "count" }
v = { type = "count", rollup = "sum", missing = "zero" }
"""
MEMBER_BODY = single_indicator(10, "target", 'field = "own"\ntarget = 1')


def test_nested_and_self_parents_are_rejected(engine):
    rubric = engine.rubric_from_text(rubric_text(MEMBER_BODY, fields=MEMBER_FIELDS))
    rows = [{"id": "H", "own": 1}, {"id": "G", "parent": "H", "v": 1}, {"id": "A", "parent": "G", "v": 5},
            {"id": "S", "parent": "S", "own": 1, "v": 1}]
    ev = engine.evidence_from_rows(rubric, rows, on_error="skip")
    reasons: dict[str | None, str] = {}
    for r in ev.rejected:
        reasons[r.unit] = reasons.get(r.unit, "") + r.reason + "; "
    assert "only one level of members" in reasons["A"] and "own parent" in reasons["S"]


def test_a_member_row_needs_its_units_own_row_when_fields_are_required(engine):
    rubric = engine.rubric_from_text(rubric_text(MEMBER_BODY, fields=MEMBER_FIELDS))
    rows = [{"id": "G", "period": "1", "own": 1}, {"id": "S1", "parent": "G", "period": "1", "v": 1},
            {"id": "S2", "parent": "G", "period": "3", "v": 1}, {"id": "T", "parent": "H", "period": "1", "v": 7}]
    ev = engine.evidence_from_rows(rubric, rows, on_error="skip")
    assert sorted(r.unit for r in ev.rejected) == ["G", "S1", "S2", "T"]
    assert any("no row of its own for this period" in r.reason for r in ev.rejected)


def test_units_missing_periods_are_warned_about(engine, tmp_path):
    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY))
    ev = engine.evidence_from_rows(rubric, [{"id": "A", "period": p, "a": 1, "b": 1, "flag": 1} for p in "123"]
                                   + [{"id": "B", "period": "1", "a": 1, "b": 1, "flag": 1}])
    assert ev.warnings and "1 unit(s) lack some of the 3 periods (B)" in ev.warnings[0]


def test_column_settings_cannot_collide(engine):
    with pytest.raises(RubricError, match="three different columns"):
        engine.rubric_from_text(rubric_text(RATIO_BODY, head='parent_column = "id"\n'))
    with pytest.raises(RubricError, match="also a field name"):
        engine.rubric_from_text(rubric_text(RATIO_BODY, head='period_column = "a"\n'))


def test_arrays_parse_bools_and_refuse_infinity_like_files(engine):
    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY))
    ev = engine.evidence_from_arrays(rubric, ["A", "B", "C", "D"], {
        "a": np.array([1, 1, np.inf, 1]), "b": np.array([1, 1, 1, 1]),
        "flag": np.array(["false", "是", "true", "maybe"], dtype=object)}, on_error="skip")
    assert list(ev.unit_ids) == ["A", "B"] and list(ev.columns["flag"]) == [False, True]
    assert {r.unit for r in ev.rejected} == {"C", "D"}


def test_rows_that_are_not_mappings_are_refused(engine):
    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY))
    with pytest.raises(EvidenceError, match="row 1 is not a mapping"):
        engine.score(rubric, [["A", 1]])
    with pytest.raises(EvidenceError, match="row 1 is not a mapping"):
        engine.score(rubric, [{"id": "A", 5: 2}])


def test_huge_json_numbers_are_a_clear_error(engine, tmp_path):
    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY))
    with pytest.raises(EvidenceError, match="cannot read the JSON"):
        engine.load_evidence(rubric, write(tmp_path / "e.json", '[{"id": "A", "a": ' + "9" * 5000 + "}]"))


def test_cli_usage_and_file_errors(tmp_path):
    write(tmp_path / "r.toml", rubric_text(RATIO_BODY))
    write(tmp_path / "e.csv", "id,a,b,flag\nA,1,1,是\nB,2,3,否\n")
    assert scoring_cli("run", "r.toml", "e.csv", "--format", "xml", cwd=tmp_path).returncode == 2
    assert scoring_cli("run", "r.toml", "e.csv", "--sample", cwd=tmp_path).returncode == 2
    unwritable = scoring_cli("run", "r.toml", "e.csv", "--on-error", "skip", "-o", "no/such/dir/out.json", cwd=tmp_path)
    assert unwritable.returncode == 1 and "Traceback" not in unwritable.stderr and "No such file" in unwritable.stderr
    failed = scoring_cli("run", "r.toml", "e.csv", "-o", "out.json", "--rejects", "rej.csv", cwd=tmp_path)
    assert failed.returncode == 1 and not (tmp_path / "rej.csv").exists() and not (tmp_path / "out.json").exists()
    old = os.umask(0o022)
    try:
        ok = scoring_cli("run", "r.toml", "e.csv", "--on-error", "skip", "-o", "OUT.JSON", cwd=tmp_path)
    finally:
        os.umask(old)
    assert ok.returncode == 0
    assert stat.S_IMODE((tmp_path / "OUT.JSON").stat().st_mode) == 0o644
