"""Committee decisions (--decisions): overrides kept beside the rules' decisions, empty quota places reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring
from scoring.errors import EvidenceError
from scoring.overrides import CommitteeDecision, quota_vacancies
from tests.test_cli import scoring_cli
from tests.test_diff import RUBRIC


def rows(*scores: int) -> list[dict]:
    return [{"id": f"u{k}", "a": s} for k, s in enumerate(scores)]


def decision(unit: str, target: str, action: str, value: str = "", reason: str = "复核认定") -> CommitteeDecision:
    return CommitteeDecision(unit, target, action, value, reason, "局长办公会", "2026-01-15", "d.csv", "row 2")


def run(engine: scoring.Engine, scores: tuple[int, ...], decisions: list[CommitteeDecision]) -> scoring.Result:
    return engine.score(engine.rubric_from_text(RUBRIC), rows(*scores), committee=decisions)


def holders(result: scoring.Result, cid: str) -> dict[str, float | None]:
    return {u.id: c.amount for u in result.units() for c in u.consequences if c.id == cid}


def test_grant_deny_and_a_pool_shared_again(engine):
    # Scores 100, 90, 80, 70. Rules: advanced (2 places) u0, u1. The committee
    # denies u1 and grants u3, and denies u0 the fund: the pool of 1,000 is
    # shared among u1, u2, u3 by score above 50 (40, 30, 20 of 90):
    # 444.44|4, 333.33|3, 222.22|2 = 999.99; the remaining fen goes to the
    # largest remainder, u1: 444.45, 333.33, 222.22.
    res = run(engine, (10, 9, 8, 7), [decision("u1", "advanced", "deny", reason="年内发生较大舆情"),
                                       decision("u3", "advanced", "grant"), decision("u0", "fund", "deny")])
    assert set(holders(res, "advanced")) == {"u0", "u3"}
    assert holders(res, "fund") == {"u1": 444.45, "u2": 333.33, "u3": 222.22}
    u1 = res.unit("u1").to_dict()
    [o] = u1["overrides"]
    assert o["rule"] == {"granted": True, "amount": None, "why": "`score >= 0` holds; rank 2 within quota 2"}
    assert o["decided"] == {"granted": False, "amount": None}
    assert (o["reason"], o["decided_by"], o["date"], o["action"]) == ("年内发生较大舆情", "局长办公会", "2026-01-15", "deny")
    u3 = res.unit("u3")
    [granted] = [c for c in u3.consequences if c.id == "advanced"]
    assert granted.reason.startswith("committee decision: advanced: rule not granted (rank 4, quota 2)")
    doc = res.to_dict()
    assert [(o["unit"], o["target"]) for o in doc["overrides"]] == [("u1", "advanced"), ("u3", "advanced"), ("u0", "fund")]
    assert "quota_vacancies" not in doc  # u3 took the place u1 left
    # Denying u1 alone frees a place that u2 (rank 3) wanted: reported, not filled by the engine.
    freed = run(engine, (10, 9, 8, 7), [decision("u1", "advanced", "deny")]).to_dict()["quota_vacancies"]
    assert freed == [{"consequence": "advanced", "title": "先进单位", "places": 2, "granted": 1, "empty": 1,
                      "why": "places were freed by committee decisions or left unfilled"}]
    text = res.explain("u1").to_text()
    assert "Committee decisions (override the rules above)" in text
    assert "advanced: rule granted (`score >= 0` holds; rank 2 within quota 2); committee deny → not granted — 年内发生较大舆情" in text
    assert "advanced — 先进单位: not granted, denied by a committee decision" in text


def test_grade_set_moves_what_reads_the_grade(engine):
    res = run(engine, (10, 5), [decision("u1", "grade", "set", "A")])
    assert res.unit("u1").grade == "A" and res.to_dict()["summary"]["grades"] == {"A": 2, "B": 0, "C": 0}
    [o] = res.unit("u1").to_dict()["overrides"]
    assert o["rule"] == {"grade": "C"} and o["decided"] == {"grade": "A"}
    assert "by the rules: C; set to A by a committee decision: 复核认定 (局长办公会, 2026-01-15)" in res.explain("u1").to_text()


def test_set_an_amount_and_refuse_it_on_a_pool(engine):
    body = RUBRIC + '\n[[consequence]]\nid = "refund"\ntitle = "退还保证金"\nwhen = "score >= 90"\namount = 20000\n'
    rubric = engine.rubric_from_text(body)
    res = engine.score(rubric, rows(10, 8), committee=[decision("u1", "refund", "set", "15,000.005")])
    assert holders(res, "refund") == {"u0": 20000.0, "u1": 15000.01}
    with pytest.raises(EvidenceError, match="a share of a budget .pool. is computed"):
        engine.score(rubric, rows(10, 8), committee=[decision("u1", "fund", "set", "10")])


def test_ties_excluded_at_the_cut_leave_places_empty_and_say_so(engine):
    # 100, 90, 90, 70 with two places and ties excluded: only u0; one place empty.
    res = run(engine, (10, 9, 9, 7), [])
    assert quota_vacancies(res) == [{"consequence": "advanced", "title": "先进单位", "places": 2, "granted": 1,
                                     "empty": 1, "why": "2 unit(s) tied at rank 2 at the cut, and ties are excluded: "
                                                        "u1, u2"}]
    # The committee fills it: nothing is empty any more.
    filled = run(engine, (10, 9, 9, 7), [decision("u1", "advanced", "grant")])
    assert quota_vacancies(filled) == [] and set(holders(filled, "advanced")) == {"u0", "u1"}


@pytest.mark.parametrize("bad, message", [
    (decision("nobody", "advanced", "grant"), "no such unit"),
    (decision("u0", "medal", "grant"), "neither `grade` nor a consequence"),
    (decision("u0", "grade", "grant"), "a grade can only be set"),
    (decision("u0", "grade", "set", "S"), "'S' is not a grade"),
    (decision("u0", "advanced", "grant", "5"), "grant takes no value"),
])
def test_bad_decisions_are_refused_with_the_row(engine, bad, message):
    with pytest.raises(EvidenceError, match=message) as info:
        run(engine, (10, 9), [bad])
    assert "d.csv" in str(info.value) and "row 2" in str(info.value)


def test_a_unit_decided_twice_is_refused(engine):
    with pytest.raises(EvidenceError, match="decided twice"):
        run(engine, (10, 9), [decision("u0", "advanced", "deny"), decision("u0", "advanced", "grant")])


TARGETS = st.sampled_from([("advanced", "grant", ""), ("advanced", "deny", ""), ("fund", "grant", ""),
                           ("fund", "deny", ""), ("grade", "set", "A"), ("grade", "set", "C")])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(0, 10), min_size=1, max_size=8), st.data())
def test_every_override_appears_in_the_result_and_is_honoured(engine, scores, data):
    picks = data.draw(st.lists(st.tuples(st.integers(0, len(scores) - 1), TARGETS), max_size=6,
                               unique_by=lambda t: (t[0], t[1][0])))
    decisions = [decision(f"u{k}", target, action, value) for k, (target, action, value) in picks]
    res = run(engine, tuple(scores), decisions)
    doc = res.to_dict()
    assert len(doc.get("overrides", [])) == len(decisions)
    units = {u["id"]: u for u in doc["units"]}
    for d in decisions:
        [o] = [o for o in units[d.unit]["overrides"] if o["target"] == d.target]
        assert o["reason"] == d.reason and o["action"] == d.action
        held = {c["id"] for c in units[d.unit]["consequences"]}
        if d.target == "grade":
            assert units[d.unit]["grade"] == d.value
        elif d.action == "deny":
            assert d.target not in held
        elif d.target == "advanced":  # fund may still be denied by nothing; a grant always holds
            assert d.target in held
    # A pool always adds up to its total while anyone holds it.
    fund = doc["summary"]["consequences"]["fund"]
    assert fund["amount"] in (0.0, 1000.0)


def test_cli_decisions_in_json_and_explain(tmp_path: Path):
    (tmp_path / "r.toml").write_text(RUBRIC, encoding="utf-8")
    (tmp_path / "e.csv").write_text("id,a\nu0,10\nu1,9\nu2,9\nu3,7\n", encoding="utf-8")
    (tmp_path / "d.csv").write_text(
        "单位,事项,决定,值,理由,决定人,日期\nu1,advanced,授予,,并列第二经核实先进事迹突出,局长办公会,2026-01-15\n",
        encoding="gbk")
    proc = scoring_cli("run", "r.toml", "e.csv", "-o", "out.json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "advanced: 1 of 2 quota place(s) empty: 2 unit(s) tied at rank 2" in proc.stderr
    proc = scoring_cli("run", "r.toml", "e.csv", "--decisions", "d.csv", "-o", "out.json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "committee decisions: 1 applied" in proc.stderr
    doc = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    [o] = doc["overrides"]
    assert o["reason"] == "并列第二经核实先进事迹突出" and o["rule"]["granted"] is False
    assert "quota_vacancies" not in doc
    ex = scoring_cli("explain", "r.toml", "e.csv", "u1", "--decisions", "d.csv", cwd=tmp_path)
    assert ex.returncode == 0 and "并列第二经核实先进事迹突出 (局长办公会, 2026-01-15)" in ex.stdout
    (tmp_path / "bad.csv").write_text("unit,target,action,reason,decided_by,date\nu1,advanced,grant,,办公会,2026-01-15\n",
                                      encoding="utf-8")
    bad = scoring_cli("run", "r.toml", "e.csv", "--decisions", "bad.csv", cwd=tmp_path)
    assert bad.returncode == 1 and "bad.csv" in bad.stderr and "row 2: the reason is empty" in bad.stderr
    assert "Traceback" not in bad.stderr


@pytest.mark.parametrize("value", ["1e400", "10000000000000", "99,999,999,999,999"])
def test_a_set_amount_beyond_the_money_limit_is_refused_not_a_crash(engine, value):
    """Amounts stay below 10^13 so every fen is exact (docs/money.md); 1e400 once reached exit 3."""
    body = RUBRIC + '\n[[consequence]]\nid = "refund"\ntitle = "退还保证金"\nwhen = "score >= 90"\namount = 20000\n'
    rubric = engine.rubric_from_text(body)
    with pytest.raises(EvidenceError, match="too large: amounts must stay below"):
        engine.score(rubric, rows(10, 8), committee=[decision("u1", "refund", "set", value)])


@pytest.mark.parametrize("value, paid", [("¥15,000", 15000.0), ("15 000元", 15000.0), ("１５０００.５", 15000.5)])
def test_a_set_amount_is_read_as_an_amount_cell_is(engine, value, paid):
    body = RUBRIC + '\n[[consequence]]\nid = "refund"\ntitle = "退还保证金"\nwhen = "score >= 90"\namount = 20000\n'
    res = engine.score(engine.rubric_from_text(body), rows(10, 8), committee=[decision("u1", "refund", "set", value)])
    assert holders(res, "refund")["u1"] == paid


@pytest.mark.parametrize("value, why", [("1,23", "thousands"), ("1 0", "space"), ("1.5万", "whole figure"),
                                        ("50%", "only for rate"), ("1e-99999999999999999999", ""),
                                        ("1e99999999999999999999", "")])
def test_a_set_amount_people_could_read_two_ways_is_refused(engine, value, why):
    """`1,23` was paid as 123 (every comma was dropped); it is refused as the evidence refuses it."""
    body = RUBRIC + '\n[[consequence]]\nid = "refund"\ntitle = "退还保证金"\nwhen = "score >= 90"\namount = 20000\n'
    with pytest.raises(EvidenceError, match=f"is not a number.*{why}"):
        engine.score(engine.rubric_from_text(body), rows(10, 8), committee=[decision("u1", "refund", "set", value)])
