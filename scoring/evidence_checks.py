"""Checks on evidence that is valid row by row but would raise a score silently.

Each returns warnings (`Notice`s) naming the unit; `--strict` makes them
errors. They run on the layout (units, frames and member rows), after typing.
"""

from __future__ import annotations

import numpy as np

from .indicators import combiner_of
from .keys import codes_of
from .layout import Layout
from .notices import Notice
from .plan import Rubric


def groups_without_members(rubric: Rubric, layout: Layout) -> list[Notice]:
    """A unit with no member rows where the rubric reads member rows: its member items become not applicable."""
    reads_members = (any(ind.member_inputs and not ind.method.members_optional for ind in rubric.indicators)
                     or any(s.rollup for s in rubric.model.fields.values()))
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


def blank_in_some_periods(rubric: Rubric, layout: Layout) -> list[Notice]:
    """A not-applicable field left blank by one unit in a period where other units filled it in,
    while the unit has it in its other periods.

    The blank period's items drop out and are rescaled away, which can raise the
    score. A blank that every unit shares (no exam in the summer quarter) or that
    a unit has in every period (a kindergarten with no exams) is the rubric's
    design, not an omission, and is not warned about. A field read by a combined
    phase (mean, min, max over periods) is read in every period; one read only
    at the year end ("last") only in the final one.
    """
    if layout.single_period:
        return []
    every: set[str] = set()
    for ind in rubric.indicators:
        if combiner_of(rubric.model, ind.dimension.phase) != "last":
            every.update(ind.inputs)
    found: list[Notice] = []
    starts = layout.starts
    period_code = codes_of(layout.frame_period, layout.frame_period_keys).codes
    final = np.zeros(layout.n_frames, dtype=bool)
    final[layout.last] = True
    for name in sorted(rubric.fields_read):
        spec = rubric.model.fields[name]
        if spec.missing != "not_applicable" or spec.rollup is not None:
            continue
        blank = layout.missing[name]
        filled_in_period = np.bincount(period_code, weights=(~blank).astype(np.float64))
        filled_frames = np.add.reduceat((~blank).astype(np.int64), starts)
        suspect = blank & (filled_in_period[period_code] > 0) & (filled_frames[layout.frame_unit] > 0)
        if name not in every:
            suspect &= final
        title = f" ({spec.title})" if spec.title else ""
        flagged = np.flatnonzero(suspect)  # frames are sorted by unit: each unit's are one run
        units, first = np.unique(layout.frame_unit[flagged], return_index=True)
        for k, frames in zip(units.tolist(), np.split(flagged, first[1:])):
            unit = str(layout.unit_ids[k])
            which = ", ".join(str(p) for p in layout.frame_period[frames].tolist())
            found.append(Notice(
                f"unit {unit}: field {name}{title} is blank for {which}, where other units filled it in and this "
                "unit did in another period; the blank counts as not applicable and is rescaled away, which can "
                "raise the score; fill it in if the figure exists",
                "blank_in_some_periods", unit=unit, field=name,
            ))
    return found


def check_layout(rubric: Rubric, layout: Layout) -> list[Notice]:
    # Domain rules (a school group's one lead school) are plugins' evidence checks
    # (`scoring_register_checks`; scoring_schools.checks), run when the evidence is typed.
    return groups_without_members(rubric, layout) + blank_in_some_periods(rubric, layout)
