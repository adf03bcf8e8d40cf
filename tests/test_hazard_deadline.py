"""The `hazard_deadline` method (plugin scoring_safety): deadlines, and open hazards carried across periods."""

from __future__ import annotations

import datetime
import random

import pytest
from hypothesis import given, settings, strategies as st

import scoring

ENGINE = scoring.Engine()

RUBRIC = '''format = 1
[rubric]
id = "hazards"
title = "t"
version = "1"
periods = ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
[fields]
found = { type = "text", missing = "not_applicable" }
due = { type = "text", missing = "not_applicable" }
done = { type = "text", missing = "not_applicable" }
[phases]
process = { weight = 1.0, periods = "mean" }
[[dimension]]
id = "d"
phase = "process"
points = 10
  [[dimension.indicator]]
  id = "rect"
  points = 10
  method = "hazard_deadline"
  found = "found"
  deadline = "due"
  rectified = "done"
  assessed_on = { "2026Q1" = "2026-03-31", "2026Q2" = "2026-06-30", "2026Q3" = "2026-09-30", "2026Q4" = "2026-12-31" }
  full = 1.0
  zero = 0.0
[[grade]]
name = "all"
min = 0
'''
QUARTERS = ("2026Q1", "2026Q2", "2026Q3", "2026Q4")


def rows_for(hazards: list[tuple[str, str, str, str, str]], unit: str = "u") -> list[dict[str, str]]:
    """The unit's four quarter rows, then its hazards: (id, period filed under, found, due, done)."""
    out = [{"id": unit, "period": q} for q in QUARTERS]
    out += [{"id": h, "period": q, "parent": unit, "found": f, "due": d, "done": r} for h, q, f, d, r in hazards]
    return out


HAND = [
    ("A", "2026Q1", "2026-02-01", "2026-03-03", ""),            # never rectified: overdue at every check
    ("B", "2026Q1", "2026-03-20", "2026-04-19", "2026-04-10"),  # Q1 within its period; Q2 on time
    ("C", "2026Q2", "2026-05-01", "2026-05-31", "2026-07-15"),  # Q2 overdue; Q3 rectified late: overdue; then gone
    ("D", "2026Q3", "2026-08-01", "2026-08-31", "2026-08-15"),  # Q3 on time
    ("E", "2026Q4", "2026-12-20", "2027-01-19", ""),            # Q4 within its period: not counted
]


def test_deadlines_and_carry_over_by_hand():
    res = ENGINE.score(ENGINE.rubric_from_text(RUBRIC), rows_for(HAND))
    # Q1: A overdue, B pending → 0 / 1 = 0        → 0 points
    # Q2: A overdue, B on time, C overdue → 1 / 3 → 3.3333
    # Q3: A overdue, C overdue (late), D on time → 1 / 3 → 3.3333
    # Q4: A overdue; C and D done before Q3's check: gone; E pending → 0 / 1 → 0
    # mean over the quarters: (0 + 3.3333 + 3.3333 + 0) / 4 = 1.6667 of 10 → 16.7 on 100
    unit = res.unit("u")
    assert unit.indicators["rect"].points == pytest.approx(1.67, abs=0.005)
    assert unit.score == 16.7
    got = {m["id"]: (m.get("period"), m["values"]["rect"]["overdue_checks"], m["values"]["rect"]["on_time"])
           for m in unit.members}
    assert got == {"A": ("2026Q1", 4.0, 0.0), "B": ("2026Q1", 0.0, 1.0), "C": ("2026Q2", 2.0, 0.0),
                   "D": ("2026Q3", 0.0, 1.0), "E": (None, 0.0, None)}


def test_the_period_a_hazard_is_filed_under_does_not_matter():
    moved = [(h, "2026Q4", f, d, r) for h, _, f, d, r in HAND]  # all filed under Q4: the dates decide
    rubric = ENGINE.rubric_from_text(RUBRIC)
    assert ENGINE.score(rubric, rows_for(moved)).unit("u").score == ENGINE.score(rubric, rows_for(HAND)).unit("u").score


def test_no_hazard_loses_nothing_and_units_do_not_mix():
    rubric = ENGINE.rubric_from_text(RUBRIC)
    res = ENGINE.score(rubric, rows_for(HAND, "u") + [{"id": "clean", "period": q} for q in QUARTERS])
    assert res.unit("clean").score == 100.0 and res.unit("u").score == 16.7
    assert not any("no member rows" in w for w in res.warnings)  # an empty register is not a gap


@pytest.mark.parametrize(("hazard", "field", "why"), [
    (("X", "2026Q1", "2026-02-30", "2026-03-10", ""), "found", "not a date"),
    (("X", "2026Q1", "2026-02-01", "", ""), "due", "needs its due date"),
    (("X", "2026Q1", "2026-02-01", "2026-01-10", ""), "due", "falls before the hazard was found"),
    (("X", "2026Q1", "2026-02-01", "2026-03-01", "2026-01-31"), "done", "falls before the hazard was found"),
])
def test_bad_dates_are_refused_by_row(hazard, field, why):
    rubric = ENGINE.rubric_from_text(RUBRIC)
    res = ENGINE.score(rubric, rows_for(HAND, "u") + rows_for([hazard], "v"), on_error="skip")
    assert [u.id for u in res.units()] == ["u"]  # v is set aside whole, u is scored
    named = [(r.unit, r.field) for r in res.rejected if r.field]
    assert named == [("X", field)] and why in next(r.reason for r in res.rejected if r.field)


def test_dates_may_be_written_as_a_workbook_gives_them():
    slashes = [(h, q, f.replace("-", "/"), d.replace("-", "."), r + (" 00:00:00" if r else "")) for h, q, f, d, r in HAND]
    rubric = ENGINE.rubric_from_text(RUBRIC)
    assert ENGINE.score(rubric, rows_for(slashes)).unit("u").score == 16.7


def test_a_period_without_a_date_is_an_error():
    text = RUBRIC.replace(', "2026Q4" = "2026-12-31"', "")
    with pytest.raises(scoring.ScoringError, match="period '2026Q4' has no date in assessed_on"):
        ENGINE.score(ENGINE.rubric_from_text(text), rows_for(HAND))


DAYS = [f"2026-{m:02d}-{d:02d}" for m in range(1, 13) for d in (1, 15, 28)]
hazard_st = st.tuples(st.sampled_from(DAYS), st.integers(0, 120), st.one_of(st.none(), st.integers(0, 150)))


def register(drawn: list[tuple[str, int, int | None]]) -> list[tuple[str, str, str, str, str]]:
    from datetime import date, timedelta

    out = []
    for k, (found, due_in, done_in) in enumerate(drawn):
        f = date.fromisoformat(found)
        done = "" if done_in is None else (f + timedelta(days=done_in)).isoformat()
        out.append((f"H{k}", QUARTERS[(f.month - 1) // 3], found, (f + timedelta(days=due_in)).isoformat(), done))
    return out


@settings(max_examples=40, deadline=None)
@given(st.lists(hazard_st, max_size=8), st.sampled_from(DAYS))
def test_a_hazard_within_its_deadline_never_lowers_the_score(drawn, found):
    # an open hazard whose deadline lies after every check is never overdue and never on time
    rubric = ENGINE.rubric_from_text(RUBRIC)
    before = ENGINE.score(rubric, rows_for(register(drawn))).unit("u").score
    pending = register(drawn) + [("P", "2026Q4", found, "2027-03-01", "")]
    assert ENGINE.score(rubric, rows_for(pending)).unit("u").score == before


@settings(max_examples=40, deadline=None)
@given(st.lists(hazard_st, min_size=1, max_size=8), st.data())
def test_a_later_deadline_never_lowers_the_score_and_order_does_not_matter(drawn, data):
    rubric = ENGINE.rubric_from_text(RUBRIC)
    base = register(drawn)
    score = ENGINE.score(rubric, rows_for(base)).unit("u").score
    k = data.draw(st.integers(0, len(drawn) - 1))
    found, due_in, done_in = drawn[k]
    later = list(drawn)
    later[k] = (found, due_in + data.draw(st.integers(1, 90)), done_in)
    assert ENGINE.score(rubric, rows_for(register(later))).unit("u").score >= score
    shuffled = list(base)
    random.Random(data.draw(st.integers(0, 1000))).shuffle(shuffled)
    assert ENGINE.score(rubric, rows_for(shuffled)).unit("u").score == score


def test_dates_may_be_written_in_chinese_as_registers_are_typed():
    chinese = [(h, q, *(_zh(x) for x in (f, d, r))) for h, q, f, d, r in HAND]
    rubric = ENGINE.rubric_from_text(RUBRIC)
    assert ENGINE.score(rubric, rows_for(chinese)).unit("u").score == 16.7


def _zh(day: str) -> str:
    if not day:
        return day
    y, m, d = day.split("-")
    return f"{y}年{int(m)}月{int(d)}日"


@given(st.dates())
def test_every_way_of_writing_a_day_reads_as_the_same_day(day):
    from plugins.scoring_safety.hazards import parse_day

    if day.year < 1000:  # a four-digit year is the only kind written
        return
    iso = day.isoformat()
    written = [iso, iso.replace("-", "/"), iso.replace("-", "."), f"{day.year}年{day.month}月{day.day}日",
               f"{day.year}年{day.month:02d}月{day.day:02d}", f"{iso} 00:00:00",
               "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in f"{day.year}年{day.month}月{day.day}日")]
    assert {parse_day(w) for w in written} == {(day - datetime.date(1970, 1, 1)).days}
