"""Hazard rectification against each hazard's deadline, carried across periods (隐患整改期限).

An enterprise's hazard register (隐患排查治理台账) is a set of member rows under
it (column `parent` = the enterprise id), one per hazard, filed under the
period in which it was found, each with three dates: found (发现日期), the
rectification deadline (整改期限) and, once done, rectified (整改完成日期; blank
while open). Dates are written `2026-03-15` (also `2026/3/15`, `2026.3.15`,
`2026年3月15日`, full-width digits, or with a time of day as a workbook gives it).

Each period is checked on its own date (`assessed_on`, e.g. the quarter's
end). At the check on date D, with S the check before it (no earlier check:
the beginning of time), a hazard of the enterprise counts when it was found
on or before D and was not already rectified on or before S (so open hazards
carry from one period into the next, whichever period they are filed under):

- **rectified on time**: rectified on or before D and on or before its deadline;
- **overdue** (a failure): its deadline is before D and it was not rectified by
  the deadline (still open, or rectified late during this period);
- **within its period** (neither): still open on D with the deadline on or after
  D. Such a hazard is not scored as a failure.

The period's rate is on time / (on time + overdue), and the points go from 0
at `zero` to full at `full`, linear between, like `ratio`. A period with no
hazard that counts earns `when_none` ("full": nothing to rectify, nothing
lost; or "not_applicable"). A hazard left open past its deadline is overdue
at every later check until it is rectified; rectified late, it is overdue in
the period it was rectified and then drops out.

Each hazard reports `overdue_checks` (how many checks found it overdue) and
`on_time` (1 rectified by its deadline, 0 not, blank while within its period
at the enterprise's last check).

Evidence without periods (one row per enterprise, the year's figures) is
checked once, on the latest date of `assessed_on`, over the whole year (no
earlier check: every hazard found by then counts).
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Annotated, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from scoring.plugin import (
    CheckReport,
    EvidenceCheck,
    EvidenceRows,
    FieldRef,
    FieldSpec,
    FloatArray,
    Method,
    MethodInput,
    Params,
    Refusal,
    Scored,
)

MemberTextField = Annotated[str, FieldRef(("text",), members=True)]

_DATE = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?\s*$")
_DATE_ZH = re.compile(r"^\s*(\d{4})年(\d{1,2})月(\d{1,2})日?\s*$")  # as registers are typed: 2026年3月15日
_EPOCH = _dt.date(1970, 1, 1)


def parse_day(text: str) -> int | None:
    """Days since 1970-01-01 of a date written 2026-03-15 (or / . separators) or 2026年3月15日, in
    half- or full-width digits; None if it is not one."""
    text = unicodedata.normalize("NFKC", text)
    found = _DATE.match(text) or _DATE_ZH.match(text)
    if not found:
        return None
    try:
        day = _dt.date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        return None
    return (day - _EPOCH).days


def _days(values: np.ndarray, blank: np.ndarray) -> FloatArray:
    """A text column of dates as days (NaN where blank or not a date); parsed once per distinct value."""
    text = np.asarray(values).astype(str)
    out = np.full(text.shape, np.nan)
    distinct, inverse = np.unique(text, return_inverse=True)
    parsed = np.array([np.nan if (d := parse_day(v)) is None else float(d) for v in distinct.tolist()])
    if distinct.size:
        out = parsed[inverse.reshape(-1)]
    return np.where(blank, np.nan, out)


class HazardDeadlineParams(Params):
    found: MemberTextField
    deadline: MemberTextField
    rectified: MemberTextField
    # The date each period is checked on, by period label: {"2026Q1" = "2026-03-31", ...}.
    assessed_on: dict[str, str] = Field(min_length=1)
    full: float = Field(default=1.0, ge=0, le=1)
    zero: float = Field(default=0.0, ge=0, le=1)
    when_none: Literal["full", "not_applicable"] = "full"

    @field_validator("assessed_on")
    @classmethod
    def _dates(cls, v: dict[str, str]) -> dict[str, str]:
        for label, text in v.items():
            if parse_day(text) is None:
                raise ValueError(f"assessed_on: {label} = {text!r} is not a date (write 2026-03-31 or 2026年3月31日)")
        return v

    @model_validator(mode="after")
    def _ordered(self) -> HazardDeadlineParams:
        if not self.zero < self.full:
            raise ValueError(f"zero ({self.zero:g}) must be below full ({self.full:g})")
        return self


def _check_dates(p: HazardDeadlineParams, periods: np.ndarray) -> tuple[FloatArray, FloatArray]:
    """The check date D and the check before it S, per row (S = -inf for the first check)."""
    table = {label: float(parse_day(text) or 0) for label, text in p.assessed_on.items()}
    ordered = sorted(set(table.values()))
    before = {d: (ordered[k - 1] if k else -np.inf) for k, d in enumerate(ordered)}
    labels = np.asarray(periods).astype(str)
    distinct, inverse = np.unique(labels, return_inverse=True)
    when, prior = [], []
    for label in distinct.tolist():  # a loop over the few period labels, not over units
        if label == "":  # no periods: one check, on the last date, over the whole year
            when.append(ordered[-1])
            prior.append(-np.inf)
            continue
        if label in table:
            day = table[label]
        else:
            raise ValueError(f"period {label!r} has no date in assessed_on ({', '.join(p.assessed_on)}); "
                             "give the date it was checked on")
        when.append(day)
        prior.append(before[day])
    idx = inverse.reshape(-1)
    return np.array(when, dtype=np.float64)[idx], np.array(prior, dtype=np.float64)[idx]


def _pairs(units: np.ndarray, member_unit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(member, row) for every row of each member's unit: each hazard meets each check of its enterprise."""
    order = np.argsort(units, kind="stable")
    counts = np.bincount(units, minlength=int(max(units.max(initial=-1), member_unit.max(initial=-1))) + 1)
    first = np.cumsum(counts) - counts
    per_member = counts[member_unit]
    member = np.repeat(np.arange(member_unit.shape[0]), per_member)
    offset = np.arange(member.shape[0]) - np.repeat(np.cumsum(per_member) - per_member, per_member)
    row = order[first[member_unit][member] + offset]
    return member, row


def _hazard_deadline(p: HazardDeadlineParams, inp: MethodInput) -> Scored:
    n = inp.n
    share_none = np.zeros(n) if p.when_none == "not_applicable" else np.ones(n)
    na_none = np.full(n, p.when_none == "not_applicable")
    if inp.members is None or inp.members.size == 0:  # no register rows: nothing counts anywhere
        return Scored(points=share_none * inp.points, value=np.full(n, np.nan), not_applicable=na_none,
                      member_values=None if inp.members is None else {"overdue_checks": np.zeros(0),
                                                                      "on_time": np.zeros(0)})
    m = inp.members
    units = np.arange(n) if inp.units is None else np.asarray(inp.units, dtype=np.int64)
    periods = np.full(n, "") if inp.periods is None else inp.periods
    check, prior = _check_dates(p, periods)
    found = _days(m.column(p.found), np.asarray(m.missing[p.found], dtype=bool))
    deadline = _days(m.column(p.deadline), np.asarray(m.missing[p.deadline], dtype=bool))
    rectified = _days(m.column(p.rectified), np.asarray(m.missing[p.rectified], dtype=bool))
    bad = np.isnan(found) | np.isnan(deadline)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise ValueError(f"hazard {m.ids[k]!r} has no valid {p.found if np.isnan(found[k]) else p.deadline} date")
    done = ~np.isnan(rectified)

    member, row = _pairs(units, units[m.row])
    d, s = check[row], prior[row]
    f, dl, r, rd = found[member], deadline[member], rectified[member], done[member]
    counts = (f <= d) & ~(rd & (r <= s))
    on_time = counts & rd & (r <= d) & (r <= dl)
    overdue = counts & (dl < d) & ~(rd & (r <= dl))

    good = np.bincount(row, weights=on_time.astype(np.float64), minlength=n)
    late = np.bincount(row, weights=overdue.astype(np.float64), minlength=n)
    judged = good + late
    none = judged == 0
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(none, np.nan, good / np.where(none, 1.0, judged))
    share = np.clip((rate - p.zero) / (p.full - p.zero), 0.0, 1.0)
    points = np.where(none, share_none, share) * inp.points

    overdue_checks = np.bincount(member, weights=overdue.astype(np.float64), minlength=m.size)
    last_check = np.full(int(units.max(initial=-1)) + 1, -np.inf)
    np.maximum.at(last_check, units, check)
    at_end = last_check[units[m.row]]
    pending = ~(done & (rectified <= at_end)) & (deadline >= at_end)
    on_time_member = np.where(pending, np.nan, (done & (rectified <= deadline)).astype(np.float64))
    return Scored(points=points, value=rate, not_applicable=none & na_none,
                  member_values={"overdue_checks": overdue_checks, "on_time": on_time_member})


def _describe(p: HazardDeadlineParams, points: float) -> str:
    dates = ", ".join(f"{k} on {v}" for k, v in p.assessed_on.items())
    return (f"hazards rectified by their {p.deadline} / (those + hazards past their {p.deadline} and not "
            f"rectified by it), at each check ({dates}); open hazards carry into later checks, a hazard still "
            f"within its deadline is not counted; full {points:g} at ≥ {p.full:g}, 0 at ≤ {p.zero:g}, linear "
            f"between; no hazard to judge → {p.when_none.replace('_', ' ')}")


def _validate(p: HazardDeadlineParams, fields: Mapping[str, FieldSpec]) -> None:
    names = [p.found, p.deadline, p.rectified]
    if len(set(names)) != 3:
        raise ValueError("found, deadline and rectified must be three different fields")


def _choices(p: HazardDeadlineParams) -> Mapping[str, Sequence[object]]:
    # Drawn independently, so found is the earliest: a deadline or rectified date never precedes it.
    later = ["2026-01-02", "2026-02-15", "2026-05-20", "2026-09-10", "2026-12-20", "2027-01-15"]
    return {p.found: ["2026-01-02"], p.deadline: later, p.rectified: [None, *later]}


METHOD = Method(
    "hazard_deadline", HazardDeadlineParams, _hazard_deadline,
    "hazards rectified by their deadline, checked each period with open hazards carried over (member rows)",
    _describe, validate=_validate, field_choices=_choices, members_optional=True,
    member_values=("overdue_checks", "on_time"),
)


# --- the evidence check: dates a hazard register must hold ---------------------


def _register_params(rows: EvidenceRows) -> list[HazardDeadlineParams]:
    return [ind.params for ind in rows.rubric.indicators  # type: ignore[misc]
            if ind.method.name == "hazard_deadline"]


def hazard_dates(rows: EvidenceRows) -> CheckReport:
    """Refuse a hazard row whose found date or deadline is blank or not a date, whose rectified date is
    not a date, or whose deadline or rectified date falls before it was found."""
    if rows.parents is None:
        return CheckReport()
    member = (rows.parents != "") & ~rows.refused
    refusals: list[Refusal] = []
    for p in _register_params(rows):
        cols = {name: _days(rows.columns[name], np.zeros(rows.n, dtype=bool)) for name in (p.found, p.deadline,
                                                                                           p.rectified)}
        blank = {name: np.asarray(rows.missing[name], dtype=bool) | (np.asarray(rows.columns[name]).astype(str) == "")
                 for name in cols}
        for name in (p.found, p.deadline):
            refusals.append(Refusal(np.flatnonzero(member & blank[name]),
                                    f"a hazard needs its {name} date (write 2026-03-15 or 2026年3月15日)", name))
        for name in (p.found, p.deadline, p.rectified):
            wrong = member & ~blank[name] & np.isnan(cols[name])
            refusals.append(Refusal(np.flatnonzero(wrong), f"{name} is not a date (write 2026-03-15 or 2026年3月15日)", name))
        for name in (p.deadline, p.rectified):
            early = member & (cols[name] < cols[p.found])
            refusals.append(Refusal(np.flatnonzero(early), f"{name} falls before the hazard was found "
                                                           f"({p.found})", name))
    return CheckReport(refuse=[r for r in refusals if len(r.rows)])


CHECKS: tuple[EvidenceCheck, ...] = (
    EvidenceCheck("hazard_dates", hazard_dates, "refuse hazard rows whose dates are missing, malformed or out of order"),
)
