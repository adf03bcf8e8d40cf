"""Checks across the rows of school-group evidence (registered as evidence checks).

Rows that are each valid can still describe a group that cannot be assessed
as the rubric means: two lead schools (龙头校), or none, leave `gap_to_lead`
without its yardstick, and one school listed under two groups in the same
period would count in both groups' balance and results. These rules belong to
the school-group domain, so they live here and not in the core; each looks
only at rubrics that use this plugin's methods.
"""

from __future__ import annotations

import numpy as np

from scoring.plugin import CheckReport, EvidenceCheck, EvidenceRows, Refusal

from .methods import METHODS

OUR_METHODS = frozenset(m.name for m in METHODS)


def _frame_keys(rows: EvidenceRows, who: np.ndarray, picked: np.ndarray) -> np.ndarray:
    """`who` of the picked rows, joined with the period when the table has one."""
    if rows.periods is None:
        picked_ids: np.ndarray = who[picked]
        return picked_ids
    keys: np.ndarray = np.char.add(np.char.add(who[picked], "\x1f"), rows.periods[picked])
    return keys


def _where(rows: EvidenceRows, key: str) -> str:
    unit, _, period = key.partition("\x1f")
    return f"group {unit}" + (f", period {period}" if period else "")


def lead_schools(rows: EvidenceRows) -> CheckReport:
    """Groups whose member rows name no lead school, or more than one, for a `gap_to_lead` item.

    A warning, not a refusal: the item is then not applicable to the group
    (its other items still count), which can raise the group's score, so the
    evaluator must hear of it.
    """
    if rows.parents is None:
        return CheckReport()
    member = np.flatnonzero((rows.parents != "") & ~rows.refused)
    warnings: list[str] = []
    done: set[tuple[str, str]] = set()
    for ind in rows.rubric.indicators:
        if ind.method.name != "gap_to_lead":
            continue
        role, lead = str(getattr(ind.params, "role")), str(getattr(ind.params, "lead"))
        if (role, lead) in done or not member.size:
            continue
        done.add((role, lead))
        is_lead = (np.asarray(rows.columns[role]).astype(str)[member] == lead) & ~rows.missing[role][member]
        groups, inverse = np.unique(_frame_keys(rows, rows.parents, member), return_inverse=True)
        leads = np.bincount(inverse.reshape(-1), weights=is_lead.astype(np.float64), minlength=groups.size)
        for key, count in zip(groups[leads != 1].tolist(), leads[leads != 1].tolist()):
            what = "no member row has" if count == 0 else f"{int(count)} member rows have"
            warnings.append(
                f"{_where(rows, key)}: {what} {role} = {lead!r}; indicator {ind.id!r} needs exactly one lead "
                "school and is not applicable to this group, which can raise its score")
    return CheckReport(warnings=warnings)


def one_group_per_school(rows: EvidenceRows) -> CheckReport:
    """A school listed under two groups in one period is refused: which group it belongs to is the
    evaluator's decision, not the engine's, and counting it twice would skew both groups."""
    if rows.parents is None or not any(ind.method.name in OUR_METHODS for ind in rows.rubric.indicators):
        return CheckReport()
    member = np.flatnonzero((rows.parents != "") & ~rows.refused)
    if not member.size:
        return CheckReport()
    schools = _frame_keys(rows, rows.ids, member)
    pairs = np.char.add(np.char.add(schools, "\x1e"), rows.parents[member])
    school_of_pair = np.unique(schools[np.unique(pairs, return_index=True)[1]], return_counts=True)
    twice = school_of_pair[0][school_of_pair[1] > 1]
    refusals = []
    for school in twice.tolist():
        at = member[schools == school]
        listed = ", ".join(f"{rows.parents[i]} ({rows.label(int(i))})" for i in at.tolist())
        refusals.append(Refusal(at, f"school {school.partition(chr(31))[0]} is listed under more than one "
                                    f"group in one period: {listed}; a school belongs to one education group"))
    return CheckReport(refuse=refusals)


CHECKS: tuple[EvidenceCheck, ...] = (
    EvidenceCheck("lead_schools", lead_schools, "warn of groups with no lead school, or more than one"),
    EvidenceCheck("one_group_per_school", one_group_per_school,
                  "refuse a school listed under two groups in the same period"),
)
