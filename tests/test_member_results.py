"""Each member's own result (`[member_result]`): a school's score and grade under its group."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

import scoring
from scoring.errors import RubricError
from tests.test_cli import scoring_cli
from tests.test_rubric_group_school_supervision import FULL_VISIT, school

ENGINE = scoring.Engine()
RID = "group-school-supervision"


def group_rows() -> list[dict]:
    return [{"id": "G", "period": "2026Q4", **FULL_VISIT}, school("A", "龙头校", 1000, 6.0, 4000, 80, 78),
            school("B", "成员校", 500, 2.0, 3000, 76, 72), school("C", "成员校", 500, 1.0, 3000, 64, 62)]


def test_each_school_has_its_own_result_by_hand():
    unit = ENGINE.score(RID, group_rows()).unit("G")
    # Group X̄: teachers 3.75, backbone 1.2, equipment 3500 (the enrolment-weighted roll-ups).
    # A (lead): exam ratio 1 → 40; improvement (80 − 78) / 78 = 0.025641 → (0.075641 / 0.10) × 30 = 22.6923;
    #   teachers 6 / 3.75 = 1.6 → 10; backbone 1 → 10; equipment 4000 / 3500 = 1.1429 → 10: 92.6923 → 92.7 优秀
    # B: 76 / 80 = 0.95 → 40; (76 − 72) / 72 = 0.0556 ≥ 0.05 → 30; teachers 2 / 3.75 = 0.5333 → (0.0333 / 0.5) × 10
    #   = 0.6667; backbone 10; equipment 3000 / 3500 = 0.8571 → (0.3571 / 0.5) × 10 = 7.1429: 87.8095 → 87.8 良好
    # C: 64 / 80 = 0.80 → (0.05 / 0.20) × 40 = 10; (64 − 62) / 62 = 0.032258 → (0.082258 / 0.10) × 30 = 24.6774;
    #   teachers 1 / 3.75 = 0.2667 → 0; backbone 10; equipment 7.1429: 51.8203 → 51.8 不合格
    assert {m["id"]: m["result"] for m in unit.members} == {
        "A": {"score": 92.7, "grade": "优秀"}, "B": {"score": 87.8, "grade": "良好"},
        "C": {"score": 51.8, "grade": "不合格"}}
    assert unit.score == 86.9 and unit.grade == "良好"  # the group's own result is untouched


def test_a_school_missing_a_figure_has_no_result():
    rows = group_rows()
    rows[3]["exam_avg_last"] = ""  # C has no figure for last year: no improvement, no own result
    unit = ENGINE.score(RID, rows).unit("G")
    got = {m["id"]: m["result"] for m in unit.members}
    assert got["C"] == {"score": None, "grade": None} and got["A"]["score"] is not None
    text = ENGINE.score(RID, rows).explain("G").to_text()
    assert "成员 C：无结果（所需数值空缺或无定义）" in text  # the rubric is Chinese, and so is its explanation
    assert "成员 A：92.7，等级 优秀" in ENGINE.score(RID, group_rows()).explain("G").to_text()


def test_every_output_shows_the_schools_results(tmp_path):
    evidence = tmp_path / "e.csv"
    rows = group_rows()
    cols = list(dict.fromkeys(k for r in rows for k in r))
    evidence.write_text(",".join(cols) + "\n" + "\n".join(",".join(str(r.get(c, "")) for c in cols) for r in rows)
                        + "\n", encoding="utf-8")
    for fmt in ("json", "csv", "md", "html", "xlsx"):
        proc = scoring_cli("run", RID, str(evidence), "--format", fmt, "-o", f"o.{fmt}", cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
    doc = json.loads((tmp_path / "o.json").read_text(encoding="utf-8"))
    assert doc["units"][0]["members"][0]["result"] == {"score": 92.7, "grade": "优秀"}
    for fmt in ("csv", "md", "html"):
        text = (tmp_path / f"o.{fmt}").read_text(encoding="utf-8-sig")
        assert "92.7 优秀" in text and "51.8 不合格" in text, fmt
    import openpyxl

    ws = openpyxl.load_workbook(tmp_path / "o.xlsx")["成员"]
    header = [c.value for c in ws[1]]
    rows_out = {r[header.index("成员")]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows_out["B"][header.index("得分")] == 87.8 and rows_out["B"][header.index("等级")] == "良好"


def test_member_result_is_checked_when_the_rubric_loads():
    text = (ENGINE.load_rubric(RID).path.read_text(encoding="utf-8"))  # type: ignore[union-attr]
    with pytest.raises(RubricError, match="member_result.score"):
        ENGINE.rubric_from_text(text.replace("exam_gap_ratio - 0.75", "exam_gap_ratioo - 0.75"))
    with pytest.raises(RubricError, match="from the highest min down"):
        ENGINE.rubric_from_text(text.replace('name = "良好"\nmin = 75', 'name = "良好"\nmin = 95'))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(100, 2000), st.floats(0.5, 8), st.floats(1000, 6000),
                          st.floats(40, 100), st.floats(40, 100)), min_size=2, max_size=5))
def test_own_results_stay_on_the_scale_and_never_move_the_group(schools):
    rows = [{"id": "G", "period": "2026Q4", **FULL_VISIT}]
    for k, (pupils, t100, equip, exam, last) in enumerate(schools):
        rows.append(school(f"S{k}", "龙头校" if k == 0 else "成员校", pupils, round(t100, 2), round(equip, 2),
                           round(exam, 2), round(last, 2)))
    with_own = ENGINE.score(RID, rows).unit("G")
    text = ENGINE.load_rubric(RID).path.read_text(encoding="utf-8")  # type: ignore[union-attr]
    without = ENGINE.score(ENGINE.rubric_from_text(_without_member_result(text)), rows).unit("G")
    assert (with_own.score, with_own.grade, with_own.rank) == (without.score, without.grade, without.rank)
    for m in with_own.members:
        own = m["result"]
        assert own["score"] is None or 0 <= own["score"] <= 100
        assert (own["grade"] is None) == (own["score"] is None)
    assert all("result" not in m for m in without.members)


def _without_member_result(text: str) -> str:
    """The rubric with its [member_result] table and grades taken out."""
    head, tail = text.split("\n[member_result]\n", 1)
    return head + tail[tail.index("# --- worked examples"):]


def test_plugins_lists_each_methods_member_figures(tmp_path):
    proc = scoring_cli("plugins", cwd=tmp_path)
    assert proc.returncode == 0
    assert "member figures: balance_cv (contribution, relative); gap_to_lead (ratio)" in proc.stdout
