"""Formulas a workbook holds without the value Excel or WPS would show.

A workbook stores each formula cell twice: the formula (`=SUM(B2:B5)`) and the
value the spreadsheet last computed for it. Readers such as calamine read the
value, as they should. But a workbook written by a program (xlsxwriter,
openpyxl, a reporting system) and never opened and saved in a spreadsheet has
no computed value: openpyxl stores none (the cell reads as blank), xlsxwriter
stores 0 and asks Excel to recalculate on opening (`fullCalcOnLoad`). The
person who sends it sees `2` in Excel; a reader would score `0`. So such cells
are refused by name, with what to do, rather than read as blank or 0.

Only the .xlsx family (a zip of XML) can be checked this way; .xls, .xlsb and
.ods are read as they are. The sheet's XML is searched as bytes, which costs a
fraction of reading the sheet; a sheet with no formula at all is passed at the
first search.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from xml.etree import ElementTree

_FORMULA = re.compile(rb"<((?:\w+:)?)f[\s>/]")  # a formula element, with its namespace prefix if any
_REF = re.compile(rb'\br="([A-Za-z]+[0-9]+)"')
_FULL_CALC = re.compile(rb"<(?:\w+:)?calcPr\b[^>]*\bfullCalcOnLoad=\"(?:1|true)\"")
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
SHOWN = 5  # cells named in the message; the count says how many more


def uncalculated_formulas(data: bytes, sheet: str | None) -> tuple[list[str], int]:
    """Cells of `sheet` (default: the first) whose formula has no value a spreadsheet computed:
    up to SHOWN cell references (`F3`) and how many there are. Nothing for a workbook that is not
    an .xlsx-family zip or cannot be looked into: its reader reports what it cannot read."""
    if not data.startswith(b"PK"):
        return [], 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            workbook = book.read("xl/workbook.xml")
            part = _sheet_part(book, workbook, sheet)
            if part is None:
                return [], 0
            xml = book.read(part)
    except (KeyError, OSError, ValueError, zipfile.BadZipFile, ElementTree.ParseError, RuntimeError, EOFError):
        return [], 0
    if b"<f" not in xml and b":f" not in xml:  # no formula at all: one pass at the speed of memchr
        return [], 0
    recalculated = bool(_FULL_CALC.search(workbook))  # its stored values are placeholders, all of them
    refs: list[str] = []
    count = 0
    for found in _FORMULA.finditer(xml):  # once per formula cell, not per cell
        prefix = found.group(1)
        start = xml.rfind(b"<" + prefix + b"c ", 0, found.start())
        end = xml.find(b"</" + prefix + b"c>", found.end())
        end = len(xml) if end < 0 else end
        if not recalculated and xml.find(b"<" + prefix + b"v>", found.end(), end) >= 0:
            continue  # the value a spreadsheet computed is stored with it
        count += 1
        if len(refs) < SHOWN:
            ref = _REF.search(xml, max(start, 0), found.start())
            refs.append(ref.group(1).decode("ascii") if ref else "?")
    return refs, count


def _sheet_part(book: zipfile.ZipFile, workbook: bytes, sheet: str | None) -> str | None:
    """The zip member holding the sheet named `sheet` (or the first sheet)."""
    root = ElementTree.fromstring(workbook)
    sheets = [s for s in root.iter() if s.tag.endswith("}sheet") or s.tag == "sheet"]
    chosen = next((s for s in sheets if sheet is None or s.get("name") == sheet), None)
    if chosen is None or chosen.get(_REL_NS) is None:
        return None
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    target = next((r.get("Target") for r in rels.iter() if r.get("Id") == chosen.get(_REL_NS)), None)
    if not target:
        return None
    # Targets are relative to xl/ ("worksheets/sheet1.xml") or absolute in the package ("/xl/...").
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def formula_message(refs: list[str], count: int, sheet: str) -> str:
    """What to tell the person who sent the workbook."""
    more = f" and {count - len(refs)} more" if count > len(refs) else ""
    return (f"sheet {sheet!r}: cell(s) {', '.join(refs)}{more} hold a formula whose value was never computed "
            "(the workbook was written by a program and not saved from Excel or WPS, so the figures the sheet "
            "shows are not stored in it); open it in Excel or WPS, save it, and run again")
