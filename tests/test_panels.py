"""Rater panels (scoring.panels): hand-computed combiners, missing raters, spreads, facts, properties."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

import scoring
from scoring.panels import combine
from tests.conftest import rubric_text

FIELDS = """
[fields]
s = { type = "number", title = "现场得分", rated = true, min = 0, max = 10, missing = "not_applicable" }
d = { type = "number", title = "资料得分", rated = true, min = 0, max = 10 }
deaths = { type = "count", title = "死亡人数" }
"""

BODY = """
[[dimension]]
id = "site"
points = 10
  [[dimension.indicator]]
  id = "site_i"
  points = 10
  method = "expression"
  value = "s"
  {site_extra}

[[dimension]]
id = "docs"
points = 10
  [[dimension.indicator]]
  id = "docs_i"
  points = 10
  method = "expression"
  value = "d"

[[veto]]
id = "fatal"
title = "死亡事故"
when = "deaths > 0"
"""


def panel_rubric(engine: scoring.Engine, *, combine: str = "mean", trim_from: int = 3, spread: str = "",
                 site_extra: str = "", head: str = "scale = 20\n") -> scoring.Rubric:
    raters = (f'\n[raters]\ntitle = "评分人"\naliases = ["检查人员"]\ncombine = "{combine}"\n'
              f"trim_from = {trim_from}\n{spread}\n")
    text = rubric_text(BODY.replace("{site_extra}", site_extra), fields=raters + FIELDS, head=head)
    return engine.rubric_from_text(text)


def rows(unit: str, site: list[Any], docs: list[Any] | None = None, deaths: int = 0) -> list[dict[str, Any]]:
    docs = docs if docs is not None else [5] * len(site)
    return [{"id": unit, "rater": f"R{k + 1}", "s": s, "d": d, "deaths": deaths}
            for k, (s, d) in enumerate(zip(site, docs))]


def site_points(result: scoring.Result, unit: str) -> float:
    return result.unit(unit).indicators["site_i"].points


# --- hand-computed combiners ---------------------------------------------------------------

@pytest.mark.parametrize(("how", "trim_from", "figures", "expected"), [
    ("trimmed_mean", 3, [6, 8, 9.5], 8.0),             # 3 raters: 6 and 9.5 dropped
    ("trimmed_mean", 3, [4, 7, 8, 10], 7.5),           # 4 raters: 4 and 10 dropped, (7 + 8) / 2
    ("trimmed_mean", 3, [2, 6, 7, 8, 10], 7.0),        # 5 raters: (6 + 7 + 8) / 3
    ("trimmed_mean", 5, [4, 7, 8, 10], 7.25),          # fewer than 5: the mean, 29 / 4
    ("trimmed_mean", 5, [1, 6, 7, 8, 10], 7.0),        # 5 of 5: (6 + 7 + 8) / 3
    ("mean", 3, [6, 8, 9.5], 7.83),                    # 23.5 / 3 = 7.8333 shown at 2 places
    ("median", 3, [6, 8, 9.5], 8.0),
    ("median", 3, [4, 7, 8, 10], 7.5),
    ("min", 3, [4, 7, 8, 10], 4.0),
    ("max", 3, [4, 7, 8, 10], 10.0),
])
def test_combiners_by_hand(engine: scoring.Engine, how: str, trim_from: int, figures: list[float],
                           expected: float) -> None:
    result = engine.score(panel_rubric(engine, combine=how, trim_from=trim_from), rows("U", figures))
    assert site_points(result, "U") == expected
    panel = result.unit("U").panel
    assert panel is not None
    entry = panel["indicators"]["site_i"][0]
    assert entry["raters"] == {f"R{k + 1}": float(f) for k, f in enumerate(figures)}
    assert entry["combined"] == expected
    assert entry["spread"] == max(figures) - min(figures)
    dropped = how == "trimmed_mean" and len(figures) >= trim_from
    assert len(entry["dropped"]) == (2 if dropped else 0)


def test_the_item_says_how_its_raters_combine(engine: scoring.Engine) -> None:
    rubric = panel_rubric(engine, combine="mean", site_extra='raters = "max"')
    result = engine.score(rubric, rows("U", [4, 7, 8], docs=[4, 7, 8]))
    unit = result.unit("U")
    assert unit.indicators["site_i"].points == 8.0     # max
    assert unit.indicators["docs_i"].points == 6.33    # the rubric's mean: 19 / 3
    assert unit.score == 14.3                          # 8 + 6.3333 = 14.3333 → 14.3
    assert unit.panel is not None and unit.panel["combine"] == {"site_i": "max", "docs_i": "mean"}


def test_the_mean_is_exact_on_decimal_figures() -> None:
    # 8.1 + 8.2 is 16.299999999999997 in floats; on the decimal figures the mean is 8.15 exactly.
    assert combine([8.1, 8.2], "mean", 3) == (8.15, [])
    assert combine([0.1, 0.2, 0.3, 0.4, 0.5], "trimmed_mean", 5) == (0.3, [0, 4])
    assert combine([], "mean", 3)[0] != combine([], "mean", 3)[0]  # no rater: NaN


def test_a_tie_at_the_half_rounds_up_after_combining(engine: scoring.Engine) -> None:
    # 8.1 and 8.2 on the site, 0 on the documents: the total 8.15 rounds half-up to 8.2.
    result = engine.score(panel_rubric(engine), rows("U", [8.1, 8.2], docs=[0, 0]))
    assert result.unit("U").score == 8.2


# --- missing raters ------------------------------------------------------------------------

def test_a_rater_who_did_not_score_a_unit_is_not_on_its_panel(engine: scoring.Engine) -> None:
    rubric = panel_rubric(engine, combine="trimmed_mean", trim_from=3)
    evidence = rows("U1", [6, 8, 9.5]) + rows("U2", [6, 9.5])  # R3 did not visit U2
    result = engine.score(rubric, evidence)
    assert site_points(result, "U1") == 8.0
    assert site_points(result, "U2") == 7.75               # two raters: the mean, nothing dropped
    panel = result.unit("U2").panel
    assert panel is not None and panel["raters"] == ["R1", "R2"]


def test_a_blank_not_applicable_cell_takes_the_rater_off_that_item(engine: scoring.Engine) -> None:
    rubric = panel_rubric(engine, combine="trimmed_mean", trim_from=3)
    result = engine.score(rubric, rows("U", [6, None, 9.5], docs=[3, 6, 9]))
    entry = result.unit("U").panel["indicators"]["site_i"][0]  # type: ignore[index]
    assert entry["raters"] == {"R1": 6.0, "R2": None, "R3": 9.5}
    assert entry["dropped"] == []                       # two raters scored it: below trim_from
    assert site_points(result, "U") == 7.75
    assert result.unit("U").indicators["docs_i"].points == 6.0  # all three: 3 and 9 dropped


def test_an_item_no_rater_scored_does_not_apply(engine: scoring.Engine) -> None:
    result = engine.score(panel_rubric(engine), rows("U", [None, None], docs=[4, 6]))
    unit = result.unit("U")
    assert unit.indicators["site_i"].status == "not_applicable"
    assert unit.score == 10.0                           # 5 of 10 applicable points, rescaled to 20


def test_a_required_cell_a_rater_left_blank_is_refused(engine: scoring.Engine) -> None:
    with pytest.raises(scoring.EvidenceError, match="field d: empty, and this field is required"):
        engine.score(panel_rubric(engine), rows("U", [5, 6], docs=[5, None]))


# --- periods -------------------------------------------------------------------------------

def test_raters_combine_within_each_period_then_periods_combine(engine: scoring.Engine) -> None:
    head = 'periods = ["Q1", "Q2"]\n'
    text = rubric_text(
        BODY.replace("{site_extra}", "").replace('id = "site"\n', 'id = "site"\nphase = "process"\n')
        .replace('id = "docs"\n', 'id = "docs"\nphase = "process"\n'),
        fields='\n[raters]\ncombine = "trimmed_mean"\n\n[phases]\nprocess = { weight = 1 }\n' + FIELDS, head=head)
    rubric = engine.rubric_from_text(text)
    evidence = [
        # Q1: three raters, 2 and 10 dropped → 6; Q2: two other raters → (8 + 9) / 2 = 8.5
        *({"id": "U", "period": "Q1", "rater": r, "s": s, "d": 5, "deaths": 0}
          for r, s in (("甲", 2), ("乙", 6), ("丙", 10))),
        *({"id": "U", "period": "Q2", "rater": r, "s": s, "d": 5, "deaths": 0} for r, s in (("丁", 8), ("戊", 9))),
    ]
    result = engine.score(rubric, evidence)
    assert site_points(result, "U") == 7.25             # mean of the periods: (6 + 8.5) / 2
    entries = result.unit("U").panel["indicators"]["site_i"]  # type: ignore[index]
    assert [(e["period"], e["combined"], e["dropped"]) for e in entries] == [
        ("Q1", 6.0, ["丙", "甲"]), ("Q2", 8.5, [])]  # raters listed by name


# --- spread --------------------------------------------------------------------------------

def test_raters_who_disagree_by_more_than_the_spread_are_warned_about(engine: scoring.Engine) -> None:
    rubric = panel_rubric(engine, spread="spread = 3")
    result = engine.score(rubric, rows("U1", [5, 9]) + rows("U2", [5, 8]))
    found = [w.to_dict() for w in map(scoring.notices.as_notice, result.warnings) if w.code == "rater_spread"]
    assert [(w["unit"], w["field"]) for w in found] == [("U1", "site_i")]  # 4 > 3; U2's 3 is allowed
    assert "differ by 4 points" in found[0]["message"]
    with pytest.raises(scoring.EvidenceError, match="--strict"):
        engine.score(rubric, rows("U1", [5, 9]), strict=True)


# --- facts and rows ------------------------------------------------------------------------

def test_a_fact_given_by_one_rater_is_the_panels(engine: scoring.Engine) -> None:
    evidence = rows("U", [5, 6, 7])
    evidence[1]["deaths"] = None
    evidence[2]["deaths"] = None
    evidence[0]["deaths"] = 1
    result = engine.score(panel_rubric(engine), evidence)
    assert [v.id for v in result.unit("U").vetoes] == ["fatal"]


def test_raters_who_disagree_on_a_fact_are_refused(engine: scoring.Engine) -> None:
    evidence = rows("U", [5, 6]) + rows("V", [5, 6])
    evidence[1]["deaths"] = 1
    with pytest.raises(scoring.EvidenceError) as caught:
        engine.score(panel_rubric(engine), evidence)
    assert "the raters disagree on a figure that is not rated (R1: 0; R2: 1)" in str(caught.value.rejected[0])
    result = engine.score(panel_rubric(engine), evidence, on_error="skip")
    assert result.unit_ids.tolist() == ["V"]
    assert result.provenance.rows_read == 4 and result.provenance.rows_rejected == 2


def test_a_fact_no_rater_gives_is_refused(engine: scoring.Engine) -> None:
    evidence = rows("U", [5, 6])
    for row in evidence:
        row["deaths"] = None
    with pytest.raises(scoring.EvidenceError, match="empty in every rater's row"):
        engine.score(panel_rubric(engine), evidence)


def test_a_row_without_a_rater_beside_named_ones_is_refused(engine: scoring.Engine) -> None:
    evidence = rows("U", [5, 6])
    evidence[1]["rater"] = ""
    with pytest.raises(scoring.EvidenceError, match="no rater, while 1 other row"):
        engine.score(panel_rubric(engine), evidence)


def test_the_same_rater_twice_is_a_duplicate(engine: scoring.Engine) -> None:
    evidence = rows("U", [5, 6])
    evidence[1]["rater"] = "R1"
    with pytest.raises(scoring.EvidenceError, match="duplicate unit id"):
        engine.score(panel_rubric(engine), evidence)


def test_evidence_without_raters_scores_as_before(engine: scoring.Engine) -> None:
    result = engine.score(panel_rubric(engine), [{"id": "U", "s": 7, "d": 2, "deaths": 0}])
    assert result.unit("U").score == 9.0 and result.unit("U").panel is None


def test_the_rater_column_by_its_chinese_headers(engine: scoring.Engine) -> None:
    for header in ("评分人", "检查人员", "rater"):
        evidence = [{"id": "U", header: r, "现场得分": s, "资料得分": 5, "死亡人数": 0}
                    for r, s in (("张", 6), ("李", 8))]
        assert site_points(engine.score(panel_rubric(engine), evidence), "U") == 7.0


@pytest.mark.parametrize(("fields", "key", "message"), [
    ('s = { type = "bool", rated = true }', "fields.s.rated", "only numeric fields"),
])
def test_rated_fields_must_be_numbers(engine: scoring.Engine, fields: str, key: str, message: str) -> None:
    text = rubric_text('\n[[dimension]]\nid = "x"\npoints = 1\n  [[dimension.indicator]]\n  id = "i"\n  points = 1\n'
                       '  method = "check"\n  field = "s"\n',
                       fields='\n[raters]\n[fields]\n' + fields + "\n")
    with pytest.raises(scoring.RubricError, match=message) as caught:
        engine.rubric_from_text(text)
    assert caught.value.key == key


def test_rated_fields_and_item_combiners_need_a_raters_table(engine: scoring.Engine) -> None:
    text = rubric_text(BODY.replace("{site_extra}", ""), fields=FIELDS)
    with pytest.raises(scoring.RubricError, match="needs a \\[raters\\] table") as caught:
        engine.rubric_from_text(text)
    assert caught.value.key == "fields.s.rated"
    plain = FIELDS.replace("rated = true, ", "")
    with pytest.raises(scoring.RubricError, match="no \\[raters\\] table"):
        engine.rubric_from_text(rubric_text(BODY.replace("{site_extra}", 'raters = "median"'), fields=plain))


def test_explain_shows_the_panel(engine: scoring.Engine) -> None:
    result = engine.score(panel_rubric(engine, combine="trimmed_mean"), rows("U", [6, 8, 9.5]))
    text = result.explain("U").to_text()
    assert "\nRater panel\n" in text
    assert "site_i: R1 6 (dropped), R2 8, R3 9.5 (dropped) → trimmed_mean 8 (spread 3.5)" in text


def test_the_json_result_and_the_unit_view_agree(engine: scoring.Engine) -> None:
    result = engine.score(panel_rubric(engine, combine="median"), rows("U", [6, 8, 9.5]) + rows("V", [1, 2]))
    doc = result.to_dict()
    assert [u["panel"] for u in doc["units"]] == [u.to_dict()["panel"] for u in result.units()]


def test_an_amendment_corrects_one_raters_row(engine: scoring.Engine) -> None:
    from scoring.amend import Amendment

    rubric = panel_rubric(engine, combine="mean")
    evidence = rows("U", [6, 8])
    fix = Amendment("U", "s", "8", "10", "复核", "督导室", rater="R2")
    result = engine.score(rubric, evidence, amendments=[fix])
    assert site_points(result, "U") == 8.0                # (6 + 10) / 2
    assert result.unit("U").amendments[0]["rater"] == "R2"
    with pytest.raises(scoring.EvidenceError, match="the unit has 2 rows.*rater or stage"):
        engine.score(rubric, evidence, amendments=[Amendment("U", "s", "8", "10", "复核", "督导室")])


# --- properties ----------------------------------------------------------------------------

figures = st.lists(st.integers(0, 40).map(lambda k: k / 4), min_size=1, max_size=7)
combiners = st.sampled_from(["mean", "median", "trimmed_mean", "min", "max"])


@settings(max_examples=60, deadline=None)
@given(figures, combiners, st.integers(3, 6), st.randoms(use_true_random=False))
def test_rater_and_row_order_never_matter(values: list[float], how: str, trim_from: int, rnd: Any) -> None:
    engine = scoring.Engine()
    rubric = panel_rubric(engine, combine=how, trim_from=trim_from)
    evidence = rows("U", values, docs=list(reversed(values))) + rows("V", values[:1])
    shuffled = list(evidence)
    rnd.shuffle(shuffled)
    names = [f"R{k + 1}" for k in range(len(values))]
    renamed = dict(zip(names, rnd.sample(names, len(names))))  # the same figures under other raters' names
    relabelled = [{**row, "rater": renamed.get(row["rater"], row["rater"])} if row["id"] == "U" else row
                  for row in shuffled]
    base = engine.score(rubric, evidence)
    for other in (engine.score(rubric, shuffled), engine.score(rubric, relabelled)):
        assert other.scores.tolist() == base.scores.tolist()
        assert [u.indicators for u in other.units()] == [u.indicators for u in base.units()]
    # The panel as listed (which of equal figures is dropped, the raters' order) ignores the row order too.
    assert [u.panel for u in engine.score(rubric, shuffled).units()] == [u.panel for u in base.units()]


@settings(max_examples=200, deadline=None)
@given(figures, combiners, st.integers(3, 6))
def test_the_combined_figure_lies_between_the_raters(values: list[float], how: str, trim_from: int) -> None:
    value, dropped = combine(values, how, trim_from)  # type: ignore[arg-type]
    assert min(values) <= value <= max(values)
    assert len(dropped) in (0, 2)
    if how in ("min", "max"):
        assert value == (min(values) if how == "min" else max(values))


def test_rubrics_show_names_the_panel(engine: scoring.Engine) -> None:
    from scoring.cli import rubric_tree

    tree = rubric_tree(panel_rubric(engine, combine="trimmed_mean", trim_from=5, site_extra='raters = "median"'))
    assert ("raters: column 'rater'; combine trimmed_mean (the highest and lowest dropped from 5 raters); "
            "rated fields: s, d; items: site_i median") in tree


def test_reports_list_the_raters_who_disagree(engine: scoring.Engine) -> None:
    import json

    rubric = panel_rubric(engine, combine="trimmed_mean", spread="spread = 3")
    result = engine.score(rubric, rows("U1", [5, 9, 8]) + rows("U2", [5, 8]))
    md = str(engine.render(result, "md"))
    assert "## Raters who disagree (spread above 3)" in md
    assert "| U1 | site_i |  | R1 5 (dropped), R2 9 (dropped), R3 8 | 8.0 | 4.0 |" in md
    assert "U2 | site_i" not in md                       # a spread of 3 is allowed
    assert engine.render_saved(json.loads(result.to_json()), "md") == md  # render gives the same bytes
    quiet = engine.score(panel_rubric(engine), rows("U1", [5, 9, 8]))  # no spread declared: no table
    assert "Raters who disagree" not in str(engine.render(quiet, "md"))


def test_the_html_report_shows_each_units_panel_in_run_and_render(tmp_path: Path) -> None:
    """Each unit's section lists every rater's points per rated item and period (评分组), from the
    result and, identically, from the saved JSON."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    for args in (["run", "enterprise-safety-target", "-q", "-o", "r.html"],
                 ["run", "enterprise-safety-target", "-q", "-o", "r.json"],
                 ["render", "r.json", "-o", "again.html"]):
        proc = subprocess.run([sys.executable, "-m", "scoring.cli", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert page == (tmp_path / "again.html").read_text(encoding="utf-8")
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert page.count('<table class="panel">') == len(doc["units"]) == 70
    e001 = next(u for u in doc["units"] if u["id"] == "E001")["panel"]["indicators"]["meetings"][0]
    given = "，".join(f"{name} {pts:g}" for name, pts in e001["raters"].items())
    section = page[page.index('id="unit-E001"'):]
    section = section[:section.index("</details>")]
    assert "评分组" in section and given in section and "安全会议" in section


def test_the_workbook_lists_every_raters_figure(tmp_path: Path) -> None:
    """The 评分组 sheet: one row per unit, rated item, period and rater, beside the combined figure."""
    from python_calamine import CalamineWorkbook

    engine = scoring.Engine()
    rubric = engine.load_rubric("enterprise-safety-target")
    assert rubric.sample is not None
    result = engine.score(rubric, engine.load_evidence(rubric, Path(rubric.sample)))
    path = tmp_path / "r.xlsx"
    path.write_bytes(engine.render(result, "xlsx"))  # type: ignore[arg-type]
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("评分组").to_python()
    assert rows[0] == ["单位", "名称", "指标", "期间", "评分人", "得分", "去掉", "合并"]
    doc = json.loads(engine.render(result, "json"))
    expected = [[u["id"], period["raters"], period["combined"]] for u in doc["units"]
                for entries in u["panel"]["indicators"].values() for period in entries]
    assert len(rows) - 1 == sum(len(r) for _, r, _ in expected) == 70 * 4 * 4 * 3
    e001 = [r for r in rows[1:] if r[0] == "E001" and r[2] == "安全会议" and r[3] == "2026Q1"]
    first = next(u for u in doc["units"] if u["id"] == "E001")["panel"]["indicators"]["meetings"][0]
    assert {r[4]: r[5] for r in e001} == first["raters"] and {r[7] for r in e001} == {first["combined"]}
