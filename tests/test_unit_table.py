"""The column-by-column outputs: JSON, JSON Lines, Parquet, Arrow and pandas.

The JSON text is built from templates and whole columns (scoring/unit_table.py);
the per-unit views (`Result.units()`) are the reference it must match byte for
byte, for every bundled rubric and for drawn rubrics and evidence.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring
from scoring.report.data import report_block
from scoring.testing import from_rubric, rubrics
from tests.test_cli import scoring_cli

ENGINE = scoring.Engine()
BUNDLED = [b.id for b in ENGINE.bundled_rubrics()]


def reference_json(result: scoring.Result) -> str:
    """The document as the per-unit views build it, one unit at a time."""
    doc = result.header()
    doc["units"] = [u.to_dict() for u in result.units()]
    doc["rejected"] = [vars(r) for r in result.rejected]
    doc["summary"] = result.summary()
    doc["report"] = report_block(result)
    return json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def reference_jsonl(result: scoring.Result) -> str:
    return "".join(json.dumps(u.to_dict(), ensure_ascii=False) + "\n" for u in result.units())


def sample_result(rubric_id: str) -> scoring.Result:
    rubric = ENGINE.load_rubric(rubric_id)
    assert rubric.sample is not None
    # As `scoring run RUBRIC_ID` does: with the earlier results bundled with the sample, if any.
    history = None if rubric.sample_history is None else [rubric.sample_history]
    return ENGINE.score(rubric, rubric.sample, history=history)


@pytest.mark.parametrize("rubric_id", BUNDLED)
def test_json_and_jsonl_match_the_unit_views(rubric_id: str) -> None:
    result = sample_result(rubric_id)
    assert ENGINE.render(result, "json") == reference_json(result)
    assert ENGINE.render(result, "jsonl") == reference_jsonl(result)
    assert result.to_dict() == json.loads(reference_json(result))


def test_documents_in_small_chunks_are_the_same() -> None:
    from scoring.unit_table import document_parts, jsonl_lines

    result = sample_result("enterprise-safety-target")
    assert b"".join(document_parts(result, chunk=3)).decode() == reference_json(result)
    assert b"".join(jsonl_lines(result, chunk=3)).decode() == reference_jsonl(result)


def test_cli_streams_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The report block records when the result was made; fix it for both processes.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    result = sample_result("enterprise-safety-target")
    for fmt in ("json", "jsonl"):
        out = tmp_path / f"result.{fmt}"
        done = scoring_cli("run", "enterprise-safety-target", "-o", str(out))
        assert done.returncode == 0, done.stderr
        assert out.read_bytes() == str(ENGINE.render(result, fmt)).encode("utf-8")
        piped = scoring_cli("run", "enterprise-safety-target", "--format", fmt)
        assert piped.stdout == ENGINE.render(result, fmt)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), rubric=rubrics(ENGINE))
def test_json_matches_the_unit_views_for_any_rubric(data: st.DataObject, rubric: scoring.Rubric) -> None:
    rows = data.draw(from_rubric(rubric, units=(1, 8)))
    result = ENGINE.score(rubric, rows, on_error="skip")
    assert result.to_json() == reference_json(result)
    assert ENGINE.render(result, "jsonl") == reference_jsonl(result)


def check_table_against_json(table: Any, result: scoring.Result) -> None:
    units = result.to_dict()["units"]
    assert table.num_rows == len(units)
    cols = table.to_pydict()
    for k, unit in enumerate(units):
        assert cols["id"][k] == unit["id"]
        assert cols["score"][k] == unit["score"]
        assert cols["grade"][k] == unit["grade"]
        assert cols["rank"][k] == unit["rank"]
        assert cols["status"][k] == unit["status"]
        for dim, figures in unit["dimensions"].items():
            assert cols[f"dimension.{dim}"][k] == figures["points"]
        for ind, figures in unit["indicators"].items():
            assert cols[f"indicator.{ind}"][k] == figures["points"]
        vetoed = {v["id"] for v in unit["vetoes"]}
        for veto in result.rubric.model.veto:
            assert cols[f"veto.{veto.id}"][k] == (veto.id in vetoed)
        granted = {c["id"]: c for c in unit["consequences"]}
        for c in result.rubric.model.consequence:
            assert cols[f"consequence.{c.id}"][k] == (c.id in granted)
            if f"consequence.{c.id}.amount" in cols:
                want = granted[c.id]["amount"] if c.id in granted else None
                assert cols[f"consequence.{c.id}.amount"][k] == want


@pytest.mark.parametrize("rubric_id", BUNDLED)
def test_arrow_table_holds_the_json_figures(rubric_id: str) -> None:
    result = sample_result(rubric_id)
    table = result.to_arrow()
    check_table_against_json(table, result)
    meta = table.schema.metadata
    assert json.loads(meta[b"scoring.header"])["rubric"]["id"] == rubric_id
    assert json.loads(meta[b"scoring.summary"]) == result.summary()


def test_to_pandas_is_the_arrow_table() -> None:
    result = sample_result("enterprise-safety-target")
    frame = result.to_pandas()
    assert list(frame.columns) == result.to_arrow().column_names
    assert frame["id"].tolist() == [u.id for u in result.units()]
    assert np.allclose(frame["score"].to_numpy(dtype=float), [u.score for u in result.units()])


def test_cli_writes_parquet_and_jsonl_with_rejected_rows(tmp_path: Path) -> None:
    sample = Path(str(ENGINE.load_rubric("enterprise-safety-target").sample))
    lines = sample.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",是,", ",maybe,", 1)  # one bad yes/no cell: its unit is rejected
    evidence = tmp_path / "evidence.csv"
    evidence.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "result.parquet"
    done = scoring_cli("run", "enterprise-safety-target", str(evidence), "--on-error", "skip", "-o", str(out))
    assert done.returncode == 0, done.stderr
    table = pq.read_table(out)
    result = ENGINE.score(ENGINE.load_rubric("enterprise-safety-target"), evidence, on_error="skip")
    check_table_against_json(table, result)
    rejected = json.loads(table.schema.metadata[b"scoring.rejected"])
    assert rejected and rejected == [vars(r) for r in result.rejected]
    assert table.num_rows == 69

    jsonl = tmp_path / "result.jsonl"
    done = scoring_cli("run", "enterprise-safety-target", str(evidence), "--on-error", "skip", "-o", str(jsonl))
    assert done.returncode == 0, done.stderr
    units = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert units == result.to_dict()["units"]


def test_cli_parquet_to_a_pipe(tmp_path: Path) -> None:
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("scoring")
    done = subprocess.run([str(exe), "run", "enterprise-safety-target", "--format", "parquet"],
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    path = tmp_path / "piped.parquet"
    path.write_bytes(done.stdout)
    assert pq.read_table(path).num_rows == 70
