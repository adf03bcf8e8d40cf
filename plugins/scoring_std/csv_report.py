"""The CSV writer: one row per unit, for Excel/WPS and for programs.

Headers are the rubric's titles in its language (`--headers ids` for ids),
numbers at the rubric's precision, — where an item does not apply, one column
per consequence with its amount, and a byte-order mark by default so Excel on
Chinese Windows opens the file as UTF-8 (`--no-bom` for programs). Text cells
that a spreadsheet would run as a formula are escaped (see scoring.report.escape).
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from scoring.plugin import Report
from scoring.plugin import csv_body, csv_text, csv_texts
from scoring.plugin import Column, ranking_columns
from scoring.plugin import WriteOptions


def csv_table(columns: list[Column], options: WriteOptions) -> str:
    """Columns as CSV text, each column formatted whole before the rows are joined: in Arrow
    (`csv_body`) unless a cell needs quoting, then by the csv module."""
    out = io.StringIO()
    if options.bom:
        out.write("\ufeff")
    w = csv.writer(out, lineterminator="\n")
    w.writerow([csv_text(c.header(options.headers == "ids")) for c in columns])
    body = csv_body(columns)
    if body is not None:
        return out.getvalue() + body
    cells = []
    for c in columns:
        if c.kind == "text":
            cells.append(csv_texts(c.texts()))
        else:
            cells.append(c.texts())
    out.write(csv_rows(cells, w))
    return out.getvalue()


_NEEDS_QUOTES = re.compile('[,"\r\n]')


def csv_rows(columns: list[list[str]], writer: Any) -> str:
    """The rows of `columns` as `writer.writerows` writes them (comma, minimal quoting, "\n").

    When no cell holds a comma, a quote or a line break (the common case, found
    with one search per column) that is each row's cells joined by commas; else
    the CSV module quotes them."""
    if len(columns) > 1 and not any(_NEEDS_QUOTES.search("".join(c)) for c in columns):
        return "".join(",".join(row) + "\n" for row in zip(*columns))
    buffer = io.StringIO()
    csv.writer(buffer, dialect=writer.dialect).writerows(zip(*columns))
    return buffer.getvalue()


def write_csv(report: Report, options: WriteOptions) -> str:
    return csv_table(ranking_columns(report), options)
