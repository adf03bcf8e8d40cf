"""Checks on evidence that is valid row by row but would raise a score silently.

Each returns warnings (`Notice`s) naming the unit; `--strict` makes them
errors. They run on the layout (units, frames and member rows), after typing.
"""

from __future__ import annotations

import numpy as np

from .layout import Layout
from .notices import Notice
from .plan import Rubric


def groups_without_members(rubric: Rubric, layout: Layout) -> list[Notice]:
    """A unit with no member rows where the rubric reads member rows: its member items become not applicable."""
    reads_members = bool(rubric.member_fields) or any(s.rollup for s in rubric.model.fields.values())
    if not reads_members:
        return []
    has = np.zeros(layout.n_units, dtype=bool)
    if layout.members is not None:
        has[layout.frame_unit[layout.members.frame]] = True
    word = rubric.model.rubric.unit
    return [
        Notice(f"unit {u}: no member rows (rows whose {rubric.model.rubric.parent_column!r} names this {word}); "
               "the items read from member rows are not applicable to it, which can raise its score",
               "no_members", unit=str(u))
        for u in layout.unit_ids[~has].tolist()
    ]


def two_lead_schools(rubric: Rubric, layout: Layout) -> list[Notice]:
    """A group with more than one lead school (gap_to_lead): the gap cannot be measured and the item drops out.

    One small function so that it can move into the scoring_schools plugin once an evidence-check hook exists.
    """
    m = layout.members
    if m is None:
        return []
    found: list[Notice] = []
    for ind in rubric.indicators:
        if ind.method.name != "gap_to_lead":
            continue
        role, lead = getattr(ind.params, "role"), getattr(ind.params, "lead")
        is_lead = np.asarray(m.columns[role]).astype(str) == lead
        per_frame = np.bincount(m.frame[is_lead], minlength=layout.n_frames)
        for k in np.unique(layout.frame_unit[per_frame > 1]).tolist():
            unit = str(layout.unit_ids[k])
            found.append(Notice(
                f"unit {unit}: more than one member row has {role} = {lead!r}; indicator {ind.id} needs exactly "
                "one lead and is not applicable to this group, which can raise its score",
                "two_leads", unit=unit, field=role,
            ))
    return found


def check_layout(rubric: Rubric, layout: Layout) -> list[Notice]:
    return groups_without_members(rubric, layout) + two_lead_schools(rubric, layout)
