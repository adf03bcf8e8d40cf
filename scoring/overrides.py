"""Committee decisions (局长办公会): overrides of what the rules decided, with their reasons.

`scoring run ... --decisions decisions.csv` reads one decision a row:

    unit, target, action, value, reason, decided_by, date
    E023, advanced, deny, , 年内发生较大舆情, 局长办公会, 2026-01-15
    E031, advanced, grant, , 补报材料经核实, 局长办公会, 2026-01-15
    E040, grade, set, 合格, 复核认定, 局长办公会, 2026-01-15
    E051, deposit_refund, set, 30000, 分期退还, 局长办公会, 2026-01-15

`target` is a consequence id or the word `grade`. A grade can only be `set`
(to a grade name); a consequence can be granted, denied, or `set` to an
amount (granting it). A pool's shares are computed, so a pool consequence is
granted or denied, never set: the pool is then shared again among the units
that hold it, and a decision that fills or frees a quota place, or a grade
that a condition reads, moves the other units as the rules say.

The result keeps both sides: each override records the rule's own decision
(granted or not, the amount, why) next to the committee's, with its reason,
who decided and when. Nothing is overridden silently: every decision must name
its reason and who took it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .cells import Refused, plain_figure
from .consequences import GRANTED, OUTSIDE_QUOTA, Consequences, decide_consequences
from .decide import NO_GRADE, Decisions
from .errors import EvidenceError, UsageError
from .payouts import MAX_AMOUNT
from .rounding import round_half_up
from .sidefiles import Record, read_records

if TYPE_CHECKING:
    from .result import Result

COLUMNS = {
    "unit": ("单位", "unit_id", "id"),
    "target": ("事项", "consequence", "对象"),
    "action": ("决定", "decision"),
    "value": ("值", "取值"),
    "reason": ("理由", "原因"),
    "decided_by": ("决定人", "决定机构"),
    "date": ("日期",),
}
REQUIRED = ("unit", "target", "action", "reason", "decided_by", "date")
ACTIONS = {"grant": "grant", "授予": "grant", "给予": "grant", "deny": "deny", "不予": "deny", "撤销": "deny",
           "set": "set", "改为": "set", "设定": "set"}


@dataclass(frozen=True)
class CommitteeDecision:
    """One row of a decisions file, checked against the rubric."""

    unit: str
    target: str             # a consequence id, or "grade"
    action: str             # grant | deny | set
    value: str              # the grade name or the amount, for `set`
    reason: str
    decided_by: str
    date: str
    file: str = ""          # where it was read, for messages: decisions.csv
    row: str = ""           # row 3, or [2] in a JSON array


@dataclass(frozen=True)
class Override:
    """A committee decision as applied: the rule's decision and the committee's, side by side."""

    decision: CommitteeDecision
    rule: dict[str, Any]
    outcome: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        d = self.decision
        return {"unit": d.unit, "target": d.target, "action": d.action, "value": d.value or None,
                "reason": d.reason, "decided_by": d.decided_by, "date": d.date, "source": f"{d.file} {d.row}".strip(),
                "rule": self.rule, "decided": self.outcome}

    def line(self) -> str:
        d = self.decision
        return (f"{d.target}: rule {_describe(self.rule)}; committee {d.action}"
                f"{' ' + d.value if d.value else ''} → {_describe(self.outcome)} — {d.reason} "
                f"({d.decided_by}, {d.date})")


def _describe(side: dict[str, Any]) -> str:
    if "grade" in side:
        return f"grade {side['grade']}"
    text = "granted" if side.get("granted") else "not granted"
    if side.get("amount") is not None:
        text += f", amount {side['amount']:.2f}"
    return text + (f" ({side['why']})" if side.get("why") else "")


def load_decisions(path: str | Path) -> list[CommitteeDecision]:
    records = read_records(path, COLUMNS, REQUIRED, "decisions")
    return [_decision(r, str(path)) for r in records]


def _decision(r: Record, where: str) -> CommitteeDecision:
    c = r.cells
    for col in REQUIRED:
        if not c[col]:
            raise EvidenceError(f"{r.at(col)}: the {col} is empty; every committee decision names its unit, target, "
                                "action, reason, who decided and the date", path=where)
    action = ACTIONS.get(c["action"].casefold())
    if action is None:
        raise EvidenceError(f"{r.at('action')}: action {c['action']!r} is not grant, deny or set "
                            "(授予, 不予 or 改为)", path=where)
    return CommitteeDecision(c["unit"], c["target"], action, c["value"], c["reason"], c["decided_by"], c["date"],
                             where, r.label)


def _fail(d: CommitteeDecision, message: str) -> EvidenceError:
    return EvidenceError(f"{d.row + ': ' if d.row else ''}unit {d.unit!r}, {d.target}: {message}",
                         path=d.file or None)


def _amount(d: CommitteeDecision) -> float:
    try:  # read as an amount cell of the evidence is (`¥15,000`, `15 000元`), but as an exact decimal
        value = Decimal(plain_figure(d.value, "number")[0])
    except Refused as exc:
        raise _fail(d, f"the amount {d.value!r} is not a number: {exc}") from None
    except InvalidOperation:  # an exponent beyond what Decimal holds: 1e-99999999999999999999
        raise _fail(d, f"the amount {d.value!r} is not a number") from None
    if not value.is_finite() or value < 0:
        raise _fail(d, f"the amount {d.value!r} must be a number of at least 0")
    if not value < MAX_AMOUNT:  # the rubric's own limit on money, so every fen stays exact (1e400 is inf as a float)
        raise _fail(d, f"the amount {d.value!r} is too large: amounts must stay below {MAX_AMOUNT:,.0f} "
                       "(so every fen is exact; see docs/money.md)")
    return float(value)


def apply_decisions(rule: Result, decisions: list[CommitteeDecision],
                    previous: tuple[dict[str, np.ndarray], dict[str, np.ndarray]]
                    ) -> tuple[Decisions, Consequences, tuple[Override, ...]]:
    """The rules' result overridden by the committee: new grades, consequences and amounts."""
    from .explain import consequence_reason

    model = rule.rubric.model
    grade_names = [g.name for g in model.grade]
    cons_ids = [c.id for c in model.consequence]
    n, m = rule.layout.n_units, len(cons_ids)
    grade = rule.decisions.grade.copy()
    grant = np.zeros((n, m), dtype=bool)
    deny = np.zeros((n, m), dtype=bool)
    amounts: dict[tuple[int, int], float] = {}
    seen: dict[tuple[str, str], str] = {}  # (unit, target) -> the row that decided it
    where: list[tuple[CommitteeDecision, int, int]] = []   # decision, unit index, consequence (-1: grade)
    for d in decisions:
        if (d.unit, d.target) in seen:
            raise _fail(d, f"decided twice (also {seen[(d.unit, d.target)]}); keep one decision per unit and target")
        seen[(d.unit, d.target)] = d.row
        try:
            i = rule.index_of(d.unit)
        except UsageError:
            raise _fail(d, "no such unit in this assessment's evidence") from None
        if not rule.totals.assessable[i]:
            raise _fail(d, "the unit is not assessable (no item of the rubric applies), so it has no outcome to override")
        if d.target == "grade" and rule.decisions.ended[i]:
            raise _fail(d, "the unit's review ended on a veto (ends_review): it has no score to grade; "
                           "decide on the veto's finding itself, then score the unit again")
        if d.target == "grade":
            if d.action != "set":
                raise _fail(d, "a grade can only be set (action set, value the grade's name)")
            if d.value not in grade_names:
                raise _fail(d, f"{d.value!r} is not a grade of the rubric ({', '.join(grade_names)})")
            grade[i] = grade_names.index(d.value)
            where.append((d, i, -1))
            continue
        if d.target not in cons_ids:
            raise _fail(d, f"the target is neither `grade` nor a consequence of the rubric ({', '.join(cons_ids)})")
        j = cons_ids.index(d.target)
        if d.action == "set":
            payout = rule.rubric.payouts[j]
            if payout is not None and payout.kind.budget:
                raise _fail(d, f"a share of a budget ({payout.kind.name}) is computed from the budget; grant or deny "
                               "the unit instead of setting its amount")
            amounts[(i, j)] = _amount(d)
            grant[i, j] = True
        elif d.action == "grant":
            if d.value:
                raise _fail(d, "grant takes no value; use set to grant with a given amount")
            grant[i, j] = True
        else:
            if d.value:
                raise _fail(d, "deny takes no value")
            deny[i, j] = True
        where.append((d, i, j))

    decided = replace(rule.decisions, grade=grade)
    cons = decide_consequences(rule.rubric, rule.layout, rule.totals, decided, previous, force=(grant, deny))
    for (i, j), value in amounts.items():
        cons.amounts[i, j] = float(round_half_up(np.array([value]), 2)[0]) if cons.status[i, j] == GRANTED else 0.0

    def side(result_cons: Consequences, i: int, j: int, why: str | None) -> dict[str, Any]:
        granted = bool(result_cons.status[i, j] == GRANTED)
        paid = rule.rubric.payouts[j] is not None or (i, j) in amounts
        out: dict[str, Any] = {"granted": granted, "amount": float(result_cons.amounts[i, j]) if paid else None}
        if why is not None:
            out["why"] = why
        return out

    overrides = []
    for d, i, j in where:
        if j < 0:
            before = int(rule.decisions.grade[i])
            overrides.append(Override(d, {"grade": grade_names[before] if before != NO_GRADE else None},
                                      {"grade": d.value}))
        else:
            overrides.append(Override(d, side(rule.consequences, i, j, consequence_reason(rule, i, j)),
                                      side(cons, i, j, None)))
    return decided, cons, tuple(overrides)


def quota_vacancies(result: Result) -> list[dict[str, Any]]:
    """Quota places left empty although units wanted them (a tie excluded at the cut, a denial).

    A place is reported only where some unit was kept out by the quota: a
    quota larger than the number of eligible units is not a vacancy anyone
    could have filled.
    """
    model, cq, layout = result.rubric.model, result.consequences, result.layout
    rank = result.decisions.overall_rank
    out = []
    for j, spec in enumerate(model.consequence):
        if spec.quota is None:
            continue
        outside = cq.status[:, j] == OUTSIDE_QUOTA
        outside &= ~np.isnan(cq.quota_size[:, j])
        if not outside.any():
            continue
        groups = layout.final(spec.quota.within).astype(str) if spec.quota.within else np.full(layout.n_units, "")
        for g in np.unique(groups[outside]).tolist():
            members = groups == g
            size = float(np.nanmax(cq.quota_size[members & outside, j]))
            held = int((cq.status[members, j] == GRANTED).sum())
            if held >= size:
                continue
            kept_out = np.flatnonzero(members & outside)
            cut = cq.quota_cut[kept_out[0], j]
            tied = [str(layout.unit_ids[k]) for k in kept_out.tolist() if not math.isnan(cut) and rank[k] == cut]
            why = (f"{len(tied)} unit(s) tied at rank {int(cut)} at the cut, and ties are excluded: {', '.join(tied)}"
                   if tied else "places were freed by committee decisions or left unfilled")
            out.append({"consequence": spec.id, "title": spec.title,
                        **({"group": {spec.quota.within: g}} if spec.quota.within else {}),
                        "places": int(size), "granted": held, "empty": int(size) - held, "why": why})
    return out


def overridden(rule: Result, decisions: list[CommitteeDecision],
               previous: tuple[dict[str, np.ndarray], dict[str, np.ndarray]]) -> Result:
    """The result with the committee's decisions applied and recorded."""
    decided, cons, overrides = apply_decisions(rule, decisions, previous)
    return replace(rule, decisions=decided, consequences=cons, overrides=overrides, _index={}, _decided={}, _amended={},
                   _cache={})  # statistics and margins of the rules' decisions are not these
