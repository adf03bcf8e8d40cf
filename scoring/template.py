"""`scoring template`: the form an evaluator's staff fill in, made from the rubric.

One sheet with the key columns (unit id, period, parent where the rubric has
them) and one column per field, headed by the field's title, so a filled form
goes straight back into `scoring run` with no renaming; and an instructions
sheet listing each field's title, id, type, unit, allowed values, missing
policy and the indicators that read it.

XlsxWriter writes the workbook: it supports the data validation (dropdowns for
choices and yes/no, whole numbers for counts, 0-100% for rates), frozen header
panes and cell formats a form needs, and it writes only, so it is small and
fast. A CSV form (UTF-8 with BOM, which Excel opens with Chinese intact) has
the header and the unit rows only.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import headers
from .cells import texts_of
from .errors import EvidenceError, UsageError
from .evidence import find_header
from .model import FieldSpec, RubricInfo, RubricModel
from .periods import describe as describe_periods, example_labels
from .plan import Rubric
from .tables import read_with
from .workbook_formulas import without_recalculation

if TYPE_CHECKING:
    from .engine import Engine

ROWS_VALIDATED = 2000  # rows below the header that carry the validation when the form has fewer units
TYPE_NAMES = {"count": "计数(非负整数)", "number": "数值", "rate": "比率(0–1 或百分比)", "bool": "是/否",
              "enum": "选项", "text": "文本"}
MISSING_NAMES = {"error": "必填", "zero": "空白按 0 / 否 计", "not_applicable": "空白为不适用(缺项折算)"}
MISSING_WORDS = {"error": "required", "zero": "blank counts as 0 / no", "not_applicable": "blank: not applicable (rescaled)"}


@dataclass(frozen=True)
class Column:
    header: str
    target: str  # a field id, or headers.ID / PERIOD / PARENT
    spec: FieldSpec | None


def _chinese(model: RubricModel) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", model.rubric.title))


def form_columns(rubric: Rubric) -> list[Column]:
    """The form's columns in order: key columns, then every field, each headed by its title."""
    m = rubric.model
    info = m.rubric
    cols = [Column(info.id_title or info.id_column, headers.ID, None)]
    if info.periods or info.period_pattern or m.phases:
        cols.append(Column(info.period_title or info.period_column, headers.PERIOD, None))
    if rubric.member_fields or any(s.rollup for s in m.fields.values()):
        cols.append(Column(info.parent_title or info.parent_column, headers.PARENT, None))
    for target, keys in ((headers.STAGE, m.stages), (headers.RATER, m.raters)):  # stages.py, panels.py
        if keys is not None:
            cols.append(Column(keys.title or keys.column, target, None))
    cols += [Column(spec.title or name, name, spec) for name, spec in m.fields.items()]
    return cols


def _readers(rubric: Rubric) -> dict[str, list[str]]:
    """Field id -> what reads it: indicators by id, vetoes, grades, consequences."""
    out: dict[str, list[str]] = {}
    for ind in rubric.indicators:
        for f in dict.fromkeys((*ind.inputs, *ind.member_inputs)):
            out.setdefault(f, []).append(ind.id)
    m = rubric.model
    for v, expr in zip(m.veto, rubric.vetoes):
        for f in expr.names:
            out.setdefault(f, []).append(f"否决 {v.id}" if _chinese(m) else f"veto {v.id}")
    for c, expr in zip(m.consequence, rubric.consequence_when):
        for f in expr.names:
            out.setdefault(f, []).append(c.id)
    return out


def _unit_rows(engine: Engine, rubric: Rubric, source: str, cols: list[Column]) -> list[dict[str, str]]:
    """The rows of the units file, keyed by target, with every period where the rubric lists them."""
    path = Path(source)
    loader = next((ld for ld in engine.registry.loaders.values() if path.suffix.lower() in ld.suffixes), None)
    if loader is None:
        raise UsageError(f"--units {source}: give a .csv or .xlsx file of unit ids (and names)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EvidenceError(f"cannot read the file: {exc.strerror or exc}", path=source) from None
    table = read_with(loader, path, data, {})
    names = headers.header_names(rubric.model)
    table = find_header(table, names, [])  # a units list often has a title row above its header, like a form
    found = headers.resolve(rubric.model, table.columns, names, source=source)
    if headers.ID not in found.position:
        info = rubric.model.rubric
        raise EvidenceError(f"no unit id column (headed {info.id_column!r} or {info.id_title or info.id_column!r})",
                            path=source)
    wanted = {c.target for c in cols}
    columns = {t: texts_of(table.column(j)).tolist() for t, j in found.position.items() if t in wanted}
    rows = [{t: str(v[i]) for t, v in columns.items()} for i in range(table.n_rows)]
    _check_unit_ids(rows, table.row_labels, source)
    periods = rubric.model.rubric.periods
    if periods and headers.PERIOD in wanted and headers.PERIOD not in columns:
        rows = [{**row, headers.PERIOD: p} for row in rows for p in periods]
    return rows


def _check_unit_ids(rows: list[dict[str, str]], labels: Sequence[str], source: str) -> None:
    """Every unit once, with an id: a blank or repeated id would make a form `scoring run` refuses."""
    seen: dict[str, str] = {}
    for row, label in zip(rows, labels):
        uid = row[headers.ID].strip()
        if not uid:
            raise EvidenceError(f"{label} has no unit id; fill it in or delete the row", path=source)
        if uid in seen:
            raise EvidenceError(f"unit {uid!r} is listed twice ({seen[uid]} and {label}); keep one", path=source)
        seen[uid] = label


def write_template(engine: Engine, rubric: Rubric, path: Path, *, units: str | None = None) -> str:
    """Write the form to `path` (.xlsx or .csv); returns a one-line account of what was written."""
    cols = form_columns(rubric)
    rows = _unit_rows(engine, rubric, units, cols) if units else []
    suffix = path.suffix.lower()
    if suffix == ".csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([c.header for c in cols])
        for row in rows:
            writer.writerow([row.get(c.target, "") for c in cols])
        _replace(path, ("\ufeff" + out.getvalue()).encode("utf-8"))
        return f"{len(cols)} columns, {len(rows)} unit row(s), UTF-8 CSV"
    if suffix != ".xlsx":
        raise UsageError(f"-o {path}: a template is .xlsx or .csv")
    _replace(path, _workbook(rubric, cols, rows))
    return f"{len(cols)} columns, {len(rows)} unit row(s), with validation and an instructions sheet"


def _replace(path: Path, data: bytes) -> None:
    """Write beside `path`, then rename into place: a failed run leaves the old file as it was."""
    target = path.resolve()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _validation(spec: FieldSpec, zh: bool, list_ref: str | None) -> dict[str, Any] | None:
    bad = "请按说明填写" if zh else "see the instructions sheet"
    base: dict[str, Any] = {"error_title": spec.title[:32] or "", "error_message": bad, "ignore_blank": True}
    lo = spec.min if isinstance(spec.min, (int, float)) else None
    hi = spec.max if isinstance(spec.max, (int, float)) else None
    if spec.type == "enum":
        source: Any = list_ref or list(spec.values or [])
        return {**base, "validate": "list", "source": source}
    if spec.type == "bool":
        return {**base, "validate": "list", "source": ["是", "否"]}
    if spec.type == "count":
        lo = max(lo or 0, 0)
        if hi is None:
            return {**base, "validate": "integer", "criteria": ">=", "value": lo}
        return {**base, "validate": "integer", "criteria": "between", "minimum": lo, "maximum": hi}
    if spec.type == "rate":
        return {**base, "validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1}
    if spec.type == "number":
        return {**base, "validate": "decimal", "criteria": "between",
                "minimum": lo if lo is not None else -1e15, "maximum": hi if hi is not None else 1e15}
    return None


def _workbook(rubric: Rubric, cols: list[Column], rows: list[dict[str, str]]) -> bytes:
    import xlsxwriter  # type: ignore[import-untyped]

    m = rubric.model
    info = m.rubric
    zh = _chinese(m)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    form = book.add_worksheet("填报表" if zh else "evidence")
    guide = book.add_worksheet("填报说明" if zh else "instructions")
    lists = book.add_worksheet("lists")
    lists.hide()
    head = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1})
    text = book.add_format({"num_format": "@"})
    formats = {"rate": book.add_format({"num_format": "0.0%"}), "count": book.add_format({"num_format": "0"}),
               "number": book.add_format({"num_format": "#,##0.##"}), "text": text, "enum": text, "bool": text}
    last_row = max(ROWS_VALIDATED, len(rows) + 200)
    list_col = 0
    for j, col in enumerate(cols):
        form.write_string(0, j, col.header, head)
        spec = col.spec
        form.set_column(j, j, max(10, min(40, len(col.header) * 2 + 2)), formats[spec.type] if spec else text)
        if spec is None:
            if col.target == headers.PERIOD and info.periods:
                form.data_validation(1, j, last_row, j, {"validate": "list", "source": list(info.periods),
                                                         "ignore_blank": True})
            if col.target == headers.STAGE and m.stages is not None:  # the first label of each stage
                labels = [(m.stages.self_labels or ["self"])[0], (m.stages.review_labels or ["review"])[0]]
                form.data_validation(1, j, last_row, j, {"validate": "list", "source": labels, "ignore_blank": True})
            continue
        ref = None
        if spec.type == "enum" and len(",".join(spec.values or [])) > 250:
            # Excel's inline list holds 255 characters; a longer list lives on the hidden sheet.
            for k, value in enumerate(spec.values or []):
                lists.write_string(k, list_col, value)
            letter = xlsxwriter.utility.xl_col_to_name(list_col)
            ref = f"=lists!${letter}$1:${letter}${len(spec.values or [])}"
            list_col += 1
        rule = _validation(spec, zh, ref)
        if rule is not None:
            prompt = f"{TYPE_NAMES[spec.type] if zh else spec.type}{'，' if zh else ', '}{spec.unit}".rstrip("，, ")
            rule.update(input_title=col.header[:32], input_message=prompt[:255])
            form.data_validation(1, j, last_row, j, rule)
    for i, row in enumerate(rows, start=1):
        for j, col in enumerate(cols):
            value = row.get(col.target, "")
            if value:
                form.write_string(i, j, value)
    form.freeze_panes(1, 1 + sum(c.spec is None for c in cols[1:]))
    form.autofilter(0, 0, max(len(rows), 1), len(cols) - 1)

    readers = _readers(rubric)
    titles = (["列标题", "字段", "类型", "单位", "允许的值", "缺失时", "读取它的指标"] if zh else
              ["header", "field", "type", "unit", "allowed values", "when blank", "read by"])
    intro = (f"{info.title}（{info.id} {info.version}）：在「{form.name}」表每行填一个{_unit_word(m)}"
             f"{'的一个考核期' if any(c.target == headers.PERIOD for c in cols) else ''}，"
             "列标题不要改动；填好后运行 scoring run " f"{info.id} 本文件.xlsx" if zh else
             f"{info.title} ({info.id} {info.version}): one row per {info.unit} on sheet {form.name!r}; "
             f"keep the headers; then run: scoring run {info.id} this-file.xlsx")
    guide.write_string(0, 0, intro)
    for j, t in enumerate(titles):
        guide.write_string(2, j, t, head)
    guide.set_column(0, 0, 28)
    guide.set_column(1, 1, 22)
    guide.set_column(2, 6, 18)
    r = 3
    for col in cols:
        spec = col.spec
        if spec is None:
            what = {headers.ID: ("编号，每行必填" if zh else "unit id, required"),
                    headers.PERIOD: _periods_text(info, zh),
                    headers.PARENT: ("所属单位的编号(成员行)" if zh else "the unit a member row belongs to"),
                    headers.STAGE: ("自评 或 复评(每个单位各一行)" if zh else "self or review (a row each)"),
                    headers.RATER: ("评分人姓名(每位评分人一行)" if zh else "the rater's name (a row each)"),
                    }[col.target]
            name = {headers.ID: info.id_column, headers.PERIOD: info.period_column,
                    headers.PARENT: info.parent_column, headers.STAGE: m.stages.column if m.stages else "",
                    headers.RATER: m.raters.column if m.raters else ""}[col.target]
            cells = [col.header, name, what, "", "", "", ""]
        else:
            allowed = "、".join(spec.values or []) if spec.type == "enum" else ("是/否" if spec.type == "bool" else "")
            bounds = [f"≥ {spec.min}" if spec.min is not None else "", f"≤ {spec.max}" if spec.max is not None else ""]
            allowed = allowed or " ".join(b for b in bounds if b)
            optional = col.target in rubric.optional_fields
            missing = ("可不填" if zh else "optional") if optional else (MISSING_NAMES if zh else MISSING_WORDS)[spec.missing]
            cells = [col.header, col.target, TYPE_NAMES[spec.type] if zh else spec.type, spec.unit, allowed, missing,
                     ", ".join(readers.get(col.target, []))]
        for j, value in enumerate(cells):
            guide.write_string(r, j, str(value))
        r += 1
    book.close()
    return without_recalculation(buffer.getvalue())  # the form holds no formula to recalculate


def _periods_text(info: RubricInfo, zh: bool) -> str:
    if not zh:
        return describe_periods(info)
    if info.periods:
        return "考核期，填其一：" + "、".join(info.periods)
    if info.period_pattern:
        return "考核期，形如 " + "、".join(example_labels(info, 2))
    return "考核期"


def _unit_word(model: RubricModel) -> str:
    return {"enterprise": "企业", "teacher": "教师", "education group": "教育集团", "member unit": "单位"}.get(
        model.rubric.unit, model.rubric.unit)
