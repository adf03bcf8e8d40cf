"""Checks across the rows of school-group evidence (registered as evidence checks).

Rows that are each valid can still describe a group that cannot be assessed
as the rubric means: two lead schools (龙头校), or none, leave `gap_to_lead`
without its yardstick. That rule belongs to the school-group domain, so it
lives here and not in the core, and looks only at rubrics that use
`gap_to_lead`.
"""

from __future__ import annotations

import numpy as np

from scoring.plugin import CheckReport, EvidenceCheck, EvidenceRows, Notice


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
    warnings: list[Notice] = []
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
            warnings.append(Notice(
                f"{_where(rows, key)}: {what} {role} = {lead!r}; indicator {ind.id!r} needs exactly one lead "
                "school and is not applicable to this group, which can raise its score",
                "no_lead" if count == 0 else "two_leads", unit=key.partition("\x1f")[0], field=role))
    return CheckReport(warnings=warnings)


CHECKS: tuple[EvidenceCheck, ...] = (
    EvidenceCheck("lead_schools", lead_schools, "warn of groups with no lead school, or more than one"),
)
