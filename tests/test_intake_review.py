"""A new user's path through the Excel/GBK intake, end to end: what the review found and fixed.

Each test runs the real CLI on files made here, as a district bureau's staff would make them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import scoring
from tests.intake_helpers import chinese_table, write_xlsx
from tests.test_cli import scoring_cli

RUBRIC = "enterprise-safety-target"


@pytest.fixture(scope="module")
def rubric() -> scoring.Rubric:
    return scoring.Engine().load_rubric(RUBRIC)


def test_refused_cell_names_the_column_as_the_sheet_shows_it(rubric: scoring.Rubric, tmp_path: Path) -> None:
    # Staff headed the form in Chinese: `deaths` alone would not tell them to look at column I, 死亡人数
    # (after 企业编号, 考核期, 所属企业编号, 评价阶段, 检查人员, 企业名称, 行业类别, 重点监管企业).
    head, body = chinese_table(rubric)
    body[2][head.index("死亡人数")] = "abc"  # sheet row 5: title row 1, header row 2, data from row 3
    write_xlsx(tmp_path / "form.xlsx", rubric, title_row=True, numbers=False, header=head, body=body)
    proc = scoring_cli("run", RUBRIC, "form.xlsx", "--on-error", "skip", "--rejects", "rej.csv", "-o", "out.json",
                       cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "row 5 (unit E001), field deaths (column I 死亡人数), value 'abc'" in proc.stderr
    rejects = list(csv.DictReader(io.StringIO((tmp_path / "rej.csv").read_text(encoding="utf-8-sig"))))
    bad = [r for r in rejects if r["字段"] == "死亡人数（deaths）"]  # a Chinese rubric's rejects file (行, 列, 字段 ...)
    assert [(r["行"], r["列"]) for r in bad] == [("第 5 行", "I 死亡人数")]
    # Nothing lost: every row is scored or rejected.
    # E001's 16 rows (3 inspectors and a self-assessment a quarter) go with it.
    assert f"rows: {len(body)} read, {len(body) - 16} scored, 16 rejected" in proc.stderr


def test_gbk_csv_refusal_names_the_column(rubric: scoring.Rubric, tmp_path: Path) -> None:
    head, body = chinese_table(rubric)
    body[0][head.index("考核期")] = "2026Q5"
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows([head, *body])
    (tmp_path / "gbk.csv").write_bytes(text.getvalue().encode("gbk"))
    proc = scoring_cli("run", RUBRIC, "gbk.csv", "-o", "out.json", cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "row 2 (unit E001), field period (column B 考核期), value '2026Q5'" in proc.stderr


def test_explain_reads_a_named_sheet(rubric: scoring.Rubric, tmp_path: Path) -> None:
    # The figures are on the second sheet (a cover sheet first): explain must read it as run does.
    write_xlsx(tmp_path / "form.xlsx", rubric, sheet="2026年度", extra_sheet_first=True)
    run = scoring_cli("run", RUBRIC, "form.xlsx", "--sheet", "2026年度", "-o", "out.json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    proc = scoring_cli("explain", RUBRIC, "form.xlsx", "E001", "--sheet", "2026年度", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("enterprise E001")


def _units(path: Path, lines: list[str]) -> None:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))


def test_template_units_with_a_title_row_above_the_header(tmp_path: Path) -> None:
    _units(tmp_path / "名单.csv", ["2026年企业名单,", "企业编号,企业名称", "E001,城关化工", "E002,东城建材", ","])
    proc = scoring_cli("template", RUBRIC, "-o", "form.csv", "--units", "名单.csv", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.reader(io.StringIO((tmp_path / "form.csv").read_text(encoding="utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["E001"] * 4 + ["E002"] * 4


@pytest.mark.parametrize(("lines", "said"), [
    (["企业编号,企业名称", "E001,城关化工", "E001,城关化工二厂"], "unit 'E001' is listed twice (row 2 and row 3); keep one"),
    (["企业编号,企业名称", "E001,城关化工", ",东城建材"], "row 3 has no unit id; fill it in or delete the row"),
])
def test_template_refuses_a_units_list_that_would_make_a_refused_form(tmp_path: Path, lines: list[str],
                                                                      said: str) -> None:
    _units(tmp_path / "名单.csv", lines)
    proc = scoring_cli("template", RUBRIC, "-o", "form.xlsx", "--units", "名单.csv", cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "名单.csv" in proc.stderr and said in proc.stderr
    assert not (tmp_path / "form.xlsx").exists()


def test_missing_parent_column_is_named_not_hundreds_of_blank_cells(tmp_path: Path) -> None:
    # The parent column's header mistyped: every member row would otherwise be refused field by field.
    group = scoring.Engine().load_rubric("group-school-supervision")
    head, body = chinese_table(group)
    head[head.index("所属集团编号")] = "所属集团"
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows([head, *body])
    (tmp_path / "groups.csv").write_bytes(text.getvalue().encode("gbk"))
    proc = scoring_cli("run", "group-school-supervision", "groups.csv", "--on-error", "skip", "-o", "out.json",
                       cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "no 'parent' or '所属集团编号' column, yet the member-row field(s) enrolment" in proc.stderr
    assert "rejected row" not in proc.stderr
