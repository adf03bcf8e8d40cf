"""Every figure the rubric pages (docs/rubrics/*.md) state, checked against the engine.

Each check names the sentence of the page it stands for, and fails if the
sentence is changed or the engine no longer gives its figure: grade spreads of
the samples, worked computations (through the rubric's worked examples, which
the engine runs), sample totals and pool sums.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest

import scoring
from scoring.examples import run_examples

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs" / "rubrics"
PAGES = sorted(p.stem for p in DOCS.glob("*.md"))


def sample_rows(rid: str) -> list[dict[str, str]]:
    with (REPO / "rubrics" / "samples" / f"{rid}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def page(rid: str) -> str:
    return " ".join((DOCS / f"{rid}.md").read_text(encoding="utf-8").split())


def says(rid: str, sentence: str) -> None:
    assert " ".join(sentence.split()) in page(rid), f"docs/rubrics/{rid}.md no longer says: {sentence}"


@pytest.fixture(scope="module")
def samples(engine: scoring.Engine) -> dict[str, scoring.Result]:
    # As `scoring run RID --sample` does: with the earlier results bundled with the sample, if any.
    rubrics = {rid: engine.load_rubric(rid) for rid in PAGES}
    return {rid: engine.score(r, r.sample, history=None if r.sample_history is None else [r.sample_history])  # type: ignore[arg-type]
            for rid, r in rubrics.items()}


def example(engine: scoring.Engine, rid: str, title_part: str) -> Any:
    """The rubric's worked example whose title holds `title_part`, after checking the engine passes it."""
    rubric = engine.load_rubric(rid)
    for spec, outcome in zip(rubric.model.example, run_examples(engine, rubric)):
        if title_part in spec.title:
            assert outcome.passed, outcome.problems
            return spec.expect
    raise AssertionError(f"{rid}: no worked example titled like {title_part!r}")


def test_every_rubric_has_a_page() -> None:
    assert PAGES == sorted(b.id for b in scoring.Engine().bundled_rubrics())


@pytest.mark.parametrize("rid", PAGES)
def test_the_stated_grade_spread_is_the_samples(samples: dict[str, scoring.Result], rid: str) -> None:
    found = re.search(r"The sample grades ((?:\d+ \S+?(?:,| and) ?)+\d+ [^\s.;,(]+)", page(rid))
    assert found, f"docs/rubrics/{rid}.md states no grade spread"
    stated = {name: int(count) for count, name in re.findall(r"(\d+) ([^\s,.;(]+)", found.group(1).replace(" and ", ", "))}
    assert stated == samples[rid].summary()["grades"]


def test_department_worked_computation(engine: scoring.Engine) -> None:
    rid = "department-safety-target"
    says(rid, "577 hazards found, 561 rectified, a rate of 97.23%")
    says(rid, "rectification = (0.972270 − 0.90) ÷ (1.00 − 0.90) × 10 = 7.227 points (of 10)")
    says(rid, "every other item full: 100 − 10 + 7.227 = 97.227 → 97.2, 优秀")
    expect = example(engine, rid, "561 of 577 rectified")
    assert expect.score == 97.2 and expect.grade == "优秀" and expect.indicators == {"rectification": 7.23}
    says(rid, "The bundled sample distributes exactly those two totals over its 20 units.")
    rows = sample_rows(rid)
    assert len(rows) == 20
    assert sum(int(r["hazards_found"]) for r in rows) == 577 and sum(int(r["hazards_rectified"]) for r in rows) == 561


def test_enterprise_worked_computation_and_awards(engine: scoring.Engine, samples: dict[str, scoring.Result]) -> None:
    rid = "enterprise-safety-target"
    says(rid, "89 hazards found, 74 rectified (83.15%); the sample's register holds exactly those 89 hazards, "
              "74 of them with a rectified date")
    says(rid, "the self-assessment rows repeat the register")
    hazards = [r for r in sample_rows(rid) if r["parent"] and r["stage"] == "复评"]
    assert [r["id"] for r in hazards] == [r["id"] for r in sample_rows(rid) if r["parent"] and r["stage"] == "自评"]
    assert len(hazards) == 89 and sum(1 for r in hazards if r["hazard_rectified_on"]) == 74
    says(rid, "rate 5 ÷ 6 = 0.833333; rectification (0.833333 − 0.60) ÷ 0.35 × 15 = 10.0")
    says(rid, "base 0.6 × 75 + 0.4 × 91.6667 = 81.6667; bonus 三级 +1 → 82.7, 良好")
    expect = example(engine, rid, "a hazard register: 5 rectified on time")
    assert (expect.score, expect.grade, expect.indicators["rectification"], expect.bonus) == (82.7, "良好", 10, 1)
    says(rid, "5 ÷ 7 = 0.714286, 4.90 points and 合格")
    says(rid, "E063's major hazard (a single-walled buried tank, found 2026-02-03, due 2026-05-04, still open) is "
              "overdue at three checks and takes E063 from 良好 to 合格")
    e063 = samples[rid].unit("E063")
    assert e063.grade == "合格" and {m["id"]: m["values"]["rectification"]["overdue_checks"]
                                      for m in e063.members}["E063-H01"] == 3
    says(rid, "E018's one hazard (found 2026-12-05, due 2027-01-04) is within its period at the year's end and "
              "costs nothing")
    assert samples[rid].unit("E018").indicators["rectification"].points == 15
    says(rid, "deaths 30 − 15 = 15 and accidents 5 − 2 × 1 = 3, not 5 − 2 × 2")
    expect = example(engine, rid, "no double deduction")
    assert expect.indicators["deaths"] == 15 and expect.indicators["accidents"] == 3
    says(rid, "安全生产先进单位 (优秀, at most 18, 5,000 元)")
    summary = samples[rid].summary()["consequences"]["advanced_unit"]
    assert summary["units"] == 18 and summary["amount"] == 18 * 5000
    amounts = {c.amount for u in samples[rid].units() for c in u.consequences if c.id == "advanced_unit"}
    assert amounts == {5000.0}


def test_enterprise_panel_and_self_assessment(samples: dict[str, scoring.Result]) -> None:
    rid = "enterprise-safety-target"
    result = samples[rid]
    says(rid, "combine by `trimmed_mean` with `trim_from = 5`: the highest and the lowest are dropped only with at "
              "least 5 inspectors, so with the usual 3 the combined figure is the plain mean of the three")
    rubric = result.rubric.model
    assert rubric.raters is not None and (rubric.raters.combine, rubric.raters.trim_from) == ("trimmed_mean", 5)
    assert sorted(f for f, spec in rubric.fields.items() if spec.rated) == ["certified_share", "drills", "meetings", "trainings"]
    says(rid, "E001's three inspectors read its 2026Q1 meeting records differently: 张伟 5, 李娜 0, 王强 0 points, "
              "combined 1.67 (the mean)")
    panel = result.unit("E001").panel
    assert panel is not None
    q1 = panel["indicators"]["meetings"][0]
    assert q1["period"] == "2026Q1" and q1["raters"] == {"张伟": 5.0, "李娜": 0.0, "王强": 0.0}
    assert q1["dropped"] == [] and round(q1["combined"], 2) == 1.67
    says(rid, "In the sample 10 enterprises are 通报, the widest gap E019's (97.1 claimed, 81.4 reviewed: 15.7).")
    flagged = [u for u in result.units() if any(c.id == "inflated_self_assessment" for c in u.consequences)]
    assert len(flagged) == 10
    gaps = {u.id: u.self_assessment["gap"] for u in result.units() if u.self_assessment is not None}
    assert max(gaps, key=lambda k: gaps[k]) == "E019" and gaps["E019"] == 15.7
    e019 = result.unit("E019")
    assert e019.score == 81.4 and e019.self_assessment is not None and e019.self_assessment["score"] == 97.1
    says(rid, "(1,298 rows: 840 inspectors' and 280 self-assessment rows, the 89 hazards twice)")
    rows = sample_rows(rid)
    assert len(rows) == 1298
    assert sum(1 for r in rows if r["inspector"]) == 840
    assert sum(1 for r in rows if r["stage"] == "自评" and not r["parent"]) == 280
    assert sum(1 for r in rows if r["parent"]) == 2 * 89


def test_exchange_teacher_worked_computation_and_fund(engine: scoring.Engine, samples: dict[str, scoring.Result]) -> None:
    rid = "exchange-teacher"
    says(rid, "15 + 20 + 20 × ½ + 0.6 × 15 + 7.5 + 10 = 71.5, 合格")
    expect = example(engine, rid, "a partial record")
    assert (expect.score, expect.grade) == (71.5, "合格")
    says(rid, "# 95 points, host 良好 → 良好")
    t03 = samples[rid].unit("T03")
    assert (t03.score, t03.grade) == (95.0, "良好")
    says(rid, "(25,000 元 in the sample")
    says(rid, "with 8 teachers rated 优秀 each receives 3,125 元")
    says(rid, "eight 优秀 share the whole fund of 25,000 元, 3,125 元 each")
    fund = samples[rid].summary()["consequences"]["special_fund_bonus"]
    assert fund["pool"]["total"] == fund["pool"]["used"] == fund["amount"] == 25_000 and fund["units"] == 8
    paid = [c.amount for u in samples[rid].units() for c in u.consequences if c.id == "special_fund_bonus"]
    assert paid == [3125.0] * 8


def test_group_school_worked_computation_and_fund(engine: scoring.Engine, samples: dict[str, scoring.Result]) -> None:
    from .test_rubric_group_school_supervision import FULL_VISIT, school

    rid = "group-school-supervision"
    says(rid, "X̄ = 3.75, Σ (Pᵢ/P)(Xᵢ − X̄)² = 5.1875 and a weighted CV of 0.6074")
    says(rid, "so (0.75 − 0.6074) / 0.30 × 10 = 4.75 points; with the exam gap 12.5, the improvement 16.90, "
              "the other balance items 10 each and satisfaction 24, the outcome is 78.15, the score 86.9 and "
              "the grade 良好")
    rows = [{"id": "G", "period": "2026Q4", **FULL_VISIT}, school("A", "龙头校", 1000, 6.0, 4000, 80, 78),
            school("B", "成员校", 500, 2.0, 3000, 76, 72), school("C", "成员校", 500, 1.0, 3000, 64, 62)]
    unit = engine.score(engine.load_rubric(rid), rows).unit("G")
    ind = unit.indicators
    assert ind["balance_teachers"].value == pytest.approx(0.6074, abs=5e-5)
    assert round(ind["balance_teachers"].points, 2) == 4.75 and ind["exam_gap"].points == 12.5
    assert round(ind["exam_improvement"].points, 2) == 16.90
    assert ind["teacher_satisfaction"].points + ind["parent_satisfaction"].points == 24
    assert round(unit.phases["outcome"] or 0, 2) == 78.15 and (unit.score, unit.grade) == (86.9, "良好")
    says(rid, "1,000,000 元 shared pro rata to the score above 60 among the groups graded 合格 or better")
    fund = samples[rid].summary()["consequences"]["award_fund"]
    assert fund["pool"]["total"] == fund["pool"]["used"] == fund["amount"] == 1_000_000
    funded = {u.grade for u in samples[rid].units() for c in u.consequences if c.id == "award_fund"}
    assert funded == {"优秀", "良好", "合格"}
    says(rid, "优秀 1.2, 良好 1.1, 合格 1.0, 不合格 0.9")
    coefficient = {"优秀": 1.2, "良好": 1.1, "合格": 1.0, "不合格": 0.9}
    for u in samples[rid].units():
        assert [c.amount for c in u.consequences if c.id == "pay_coefficient"] == [coefficient[u.grade or ""]]


def test_group_school_self_assessment(samples: dict[str, scoring.Result]) -> None:
    rid = "group-school-supervision"
    result = samples[rid]
    says(rid, "In the sample, G06 (75.4 on review, 86.8 on its own account: a gap of 11.4), G08 (gap 11.0) and "
              "G09 (gap 11.3) are 通报 for 自评失实; G04's gap of exactly 10.0 (80.9 reviewed, 90.9 claimed) is not "
              "more than 10, so it is not; G05 and G03 reported their visits as the team found them (gap 0.0).")

    def stage(uid: str) -> tuple[float | None, float | None, float | None]:
        u = result.unit(uid)
        assert u.self_assessment is not None
        return u.score, u.self_assessment["score"], u.self_assessment["gap"]

    assert stage("G06") == (75.4, 86.8, 11.4) and stage("G04") == (80.9, 90.9, 10.0)
    assert stage("G08")[2] == 11.0 and stage("G09")[2] == 11.3
    assert stage("G05")[2] == 0.0 and stage("G03")[2] == 0.0
    flagged = sorted(u.id for u in result.units() for c in u.consequences if c.id == "inflated_self_assessment")
    assert flagged == ["G06", "G08", "G09"]


def test_risk_grading_boundaries_and_inspections(engine: scoring.Engine, samples: dict[str, scoring.Result]) -> None:
    rid = "enterprise-risk-grading"
    says(rid, "(40 enterprises, 168 hazard sources;")
    result = samples[rid]
    assert result.layout.n_units == 40 and result.layout.members is not None and len(result.layout.members.ids) == 168
    says(rid, "warehouse QY040's worst source is D = 70 (低) and smelter QY011's D = 75 (一般)")
    assert (result.unit("QY040").score, result.unit("QY040").grade) == (70.0, "低")
    assert (result.unit("QY011").score, result.unit("QY011").grade) == (75.0, "一般")
    says(rid, "two direct determinations: QY003 (D = 240) and QY034 (D = 90) are 重大")
    for uid, d in (("QY003", 240.0), ("QY034", 90.0)):
        u = result.unit(uid)
        assert (u.score, u.grade, [v.id for v in u.vetoes]) == (d, "重大", ["direct_major"])
    says(rid, "give D = 240, 较大 by D, but 重大 by direct determination; the same sources without the condition stay 较大")
    assert (example(engine, rid, "直接判定: a 较大 source").grade, example(engine, rid, "without a direct").grade) == ("重大", "较大")
    says(rid, "The inspection frequencies (12 / 6 / 4 / 2 a year")
    per_grade = {"重大": 12, "较大": 6, "一般": 4, "低": 2}
    for u in result.units():
        assert [c.amount for c in u.consequences if c.id == "inspection_frequency"] == [per_grade[u.grade or ""]]


def test_standardization_worked_computations(engine: scoring.Engine, samples: dict[str, scoring.Result]) -> None:
    rid = "safety-standardization"
    says(rid, "百分制 = 876 ÷ (1000 − 40) × 100 = 91.25 → 91.3 (half-up; half-even would give 91.2)")
    expect = example(engine, rid, "876 of (1000 − 40)")
    assert (expect.score, expect.grade) == (91.3, "一级")
    says(rid, "250.5 points deducted with every item applicable gives 74.95, which is 75.0 and so 二级")
    expect = example(engine, rid, "74.95 is 75.0")
    assert (expect.score, expect.grade) == (75.0, "二级")
    says(rid, "# one enterprise: 95.9 points, one death → 二级")
    s15 = samples[rid].unit("S15")
    assert (s15.score, s15.grade) == (95.9, "二级")


def test_every_page_with_a_figure_is_checked_here() -> None:
    checked = {"department-safety-target", "enterprise-safety-target", "exchange-teacher",
               "group-school-supervision", "enterprise-risk-grading", "safety-standardization"}
    assert set(PAGES) == checked, "a new rubric page needs its figures checked in this module"


def test_group_school_member_results_are_the_engines(engine: scoring.Engine, samples: dict[str, scoring.Result]) -> None:
    from .test_member_results import group_rows

    rid = "group-school-supervision"
    says(rid, "the lead school A scores 40 + 22.6923 + 10 + 10 + 10 = 92.7 (优秀), B 40 + 30 + 0.6667 + 10 + 7.1429 = "
              "87.8 (良好) and C 10 + 24.6774 + 0 + 10 + 7.1429 = 51.8 (不合格), while the group stays 86.9, 良好")
    unit = engine.score(rid, group_rows()).unit("G")
    assert [(m["id"], m["result"]["score"], m["result"]["grade"]) for m in unit.members] == [
        ("A", 92.7, "优秀"), ("B", 87.8, "良好"), ("C", 51.8, "不合格")]
    assert (unit.score, unit.grade) == (86.9, "良好")
    says(rid, "求真中学教育集团 (G05)'s three schools score 93.5 (优秀), 91.7 (优秀) and 84.3 (良好)")
    g05 = samples[rid].unit("G05")
    assert [(m["result"]["score"], m["result"]["grade"]) for m in g05.members] == [
        (93.5, "优秀"), (91.7, "优秀"), (84.3, "良好")]
