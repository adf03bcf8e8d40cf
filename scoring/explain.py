"""A unit's explanation, built on demand from the result's columns.

Nothing here is stored per unit during scoring: the item methods are run again
on the unit's own frames (a handful of rows) to show the raw points before the
clip, and every other figure is read from the result's columns. The wording is
meant to be read by the unit's own staff when they check or appeal a result.

It is written in the rubric's language: every phrase and section title comes
from the labels table of scoring/report/labels.py (keys `ex_*`). A new section
is `words.section("mykey")` with its title under `ex_sec_mykey` in every
language's table (a test fails when a table lacks a key); its lines use
`words("ex_...", **fields)` the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .consequences import (
    BLOCKED_BY_CONSEQUENCE,
    BLOCKED_BY_VETO,
    COUNTED_ONCE,
    GRANTED,
    NOT_ELIGIBLE,
    OUTSIDE_QUOTA,
    OVERRULED,
)
from .decide import NO_GRADE
from .indicators import combiner_of, run_method
from .layout import Layout
from .methods import expression_params
from .payouts import PaidUnit
from .panels import panel_lines
from .plan import CompiledIndicator
from .report.data import rule_text
from .report.labels import labels_for, member_word
from .stages import stage_lines

if TYPE_CHECKING:
    from .amend import Amendment
    from .overrides import Override
    from .result import Result


class Words:
    """The explanation's words in the rubric's language (scoring/report/labels.py, keys `ex_*`)."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.table = labels_for(language)

    def __call__(self, key: str, **fields: object) -> str:
        return self.table[key].format(**fields) if fields else self.table[key]

    def section(self, key: str, **fields: object) -> Section:
        """A section whose title is looked up by its key (`ex_sec_<key>`), so each has one title per language."""
        return Section(self(f"ex_sec_{key}", **fields), key=key)


ENGLISH = Words("en")


def words_of(result: Result) -> Words:
    return Words(result.rubric.model.rubric.language)


def _g(x: float | None, places: int = 4) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    text = f"{x:.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _v(x: object) -> str:
    if isinstance(x, (np.bool_, bool)):
        return "是" if bool(x) else "否"
    if isinstance(x, (np.floating, float, np.integer, int)):
        return _g(float(x))
    return str(x)


@dataclass
class Section:
    title: str
    lines: list[str] = field(default_factory=list)
    key: str = ""   # what the section is (head, dimension, totals, grade, ...), whatever its title's language


@dataclass
class Explanation:
    unit: str
    sections: list[Section]

    def to_text(self) -> str:
        out: list[str] = []
        for s in self.sections:
            out.append(s.title)
            out.extend(f"  {line}" for line in s.lines)
            out.append("")
        return "\n".join(out).rstrip() + "\n"

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit,
                "sections": [{"title": s.title, "lines": s.lines, **({"key": s.key} if s.key else {})}
                             for s in self.sections]}

    def __str__(self) -> str:
        return self.to_text()


def explain_unit(result: Result, i: int) -> Explanation:
    rubric, layout, d, t = result.rubric, result.layout, result.decisions, result.totals
    model = rubric.model
    w = words_of(result)
    p = model.rubric.precision
    unit = result._unit(i)
    sections: list[Section] = []
    head = w.section("head", unit=model.rubric.unit, id=unit.id, title=model.rubric.title, rubric=model.rubric.id,
                     version=model.rubric.version)
    if unit.status == "not_assessable":
        head.lines.append(w("ex_not_assessable"))
    elif unit.status == "review_ended":
        ended = "; ".join(f"{v.id} — {v.title} ({v.when})" for j, v in enumerate(model.veto)
                          if v.ends_review and result.decisions.vetoes[i, j])
        head.lines.append(w("ex_review_ended", vetoes=ended))
    else:
        head.lines.append(w("ex_summary", score=_g(unit.score), grade=unit.grade, rank=unit.rank))
    sections.append(head)

    frames = np.arange(layout.starts[i], layout.last[i] + 1)
    members = unit.members
    periods = [str(x) for x in layout.frame_period[frames]]
    for dim in model.dimension:
        sec = w.section("dimension", title=dim.title or dim.id, id=dim.id)
        sec.title += (w("ex_phase_of", phase=dim.phase) if dim.phase else "") + (
            w("ex_bonus_mark") if dim.kind == "bonus" else "")
        for ind, col in zip(rubric.indicators, result.items):
            if ind.dimension is not dim:
                continue
            combiner = combiner_of(model, dim.phase)
            rows = frames if combiner != "last" else frames[-1:]
            item = run_method(ind, layout, rows)
            raw, na, value = item.raw, item.not_applicable, item.value
            describe = ind.method.describe(ind.params, ind.points) if ind.method.describe else ind.method.summary
            sec.lines.append(w("ex_indicator", title=ind.spec.title or ind.id, id=ind.id, points=_g(ind.points),
                               method=ind.method.name, rule=rule_text(describe, w.language)))
            for k, row in enumerate(rows.tolist()):
                label = w("ex_period", period=layout.frame_period[row]) if len(rows) > 1 or periods[0] else ""
                inputs = w("ex_sep").join(
                    f"{n} = {w('ex_blank') if layout.missing[n][row] else _v(layout.columns[n][row])}"
                    for n in ind.inputs)
                inputs += _conditions(ind, layout, row, w)
                if na[k]:
                    missing = [n for n in ind.inputs if layout.missing[n][row]]
                    why = w("ex_na_fields", fields=", ".join(missing)) if missing else w("ex_na_method")
                    sec.lines.append("  " + w("ex_item_na", label=label, inputs=inputs, why=why))
                    continue
                finite = bool(np.isfinite(raw[k]))
                clipped = min(max(float(raw[k]), 0.0), ind.points) if finite else 0.0
                note = ""
                if not finite:
                    note = w("ex_undefined")
                elif raw[k] < 0:
                    note = w("ex_floored", raw=_g(float(raw[k])))
                elif raw[k] > ind.points:
                    note = w("ex_capped", points=_g(ind.points), raw=_g(float(raw[k])))
                sec.lines.append("  " + w("ex_item", label=label, inputs=inputs, value=_v(value[k]), points=_g(clipped),
                                          note=note))
            if col.member_values:
                for member in members:
                    figures = member["values"].get(ind.id, {})
                    shown = w("ex_sep").join(f"{member_word(k, w.language)} {_v(v) if v is not None else '—'}"
                                             for k, v in figures.items())
                    sec.lines.append("  " + w("ex_member", id=member["id"], figures=shown))
            if len(rows) > 1:
                sec.lines.append("  " + (w("ex_combined", how=combiner, points=_g(float(col.points[i])))
                                         if col.applicable[i] else w("ex_na_every")))
        earned = float(t.dimension_points[dim.id][i])
        if dim.kind == "bonus":
            cap = w("ex_bonus_cap", points=_g(dim.points)) if earned > dim.points else ""
            sec.lines.append(w("ex_bonus_earned", earned=_g(earned), cap=cap))
        else:
            sec.lines.append(w("ex_dimension", earned=_g(earned), applicable=_g(float(t.dimension_max[dim.id][i])),
                               full=_g(dim.points)))
        sections.append(sec)

    if model.member_result is not None and members:
        # Each member's own result ([member_result]): not part of the unit's score.
        own = w.section("member_results", title=model.member_result.title or model.rubric.unit)
        own.lines.append(w("ex_member_score", score=model.member_result.score))
        for member in members:
            got = member.get("result") or {}
            if got.get("score") is None:
                shown = w("ex_member_none")
            elif got.get("grade"):
                shown = w("ex_member_graded", score=_g(got["score"]), grade=got["grade"])
            else:
                shown = w("ex_member_ungraded", score=_g(got["score"]))
            name = f" {member['name']}" if member.get("name") else ""
            own.lines.append("  " + w("ex_member_result", id=member["id"], name=name, shown=shown))
        sections.append(own)

    totals = w.section("totals")
    scale = model.rubric.scale
    if model.phases:
        for name, spec in model.phases.items():
            dims = [x for x in model.dimension if x.phase == name and x.kind == "base"]
            earned = sum(float(t.dimension_points[x.id][i]) for x in dims)
            appl = sum(float(t.dimension_max[x.id][i]) for x in dims)
            totals.lines.append(w("ex_phase", name=name, earned=_g(earned), applicable=_g(appl), scale=_g(scale),
                                  score=_g(float(t.phase_scores[name][i])), weight=_g(spec.weight)))
    totals.lines.append(w("ex_base", rule=model.rubric.not_applicable, base=_g(float(t.base[i]))))
    totals.lines.append(w("ex_bonus", bonus=_g(float(t.bonus[i]))))
    vetoes = [v for j, v in enumerate(model.veto) if d.vetoes[i, j]]
    for v in vetoes:
        effect = {"zero": w("ex_veto_zero"), "fail": w("ex_veto_fail")}.get(v.effect) or w("ex_veto_grade", grade=v.grade)
        effect = w("ex_veto_ends") if v.ends_review else effect
        totals.lines.append(w("ex_veto", id=v.id, title=v.title, when=v.when, effect=effect))
    if unit.status == "scored":
        raw_total = 0.0 if any(v.effect == "zero" for v in vetoes) else float(t.total[i])
        totals.lines.append(w("ex_total", raw=_g(raw_total, 9), places=p, score=_g(unit.score)))
    sections.append(totals)
    # Each rater's points beside the combined figure, and the self-assessment with its gap.
    if unit.panel is not None:
        sections.append(w.section("panel"))
        sections[-1].lines += panel_lines(unit.panel, w)
    if result.stages is not None:
        sections.append(w.section("stages"))
        sections[-1].lines += stage_lines(unit.self_assessment, unit.score, w)

    if unit.status == "scored":
        sections.append(_grade_section(result, i, vetoes != [], w))
        sections.append(_rank_section(result, i, w))
    if model.consequence:
        sections.append(_consequence_section(result, i, w))
    earlier = _earlier_section(result, i, w)
    if earlier.lines:
        sections.append(earlier)
    amended = result.amendments_of(unit.id)
    if amended:
        sections.append(w.section("amendments"))
        sections[-1].lines += [_amendment_line(a, w) for a in amended]
    decided = result.overrides_of(unit.id)
    if decided:
        sections.append(w.section("decisions"))
        sections[-1].lines += [_override_line(result, o, w) for o in decided.values()]
    if unit.status == "scored":
        # How close to the next grade and to each quota's cut (scoring.analysis.margins).
        margins = w.section("margins")
        margins.lines += result.margins().lines(i, w.table)
        sections.append(margins)
    return Explanation(unit.id, sections)


def _amendment_line(a: Amendment, w: Words) -> str:
    if w.language == "en":
        return a.line()  # the amendment's own words, as the JSON result's readers know them
    period = w("ex_period_in", period=a.period) if a.period else ""
    return w("ex_amendment", field=a.field, period=period, old=a.old, new=a.new, reason=a.reason, by=a.approved_by)


def _side(side: dict[str, Any], w: Words) -> str:
    if "grade" in side:
        return w("ex_side_grade", grade=side["grade"])
    text = w("ex_side_granted") if side.get("granted") else w("ex_side_not_granted")
    if side.get("amount") is not None and side.get("granted"):
        text = w("ex_side_amount", text=text, amount=f"{side['amount']:.2f}")
    return w("ex_side_why", text=text, why=side["why"]) if side.get("why") else text


def _override_line(result: Result, o: Override, w: Words) -> str:
    if w.language == "en":
        return o.line()  # the override's own words, as the consequence's reason in the JSON result says it
    d = o.decision
    titles = {c.id: c.title for c in result.rubric.model.consequence}
    target = w("grade") if d.target == "grade" else titles.get(d.target, d.target)
    return w("ex_override", target=target, rule=_side(o.rule, w), action=w(f"ex_action_{d.action}", value=d.value),
             decided=_side(o.outcome, w), reason=d.reason, by=d.decided_by, date=d.date)


def _earlier_section(result: Result, i: int, w: Words) -> Section:
    """The earlier results' figures (`previous.*`, `history.*`) the rubric's conditions read, for this unit."""
    sec = w.section("earlier")
    rubric = result.rubric
    names = set().union(*(e.names for e in rubric.consequence_when),
                        *(p.names for p in rubric.payouts if p is not None))
    read = sorted(n for n in names if n.startswith(("previous.", "history.")))
    columns, missing = result.looking_back or ({}, {})
    for name in read:
        if name not in columns or (name in missing and bool(missing[name].all())):
            continue  # no earlier result holds it for anyone: none was given
        gone = bool(missing[name][i]) if name in missing else False
        sec.lines.append(w("ex_earlier", name=name, value=w("ex_none") if gone else _v(columns[name][i])))
    return sec


def _conditions(ind: CompiledIndicator, layout: Layout, row: int, w: Words = ENGLISH) -> str:
    """Whether each of the item's conditions (`all_when`, ...) held on this row."""
    out = ""
    for param, kind in expression_params(ind.method.params).items():
        expr = ind.expressions.get(param)
        if expr is None or kind.kind != "bool":
            continue
        env = {n: layout.columns[n][row : row + 1] for n in expr.names}
        held = bool(expr.evaluate_bool(env, 1)[0])
        out += w("ex_cond_holds" if held else "ex_cond_fails", param=param, source=expr.source)
    return out


def _grade_section(result: Result, i: int, vetoed: bool, w: Words = ENGLISH) -> Section:
    model, d = result.rubric.model, result.decisions
    sec = w.section("grade")
    score = float(d.score[i])
    for g, band in enumerate(model.grade):
        if d.grade_failed_require[i, g]:
            sec.lines.append(w("ex_require_fails", grade=band.name, min=_g(band.min), require=band.require))
    g = int(d.grade[i])
    decided = result.overrides_of(str(result.layout.unit_ids[i])).get("grade")
    if decided is not None:
        sec.lines.append(w("ex_grade_set", rule=decided.rule["grade"], grade=model.grade[g].name,
                           reason=decided.decision.reason, by=decided.decision.decided_by,
                           date=decided.decision.date))
    elif vetoed:
        lowest = g == len(model.grade) - 1
        sec.lines.append(w("ex_vetoed_lowest" if lowest else "ex_vetoed_set", grade=model.grade[g].name))
    else:
        sec.lines.append(w("ex_grade_line", score=_g(score), min=_g(model.grade[g].min), grade=model.grade[g].name))
    return sec


def _rank_section(result: Result, i: int, w: Words = ENGLISH) -> Section:
    model, d = result.rubric.model, result.decisions
    sec = w.section("rank")
    score = d.score
    within = model.rank.within
    same_group = np.ones(score.shape, dtype=bool)
    if within:
        group = result.layout.columns[within][result.layout.last]
        same_group = group == group[i]
        sec.lines.append(w("ex_within", field=within, value=group[i]))
    tied = np.flatnonzero(same_group & (score == score[i]) & (d.vetoed == d.vetoed[i]))
    sec.lines.append(w("ex_rank_line", rank=int(d.rank[i]), ties=model.rank.ties, score=_g(float(score[i]))))
    if model.rank.vetoed == "last" and d.vetoed[i]:
        sec.lines.append(w("ex_vetoed_last"))
    others = [result.layout.unit_ids[j] for j in tied.tolist() if j != i]
    if others:
        sec.lines.append(w("ex_equal", units=", ".join(map(str, others[:10])) + (" …" if len(others) > 10 else "")))
        for name, key in d.tie_keys.items():
            sec.lines.append(w("ex_tie_break", name=name, mine=_g(float(key[i])), others=", ".join(
                f"{result.layout.unit_ids[j]} {_g(float(key[j]))}" for j in tied.tolist()[:10] if j != i)))
        if not d.tie_keys:
            sec.lines.append(w("ex_no_tie_break"))
    return sec


def _quota(count: int | None, size: float) -> int:
    # A count is shown as written: 2**63 - 1 would come back from a float as 2**63.
    return count if count is not None else int(size)


def consequence_reason(result: Result, i: int, j: int, w: Words = ENGLISH) -> str:
    """Why unit `i` did or did not receive consequence `j`, in one line (English unless `w` says otherwise:
    the JSON result and English reports keep the English line)."""
    model, cq = result.rubric.model, result.consequences
    spec = model.consequence[j]
    status, other = int(cq.status[i, j]), int(cq.detail[i, j])
    rank = result.decisions.overall_rank[i]
    if status == NOT_ELIGIBLE:
        return w("ex_cr_not_hold", when=spec.when)
    if status == OVERRULED:
        return w("ex_cr_overruled")
    if status == BLOCKED_BY_VETO:
        return w("ex_cr_veto", id=model.veto[other].id, title=model.veto[other].title)
    if status == BLOCKED_BY_CONSEQUENCE:
        return w("ex_cr_blocked", id=model.consequence[other].id, title=model.consequence[other].title)
    group = (w("ex_cr_group", field=spec.quota.within, value=result.layout.final(spec.quota.within)[i])
             if spec.quota and spec.quota.within else "")
    if status == OUTSIDE_QUOTA and spec.quota and spec.quota.within and np.isnan(cq.quota_size[i, j]):
        return w("ex_cr_no_group", field=spec.quota.within)
    if status == OUTSIDE_QUOTA:
        size = _quota(spec.quota.count if spec.quota else None, cq.quota_size[i, j])
        cut = cq.quota_cut[i, j]
        tie = w("ex_cr_tie") if rank == cut else ""
        return w("ex_cr_outside", rank=_g(float(rank)), size=size, group=group, tie=tie)
    if status == COUNTED_ONCE:
        kept = model.consequence[other]
        return w("ex_cr_once", achievement=spec.achievement, id=kept.id)
    return held_reasons(result, np.array([i], dtype=np.int64), j, w)[0]


def held_reasons(result: Result, rows: np.ndarray, j: int, w: Words = ENGLISH) -> list[str]:
    """`consequence_reason` for units `rows` whose condition for consequence `j` held (granted ones, say).

    A column at a time, for the JSON result's granted consequences: each distinct
    rank, quota and group is formatted once, and only a payout kind's own
    explanation is asked unit by unit (it is given the unit, and may say anything of it).
    """
    model, cq = result.rubric.model, result.consequences
    spec = model.consequence[j]
    n = int(rows.shape[0])
    sep = w("ex_cr_sep")
    out = [w("ex_cr_holds", when=spec.when)] * n
    if spec.quota is not None:
        within = spec.quota.within
        groups = [""] * n
        if within:
            values = result.layout.final(within)[rows]
            said: dict[Any, str] = {}  # numpy scalars, not .tolist(): a float32 is shown as numpy shows it
            groups = [said.get(v) or said.setdefault(v, w("ex_cr_group", field=within, value=v)) for v in values]
        ranks = [_g(r) for r in result.decisions.overall_rank[rows].astype(np.float64).tolist()]
        sizes = cq.quota_size[rows, j].tolist()
        out = [head + sep + w("ex_cr_within", rank=r, size=_quota(spec.quota.count, s), group=g)
               for head, r, s, g in zip(out, ranks, sizes, groups)]
    payout = result.rubric.payouts[j]
    if payout is not None and payout.kind.explain is not None:
        explain, params, budget, said_of = payout.kind.explain, payout.params, cq.budgets[j], [""] * n
        d, names = result.decisions, [g.name for g in model.grade]
        granted = np.flatnonzero(cq.status[rows, j] == GRANTED)
        picked = rows[granted]
        for k, uid, score, g, rank, amount in zip(
                granted.tolist(), result.layout.unit_ids[picked].tolist(), d.score[picked].astype(np.float64).tolist(),
                d.grade[picked].tolist(), d.rank[picked].astype(np.float64).tolist(),
                cq.amounts[picked, j].astype(np.float64).tolist()):
            # The kind is given the unit itself, and may say anything of it: asked unit by unit.
            said_of[k] = explain(params, PaidUnit(str(uid), score, None if g == NO_GRADE else names[g], rank, amount,
                                                  budget))
        out = [head + sep + more if more else head for head, more in zip(out, said_of)]  # only what says something
    return out


def _consequence_section(result: Result, i: int, w: Words = ENGLISH) -> Section:
    model, cq = result.rubric.model, result.consequences
    sec = w.section("consequences")
    for j, c in enumerate(model.consequence):
        reason = consequence_reason(result, i, j, w)
        if cq.status[i, j] == GRANTED:
            amount = (w("ex_amount", amount=_g(float(cq.amounts[i, j]), 2))
                      if result.rubric.payouts[j] is not None else "")
            who = w("ex_to_person", role=c.person_role) if c.applies_to == "person" else ""
            sec.lines.append(w("ex_granted", id=c.id, title=c.title, who=who, amount=amount, reason=reason))
        else:
            sec.lines.append(w("ex_not_granted", id=c.id, title=c.title, reason=reason))
    return sec
