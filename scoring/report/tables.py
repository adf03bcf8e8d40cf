"""The tables every report shows, as columns, shared by the CSV, Markdown,
Excel and HTML writers so they agree on what a row holds.

A `Column` is typed (`text`, `int`, `number` with its decimal places, or
`amount` in yuan with two), holds one value per row in a Python list (None for
an empty cell, `NA` for "not applicable", shown as — and never as 0), and
carries both its title in the rubric's language and its id (for `--headers
ids`). Columns are built whole, with numpy masks; no per-unit objects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .data import Report, per_combination, rule_text


class _NotApplicable:
    def __repr__(self) -> str:
        return "NA"


NA: Any = _NotApplicable()

Kind = Literal["text", "int", "number", "amount", "percent"]  # percent: a share (0.3333), shown 33.3%


# `values` of a column built from an array (number_column): made from the array when first read,
# since a CSV or a workbook formats the array whole and never needs a Python object per cell.
_FROM_ARRAY: Any = object()


@dataclass(frozen=True)
class Column:
    id: str
    title: str
    kind: Kind
    values: list[Any]
    places: int = 0
    # Number columns built from arrays keep them, so writers can format the
    # column in one call (`texts`, `coded`) instead of cell by cell.
    array: np.ndarray | None = None
    na: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.values is _FROM_ARRAY:
            if self.array is None:
                raise ValueError(f"column {self.id!r}: values from an array, but no array")
            object.__delattr__(self, "values")  # found by __getattr__ when first read

    def __getattr__(self, name: str) -> Any:
        # Only reached for an attribute not set: `values` left to be made from the array.
        if name != "values" or "array" not in self.__dict__:
            raise AttributeError(name)
        values = _numbers(self.array, self.na, whole=self.kind == "int")  # type: ignore[arg-type]
        object.__setattr__(self, "values", values)
        return values

    def header(self, ids: bool) -> str:
        return self.id if ids else self.title

    def texts(self, *, na: str = "—", thousands: bool = False) -> list[str]:
        """Every cell as text, as `fmt_cell` gives it."""
        coded = self.coded(na=na, thousands=thousands)
        if coded is None:
            if self.kind == "text":  # text cells are their own text: only other values need fmt_cell
                if set(map(type, self.values)) <= {str}:
                    return list(self.values)
                return [v if type(v) is str else fmt_cell(v, self, na=na, thousands=thousands) for v in self.values]
            return [fmt_cell(v, self, na=na, thousands=thousands) for v in self.values]
        words, codes = coded
        listed: list[str] = np.array(words, dtype=object)[codes].tolist()
        return listed

    def coded(self, *, na: str = "—", thousands: bool = False) -> tuple[list[str], np.ndarray] | None:
        """A column built from an array as its distinct cell texts and, per cell, the index of its
        text (`texts()` is `words[codes]`); None for a column held as a list of values.

        Figures take few distinct values (points, amounts, ranks), so each text is
        formatted once and a writer can gather the cells (the CSV writer does, in Arrow)."""
        if self.array is None:
            return None
        arr = self.array.astype(float)
        missing = np.isnan(arr)
        spec = "{:" + ("," if thousands and self.kind != "int" else "") + f".{0 if self.kind == 'int' else self.places}f}}"
        filled = np.where(missing, 0.0, arr)
        negative_zero = np.signbit(filled) & (filled == 0)
        filled += 0.0  # -0.0 becomes 0.0, so no distinct value stands for both (given its text below)
        found = _by_table(filled, spec, 0 if self.kind == "int" else self.places)
        if found is not None:
            words, codes = found
        else:
            distinct, inverse = np.unique(filled, return_inverse=True)
            words, codes = [spec.format(x) for x in distinct.tolist()], inverse.reshape(-1).astype(np.intp)
        if negative_zero.any():  # -0.0 prints "-0", and is formatted as it is
            codes[negative_zero] = len(words)
            words.append(spec.format(-0.0))
        if missing.any():
            codes[missing] = len(words)
            words.append("")
        if self.na is not None and np.asarray(self.na, dtype=bool).any():
            codes[np.asarray(self.na, dtype=bool)] = len(words)
            words.append(na)
        return words, codes


def _by_table(figures: np.ndarray, spec: str, places: int) -> tuple[list[str], np.ndarray] | None:
    """`spec.format` of each figure as distinct texts and an index per figure, found without
    sorting when every figure is a whole number of 10**-places (as rounded figures are): that
    number indexes a table of texts. None otherwise."""
    n = int(figures.shape[0])
    if n == 0:
        return None
    scale = 10.0 ** places
    steps = np.rint(figures * scale)
    if not (np.abs(steps) < 2.0**52).all() or not (steps / scale == figures).all():
        return None
    whole = steps.astype(np.int64)
    low, high = int(whole.min()), int(whole.max())
    if high - low > 4 * n + 1024:
        return None
    seen = np.zeros(high - low + 1, dtype=bool)
    seen[whole - low] = True
    present = np.flatnonzero(seen)
    slot = np.zeros(high - low + 1, dtype=np.intp)
    slot[present] = np.arange(present.size)
    # Each the very figure (checked above): its own text.
    words = [spec.format(float(k + low) / scale) for k in present.tolist()]
    codes: np.ndarray = slot[whole - low]
    return words, codes


def number_column(id: str, title: str, kind: Kind, values: np.ndarray, places: int,
                  na: np.ndarray | None = None) -> Column:
    """A number column from an array: NaN is an empty cell, `na` marks — cells."""
    return Column(id, title, kind, _FROM_ARRAY, places, array=values, na=na)


def _numbers(values: np.ndarray, na: np.ndarray | None = None, *, whole: bool = False) -> list[Any]:
    """The cells' values: None for NaN, `NA` where `na`, ints when `whole`, else floats."""
    out: list[Any] = [None if x != x else (int(x) if whole else x) for x in values.tolist()]
    if na is not None:
        for k in np.flatnonzero(na).tolist():
            out[k] = NA
    return out


def ranking_columns(report: Report, *, merged: bool = False, vetoes: bool = True) -> list[Column]:
    """One row per unit: rank, id, name, score, grade, groups, dimensions, vetoes, consequences, reason.

    Consequences get a column each (amounts as numbers) unless `merged`, where
    one text column lists the granted ones with their amounts, for pages that
    must fit a screen or A4 (HTML, Markdown). `vetoes=False` leaves the veto
    titles to the reason phrase, which names them too.
    """
    lab, meta = report.labels, report.meta
    p, dp = report.precision, report.detail_precision
    cols = [
        Column("rank", lab["rank"], "int", _FROM_ARRAY, array=report.rank),
        Column("id", lab["id"], "text", report.ids),
    ]
    if report.has_names:
        cols.append(Column("name", lab["name"], "text", report.names))
    cols.append(number_column("score", lab["score"], "number", report.score, p))
    cols.append(Column("grade", lab["grade"], "text", [g if g is not None else "" for g in report.grade]))
    unscored = np.array([s != "scored" for s in report.status], dtype=bool)
    if unscored.any():
        grades = cols[-1].values
        for k in np.flatnonzero(unscored).tolist():
            grades[k] = lab[report.status[k]]  # not_assessable, or review_ended (不予评审)
    if meta.get("stages"):  # the self-assessment beside the review's score (scoring.stages)
        for key, label in (("self_score", "self_score"), ("gap", "self_gap")):
            values = np.array([np.nan if x is None else x for x in meta["stages"][key]], dtype=float)
            cols.append(number_column(key, lab[label], "number", values, p))
    for g in meta["groups"]:
        cols.append(Column(g["id"], g["title"], "text", list(meta["group_values"][g["id"]])))
    for dim in meta["dimensions"]:
        title = f"{dim['title']}({dim['points']:g})" if meta["language"] == "zh" else f"{dim['title']} ({dim['points']:g})"
        cols.append(number_column(dim["id"], title, "number", report.dims[dim["id"]], dp, report.dim_na(dim["id"])))
    if meta["vetoes"] and vetoes:
        sep = "、" if meta["language"] == "zh" else ", "
        titles = [v["title"] for v in meta["vetoes"]]
        joined = per_combination(report.vetoes, lambda hits: sep.join(t for t, hit in zip(titles, hits) if hit))
        cols.append(Column("vetoes", lab["vetoes"], "text", joined.tolist()))
    if merged and meta["consequences"]:
        sep = "；" if meta["language"] == "zh" else "; "
        listed = [""] * report.n
        for k in np.flatnonzero(report.granted.any(axis=1)).tolist():
            listed[k] = sep.join(
                c["title"] + (f" {report.amounts[k, j]:,.2f}" if report.amounts[k, j] == report.amounts[k, j] else "")
                for j, c in enumerate(meta["consequences"]) if report.granted[k, j])
        cols.append(Column("consequences", lab["consequences"], "text", listed))
    for j, c in enumerate([] if merged else meta["consequences"]):
        if c["paid"]:
            cols.append(number_column(c["id"], c["title"], "amount", report.amounts[:, j], 2))
        else:
            marks = np.where(report.granted[:, j], lab["granted"], "").tolist()
            cols.append(Column(c["id"], c["title"], "text", marks))
    if report.meta.get("member_result"):
        cols.append(Column("member_results", report.meta["member_result"]["title"], "text", member_summaries(report)))
    cols.append(Column("reason", lab["reason"], "text", report.reasons))
    # Committee decisions and corrections, where there are any: the row says the outcome was
    # overridden (the rules' outcome → what stands, reason, who, when) or a figure corrected.
    from .workflow import amendment_marks, decision_marks

    if report.overrides:
        cols.append(Column("decisions", lab["decisions"], "text", decision_marks(report)))
    if report.amendments:
        cols.append(Column("amendments", lab["amendments"], "text", amendment_marks(report)))
    return cols


def member_result_text(m: dict[str, Any], report: Report) -> str:
    """A member's own result as a person reads it: "92.7 优秀", or — when it has none."""
    own = m.get("result") or {}
    if own.get("score") is None:
        return report.labels["na_mark"]
    grade = f" {own['grade']}" if own.get("grade") else ""
    return f"{own['score']:.{report.precision}f}{grade}"


def member_summaries(report: Report) -> list[str]:
    """Per unit, its members' own results in one cell: "S1 示范小学 92.7 优秀；S2 87.8 良好"."""
    sep = "；" if report.meta["language"] == "zh" else "; "
    out = []
    for members in report.details.members:
        out.append(sep.join(str(m["id"]) + (f" {m['name']}" if m.get("name") else "") + " "
                            + member_result_text(m, report) for m in members if "result" in m))
    return out


def member_rows(report: Report) -> list[Column]:
    """One row per member (a school under its group): unit, member, period, own score and grade, figures."""
    lab, meta = report.labels, report.meta
    lang = str(meta["language"])
    from .labels import member_word

    units, names, members, member_names, periods, scores, grades, figures = ([] for _ in range(8))
    unit_names = report.names
    titles = {i["id"]: i["title"] for i in meta["indicators"]}
    for k, listed in enumerate(report.details.members):
        for m in listed:
            own = m.get("result") or {}
            units.append(report.ids[k])
            names.append(unit_names[k])
            members.append(str(m["id"]))
            member_names.append(str(m.get("name") or ""))
            periods.append(str(m.get("period") or ""))
            scores.append(own.get("score"))
            grades.append(own.get("grade") or "")
            figures.append("; ".join(
                f"{titles.get(ind, ind)} " + ", ".join(f"{member_word(name, lang)} {show_value(v, report)}"
                                                      for name, v in vals.items() if v is not None)
                for ind, vals in m["values"].items() if any(v is not None for v in vals.values())))
    cols = [Column("unit", lab["unit"], "text", units)]
    if report.has_names:
        cols.append(Column("name", lab["name"], "text", names))
    cols += [Column("member", lab["member"], "text", members),
             Column("member_name", lab["member"] + lab["name"] if lang == "zh" else f"{lab['member']} {lab['name'].lower()}",
                    "text", member_names)]
    if any(periods):
        cols.append(Column("period", lab["period"], "text", periods))
    if meta.get("member_result"):
        cols += [Column("member_score", lab["score"], "number", scores, report.precision),
                 Column("member_grade", lab["grade"], "text", grades)]
    cols.append(Column("figures", lab["figures"], "text", figures))
    return cols


def deduction_rows(report: Report) -> list[Column]:
    """One row per unit × indicator that lost points: points, full marks, value, why."""
    lab, meta = report.labels, report.meta
    det = report.details
    dims = {d["id"]: d["title"] for d in meta["dimensions"]}
    unit_k: list[int] = []
    ind_k: list[int] = []
    inds = meta["indicators"]
    bonus = {d["id"] for d in meta["dimensions"] if d["kind"] == "bonus"}
    for j, ind in enumerate(inds):
        if ind["dimension"] in bonus:
            continue  # a bonus not earned is not a deduction
        points = det.ind_points[ind["id"]]
        lost = np.flatnonzero(~det.ind_na[ind["id"]] & (points < float(ind["points"]) - 1e-9))
        unit_k += lost.tolist()
        ind_k += [j] * lost.size
    # Reading order: by unit (rank order), then the rubric's order of items.
    order = np.lexsort((np.array(ind_k, dtype=int), np.array(unit_k, dtype=int))).tolist()
    unit_k = [unit_k[o] for o in order]
    ind_k = [ind_k[o] for o in order]
    dp = report.detail_precision
    points_v = [float(det.ind_points[inds[j]["id"]][k]) for k, j in zip(unit_k, ind_k)]
    max_v = [float(inds[j]["points"]) for j in ind_k]
    values = [det.ind_values[inds[j]["id"]][k] for k, j in zip(unit_k, ind_k)]
    cols = [
        Column("id", lab["id"], "text", [report.ids[k] for k in unit_k]),
    ]
    if report.has_names:
        names = report.names
        cols.append(Column("name", lab["name"], "text", [names[k] for k in unit_k]))
    cols += [
        Column("dimension", lab["dimension"], "text", [dims[inds[j]["dimension"]] for j in ind_k]),
        Column("indicator", lab["indicator"], "text", [inds[j]["title"] for j in ind_k]),
        Column("points", lab["points"], "number", points_v, dp),
        Column("max", lab["max"], "number", max_v, dp),
        Column("lost", lab["lost"], "number", [round(m - x, dp) for m, x in zip(max_v, points_v)], dp),
        # Figures stay numbers (a workbook can sum them); yes/no and enum values are text.
        Column("value", lab["value"], "text", [float(v) if isinstance(v, (int, float)) and not isinstance(v, bool)
                                               else show_value(v, report) for v in values]),
        Column("explanation", lab["explanation"], "text", [inds[j]["rule"] for j in ind_k]),
    ]
    return cols


def show_value(value: Any, report: Report) -> str:
    """An indicator's value as a person reads it: 是/否 for yes/no, up to 4 places."""
    if value is None:
        return report.labels["na_mark"]
    if isinstance(value, bool):
        if report.meta["language"] == "zh":
            return "是" if value else "否"
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value)}"
    return str(value)


def consequence_rows(report: Report) -> list[Column]:
    """One row per granted consequence: unit, name, title, amount, reason."""
    lab, meta = report.labels, report.meta
    det = report.details
    ks, js = np.nonzero(report.granted)
    order = np.lexsort((ks, js)).tolist()  # grouped by consequence, then reading order
    ks_l = [int(ks[o]) for o in order]
    js_l = [int(js[o]) for o in order]
    cols = [Column("consequence", lab["consequences"], "text", [meta["consequences"][j]["title"] for j in js_l]),
            Column("id", lab["id"], "text", [report.ids[k] for k in ks_l])]
    if report.has_names:
        names = report.names
        cols.append(Column("name", lab["name"], "text", [names[k] for k in ks_l]))
    if det.cons_persons:
        cols.append(Column("person", lab["person"], "text", [det.cons_persons.get((k, j), "") for k, j in zip(ks_l, js_l)]))
    amounts = [float(report.amounts[k, j]) for k, j in zip(ks_l, js_l)]
    cols += [
        Column("amount", lab["amount"], "amount", [None if a != a else a for a in amounts], 2),
        Column("reason", lab["reason"], "text", [report.consequence_reason(k, j) for k, j in zip(ks_l, js_l)]),
    ]
    return cols


def consequence_totals(report: Report) -> list[Column]:
    """Per consequence: units granted, amount paid, and the pool's total, use and rule."""
    lab, meta = report.labels, report.meta
    summ = report.summary["consequences"]
    rows = [summ[c["id"]] for c in meta["consequences"]]
    pools = any("pool" in r for r in rows)
    cols = [
        Column("consequence", lab["consequences"], "text", [c["title"] for c in meta["consequences"]]),
        Column("units", lab["units"], "int", [int(r["units"]) for r in rows]),
        Column("amount", lab["amount"], "amount",
               [float(r["amount"]) if c["paid"] else None for r, c in zip(rows, meta["consequences"])], 2),
        Column("pool_total", lab["pool_total"], "amount",
               [float(r["pool"]["total"]) if "pool" in r else None for r in rows], 2),
        Column("pool_used", lab["pool_used"], "amount",
               [float(r["pool"]["used"]) if "pool" in r else None for r in rows], 2),
        Column("rule", lab["rule"], "text", [rule_text(str(r["pool"]["rule"]), meta["language"]) if "pool" in r else "" for r in rows]),
    ]
    return cols if pools else cols[:3]


def veto_rows(report: Report) -> list[Column]:
    lab, meta = report.labels, report.meta
    ks, js = np.nonzero(report.vetoes)
    ks_l, js_l = ks.tolist(), js.tolist()
    cols = [Column("id", lab["id"], "text", [report.ids[k] for k in ks_l])]
    if report.has_names:
        names = report.names
        cols.append(Column("name", lab["name"], "text", [names[k] for k in ks_l]))

    def effect(v: dict[str, Any]) -> str:
        if v.get("ends_review"):
            return lab["effect_ends_review"]
        return lab[f"effect_{v['effect']}"].format(grade=v.get("grade") or "")

    cols += [
        Column("veto", lab["vetoes"], "text", [meta["vetoes"][j]["title"] for j in js_l]),
        Column("effect", lab["effect"], "text", [effect(meta["vetoes"][j]) for j in js_l]),
        Column("score", lab["score"], "number", _numbers(report.score[ks]), report.precision),
        Column("grade", lab["grade"], "text", [report.grade[k] or "" for k in ks_l]),
    ]
    return cols


def rejected_rows(report: Report) -> list[Column]:
    """One row per refused row: where, whose, which field, the value, why (see `rejected_columns`)."""
    return rejected_columns(report.rejected, report.labels, report.meta["language"], report.field_title, report.message)


def rejected_columns(rows: Sequence[Mapping[str, Any]], lab: Mapping[str, str], language: str,
                     field_title: Callable[[str], str], message: Callable[[str], str]) -> list[Column]:
    """Rejected rows (as the JSON result's `rejected` holds them) as table columns.

    A Chinese rubric's say it as bureau staff read it: 第 3 行, the column as
    their sheet shows it (`I`, or `F 死亡人数`), the field by its title with its id
    beside it (`死亡人数（deaths）`: the title for the director, the id for whoever
    fixes a file headed in ids), and the reason in Chinese (`message`). English
    ones keep the engine's own words and columns. The reports and the `--rejects`
    file (scoring/rejects_file.py) both use it.
    """
    if language == "zh":
        from .messages_zh import row_label

        def named(name: str) -> str:
            title = field_title(name)
            return name if title == name else f"{title}（{name}）"

        return [
            Column("row", lab["row"], "text", [row_label(str(r["row"])) for r in rows]),
            Column("unit", lab["unit"], "text", [str(r.get("unit") or "") for r in rows]),
            Column("column", lab["column"], "text", [str(r.get("column") or "") for r in rows]),
            Column("field", lab["field"], "text", [named(str(r["field"])) if r.get("field") else "" for r in rows]),
            Column("value", lab["cell"], "text", [str(r.get("value") or "") for r in rows]),
            Column("reason", lab["reason"], "text", [message(str(r["reason"])) for r in rows]),
        ]
    return [
        Column("row", lab["row"], "text", [str(r["row"]) for r in rows]),
        Column("unit", lab["unit"], "text", [str(r.get("unit") or "") for r in rows]),
        Column("field", lab["field"], "text", [str(r.get("field") or "") for r in rows]),
        Column("value", lab["cell"], "text", [str(r.get("value") or "") for r in rows]),
        Column("reason", lab["reason"], "text", [str(r["reason"]) for r in rows]),
    ]


def about_rows(report: Report) -> list[tuple[str, str]]:
    lab, h = report.labels, report.header
    rows = [
        (lab["about_rubric"], str(report.meta["title"])),
        (lab["about_rubric_id"], str(h["rubric"]["id"])),
        (lab["about_version"], str(h["rubric"]["version"])),
        (lab["about_rubric_sha"], str(h["rubric"]["sha256"])),
        (lab["about_evidence"], str(h["evidence"]["source"])),
        (lab["about_evidence_sha"], str(h["evidence"]["sha256"])),
        (lab["about_rows"], str(h["evidence"]["rows"])),
        (lab["about_scored"], str(h["evidence"]["scored"])),
        (lab["about_rejected"], str(h["evidence"]["rejected"])),
        (lab["about_engine"], str(h["engine"]["version"])),
        (lab["about_created"], str(report.meta["created"])),
    ]
    rows += [(lab["about_warnings"], text) for text in warning_texts(report)]
    return rows


def warning_texts(report: Report) -> list[str]:
    """Each warning of the run as a person reads it: its message (the JSON result holds each as
    {code, unit, field, message}), in Chinese for a Chinese rubric."""
    return [report.message(str(w["message"]) if isinstance(w, dict) else str(w))
            for w in report.header.get("warnings", [])]


def fmt_cell(value: Any, col: Column, *, na: str = "—", thousands: bool = False) -> str:
    """A cell as text: numbers at the column's places, NA as —, None as blank."""
    if value is None:
        return ""
    if value is NA:
        return na
    if col.kind == "int":
        return str(value)
    if col.kind == "percent":
        return percent_text(float(value), col.places)
    if col.kind in ("number", "amount"):
        return f"{value:,.{col.places}f}" if thousands else f"{value:.{col.places}f}"
    if isinstance(value, float):  # a figure in a text column (an indicator's value): up to 4 places
        return f"{value:.4f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value)}"
    return str(value)


def percent_text(share: float, places: int = 1) -> str:
    """A share as a person reads it: 0.3333 → 33.3%, rounded half-up on the decimal figure."""
    from decimal import ROUND_HALF_UP, Decimal

    if share != share:
        return ""
    scaled = (Decimal(repr(float(share))) * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{scaled}%"


def extra_columns(table: Any) -> list[Column]:
    """An extra table (`Report.extra`) as columns: figures as numbers, shares as percentages, the rest text."""
    cols = []
    for c, header in enumerate(table.headers):
        values = [row[c] for row in table.rows]
        numeric = all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in values)
        if numeric and c in table.percent:
            cols.append(Column(str(c), header, "percent", values, 1))
        elif numeric:
            cols.append(Column(str(c), header, "number", values, 2))
        else:
            cols.append(Column(str(c), header, "text", ["" if v is None else str(v) for v in values]))
    return cols


def extra_text_columns(table: Any) -> list[Column]:
    """An extra table as text columns for a page (Markdown, HTML): shares as percentages, other cells as written."""
    def text(v: Any, c: int) -> str:
        if v is None:
            return ""
        if c in table.percent and isinstance(v, (int, float)) and not isinstance(v, bool):
            return percent_text(float(v))
        return str(v)

    return [Column(str(c), header, "text", [text(row[c], c) for row in table.rows])
            for c, header in enumerate(table.headers)]


def panel_rows(report: Report) -> list[Column]:
    """One row per rater's figure: unit, item, period, rater, points, whether the trimmed mean
    dropped it, and the panel's combined figure (the workbook's 评分组 sheet)."""
    from ..panels import SPREAD_TABLE

    lab, meta = report.labels, report.meta
    lang = str(meta["language"])
    _, headers, _ = SPREAD_TABLE.get(lang, SPREAD_TABLE["en"])
    titles = {i["id"]: i["title"] for i in meta["indicators"]}
    units, names, items, periods, raters, points, dropped, combined = ([] for _ in range(8))
    for k in range(report.n) if report.details.has_panels else ():
        panel = report.details.panel(k)
        for ind, entries in (panel or {}).get("indicators", {}).items():
            for entry in entries:
                for rater, pts in entry["raters"].items():
                    units.append(report.ids[k])
                    names.append(report.names[k])
                    items.append(titles.get(ind, ind))
                    periods.append(str(entry.get("period") or ""))
                    raters.append(str(rater))
                    points.append(pts)
                    dropped.append(lab["dropped"] if rater in entry["dropped"] else "")
                    combined.append(entry["combined"])
    places = report.detail_precision
    cols = [Column("unit", lab["unit"], "text", units)]
    if report.has_names:
        cols.append(Column("name", lab["name"], "text", names))
    cols += [Column("indicator", headers[1], "text", items), Column("period", headers[2], "text", periods),
             Column("rater", lab["rater"], "text", raters),
             Column("points", lab["points"], "number", points, places),
             Column("dropped", lab["dropped"], "text", dropped),
             Column("combined", headers[4], "number", combined, places)]
    return cols

