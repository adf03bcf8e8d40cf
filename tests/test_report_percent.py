"""Shares in the reports: fractions (0.3333) in the JSON, percentages (33.3%) where a person reads them."""

from __future__ import annotations

import io
import json
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import scoring
from scoring.report.tables import percent_text


@given(st.integers(0, 10_000))
def test_percent_text_is_half_up_on_the_decimal_figure(k: int) -> None:
    share = k / 10_000  # a share as the statistics round it (4 places)
    expected = (Decimal(k) / 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert percent_text(share) == f"{expected}%"


def test_examples() -> None:
    assert [percent_text(x) for x in (0.3333, 0.0625, 1.0, 0.0)] == ["33.3%", "6.3%", "100.0%", "0.0%"]
    assert percent_text(float("nan")) == ""


@pytest.fixture(scope="module")
def result(engine: scoring.Engine) -> scoring.Result:
    return engine.score("enterprise-safety-target", engine.load_rubric("enterprise-safety-target").sample)  # type: ignore[arg-type]


def test_json_keeps_fractions(engine: scoring.Engine, result: scoring.Result) -> None:
    doc = json.loads(engine.render(result, "json"))
    # the indicator statistics (the sample's 评分分歧 table of its inspection panel follows; no percentages)
    table, *others = doc["report"]["extra"]
    assert [o["title"] for o in others] == ["评分分歧（极差超过 5 分）"] and all(o.get("percent") is None for o in others)
    assert table["percent"] == [5, 6, 7] and table["headers"][5:] == ["满分占比", "零分占比", "不适用占比"]
    assert all(0 <= row[k] <= 1 for row in table["rows"] for k in table["percent"])


def test_workbook_stores_numbers_shown_as_percentages(engine: scoring.Engine, result: scoring.Result) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    doc = json.loads(engine.render(result, "json"))
    rows = doc["report"]["extra"][0]["rows"]
    ws = openpyxl.load_workbook(io.BytesIO(engine.render(result, "xlsx")))["指标统计"]  # type: ignore[arg-type]
    for cells, row in zip(ws.iter_rows(min_row=2), rows):
        for k in (5, 6, 7):
            assert cells[k].data_type == "n" and cells[k].value == pytest.approx(row[k])
            assert cells[k].number_format == "0.0%"
        assert cells[2].number_format == "0.00"


def test_markdown_and_html_show_percentages(engine: scoring.Engine, result: scoring.Result) -> None:
    doc = json.loads(engine.render(result, "json"))
    first = doc["report"]["extra"][0]["rows"][0]
    shown = [percent_text(first[k]) for k in (5, 6, 7)]
    md = str(engine.render(result, "md"))
    line = next(x for x in md.splitlines() if x.startswith(f"| {first[0]} |") and x.endswith("% |"))
    assert line.endswith(" | ".join(shown) + " |")
    html = str(engine.render(result, "html"))
    assert all(f">{s}</td>" in html for s in shown)
