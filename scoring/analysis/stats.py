"""Indicator statistics: where units lose points, overall and by group.

For each indicator and dimension: mean points earned and lost where the item
applies, and the shares of assessed units at full marks, at zero and not
applicable; per veto the units it fell on; the grade distribution. Every
figure is a `np.bincount` over group codes, one call per indicator, so a
million units cost a few array passes and no Python loop over units.

The shares are of the *assessed* units of the group, so full + zero +
not applicable + partial = 1; means are over the units where the item applies
(a not-applicable item is rescaled away, it costs nothing). Points are the
item's own points, before any rescale, as the rubric states them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..decide import NO_GRADE
from ..errors import UsageError
from ..rounding import round_half_up

if TYPE_CHECKING:
    from ..result import Result

Columns = dict[str, np.ndarray]
ALL = "(all)"
BLANK = "(blank)"
# A float sum of earned points can land a hair off the item's points.
EPS = 1e-9


def group_codes(result: Result, by: str | None) -> tuple[np.ndarray, list[str]]:
    """Each unit's group code and the groups' labels (sorted); one group when `by` is None."""
    n = result.layout.n_units
    if by is None:
        return np.zeros(n, dtype=np.int64), [ALL]
    fields = result.rubric.model.fields
    if by not in fields:
        raise UsageError(f"--by {by!r} is not a field of rubric {result.rubric.id!r}; "
                         f"fields are: {', '.join(fields)}")
    values = result.layout.final(by)
    missing = result.layout.final_missing(by)
    if fields[by].numeric:
        values = np.where(missing, np.nan, values)
        uniq, codes = np.unique(values, return_inverse=True)  # NaN sorts last, once
        labels = [BLANK if math.isnan(v) else f"{v:g}" for v in uniq.tolist()]
    else:
        values = np.where(missing, "", values.astype(str))
        uniq, codes = np.unique(values, return_inverse=True)
        labels = [str(v) or BLANK for v in uniq.tolist()]
    return codes.reshape(-1).astype(np.int64), labels


def _r(x: float, places: int = 4) -> float | None:
    return None if math.isnan(x) else float(round_half_up(np.array([x]), places)[0])


@dataclass(frozen=True)
class Statistics:
    """Indicator, dimension, veto and grade statistics, overall or by a field.

    Each table is a dict of equal-length columns, one row per (group, item):
    `pandas.DataFrame(stats.indicators)` or `pyarrow.table(stats.indicators)`.
    """

    by: str | None
    groups: list[str]
    units: np.ndarray          # assessed units per group
    indicators: Columns
    dimensions: Columns
    vetoes: Columns
    grades: Columns

    def _group_entry(self, g: int) -> dict[str, Any]:
        def rows(table: Columns) -> list[int]:
            found: list[int] = np.flatnonzero(table["group"] == self.groups[g]).tolist()
            return found

        def entry(table: Columns, k: int, skip: tuple[str, ...]) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for name, col in table.items():
                if name in skip:
                    continue
                v = col[k]
                out[name] = _r(float(v)) if isinstance(v, (float, np.floating)) else (
                    int(v) if isinstance(v, (int, np.integer)) else str(v))
            return out

        key = ("group", "indicator")
        return {
            "units": int(self.units[g]),
            "grades": {str(self.grades["grade"][k]): int(self.grades["units"][k]) for k in rows(self.grades)},
            "vetoes": {str(self.vetoes["veto"][k]): int(self.vetoes["units"][k]) for k in rows(self.vetoes)},
            "indicators": {str(self.indicators["indicator"][k]): entry(self.indicators, k, key)
                           for k in rows(self.indicators)},
            "dimensions": {str(self.dimensions["dimension"][k]): entry(self.dimensions, k, ("group", "dimension"))
                           for k in rows(self.dimensions)},
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON: the whole-result figures, or {"by": field, "groups": {label: figures}}."""
        if self.by is None:
            return self._group_entry(0)
        return {"by": self.by, "groups": {label: self._group_entry(g) for g, label in enumerate(self.groups)}}

    def _ordered(self, group: str) -> np.ndarray:
        """Rows of `group`, base items by points lost per assessed unit (most first), bonus items last.

        A bonus item not earned is not a loss, so it never heads the list.
        """
        t = self.indicators
        rows = np.flatnonzero(t["group"] == group)
        per_unit = t["lost_total"][rows] / max(int(self.units[self.groups.index(group)]), 1)
        order: np.ndarray = rows[np.lexsort((t["indicator"][rows], -per_unit, t["kind"][rows] == "bonus"))]
        return order

    def losing_most(self, group: str = ALL, top: int = 10) -> list[tuple[str, str, float]]:
        """(indicator, title, mean points lost per assessed unit) of base items, the costliest first."""
        t = self.indicators
        units = max(int(self.units[self.groups.index(group)]), 1)
        return [(str(t["indicator"][k]), str(t["title"][k]), float(t["lost_total"][k]) / units)
                for k in self._ordered(group).tolist() if t["kind"][k] != "bonus"][:top]

    def to_text(self) -> str:
        t = self.indicators
        lines = []
        for g, label in enumerate(self.groups):
            head = f"{self.by} = {label}: " if self.by else ""
            lines.append(f"{head}{int(self.units[g])} assessed unit(s)")
            grades = ", ".join(f"{self.grades['grade'][k]} {int(self.grades['units'][k])}"
                               for k in np.flatnonzero(self.grades["group"] == label).tolist())
            lines.append(f"  grades: {grades}")
            hit = [f"{self.vetoes['veto'][k]} {int(self.vetoes['units'][k])}"
                   for k in np.flatnonzero(self.vetoes["group"] == label).tolist() if self.vetoes["units"][k]]
            if hit:
                lines.append(f"  vetoes: {', '.join(hit)}")
            lines.append(f"  {'indicator':<34} {'points':>6} {'mean':>7} {'lost':>7} {'per unit':>9} "
                         f"{'full':>6} {'zero':>6} {'n/a':>6}")
            for k in self._ordered(label).tolist():
                def pct(x: float) -> str:
                    return "—" if math.isnan(x) else f"{x:.0%}"

                def num(x: float) -> str:
                    return "—" if math.isnan(x) else f"{x:.2f}"

                name = str(t["indicator"][k]) + (" (bonus)" if t["kind"][k] == "bonus" else "")
                lines.append(
                    f"  {name:<34} {t['points'][k]:>6g} {num(t['mean_points'][k]):>7} "
                    f"{num(t['mean_lost'][k]):>7} {num(t['lost_total'][k] / max(int(self.units[g]), 1)):>9} "
                    f"{pct(t['full'][k]):>6} {pct(t['zero'][k]):>6} {pct(t['not_applicable'][k]):>6}")
            dims = self.dimensions
            for k in np.flatnonzero(dims["group"] == label).tolist():
                lost = dims["lost_total"][k] / max(int(self.units[g]), 1)
                kind = " (bonus)" if dims["kind"][k] == "bonus" else ""
                lines.append(f"  dimension {dims['dimension'][k]}{kind}: mean {dims['mean_points'][k]:.2f} "
                             f"of {dims['points'][k]:g}, {lost:.2f} lost per unit")
        return "\n".join(lines) + "\n"


HEADERS = {
    "zh": ("指标统计", ["分组", "指标", "分值", "平均得分", "平均失分", "每单位失分", "满分占比", "零分占比", "不适用占比"]),
    "en": ("Indicator statistics", ["group", "indicator", "points", "mean points", "mean lost", "lost per unit",
                                    "full marks", "zero", "not applicable"]),
}


def report_table(stats: Statistics, language: str = "zh") -> dict[str, Any]:
    """The statistics as a report's extra table ({"title", "headers", "rows"}): base items by points
    lost per unit, bonus items after, every group in turn; figures rounded for reading."""
    title, headers = HEADERS.get(language, HEADERS["en"])
    t = stats.indicators
    rows: list[list[Any]] = []
    for g, label in enumerate(stats.groups):
        units = max(int(stats.units[g]), 1)
        for k in stats._ordered(label).tolist():
            name = str(t["title"][k] or t["indicator"][k])
            rows.append([label if stats.by else "", name + (" (+)" if t["kind"][k] == "bonus" else ""),
                         float(t["points"][k]), _r(float(t["mean_points"][k]), 2), _r(float(t["mean_lost"][k]), 2),
                         _r(float(t["lost_total"][k]) / units, 2), _r(float(t["full"][k]), 4),
                         _r(float(t["zero"][k]), 4), _r(float(t["not_applicable"][k]), 4)])
    if not stats.by:
        headers, rows = headers[1:], [r[1:] for r in rows]
    # The last three columns are shares of the assessed units: fractions in the JSON,
    # shown as percentages where a person reads them (Table.percent).
    return {"title": title + (f" ({stats.by})" if stats.by else ""), "headers": headers, "rows": rows,
            "percent": [len(headers) - 3, len(headers) - 2, len(headers) - 1]}


def _ratio(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        out: np.ndarray = np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1.0), np.nan)
    return out


def _per_group(codes: np.ndarray, k: int, values: np.ndarray) -> np.ndarray:
    """Sum of `values` (bool: count) per group; a plain sum when there is one group (no bincount)."""
    if k == 1:
        total = np.count_nonzero(values) if values.dtype == np.bool_ else values.sum()
        return np.array([float(total)])
    out: np.ndarray = np.bincount(codes, weights=values.astype(np.float64, copy=False), minlength=k)
    return out


def _item_rows(codes: np.ndarray, k: int, units: np.ndarray, assessed: np.ndarray, points: np.ndarray,
               applicable: np.ndarray, full_marks: np.ndarray | float) -> dict[str, np.ndarray]:
    """One item's figures per group (k rows)."""
    app = applicable & assessed
    n_app = _per_group(codes, k, app)
    earned = _per_group(codes, k, np.where(app, points, 0.0))
    if isinstance(full_marks, np.ndarray):
        possible = _per_group(codes, k, np.where(app, full_marks, 0.0))
    else:
        possible = n_app * float(full_marks)
    full = _per_group(codes, k, app & (points >= np.asarray(full_marks) - EPS))
    zero = _per_group(codes, k, app & (points <= EPS))
    return {
        "applicable": n_app.astype(np.int64),
        "mean_points": _ratio(earned, n_app),
        "mean_lost": _ratio(possible - earned, n_app),
        "lost_share": _ratio(possible - earned, possible),
        "lost_total": possible - earned,
        "full": _ratio(full, units),
        "zero": _ratio(zero, units),
        "not_applicable": _ratio(units - n_app, units),
    }


def _stack(parts: list[dict[str, np.ndarray]], labels: list[str], names: list[str], key: str,
           extra: dict[str, list[Any]]) -> Columns:
    """Rows ordered group-major (every item of group 0, then of group 1, ...)."""
    k, m = len(labels), len(names)
    out: Columns = {"group": np.repeat(np.array(labels, dtype=object), m),
                    key: np.tile(np.array(names, dtype=object), k)}
    for name, values in extra.items():
        text = any(isinstance(v, str) for v in values)
        out[name] = np.tile(np.array(values, dtype=object if text else np.float64), k)
    if parts:
        for name in parts[0]:
            out[name] = np.stack([p[name] for p in parts], axis=1).reshape(-1)  # (k, m) -> group-major
    return out


def statistics(result: Result, by: str | None = None) -> Statistics:
    """Indicator, dimension, veto and grade statistics of `result`, overall or by field `by`."""
    model = result.rubric.model
    codes, labels = group_codes(result, by)
    k = len(labels)
    t, d = result.totals, result.decisions
    assessed = t.assessable
    units_f = _per_group(codes, k, assessed)
    units = units_f.astype(np.int64)

    inds = result.rubric.indicators
    ind_parts = [_item_rows(codes, k, units_f, assessed, col.points, col.applicable, ind.points)
                 for ind, col in zip(inds, result.items)]
    indicators = _stack(ind_parts, labels, [i.id for i in inds], "indicator", {
        "title": [i.spec.title for i in inds], "dimension": [i.dimension.id for i in inds],
        "kind": [i.dimension.kind for i in inds], "points": [float(i.points) for i in inds]})

    dim_parts = []
    for dim in model.dimension:
        earned = t.dimension_points[dim.id]
        if dim.kind == "bonus":
            # A bonus dimension is capped; "full" is reaching the cap.
            dim_parts.append(_item_rows(codes, k, units_f, assessed, np.minimum(earned, dim.points),
                                        np.ones(earned.shape, dtype=bool), dim.points))
        else:
            possible = t.dimension_max[dim.id]
            dim_parts.append(_item_rows(codes, k, units_f, assessed, earned, possible > 0, possible))
    dimensions = _stack(dim_parts, labels, [x.id for x in model.dimension], "dimension", {
        "title": [x.title for x in model.dimension], "kind": [x.kind for x in model.dimension],
        "points": [float(x.points) for x in model.dimension]})

    veto_counts = [_per_group(codes, k, d.vetoes[:, j]).astype(np.int64) for j in range(len(model.veto))]
    vetoes = _stack([{"units": c} for c in veto_counts], labels, [v.id for v in model.veto], "veto",
                    {"title": [v.title for v in model.veto]})

    n_grades = len(model.grade)
    graded = d.grade != NO_GRADE
    cells = np.bincount(codes[graded] * n_grades + d.grade[graded], minlength=k * n_grades).reshape(k, n_grades)
    grades: Columns = {"group": np.repeat(np.array(labels, dtype=object), n_grades),
                       "grade": np.tile(np.array([g.name for g in model.grade], dtype=object), k),
                       "units": cells.reshape(-1).astype(np.int64)}
    return Statistics(by, labels, units, indicators, dimensions, vetoes, grades)
