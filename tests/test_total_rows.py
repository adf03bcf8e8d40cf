"""A 合计 (total) or 平均 (average) row at the foot of a sheet is refused, not scored as a unit.

On sums, such a row would rank first and take a quota place from a real unit.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from scoring.total_rows import total_ids
from tests.conftest import RATIO_BODY, rubric_text
from tests.test_reports import scoring_cli

RUBRIC = rubric_text(RATIO_BODY)
UNITS = "id,a,b,flag,x\nu1,10,9,true,1\nu2,10,5,false,2\n"


@pytest.mark.parametrize("word", ["合计", "合　计", "总计：", "小计", "平均值", "Total:", "AVERAGE", "grand total"])
def test_a_total_row_is_refused_and_the_units_are_scored_as_without_it(tmp_path: Path, word: str) -> None:
    (tmp_path / "r.toml").write_text(RUBRIC, encoding="utf-8")
    (tmp_path / "e.csv").write_text(UNITS + f"{word},20,14,true,3\n", encoding="utf-8")
    (tmp_path / "plain.csv").write_text(UNITS, encoding="utf-8")
    out = scoring_cli("run", "r.toml", "e.csv", "--on-error", "skip", "-o", "r.json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    [rejected] = doc["rejected"]
    assert rejected["row"] == "row 4" and "total or average row" in rejected["reason"] and "delete the row" in rejected["reason"]
    plain = scoring_cli("run", "r.toml", "plain.csv", "-o", "p.json", cwd=tmp_path)
    assert plain.returncode == 0
    without = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert doc["units"] == without["units"]


def test_by_default_a_total_row_stops_the_job_naming_it(tmp_path: Path) -> None:
    (tmp_path / "r.toml").write_text(RUBRIC, encoding="utf-8")
    (tmp_path / "e.csv").write_text(UNITS + "合计,20,14,true,3\n", encoding="utf-8")
    out = scoring_cli("run", "r.toml", "e.csv", "-o", "r.json", cwd=tmp_path)
    assert out.returncode == 1 and "row 4 (unit 合计)" in out.stderr and "total or average row" in out.stderr


def test_ids_that_only_contain_a_total_word_are_units() -> None:
    ids = np.array(["合计公司", "合计E", "total-care", "平均镇中学", "u1", "合计", "Sum"])
    assert total_ids(ids) == ["合计", "Sum"]


def test_short_labels_ending_in_a_total_word_are_totals_too() -> None:
    ids = np.array(["全县合计", "本页小计", "全年平均", "平均分", "合计行", "城关镇第一中学合计以外的长名称", "E001"])
    assert total_ids(ids) == ["全县合计", "本页小计", "全年平均", "平均分", "合计行"]


def test_a_units_total_row_by_period_is_refused_not_read_as_its_last_period(tmp_path: Path) -> None:
    """Without declared periods, `合计` sorts after `2026` and was scored as the unit's year-end row."""
    (tmp_path / "r.toml").write_text(RUBRIC, encoding="utf-8")
    body = "id,period,a,b,flag,x\nu1,2025,10,9,true,1\nu1,2026,10,9,true,1\nu2,2025,10,5,false,2\nu2,2026,10,5,false,2\n"
    (tmp_path / "plain.csv").write_text(body, encoding="utf-8")
    (tmp_path / "e.csv").write_text(body + "u1,合计,20,1,true,2\n", encoding="utf-8")
    out = scoring_cli("run", "r.toml", "e.csv", "--on-error", "skip", "-o", "r.json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert any(r["field"] == "period" and "total or average row" in r["reason"] for r in doc["rejected"])
    assert [u["id"] for u in doc["units"]] == ["u2"]  # u1 is set aside whole, as any unit with a refused row


def test_every_total_word_is_found_by_the_quick_search() -> None:
    """total_ids skips its one-by-one look when no hint appears: each word must contain one."""
    from scoring.total_rows import _HINTS, TOTAL_ENDINGS, TOTAL_WORDS

    for word in TOTAL_WORDS | set(TOTAL_ENDINGS):
        assert any(hint in word for hint in _HINTS), word
        assert total_ids(np.array(["E001", word, "E002"])) == [word]


def test_a_line_break_inside_a_total_word_is_still_a_total() -> None:
    """Alt+Enter in an Excel cell: the quick search over all ids removes what each label's check removes."""
    assert total_ids(np.array(["E001", "合\n计", "平\r\n均", "E002"])) == ["合\n计", "平\r\n均"]
