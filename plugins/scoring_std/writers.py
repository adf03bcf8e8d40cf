"""The built-in writers. JSON is the archive (everything, for programs and for
`scoring render`); CSV, Markdown, Excel and HTML are reports for people, made
from a `Report` so they can be remade from a saved JSON result."""

from __future__ import annotations

from typing import BinaryIO

from scoring.plugin import (
    Result, Writer, document_json, document_parts, jsonl_lines, parquet_bytes, write_parts,
)

from .csv_report import write_csv
from .html_report import write_html
from .md_report import write_markdown
from .xlsx_report import write_xlsx


def write_json(result: Result) -> str:
    return document_json(result)


def stream_json(result: Result, handle: BinaryIO) -> None:
    write_parts(document_parts(result), handle)


def write_jsonl(result: Result) -> str:
    return b"".join(jsonl_lines(result)).decode("utf-8")


def stream_jsonl(result: Result, handle: BinaryIO) -> None:
    write_parts(jsonl_lines(result), handle)


def write_parquet(result: Result) -> bytes:
    return parquet_bytes(result)


WRITERS: tuple[Writer, ...] = (
    Writer("json", ".json", write_json, "the whole result, with provenance and rejected rows; `scoring render` reads it",
           stream=stream_json),
    Writer("jsonl", ".jsonl", write_jsonl, "one unit per line (JSON Lines), as in the JSON result; streamable",
           stream=stream_jsonl),
    Writer("parquet", ".parquet", write_parquet,
           "one row per unit: score, grade, rank, points, vetoes, consequences; rejected rows in its metadata"),
    Writer("csv", ".csv", summary="one row per unit: rank, id, name, score, grade, dimensions, vetoes, "
           "consequence amounts, reason (UTF-8 with BOM)", report=write_csv),
    Writer("md", ".md", summary="a Markdown report: ranking, members, grades, consequences, rejected rows",
           report=write_markdown),
    Writer("xlsx", ".xlsx", summary="an Excel workbook: 排名, 扣分明细, 奖惩, 否决, 未评, 说明", report=write_xlsx),
    Writer("html", ".html", summary="a self-contained HTML report with charts, filters and each unit's "
           "explanation; prints on A4", report=write_html),
)
