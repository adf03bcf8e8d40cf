"""The plain-workbook fast path reads exactly what the careful path reads, or declines.

`scoring.fast_workbook.plain_workbook_evidence` answers only for plain, valid
.xlsx sheets; for anything else it returns None and the careful path (the
workbook loader's cells typed by `scoring.evidence.type_table`) reads the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xlsxwriter
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import scoring
from scoring.evidence import Evidence, type_table
from scoring.fast_workbook import plain_workbook_evidence
from scoring.testing import from_rubric, rubrics
from scoring_std.workbook import read_workbook
from tests.enterprise_plain import plain_text
from tests.test_fast_csv import assert_same

ENGINE = scoring.Engine()
RUBRIC = ENGINE.load_rubric("enterprise-safety-target")


def careful(rubric: scoring.Rubric, path: Path, data: bytes, sheet: str | None = None) -> Evidence:
    # As the engine types a workbook: the loader's cells, the rubric's member and optional fields, its checks.
    return type_table(read_workbook(path, data, sheet), rubric.model, source=str(path), data=data,
                      member_fields=rubric.member_fields, optional=rubric.optional_fields,
                      checks=ENGINE._row_checks(rubric))


def agrees_or_declines(rubric: scoring.Rubric, path: Path, data: bytes, fast: Evidence | None,
                       sheet: str | None = None) -> None:
    """tests/test_fast_csv.py's check, against the workbook's careful path."""
    from tests.test_fast_csv import agrees_or_declines as check

    check(rubric, path, data, fast, lambda r, p, d: careful(r, p, d, sheet))


Cell = Any  # a value, or ("number-as-text", str), ("date", date), ("bool", bool), ("formula", str)


def workbook(header: list[str], rows: list[list[Cell]], *, title: bool = False, merged: bool = False,
             second_sheet: bool = False, first: str = "Sheet1", at: tuple[int, int] = (0, 0)) -> bytes:
    """The rows as xlsxwriter writes them: floats as numbers, str as text, tagged cells as their kind."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(first)
    dated = book.add_format({"num_format": "yyyy-mm-dd"})
    top, left = at
    if title:
        sheet.write_string(top, left, "2026年度考核汇总表")
        top += 1
    sheet.write_row(top, left, header)
    for i, row in enumerate(rows, start=top + 1):
        for j, value in enumerate(row, start=left):
            _write_cell(sheet, i, j, value, dated)
    if merged:
        # As xlsxwriter documents for a value of any kind: merge over a blank, then write the first cell.
        sheet.merge_range(top + 1, 0, top + 2, 0, "")
        if rows:
            _write_cell(sheet, top + 1, 0, rows[0][0], dated)
    if second_sheet:
        book.add_worksheet("其他").write_row(0, 0, header)
    book.close()
    return out.getvalue()


def _write_cell(sheet: Any, i: int, j: int, value: Cell, dated: Any) -> None:
    if value is None:
        return
    if isinstance(value, tuple):
        kind, item = value
        if kind == "text":
            sheet.write_string(i, j, item)
        elif kind == "date":
            sheet.write_datetime(i, j, item, dated)
        elif kind == "bool":
            sheet.write_boolean(i, j, item)
        elif kind == "formula":
            sheet.write_formula(i, j, item)
    elif isinstance(value, bool):
        sheet.write_boolean(i, j, value)
    elif isinstance(value, (int, float)):
        sheet.write_number(i, j, value)
    else:
        sheet.write_string(i, j, value)


def sample_rows(numbers: bool = True) -> tuple[list[str], list[list[Cell]]]:
    """The plain enterprise sample (tests/enterprise_plain.py) as sheet rows, figures as numbers."""
    header, *lines = list(csv.reader(io.StringIO(plain_text())))
    numeric = {f for f, s in RUBRIC.model.fields.items() if s.numeric}
    rows = [[(float(v) if numbers and h in numeric and v else (v or None)) for h, v in zip(header, line)]
            for line in lines]
    return header, rows


def test_a_plain_workbook_takes_the_fast_path_and_reads_as_the_careful_path(tmp_path: Path) -> None:
    header, rows = sample_rows()
    data = workbook(header, rows)
    path = tmp_path / "evidence.xlsx"
    fast = plain_workbook_evidence(RUBRIC, path, data)
    assert fast is not None
    assert_same(fast, careful(RUBRIC, path, data))
    assert fast.notes == careful(RUBRIC, path, data).notes
    # Through the engine too, and for a .xlsm the same.
    assert_same(ENGINE.load_evidence(RUBRIC, _written(path, data)), fast)
    macro = _written(tmp_path / "evidence.xlsm", data)
    assert_same(ENGINE.load_evidence(RUBRIC, macro), careful(RUBRIC, macro, data))
    assert plain_workbook_evidence(RUBRIC, macro, data) is not None


def _written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_a_second_sheet_gives_the_careful_paths_note_and_sheet_picks_the_same_sheet(tmp_path: Path) -> None:
    header, rows = sample_rows()
    data = workbook(header, rows, second_sheet=True)
    path = tmp_path / "evidence.xlsx"
    fast = plain_workbook_evidence(RUBRIC, path, data)
    assert fast is not None and fast.notes and "of 2" in fast.notes[0]
    agrees_or_declines(RUBRIC, path, data, fast)
    # The second sheet (a header and no rows) is not plain evidence: declined; a sheet not there too.
    assert plain_workbook_evidence(RUBRIC, path, data, sheet="其他") is None
    assert plain_workbook_evidence(RUBRIC, path, data, sheet="nope") is None
    named = plain_workbook_evidence(RUBRIC, path, data, sheet="Sheet1")
    assert named is not None and named.notes == fast.notes


def _variant(how: str) -> tuple[bytes, dict[str, Any]]:
    header, rows = sample_rows()
    kw: dict[str, Any] = {}
    numeric = [k for k, h in enumerate(header) if RUBRIC.model.fields.get(h) is not None
               and RUBRIC.model.fields[h].numeric]
    text = [k for k, h in enumerate(header) if h in RUBRIC.model.fields and not RUBRIC.model.fields[h].numeric]
    j, t = numeric[0], text[0]
    if how == "number stored as text":
        rows[1][j] = ("text", "12")
    elif how == "text in a number column":
        rows[1][j] = "abc"
    elif how == "thousands separator as text":
        rows[1][j] = "1,234"
    elif how == "number in the id column":
        rows[1][0] = 12.0
    elif how == "number in a text column":
        rows[1][t] = 12.0
    elif how == "date in a text column":
        rows[1][t] = ("date", dt.datetime(2026, 3, 1))
    elif how == "date in a number column":
        rows[1][j] = ("date", dt.datetime(2026, 3, 1))
    elif how == "bool in a text column":
        rows[1][t] = ("bool", True)
    elif how == "title row above the header":
        kw["title"] = True
    elif how == "blank row":
        rows.insert(2, [None] * len(header))
    elif how == "merged cells":
        kw["merged"] = True
    elif how == "extra column with data":
        rows[1].append("备注")
    elif how == "blank around text":
        rows[1][t] = " " + str(rows[1][t]) + " "
    elif how == "formula":
        rows[1][j] = ("formula", "=1+1")
    elif how == "negative figure refused by the checks":
        rows[1][j] = -3.0
    elif how == "number written with an exponent":
        rows[1][j] = 1e20
    elif how == "header in row 2":
        kw["at"] = (1, 0)
    elif how == "header from column B":
        kw["at"] = (0, 1)
    elif how == "header with a blank":
        header[1] = header[1] + " "
    else:  # pragma: no cover
        raise AssertionError(how)
    return workbook(header, rows, **kw), kw


DECLINED = ["number stored as text", "text in a number column", "thousands separator as text",
            "number in the id column", "number in a text column", "date in a text column",
            "date in a number column", "bool in a text column", "title row above the header", "blank row",
            "merged cells", "extra column with data", "blank around text", "formula",
            "negative figure refused by the checks", "number written with an exponent", "header with a blank",
            "header in row 2", "header from column B"]


@pytest.mark.parametrize("how", DECLINED)
def test_a_workbook_that_needs_care_is_declined(how: str, tmp_path: Path) -> None:
    data, _ = _variant(how)
    path = tmp_path / "evidence.xlsx"
    assert plain_workbook_evidence(RUBRIC, path, data) is None, how
    agrees_or_declines(RUBRIC, path, data, None)


@pytest.mark.parametrize("column", ["name", "hazard_found_on"])
def test_an_error_cell_is_declined(column: str, tmp_path: Path) -> None:
    # fastexcel reads #DIV/0! as a blank cell, in a column of text or of numbers; what the careful path
    # makes of an error cell is its business (a python-calamine version may read it otherwise): declined.
    header, rows = sample_rows()
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, header)
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, row)
    sheet.write_formula(1, header.index(column), "=1/0", None, "#DIV/0!")
    book.close()
    data = out.getvalue()
    path = tmp_path / "e.xlsx"
    assert plain_workbook_evidence(RUBRIC, path, data) is None
    # Without the formula (a sheet saved with its values only), the error cell alone declines.
    data = _rewritten(data, lambda xml: xml.replace(b"<f>1/0</f>", b""))
    assert plain_workbook_evidence(RUBRIC, path, data) is None
    agrees_or_declines(RUBRIC, path, data, None)


def _rewritten(data: bytes, change: Any) -> bytes:
    """The workbook with its first sheet's XML changed by `change`."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            part = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                changed = change(part)
                assert changed != part
                part = changed
            dst.writestr(item, part)
    return out.getvalue()


def test_a_negative_zero_reads_as_the_careful_paths_zero(tmp_path: Path) -> None:
    header, rows = sample_rows()
    numeric = next(k for k, h in enumerate(header) if h in RUBRIC.model.fields and RUBRIC.model.fields[h].numeric)
    for row in rows:
        if row[numeric] == 0.0:
            row[numeric] = -0.0
    data = workbook(header, rows)
    path = tmp_path / "evidence.xlsx"
    fast = plain_workbook_evidence(RUBRIC, path, data)
    assert fast is not None
    slow = careful(RUBRIC, path, data)
    assert_same(fast, slow)
    for name, column in fast.columns.items():
        if column.dtype.kind == "f":
            assert (np.signbit(column) == np.signbit(slow.columns[name])).all(), name


_DRESSES = ["as-is", "number-as-text", "blank", "date", "bool", "padded", "key-number", "exponent", "negative-zero"]


# Each way a sheet may need care is drawn one time in four, so that plain sheets (the fast path's) are drawn too.
_SOMETIMES = st.sampled_from([False, False, False, True])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), rubric=rubrics(ENGINE),
       words=st.sampled_from([("是", "否"), ("true", "false"), ("1", "0")]),
       title=_SOMETIMES, merged=_SOMETIMES, second=_SOMETIMES,
       dresses=st.lists(st.sampled_from(_DRESSES), max_size=3))
def test_fast_path_agrees_or_declines_on_any_workbook(
    data: st.DataObject, rubric: scoring.Rubric, words: tuple[str, str], title: bool, merged: bool,
    second: bool, dresses: list[str], tmp_path_factory: pytest.TempPathFactory,
) -> None:
    rows = data.draw(from_rubric(rubric, units=(1, 8)))
    info = rubric.model.rubric
    keys = {info.id_column, info.period_column, info.parent_column}
    names: list[str] = [info.id_column]
    for row in rows:
        names += [k for k in row if k not in names]
    if data.draw(_SOMETIMES, label="extra column"):
        names.append("备注")
    numeric = {f for f, s in rubric.model.fields.items() if s.numeric}
    out_rows: list[list[Cell]] = []
    for row in rows:
        line: list[Cell] = []
        for name in names:
            value = row.get(name)
            dress = data.draw(st.sampled_from(["as-is"] * 8 + dresses), label="dress")
            if name == "备注":
                value = data.draw(st.sampled_from([None, "说明"]))
            if dress == "blank":
                value = None
            elif isinstance(value, bool):
                value = (("bool", value) if dress == "bool" else words[0] if value else words[1])
            elif isinstance(value, float):
                if dress == "number-as-text":
                    value = ("text", repr(value))
                elif dress == "exponent":
                    value = value * 1e20
                elif dress == "negative-zero":
                    value = -0.0
            elif isinstance(value, str):
                if dress == "date" and name not in numeric:
                    value = ("date", dt.datetime(2026, 1, 2))
                elif dress == "padded":
                    value = " " + value
                elif dress == "key-number" and name in keys:
                    value = 12.0
            line.append(value)
        out_rows.append(line)
    if data.draw(_SOMETIMES, label="blank row") and out_rows:
        out_rows.insert(data.draw(st.integers(0, len(out_rows)), label="at"), [None] * len(names))
    if data.draw(_SOMETIMES, label="formula") and out_rows and len(names) > 1:
        out_rows[0][1] = ("formula", "=1+1")
    raw = workbook(names, out_rows, title=title, merged=merged and len(out_rows) > 1, second_sheet=second)
    path = tmp_path_factory.mktemp("fastbook") / "evidence.xlsx"
    fast = plain_workbook_evidence(rubric, path, raw)
    event(f"fast={fast is not None}")
    agrees_or_declines(rubric, path, raw, fast)


def test_a_workbook_scores_as_the_same_data_as_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """End to end, the real command: the sample as .xlsx (figures as numbers, on the fast path) and as
    .csv give the same output bytes, but for the evidence's name and digest."""
    from tests.test_cli import scoring_cli

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764460800")
    header, rows = sample_rows()
    for row in rows:  # a column with no cell at all (fastexcel cannot tell its type, and says so in a log)
        row[header.index("name")] = None
    book = tmp_path / "evidence.xlsx"
    book.write_bytes(workbook(header, rows))
    text = tmp_path / "evidence.csv"
    lines = io.StringIO()
    csv.writer(lines, lineterminator="\n").writerows([header, *[["" if v is None else v for v in row] for row in rows]])
    text.write_text(lines.getvalue(), encoding="utf-8")
    assert plain_workbook_evidence(RUBRIC, book, book.read_bytes()) is not None
    outputs = []
    for path in (book, text):
        written = tmp_path / f"{path.suffix[1:]}.json"
        done = scoring_cli("run", "enterprise-safety-target", str(path), "-o", str(written))
        assert done.returncode == 0, done.stderr
        assert "dtype" not in done.stderr and "fastexcel" not in done.stderr  # the library prints nothing
        outputs.append(written.read_text(encoding="utf-8"))
    import hashlib
    xlsx_out = outputs[0].replace(str(book), "EVIDENCE").replace(hashlib.sha256(book.read_bytes()).hexdigest(), "SHA")
    csv_out = outputs[1].replace(str(text), "EVIDENCE").replace(hashlib.sha256(text.read_bytes()).hexdigest(), "SHA")
    assert xlsx_out == csv_out


def test_the_readers_log_is_not_printed(tmp_path: Path) -> None:
    """A sheet whose <dimension> is nonsense makes calamine log a warning, which Python printed on
    stderr when nothing set up logging (found by review): the library prints nothing."""
    import subprocess
    import sys
    import zipfile

    header, rows = sample_rows()
    book = tmp_path / "dimension.xlsx"
    book.write_bytes(_with_sheet_xml(workbook(header, rows), lambda xml: re.sub(
        rb'<dimension ref="[^"]*"/>', b'<dimension ref="ZZZZZZ1:A1"/>', xml)))
    assert b"ZZZZZZ1" in zipfile.ZipFile(book).read("xl/worksheets/sheet1.xml")
    done = subprocess.run([sys.executable, "-m", "scoring", "run", "enterprise-safety-target", str(book),
                           "-o", str(tmp_path / "r.csv"), "--quiet"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "maximum number of columns" not in done.stderr
    assert [line for line in done.stderr.splitlines() if not line.startswith(("warning:", "rows: "))] == []


def _with_sheet_xml(data: bytes, change: Any) -> bytes:
    """The workbook with its sheets' XML changed by `change`."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            part = src.read(item)
            dst.writestr(item, change(part) if item.filename.startswith("xl/worksheets/") else part)
    return out.getvalue()


def test_a_drop_down_list_from_another_sheet_keeps_the_fast_path(tmp_path: Path) -> None:
    """Excel keeps a list drawn from another sheet as `<xm:f>` after the cells (the extension list), as
    bureau templates have them: no cell's formula, so the sheet is still plain (found by review)."""
    from tests.test_workbook_formulas import X14_LIST

    header, rows = sample_rows()
    data = _with_sheet_xml(workbook(header, rows), lambda xml: xml.replace(b"</worksheet>", X14_LIST + b"</worksheet>"))
    path = _written(tmp_path / "listed.xlsx", data)
    fast = plain_workbook_evidence(RUBRIC, path, data)
    assert fast is not None
    assert_same(fast, careful(RUBRIC, path, data))
    # A formula in a cell is still declined, wherever the chunks cut the sheet.
    in_cell = _with_sheet_xml(data, lambda xml: xml.replace(b"<v>", b"<f>1+1</f><v>", 1))
    assert plain_workbook_evidence(RUBRIC, path, in_cell) is None
