"""Reports for people: CSV, Markdown, Excel and HTML, and `scoring render`.

Every bundled rubric is written in every report format, then checked against
its own JSON result: the Excel workbook is opened with openpyxl (sheets,
headers, numbers stored as numbers at the rubric's precision, names, amounts),
and a report remade from the saved JSON must be the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import scoring
from scoring.report.escape import FORMULA_START, csv_text, html_text, md_text
from scoring.report.labels import TABLES
from scoring.writers import WriteOptions

from .conftest import BASE_FIELDS, RATIO_BODY, rubric_text

BUNDLED = ["department-safety-target", "enterprise-risk-grading", "enterprise-safety-target", "exchange-teacher",
           "group-school-supervision", "safety-standardization"]
REPORTS = ["csv", "md", "xlsx", "html"]
SHEETS_ZH = ["排名", "扣分明细", "奖惩", "否决", "未评", "说明"]


def scoring_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("scoring")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "scoring.cli"]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "SOURCE_DATE_EPOCH": "1800000000"}
    return subprocess.run(command + list(args), capture_output=True, text=True, cwd=cwd, timeout=180, env=env)


@pytest.fixture(scope="module")
def results(engine: scoring.Engine) -> dict[str, tuple[scoring.Result, dict[str, Any]]]:
    out = {}
    for rid in BUNDLED:
        result = engine.score(rid, engine.load_rubric(rid).sample)  # type: ignore[arg-type]
        doc = json.loads(engine.render(result, "json"))
        out[rid] = (result, doc)
    return out


# --- labels and escaping ------------------------------------------------------
def test_every_language_table_has_every_word() -> None:
    for language, table in TABLES.items():
        assert set(table) == set(TABLES["en"]), language
        assert all(value for value in table.values()), language


@given(st.text())
def test_csv_cells_never_start_a_formula(text: str) -> None:
    out = csv_text(text)
    assert not out.startswith(FORMULA_START)
    assert out == text or out == "'" + text


@given(st.text())
def test_markdown_cells_cannot_break_a_table_or_carry_html(text: str) -> None:
    out = md_text(text)
    assert "\n" not in out and "\r" not in out and "<" not in out and ">" not in out
    assert out.replace("\\|", "").replace("\\\\", "").count("|") == 0


@given(st.text())
def test_html_text_has_no_markup(text: str) -> None:
    out = html_text(text)
    assert "<" not in out and ">" not in out and '"' not in out and "'" not in out


HOSTILE = [
    {"id": "=1+1", "nm": "=HYPERLINK(\"http://x\")", "a": 10, "b": 9, "flag": "是"},
    {"id": "@SUM", "nm": "<script>alert(1)</script>|x\ny", "a": 10, "b": 10, "flag": "否"},
    {"id": "-2", "nm": "+cmd|' /C calc'!A0", "a": 4, "b": 1, "flag": "是"},
]


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    fields = BASE_FIELDS + 'nm = { type = "text", title = "名称", missing = "zero" }\n'
    text = rubric_text(RATIO_BODY, fields=fields, head='language = "zh"\nname = "nm"\n')
    (tmp_path / "r.toml").write_text(text, encoding="utf-8")
    cols = ["id", "nm", "a", "b", "flag"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    w.writerows([[r[c] for c in cols] for r in HOSTILE])
    w.writerow(["u9", "ok", "x", "1", "是"])  # rejected: x is not a count
    w.writerow(["=cmd", "ok", "bad", "1", "是"])  # rejected, and its id is hostile
    (tmp_path / "e.csv").write_text(buf.getvalue(), encoding="utf-8")
    return tmp_path


def test_hostile_cells_are_inert_in_every_format(hostile: Path) -> None:
    for suffix in ("csv", "md", "html", "xlsx"):
        proc = scoring_cli("run", "r.toml", "e.csv", "--on-error", "skip", "-o", f"out.{suffix}",
                           "--rejects", "rej.csv", cwd=hostile)
        assert proc.returncode == 0, proc.stderr
    rows = list(csv.reader(io.StringIO((hostile / "out.csv").read_text(encoding="utf-8-sig"))))
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_START) or cell.lstrip("-").replace(".", "").isdigit(), cell
    assert any(row[1] == "'=1+1" for row in rows) and any(row[1] == "'-2" for row in rows)
    rejects = list(csv.reader(io.StringIO((hostile / "rej.csv").read_text(encoding="utf-8"))))
    assert any(row[1] == "'=cmd" for row in rejects)
    assert not any(cell.startswith(("=", "+", "@")) for row in rejects for cell in row)
    md = (hostile / "out.md").read_text(encoding="utf-8")
    table = [line for line in md.splitlines() if line.startswith("| ")]
    header_cells = table[0].count(" | ")
    for line in table[:1 + len(HOSTILE)]:  # the ranking: every row has the header's number of cells
        assert line.replace("\\|", "").count(" | ") == header_cells, line
    assert "<script>" not in md
    page = (hostile / "out.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    openpyxl = pytest.importorskip("openpyxl")
    ranking = openpyxl.load_workbook(hostile / "out.xlsx")["排名"]
    cells = {c.value: c for row in ranking.iter_rows(min_row=2) for c in row}
    assert cells["=1+1"].data_type == "s" and cells['=HYPERLINK("http://x")'].data_type == "s"  # text, never formulas


# --- CSV and Markdown for people ----------------------------------------------
def test_csv_has_bom_chinese_headers_names_and_amounts(engine: scoring.Engine, results: dict[str, Any]) -> None:
    result, doc = results["enterprise-safety-target"]
    text = engine.render(result, "csv")
    assert isinstance(text, str) and text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert list(rows[0])[:5] == ["排名", "编号", "名称", "得分", "等级"]
    assert len(rows) == len(doc["units"])
    names = doc["report"]["names"]
    titles = {c["id"]: c["title"] for c in doc["report"]["consequences"]}
    for row, unit, name in zip(rows, doc["units"], names):
        assert row["编号"] == unit["id"] and row["名称"] == name and name
        assert float(row["得分"]) == unit["score"]
        for c in unit["consequences"]:
            if c["amount"] is not None:
                assert float(row[titles[c["id"]]]) == pytest.approx(c["amount"], abs=0.005)
    plain = engine.render(result, "csv", WriteOptions(bom=False, headers="ids"))
    assert isinstance(plain, str) and plain.startswith("rank,id,name,score,grade")


def test_not_applicable_is_a_dash_never_zero(engine: scoring.Engine, results: dict[str, Any]) -> None:
    for rid in BUNDLED:
        result, doc = results[rid]
        text = engine.render(result, "csv", WriteOptions(bom=False, headers="ids"))
        rows = list(csv.DictReader(io.StringIO(str(text))))
        dims = [d for d in doc["report"]["dimensions"] if d["kind"] == "base"]
        for row, unit in zip(rows, doc["units"]):
            for d in dims:
                na = unit["dimensions"][d["id"]]["max"] == 0
                assert (row[d["id"]] == "—") == na, (rid, unit["id"], d["id"])
    # The group-school sample has a kindergarten group to which 质量提升 does not apply.
    result, doc = results["group-school-supervision"]
    assert "| — |" in str(engine.render(result, "md"))


def test_reason_phrases_say_why_a_grade_was_capped_or_set(results: dict[str, Any]) -> None:
    _, doc = results["exchange-teacher"]
    reasons = dict(zip((u["id"] for u in doc["units"]), doc["report"]["reasons"]))
    assert reasons["T03"] == "得分达优秀线(≥90)，但不满足：交流学校考核评价 = 优秀"
    _, doc = results["enterprise-safety-target"]
    reasons = dict(zip((u["id"] for u in doc["units"]), doc["report"]["reasons"]))
    assert reasons["E067"] == "一票否决：瞒报、谎报事故"
    vetoed = {u["id"] for u in doc["units"] if u["vetoes"]}
    assert {k for k, v in reasons.items() if v.startswith("一票否决")} == vetoed


ENGLISH_RULE_WORDS = re.compile(r"\b(all|deducted|when|if|is|yes|else|most|rate|full|linear|between|denominator|"
                                r"applicable|zero|mean|schools?|worst|sources?|stage|fewer|than|weighted|enrolment)\b")


def test_chinese_reports_state_every_rule_in_chinese(results: dict[str, Any]) -> None:
    for rid in BUNDLED:
        _, doc = results[rid]
        for ind in doc["report"]["indicators"]:
            assert not ENGLISH_RULE_WORDS.search(ind["rule"]), (rid, ind["id"], ind["rule"])
            assert not re.search(r"\b[a-z]+_[a-z_]+\b", ind["rule"]), (rid, ind["rule"])  # field ids became titles


def test_library_units_carry_their_name_and_reason(results: dict[str, Any]) -> None:
    result, doc = results["enterprise-safety-target"]
    unit = result.unit("E067")
    assert unit.name == "昌盛液化石油气有限公司" and unit.reason == "一票否决：瞒报、谎报事故"
    assert [u.name for u in result.units()] == doc["report"]["names"]
    assert [u.reason for u in result.units()] == doc["report"]["reasons"]


def test_markdown_has_names_dashes_reasons_and_blank_member_figures(engine: scoring.Engine,
                                                                   results: dict[str, Any]) -> None:
    result, doc = results["enterprise-safety-target"]
    md = str(engine.render(result, "md"))
    assert "| 排名 | 编号 | 名称 | 得分 | 等级 |" in md
    assert "昌盛液化石油气有限公司" in md and "一票否决：瞒报、谎报事故" in md
    result, doc = results["group-school-supervision"]
    md = str(engine.render(result, "md"))
    assert "## 成员" in md and "None" not in md and "nan" not in md
    schools = [m for u in doc["units"] for m in u.get("members", [])]
    assert schools and all(m["name"] for m in schools)  # members named by the rubric's `name` field
    assert f"| {schools[0]['id']} {schools[0]['name']} |" in md


# --- writers by suffix, render ------------------------------------------------
def test_the_output_suffix_picks_the_writer_and_help_lists_writers(tmp_path: Path) -> None:
    proc = scoring_cli("run", "exchange-teacher", "-o", "x.xlsx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "x.xlsx").read_bytes()[:2] == b"PK"
    proc = scoring_cli("run", "exchange-teacher", "-o", "x.docx", cwd=tmp_path)
    assert proc.returncode == 2 and "xlsx (.xlsx)" in proc.stderr and not (tmp_path / "x.docx").exists()
    helptext = scoring_cli("run", "--help", cwd=tmp_path).stdout
    for name in ("json", "csv", "md", "xlsx", "html"):
        assert f"{name} (.{name})" in " ".join(helptext.split())


@pytest.mark.parametrize("rid", BUNDLED)
def test_a_saved_result_renders_to_the_same_bytes(engine: scoring.Engine, results: dict[str, Any], rid: str) -> None:
    result, _ = results[rid]
    doc = json.loads(engine.render(result, "json"))  # the archive, read back as `scoring render` reads it
    for fmt in REPORTS:
        for options in (WriteOptions(), WriteOptions(bom=False, headers="ids")):
            assert engine.render(result, fmt, options) == engine.render_saved(doc, fmt, options), (rid, fmt)


def test_render_from_the_command_line_matches_run(tmp_path: Path) -> None:
    proc = scoring_cli("run", "enterprise-safety-target", "-o", "result.json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    for fmt in REPORTS:
        assert scoring_cli("run", "enterprise-safety-target", "-o", f"run.{fmt}", cwd=tmp_path).returncode == 0
        proc = scoring_cli("render", "result.json", "-o", f"render.{fmt}", cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert (tmp_path / f"run.{fmt}").read_bytes() == (tmp_path / f"render.{fmt}").read_bytes(), fmt


def test_render_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "old.json").write_text('{"units": []}', encoding="utf-8")
    proc = scoring_cli("render", "bad.json", "-o", "x.html", cwd=tmp_path)
    assert proc.returncode == 1 and "bad.json" in proc.stderr and "Traceback" not in proc.stderr
    proc = scoring_cli("render", "old.json", "-o", "x.html", cwd=tmp_path)
    assert proc.returncode == 1 and "rerun" in proc.stderr and not (tmp_path / "x.html").exists()
    assert scoring_cli("render", "old.json", "-o", "x.json", cwd=tmp_path).returncode == 2


# --- Excel --------------------------------------------------------------------
@pytest.mark.parametrize("rid", BUNDLED)
def test_the_workbook_holds_the_json_result(engine: scoring.Engine, results: dict[str, Any], rid: str) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    result, doc = results[rid]
    data = engine.render(result, "xlsx")
    assert isinstance(data, bytes)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    # a sheet of members (schools, hazard sources, hazards) after the vetoes, where the units have any
    has_members = any(u.get("members") for u in doc["units"])
    # and a sheet of the raters who disagree past the rubric's spread, where a panel has any
    spread = [t["title"] for t in doc["report"]["extra"] if t["title"].startswith("评分分歧")]
    # and a sheet of every rater's figure (评分组) before the members, where the units have a panel
    has_panel = any(u.get("panel") for u in doc["units"])
    assert wb.sheetnames == (SHEETS_ZH[:4] + ["评分组"] * has_panel + ["成员"] * has_members + SHEETS_ZH[4:]
                             + ["指标统计"] + spread)
    assert (rid == "enterprise-safety-target") == bool(spread)
    if has_members:
        listed = sum(len(u.get("members", [])) for u in doc["units"])
        assert wb["成员"].max_row == listed + 1  # a row per member, as the JSON lists them
    meta = doc["report"]
    # Which indicators cost the most points: one row per indicator, figures as numbers.
    stats = list(wb["指标统计"].iter_rows(min_row=2, values_only=True))
    assert len(stats) == len(meta["indicators"])
    assert all(isinstance(r[2], (int, float)) and isinstance(r[4], (int, float)) for r in stats)
    precision = meta["precision"]
    ws = wb["排名"]
    header = [c.value for c in ws[1]]
    assert header[:5] == ["排名", "编号", "名称", "得分", "等级"]
    assert ws.freeze_panes == "D2"
    paid = {c["id"]: c["title"] for c in meta["consequences"] if c["paid"]}
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == len(doc["units"])
    for row, unit, name in zip(rows, doc["units"], meta["names"]):
        cells = dict(zip(header, row))
        assert cells["编号"].value == unit["id"] and cells["名称"].value == name
        score = cells["得分"]
        if unit["status"] == "review_ended":  # not scored at all: empty score and rank, 不予评审 as the grade
            assert score.value is None and cells["排名"].value is None and cells["等级"].value == "不予评审"
            continue
        assert score.data_type == "n" and score.value == unit["score"]
        assert score.number_format == ("0." + "0" * precision if precision else "0")
        assert isinstance(cells["排名"].value, int) and cells["排名"].value == unit["rank"]
        for c in unit["consequences"]:
            if c["id"] in paid:
                cell = cells[paid[c["id"]]]
                assert cell.data_type == "n" and cell.value == pytest.approx(c["amount"]) and cell.number_format == "#,##0.00"
        for d in meta["dimensions"]:
            label = f"{d['title']}({d['points']:g})"
            if d["kind"] == "base" and unit["dimensions"][d["id"]]["max"] == 0:
                assert cells[label].value == "—"
            else:
                assert cells[label].value == pytest.approx(unit["dimensions"][d["id"]]["points"])
    granted = [(u["id"], c) for u in doc["units"] for c in u["consequences"]]
    cq = wb["奖惩"]
    cq_header = [c.value for c in cq[1]]
    listed = [dict(zip(cq_header, (c.value for c in r))) for r in cq.iter_rows(min_row=2, max_row=len(granted) + 1)]
    key = lambda pair: (pair[0], -1.0 if pair[1] is None else round(pair[1], 2))  # noqa: E731
    assert sorted(((r["编号"], r["金额"]) for r in listed), key=key) == sorted(
        ((uid, c["amount"]) for uid, c in granted), key=key)
    assert wb["否决"].max_row == 1 + sum(len(u["vetoes"]) for u in doc["units"])
    about = {r[0].value: r[1].value for r in wb["说明"].iter_rows(min_row=2)}
    assert about["方案 sha256"] == doc["rubric"]["sha256"] and about["数据 sha256"] == doc["evidence"]["sha256"]
    lost = wb["扣分明细"]
    lost_header = [c.value for c in lost[1]]
    assert lost_header[:2] == ["编号", "名称"] and "扣分" in lost_header
    for r in lost.iter_rows(min_row=2, max_row=30):
        cells = dict(zip(lost_header, r))
        assert cells["得分"].data_type == "n" and cells["得分"].value < cells["满分"].value


def test_a_sheet_past_excels_rows_ends_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    from scoring.report.tables import Column
    from scoring_std import xlsx_report

    monkeypatch.setattr(xlsx_report, "EXCEL_ROWS", 5)
    cols = [Column("id", "编号", "text", ["a", "b", "c", "d", "e"]), Column("n", "n", "number", [1.0] * 5, 1)]
    cut = xlsx_report.fit_rows(cols, "… {rows} more")
    assert cut[0].values == ["a", "b", "c", "… 2 more"] and cut[1].values == [1.0, 1.0, 1.0, None]
    assert xlsx_report.fit_rows(cols[:1], "{rows}")[0].values == ["a", "b", "c", "2"]
    assert cols[0].values == ["a", "b", "c", "d", "e"]  # the report's own columns are untouched


def test_english_rubrics_get_english_sheets(engine: scoring.Engine) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY))
    result = engine.score(rubric, [{"id": "u1", "a": 10, "b": 9, "flag": "是"}])
    wb = openpyxl.load_workbook(io.BytesIO(engine.render(result, "xlsx")))  # type: ignore[arg-type]
    assert wb.sheetnames == ["Ranking", "Deductions", "Consequences", "Vetoes", "Rejected", "About",
                             "Indicator statistics"]
    assert [c.value for c in wb["Ranking"][1]][:4] == ["Rank", "ID", "Score", "Grade"]


def test_statistics_by_a_field_are_a_sheet_and_an_html_section(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    for name in ("r.xlsx", "r.html"):
        done = scoring_cli("run", "enterprise-safety-target", "--by", "industry", "-o", name, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    by_group = [n for n in wb.sheetnames if n.startswith("指标统计") and n != "指标统计"]
    assert by_group, wb.sheetnames
    groups = {r[0] for r in wb[by_group[0]].iter_rows(min_row=2, values_only=True)}
    assert len(groups) > 1  # one block of rows per industry
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "指标统计" in html and "平均失分" in html


@pytest.mark.parametrize("rid, phrase", [
    ("group-school-supervision", "按得分超出 60 分的部分比例分配；以 0.01 为最小支付单位，按最大余数法分配，合计 1,000,000.00"),
    ("exchange-teacher", "比例分配；以"),
])
def test_a_chinese_report_states_the_pool_rule_in_chinese(
        engine: scoring.Engine, results: dict[str, Any], rid: str, phrase: str) -> None:
    result, _ = results[rid]
    text = engine.render(result, "md")
    assert phrase in text and "pro rata" not in text and "largest remainder" not in text
