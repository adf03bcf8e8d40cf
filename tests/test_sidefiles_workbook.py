"""Amendments and committee decisions kept as workbooks (.xlsx), as offices keep them.

Read with python-calamine like evidence workbooks: the first sheet, its first
non-empty row the header; dates and whole numbers read as the sheet shows them;
an error names the file, the sheet, the row and the column.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scoring.errors import EvidenceError
from scoring.amend import load_amendments
from scoring.overrides import load_decisions
from scoring.sidefiles import _letters
from tests.test_reports import scoring_cli

xlsxwriter = pytest.importorskip("xlsxwriter")

DECISIONS = ["单位", "事项", "决定", "值", "理由", "决定人", "日期"]
AMENDMENTS = ["单位", "字段", "期间", "原值", "新值", "理由", "批准人"]


def workbook(path: Path, sheet: str, rows: list[list[object]], *, title_rows: int = 0) -> Path:
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet(sheet)
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows, start=title_rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), dates)
            elif value is not None:
                ws.write(r, c, value)
    book.close()
    return path


def test_letters() -> None:
    assert [_letters(j) for j in (0, 4, 25, 26, 27, 701, 702)] == ["A", "E", "Z", "AA", "AB", "ZZ", "AAA"]


def test_decisions_from_a_workbook(tmp_path: Path) -> None:
    path = workbook(tmp_path / "d.xlsx", "会议决定", [
        DECISIONS,
        ["E047", "advanced_unit", "不予", None, "年内发生较大舆情", "局长办公会", dt.date(2026, 1, 15)],
        ["E051", "deposit_reward", "改为", 30000, "分期退还", "局长办公会", "2026-01-15"],
    ], title_rows=1)  # a blank row above the header, as a sheet with a title often has
    first, second = load_decisions(path)
    assert (first.unit, first.action, first.value, first.date) == ("E047", "deny", "", "2026-01-15")
    assert (second.value, second.row) == ("30000", "sheet '会议决定' row 4")  # the sheet's own row numbers
    assert first.row == "sheet '会议决定' row 3" and first.file == str(path)


def test_amendments_from_a_workbook(tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", "复核", [AMENDMENTS, ["E023", "meetings", "2026Q1", 0, 2.0, "补录", "张三"]])
    [a] = load_amendments(path)
    assert (a.unit, a.field, a.period, a.old, a.new, a.row) == ("E023", "meetings", "2026Q1", "0", "2", "sheet '复核' row 2")


@pytest.mark.parametrize("rows, message", [
    ([DECISIONS, ["E047", "advanced_unit", "不予", None, None, "局长办公会", "2026-01-15"]],
     "sheet '会议决定' row 2, column E (理由): the reason is empty"),
    ([DECISIONS, ["E047", "advanced_unit", "撤回", None, "x", "局长办公会", "2026-01-15"]],
     "sheet '会议决定' row 2, column C (决定): action '撤回' is not grant, deny or set"),
    ([DECISIONS[:4] + ["原因说明"] + DECISIONS[5:]], "unknown column '原因说明' (column E)"),
    ([DECISIONS, ["E047", "advanced_unit", "不予", None, "x", "局长办公会", "2026-01-15", None, "备注"]],
     "sheet '会议决定' row 2 has a value in column H, right of the last header"),
    ([], "sheet '会议决定' of the decisions workbook is empty"),
])
def test_bad_workbooks_are_refused_naming_sheet_row_and_column(tmp_path: Path, rows: list[list[object]],
                                                               message: str) -> None:
    path = workbook(tmp_path / "d.xlsx", "会议决定", rows)
    with pytest.raises(EvidenceError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        load_decisions(path)
    assert "d.xlsx" in str(info.value)


def test_a_broken_workbook_is_refused(tmp_path: Path) -> None:
    (tmp_path / "d.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    with pytest.raises(EvidenceError, match="cannot read the decisions workbook"):
        load_decisions(tmp_path / "d.xlsx")


def test_cli_runs_with_workbooks_and_reports_their_rows(tmp_path: Path) -> None:
    workbook(tmp_path / "d.xlsx", "会议决定", [
        DECISIONS, ["E047", "advanced_unit", "不予", None, "年内发生较大舆情", "局长办公会", dt.date(2026, 1, 15)]])
    # the sample's inspection panel: the correction names the inspector's row (检查人员 赵磊, 复评)
    workbook(tmp_path / "a.xlsx", "复核", [AMENDMENTS[:3] + ["检查人员", "评价阶段"] + AMENDMENTS[3:],
                                          ["E023", "meetings", "2026Q1", "赵磊", "复评", 0, 2, "会议记录补录", "安监科 张三"]])
    done = scoring_cli("run", "enterprise-safety-target", "--decisions", "d.xlsx", "--amend", "a.xlsx", "-o", "r.md",
                       cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    md = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "| 2026-01-15 | d.xlsx 工作表“会议决定”第2行 |" in md and "a.xlsx 工作表“复核”第2行" in md
    workbook(tmp_path / "bad.xlsx", "会议决定", [
        DECISIONS, ["E047", "advanced_unit", "不予", None, "x", None, "2026-01-15"]])
    done = scoring_cli("run", "enterprise-safety-target", "--decisions", "bad.xlsx", "-o", "r2.md", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr and not (tmp_path / "r2.md").exists()
    assert "bad.xlsx: sheet '会议决定' row 2, column F (决定人): the decided_by is empty" in done.stderr
