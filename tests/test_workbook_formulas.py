"""Formula cells a spreadsheet never computed are refused by name, not read as blank or 0.

A workbook written by xlsxwriter stores 0 for each formula (and asks Excel to
recalculate on opening); one written by openpyxl stores no value. Excel shows the
right figure, so the person who sent it cannot see why the score is wrong. Excel,
WPS and LibreOffice store the value they computed: such workbooks read as before.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from scoring.errors import EvidenceError
from scoring.overrides import load_decisions
from scoring.workbook_formulas import SHOWN, _formulas, uncalculated_formulas
from tests.enterprise_plain import plain_rows
from tests.test_reports import scoring_cli

xlsxwriter = pytest.importorskip("xlsxwriter")
openpyxl = pytest.importorskip("openpyxl")

RUBRIC = "enterprise-safety-target"




def xlsxwriter_book(path: Path, formulas: dict[tuple[int, str], str], *, computed: dict[tuple[int, str], float] | None = None,
                    sheets: tuple[str, ...] = ("Sheet1",), formula_sheet: int = 0) -> Path:
    """The sample as an xlsxwriter workbook, with `formulas` at (row, field); `computed` gives the value
    stored with a formula (xlsxwriter's default is 0)."""
    table = plain_rows()
    head = table[0]
    book = xlsxwriter.Workbook(str(path))
    for k, name in enumerate(sheets):
        ws = book.add_worksheet(name)
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                if r and cell.isdigit():
                    ws.write_number(r, c, int(cell))
                else:
                    ws.write_string(r, c, cell)
        if k == formula_sheet:
            for (r, field), formula in formulas.items():
                value = (computed or {}).get((r, field), 0)
                ws.write_formula(r, head.index(field), formula, None, value)
    book.close()
    return path


def as_excel_saves_it(path: Path) -> Path:
    """The same workbook with its stored values trusted, as Excel writes it: no `fullCalcOnLoad`."""
    return rewritten(path, "xl/workbook.xml", lambda x: x.replace(b' fullCalcOnLoad="1"', b""))


def cell(row: int, field: str) -> str:
    """The sheet's name of the cell of (0-based) `row` and `field` in the sample table: `G3`."""
    return f"{chr(ord('A') + plain_rows()[0].index(field))}{row + 1}"


def deaths(doc_path: Path, unit: str) -> float:
    import json

    doc = json.loads(doc_path.read_text(encoding="utf-8"))
    return next(u for u in doc["units"] if u["id"] == unit)["indicators"]["deaths"]["value"]


def test_an_xlsxwriter_formula_is_refused_naming_its_cells(tmp_path: Path) -> None:
    """`=1+1` in two deaths cells: xlsxwriter stores 0, Excel shows 2; the job must not score 0."""
    book = xlsxwriter_book(tmp_path / "e.xlsx", {(2, "deaths"): "=1+1", (4, "deaths"): "=1+1"})
    out = scoring_cli("run", RUBRIC, str(book), "-o", str(tmp_path / "r.json"), cwd=tmp_path)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "e.xlsx" in out.stderr and f"{cell(2, 'deaths')}, {cell(4, 'deaths')}" in out.stderr and "never computed" in out.stderr
    assert "Excel or WPS, save it" in out.stderr and not (tmp_path / "r.json").exists()


def test_an_openpyxl_formula_without_a_value_is_refused(tmp_path: Path) -> None:
    table = plain_rows()
    book = openpyxl.Workbook()
    ws = book.active
    for row in table:
        ws.append(row)
    ws.cell(row=3, column=table[0].index("meetings") + 1).value = "=1+1"
    book.save(tmp_path / "o.xlsx")
    out = scoring_cli("run", RUBRIC, str(tmp_path / "o.xlsx"), "-o", str(tmp_path / "r.json"), cwd=tmp_path)
    assert out.returncode == 1 and cell(2, "meetings") in out.stderr and "never computed" in out.stderr


def test_a_workbook_saved_by_a_spreadsheet_reads_its_computed_values(tmp_path: Path) -> None:
    table = plain_rows()
    unit = table[4][0]  # its fourth quarter: the row the outcome is taken from
    book = as_excel_saves_it(xlsxwriter_book(tmp_path / "x.xlsx", {(4, "deaths"): "=1+1"}, computed={(4, "deaths"): 2}))
    out = scoring_cli("run", RUBRIC, str(book), "-o", str(tmp_path / "r.json"), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert deaths(tmp_path / "r.json", unit) == 2.0


def test_only_the_sheet_read_is_looked_at(tmp_path: Path) -> None:
    book = xlsxwriter_book(tmp_path / "s.xlsx", {(2, "deaths"): "=1+1"}, sheets=("填报表", "草稿"), formula_sheet=1)
    assert scoring_cli("run", RUBRIC, str(book), "-o", str(tmp_path / "r.json"), cwd=tmp_path).returncode == 0
    refused = scoring_cli("run", RUBRIC, str(book), "--sheet", "草稿", "-o", str(tmp_path / "r.json"), cwd=tmp_path)
    assert refused.returncode == 1 and "'草稿'" in refused.stderr and cell(2, "deaths") in refused.stderr


def test_many_cells_are_counted_not_all_listed(tmp_path: Path) -> None:
    formulas = {(r, "meetings"): "=1+1" for r in range(1, 12)}
    book = xlsxwriter_book(tmp_path / "m.xlsx", formulas)
    assert uncalculated_formulas(book.read_bytes(), "Sheet1") == ([cell(r, "meetings") for r in range(1, 1 + SHOWN)], 11)


def test_a_committee_workbook_with_a_formula_amount_is_refused(tmp_path: Path) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "d.xlsx"))
    ws = book.add_worksheet("会议决定")
    ws.write_row(0, 0, ["单位", "事项", "决定", "值", "理由", "决定人", "日期"])
    ws.write_row(1, 0, ["E051", "deposit_reward", "改为"])
    ws.write_formula(1, 3, "=10000*3")  # stored as 0: the committee meant 30000
    ws.write_row(1, 4, ["分期退还", "局长办公会", "2026-01-15"])
    book.close()
    with pytest.raises(EvidenceError, match="D2 hold a formula whose value was never computed"):
        load_decisions(tmp_path / "d.xlsx")


@given(st.binary(max_size=300))
def test_any_bytes_are_looked_into_or_passed_never_a_crash(junk: bytes) -> None:
    for data in (junk, b"PK" + junk):
        refs, count = uncalculated_formulas(data, None)
        assert count == len(refs) == 0


SHEET_PIECES = [b"<sheetData>", b"</sheetData>", b'<c r="B7">', b"<c>", b"</c>", b"<f>A1</f>", b'<f t="shared" si="0"/>',
                b"<v>0</v>", b"<v>2</v>", b"<v/>", b"<x:c ", b"<xm:f>", b"</x:c>", b"<row>", b"</row>", b" ", b"<", b">"]


@given(st.lists(st.sampled_from(SHEET_PIECES) | st.binary(max_size=4), max_size=40), st.booleans())
def test_any_sheet_xml_gives_named_cells_or_none_never_a_crash(pieces: list[bytes], placeholders: bool) -> None:
    """The byte search behind the check, on mangled sheet XML: counts and names agree, nothing raises."""
    refs, count = _formulas(b"".join(pieces), placeholders=placeholders)
    assert len(refs) == min(count, SHOWN) and all(r == "?" or r[0].isalpha() for r in refs)


def test_a_workbook_without_formulas_has_none(tmp_path: Path) -> None:
    book = xlsxwriter_book(tmp_path / "n.xlsx", {})
    assert uncalculated_formulas(book.read_bytes(), None) == ([], 0)
    assert uncalculated_formulas(b"not a zip", None) == ([], 0)


# --- from the review: what a spreadsheet saves must not be refused, and no input may crash ----------------

X14_LIST = (b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
            b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:dataValidations count="1" '
            b'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:dataValidation type="list">'
            b"<x14:formula1><xm:f>Other!$A$1:$A$2</xm:f></x14:formula1><xm:sqref>E2:E300</xm:sqref>"
            b"</x14:dataValidation></x14:dataValidations></ext></extLst>")


def rewritten(path: Path, part: str, change) -> Path:
    """The workbook with one zip member's bytes changed by `change`."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, change(data) if item.filename == part else data)
    path.write_bytes(out.getvalue())
    return path


def test_a_drop_down_list_from_another_sheet_is_no_cell_formula(tmp_path: Path) -> None:
    """Excel keeps such a list as `<xm:f>` in the sheet's extension list: a formula with no cell and no value."""
    book = rewritten(xlsxwriter_book(tmp_path / "l.xlsx", {}), "xl/worksheets/sheet1.xml",
                     lambda x: x.replace(b"</worksheet>", X14_LIST + b"</worksheet>"))
    assert uncalculated_formulas(book.read_bytes(), "Sheet1") == ([], 0)
    assert scoring_cli("run", RUBRIC, str(book), "-o", str(tmp_path / "r.json"), cwd=tmp_path).returncode == 0


def test_a_computed_value_stored_under_recalculate_on_open_is_read(tmp_path: Path) -> None:
    """xlsxwriter with the value given, PhpSpreadsheet: a real value kept with `fullCalcOnLoad`; only 0 or blank
    (the placeholder a program writes) is refused."""
    book = xlsxwriter_book(tmp_path / "v.xlsx", {(2, "meetings"): "=1+1", (3, "meetings"): "=1+1"},
                           computed={(2, "meetings"): 2})
    assert uncalculated_formulas(book.read_bytes(), None) == ([cell(3, "meetings")], 1)


def test_a_workbook_the_standard_library_cannot_parse_is_left_to_calamine(tmp_path: Path) -> None:
    book = rewritten(xlsxwriter_book(tmp_path / "e.xlsx", {(2, "deaths"): "=1+1"}), "xl/workbook.xml",
                     lambda x: x.replace(b'encoding="UTF-8"', b'encoding="x-nope"'))
    assert b'encoding="x-nope"' in zipfile.ZipFile(book).read("xl/workbook.xml")
    assert uncalculated_formulas(book.read_bytes(), None) == ([], 0)
    out = scoring_cli("run", RUBRIC, str(book), "-o", str(tmp_path / "r.json"), cwd=tmp_path)
    assert out.returncode in (0, 1) and "Traceback" not in out.stderr and "bug" not in out.stderr


def test_cells_without_attributes_are_counted_and_named_unknown() -> None:
    xml = (b'<worksheet><sheetData><row><c><f>1+1</f></c><c r="B1"><f>2</f><v>2</v></c>'
           b'<c r="C1" t="str"><f>A1</f><v/></c></row></sheetData></worksheet>')
    assert _formulas(xml, placeholders=False) == (["?"], 1)  # an empty string result is a value
    assert _formulas(xml, placeholders=True) == (["?", "C1"], 2)


def test_the_form_scoring_template_makes_asks_no_recalculation(tmp_path: Path) -> None:
    """So a spreadsheet that keeps the request when saving the filled form cannot make its formulas suspect."""
    out = scoring_cli("template", RUBRIC, "-o", str(tmp_path / "form.xlsx"), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    with zipfile.ZipFile(tmp_path / "form.xlsx") as book:
        assert b"fullCalcOnLoad" not in book.read("xl/workbook.xml") and book.testzip() is None


@given(st.lists(st.sampled_from(SHEET_PIECES + [b"<x:f>", b"<f", b"f>", b":", b"<", b"<x-y:f>", b"<ns.1:f ",
                                                b"<abcdefghijklmnopqrstuvwxyz0123:f>", "<é:f/>".encode()])
                | st.binary(max_size=4), max_size=60), st.integers(1, 300))
def test_the_quick_search_finds_a_formula_wherever_the_chunks_cut_it(pieces: list[bytes], chunk: int) -> None:
    """The byte sieve before the pattern (`<f` or `:f`) never hides a formula element, across chunks."""
    import scoring.workbook_formulas as wf

    xml = b"".join(pieces)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr("sheet.xml", xml)
    with pytest.MonkeyPatch.context() as mp, zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as book:
        mp.setattr(wf, "_CHUNK", chunk)
        assert wf._has_formula(book, "sheet.xml") == bool(wf._FORMULA.search(xml))


@pytest.mark.parametrize("prefix", ["x-y:", "ns.1:", "é:", "abcdefghijklmnopqrstuvwxyz0123:"])
def test_a_formula_under_any_namespace_prefix_is_found(prefix: str) -> None:
    """XML allows `-`, `.` and letters beyond ASCII in a prefix; a formula under one is still a formula."""
    p = prefix.encode()
    xml = (b"<" + p + b'sheetData><' + p + b'c r="F3"><' + p + b"f>1+1</" + p + b"f><" + p + b"v>0</" + p
           + b"v></" + p + b"c></" + p + b"sheetData>")
    assert _formulas(xml, placeholders=True) == (["F3"], 1)
