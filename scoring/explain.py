"""A unit's explanation, built on demand from the result's columns.

Nothing here is stored per unit during scoring: the item methods are run again
on the unit's own frames (a handful of rows) to show the raw points before the
clip, and every other figure is read from the result's columns. The wording is
meant to be read by the unit's own staff when they check or appeal a result.
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
from .plan import CompiledIndicator

if TYPE_CHECKING:
    from .result import Result


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
        return {"unit": self.unit, "sections": [{"title": s.title, "lines": s.lines} for s in self.sections]}

    def __str__(self) -> str:
        return self.to_text()


def explain_unit(result: Result, i: int) -> Explanation:
    rubric, layout, d, t = result.rubric, result.layout, result.decisions, result.totals
    model = rubric.model
    p = model.rubric.precision
    unit = result._unit(i)
    sections: list[Section] = []
    head = Section(f"{model.rubric.unit} {unit.id} — {model.rubric.title} ({model.rubric.id} {model.rubric.version})")
    if unit.status == "not_assessable":
        head.lines.append("not assessable: no item of the rubric applies to this unit, so it has no score, grade or rank")
    elif unit.status == "review_ended":
        ended = "; ".join(f"{v.id} — {v.title} ({v.when})" for j, v in enumerate(model.veto)
                          if v.ends_review and result.decisions.vetoes[i, j])
        head.lines.append(f"review ended (不予评审) by {ended}: the unit has no score, grade or rank; "
                          "the items below are the evidence's figures, which make no total")
    else:
        head.lines.append(f"score {_g(unit.score)}, grade {unit.grade}, rank {unit.rank}")
    sections.append(head)

    frames = np.arange(layout.starts[i], layout.last[i] + 1)
    members = unit.members
    periods = [str(x) for x in layout.frame_period[frames]]
    for dim in model.dimension:
        sec = Section(f"{dim.title or dim.id} [{dim.id}]" + (f", phase {dim.phase}" if dim.phase else "")
                      + (" (bonus)" if dim.kind == "bonus" else ""))
        for ind, col in zip(rubric.indicators, result.items):
            if ind.dimension is not dim:
                continue
            combiner = combiner_of(model, dim.phase)
            rows = frames if combiner != "last" else frames[-1:]
            item = run_method(ind, layout, rows)
            raw, na, value = item.raw, item.not_applicable, item.value
            describe = ind.method.describe(ind.params, ind.points) if ind.method.describe else ind.method.summary
            sec.lines.append(f"{ind.spec.title or ind.id} [{ind.id}], {_g(ind.points)} points, {ind.method.name}: {describe}")
            for k, row in enumerate(rows.tolist()):
                label = f"period {layout.frame_period[row]}: " if len(rows) > 1 or periods[0] else ""
                inputs = ", ".join(
                    f"{n} = {'(blank)' if layout.missing[n][row] else _v(layout.columns[n][row])}" for n in ind.inputs)
                inputs += _conditions(ind, layout, row)
                if na[k]:
                    missing = [n for n in ind.inputs if layout.missing[n][row]]
                    why = f"{', '.join(missing)} not applicable" if missing else "not applicable (method)"
                    sec.lines.append(f"  {label}{inputs} → {why} → item rescaled away")
                    continue
                finite = bool(np.isfinite(raw[k]))
                clipped = min(max(float(raw[k]), 0.0), ind.points) if finite else 0.0
                note = ""
                if not finite:
                    note = " (the figure is undefined, a division by zero?, so it earns 0)"
                elif raw[k] < 0:
                    note = f" (floored at 0 from {_g(float(raw[k]))}: 扣完为止)"
                elif raw[k] > ind.points:
                    note = f" (capped at {_g(ind.points)} from {_g(float(raw[k]))})"
                sec.lines.append(f"  {label}{inputs} → value {_v(value[k])} → {_g(clipped)} points{note}")
            if col.member_values:
                for member in members:
                    figures = member["values"].get(ind.id, {})
                    shown = ", ".join(f"{k} {_v(v) if v is not None else '—'}" for k, v in figures.items())
                    sec.lines.append(f"  member {member['id']}: {shown}")
            if len(rows) > 1:
                sec.lines.append(f"  combined over periods ({combiner}): {_g(float(col.points[i]))} points"
                                 if col.applicable[i] else "  not applicable in every period: rescaled away")
        earned = float(t.dimension_points[dim.id][i])
        if dim.kind == "bonus":
            cap = f"; capped at {_g(dim.points)}" if earned > dim.points else ""
            sec.lines.append(f"bonus items earn {_g(earned)}{cap}")
        else:
            sec.lines.append(f"dimension: {_g(earned)} of {_g(float(t.dimension_max[dim.id][i]))} applicable points "
                             f"(full {_g(dim.points)})")
        sections.append(sec)

    if model.member_result is not None and members:
        # Each member's own result ([member_result]): not part of the unit's score.
        own = Section(f"{model.member_result.title or 'Member results'} (each member's own result; "
                      f"not part of the unit's score)", [f"score = {model.member_result.score}"])
        for member in members:
            got = member.get("result") or {}
            shown = (f"{_g(got['score'])}" + (f", grade {got['grade']}" if got.get("grade") else ", no grade")
                     if got.get("score") is not None else "no result (a figure it reads is blank or undefined)")
            own.lines.append(f"  member {member['id']}" + (f" {member['name']}" if member.get("name") else "")
                             + f": {shown}")
        sections.append(own)

    totals = Section("Totals")
    scale = model.rubric.scale
    if model.phases:
        for name, spec in model.phases.items():
            dims = [x for x in model.dimension if x.phase == name and x.kind == "base"]
            earned = sum(float(t.dimension_points[x.id][i]) for x in dims)
            appl = sum(float(t.dimension_max[x.id][i]) for x in dims)
            totals.lines.append(f"phase {name}: {_g(earned)} / {_g(appl)} × {_g(scale)} = {_g(float(t.phase_scores[name][i]))}, "
                                f"weight {_g(spec.weight)}")
    totals.lines.append(f"base total (缺项折算 {model.rubric.not_applicable}): {_g(float(t.base[i]))}")
    totals.lines.append(f"bonus: {_g(float(t.bonus[i]))}")
    vetoes = [v for j, v in enumerate(model.veto) if d.vetoes[i, j]]
    for v in vetoes:
        effect = {"zero": "score set to 0", "fail": "grade forced to the lowest, score kept"}.get(
            v.effect, f"grade set to {v.grade}, score kept")
        effect = "the review ends: no score, grade or rank" if v.ends_review else effect
        totals.lines.append(f"veto {v.id} — {v.title} ({v.when}): {effect}")
    if unit.status == "scored":
        raw_total = 0.0 if any(v.effect == "zero" for v in vetoes) else float(t.total[i])
        totals.lines.append(f"total {_g(raw_total, 9)} → rounded half-up to {p} decimal(s): {_g(unit.score)}")
    sections.append(totals)

    if unit.status == "scored":
        sections.append(_grade_section(result, i, vetoes != []))
        sections.append(_rank_section(result, i))
    if model.consequence:
        sections.append(_consequence_section(result, i))
    amended = result.amendments_of(unit.id)
    if amended:
        sections.append(Section("Amendments (复核更正, applied to the evidence before scoring)",
                                [a.line() for a in amended]))
    decided = result.overrides_of(unit.id)
    if decided:
        sections.append(Section("Committee decisions (override the rules above)", [o.line() for o in decided.values()]))
    if unit.status == "scored":
        # How close to the next grade and to each quota's cut (scoring.analysis.margins).
        sections.append(Section("Margins", result.margins().lines(i)))
    return Explanation(unit.id, sections)


def _conditions(ind: CompiledIndicator, layout: Layout, row: int) -> str:
    """Whether each of the item's conditions (`all_when`, ...) held on this row."""
    out = ""
    for param, kind in expression_params(ind.method.params).items():
        expr = ind.expressions.get(param)
        if expr is None or kind.kind != "bool":
            continue
        env = {n: layout.columns[n][row : row + 1] for n in expr.names}
        held = bool(expr.evaluate_bool(env, 1)[0])
        out += f"; {param} `{expr.source}` {'holds' if held else 'does not hold'}"
    return out


def _grade_section(result: Result, i: int, vetoed: bool) -> Section:
    model, d = result.rubric.model, result.decisions
    sec = Section("Grade")
    score = float(d.score[i])
    for g, band in enumerate(model.grade):
        if d.grade_failed_require[i, g]:
            sec.lines.append(f"{band.name} (≥ {_g(band.min)}) reached on score, but require `{band.require}` fails")
    g = int(d.grade[i])
    decided = result.overrides_of(str(result.layout.unit_ids[i])).get("grade")
    if decided is not None:
        sec.lines.append(f"by the rules: {decided.rule['grade']}; set to {model.grade[g].name} by a committee decision: "
                         f"{decided.decision.reason} ({decided.decision.decided_by}, {decided.decision.date})")
    elif vetoed:
        lowest = g == len(model.grade) - 1
        sec.lines.append(f"vetoed: grade {model.grade[g].name}" + (" (the lowest)" if lowest else " (set by the veto)"))
    else:
        sec.lines.append(f"{_g(score)} ≥ {_g(model.grade[g].min)}: {model.grade[g].name}")
    return sec


def _rank_section(result: Result, i: int) -> Section:
    model, d = result.rubric.model, result.decisions
    sec = Section("Rank")
    score = d.score
    within = model.rank.within
    same_group = np.ones(score.shape, dtype=bool)
    if within:
        group = result.layout.columns[within][result.layout.last]
        same_group = group == group[i]
        sec.lines.append(f"ranked within {within} = {group[i]}")
    tied = np.flatnonzero(same_group & (score == score[i]) & (d.vetoed == d.vetoed[i]))
    sec.lines.append(f"rank {int(d.rank[i])} ({model.rank.ties} ties) on the rounded total {_g(float(score[i]))}")
    if model.rank.vetoed == "last" and d.vetoed[i]:
        sec.lines.append("vetoed units rank after every unit without a veto")
    others = [result.layout.unit_ids[j] for j in tied.tolist() if j != i]
    if others:
        sec.lines.append(f"equal total with: {', '.join(map(str, others[:10]))}" + (" …" if len(others) > 10 else ""))
        for name, key in d.tie_keys.items():
            sec.lines.append(f"tie-break {name}: {_g(float(key[i]))}; "
                             + ", ".join(f"{result.layout.unit_ids[j]} {_g(float(key[j]))}" for j in tied.tolist()[:10] if j != i))
        if not d.tie_keys:
            sec.lines.append("no tie-break declared: the tie stands")
    return sec


def _quota(count: int | None, size: float) -> int:
    # A count is shown as written: 2**63 - 1 would come back from a float as 2**63.
    return count if count is not None else int(size)


def consequence_reason(result: Result, i: int, j: int) -> str:
    """Why unit `i` did or did not receive consequence `j`, in one line."""
    model, cq = result.rubric.model, result.consequences
    spec = model.consequence[j]
    status, other = int(cq.status[i, j]), int(cq.detail[i, j])
    rank = result.decisions.overall_rank[i]
    if status == NOT_ELIGIBLE:
        return f"condition `{spec.when}` does not hold"
    if status == OVERRULED:
        return "denied by a committee decision"
    if status == BLOCKED_BY_VETO:
        return f"blocked by veto {model.veto[other].id} ({model.veto[other].title})"
    if status == BLOCKED_BY_CONSEQUENCE:
        return f"blocked by {model.consequence[other].id} ({model.consequence[other].title})"
    group = f" in {spec.quota.within} {result.layout.final(spec.quota.within)[i]}" if spec.quota and spec.quota.within else ""
    if status == OUTSIDE_QUOTA and spec.quota and spec.quota.within and np.isnan(cq.quota_size[i, j]):
        return f"no {spec.quota.within} value, so no place in any {spec.quota.within}'s quota"
    if status == OUTSIDE_QUOTA:
        size = _quota(spec.quota.count if spec.quota else None, cq.quota_size[i, j])
        cut = cq.quota_cut[i, j]
        tie = "; tied at the cut, and ties are excluded" if rank == cut else ""
        return f"rank {_g(float(rank))}, quota {size}{group}{tie}"
    if status == COUNTED_ONCE:
        kept = model.consequence[other]
        return f"the same achievement ({spec.achievement}) is rewarded once, by {kept.id} at the higher amount"
    parts = [f"`{spec.when}` holds"]
    if spec.quota is not None:
        parts.append(f"rank {_g(float(rank))} within quota {_quota(spec.quota.count, cq.quota_size[i, j])}{group}")
    payout = result.rubric.payouts[j]
    if payout is not None and status == GRANTED:
        # The grade from the unit's own index: `result.grades` builds the whole column.
        g = int(result.decisions.grade[i])
        grade = None if g == NO_GRADE else result.rubric.model.grade[g].name
        paid = PaidUnit(id=str(result.layout.unit_ids[i]), score=float(result.decisions.score[i]), grade=grade,
                        rank=float(result.decisions.rank[i]), amount=float(cq.amounts[i, j]), budget=cq.budgets[j])
        said = payout.kind.explain(payout.params, paid) if payout.kind.explain is not None else ""
        if said:
            parts.append(said)
    return "; ".join(parts)


def _consequence_section(result: Result, i: int) -> Section:
    model, cq = result.rubric.model, result.consequences
    sec = Section("Consequences")
    for j, c in enumerate(model.consequence):
        reason = consequence_reason(result, i, j)
        if cq.status[i, j] == GRANTED:
            amount = f", amount {_g(float(cq.amounts[i, j]), 2)}" if result.rubric.payouts[j] is not None else ""
            who = f" (to the {c.person_role})" if c.applies_to == "person" else ""
            sec.lines.append(f"{c.id} — {c.title}{who}: granted{amount}; {reason}")
        else:
            sec.lines.append(f"{c.id} — {c.title}: not granted, {reason}")
    return sec
