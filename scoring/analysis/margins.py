"""Margins: how close each unit is to the next grade and to each quota's cut.

All on the rounded scale, as grades and ranks are decided: a unit shown as
89.9 is 0.1 from a band at 90, whatever float its total came out as.

Grades. `above_floor` is the score minus the own grade's `min`; `to_next` is
the next grade up's `min` minus the score. A `require` is evaluated on the
unit's current figures: when the next grade's condition fails (`deaths == 0`
for a unit with a death), no points reach it and `to_next` is blank with the
reason in `blocked`; so it is when a veto fixed the grade. A unit whose raw
total is below its grade's floor but rounds onto it (89.95 → 90.0) holds its
grade by rounding and is flagged.

Quotas. For each consequence with a quota, each unit competing for it (the
condition held, nothing blocked it, it has a group): `place` inside or outside,
and `margin`, the points between its score and the other side of the cut of
its group: for a unit inside, how far it is ahead of the best unit left out
(how much it could lose before a unit outside would pass it); for a unit
outside, how far it is behind the last unit let in (negative). A margin of 0
means the rounded scores are equal across the cut and a tie-break (or the
quota's `ties` rule) decided: flagged, and flagged as rounding too when the
raw totals were not equal.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..consequences import COUNTED_ONCE, GRANTED, OUTSIDE_QUOTA
from ..decide import NO_GRADE, build_env, holds
from ..rounding import round_half_up

if TYPE_CHECKING:
    from ..result import Result

Columns = dict[str, np.ndarray]
# Totals are float sums of decimals: closer than this is equal.
EPS = 1e-9


@dataclass(frozen=True)
class QuotaMargins:
    """One quota consequence's margins; columns aligned with the result's units."""

    consequence: str
    title: str
    competing: np.ndarray   # bool: the unit competes for the quota
    inside: np.ndarray      # bool: within the quota
    rank: np.ndarray        # overall rank, the quota's order
    cut_rank: np.ndarray    # overall rank at the cut of the unit's group (NaN: the quota was not full)
    margin: np.ndarray      # points to the other side of the cut (NaN: nobody there)
    tie: np.ndarray         # bool: the place hinges on a tie-break or the quota's ties rule
    rounding: np.ndarray    # bool: ... and the tie exists only after rounding


@dataclass(frozen=True)
class Margins:
    """Each unit's distance to the next grade and to every quota's cut."""

    unit_ids: np.ndarray
    score: np.ndarray
    grade: np.ndarray        # index into the rubric's grades, NO_GRADE when not assessed
    floor: np.ndarray        # own grade's min
    above_floor: np.ndarray
    next_grade: np.ndarray   # index of the next grade up, -1 at the top or when not assessed
    to_next: np.ndarray      # NaN when there is no next grade or it is blocked
    blocked: np.ndarray      # object: "", "require", "veto"
    grade_by_rounding: np.ndarray
    quotas: tuple[QuotaMargins, ...]
    grade_names: tuple[str, ...]
    requires: tuple[str | None, ...]
    precision: int

    def columns(self) -> Columns:
        """One row per unit: grade margins, then per quota `<id>_place`, `<id>_margin`, `<id>_tie`."""
        names = np.array(list(self.grade_names) + [None], dtype=object)
        out: Columns = {
            "unit": self.unit_ids, "score": self.score, "grade": names[self.grade],
            "above_floor": self.above_floor, "next_grade": names[self.next_grade], "to_next": self.to_next,
            "blocked": self.blocked, "grade_by_rounding": self.grade_by_rounding,
        }
        for q in self.quotas:
            place = np.where(q.competing, np.where(q.inside, "inside", "outside"), "").astype(object)
            out[f"{q.consequence}_place"] = place
            out[f"{q.consequence}_margin"] = q.margin
            out[f"{q.consequence}_tie"] = q.tie
            out[f"{q.consequence}_rounding"] = q.rounding
        return out

    def flagged(self) -> np.ndarray:
        """Units whose grade or a quota place hinges on rounding or a tie-break."""
        out: np.ndarray = self.grade_by_rounding.copy()
        for q in self.quotas:
            out |= q.tie | q.rounding
        return out

    def flags(self, i: int) -> list[str]:
        out = ["grade held by rounding"] if self.grade_by_rounding[i] else []
        for q in self.quotas:
            if q.rounding[i]:
                out.append(f"{q.consequence}: place decided by a tie-break between scores equal after rounding")
            elif q.tie[i]:
                out.append(f"{q.consequence}: place decided by a tie-break or the quota's ties rule")
        return out

    def _nums(self, values: np.ndarray) -> list[float | None]:
        rounded = round_half_up(values, self.precision)
        return [None if math.isnan(x) else x for x in rounded.tolist()]

    def entries(self, rows: np.ndarray) -> list[dict[str, Any] | None]:
        """The JSON of units `rows`' margins (None for a unit not assessed), each column rounded once."""
        rows = np.asarray(rows, dtype=np.int64)
        names = list(self.grade_names) + [None]
        grade, nxt = self.grade[rows].tolist(), self.next_grade[rows].tolist()
        floor, above, to_next = self.floor[rows].tolist(), self._nums(self.above_floor[rows]), \
            self._nums(self.to_next[rows])
        blocked, by_rounding = self.blocked[rows].tolist(), self.grade_by_rounding[rows].tolist()
        quotas = [(q.consequence, q.competing[rows].tolist(), q.inside[rows].tolist(), q.rank[rows].tolist(),
                   [None if c is None else int(c) for c in self._nums(q.cut_rank[rows])],
                   self._nums(q.margin[rows]), q.tie[rows].tolist(), q.rounding[rows].tolist()) for q in self.quotas]
        out: list[dict[str, Any] | None] = []
        for k, i in enumerate(rows.tolist()):
            if grade[k] == NO_GRADE:
                out.append(None)
                continue
            places = {
                cid: {"place": "inside" if inside[k] else "outside", "rank": int(rank[k]),
                      "cut_rank": cut[k], "margin": margin[k],
                      "tie": bool(tie[k]), "rounding": bool(rounding[k])}
                for cid, competing, inside, rank, cut, margin, tie, rounding in quotas if competing[k]
            }
            out.append({
                "grade": {"floor": float(floor[k]), "above_floor": above[k], "next": names[nxt[k]],
                          "to_next": to_next[k], "blocked": str(blocked[k]) or None,
                          "by_rounding": bool(by_rounding[k])},
                "quotas": places, "flags": self.flags(i),
            })
        return out

    def unit_entry(self, i: int) -> dict[str, Any] | None:
        """The JSON of unit `i`'s margins (None when the unit is not assessed)."""
        return self.entries(np.array([i]))[0]

    def lines(self, i: int, words: Mapping[str, str] | None = None) -> list[str]:
        """Unit `i`'s margins in words, for `scoring explain` (`words`: a labels table, English by default)."""
        from ..report.labels import EN

        table = EN if words is None else words

        def w(key: str, **fields: object) -> str:
            return table[key].format(**fields)

        g = int(self.grade[i])
        if g == NO_GRADE:
            return [w("mg_not_assessed")]
        fmt = f"{{:.{self.precision}f}}"
        name = self.grade_names[g]
        out = [w("mg_floor", grade=name, above=fmt.format(self.above_floor[i]), floor=f"{self.floor[i]:g}")]
        nxt = int(self.next_grade[i])
        if nxt < 0:
            out[0] += w("mg_top")
        elif self.blocked[i] == "veto":
            out.append(w("mg_veto", grade=self.grade_names[nxt]))
        elif self.blocked[i] == "require":
            out.append(w("mg_require", grade=self.grade_names[nxt], require=self.requires[nxt]))
        else:
            out.append(w("mg_to_go", grade=self.grade_names[nxt], points=fmt.format(self.to_next[i])))
        for q in self.quotas:
            if not q.competing[i]:
                continue
            m = q.margin[i]
            if q.inside[i]:
                where = w("mg_inside") + (w("mg_nobody_out") if np.isnan(m) else w("mg_ahead", margin=fmt.format(m)))
            else:
                where = w("mg_outside") + (w("mg_nobody_in") if np.isnan(m) else w("mg_behind", margin=fmt.format(-m)))
            cut = "" if np.isnan(q.cut_rank[i]) else w("mg_cut", rank=int(q.cut_rank[i]))
            out.append(w("mg_quota", consequence=q.consequence, title=q.title, rank=int(q.rank[i]), cut=cut, where=where))
        out += [w("mg_flag", flag=f) for f in self.flags(i)]
        return out


def _group_extreme(codes: np.ndarray, k: int, mask: np.ndarray, values: np.ndarray, high: bool) -> np.ndarray:
    """Per group, the max (or min) of `values` where `mask`; -inf (+inf) for an empty group."""
    out = np.full(k, -np.inf if high else np.inf)
    (np.maximum if high else np.minimum).at(out, codes[mask], values[mask])
    return out


def _quota_margins(result: Result, c: int, raw: np.ndarray) -> QuotaMargins:
    spec = result.rubric.model.consequence[c]
    cq, d = result.consequences, result.decisions
    status = cq.status[:, c]
    competing = np.isin(status, (GRANTED, OUTSIDE_QUOTA, COUNTED_ONCE)) & ~np.isnan(cq.quota_size[:, c])
    inside = competing & (status != OUTSIDE_QUOTA)
    outside = competing & ~inside
    if spec.quota is not None and spec.quota.within:
        codes = np.unique(result.layout.final(spec.quota.within), return_inverse=True)[1].reshape(-1)
    else:
        codes = np.zeros(result.layout.n_units, dtype=np.int64)
    k = int(codes.max(initial=-1)) + 1
    score, rank = d.score, d.overall_rank
    # The other side of the cut in the quota's own order (overall rank, where
    # vetoed units may come last whatever their score): the last unit let in
    # and the first left out, and their scores.
    last_rank = _group_extreme(codes, k, inside, rank, high=True)[codes]
    first_rank = _group_extreme(codes, k, outside, rank, high=False)[codes]
    last_in = _group_extreme(codes, k, inside & (rank == last_rank), score, high=False)[codes]
    first_out = _group_extreme(codes, k, outside & (rank == first_rank), score, high=True)[codes]
    with np.errstate(invalid="ignore"):
        margin = np.where(inside, score - first_out, score - last_in)
    margin = np.where(competing & np.isfinite(margin), round_half_up(margin, result.rubric.model.rubric.precision),
                      np.nan)
    cut = cq.quota_cut[:, c]
    cut = np.where(np.isfinite(cut), cut, np.nan)  # a quota of 0 cuts above every rank: no cut rank to show
    # Several competitors on the cut's rank: the quota's ties rule decided.
    at_cut = competing & (rank == cut)
    crowd = np.bincount(codes[at_cut], minlength=k)[codes] if k else np.zeros(0, dtype=np.int64)
    tie = competing & ((margin == 0) | (at_cut & (crowd > 1)))
    # Equal after rounding, not before: would raw totals have ordered them otherwise?
    out_top_raw = _group_extreme(codes, k, outside & (score == first_out), raw, high=True)[codes]
    in_bottom_raw = _group_extreme(codes, k, inside & (score == last_in), raw, high=False)[codes]
    rounding = tie & (margin == 0) & np.where(inside, out_top_raw > raw + EPS, in_bottom_raw < raw - EPS)
    return QuotaMargins(spec.id, spec.title, competing, inside, rank, np.where(competing, cut, np.nan), margin,
                        tie, rounding)


def unit_margins(result: Result) -> Margins:
    """Every unit's margins to the next grade and to each quota's cut."""
    model, d, t, layout = result.rubric.model, result.decisions, result.totals, result.layout
    n = layout.n_units
    precision = model.rubric.precision
    mins = np.array([g.min for g in model.grade] + [np.nan])
    grade = d.grade
    score = d.score
    floor = mins[grade]
    graded = grade != NO_GRADE
    next_grade = np.where(graded & (grade > 0), grade - 1, -1)
    to_next = np.where(next_grade >= 0, mins[next_grade] - score, np.nan)

    # A require of the next grade up, on the unit's current figures.
    wanted = set().union(*(e.names for e in result.rubric.requires if e is not None))
    env, missing = build_env(wanted, layout, t, precision, {"score": score, "vetoed": d.vetoed})
    require_ok = np.ones((n, len(model.grade)), dtype=bool)
    for g, req in enumerate(result.rubric.requires):
        if req is not None:
            require_ok[:, g] = holds(req, env, missing, n)
    has_next = next_grade >= 0
    next_ok = require_ok[np.arange(n), np.maximum(next_grade, 0)]
    # A veto fixes the grade (fail, zero or a named grade) whatever the points.
    blocked = np.where(has_next & d.vetoed, "veto", np.where(has_next & ~next_ok, "require", "")).astype(object)
    to_next = np.where(blocked == "", np.maximum(to_next, 0.0), np.nan)

    zeroed = np.zeros(n, dtype=bool)
    for j, v in enumerate(model.veto):
        if v.effect == "zero":
            zeroed |= d.vetoes[:, j]
    raw = np.where(zeroed, 0.0, t.total)
    by_rounding = graded & ~d.vetoed & (raw < floor - EPS) & (score >= floor)
    quotas = tuple(_quota_margins(result, c, raw) for c, spec in enumerate(model.consequence)
                   if spec.quota is not None)
    return Margins(
        unit_ids=layout.unit_ids, score=score, grade=grade, floor=floor,
        above_floor=round_half_up(score - floor, precision), next_grade=next_grade,
        to_next=round_half_up(to_next, precision), blocked=blocked, grade_by_rounding=by_rounding, quotas=quotas,
        grade_names=tuple(g.name for g in model.grade), requires=tuple(g.require for g in model.grade),
        precision=precision,
    )
