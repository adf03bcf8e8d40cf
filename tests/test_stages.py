"""Self-assessment and review (scoring.stages): gaps by hand, conditions on the gap, vetoes, n/a, periods,
members, reports, and the CLI end to end on a CSV with Chinese headers."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

import scoring
from tests.conftest import rubric_text

FIELDS = """
[stages]
title = "评价阶段"

[fields]
a = { type = "number", title = "管理得分", min = 0, max = 60 }
b = { type = "number", title = "成效得分", min = 0, max = 40, missing = "not_applicable" }
deaths = { type = "count", title = "死亡人数" }
"""

BODY = """
[[dimension]]
id = "mgmt"
points = 60
  [[dimension.indicator]]
  id = "mgmt_i"
  points = 60
  method = "expression"
  value = "a"

[[dimension]]
id = "effect"
points = 40
  [[dimension.indicator]]
  id = "effect_i"
  points = 40
  method = "expression"
  value = "b"

[[veto]]
id = "fatal"
title = "死亡事故"
when = "deaths > 0"

[[consequence]]
id = "inflated"
title = "自评失实"
when = "self.score - score > 10"

[[consequence]]
id = "inflated_item"
title = "指标自评失实"
when = "self.points_effect_i - effect > 5"

[[consequence]]
id = "hid_a_veto"
title = "自评隐瞒否决事项"
when = "vetoed and not self.vetoed"
"""


def stage_rubric(engine: scoring.Engine, body: str = BODY, fields: str = FIELDS, head: str = "") -> scoring.Rubric:
    return engine.rubric_from_text(rubric_text(body, fields=fields, head=head))


def row(unit: str, stage: str, a: float, b: float | None, deaths: int = 0, **more: Any) -> dict[str, Any]:
    return {"id": unit, "stage": stage, "a": a, "b": b, "deaths": deaths, **more}


def granted(result: scoring.Result, unit: str) -> list[str]:
    return [c.id for c in result.unit(unit).consequences]


def test_the_review_scores_and_the_gap_is_kept(engine: scoring.Engine) -> None:
    result = engine.score(stage_rubric(engine), [
        row("U", "自评", 58, 39), row("U", "复评", 52.3, 31),       # self 97, review 83.3: gap 13.7
        row("V", "self", 50, 30), row("V", "review", 49.5, 30),    # gap 0.5
    ])
    u, v = result.unit("U"), result.unit("V")
    assert (u.score, v.score) == (83.3, 79.5)
    assert u.self_assessment == {
        "score": 97.0, "grade": "A", "vetoed": False, "gap": 13.7,
        "indicators": {"mgmt_i": {"points": 58.0, "gap": 5.7}, "effect_i": {"points": 39.0, "gap": 8.0}},
    }
    assert v.self_assessment is not None and v.self_assessment["gap"] == 0.5
    assert granted(result, "U") == ["inflated", "inflated_item"]   # 13.7 > 10 and 8 > 5
    assert granted(result, "V") == []
    assert result.provenance.rows_scored == 4


def test_the_gap_at_exactly_the_line_does_not_trigger(engine: scoring.Engine) -> None:
    # 90.1 - 80.1 is 9.999999999999986 in floats; on the rounded figures the gap is 10.0, not > 10.
    result = engine.score(stage_rubric(engine), [row("U", "自评", 60, 30.1), row("U", "复评", 50, 30.1)])
    assert result.unit("U").self_assessment["gap"] == 10.0  # type: ignore[index]
    assert granted(result, "U") == []


def test_a_unit_without_a_self_assessment(engine: scoring.Engine) -> None:
    result = engine.score(stage_rubric(engine), [row("U", "复评", 10, 10), row("V", "自评", 60, 40),
                                                 row("V", "复评", 10, 10)])
    assert result.unit("U").self_assessment is None
    assert granted(result, "U") == [] and granted(result, "V") == ["inflated", "inflated_item"]
    codes = {scoring.notices.as_notice(w).code: w for w in result.warnings}
    assert "(U)" in codes["no_self_assessment"]
    assert "no self-assessment rows" in result.explain("U").to_text()


def test_a_unit_only_self_assessed_is_not_scored_and_named(engine: scoring.Engine) -> None:
    result = engine.score(stage_rubric(engine), [row("U", "复评", 10, 10), row("W", "自评", 60, 40)])
    assert result.unit_ids.tolist() == ["U"]
    codes = {scoring.notices.as_notice(w).code: w for w in result.warnings}
    assert "(W)" in codes["not_reviewed"]
    assert result.provenance.rows_read == 2 and result.provenance.rows_rejected == 0


def test_only_self_assessment_rows_is_an_error(engine: scoring.Engine) -> None:
    with pytest.raises(scoring.EvidenceError, match="no review rows"):
        engine.score(stage_rubric(engine), [row("U", "自评", 10, 10)])


def test_an_unknown_stage_is_refused(engine: scoring.Engine) -> None:
    with pytest.raises(scoring.EvidenceError) as caught:
        engine.score(stage_rubric(engine), [row("U", "初评", 10, 10), row("U", "复评", 10, 10)])
    assert "not a stage of the rubric; write one of self, 自评, review, 复评" in str(caught.value.rejected[0])
    with pytest.raises(scoring.EvidenceError, match="no stage"):
        engine.score(stage_rubric(engine), [row("U", "", 10, 10)])


def test_the_same_unit_twice_in_one_stage_is_a_duplicate(engine: scoring.Engine) -> None:
    with pytest.raises(scoring.EvidenceError, match="duplicate unit id"):
        engine.score(stage_rubric(engine), [row("U", "复评", 10, 10), row("U", "review", 10, 10)])


def test_vetoes_are_the_reviews_and_the_self_assessments_own(engine: scoring.Engine) -> None:
    # The review finds a death the self-assessment left out: vetoed, and flagged as hidden.
    result = engine.score(stage_rubric(engine), [row("U", "自评", 50, 30, deaths=0), row("U", "复评", 50, 30, deaths=1)])
    u = result.unit("U")
    assert [v.id for v in u.vetoes] == ["fatal"] and u.grade == "C"
    assert u.self_assessment is not None and u.self_assessment["vetoed"] is False
    assert u.self_assessment["grade"] == "B"
    assert "hid_a_veto" in granted(result, "U")


def test_not_applicable_items_have_no_gap(engine: scoring.Engine) -> None:
    result = engine.score(stage_rubric(engine), [row("U", "自评", 54, None), row("U", "复评", 45, 30)])
    s = result.unit("U").self_assessment
    assert s is not None
    assert s["score"] == 90.0                  # 54 of 60 applicable, rescaled to 100
    assert s["indicators"]["effect_i"] == {"points": None, "gap": None}
    assert s["gap"] == 15.0                    # 90 - 75
    assert "inflated_item" not in granted(result, "U")  # a condition on a missing figure does not hold


def test_stages_within_periods(engine: scoring.Engine) -> None:
    body = BODY.replace('id = "mgmt"\n', 'id = "mgmt"\nphase = "process"\n').replace(
        'id = "effect"\n', 'id = "effect"\nphase = "outcome"\n')
    fields = FIELDS + "\n[phases]\nprocess = { weight = 0.6 }\noutcome = { weight = 0.4 }\n"
    rubric = stage_rubric(engine, body, fields.replace("[fields]", "[fields]"), head='periods = ["H1", "H2"]\n')
    evidence = [row("U", "自评", 60, 40, period="H1"), row("U", "自评", 50, 30, period="H2"),
                row("U", "复评", 40, 40, period="H1"), row("U", "复评", 50, 20, period="H2")]
    result = engine.score(rubric, evidence)
    u = result.unit("U")
    # review: process mean (40 + 50) / 2 = 45 of 60 → 75; outcome H2 20 of 40 → 50; 0.6 × 75 + 0.4 × 50 = 65
    # self: (60 + 50) / 2 = 55 → 91.667; 30 → 75; 0.6 × 91.667 + 0.4 × 75 = 85
    assert u.score == 65.0
    assert u.self_assessment is not None and u.self_assessment["score"] == 85.0 and u.self_assessment["gap"] == 20.0


def test_members_are_self_assessed_too(engine: scoring.Engine) -> None:
    fields = FIELDS.replace('b = { type = "number", title = "成效得分", min = 0, max = 40, missing = "not_applicable" }',
                            'b = { type = "number", title = "成效得分", min = 0, max = 40, rollup = "mean" }')
    rubric = stage_rubric(engine, fields=fields)
    evidence = [row("G", "自评", 50, None), row("S1", "自评", 0, 40, parent="G"), row("S2", "自评", 0, 30, parent="G"),
                row("G", "复评", 50, None), row("S1", "复评", 0, 30, parent="G"), row("S2", "复评", 0, 20, parent="G")]
    result = engine.score(rubric, evidence)
    s = result.unit("G").self_assessment
    assert result.unit("G").score == 75.0 and s is not None and s["score"] == 85.0 and s["gap"] == 10.0


def test_an_amendment_names_its_stage(engine: scoring.Engine) -> None:
    from scoring.amend import Amendment

    rubric = stage_rubric(engine)
    evidence = [row("U", "自评", 58, 39), row("U", "复评", 52.3, 31)]
    fixed = engine.score(rubric, evidence, amendments=[Amendment("U", "a", "52.3", "55", "复核", "督导室", stage="复评")])
    assert fixed.unit("U").score == 86.0 and fixed.unit("U").self_assessment["gap"] == 11.0  # type: ignore[index]
    with pytest.raises(scoring.EvidenceError, match="the unit has 2 rows"):
        engine.score(rubric, evidence, amendments=[Amendment("U", "a", "52.3", "55", "复核", "督导室")])


def test_self_names_are_refused_without_stages(engine: scoring.Engine) -> None:
    plain = FIELDS.replace('[stages]\ntitle = "评价阶段"\n', "")
    with pytest.raises(scoring.RubricError, match="self.score"):
        stage_rubric(engine, fields=plain)


def test_explain_and_reports_show_the_stages(engine: scoring.Engine, tmp_path: Path) -> None:
    result = engine.score(stage_rubric(engine), [row("U", "自评", 58, 39), row("U", "复评", 52.3, 31)])
    text = result.explain("U").to_text()
    assert "\nSelf-assessment and review\n" in text
    assert "self-assessment 97 (A), review 83.3: gap (self − review) 13.7" in text
    assert "effect_i: self 39, gap 8" in text
    table = engine.render(result, "csv").lstrip("\ufeff")  # type: ignore[union-attr]
    header, first = list(csv.reader(str(table).splitlines()))[:2]
    assert header[2:6] == ["Score", "Grade", "Self-assessment", "Gap (self − review)"]
    assert first[2:6] == ["83.3", "B", "97.0", "13.7"]
    md = str(engine.render(result, "md"))
    assert "| Self-assessment | Gap (self − review) |" in md and "| 97.0 | 13.7 |" in md
    saved = engine.render_saved(json.loads(result.to_json()), "csv")
    assert saved == table.encode() if isinstance(saved, bytes) else saved.lstrip("\ufeff") == table


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 40), st.integers(0, 60), st.integers(0, 40)),
                min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_the_gap_is_self_minus_review_and_row_order_never_matters(
        figures: list[tuple[int, int, int, int]], rnd: Any) -> None:
    engine = scoring.Engine()
    rubric = stage_rubric(engine)
    evidence = []
    for k, (sa, sb, ra, rb) in enumerate(figures):
        evidence += [row(f"U{k}", "自评", sa, sb), row(f"U{k}", "复评", ra, rb)]
    result = engine.score(rubric, evidence)
    shuffled = list(evidence)
    rnd.shuffle(shuffled)
    again = engine.score(rubric, shuffled)
    for k, (sa, sb, ra, rb) in enumerate(figures):
        u = result.unit(f"U{k}")
        assert u.self_assessment is not None
        assert u.score == ra + rb and u.self_assessment["score"] == sa + sb
        assert u.self_assessment["gap"] == (sa + sb) - (ra + rb)
        assert again.unit(f"U{k}").to_dict() == u.to_dict()


# --- end to end: the CLI on a CSV with Chinese headers, GBK as Excel saves it ------------------

E2E_RUBRIC = """format = 1
[rubric]
id = "panel-e2e"
title = "企业安全检查"
version = "1"
precision = 1
language = "zh"
id_title = "企业编号"

[raters]
title = "评分人"
aliases = ["检查人员"]
combine = "trimmed_mean"
trim_from = 5
spread = 10

[stages]
title = "评价阶段"

[fields]
site = { type = "number", title = "现场检查得分", rated = true, min = 0, max = 60 }
docs = { type = "number", title = "资料检查得分", rated = true, min = 0, max = 40 }
deaths = { type = "count", title = "死亡人数" }

[[dimension]]
id = "site_d"
title = "现场"
points = 60
  [[dimension.indicator]]
  id = "site_i"
  points = 60
  method = "expression"
  value = "site"

[[dimension]]
id = "docs_d"
title = "资料"
points = 40
  [[dimension.indicator]]
  id = "docs_i"
  points = 40
  method = "expression"
  value = "docs"
  raters = "median"

[[veto]]
id = "fatal"
title = "死亡事故"
when = "deaths > 0"

[[grade]]
name = "优秀"
min = 90
[[grade]]
name = "合格"
min = 60
[[grade]]
name = "不合格"
min = 0

[[consequence]]
id = "inflated"
title = "自评失实"
when = "self.score - score > 10"
"""

E2E_CSV = """企业编号,评价阶段,检查人员,现场检查得分,资料检查得分,死亡人数
A,自评,,58,39,0
A,复评,张,50,30,0
A,复评,李,52,31,
A,复评,王,55,36,
B,自评,,50,30,0
B,复评,张,50,30,0
B,复评,李,50,30,0
B,复评,王,50,30,0
B,复评,赵,40,20,0
B,复评,钱,60,38,0
"""


def test_cli_end_to_end_with_chinese_headers_in_gbk(tmp_path: Path) -> None:
    rubric = tmp_path / "r.toml"
    rubric.write_text(E2E_RUBRIC, encoding="utf-8")
    evidence = tmp_path / "检查.csv"
    evidence.write_bytes(E2E_CSV.encode("gbk"))
    exe = Path(sys.executable).with_name("scoring")
    scoring_cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "scoring.cli"]
    run = subprocess.run([*scoring_cli, "run", str(rubric), str(evidence), "-o", str(tmp_path / "out.json")],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "rows: 10 read, 10 scored, 0 rejected" in run.stderr
    assert "unit B: the raters of 'site_i' differ by 20 points" in run.stderr
    doc = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    units = {u["id"]: u for u in doc["units"]}
    # A: 3 raters (< 5): site mean (50 + 52 + 55) / 3 = 52.333; docs median 31; 83.333 → 83.3; self 97: gap 13.7
    assert units["A"]["score"] == 83.3 and units["A"]["self_assessment"]["gap"] == 13.7
    assert [c["id"] for c in units["A"]["consequences"]] == ["inflated"]
    # B: 5 raters: 40 and 60 dropped → 50; docs median 30; self 80: gap 0
    site_b = units["B"]["panel"]["indicators"]["site_i"][0]
    assert site_b["raters"] == {"张": 50.0, "李": 50.0, "王": 50.0, "赵": 40.0, "钱": 60.0}
    assert site_b["dropped"] == ["赵", "钱"] and site_b["combined"] == 50.0
    assert units["B"]["score"] == 80.0 and units["B"]["self_assessment"]["gap"] == 0.0
    spread = [w for w in doc["warnings"] if w["code"] == "rater_spread"]
    assert {(w["unit"], w["field"]) for w in spread} == {("B", "site_i"), ("B", "docs_i")}

    out = subprocess.run([*scoring_cli, "explain", str(rubric), str(evidence), "A"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    # A Chinese rubric's explanation speaks Chinese (scoring/report/labels.py).
    assert "\n评分组\n" in out.stdout and "\n自评与复评\n" in out.stdout
    assert "site_i：张 50，李 52，王 55 → trimmed_mean（评分人不足，不去掉最高最低：取平均） 52.33（极差 5）" in out.stdout
    assert "自评 97（优秀），复评 83.3：自评差（自评−复评）13.7" in out.stdout

    report = tmp_path / "排名.csv"
    made = subprocess.run([*scoring_cli, "run", str(rubric), str(evidence), "-o", str(report)],
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    lines = list(csv.reader(report.read_text(encoding="utf-8-sig").splitlines()))
    assert lines[0][:6] == ["排名", "编号", "得分", "等级", "自评得分", "自评差(自评−复评)"]
    assert lines[1][:6] == ["1", "A", "83.3", "合格", "97.0", "13.7"]

    bad = tmp_path / "bad.csv"
    bad.write_bytes(E2E_CSV.replace("B,复评,张,50,30,0", "B,复评,张,50,30,1").encode("gbk"))
    refused = subprocess.run([*scoring_cli, "run", str(rubric), str(bad)], capture_output=True, text=True)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "the raters disagree on a figure that is not rated" in refused.stderr


def test_the_form_has_the_stage_and_rater_columns(tmp_path: Path) -> None:
    rubric = tmp_path / "r.toml"
    rubric.write_text(E2E_RUBRIC, encoding="utf-8")
    exe = Path(sys.executable).with_name("scoring")
    scoring_cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "scoring.cli"]
    made = subprocess.run([*scoring_cli, "template", str(rubric), "-o", str(tmp_path / "form.csv")],
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    header = (tmp_path / "form.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "企业编号,评价阶段,评分人,现场检查得分,资料检查得分,死亡人数"


def test_evidence_without_the_stage_column_is_all_review(engine: scoring.Engine) -> None:
    result = engine.score(stage_rubric(engine), [{"id": "U", "a": 50, "b": 30, "deaths": 0}])
    assert result.unit("U").score == 80.0 and result.unit("U").self_assessment is None
    assert granted(result, "U") == [] and result.warnings == ()   # self.* missing: no condition holds
    assert result.stages is None and "Self-assessment" not in result.explain("U").to_text()


def test_plugin_checks_see_one_stage_at_a_time(engine: scoring.Engine, tmp_path: Path) -> None:
    # The bundled group-school sample holds every group twice (自评, 复评): one lead school per assessment.
    rubric = engine.load_rubric("group-school-supervision")
    assert rubric.sample is not None
    result = engine.score(rubric, rubric.sample)
    assert not [w for w in result.warnings if scoring.notices.as_notice(w).code in ("two_leads", "no_lead")]
    # A self-assessment naming two lead schools is warned about as the self-assessment's.
    lines = rubric.sample.read_text(encoding="utf-8").splitlines()
    head = lines[0].split(",")
    role, assessment = head.index("role"), head.index("assessment")
    changed = []
    for line in lines:
        cells = line.split(",")
        if len(cells) > role and cells[assessment] == "自评" and cells[0] == "G01S2":
            cells[role] = "龙头校"
        changed.append(",".join(cells))
    evidence = tmp_path / "two-leads.csv"
    evidence.write_text("\n".join(changed) + "\n", encoding="utf-8")
    warned = [scoring.notices.as_notice(w) for w in engine.score(rubric, evidence).warnings]
    assert [(w.code, w.unit) for w in warned] == [("two_leads", "G01")]
    assert warned[0].message.startswith("self-assessment (自评) rows: group G01, period 2026Q4")


def test_the_arrow_table_has_the_self_assessment(engine: scoring.Engine) -> None:
    pytest.importorskip("pyarrow")
    result = engine.score(stage_rubric(engine), [row("U", "自评", 58, 39), row("U", "复评", 52.3, 31),
                                                 row("V", "复评", 10, 10)])
    table = result.to_arrow()
    assert table.column("self.score").to_pylist() == [97.0, None]
    assert table.column("self.gap").to_pylist() == [13.7, None]
