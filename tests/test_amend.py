"""Amendments (--amend): corrections checked against the evidence, recorded, and their knock-on effects diffed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring
from scoring.amend import Amendment
from scoring.diff import diff_results
from scoring.errors import EvidenceError
from tests.test_cli import scoring_cli
from tests.test_diff import RUBRIC

PERIOD_FIELDS_RUBRIC = RUBRIC.replace('precision = 1\n', 'precision = 1\nperiod_column = "quarter"\n', 1)


def rows(*scores: int) -> list[dict]:
    return [{"id": f"u{k}", "a": s} for k, s in enumerate(scores)]


def fix(unit: str, old: str, new: str, *, field: str = "a", period: str = "") -> Amendment:
    return Amendment(unit, field, old, new, "台账补录", "监督科 张三", period, "fix.csv", "row 2")


def run(engine: scoring.Engine, scores: tuple[int, ...], amendments: list[Amendment]) -> scoring.Result:
    return engine.score(engine.rubric_from_text(RUBRIC), rows(*scores), amendments=amendments)


def test_an_amendment_is_applied_and_recorded(engine):
    res = run(engine, (10, 9), [fix("u1", "9", "10")])
    assert res.unit("u1").score == 100.0
    doc = res.to_dict()
    assert doc["amendments"] == [{"unit": "u1", "field": "a", "period": None, "old": "9", "new": "10",
                                  "reason": "台账补录", "approved_by": "监督科 张三", "source": "fix.csv row 2"}]
    assert res.unit("u1").to_dict()["amendments"] == doc["amendments"] and "amendments" not in res.unit("u0").to_dict()
    assert "a: 9 → 10 — 台账补录 (approved by 监督科 张三)" in res.explain("u1").to_text()


def test_old_values_compare_as_the_field_reads_them(engine):
    assert run(engine, (10, 9), [fix("u1", "9.0", "10")]).unit("u1").score == 100.0


@pytest.mark.parametrize("bad, message", [
    (fix("u1", "8", "10"), "the old value '8' does not match the evidence, which holds '9' (row 2)"),
    (fix("u9", "8", "10"), "no row of this unit in the evidence"),
    (fix("u1", "9", "10", field="b"), "'b' is not a field"),
    (fix("u1", "9", "10", period="Q1"), "the evidence has no period column"),
])
def test_bad_amendments_are_refused(engine, bad, message):
    with pytest.raises(EvidenceError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        run(engine, (10, 9), [bad])
    assert "fix.csv" in str(info.value) and "row 2" in str(info.value)


def test_the_same_cell_twice_is_refused(engine):
    with pytest.raises(EvidenceError, match="amended twice"):
        run(engine, (10, 9), [fix("u1", "9", "10"), fix("u1", "9", "8")])


def test_a_unit_with_several_periods_needs_the_period(engine):
    rubric = engine.rubric_from_text(PERIOD_FIELDS_RUBRIC)
    data = [{"id": "u0", "quarter": "Q1", "a": 5}, {"id": "u0", "quarter": "Q2", "a": 6}]
    with pytest.raises(EvidenceError, match=r"the unit has 2 rows \(periods Q1, Q2\); give the period"):
        engine.score(rubric, data, amendments=[fix("u0", "5", "9")])
    res = engine.score(rubric, data, amendments=[fix("u0", "5", "9", period="Q1")])
    assert res.to_dict()["amendments"][0]["period"] == "Q1"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(0, 10), min_size=1, max_size=10), st.data())
def test_an_amendment_that_changes_nothing_changes_no_result(engine, scores, data):
    k = data.draw(st.integers(0, len(scores) - 1))
    plain = run(engine, tuple(scores), []).to_dict()
    same = run(engine, tuple(scores), [fix(f"u{k}", str(scores[k]), data.draw(
        st.sampled_from([str(scores[k]), f"{scores[k]}.0", f" {scores[k]} "])))]).to_dict()
    assert diff_results(plain, same).empty
    assert same.pop("amendments")
    for unit in same["units"]:
        unit.pop("amendments", None)
    assert same["report"].pop("amended_fields") == {"a": "a"}  # the titles the reports show the amendment with
    for doc in (same, plain):  # when each result was made (the reports' 说明) is not a result
        doc["report"].pop("created")
    assert same == plain


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(0, 10), min_size=1, max_size=10), st.data())
def test_every_amendment_appears_in_the_result(engine, scores, data):
    picked = data.draw(st.lists(st.integers(0, len(scores) - 1), unique=True))
    amendments = [fix(f"u{k}", str(scores[k]), str(data.draw(st.integers(0, 10)))) for k in picked]
    doc = run(engine, tuple(scores), amendments).to_dict()
    assert len(doc.get("amendments", [])) == len(amendments)
    units = {u["id"]: u for u in doc["units"]}
    for a in amendments:
        assert [x["new"] for x in units[a.unit]["amendments"]] == [a.new]
        assert units[a.unit]["indicators"]["i"]["value"] == float(a.new)


def test_cli_an_appeal_moves_a_third_unit_across_the_cut_and_every_pool_share(tmp_path: Path):
    (tmp_path / "r.toml").write_text(RUBRIC, encoding="utf-8")
    (tmp_path / "e.csv").write_text("id,a\nu0,10\nu1,9\nu2,8\nu3,7\n", encoding="utf-8")
    (tmp_path / "fix.csv").write_text("单位,字段,期间,原值,新值,理由,批准人\nu3,a,,7,10,复核认定整改到位,督导室 李四\n",
                                      encoding="gbk")
    assert scoring_cli("run", "r.toml", "e.csv", "-o", "before.json", cwd=tmp_path).returncode == 0
    proc = scoring_cli("run", "r.toml", "e.csv", "--amend", "fix.csv", "-o", "after.json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "amendments: 1 applied" in proc.stderr
    after = json.loads((tmp_path / "after.json").read_text(encoding="utf-8"))
    assert after["amendments"][0]["reason"] == "复核认定整改到位"
    # Before: 100, 90, 80, 70; advanced (2 places) u0, u1; pool 1,000 by score above 50 (50:40:30:20).
    # After u3's 7 → 10: 100, 90, 80, 100; advanced u0, u3 (tied first); u1, who did not appeal,
    # is third and out; every share changes (50:40:30:50 of 170).
    diff = scoring_cli("diff", "before.json", "after.json", cwd=tmp_path)
    assert diff.returncode == 0
    assert diff.stdout.splitlines()[1:] == [
        "total grade A (units): 2 → 3",
        "total grade B (units): 2 → 1",
        "u0 (moved, nothing of its own changed)",
        "  amount fund: 357.14 → 294.12",
        "u3 (own correction)",
        "  score: 70 → 100",
        "  grade: B → A",
        "  rank: 4 → 1",
        "  consequence advanced: not granted → granted",
        "  amount fund: 142.86 → 294.12",
        "u1 (moved, nothing of its own changed)",
        "  rank: 2 → 3",
        "  consequence advanced: granted → not granted",
        "  amount fund: 285.71 → 235.29",
        "u2 (moved, nothing of its own changed)",
        "  rank: 3 → 4",
        "  amount fund: 214.29 → 176.47",
    ]
    (tmp_path / "wrong.csv").write_text("unit,field,old,new,reason,approved_by\nu3,a,8,10,复核,李四\n", encoding="utf-8")
    bad = scoring_cli("run", "r.toml", "e.csv", "--amend", "wrong.csv", "-o", "x.json", cwd=tmp_path)
    assert bad.returncode == 1 and not (tmp_path / "x.json").exists()
    assert "wrong.csv" in bad.stderr and "the old value '8' does not match the evidence, which holds '7'" in bad.stderr
    assert "Traceback" not in bad.stderr
    ex = scoring_cli("explain", "r.toml", "e.csv", "u3", "--amend", "fix.csv", cwd=tmp_path)
    assert ex.returncode == 0 and "a: 7 → 10 — 复核认定整改到位 (approved by 督导室 李四)" in ex.stdout


def test_columns_are_found_as_typing_finds_them(engine, tmp_path: Path):
    # The sheet has a title row above its header, and heads the field by its Chinese title;
    # the amendment names the field by its id and the unit in full-width letters.
    rubric = engine.rubric_from_text(RUBRIC.replace('a = { type = "count" }', 'a = { type = "count", title = "完成数" }'))
    (tmp_path / "e.csv").write_text("2026年度考核汇总表,\nid,完成数\nu0,10\nu1,9\n", encoding="utf-8")
    res = engine.score(rubric, tmp_path / "e.csv", amendments=[fix("ｕ１", "9", "10")])
    assert res.unit("u1").score == 100.0
    with pytest.raises(EvidenceError, match=r"which holds '9' \(row 4\)"):
        engine.score(rubric, tmp_path / "e.csv", amendments=[fix("u1", "8", "10")])
