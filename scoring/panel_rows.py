"""Checks made while typing evidence that names raters (a panel) or stages (self-assessment, review).

They run with the other row checks, so a refused row is named (row, unit,
field, value, why) and its unit is refused whole, like any other bad row:

- a stage cell must be `self`, `review` or one of the rubric's labels (自评, 复评);
- member rows are not rated (a school under its group is not a panel member);
- within one unit, period and stage, a row with a blank rater beside rows that
  name theirs is refused: nobody could say whose figures it holds;
- a field that is not `rated` is a fact (deaths, hazards found): the raters
  who fill it in must agree; a blank is no opinion. Rated fields may differ,
  that is what a panel is for (scoring.panels combines them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .cells import cell_text
from .headers import normalise
from .model import RubricModel, StagesSpec
from .notices import Notice

SELF, REVIEW = "self", "review"


def stage_codes(spec: StagesSpec, labels: np.ndarray, out: Any) -> np.ndarray:
    """Each row's stage as `self` or `review`; a blank or unknown label is refused (`out` is the typing's
    collector of rejections)."""
    known = {normalise(x): SELF for x in (SELF, *spec.self_labels)}
    known.update({normalise(x): REVIEW for x in (REVIEW, *spec.review_labels)})
    said = ", ".join([SELF, *spec.self_labels, REVIEW, *spec.review_labels])
    codes = np.full(labels.shape, REVIEW, dtype=object)
    for label in np.unique(labels).tolist():
        rows = np.flatnonzero(labels == label)
        stage = known.get(normalise(str(label)))
        if stage is None:
            why = ("no stage; fill in the stage of every row" if label == "" else
                   f"not a stage of the rubric; write one of {said}")
            out.reject(rows, spec.column, [str(label)] * rows.size, why)
        else:
            codes[rows] = stage
    return codes.astype(str) if codes.size else np.array([], dtype=str)


def _frames(ids: np.ndarray, periods: np.ndarray | None, stages: np.ndarray | None,
            rows: np.ndarray) -> dict[tuple[str, str, str], list[int]]:
    groups: dict[tuple[str, str, str], list[int]] = {}
    for i in rows.tolist():
        key = (str(ids[i]), "" if periods is None else str(periods[i]), "" if stages is None else str(stages[i]))
        groups.setdefault(key, []).append(i)
    return groups


def check(
    model: RubricModel, ids: np.ndarray, periods: np.ndarray | None, parents: np.ndarray | None,
    raters: np.ndarray | None, stages: np.ndarray | None, columns: Mapping[str, np.ndarray],
    missing: Mapping[str, np.ndarray], optional: frozenset[str], shown: Callable[[str, int], str], out: Any,
) -> None:
    """Refuse the rows a panel or a stage cannot read (see the module's docstring)."""
    rater_column = model.raters.column if model.raters else "rater"
    own = np.ones(ids.shape[0], dtype=bool) if parents is None else parents == ""
    if raters is not None and parents is not None:
        rated_members = np.flatnonzero(~own & (raters != ""))
        out.reject(rated_members, rater_column, [str(raters[i]) for i in rated_members.tolist()],
                   "member rows are not rated; leave the rater blank on a member row")
    if raters is None:
        return
    facts = [f for f, spec in model.fields.items() if not spec.rated and f not in optional]
    required = deferred_facts(model, optional)
    for (unit, period, _stage), rows in _frames(ids, periods, stages, np.flatnonzero(own)).items():
        for f in required:  # a required fact: some row of the frame must give it
            if all(missing[f][i] for i in rows):
                out.reject(rows, f, None, "empty in every rater's row, and this field is required; fill it in "
                           "(in one rater's row is enough), or declare missing = \"zero\" or \"not_applicable\"")
        if len(rows) < 2:
            continue
        named = [i for i in rows if raters[i] != ""]
        unnamed = [i for i in rows if raters[i] == ""]
        if named and unnamed:
            out.reject(unnamed, rater_column, None,
                       f"no rater, while {len(named)} other row(s) of this unit"
                       + (f" and period {period}" if period else "") + " name theirs; name the rater of every row")
        for f in facts:
            given = [i for i in rows if not missing[f][i] and not blank(columns[f][i])]
            values = {_same(columns[f][i]) for i in given}
            if len(values) > 1:
                said = "; ".join(f"{raters[i] or '(no rater)'}: {shown(f, i)}" for i in given[:6])
                out.reject(given, f, [shown(f, i) for i in given],
                           f"the raters disagree on a figure that is not rated ({said}); a fact must be the same "
                           f"in every rater's row (or blank), or declare the field rated = true")


def by_stage(stages: np.ndarray | None, n: int) -> list[tuple[str, np.ndarray | None]]:
    """The rows of each stage (None: all rows at once, where there are no stages), for checks across rows."""
    if stages is None:
        return [("", None)]
    return [(s, np.flatnonzero(stages == s)) for s in (REVIEW, SELF) if (stages == s).any()]


def subset(rows: np.ndarray, ids: np.ndarray, periods: np.ndarray | None,
           parents: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    return ids[rows], None if periods is None else periods[rows], None if parents is None else parents[rows]


def labels_of(rows: np.ndarray, label: Callable[[int], str]) -> Callable[[int], str]:
    """How a person finds row `i` of a subset: as the whole table's row `rows[i]`."""
    return lambda i: label(int(rows[i]))


def in_stage(notice: Notice, stage: str) -> Notice:
    """A check's warning about the self-assessment rows says so."""
    if stage != SELF:
        return notice
    return Notice(f"self-assessment (自评) rows: {notice.message}", notice.code, unit=notice.unit, field=notice.field)


def deferred_facts(model: RubricModel, optional: frozenset[str]) -> frozenset[str]:
    """Required facts (not rated): with a rater column, a blank in one rater's row is no opinion, and the
    unit is refused only when no row of its period gives the figure (`check`)."""
    return frozenset(f for f, spec in model.fields.items()
                     if not spec.rated and spec.missing == "error" and f not in optional)


def blank(value: object) -> bool:
    """A cell left empty: NaN for a number, "" for text (what "given" means for a panel's facts)."""
    return (isinstance(value, float) and value != value) or (isinstance(value, str) and value == "")


def _same(value: object) -> str:
    return cell_text(value.item() if isinstance(value, np.generic) else value)


def stage_names(model: RubricModel) -> dict[str, np.ndarray]:
    """The `self.*` names consequences may read, each with a sample of its type."""
    if model.stages is None:
        return {}
    out: dict[str, np.ndarray] = {"self.score": np.ones(1), "self.grade": np.array(["x"]),
                                  "self.vetoed": np.ones(1, dtype=bool), "self.base": np.ones(1),
                                  "self.bonus": np.ones(1)}
    out.update({f"self.{p}": np.ones(1) for p in model.phases})
    out.update({f"self.{d.id}": np.ones(1) for d in model.dimension})
    out.update({f"self.points_{i.id}": np.ones(1) for d in model.dimension for i in d.indicator})
    return out


def check_model(model: RubricModel) -> list[tuple[str, str]]:
    """What a rubric says of raters that cannot be: (key, message) each."""
    problems: list[tuple[str, str]] = []
    rated = [f for f, spec in model.fields.items() if spec.rated]
    for f in rated:
        spec = model.fields[f]
        if model.raters is None:
            problems.append((f"fields.{f}.rated", "a rated field needs a [raters] table naming the rater column"))
        elif not spec.numeric:
            problems.append((f"fields.{f}.rated", f"only numeric fields (count, number, rate) can be rated; {f!r} is "
                             f"a {spec.type} field: give each rater's judgement as a number"))
        elif spec.rollup is not None:
            problems.append((f"fields.{f}.rated", "a field rolled up from member rows cannot be rated"))
    for i, dim in enumerate(model.dimension):
        for j, ind in enumerate(dim.indicator):
            if ind.raters is not None and model.raters is None:
                problems.append((f"dimension[{i}].indicator[{j}].raters",
                                 "says how raters combine, but the rubric has no [raters] table"))
    return problems


def describe(model: RubricModel) -> list[str]:
    """`scoring rubrics show`'s lines for the rater panel and the stages a rubric declares."""
    lines = []
    if model.raters is not None:
        r = model.raters
        rated = ", ".join(f for f, spec in model.fields.items() if spec.rated) or "none"
        own = ", ".join(f"{i.id} {i.raters}" for d in model.dimension for i in d.indicator if i.raters)
        lines.append(f"raters: column {r.column!r}; combine {r.combine}"
                     + (f" (the highest and lowest dropped from {r.trim_from} raters)" if r.combine == "trimmed_mean"
                        else "") + f"; rated fields: {rated}" + (f"; items: {own}" if own else "")
                     + (f"; warn past a spread of {r.spread:g}" if r.spread is not None else ""))
    if model.stages is not None:
        st = model.stages
        lines.append(f"stages: column {st.column!r}; self ({', '.join(st.self_labels) or 'self'}) is kept beside "
                     f"the review ({', '.join(st.review_labels) or 'review'}), which is scored")
    return lines
