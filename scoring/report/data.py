"""What every human-facing report is made from: one columnar `Report`.

A report is built either from a live `Result` (`Report.from_result`, column by
column, so a million-unit CSV costs arrays plus the formatting of each row) or
from a saved JSON result (`Report.from_dict`, for `scoring render`). Both give
the same values, so a report rendered later is byte-for-byte the one `scoring
run` would have written; a test compares them for every bundled rubric.

The JSON result carries what the reports need beyond the units' figures in one
key, `report` (see `report_block`): the rubric's titles and language, and, in
the units' order, each unit's name, grouping values and reason phrase.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import EvidenceError
from ..review import statuses
from ..rounding import round_half_up
from .labels import RULES, labels_for

if TYPE_CHECKING:
    from ..result import Result
    from .messages_zh import Names

REPORT_FORMAT = 1


def run_time() -> str:
    """Now, in UTC; `SOURCE_DATE_EPOCH` fixes it for reproducible outputs."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    stamp = int(epoch) if epoch.isdigit() else int(time.time())
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(stamp))


@dataclass(frozen=True)
class Table:
    """An extra section of a report (statistics, an analysis): a title and rows.

    Writers show each as a sheet (xlsx) or a table (HTML, Markdown) after the
    built-in ones, in order. Cells are text or numbers; the columns listed in
    `percent` hold shares, shown as percentages (`percent_text`).
    """

    title: str
    headers: list[str]
    rows: list[list[str | float | int | None]]
    # Columns holding shares (0.3333): numbers in the JSON and the workbook, shown as 33.3%.
    percent: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "headers": self.headers, "rows": self.rows,
                **({"percent": self.percent} if self.percent else {})}


IndicatorCells = tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, list[Any]]]
ConsequenceCells = tuple[dict[tuple[int, int], str], dict[tuple[int, int], str]]


class Details:
    """The per-cell parts of a report, each built only when a writer first asks for it.

    A CSV needs none of them; Markdown only the members; Excel and HTML the rest.
    """

    def __init__(self, indicators: Callable[[], IndicatorCells], consequences: Callable[[], ConsequenceCells],
                 members: Callable[[], list[list[dict[str, Any]]]],
                 panel: Callable[[int], dict[str, Any] | None] | None = None) -> None:
        self._indicators, self._consequences, self._members = indicators, consequences, members
        self._panel = panel  # None: no unit has a rater panel

    @cached_property
    def _ind(self) -> IndicatorCells:
        return self._indicators()

    @cached_property
    def _cons(self) -> ConsequenceCells:
        return self._consequences()

    @property
    def ind_points(self) -> dict[str, np.ndarray]:
        """Each indicator's points per unit, at the detail precision (0 where it does not apply)."""
        return self._ind[0]

    @property
    def ind_na(self) -> dict[str, np.ndarray]:
        return self._ind[1]

    @property
    def ind_values(self) -> dict[str, list[Any]]:
        return self._ind[2]

    @property
    def cons_reasons(self) -> dict[tuple[int, int], str]:
        return self._cons[0]

    @property
    def cons_persons(self) -> dict[tuple[int, int], str]:
        return self._cons[1]

    @cached_property
    def members(self) -> list[list[dict[str, Any]]]:
        return self._members()

    @property
    def has_panels(self) -> bool:
        return self._panel is not None

    def panel(self, k: int) -> dict[str, Any] | None:
        """Report row `k`'s rater panel as the JSON result holds it (`panel`), or None: built per
        unit asked for (the HTML shows a few hundred units, not all)."""
        return self._panel(k) if self._panel is not None else None


def value_column(values: np.ndarray) -> list[Any]:
    """An indicator's values as the JSON result holds them (see result._value), a whole column at once."""
    from ..result import _value

    if values.dtype.kind == "b":
        return [bool(v) for v in values.tolist()]
    if values.dtype.kind in "fiu":
        x = values.astype(float)
        rounded = round_half_up(x, 4)
        out: list[Any] = rounded.tolist()
        for k in np.flatnonzero(~np.isfinite(x)).tolist():
            out[k] = None
        return out
    return [_value(v) for v in values.tolist()]


# Earlier years' names (scoring/history.py) as a reader says them; a grade's name is part of the name.
HISTORY_WORDS = {
    "zh": [(r"history\.count_([^\s_()]+)_(\d+)", r"近\2年\1次数"), (r"history\.count_([^\s_()]+)", r"往年\1次数"),
           (r"history\.streak_([^\s_()]+)", r"此前连续\1年数"), (r"history\.grade_(\d+)", r"\1年前等级"),
           (r"history\.years\b", "往年结果数")],
    "en": [(r"history\.count_([^\s_()]+)_(\d+)", r"times \1 in the last \2 years"),
           (r"history\.count_([^\s_()]+)", r"times \1 before"), (r"history\.streak_([^\s_()]+)", r"years \1 in a row before"),
           (r"history\.grade_(\d+)", r"grade \1 years back"), (r"history\.years\b", "earlier results")],
}


def humanize(expression: str, titles: Mapping[str, str], language: str) -> str:
    """A rubric condition with field names shown as their titles: `deaths == 0` → `死亡人数 = 0`."""
    text = re.sub(r"[A-Za-z_][A-Za-z0-9_.]*", lambda m: titles.get(m.group(0), m.group(0)), expression)
    text = text.replace("==", "=")
    text = re.sub(r"'([^']*)'|\"([^\"]*)\"", lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)
    for pattern, replacement in HISTORY_WORDS.get(language, []):  # after the titles: these names hold a grade
        text = re.sub(pattern, replacement, text)
    if language == "zh":
        text = re.sub(r"\band\b", "且", text)
        text = re.sub(r"\bor\b", "或", text)
        text = re.sub(r"\bnot\b", "非", text).replace("非 被一票否决", "未被一票否决")
    return text


def rule_text(text: str, language: str) -> str:
    """A method's English one-line rule in the report's language, where the phrase table knows it."""
    for pattern, replacement in RULES.get(language, []):
        text = re.sub(pattern, replacement, text)
    return text


def expression_titles(result: Result) -> dict[str, str]:
    """What a name in a rubric expression is called in a report: a field's title, or a result's word."""
    model = result.rubric.model
    language = model.rubric.language
    labels = labels_for(language)
    words = {"score": labels["score"], "grade": labels["grade"], "rank": labels["rank"],
             "vetoed": labels["vetoed"], "base": labels["base"], "bonus": labels["bonus"],
             "previous.score": labels["previous_score"], "previous.grade": labels["previous_grade"],
             "previous.rank": labels["previous_rank"], "previous.vetoed": labels["previous_vetoed"],
             "self.score": labels["self_score"]}
    words.update({d.id: d.title or d.id for d in model.dimension})
    words.update({n: f.title or n for n, f in model.fields.items()})
    return words


def unit_texts(result: Result, name: str, idx: np.ndarray) -> list[str]:
    """Field `name` on units `idx` (their final period) as text, blank where missing."""
    values = result.layout.final(name)[idx]
    missing = result.layout.final_missing(name)[idx]
    # A text column's cells are str already: `str` only for other kinds (map, not a loop, for speed).
    texts = _texts(values)
    for k in np.flatnonzero(missing).tolist():
        texts[k] = ""
    return texts


def reason_phrases(result: Result, idx: np.ndarray) -> list[str]:
    """For units `idx`, why the grade is lower than the score alone gives: a veto, or a band's
    unmet `require`, in one short phrase in the rubric's language; "" for the others."""
    model = result.rubric.model
    info = model.rubric
    labels = labels_for(info.language)
    d = result.decisions
    vetoes = d.vetoes[idx]
    sep = "、" if info.language == "zh" else ", "
    vetoed = vetoes.any(axis=1)

    def phrase(hits: list[bool]) -> str:
        titles = sep.join(v.title for v, hit in zip(model.veto, hits) if hit)
        # A veto that only names a grade is a direct determination (直接判定), not a 一票否决.
        direct = all(v.effect == "grade" for v, hit in zip(model.veto, hits) if hit)
        return labels["reason_direct" if direct else "reason_veto"].format(titles=titles)

    reasons = per_combination(vetoes, phrase)
    failed = d.grade_failed_require[idx]
    field_titles = expression_titles(result)
    capped = np.array([labels["reason_require"].format(grade=band.name, min=f"{band.min:g}",
                                                       require=humanize(band.require or "", field_titles, info.language))
                       for band in model.grade] + [""], dtype=object)
    best_failed = np.argmax(failed, axis=1) if failed.size else np.zeros(len(idx), dtype=int)
    only_failed = failed.any(axis=1) & ~vetoed if failed.size else np.zeros(len(idx), dtype=bool)
    reasons[only_failed] = capped[best_failed[only_failed]]
    listed: list[str] = reasons.tolist()
    return listed


def per_combination(hits: np.ndarray, text: Callable[[list[bool]], str]) -> np.ndarray:
    """For each row of a (rows, items) boolean table, `text` of its combination of items, made once
    per distinct combination rather than once per row; "" where no item holds (an object array)."""
    out = np.full(hits.shape[0], "", dtype=object)
    some = hits.any(axis=1) if hits.size else np.zeros(hits.shape[0], dtype=bool)
    if some.any():
        combos, which = np.unique(hits[some], axis=0, return_inverse=True)
        out[some] = np.array([text(c) for c in combos.tolist()], dtype=object)[which.reshape(-1)]
    return out


def message_field_titles(model: Any) -> dict[str, str]:
    """Each field's title (its id where it has none), and the key columns' titles or the report's
    words for them, by the names rejected rows and warnings use."""
    info = model.rubric
    lab = labels_for(info.language)
    out = {info.id_column: info.id_title or lab["id_column"], info.period_column: info.period_title or lab["period"],
           info.parent_column: info.parent_title or lab["parent_column"]}
    if model.raters is not None:
        out[model.raters.column] = model.raters.title or lab["rater"]
    if model.stages is not None:
        out[model.stages.column] = model.stages.title or lab["stage_column"]
    out.update({name: spec.title or name for name, spec in model.fields.items()})
    return out


def message_names(model: Any) -> Names:
    """What the rubric calls the fields, indicators and consequences a message names, from the rubric
    itself (a `Report` reads the same from the JSON result's `report` block, so `render` says the same)."""
    from .messages_zh import Names

    return Names(fields=message_field_titles(model),
                 indicators={i.id: i.title for d in model.dimension for i in d.indicator},
                 consequences={c.id: c.title for c in model.consequence})


def report_block(result: Result, order: np.ndarray | None = None, *, extra: bool = True) -> dict[str, Any]:
    """The `report` key of the JSON result: titles, language and per-unit columns in reading order.

    `order` is `result.order()` when the caller has it already (sorting a
    million ids takes a while). `extra=False` leaves out the statistics tables
    (`extra`), which read every indicator's points: a `Report` builds them when
    a writer asks (`Report.extra`).
    """
    model = result.rubric.model
    info = model.rubric
    order = result.order() if order is None else order
    names = unit_texts(result, info.name, order) if info.name else [""] * len(order)
    groups = {g: unit_texts(result, g, order) for g in info.groups}
    reasons = reason_phrases(result, order)
    field_titles = expression_titles(result)

    describe = {ind.id: humanize(rule_text(ind.method.describe(ind.params, ind.points) if ind.method.describe
                                           else ind.method.summary, info.language), field_titles, "")
                for ind in result.rubric.indicators}
    return {
        "format": REPORT_FORMAT,
        "created": result.created,
        "language": info.language,
        "title": info.title,
        "unit": info.unit,
        "scale": info.scale,
        "precision": info.precision,
        "detail_precision": result.detail_precision,
        "name": ({"id": info.name, "title": model.fields[info.name].title or info.name} if info.name else None),
        "groups": [{"id": g, "title": model.fields[g].title or g} for g in info.groups],
        "phases": list(model.phases),
        "dimensions": [{"id": dim.id, "title": dim.title or dim.id, "points": dim.points, "kind": dim.kind,
                        "phase": dim.phase} for dim in model.dimension],
        "indicators": [{"id": ind.id, "title": ind.spec.title or ind.id, "dimension": ind.dimension.id,
                        "points": ind.points, "method": ind.method.name, "rule": describe[ind.id]}
                       for ind in result.rubric.indicators],
        "vetoes": [{"id": v.id, "title": v.title, "effect": v.effect, "grade": v.grade,
                    **({"ends_review": True} if v.ends_review else {})} for v in model.veto],
        # Each member's own result ([member_result]): its title, or None.
        "member_result": ({"title": model.member_result.title or "member result"}
                          if model.member_result is not None else None),
        "grades": [{"name": g.name, "min": g.min,
                    "require": humanize(g.require, field_titles, info.language) if g.require else None}
                   for g in model.grade],
        "consequences": [{"id": c.id, "title": c.title, "paid": payout is not None,
                          "when": humanize(c.when, field_titles, info.language), "quota": c.quota is not None,
                          "pool": payout is not None and payout.kind.budget}
                         for c, payout in zip(model.consequence, result.rubric.payouts)],
        "names": names,
        "group_values": groups,
        "reasons": reasons,
        # Which indicators cost units the most points (scoring.analysis.stats), overall
        # and by the run's grouping field: a sheet of the workbook, a section of the HTML.
        **({"extra": _statistics_tables(result, info.language)} if extra else {}),
        # The titles of the fields corrected by --amend (the amendments themselves are the
        # result's top-level `amendments`), only when there are any.
        **({"amended_fields": {a.field: model.fields[a.field].title or a.field
                               for a in result.evidence.amendments if a.field in model.fields}}
           if result.evidence.amendments else {}),
        # What the rejected rows' and warnings' field names are called (fields' titles, key columns'
        # words), for the reports of a Chinese rubric (messages_zh), only when there are any.
        **({"field_titles": message_field_titles(model)} if result.rejected or result.warnings else {}),
        # The self-assessment's score and its gap to the review, in reading order (scoring.stages).
        **({"stages": _stage_columns(result, order)} if result.stages is not None else {}),
    }


def _texts(values: np.ndarray) -> list[str]:
    """Each value as `str` gives it (a text array's cells are str already)."""
    listed = values.tolist()
    return listed if values.dtype.kind == "U" else list(map(str, listed))


def _stage_columns(result: Result, order: np.ndarray) -> dict[str, list[float | None]]:
    assert result.stages is not None

    def listed(values: np.ndarray) -> list[float | None]:
        return [None if x != x else float(x) for x in values[order].tolist()]

    return {"self_score": listed(result.stages.score), "gap": listed(result.stages.gap)}


def _statistics_tables(result: Result, language: str) -> list[dict[str, Any]]:
    from ..analysis.stats import report_table
    from ..panels import spread_tables

    tables = [report_table(result.statistics(), language)]
    if result.group_by:
        tables.append(report_table(result.statistics(result.group_by), language))
    return tables + spread_tables(result, language)  # raters who disagree past the spread (scoring.panels)


def _rounded(values: np.ndarray, places: int, *, zero_nan: bool) -> np.ndarray:
    out = round_half_up(values, places)
    return (np.where(np.isnan(out), 0.0, out) + 0.0) if zero_nan else out


@dataclass
class Report:
    """One result, ready for people: columns in reading order (rank, then id)."""

    meta: dict[str, Any]
    header: dict[str, Any]
    rejected: list[dict[str, Any]]
    ids: list[str]
    status: list[str]
    score: np.ndarray
    rank: np.ndarray
    grade: list[str | None]
    dims: dict[str, np.ndarray]
    dim_max: dict[str, np.ndarray]
    vetoes: np.ndarray
    granted: np.ndarray
    amounts: np.ndarray
    _details: Callable[[], Details] = field(repr=False)
    # The summary and the extra tables hold the statistics, which read every indicator's
    # points (scoring them, when the result has not kept them): built when first asked for.
    _summary: Callable[[], dict[str, Any]] = field(repr=False)
    _extra: Callable[[], list[dict[str, Any]]] = field(repr=False)
    # Corrections (--amend) and committee decisions (--decisions), as the JSON result's
    # top-level `amendments` and `overrides` hold them, in the order they were given.
    amendments: list[dict[str, Any]] = field(default_factory=list)
    overrides: list[dict[str, Any]] = field(default_factory=list)

    # --- the rubric's words ---------------------------------------------------
    @property
    def labels(self) -> Mapping[str, str]:
        return labels_for(str(self.meta["language"]))

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def names(self) -> list[str]:
        return list(self.meta["names"])

    @property
    def has_names(self) -> bool:
        return self.meta["name"] is not None

    @property
    def reasons(self) -> list[str]:
        return list(self.meta["reasons"])

    @property
    def precision(self) -> int:
        return int(self.meta["precision"])

    @property
    def detail_precision(self) -> int:
        return int(self.meta["detail_precision"])

    @cached_property
    def summary(self) -> dict[str, Any]:
        """The result's summary (units, grades, consequences, statistics), as the JSON result's `summary`."""
        return self._summary()

    @cached_property
    def extra(self) -> list[Table]:
        """The extra sections (statistics, ...), as the JSON result's `report.extra`."""
        return [Table(t["title"], t["headers"], t["rows"], list(t.get("percent", []))) for t in self._extra()]

    @cached_property
    def details(self) -> Details:
        return self._details()

    @cached_property
    def _message_names(self) -> Names:
        from .messages_zh import Names

        meta = self.meta
        fields = dict(meta.get("field_titles") or {})
        for named in ([meta["name"]] if meta.get("name") else []) + list(meta["groups"]):
            fields.setdefault(named["id"], named["title"])
        return Names(fields=fields, indicators={i["id"]: i["title"] for i in meta["indicators"]},
                     consequences={c["id"]: c["title"] for c in meta["consequences"]})

    def field_title(self, name: str) -> str:
        """A field (or key column) as the rubric titles it; its id where the report knows no title."""
        return self._message_names.fields.get(name) or name

    def message(self, text: str) -> str:
        """An engine message (a rejected row's reason, a warning) in the report's language: a Chinese
        rubric's reports say it in Chinese (scoring.report.messages_zh); others as the engine wrote it."""
        if self.meta["language"] != "zh":
            return text
        said = self._messages_said.get(text)
        if said is None:  # each distinct message translated once (one reason often stands for many rows)
            from .messages_zh import translate

            said = self._messages_said[text] = translate(text, self._message_names)
        return said

    @cached_property
    def _messages_said(self) -> dict[str, str]:
        return {}

    def consequence_reason(self, k: int, j: int) -> str:
        """Why unit `k` was granted consequence `j`, in the report's language.

        English reports use the explanation's own line (with ranks and pool
        shares); others say which condition held, from the rubric, in their words.
        """
        if self.meta["language"] == "en":
            return self.details.cons_reasons.get((k, j), "")
        c, lab = self.meta["consequences"][j], self.labels
        parts = [lab["reason_granted"].format(when=c["when"])]
        parts += [lab["reason_quota"]] if c["quota"] else []
        parts += [lab["reason_pool"]] if c["pool"] else []
        return ("；" if self.meta["language"] == "zh" else "; ").join(parts)

    def dim_na(self, dim_id: str) -> np.ndarray:
        """Where a base dimension has no applicable item for the unit (shown as —, never 0)."""
        kind = next(d["kind"] for d in self.meta["dimensions"] if d["id"] == dim_id)
        out: np.ndarray = (self.dim_max[dim_id] == 0) if kind == "base" else np.zeros(self.n, dtype=bool)
        return out

    # --- builders -------------------------------------------------------------
    @classmethod
    def from_result(cls, result: Result) -> Report:
        from ..consequences import GRANTED
        from ..explain import consequence_reason
        from ..result import _value

        model = result.rubric.model
        order = result.order()
        d, t, cq = result.decisions, result.totals, result.consequences
        p, dp = model.rubric.precision, result.detail_precision
        names = np.array([g.name for g in model.grade] + [None], dtype=object)  # the last for no grade
        grade_index = d.grade[order]
        grades = names[np.where((grade_index >= 0) & (grade_index < len(model.grade)), grade_index,
                                len(model.grade))].tolist()
        paid = np.array([payout is not None for payout in result.rubric.payouts], dtype=bool)
        granted = (cq.status == GRANTED)[order] if model.consequence else np.zeros((len(order), 0), dtype=bool)
        amounts = np.where(granted & paid[None, :], cq.amounts[order].astype(float), np.nan) \
            if model.consequence else np.zeros((len(order), 0))

        def indicators() -> IndicatorCells:
            pairs = list(zip(result.rubric.indicators, result.items))
            return ({ind.id: _rounded(col.points[order], dp, zero_nan=True) for ind, col in pairs},
                    {ind.id: ~col.applicable[order] for ind, col in pairs},
                    {ind.id: value_column(np.asarray(col.value)[order]) for ind, col in pairs})

        def consequences() -> ConsequenceCells:
            reasons: dict[tuple[int, int], str] = {}
            persons: dict[tuple[int, int], str] = {}
            for k, j in zip(*np.nonzero(granted)):
                c = model.consequence[int(j)]
                uid = str(result.layout.unit_ids[order[k]])
                decided = result.overrides_of(uid).get(c.id) if result.overrides else None
                # As the JSON result says it (Result._consequence), so a rendered report is the same.
                reasons[(int(k), int(j))] = (f"committee decision: {decided.line()}" if decided is not None
                                             else consequence_reason(result, int(order[k]), int(j)))
                if c.applies_to == "person":
                    named = cq.persons[int(j)]
                    persons[(int(k), int(j))] = (f"{c.person_role} {named[order[k]]}".strip()
                                                 if named is not None else str(c.person_role))
            return reasons, persons

        def members() -> list[list[dict[str, Any]]]:
            if result.layout.members is None:
                return [[] for _ in range(len(order))]
            return [result._members_of(int(i)) for i in order.tolist()]

        def panel(k: int) -> dict[str, Any] | None:
            return result.panel_of(int(order[k]))

        def details() -> Details:
            from ..panels import has_panel

            return Details(indicators, consequences, members, panel if has_panel(result.items) else None)

        return cls(
            meta=report_block(result, order, extra=False),
            header=result.header(),
            rejected=[vars(r) for r in result.rejected],
            ids=_texts(result.layout.unit_ids[order]),
            status=statuses(result, order).tolist(),
            score=round_half_up(d.score[order], p),
            rank=d.rank[order].astype(float),
            grade=grades,
            dims={dim.id: _rounded(t.dimension_points[dim.id][order], dp, zero_nan=True) for dim in model.dimension},
            dim_max={dim.id: (t.dimension_max[dim.id][order].astype(float) if dim.kind == "base"
                              else np.full(len(order), float(dim.points))) for dim in model.dimension},
            vetoes=d.vetoes[order] if model.veto else np.zeros((len(order), 0), dtype=bool),
            granted=granted,
            amounts=amounts,
            _details=details,
            _summary=result.summary,
            _extra=lambda: _statistics_tables(result, model.rubric.language),
            amendments=[a.to_dict() for a in result.evidence.amendments],
            overrides=[o.to_dict() for o in result.overrides],
        )

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any], source: str = "<result>") -> Report:
        """A report from a JSON result written by `scoring run` (for `scoring render`)."""
        try:
            return cls._from_dict(doc)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            raise EvidenceError(
                f"not a JSON result written by `scoring run` with reports ({type(exc).__name__}: {exc}); "
                "render needs the JSON result of this version of scoring: rerun `scoring run ... -o result.json`",
                path=source) from None

    @classmethod
    def _from_dict(cls, doc: Mapping[str, Any]) -> Report:
        meta = dict(doc["report"])
        if meta.get("format") != REPORT_FORMAT:
            raise ValueError(f"report format {meta.get('format')!r}, expected {REPORT_FORMAT}")
        units = list(doc["units"])
        n = len(units)
        dims = [x["id"] for x in meta["dimensions"]]
        vetoes = [x["id"] for x in meta["vetoes"]]
        cons = [x["id"] for x in meta["consequences"]]

        def num(x: Any) -> float:
            return float("nan") if x is None else float(x)

        veto_m = np.zeros((n, len(vetoes)), dtype=bool)
        granted = np.zeros((n, len(cons)), dtype=bool)
        amounts = np.full((n, len(cons)), np.nan)
        for k, u in enumerate(units):
            for v in u["vetoes"]:
                veto_m[k, vetoes.index(v["id"])] = True
            for c in u["consequences"]:
                j = cons.index(c["id"])
                granted[k, j] = True
                if c["amount"] is not None:
                    amounts[k, j] = float(c["amount"])

        inds = [x["id"] for x in meta["indicators"]]
        summary = dict(doc["summary"])  # read now, so a result without one is refused as not a result

        def indicators() -> IndicatorCells:
            return ({i: np.array([float(u["indicators"][i]["points"]) for u in units], dtype=float) for i in inds},
                    {i: np.array([u["indicators"][i]["status"] == "not_applicable" for u in units], dtype=bool)
                     for i in inds},
                    {i: [u["indicators"][i]["value"] for u in units] for i in inds})

        def consequences() -> ConsequenceCells:
            reasons: dict[tuple[int, int], str] = {}
            persons: dict[tuple[int, int], str] = {}
            for k, u in enumerate(units):
                for c in u["consequences"]:
                    reasons[(k, cons.index(c["id"]))] = str(c["reason"])
                    if c.get("person") is not None:
                        persons[(k, cons.index(c["id"]))] = str(c["person"])
            return reasons, persons

        def members() -> list[list[dict[str, Any]]]:
            return [list(u.get("members", [])) for u in units]

        return cls(
            meta=meta,
            header={k: doc[k] for k in ("rubric", "engine", "evidence", "warnings")},
            rejected=[dict(r) for r in doc["rejected"]],
            ids=[str(u["id"]) for u in units],
            status=[str(u["status"]) for u in units],
            score=np.array([num(u["score"]) for u in units], dtype=float),
            rank=np.array([num(u["rank"]) for u in units], dtype=float),
            grade=[u["grade"] for u in units],
            dims={x: np.array([float(u["dimensions"][x]["points"]) for u in units], dtype=float) for x in dims},
            dim_max={x: np.array([float(u["dimensions"][x]["max"]) for u in units], dtype=float) for x in dims},
            vetoes=veto_m,
            granted=granted,
            amounts=amounts,
            _details=lambda: Details(indicators, consequences, members,
                                     (lambda k: units[k].get("panel")) if any("panel" in u for u in units) else None),
            _summary=lambda: summary,
            _extra=lambda: list(meta.get("extra", [])),
            amendments=[dict(a) for a in doc.get("amendments", [])],
            overrides=[dict(o) for o in doc.get("overrides", [])],
        )
