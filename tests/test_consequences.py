"""Rewards and penalties: quotas, pools, tables, blocks, stacking, persons and last year."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring
from tests.conftest import rubric_text, single_indicator
from tests.test_cli import scoring_cli

FIELDS = """
[fields]
a = { type = "count" }
bad = { type = "count", missing = "zero" }
district = { type = "text", missing = "zero" }
boss = { type = "text", missing = "zero" }
"""
# The score is 10 x a, so a unit's score is chosen by its `a`.
BODY = single_indicator(10, "target", 'field = "a"\ntarget = 10') + """
[[veto]]
id = "major"
title = "较大事故"
when = "bad > 0"
"""


def score(engine, consequences: str, rows: list[dict], previous=None, body: str = BODY) -> scoring.Result:
    rubric = engine.rubric_from_text(rubric_text(body + consequences, fields=FIELDS))
    return engine.score(rubric, rows, previous=previous)


def granted(result: scoring.Result, cid: str) -> list[str]:
    return [u.id for u in result.units() if any(c.id == cid for c in u.consequences)]


def paid(result: scoring.Result, cid: str) -> dict[str, float | None]:
    return {u.id: c.amount for u in result.units() for c in u.consequences if c.id == cid}


def rows(*scores: int, **extra: dict) -> list[dict]:
    return [{"id": f"u{k}", "a": s, **extra.get(f"u{k}", {})} for k, s in enumerate(scores)]


REWARD = '\n[[consequence]]\nid = "reward"\ntitle = "先进"\nwhen = "score >= 0"\nquota = {{ {quota} }}\n'


@pytest.mark.parametrize("ties, expected", [("exclude", ["u0"]), ("include", ["u0", "u1", "u2"])])
def test_tie_at_the_cut(engine, ties, expected):
    res = score(engine, REWARD.format(quota=f'count = 2, ties = "{ties}"'), rows(10, 8, 8, 5))
    assert granted(res, "reward") == expected


@pytest.mark.parametrize("rounding, share, expected", [
    ("floor", 0.34, 3), ("half_up", 0.34, 3), ("ceil", 0.34, 4),
    ("floor", 0.25, 2), ("half_up", 0.25, 3), ("ceil", 0.25, 3),
])
def test_share_quota_rounding(engine, rounding, share, expected):
    res = score(engine, REWARD.format(quota=f'share = {share}, rounding = "{rounding}"'), rows(*range(10, 0, -1)))
    assert len(granted(res, "reward")) == expected  # of 10 units: 3.4 or 2.5 places


def test_quota_within_groups(engine):
    data = rows(10, 9, 8, 7, 6, 5)
    for k, row in enumerate(data):
        row["district"] = "东" if k % 2 == 0 else "西"
    res = score(engine, REWARD.format(quota='count = 2, within = "district"'), data)
    assert granted(res, "reward") == ["u0", "u1", "u2", "u3"]  # two per district: 东 u0 u2, 西 u1 u3
    text = res.explain("u4").to_text()
    assert "rank 5, quota 2 in district 东" in text


def test_pool_pro_rata_to_score_adds_up_to_the_cent(engine):
    cons = '\n[[consequence]]\nid = "fund"\ntitle = "奖励"\nwhen = "score >= 60"\npool = { total = 1000, by = "score", above = 60 }\n'
    res = score(engine, cons, rows(9, 8, 7, 5))
    # weights 30, 20, 10 of 60: 500, 333.333..., 166.666...; one cent left goes to the largest remainder.
    assert paid(res, "fund") == {"u0": 500.0, "u1": 333.33, "u2": 166.67}
    summary = res.summary()["consequences"]["fund"]
    assert summary["amount"] == 1000.0 and summary["pool"]["used"] == 1000.0
    assert "largest remainder" in summary["pool"]["rule"]


def test_pool_that_does_not_divide_evenly(engine):
    cons = '\n[[consequence]]\nid = "fund"\ntitle = "奖励"\nwhen = "score > 0"\npool = { total = 100, by = "grade", weights = { A = 1, B = 1, C = 1 } }\n'
    res = score(engine, cons, rows(5, 5, 5))
    amounts = paid(res, "fund")
    assert sorted(amounts.values()) == [33.33, 33.33, 33.34]
    assert amounts["u0"] == 33.34  # equal remainders and ranks: the first id
    assert sum(Decimal(str(v)) for v in amounts.values()) == Decimal("100")


def test_amount_table_by_grade(engine):
    cons = '\n[[consequence]]\nid = "pay"\ntitle = "绩效系数"\nwhen = "score >= 0"\namount = { A = 1.2, B = 1.0 }\n'
    res = score(engine, cons, rows(10, 7, 3))
    assert paid(res, "pay") == {"u0": 1.2, "u1": 1.0, "u2": 0.0}
    assert "amount by grade: A → 1.2" in res.explain("u0").to_text()


def test_block_by_veto(engine):
    body = BODY.replace('when = "bad > 0"', 'when = "bad > 0"\nblocks = ["reward"]')
    res = score(engine, REWARD.format(quota="count = 5"), [{"id": "u0", "a": 10, "bad": 1}, {"id": "u1", "a": 9}],
                body=body)
    assert granted(res, "reward") == ["u1"]
    assert "blocked by veto major (较大事故)" in res.explain("u0").to_text()


def test_the_same_achievement_counts_once_at_the_higher_amount(engine):
    cons = """
[[consequence]]
id = "city"
title = "市级表彰奖励"
when = "score >= 50"
amount = 500
achievement = "commended"

[[consequence]]
id = "province"
title = "省级表彰奖励"
when = "score >= 80"
amount = 1000
achievement = "commended"
"""
    res = score(engine, cons, rows(9, 6))
    assert paid(res, "province") == {"u0": 1000.0} and paid(res, "city") == {"u1": 500.0}
    assert "rewarded once, by province" in res.explain("u0").to_text()
    assert res.summary()["consequences"]["city"]["amount"] == 500.0


def test_consequence_for_a_person_in_a_role(engine):
    cons = """
[[consequence]]
id = "bar"
title = "取消评优资格"
when = "vetoed"
applies_to = "person"
person_role = "主要负责人"
person_field = "boss"
"""
    res = score(engine, cons, [{"id": "u0", "a": 9, "bad": 1, "boss": "张三"}])
    [c] = res.unit("u0").consequences
    assert (c.applies_to, c.person) == ("person", "主要负责人 张三")
    assert "(to the 主要负责人)" in res.explain("u0").to_text()


TWO_YEARS = """
[[consequence]]
id = "summons"
title = "约谈并书面检查"
when = "grade == 'C' and previous.grade == 'C'"

[[consequence]]
id = "improved"
title = "进步奖"
when = "score - previous.score >= 20"
amount = 800
"""


def test_two_year_escalation_and_improvement_through_previous(engine, tmp_path):
    year1 = score(engine, TWO_YEARS, rows(3, 4, 9))
    path = tmp_path / "2025.json"
    path.write_text(json.dumps(year1.to_dict(), ensure_ascii=False), encoding="utf-8")
    year2 = score(engine, TWO_YEARS, rows(3, 7, 9) + [{"id": "new", "a": 1}], previous=path)
    assert granted(year2, "summons") == ["u0"]  # C both years; "new" has no previous grade
    assert paid(year2, "improved") == {"u1": 800.0}  # 40 -> 70
    assert any("1 unit(s) have no previous result (new)" in w for w in year2.warnings)
    without = score(engine, TWO_YEARS, rows(3, 7, 9))
    assert granted(without, "summons") == [] and "does not hold" in without.explain("u0").to_text()


def test_previous_for_another_rubric_is_refused_by_the_cli(tmp_path):
    (tmp_path / "r.toml").write_text(rubric_text(BODY + TWO_YEARS, fields=FIELDS), encoding="utf-8")
    (tmp_path / "e.csv").write_text("id,a\nu0,3\nu1,4\n", encoding="utf-8")
    first = scoring_cli("run", "r.toml", "e.csv", "-o", "y1.json", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    second = scoring_cli("run", "r.toml", "e.csv", "--previous", "y1.json", "-o", "y2.json", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    doc = json.loads((tmp_path / "y2.json").read_text(encoding="utf-8"))
    assert [c["id"] for u in doc["units"] for c in u["consequences"]] == ["summons", "summons"]
    assert all(c["reason"].startswith("`grade == 'C' and previous.grade == 'C'` holds")
               for u in doc["units"] for c in u["consequences"])
    other = json.loads((tmp_path / "y1.json").read_text(encoding="utf-8"))
    other["rubric"]["id"] = "something-else"
    (tmp_path / "other.json").write_text(json.dumps(other), encoding="utf-8")
    refused = scoring_cli("run", "r.toml", "e.csv", "--previous", "other.json", cwd=tmp_path)
    assert refused.returncode == 1 and "for rubric 'something-else', not 't'" in refused.stderr


# --- properties ---------------------------------------------------------------

PROPERTY_CONS = """
[[consequence]]
id = "veto_block"
title = "取消评优"
when = "vetoed"
blocks = ["reward", "fund"]

[[consequence]]
id = "reward"
title = "先进"
when = "score >= 30"
quota = {{ {quota} }}

[[consequence]]
id = "fund"
title = "奖金"
when = "score >= 20"
pool = {{ total = {total}, by = "score", above = 10 }}
"""

ENGINE = scoring.Engine()


@st.composite
def cases(draw):
    n = draw(st.integers(1, 25))
    units = [{"id": f"u{k:02d}", "a": draw(st.integers(0, 10)), "bad": draw(st.sampled_from([0, 0, 0, 1])),
              "district": draw(st.sampled_from(["东", "西", "南"]))} for k in range(n)]
    count = draw(st.integers(0, 8))
    ties = draw(st.sampled_from(["include", "exclude"]))
    within = draw(st.sampled_from(["", ', within = "district"']))
    total = draw(st.sampled_from(["100", "999.99", "12345.67", "0.05"]))
    return units, count, ties, within, total


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.randoms(use_true_random=False))
def test_consequence_invariants(case, rnd):
    units, count, ties, within, total = case
    cons = PROPERTY_CONS.format(quota=f'count = {count}, ties = "{ties}"{within}', total=total)
    rubric = ENGINE.rubric_from_text(rubric_text(single_indicator(10, "target", 'field = "a"\ntarget = 10')
                                                 + '\n[[veto]]\nid = "major"\ntitle = "m"\nwhen = "bad > 0"\n'
                                                 + cons, fields=FIELDS))
    res = ENGINE.score(rubric, units)
    by_group: dict[str, list] = {}
    for u in res.units():
        by_group.setdefault(res.layout.final("district")[res.index_of(u.id)] if within else "", []).append(u)
    for members in by_group.values():
        got = [u for u in members if any(c.id == "reward" for c in u.consequences)]
        if len(got) > count:
            # Only ties at the cut may exceed the quota, and only when ties are included.
            assert ties == "include"
            cut_rank = max(u.rank if not within else res.decisions.overall_rank[res.index_of(u.id)] for u in got)
            inside = [u for u in got if res.decisions.overall_rank[res.index_of(u.id)] < cut_rank]
            assert len(inside) < count
    amounts = [Decimal(str(c.amount)) for u in res.units() for c in u.consequences if c.id == "fund"]
    assert all(a >= 0 for a in amounts)
    if amounts and any(a > 0 for a in amounts):
        assert sum(amounts) == Decimal(total)  # to the cent
    for u in res.units():
        ids = {c.id for c in u.consequences}
        if "veto_block" in ids:
            assert not ids & {"reward", "fund"}  # a blocked consequence is never granted
    shuffled = list(units)
    rnd.shuffle(shuffled)
    again = ENGINE.score(rubric, shuffled)
    assert [u.to_dict() for u in again.units()] == [u.to_dict() for u in res.units()]


# --- review findings ------------------------------------------------------------------


def test_a_pool_must_be_a_whole_number_of_its_unit(engine):
    cons = '\n[[consequence]]\nid = "fund"\ntitle = "f"\nwhen = "score > 0"\npool = { total = 1, by = "score", unit = 0.6 }\n'
    with pytest.raises(scoring.RubricError, match="whole number of its unit"):
        engine.rubric_from_text(rubric_text(BODY + cons, fields=FIELDS))


@pytest.mark.parametrize("extra", ['pool = { total = 100, by = "score" }', 'quota = { count = 1 }\namount = 1',
                                   'blocks = ["b"]\namount = 1'])
def test_an_achievement_shared_with_a_pool_quota_or_block_is_refused(engine, extra):
    cons = (f'\n[[consequence]]\nid = "a"\ntitle = "a"\nwhen = "score > 0"\nachievement = "x"\n{extra}\n'
            '\n[[consequence]]\nid = "b"\ntitle = "b"\nwhen = "score > 0"\namount = 5\nachievement = "x"\n')
    with pytest.raises(scoring.RubricError, match="cannot share its achievement"):
        engine.rubric_from_text(rubric_text(BODY + cons, fields=FIELDS))


def test_tied_remainders_go_to_the_better_rank_not_to_float_noise(engine):
    fields = FIELDS.replace('a = { type = "count" }', 'a = { type = "number" }')
    cons = '\n[[consequence]]\nid = "fund"\ntitle = "f"\nwhen = "score > 60"\npool = { total = 2, by = "score", above = 60, unit = 1 }\n'
    rubric = engine.rubric_from_text(rubric_text(BODY + cons, fields=fields, head="precision = 1\n").replace(
        "precision = 1\nprecision = 1", "precision = 1"))
    res = engine.score(rubric, [{"id": "u0", "a": 6.01}, {"id": "u1", "a": 6.03}])  # 60.1 and 60.3: shares 0.5 and 1.5
    assert paid(res, "fund") == {"u1": 2.0, "u0": 0.0}


def test_a_unit_without_a_group_gets_no_quota_place(engine):
    fields = FIELDS.replace('district = { type = "text", missing = "zero" }', 'district = { type = "text", missing = "not_applicable" }')
    cons = REWARD.format(quota='count = 1, within = "district"')
    rubric = engine.rubric_from_text(rubric_text(BODY + cons, fields=fields))
    res = engine.score(rubric, [{"id": "u0", "a": 9, "district": "a"}, {"id": "u1", "a": 8, "district": "a"},
                                {"id": "u2", "a": 7, "district": "b"}, {"id": "u3", "a": 10}])
    assert granted(res, "reward") == ["u0", "u2"]
    assert "no district value, so no place" in res.explain("u3").to_text()


@pytest.mark.parametrize("unit", [{"id": "u0", "score": "n/a"}, {"id": "u0", "rank": "first"}, {"id": "u0", "score": True}])
def test_a_malformed_previous_file_is_a_clear_error(engine, tmp_path, unit):
    path = tmp_path / "last.json"
    path.write_text(json.dumps({"rubric": {"id": "t"}, "units": [unit]}), encoding="utf-8")
    with pytest.raises(scoring.EvidenceError, match="unit 'u0'"):
        score(engine, TWO_YEARS, rows(3), previous=path)
    path.write_text(json.dumps({"rubric": {"id": "t"}, "units": [{"id": "u0"}, {"id": "u0"}]}), encoding="utf-8")
    with pytest.raises(scoring.EvidenceError, match="appears twice"):
        score(engine, TWO_YEARS, rows(3), previous=path)
