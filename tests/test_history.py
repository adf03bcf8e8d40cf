"""Multi-year records (--history): streaks and counts over several earlier results."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring
from scoring.history import history_columns
from scoring.previous import Previous
from scoring.errors import EvidenceError, RubricError
from tests.conftest import rubric_text, single_indicator
from tests.test_cli import scoring_cli

FIELDS = """
[fields]
a = { type = "count" }
"""
RUBRIC = rubric_text(single_indicator(10, "target", 'field = "a"\ntarget = 10') + """
[[consequence]]
id = "model_unit"
title = "连续三年优秀"
when = "grade == 'A' and history.streak_A >= 2"

[[consequence]]
id = "summons"
title = "约谈"
when = "history.count_C_3 >= 2"

[[consequence]]
id = "slipped"
title = "较两年前退步"
when = "score < history.score_2"
""", fields=FIELDS)

A, B, C = 10, 7, 3  # a = 10 scores 100 (A), 7 scores 70 (B), 3 scores 30 (C)
# Oldest first; None: the unit was not assessed that year.
YEARS = {
    "u0": (A, A, A, A),       # four years of A: streak 3
    "u1": (A, B, A, A),       # the streak broke two years ago: 1
    "u2": (None, A, A, A),    # arrived two years ago: streak 2, just enough
    "u3": (A, A, None, A),    # absent last year: streak 0
    "u4": (C, C, B, C),       # C in two of the last three earlier years: summons
    "u5": (None, None, None, A),  # new this year
}


def year(engine: scoring.Engine, k: int) -> dict:
    rubric = engine.rubric_from_text(RUBRIC)
    rows = [{"id": u, "a": s[k]} for u, s in YEARS.items() if s[k] is not None]
    doc: dict = engine.score(rubric, rows).to_dict()
    return doc


@pytest.fixture
def history(engine, tmp_path: Path) -> Path:
    folder = tmp_path / "history"
    folder.mkdir()
    for k, name in enumerate(("2023", "2024", "2025")):
        (folder / f"{name}.json").write_text(json.dumps(year(engine, k), ensure_ascii=False), encoding="utf-8")
    (tmp_path / "r.toml").write_text(RUBRIC, encoding="utf-8")
    (tmp_path / "now.csv").write_text("id,a\n" + "".join(f"{u},{s[3]}\n" for u, s in YEARS.items()), encoding="utf-8")
    return folder


def holders(result: scoring.Result, cid: str) -> set[str]:
    return {u.id for u in result.units() if any(c.id == cid for c in u.consequences)}


def test_a_three_year_streak_and_a_count(engine, history):
    rubric = engine.rubric_from_text(RUBRIC)
    files = sorted(history.glob("*.json"))
    res = engine.score(rubric, history.parent / "now.csv", history=files)
    assert holders(res, "model_unit") == {"u0", "u2"}
    assert holders(res, "summons") == {"u4"}
    # u4 scored 30 two years ago and 30 now: not below; u1 scored 70 two years ago, 100 now.
    assert holders(res, "slipped") == set()
    assert any("history" in w and "2025.json" in w and "u5" in w for w in res.warnings)
    # The directory reads in name order, the same as the files given oldest first.
    same = engine.score(rubric, history.parent / "now.csv", history=str(history))
    assert same.to_dict()["units"] == res.to_dict()["units"]
    # Given newest first, 2023 is read as last year: u2 (absent in 2023) loses its streak,
    # u3 (A in 2023 and 2024) gains one. The order given is the order of the years.
    backwards = engine.score(rubric, history.parent / "now.csv", history=files[::-1])
    assert holders(backwards, "model_unit") == {"u0", "u3"}


def test_indicator_trends(engine, history):
    body = RUBRIC + """
[[consequence]]
id = "rising"
title = "逐年上升"
when = "a > history.value_i_2"

[[consequence]]
id = "weak_start"
title = "weak start"
when = "history.points_i_3 <= 3"
"""
    res = engine.score(engine.rubric_from_text(body), history.parent / "now.csv", history=[history])
    assert holders(res, "rising") == {"u1"}        # 10 now against 7 two years back
    assert holders(res, "weak_start") == {"u4"}    # 3 points in 2023; u2 and u5 were not assessed


def test_history_stands_for_previous(engine, history):
    body = RUBRIC + '\n[[consequence]]\nid = "again"\ntitle = "again"\nwhen = "previous.grade == grade"\n'
    rubric = engine.rubric_from_text(body)
    res = engine.score(rubric, history.parent / "now.csv", history=sorted(history.glob("*.json")))
    assert holders(res, "again") == {"u0", "u1", "u2"}  # 2025's grade equals this year's


def test_without_history_the_conditions_do_not_hold(engine, history):
    res = engine.score(engine.rubric_from_text(RUBRIC), history.parent / "now.csv")
    assert holders(res, "model_unit") == holders(res, "summons") == holders(res, "slipped") == set()


def test_names_outside_the_history_surface_are_refused(engine):
    with pytest.raises(RubricError, match="history.streak_S"):
        engine.rubric_from_text(RUBRIC.replace("history.streak_A", "history.streak_S"))
    with pytest.raises(RubricError, match="history.score_11"):
        engine.rubric_from_text(RUBRIC.replace("history.score_2", "history.score_11"))


def test_another_rubrics_results_are_refused(engine, history):
    doc = json.loads((history / "2024.json").read_text(encoding="utf-8"))
    doc["rubric"]["id"] = "other"
    (history / "2024.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(EvidenceError, match="rubric 'other'"):
        engine.score(engine.rubric_from_text(RUBRIC), history.parent / "now.csv", history=[history])


def test_cli_history_directory(history):
    cwd = history.parent
    proc = scoring_cli("run", "r.toml", "now.csv", "--history", "history", "-o", "out.json", cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((cwd / "out.json").read_text(encoding="utf-8"))
    granted = {u["id"] for u in doc["units"] if any(c["id"] == "model_unit" for c in u["consequences"])}
    assert granted == {"u0", "u2"}
    assert "warning: history" in proc.stderr and "u5" in proc.stderr
    files = scoring_cli("run", "r.toml", "now.csv", "--history", "history/2023.json", "--history",
                        "history/2024.json", "--history", "history/2025.json", "-o", "out2.json", cwd=cwd)
    assert files.returncode == 0
    assert json.loads((cwd / "out2.json").read_text(encoding="utf-8"))["units"] == doc["units"]
    missing = scoring_cli("run", "r.toml", "now.csv", "--history", "nowhere.json", cwd=cwd)
    assert missing.returncode == 1 and "nowhere.json" in missing.stderr and "Traceback" not in missing.stderr


def test_the_docs_history_example_loads(engine):
    doc = (Path(__file__).resolve().parent.parent / "docs" / "workflow.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Several years"):]
    block = section[section.index("```toml\n") + 8:section.index("```", section.index("```toml\n") + 8)]
    grades = '[[grade]]\nname = "优秀"\nmin = 90\n[[grade]]\nname = "合格"\nmin = 60\n[[grade]]\nname = "不合格"\nmin = 0\n'
    rubric = engine.rubric_from_text(rubric_text(single_indicator(10, "target", 'field = "a"\ntarget = 10') + block,
                                                 fields=FIELDS, grades=grades))
    assert [c.id for c in rubric.model.consequence] == ["model_unit", "summons", "slipped"]


GRADE_OR_ABSENT = st.sampled_from(["A", "B", "C", None])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(GRADE_OR_ABSENT, min_size=0, max_size=5), min_size=1, max_size=6), st.integers(1, 6))
def test_history_figures_match_a_plain_reading(engine, sequences, k):
    # sequences[u] is unit u's grades, oldest first; all units share the same number of years.
    years = max(len(s) for s in sequences)
    grid = [s + [None] * (years - len(s)) for s in sequences]
    history = [Previous(f"y{y}", "t", "1", {f"u{u}": {"score": 1.0, "rank": 1, "grade": grid[u][y], "vetoes": []}
                                             for u in range(len(grid)) if grid[u][y] is not None})
               for y in range(years)]
    ids = np.array([f"u{u}" for u in range(len(grid))])
    model = engine.rubric_from_text(RUBRIC).model
    names = {"history.years", "history.streak_A", "history.count_B", f"history.count_C_{k}", f"history.grade_{k}"}
    cols, missing = history_columns(history, ids, model, names)
    for u, seq in enumerate(grid):
        recent = seq[::-1]
        streak = next((i for i, g in enumerate(recent) if g != "A"), len(recent))
        assert cols["history.years"][u] == sum(g is not None for g in seq)
        assert cols["history.streak_A"][u] == streak
        assert cols["history.count_B"][u] == seq.count("B")
        assert cols[f"history.count_C_{k}"][u] == recent[:k].count("C")
        back = recent[k - 1] if k <= len(recent) else None
        assert bool(missing[f"history.grade_{k}"][u]) == (back is None)
        if back is not None:
            assert cols[f"history.grade_{k}"][u] == back


@pytest.mark.parametrize(("language", "expression", "shown"), [
    ("zh", 'grade == "优秀" and history.count_优秀_2 + history.count_良好_2 == 2',
     "等级 = 优秀 且 近2年优秀次数 + 近2年良好次数 = 2"),
    ("zh", "history.streak_优秀 >= 2 or history.count_不合格 > 1", "此前连续优秀年数 >= 2 或 往年不合格次数 > 1"),
    ("zh", 'history.years < 2 and history.grade_1 == "A+"', "往年结果数 < 2 且 1年前等级 = A+"),
    ("zh", "self.score - score > 10", "自评得分 - 得分 > 10"),
    ("en", "history.count_C_3 >= 2", "times C in the last 3 years >= 2"),
])
def test_reports_say_earlier_years_and_the_self_assessment_in_words(language: str, expression: str, shown: str) -> None:
    """A consequence's condition as the reports print it (满足条件：…): no raw `history.count_优秀_2`."""
    from scoring.report.data import humanize
    from scoring.report.labels import labels_for

    lab = labels_for(language)
    assert humanize(expression, {"grade": lab["grade"], "score": lab["score"], "self.score": lab["self_score"]},
                    language) == shown


def test_the_enterprise_report_words_its_advanced_unit_and_self_assessment_rules() -> None:
    """The bundled enterprise rubric's 先进单位 (three good years) and 自评失实 conditions, as its reports print them."""
    from scoring.report.data import expression_titles, humanize

    engine = scoring.Engine()
    rubric = engine.load_rubric("enterprise-safety-target")
    assert rubric.sample is not None
    result = engine.score(rubric, engine.load_evidence(rubric, Path(rubric.sample)))
    shown = [humanize(c.when, expression_titles(result), "zh") for c in rubric.model.consequence]
    assert "自评得分 - 得分 > 10" in shown
    assert any("近2年优秀次数 + 近2年良好次数 = 2" in s for s in shown)
    assert not any("history." in s or "self." in s for s in shown)
