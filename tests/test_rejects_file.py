"""`--rejects`: the rows to fix, in a file that opens in Excel and speaks the rubric's language."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.conftest import RATIO_BODY, rubric_text
from tests.enterprise_plain import plain_rows
from tests.test_reports import scoring_cli

RUBRIC = "enterprise-safety-target"


def bad_enterprise_file(tmp_path: Path) -> Path:
    rows = plain_rows()
    rows[2][rows[0].index("deaths")] = "abc"
    path = tmp_path / "e.csv"
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_a_chinese_rubrics_rejects_file_says_it_in_chinese_and_opens_in_excel(tmp_path: Path) -> None:
    out = scoring_cli("run", RUBRIC, str(bad_enterprise_file(tmp_path)), "--on-error", "skip", "-o", "r.json",
                      "--rejects", "rej.csv", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    data = (tmp_path / "rej.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel on Chinese Windows reads it as UTF-8
    rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["行", "单位", "列", "字段", "值", "原因"]
    bad = next(r for r in rows[1:] if r[4] == "abc")
    assert bad[0] == "第 3 行" and bad[2] == "G" and bad[3] == "死亡人数（deaths）"
    assert bad[5] == "不是数字；请填写阿拉伯数字（字段类型：计数）"
    others = [r for r in rows[1:] if r is not bad]
    assert others and all(r[5] == "同一单位的其他行未通过校验（第 3 行）；改正该行后本单位即可计分" for r in others)


def test_an_english_rubrics_rejects_file_keeps_the_engines_words(tmp_path: Path) -> None:
    (tmp_path / "r.toml").write_text(rubric_text(RATIO_BODY), encoding="utf-8")
    (tmp_path / "e.csv").write_text("id,a,b,flag,x\nu1,10,9,true,1\nu2,10,x,false,2\n", encoding="utf-8")
    out = scoring_cli("run", "r.toml", "e.csv", "--on-error", "skip", "-o", "r.json", "--rejects", "rej.csv", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    text = (tmp_path / "rej.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(text.splitlines()))
    assert rows[0] == ["row", "unit", "field", "value", "reason", "column"]
    assert rows[1][:4] == ["row 3", "u2", "b", "x"] and rows[1][4].startswith("not a number")
