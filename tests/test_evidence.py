"""Evidence loading: types, bounds, missing cells, and every bad row named."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from scoring import EvidenceError
from tests.conftest import RATIO_BODY, rubric_text

BODY = RATIO_BODY

FIELDS = """
[fields]
a = { type = "count" }
b = { type = "count", max = "a" }
flag = { type = "bool", missing = "zero" }
r = { type = "rate", missing = "not_applicable" }
kind = { type = "enum", values = ["甲", "乙"], missing = "zero" }
"""


@pytest.fixture
def rubric(engine):
    return engine.rubric_from_text(rubric_text(BODY, fields=FIELDS))


def write(tmp_path: Path, name: str, text: str, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


CSV = "id,a,b,flag,r,kind\nu1,10,9,是,0.5,甲\nu2,4,4,否,,乙\nu3,0,0,true,85%,\n"


@pytest.mark.parametrize("bom", [False, True])
def test_csv_with_and_without_bom(engine, rubric, tmp_path, bom):
    ev = engine.load_evidence(rubric, write(tmp_path, "e.csv", CSV, bom))
    assert ev.rows == 3 and ev.rows_read == 3 and not ev.rejected
    assert list(ev.unit_ids) == ["u1", "u2", "u3"]
    assert list(ev.columns["flag"]) == [True, False, True]
    assert ev.columns["r"][0] == 0.5 and np.isnan(ev.columns["r"][1]) and ev.columns["r"][2] == 0.85
    assert list(ev.missing["r"]) == [False, True, False]
    assert list(ev.columns["kind"]) == ["甲", "乙", ""]


def test_bom_changes_nothing_but_the_hash(engine, rubric, tmp_path):
    plain = engine.score(rubric, write(tmp_path, "a.csv", CSV))
    bom = engine.score(rubric, write(tmp_path, "b.csv", CSV, bom=True))
    np.testing.assert_array_equal(plain.scores, bom.scores)
    assert plain.provenance.evidence_sha256 != bom.provenance.evidence_sha256


def test_json_and_jsonl_agree_with_csv(engine, rubric, tmp_path):
    rows = [
        {"id": "u1", "a": 10, "b": 9, "flag": "是", "r": 0.5, "kind": "甲"},
        {"id": "u2", "a": 4, "b": 4, "flag": False, "r": None, "kind": "乙"},
        {"id": "u3", "a": 0, "b": 0, "flag": True, "r": "85%", "kind": ""},
    ]
    j = engine.score(rubric, write(tmp_path, "e.json", json.dumps(rows, ensure_ascii=False)))
    jl = engine.score(rubric, write(tmp_path, "e.jsonl", "\n".join(json.dumps(r) for r in rows) + "\n"))
    c = engine.score(rubric, write(tmp_path, "e.csv", CSV))
    np.testing.assert_array_equal(j.scores, c.scores)
    np.testing.assert_array_equal(jl.scores, c.scores)


@pytest.mark.parametrize("word, value", [("是", True), ("否", False), ("TRUE", True), ("false", False), ("1", True), ("0", False)])
def test_bool_words(engine, rubric, word, value):
    ev = engine.evidence_from_rows(rubric, [{"id": "u", "a": 1, "b": 1, "flag": word}])
    assert bool(ev.columns["flag"][0]) is value


def rejected_of(engine, rubric, tmp_path, text):
    with pytest.raises(EvidenceError) as info:
        engine.load_evidence(rubric, write(tmp_path, "e.csv", text))
    return info.value


def test_bad_value_is_named_with_row_unit_field_value(engine, rubric, tmp_path):
    err = rejected_of(engine, rubric, tmp_path, "id,a,b\nu1,10,9\nu2,ten,1\n")
    [r] = err.rejected
    assert (r.row, r.unit, r.field, r.value) == ("row 3", "u2", "a", "ten")
    assert "not a number" in r.reason and "row 3 (unit u2), field a" in str(err)
    assert "--on-error skip" in str(err)


def test_rectified_above_found(engine, rubric, tmp_path):
    err = rejected_of(engine, rubric, tmp_path, "id,a,b\nu1,10,11\n")
    [r] = err.rejected
    assert r.value == "11"
    assert r.field == "b" and "more than max is a (10)" in r.reason


@pytest.mark.parametrize(
    "cell, fragment", [("-1", "whole number of 0 or more"), ("1.5", "whole number"), ("", "required")]
)
def test_count_cells(engine, rubric, tmp_path, cell, fragment):
    err = rejected_of(engine, rubric, tmp_path, f"id,a,b\nu1,{cell},0\n")
    assert fragment in err.rejected[0].reason


def test_rate_and_enum_and_bool_cells(engine, rubric, tmp_path):
    err = rejected_of(engine, rubric, tmp_path, "id,a,b,r,kind,flag\nu1,1,1,1.2,甲,是\nu2,1,1,0.5,丙,否\nu3,1,1,,,maybe\n")
    reasons = {r.unit: r.reason for r in err.rejected}
    assert "between 0 and 1" in reasons["u1"]
    assert "allowed values: 甲, 乙" in reasons["u2"]
    assert "是/否" in reasons["u3"]


def test_duplicate_unit_without_periods(engine, rubric, tmp_path):
    err = rejected_of(engine, rubric, tmp_path, "id,a,b\nu1,1,1\nu1,2,2\n")
    [r] = err.rejected
    assert r.row == "row 3" and "duplicate unit id (also at row 2)" in r.reason and "period column" in r.reason


def test_missing_required_column(engine, rubric, tmp_path):
    with pytest.raises(EvidenceError, match="no column for field\\(s\\) b"):
        engine.load_evidence(rubric, write(tmp_path, "e.csv", "id,a\nu1,1\n"))


def test_missing_id_column(engine, rubric, tmp_path):
    with pytest.raises(EvidenceError, match="no 'id' column"):
        engine.load_evidence(rubric, write(tmp_path, "e.csv", "a,b\n1,1\n"))


def test_unknown_columns_are_reported_as_warnings(engine, rubric, tmp_path):
    ev = engine.load_evidence(rubric, write(tmp_path, "e.csv", "id,a,b,comment\nu1,1,1,hello\n"))
    assert ev.warnings and "comment" in ev.warnings[0]


def test_skip_accounts_for_every_row(engine, rubric, tmp_path):
    text = "id,period,a,b\nu1,1,1,1\nu1,2,5,9\nu2,1,3,2\nu3,1,x,1\nu4,1,2,1\n"
    ev = engine.load_evidence(rubric, write(tmp_path, "e.csv", text), on_error="skip")
    assert ev.rows_read == 5
    assert ev.rows + len({r.row for r in ev.rejected}) == ev.rows_read == ev.rows + ev.rows_rejected
    # u1's good period is refused with its bad one: a unit is scored whole or not at all.
    assert sorted(set(ev.unit_ids)) == ["u2", "u4"]
    by_row = {r.row: r for r in ev.rejected}
    assert "another row of this unit was rejected (row 3)" in by_row["row 2"].reason
    assert by_row["row 5"].field == "a"


def test_broken_files(engine, rubric, tmp_path):
    with pytest.raises(EvidenceError, match="not UTF-8"):
        engine.load_evidence(rubric, tmp_path.joinpath("e.csv") if tmp_path.joinpath("e.csv").write_bytes(b"id\n\xff\n") else None)
    with pytest.raises(EvidenceError, match="empty"):
        engine.load_evidence(rubric, write(tmp_path, "e.csv", ""))
    with pytest.raises(EvidenceError, match="JSON syntax error at line 1"):
        engine.load_evidence(rubric, write(tmp_path, "e.json", "[{"))
    with pytest.raises(EvidenceError, match="no loader"):
        engine.load_evidence(rubric, write(tmp_path, "e.xyz", ""))
    with pytest.raises(EvidenceError, match="cannot read the workbook"):
        engine.load_evidence(rubric, write(tmp_path, "e.xlsx", "not a zip"))


def test_arrays_are_checked_like_files(engine, rubric):
    ev = engine.evidence_from_arrays(
        rubric, ["u1", "u2", "u3"], {"a": np.array([1, 2, 3]), "b": np.array([1, 5, np.nan])}, on_error="skip"
    )
    assert list(ev.unit_ids) == ["u1"]
    assert {r.unit: r.field for r in ev.rejected} == {"u2": "b", "u3": "b"}
