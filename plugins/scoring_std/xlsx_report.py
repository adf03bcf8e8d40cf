"""The Excel writer: a workbook a bureau can file, sort and print.

Sheets, always in this order: 排名 (ranking), 扣分明细 (every item that lost
points), 奖惩 (each granted consequence, then totals per consequence and pool),
会议决定 (committee decisions: the rules' outcome beside what stands, reason, who
and when) and 复核更正 (amendments), each only when the run had any, 否决 (vetoes), 未评 (rejected rows), 说明 (provenance), then any extra sections
(`Report.extra`, e.g. indicator statistics). Names follow the rubric's language.

Numbers are stored as numbers with the rubric's precision as the cell format,
so Excel sums and sorts them; — marks an item that does not apply. Headers are
frozen and filterable, widths fitted to the text (a CJK character counts two),
and pages print landscape, one page wide, with the header row repeated.

Written with XlsxWriter: well kept, pure Python, and it never writes a string
as a formula (a unit id "=1+1" stays text). The file's timestamps come from the
result's run time, so the same result gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from typing import Any

from scoring.plugin import UsageError
from scoring.plugin import Report, member_rows, panel_rows
from scoring.plugin import (
    NA,
    Column,
    about_rows,
    amendment_rows,
    override_rows,
    consequence_rows,
    consequence_totals,
    deduction_rows,
    extra_columns,
    ranking_columns,
    rejected_rows,
    veto_rows,
)
from scoring.plugin import WriteOptions

EXCEL_ROWS = 1_048_576
WIDTH_SAMPLE = 2000  # rows looked at to fit a column's width
MAX_WIDTH = 60


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class _Book:
    def __init__(self, report: Report) -> None:
        import xlsxwriter  # type: ignore[import-untyped]  # a dependency of scoring; imported here to keep `import scoring` light

        self.out = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.out, {"in_memory": True, "strings_to_formulas": False,
                                                 "strings_to_urls": False, "strings_to_numbers": False})
        created = dt.datetime.strptime(str(report.meta["created"]), "%Y-%m-%d %H:%M:%S UTC")
        self.wb.set_properties({"title": str(report.meta["title"]), "created": created,
                                "comments": "scoring " + str(report.header["engine"]["version"])})
        self.head = self.wb.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True,
                                        "valign": "vcenter"})
        self.na = self.wb.add_format({"align": "center", "font_color": "#777777"})
        self.formats: dict[str, Any] = {}

    def number_format(self, col: Column) -> Any:
        digits = "0" if col.places == 0 else "0." + "0" * col.places
        code = {"int": "0", "amount": "#,##0.00", "percent": digits + "%"}.get(col.kind) or digits
        if code not in self.formats:
            self.formats[code] = self.wb.add_format({"num_format": code})
        return self.formats[code]

    def sheet(self, name: str, columns: list[Column], ids: bool = False, freeze_cols: int = 0) -> Any:
        ws = self.wb.add_worksheet(name)
        self.table(ws, 0, columns, ids)
        ws.freeze_panes(1, freeze_cols)
        n = len(columns[0].values) if columns else 0
        if columns:
            ws.autofilter(0, 0, max(n, 1), len(columns) - 1)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)
        return ws

    def table(self, ws: Any, top: int, columns: list[Column], ids: bool = False) -> int:
        for c, col in enumerate(columns):
            header = col.header(ids)
            ws.write_string(top, c, header, self.head)
            fmt = self.number_format(col) if col.kind != "text" else None
            width = _width(header)
            for r, value in enumerate(col.values, start=top + 1):
                if value is None or value == "":
                    continue
                if value is NA:
                    ws.write_string(r, c, "—", self.na)
                elif col.kind == "text" and isinstance(value, (int, float)) and not isinstance(value, bool):
                    ws.write_number(r, c, float(value))  # a figure among text (an indicator's value)
                    if r - top <= WIDTH_SAMPLE:
                        width = max(width, len(f"{value:g}"))
                elif col.kind == "text":
                    ws.write_string(r, c, str(value))
                    if r - top <= WIDTH_SAMPLE:
                        width = max(width, _width(str(value)))
                else:
                    ws.write_number(r, c, float(value), fmt)
                    if r - top <= WIDTH_SAMPLE:
                        width = max(width, len(f"{value:,.{col.places}f}") if col.kind != "int" else len(str(value)))
            ws.set_column(c, c, min(width + 2, MAX_WIDTH))
        return top + 1 + (len(columns[0].values) if columns else 0)

    def close(self) -> bytes:
        self.wb.close()
        return self.out.getvalue()


def fit_rows(columns: list[Column], note: str) -> list[Column]:
    """At most what one sheet holds; a last row says how many rows were left out (see the CSV or JSON)."""
    n = len(columns[0].values) if columns else 0
    keep = EXCEL_ROWS - 2  # the header, and the note
    if n <= keep:
        return columns
    cut = [Column(c.id, c.title, c.kind, c.values[:keep], c.places) for c in columns]
    cut[0].values.append(note.format(rows=n - keep))
    for c in cut[1:]:
        c.values.append(None)
    return cut


def write_xlsx(report: Report, options: WriteOptions) -> bytes:
    if report.n + 1 > EXCEL_ROWS:
        raise UsageError(f"{report.n:,} units do not fit one Excel sheet ({EXCEL_ROWS:,} rows); "
                         "write CSV, JSON or Parquet instead")
    lab = report.labels
    ids = options.headers == "ids"
    book = _Book(report)
    ranking = ranking_columns(report)
    book.sheet(lab["sheet_ranking"], ranking, ids, freeze_cols=3 if report.has_names else 2)
    book.sheet(lab["sheet_deductions"], fit_rows(deduction_rows(report), lab["more_rows"]), ids, freeze_cols=0)
    ws = book.sheet(lab["sheet_consequences"], consequence_rows(report), ids)
    if report.meta["consequences"]:
        # Totals per consequence and pool, below the granted rows after one blank row.
        book.table(ws, report.granted.sum() + 2, consequence_totals(report), ids)
    if report.overrides:
        book.sheet(lab["sheet_decisions"], override_rows(report), ids)
    if report.amendments:
        book.sheet(lab["sheet_amendments"], amendment_rows(report), ids)
    book.sheet(lab["sheet_vetoes"], veto_rows(report), ids)
    if report.details.has_panels:
        # Every rater's figure for each rated item and period, beside the combined one (评分组).
        book.sheet(lab["ex_sec_panel"], fit_rows(panel_rows(report), lab["more_rows"]), ids)
    if any(report.details.members):
        # One row per member (a school under its group), with its own result when the rubric gives one.
        book.sheet(lab["sheet_members"], fit_rows(member_rows(report), lab["more_rows"]), ids)
    book.sheet(lab["sheet_rejected"], rejected_rows(report), ids)
    about = about_rows(report)
    book.sheet(lab["sheet_about"], [Column("key", lab["about_key"], "text", [k for k, _ in about]),
                                    Column("value", lab["about_value"], "text", [v for _, v in about])])
    for k, table in enumerate(report.extra):
        cols = extra_columns(table)  # shares stay numbers, formatted as percentages (0.0%)
        name = "".join(ch for ch in table.title if ch not in "[]:*?/\\")[:28] or f"extra{k + 1}"
        book.sheet(name, cols)
    return book.close()
