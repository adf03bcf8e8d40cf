"""The built-in writers. JSON is the archive (everything, for programs and for
`scoring render`); CSV, Markdown, Excel and HTML are reports for people, made
from a `Report` so they can be remade from a saved JSON result."""

from __future__ import annotations

import json

from scoring.plugin import Result, Writer

from .csv_report import write_csv
from .html_report import write_html
from .md_report import write_markdown
from .xlsx_report import write_xlsx


def write_json(result: Result) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


WRITERS: tuple[Writer, ...] = (
    Writer("json", ".json", write_json, "the whole result, with provenance and rejected rows; `scoring render` reads it"),
    Writer("csv", ".csv", summary="one row per unit: rank, id, name, score, grade, dimensions, vetoes, "
           "consequence amounts, reason (UTF-8 with BOM)", report=write_csv),
    Writer("md", ".md", summary="a Markdown report: ranking, members, grades, consequences, rejected rows",
           report=write_markdown),
    Writer("xlsx", ".xlsx", summary="an Excel workbook: 排名, 扣分明细, 奖惩, 否决, 未评, 说明", report=write_xlsx),
    Writer("html", ".html", summary="a self-contained HTML report with charts, filters and each unit's "
           "explanation; prints on A4", report=write_html),
)
