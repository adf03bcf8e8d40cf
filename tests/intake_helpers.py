"""Fixtures made in the tests (no committed binaries): workbooks, GBK files and frames from the bundled samples."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import scoring
from scoring import headers
from scoring.plan import Rubric
from scoring.template import form_columns


def sample_rows(rubric: Rubric) -> list[dict[str, str]]:
    assert rubric.sample is not None
    with open(rubric.sample, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def key_name(rubric: Rubric, target: str) -> str:
    info, model = rubric.model.rubric, rubric.model
    return {headers.ID: info.id_column, headers.PERIOD: info.period_column, headers.PARENT: info.parent_column,
            headers.RATER: model.raters.column if model.raters else "",
            headers.STAGE: model.stages.column if model.stages else ""}.get(target, target)


def chinese_table(rubric: Rubric) -> tuple[list[str], list[list[str]]]:
    """The bundled sample with the form's headers (field titles), as text cells."""
    cols = form_columns(rubric)
    rows = sample_rows(rubric)
    return [c.header for c in cols], [[row.get(key_name(rubric, c.target), "") for c in cols] for row in rows]


def write_xlsx(path: Path, rubric: Rubric, *, title_row: bool = False, numbers: bool = True,
               header: list[str] | None = None, body: list[list[str]] | None = None, sheet: str = "Sheet1",
               extra_sheet_first: bool = False) -> Path:
    """A workbook as a person would fill it: numbers as numbers, text as text, optionally a title row above."""
    import xlsxwriter

    if header is None or body is None:
        head, rows = chinese_table(rubric)
    head, rows = header or head, body if body is not None else rows
    specs = {c.header: c.spec for c in form_columns(rubric)}
    book = xlsxwriter.Workbook(str(path))
    if extra_sheet_first:
        book.add_worksheet("封面").write(0, 0, "封面")
    ws = book.add_worksheet(sheet)
    top = 0
    if title_row:
        ws.merge_range(0, 0, 0, max(len(head) - 1, 1), f"{rubric.title} 汇总表")
        top = 1
    for j, h in enumerate(head):
        ws.write_string(top, j, h)
    for i, row in enumerate(rows, start=top + 1):
        for j, value in enumerate(row):
            spec = specs.get(head[j])
            if value == "":
                continue
            if numbers and spec is not None and spec.numeric:
                try:
                    ws.write_number(i, j, float(value))
                    continue
                except ValueError:
                    pass
            ws.write_string(i, j, value)
    book.close()
    return path


def scores(result: scoring.Result) -> list[tuple[str, Any, Any]]:
    return [(u.id, u.score, u.grade) for u in result.units()]
