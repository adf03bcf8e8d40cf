"""Amendments (--amend) and committee decisions (--decisions) in every report a person reads.

Each format must show an override with its reason, who decided and when, the
rules' own outcome beside what now stands, and every amendment (old → new,
reason, who approved); a report rendered later from the JSON result must be
the same bytes. The HTML report is also checked in a browser
(tests/test_html_browser.py).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring
from scoring.amend import Amendment
from scoring.overrides import CommitteeDecision
from scoring.report.escape import md_text
from scoring.writers import WriteOptions
from tests.test_reports import scoring_cli  # fixes the run time (SOURCE_DATE_EPOCH)
from tests.test_diff import RUBRIC

REPORTS = ["csv", "md", "xlsx", "html"]


def decision(unit: str, target: str, action: str, value: str = "", reason: str = "复核认定") -> CommitteeDecision:
    return CommitteeDecision(unit, target, action, value, reason, "局长办公会", "2026-01-15", "d.csv", "row 2")


def fix(unit: str, old: str, new: str, reason: str = "台账补录") -> Amendment:
    return Amendment(unit, "a", old, new, reason, "监督科 张三", "", "fix.csv", "row 2")


@pytest.fixture(scope="module")
def decided(engine: scoring.Engine) -> scoring.Result:
    # Scores 100, 90, 80, 70 (u3 corrected from 6 to 7). By the rules u0 and u1 hold 先进
    # (two places); the committee denies u1 and grants u3, and sets u2's grade to A.
    rubric = engine.rubric_from_text(RUBRIC)
    rows = [{"id": f"u{k}", "a": s} for k, s in enumerate((10, 9, 8, 6))]
    return engine.score(rubric, rows, amendments=[fix("u3", "6", "7", "补交台账")],
                        committee=[decision("u1", "advanced", "deny", reason="年内发生较大舆情"),
                                   decision("u3", "advanced", "grant", reason="补报材料经核实"),
                                   decision("u2", "grade", "set", "A")])


def test_csv_has_a_decisions_and_an_amendments_column(engine: scoring.Engine, decided: scoring.Result) -> None:
    text = str(engine.render(decided, "csv", WriteOptions(bom=False)))
    rows = {r["ID"]: r for r in csv.DictReader(io.StringIO(text))}
    assert list(rows["u0"])[-2:] == ["Committee decisions", "Amendments"]
    # The rule's own outcome (granted) beside what stands (not granted), the reason, who and when.
    assert rows["u1"]["Committee decisions"] == "先进单位: rules granted → not granted (年内发生较大舆情; 局长办公会, 2026-01-15)"
    assert rows["u1"]["先进单位"] == ""  # what now stands
    assert rows["u3"]["Committee decisions"] == "先进单位: rules not granted → granted (补报材料经核实; 局长办公会, 2026-01-15)"
    assert rows["u3"]["先进单位"] == "granted"
    assert rows["u2"]["Committee decisions"] == "Grade: rules B → A (复核认定; 局长办公会, 2026-01-15)"
    assert rows["u2"]["Grade"] == "A"
    assert rows["u3"]["Amendments"] == "a: 6 → 7 (补交台账; 监督科 张三)"
    assert rows["u0"]["Committee decisions"] == rows["u0"]["Amendments"] == ""
    ids = next(csv.reader(io.StringIO(str(engine.render(decided, "csv", WriteOptions(bom=False, headers="ids"))))))
    assert ids[-2:] == ["decisions", "amendments"]


def test_markdown_lists_every_decision_and_amendment(engine: scoring.Engine, decided: scoring.Result) -> None:
    md = str(engine.render(decided, "md"))
    assert "## Committee decisions" in md and "## Amendments" in md
    assert ("| u1 | 先进单位 | deny | granted | not granted | 年内发生较大舆情 | 局长办公会 | 2026-01-15 | d.csv row 2 |"
            in md)
    assert "| u2 | Grade | set to A | B | A | 复核认定 | 局长办公会 | 2026-01-15 | d.csv row 2 |" in md
    assert "| u3 | a |  | 6 | 7 | 补交台账 | 监督科 张三 | fix.csv row 2 |" in md
    ranking_u1 = next(line for line in md.splitlines() if line.startswith("| 2 | u1 |"))
    assert "rules granted → not granted (年内发生较大舆情" in ranking_u1


def test_the_workbook_has_decision_and_amendment_sheets(engine: scoring.Engine, decided: scoring.Result) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(io.BytesIO(engine.render(decided, "xlsx")))  # type: ignore[arg-type]
    assert wb.sheetnames[:5] == ["Ranking", "Deductions", "Consequences", "Committee decisions", "Amendments"]
    rows = [[c.value for c in r] for r in wb["Committee decisions"].iter_rows()]
    assert rows[0] == ["ID", "Decision on", "Decision", "By the rules", "Now stands", "Reason", "Decided by", "Date",
                       "Source"]
    assert rows[1] == ["u1", "先进单位", "deny", "granted", "not granted", "年内发生较大舆情", "局长办公会", "2026-01-15",
                       "d.csv row 2"]
    assert len(rows) == 4
    amended = [[c.value for c in r] for r in wb["Amendments"].iter_rows()]
    assert amended[1] == ["u3", "a", None, "6", "7", "补交台账", "监督科 张三", "fix.csv row 2"]
    ranking = [[c.value for c in r] for r in wb["Ranking"].iter_rows()]
    column = ranking[0].index("Committee decisions")
    marked = {r[1]: r[column] for r in ranking[1:] if r[column]}
    assert set(marked) == {"u1", "u2", "u3"} and "年内发生较大舆情" in marked["u1"]


def test_the_html_report_has_a_section_and_marks_the_rows(engine: scoring.Engine, decided: scoring.Result) -> None:
    html = str(engine.render(decided, "html"))
    assert '<section id="workflow"><h2>Amendments and committee decisions</h2>' in html
    assert html.count('class="overridden"') == 3  # u1, u2, u3: each ranking row the committee decided on
    assert "rules granted → not granted (年内发生较大舆情; 局长办公会, 2026-01-15)" in html
    assert "<li>a: 6 → 7 (补交台账; 监督科 张三)</li>" in html  # in u3's own section


def test_without_decisions_nothing_is_added(engine: scoring.Engine) -> None:
    plain = engine.score(engine.rubric_from_text(RUBRIC), [{"id": "u0", "a": 9}])
    for fmt in ("csv", "md", "html"):
        text = str(engine.render(plain, fmt))
        assert "Committee decisions" not in text and "Amendments" not in text, fmt


def test_rendered_later_the_same_bytes(engine: scoring.Engine, decided: scoring.Result) -> None:
    doc = json.loads(engine.render(decided, "json"))
    assert doc["report"]["amended_fields"] == {"a": "a"}
    for fmt in REPORTS:
        for options in (WriteOptions(), WriteOptions(bom=False, headers="ids")):
            assert engine.render(decided, fmt, options) == engine.render_saved(doc, fmt, options), fmt


def test_chinese_reports_from_the_command_line(tmp_path: Path) -> None:
    """The bundled enterprise rubric with a decisions and an amendments file, in Chinese, run and render alike."""
    openpyxl = pytest.importorskip("openpyxl")
    (tmp_path / "d.csv").write_text("单位,事项,决定,值,理由,决定人,日期\n"
                                    "E047,advanced_unit,不予,,年内发生较大舆情,局长办公会,2026-01-15\n"
                                    "E023,grade,改为,合格,复核认定,局长办公会,2026-01-15\n", encoding="gbk")
    (tmp_path / "a.csv").write_text("单位,字段,期间,检查人员,评价阶段,原值,新值,理由,批准人\nE023,meetings,2026Q1,赵磊,复评,0,2,会议记录补录,安监科 张三\n",
                                    encoding="utf-8")
    flags = ["--amend", "a.csv", "--decisions", "d.csv"]
    done = scoring_cli("run", "enterprise-safety-target", *flags, "-o", "r.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for fmt in REPORTS:
        assert scoring_cli("run", "enterprise-safety-target", *flags, "-o", f"run.{fmt}", cwd=tmp_path).returncode == 0
        done = scoring_cli("render", "r.json", "-o", f"render.{fmt}", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert (tmp_path / f"run.{fmt}").read_bytes() == (tmp_path / f"render.{fmt}").read_bytes(), fmt
    wb = openpyxl.load_workbook(tmp_path / "run.xlsx")
    assert "会议决定" in wb.sheetnames and "复核更正" in wb.sheetnames
    rows = [[c.value for c in r] for r in wb["会议决定"].iter_rows(values_only=False)]
    assert rows[0][:5] == ["编号", "名称", "事项", "决定", "按规则"]
    assert rows[1][:8] == ["E047", "中石化河口加油站", "安全生产先进单位", "不予", "给予，金额 5,000.00", "不给予",
                           "年内发生较大舆情", "局长办公会"]
    assert rows[1][-1] == "d.csv 第2行"
    assert rows[2][2:6] == ["等级", "改为合格", "不合格", "合格"]
    amended = [[c.value for c in r] for r in wb["复核更正"].iter_rows()]
    assert amended[1][:8] == ["E023", "凤凰加油站", "本季度安全生产会议次数", "2026Q1", "0", "2", "会议记录补录", "安监科 张三"]
    text = (tmp_path / "run.csv").read_text(encoding="utf-8-sig")
    assert "安全生产先进单位：规则给予，金额 5,000.00→现不给予（年内发生较大舆情；局长办公会，2026-01-15）" in text
    md = (tmp_path / "run.md").read_text(encoding="utf-8")
    assert "## 会议决定" in md and "## 复核更正" in md


# --- every amendment and override appears, whatever they are ---------------------
REASONS = st.text(alphabet="复核认定会议材料ab |<>&*-", min_size=1, max_size=12).filter(lambda t: t.strip() == t)
TARGETS = st.sampled_from([("advanced", "grant", ""), ("advanced", "deny", ""), ("fund", "grant", ""),
                           ("fund", "deny", ""), ("grade", "set", "A"), ("grade", "set", "C")])


def _sheet(wb: Any, name: str) -> list[list[Any]]:
    return [[c.value for c in r] for r in wb[name].iter_rows()] if name in wb.sheetnames else []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(1, 10), min_size=1, max_size=6), st.data())
def test_every_amendment_and_override_appears_in_the_workbook_and_markdown(engine: scoring.Engine, scores: list[int],
                                                                           data: st.DataObject) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    n = len(scores)
    picks = data.draw(st.lists(st.tuples(st.integers(0, n - 1), TARGETS, REASONS), max_size=5,
                               unique_by=lambda t: (t[0], t[1][0])))
    decisions = [decision(f"u{k}", target, action, value, reason) for k, (target, action, value), reason in picks]
    fixed = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(1, 10), REASONS), max_size=4,
                               unique_by=lambda t: t[0]))
    amendments = [fix(f"u{k}", str(scores[k]), str(new), reason) for k, new, reason in fixed]
    rubric = engine.rubric_from_text(RUBRIC)
    result = engine.score(rubric, [{"id": f"u{k}", "a": s} for k, s in enumerate(scores)],
                          amendments=amendments, committee=decisions)
    wb = openpyxl.load_workbook(io.BytesIO(engine.render(result, "xlsx")))  # type: ignore[arg-type]
    listed = _sheet(wb, "Committee decisions")[1:]
    assert sorted((r[0], r[5]) for r in listed) == sorted((d.unit, d.reason) for d in decisions)
    assert sorted((r[0], r[3], r[4], r[5]) for r in _sheet(wb, "Amendments")[1:]) == sorted(
        (a.unit, a.old, a.new, a.reason) for a in amendments)
    ranking = _sheet(wb, "Ranking")
    if decisions:
        column = ranking[0].index("Committee decisions")
        marked = {r[1] for r in ranking[1:] if r[column]}
        assert marked == {d.unit for d in decisions}
    md = str(engine.render(result, "md"))
    for d in decisions:
        assert f"| {d.unit} | " in md and md_text(d.reason) in md
    for a in amendments:
        assert f"| {a.unit} | a |  | {a.old} | {a.new} | {md_text(a.reason)} |" in md
