"""Appeals and corrections (复核更正): `scoring run ... --amend amendments.csv`.

After results are published, units appeal and some figures are corrected. An
amendment names the cell it corrects and the value it expects to find there:

    unit, field, period, old, new, reason, approved_by
    E023, hazards_rectified, , 12, 15, 整改台账补录, 安监科 张三

The old value is checked against the evidence before anything changes, so a
correction written against another version of the table, or to the wrong
unit or period, is refused with a message rather than applied to the wrong
figure. Old and new are compared as the field's type reads them ("12" and
"12.0" are the same count, "是" and "true" the same yes).

Amendments are applied to the table's cells before it is typed, so a new value
goes through the same checks as every other cell, and the result records every
amendment beside the units it touched.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import headers, periods as period_labels
from .cells import texts_of
from .errors import EvidenceError
from .evidence import Evidence, OnError
from .evidence import find_header  # the header row exactly as typing finds it
from .model import RubricModel
from .panel_rows import REVIEW, SELF
from .sidefiles import Record, read_records
from .tables import RawTable

COLUMNS = {
    "unit": ("单位", "unit_id", "id"),
    "field": ("字段", "指标"),
    "period": ("期间", "周期"),
    "rater": ("评分人", "检查人员"),
    "stage": ("阶段", "评价阶段"),
    "old": ("原值", "old_value"),
    "new": ("新值", "new_value"),
    "reason": ("理由", "原因"),
    "approved_by": ("批准人", "审批人"),
}
REQUIRED = ("unit", "field", "old", "new", "reason", "approved_by")

Typer = Callable[[RawTable, OnError], Evidence]


@dataclass(frozen=True)
class Amendment:
    unit: str
    field: str
    old: str
    new: str
    reason: str
    approved_by: str
    period: str = ""
    file: str = ""          # where it was read, for messages
    row: str = ""           # row 3, or [2] in a JSON array
    rater: str = ""         # the panel member whose row is corrected (panels.py)
    stage: str = ""         # self or review, where the evidence has stages (stages.py)

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "field": self.field, "period": self.period or None,
                **({"rater": self.rater} if self.rater else {}), **({"stage": self.stage} if self.stage else {}),
                "old": self.old, "new": self.new, "reason": self.reason, "approved_by": self.approved_by,
                "source": f"{self.file} {self.row}".strip()}

    def line(self) -> str:
        when = f" (period {self.period})" if self.period else ""
        when += f" (rater {self.rater})" if self.rater else ""
        when += f" (stage {self.stage})" if self.stage else ""
        return f"{self.field}{when}: {self.old} → {self.new} — {self.reason} (approved by {self.approved_by})"


def load_amendments(path: str | Path) -> list[Amendment]:
    out = []
    for r in read_records(path, COLUMNS, REQUIRED, "amendments"):
        out.append(_amendment(r, str(path)))
    return out


def _amendment(r: Record, where: str) -> Amendment:
    c = r.cells
    for col in ("unit", "field", "reason", "approved_by"):
        if not c[col]:
            raise EvidenceError(f"{r.at(col)}: the {col} is empty; every amendment names its unit, field, reason "
                                "and who approved it", path=where)
    return Amendment(c["unit"], c["field"], c["old"], c["new"], c["reason"], c["approved_by"], c["period"],
                     where, r.label, c["rater"], c["stage"])


def _fail(a: Amendment, message: str) -> EvidenceError:
    when = f", period {a.period}" if a.period else ""
    return EvidenceError(f"{a.row + ': ' if a.row else ''}amendment of unit {a.unit!r}, field {a.field!r}{when}: "
                         f"{message}; nothing was scored", path=a.file or None)


def _key(text: str) -> str:
    """A unit id or period as typing reads it (NFKC, trimmed), so `Ｅ０２３` finds E023."""
    return period_labels.normalise(text)


def amend_table(table: RawTable, model: RubricModel, amendments: Sequence[Amendment], typer: Typer) -> RawTable:
    """The table with every amendment's cell set to its new value, once each old value is checked.

    Columns are found as typing finds them (a field's id, title or alias; a
    header row below a title), so an amendment names the field by its id
    whatever the sheet's headers say.
    """
    if not amendments:
        return table
    try:
        names = headers.header_names(model)
        found = find_header(table, names, [])
        position = headers.resolve(model, found.columns, names, source="").position
    except (ValueError, EvidenceError):
        return table  # typing refuses the table with its own message
    if headers.ID not in position:
        return table
    offset = table.n_rows - found.n_rows  # rows above the header (titles) that typing skips
    texts: dict[int, np.ndarray] = {}

    def column(j: int) -> np.ndarray:
        if j not in texts:
            texts[j] = texts_of(found.column(j))
        return texts[j]

    # Keys as typing reads them, normalised once per distinct text; rows found through an index of
    # the ids, so each amendment looks at its unit's few rows, not at every row of the file.
    ids = _keys(column(position[headers.ID]))
    periods = _keys(column(position[headers.PERIOD])) if headers.PERIOD in position else None
    keys = {target: _keys(column(position[target])) for target in (headers.RATER, headers.STAGE) if target in position}
    rows_of = _RowIndex(ids)
    where: dict[tuple[int, int], Amendment] = {}   # (row of `table`, column) -> amendment
    for a in amendments:
        if a.field not in model.fields:
            raise _fail(a, f"{a.field!r} is not a field of the rubric's [fields]")
        if a.field not in position:
            raise _fail(a, f"the evidence has no column for field {a.field!r}")
        hits = rows_of(_key(a.unit))
        if a.period:
            if periods is None:
                raise _fail(a, "a period is given, but the evidence has no period column")
            hits = hits[periods[hits] == _key(a.period)]
        mine = _panel_rows(a, model, {target: k[hits] for target, k in keys.items()})
        if mine is not True:
            hits = hits[mine]
        if hits.size == 0:
            raise _fail(a, "no row of this unit" + (" in that period" if a.period else "") + " in the evidence")
        if hits.size > 1:
            listed = sorted(set(periods[hits].tolist())) if periods is not None else []
            more = " (and its rater or stage)" if keys else ""
            raise _fail(a, f"the unit has {hits.size} rows" + (f" (periods {', '.join(listed)})" if listed else "")
                        + f"; give the period{more} of the row to correct")
        i, j = int(hits[0]) + offset, position[a.field]
        if table.data is None and len(table.rows[i]) <= j:
            raise _fail(a, f"{table.row_labels[i]} has fewer cells than the header; fix the row first")
        if (i, j) in where:
            raise _fail(a, f"the same cell is amended twice (also {where[(i, j)].row}); keep one amendment per cell")
        where[(i, j)] = a

    def with_cells(value_of: Callable[[Amendment], str]) -> RawTable:
        if table.data is not None:  # column-major: copy only the amended columns
            data = list(table.data)
            copied: set[int] = set()
            for (i, j), a in where.items():
                if j not in copied:
                    data[j] = list(data[j])
                    copied.add(j)
                data[j][i] = value_of(a)  # type: ignore[index]
            return RawTable.from_columns(table.columns, data, table.row_labels, broken=table.broken,
                                         notes=table.notes)
        rows = list(table.rows)  # row-major: copy only the amended rows
        for (i, j), a in where.items():
            row = list(rows[i])
            row[j] = value_of(a)
            rows[i] = row
        return RawTable(columns=table.columns, rows=rows, row_labels=table.row_labels, broken=table.broken,
                        notes=table.notes)

    def text(i: int, j: int) -> str:
        return str(column(j)[i - offset])

    mismatched = [(key, a) for key, a in where.items() if text(*key) != a.old.strip()]
    if mismatched:
        # Not the same text: compare as the field's type reads both.
        as_is, as_old = typer(table, "skip"), typer(with_cells(lambda a: a.old), "skip")
        for (i, j), a in mismatched:
            if not _same(as_is, as_old, i - offset, a.field):
                raise _fail(a, f"the old value {a.old!r} does not match the evidence, which holds "
                               f"{text(i, j)!r} ({table.row_labels[i]}); the amendment was refused — check "
                               "which figure it corrects, and against which version of the evidence")
    return with_cells(lambda a: a.new)


def _keys(texts: np.ndarray) -> np.ndarray:
    """A column's cells as typing reads keys (`_key`), each distinct text normalised once."""
    seen: dict[str, int] = {}
    codes = np.fromiter((seen.setdefault(t, len(seen)) for t in texts.tolist()), dtype=np.int64, count=len(texts))
    normal = np.empty(len(seen), dtype=object)
    normal[:] = [_key(str(t)) for t in seen]
    keyed: np.ndarray = normal[codes]
    return keyed


class _RowIndex:
    """The rows of each unit id, found without a pass over the whole column per lookup."""

    def __init__(self, ids: np.ndarray) -> None:
        number: dict[str, int] = {}
        codes = np.fromiter((number.setdefault(u, len(number)) for u in ids.tolist()), dtype=np.int64, count=len(ids))
        self._number = number
        self._order = np.argsort(codes, kind="stable")  # each id's rows together, in file order
        self._starts = np.searchsorted(codes[self._order], np.arange(len(number) + 1))

    def __call__(self, unit: str) -> np.ndarray:
        k = self._number.get(unit)
        if k is None:
            return np.zeros(0, dtype=np.int64)
        rows: np.ndarray = self._order[self._starts[k]:self._starts[k + 1]]
        return rows


def _panel_rows(a: Amendment, model: RubricModel, keys: dict[str, np.ndarray]) -> np.ndarray | bool:
    """Which of the candidate rows (whose rater and stage keys are given) are the amendment's rater and
    stage (True: it names neither)."""
    rows: np.ndarray | bool = True
    for given, target, what in ((a.rater, headers.RATER, "rater"), (a.stage, headers.STAGE, "stage")):
        if not given:
            continue
        if target not in keys:
            raise _fail(a, f"a {what} is given, but the evidence has no {what} column")
        if target == headers.STAGE and model.stages is not None:
            spec = model.stages  # a stage by any of its labels: self, 自评, review, 复评
            same = {headers.normalise(x) for x in ((SELF, *spec.self_labels) if headers.normalise(given) in
                    {headers.normalise(y) for y in (SELF, *spec.self_labels)} else (REVIEW, *spec.review_labels))}
            rows = rows & np.array([headers.normalise(str(x)) in same for x in keys[target].tolist()], dtype=bool)
        else:
            rows = rows & (keys[target] == _key(given))
    return rows


def _same(a: Evidence, b: Evidence, row: int, name: str) -> bool:
    """Whether two typings of a table read the same value in one row and field."""
    pa, pb = np.searchsorted(a.kept_rows, row), np.searchsorted(b.kept_rows, row)
    if pa >= a.kept_rows.size or pb >= b.kept_rows.size or a.kept_rows[pa] != row or b.kept_rows[pb] != row:
        return False
    ma, mb = bool(a.missing[name][pa]), bool(b.missing[name][pb])
    if ma or mb:
        return ma == mb
    va, vb = a.columns[name][pa].item(), b.columns[name][pb].item()
    if isinstance(va, float) and isinstance(vb, float):
        return va == vb or (math.isnan(va) and math.isnan(vb))
    return bool(va == vb)
