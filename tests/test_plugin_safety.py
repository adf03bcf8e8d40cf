"""scoring_safety: lec, hand-computed through a small rubric; and the control-indicator rule."""

from __future__ import annotations

from typing import Any

import pytest

import scoring
from tests.conftest import rubric_text, single_indicator

ENGINE = scoring.Engine()

L_VALUES = '["10", "6", "3", "1", "0.5", "0.2", "0.1"]'
E_VALUES = '["10", "6", "3", "2", "1", "0.5"]'
C_VALUES = '["100", "40", "15", "7", "3", "1"]'


def lec_rubric(l_values: str = L_VALUES) -> str:
    """One lec item worth 10000 on a scale of 10000, so the score is the worst D; grades are the levels."""
    return f"""
format = 1
[rubric]
id = "lec-test"
title = "LEC"
version = "1"
scale = 10000
precision = 2

[fields]
name = {{ type = "text", missing = "zero" }}
likelihood  = {{ type = "enum", values = {l_values}, missing = "not_applicable" }}
exposure    = {{ type = "enum", values = {E_VALUES}, missing = "not_applicable" }}
consequence = {{ type = "enum", values = {C_VALUES}, missing = "not_applicable" }}

[[dimension]]
id = "risk"
points = 10000
  [[dimension.indicator]]
  id = "lec"
  points = 10000
  method = "lec"
  likelihood = "likelihood"
  exposure = "exposure"
  consequence = "consequence"

[[grade]]
name = "重大"
min = 320.01
[[grade]]
name = "较大"
min = 160.01
[[grade]]
name = "一般"
min = 70.01
[[grade]]
name = "低"
min = 0
"""


def enterprise(eid: str, sources: list[tuple[Any, Any, Any]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [{"id": eid, "name": eid}]
    for k, (lv, ev, cv) in enumerate(sources, 1):
        rows.append({"id": f"{eid}-{k}", "parent": eid, "likelihood": lv, "exposure": ev, "consequence": cv})
    return rows


def test_lec_takes_the_worst_source_and_a_boundary_value_the_lower_level():
    rows = (
        enterprise("E1", [("3", "6", "15"), ("1", "6", "7")])  # D 3×6×15 = 270 and 1×6×7 = 42: worst 270 → 较大
        + enterprise("E2", [("10", "1", "7")])                 # D 10×1×7 = 70, exactly on 70: 低, not 一般
        + enterprise("E3", [("10", "0.5", "15")])              # D 10×0.5×15 = 75 > 70: 一般
        + enterprise("E4", [("3", "3", "40"), ("6", "10", "3")])  # 360 and 180: worst 360 > 320 → 重大
        + enterprise("E5", [("0.1", "0.5", "1")])              # D 0.1×0.5×1 = 0.05: the smallest D, 低
    )
    res = ENGINE.score(ENGINE.rubric_from_text(lec_rubric()), rows)
    got = {u.id: (u.score, u.grade) for u in res.units()}
    assert got == {"E1": (270.0, "较大"), "E2": (70.0, "低"), "E3": (75.0, "一般"), "E4": (360.0, "重大"),
                   "E5": (0.05, "低")}
    e1 = res.unit("E1")
    assert e1.members == [{"id": "E1-1", "values": {"lec": {"D": 270.0, "worst": 1.0}}},
                          {"id": "E1-2", "values": {"lec": {"D": 42.0, "worst": 0.0}}}]
    assert [u.id for u in res.units()] == ["E4", "E1", "E3", "E2", "E5"]  # ranked worst first


def test_lec_without_sources_or_with_a_blank_factor_is_not_applicable():
    rows = (
        [{"id": "E0", "name": "no sources"}]
        + enterprise("E6", [("10", "10", "100"), ("", "6", "7")])  # a blank L: never graded on its other source
    )
    res = ENGINE.score(ENGINE.rubric_from_text(lec_rubric()), rows)
    for eid in ("E0", "E6"):
        assert res.unit(eid).status == "not_assessable" and res.unit(eid).grade is None, eid
    assert [m["values"]["lec"]["D"] for m in res.unit("E6").members] == [10000.0, None]


def test_a_factor_outside_the_table_is_refused_by_the_loader_naming_the_row():
    rows = enterprise("E1", [("3", "6", "15")]) + enterprise("E2", [("5", "6", "15")])
    rubric = ENGINE.rubric_from_text(lec_rubric())
    with pytest.raises(scoring.EvidenceError) as caught:
        ENGINE.score(rubric, rows)
    [bad] = caught.value.rejected
    assert (bad.unit, bad.field, bad.value) == ("E2-1", "likelihood", "5")
    # --on-error skip sets aside only that enterprise
    res = ENGINE.score(rubric, rows, on_error="skip")
    assert [u.id for u in res.units()] == ["E1"]


def test_an_enum_listing_a_value_outside_the_table_is_refused_when_the_rubric_loads():
    with pytest.raises(scoring.RubricError, match="likelihood: enum field 'likelihood' lists '5', not an LEC likelihood"):
        ENGINE.rubric_from_text(lec_rubric('["10", "6", "5"]'))
    # written differently, the same numbers are accepted
    ENGINE.rubric_from_text(lec_rubric('["10.0", "6", "0.50"]'))


def test_lec_needs_enum_fields():
    text = lec_rubric().replace(f'likelihood  = {{ type = "enum", values = {L_VALUES}, missing = "not_applicable" }}',
                                'likelihood = { type = "number", missing = "not_applicable" }')
    with pytest.raises(scoring.RubricError, match="needs enum here"):
        ENGINE.rubric_from_text(text)


# --- control indicators: the built-in deduction with all_when, no method of its own ---

CONTROL_FIELDS = """
[fields]
deaths = { type = "count" }
death_limit = { type = "count" }
"""


def test_a_control_indicator_is_a_deduction_with_all_when():
    body = single_indicator(30, "deduction", 'count = "deaths"\neach = 15\nall_when = "deaths > death_limit"')
    rubric = ENGINE.rubric_from_text(rubric_text(body, fields=CONTROL_FIELDS))
    res = ENGINE.score(rubric, [
        {"id": "A", "deaths": 0, "death_limit": 1},  # 30
        {"id": "B", "deaths": 1, "death_limit": 1},  # 30 − 15 × 1 = 15: within the limit
        {"id": "C", "deaths": 1, "death_limit": 0},  # over the limit: the whole item, 0 (not 15)
    ])
    assert [res.unit(u).indicators["i"].points for u in "ABC"] == [30, 15, 0]
