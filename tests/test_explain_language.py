"""`scoring explain` speaks the rubric's language, and shows what the rules read from earlier years.

Section titles are looked up by key in scoring/report/labels.py (one table per
language), so a Chinese rubric's explanation has no English section title, and
an English rubric's is unchanged.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import scoring
from scoring.explain import Words
from scoring.report.labels import EN, ZH
from tests.test_history import RUBRIC as HISTORY_RUBRIC
from tests.test_history import YEARS, year
from tests.test_reports import scoring_cli

KEYS = ["head", "dimension", "totals", "grade", "rank", "consequences", "margins"]


def test_every_section_title_has_a_word_in_every_language() -> None:
    for key in KEYS + ["amendments", "decisions", "earlier"]:
        assert EN[f"ex_sec_{key}"] and ZH[f"ex_sec_{key}"]
        assert EN[f"ex_sec_{key}"] != ZH[f"ex_sec_{key}"] or key == "dimension"
    assert Words("zh").section("totals").title == "合计" and Words("zh").section("totals").key == "totals"
    assert Words("fr").section("totals").title == "Totals"  # a language without a table reads English


def test_a_chinese_rubric_is_explained_in_chinese(engine: scoring.Engine) -> None:
    result = engine.score("enterprise-safety-target", engine.load_rubric("enterprise-safety-target").sample)  # type: ignore[arg-type]
    explained = result.explain("E023")
    titles = {s.key: s.title for s in explained.sections}
    assert [k for k in KEYS if k in titles] == KEYS
    assert (titles["totals"], titles["grade"], titles["rank"], titles["consequences"], titles["margins"]) == (
        "合计", "等级", "排名", "奖惩", "差距")
    text = explained.to_text()
    assert "得分 54.9，等级 不合格，排名 68" in text
    # the method's rule, as the reports state it
    assert "在期限（hazard_deadline）内整改的隐患数 ÷ (按期整改数 + 逾期未整改数)" in text
    assert "criticism — 通报批评：给予；满足 `grade == '不合格'`" in text
    # None of the explanation's own English words is left (the rubric's ids and plugins' words aside).
    for english in ("points", "score ,", "grade 不", "rank ", "Totals", "Margins", "not granted", "holds",
                    "period ", "dimension:", "rounded half-up", "phase "):
        assert english not in text, english
    assert json.loads(json.dumps(explained.to_dict()))["sections"][-1]["key"] == "margins"


def test_an_english_rubric_keeps_its_english_words(engine: scoring.Engine) -> None:
    result = engine.score(engine.rubric_from_text(HISTORY_RUBRIC), [{"id": "u0", "a": 10}])
    text = result.explain("u0").to_text()
    assert "\nTotals\n" in text and "\nGrade\n" in text and "\nMargins\n" in text
    assert "score 100, grade A, rank 1" in text and "→ value 10 → 10 points" in text


def test_decisions_and_amendments_are_explained_in_chinese(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("单位,事项,决定,值,理由,决定人,日期\n"
                                    "E047,advanced_unit,不予,,年内发生较大舆情,局长办公会,2026-01-15\n", encoding="utf-8")
    # the sample's inspection panel: the correction names the inspector's row (检查人员 赵磊, 复评)
    (tmp_path / "a.csv").write_text("单位,字段,期间,检查人员,评价阶段,原值,新值,理由,批准人\n"
                                    "E047,meetings,2026Q1,赵磊,复评,1,2,会议记录补录,安监科 张三\n", encoding="utf-8")
    bundled = scoring.Engine().load_rubric("enterprise-safety-target")
    sample = Path(bundled.sample)  # type: ignore[arg-type]
    # 先进单位 needs three good years: the sample's earlier results, as --sample reads them
    years = ("--history", str(bundled.sample_history))
    done = scoring_cli("explain", "enterprise-safety-target", str(sample), "E047", "--decisions", "d.csv",
                       "--amend", "a.csv", *years, cwd=tmp_path)
    if done.returncode != 0 and "does not match" in done.stderr:
        held = re.search(r"holds '([^']*)'", done.stderr)
        assert held, done.stderr
        (tmp_path / "a.csv").write_text("单位,字段,期间,检查人员,评价阶段,原值,新值,理由,批准人\n"
                                        f"E047,meetings,2026Q1,赵磊,复评,{held.group(1)},5,会议记录补录,安监科 张三\n",
                                        encoding="utf-8")
        done = scoring_cli("explain", "enterprise-safety-target", str(sample), "E047", "--decisions", "d.csv",
                           "--amend", "a.csv", *years, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "\n会议决定（优先于以上规则结果）\n" in text
    assert ("安全生产先进单位：规则给予，金额 5000.00；会议决定不予 → 不给予 — 年内发生较大舆情（局长办公会，2026-01-15）"
            in text)
    assert "advanced_unit — 安全生产先进单位：不给予，会议决定不予" in text  # the rule's side is above
    assert "\n复核更正（计分前已更正数据）\n" in text and "meetings（2026Q1）：" in text and "（批准人 安监科 张三）" in text


@pytest.mark.parametrize("language", ["en", "zh"])
def test_explain_shows_the_earlier_results_the_rules_read(engine: scoring.Engine, tmp_path: Path,
                                                          language: str) -> None:
    body = HISTORY_RUBRIC.replace('precision = 1\n', f'precision = 1\nlanguage = "{language}"\n', 1)
    rubric = engine.rubric_from_text(body)
    files = []
    for k in range(3):
        files.append(tmp_path / f"{2023 + k}.json")
        files[-1].write_text(json.dumps(year(engine, k), ensure_ascii=False), encoding="utf-8")
    rows = [{"id": u, "a": s[3]} for u, s in YEARS.items()]
    res = engine.score(rubric, rows, history=files)
    sections = {s.key: s for s in res.explain("u2").sections}
    # u2: absent in 2023, A in 2024 and 2025 (streak 2); its score two years back was 100.
    assert sections["earlier"].lines == ["history.count_C_3 = 0", "history.score_2 = 100", "history.streak_A = 2"]
    assert sections["earlier"].title == Words(language)("ex_sec_earlier")
    # u5 is new: nothing earlier holds it, so a condition reading its score two years back does not hold.
    assert "history.score_2 = " + Words(language)("ex_none") in {s.key: s for s in res.explain("u5").sections}[
        "earlier"].lines
    # Without earlier results there is nothing to show.
    plain = engine.score(rubric, rows)
    assert "earlier" not in {s.key for s in plain.explain("u2").sections}
