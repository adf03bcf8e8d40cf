"""The column-by-column outputs: JSON, JSON Lines, Parquet, Arrow and pandas.

The JSON text is built from templates and whole columns (scoring/unit_table.py);
the per-unit views (`Result.units()`) are the reference it must match byte for
byte, for every bundled rubric and for drawn rubrics and evidence.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring
from scoring.overrides import quota_vacancies
from scoring.report.data import report_block
from scoring.testing import from_rubric, rubrics
from tests.conftest import rubric_text, single_indicator
from tests.test_cli import scoring_cli
from tests.test_consequences import FIELDS as CONSEQUENCE_FIELDS

ENGINE = scoring.Engine()
BUNDLED = [b.id for b in ENGINE.bundled_rubrics()]


def reference_json(result: scoring.Result) -> str:
    """The document as the per-unit views build it, one unit at a time."""
    doc = result.header()
    doc["units"] = [u.to_dict() for u in result.units()]
    doc["rejected"] = [vars(r) for r in result.rejected]
    doc["summary"] = result.summary()
    if result.evidence.amendments:
        doc["amendments"] = [a.to_dict() for a in result.evidence.amendments]
    if result.overrides:
        doc["overrides"] = [o.to_dict() for o in result.overrides]
    if quota_vacancies(result):
        doc["quota_vacancies"] = quota_vacancies(result)
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


# --- vetoes and consequences of every kind ------------------------------------------------

LISTS_FIELDS = CONSEQUENCE_FIELDS  # a count to score on, a veto's count, a quota's group, a person
LISTS_BODY = single_indicator(10, "target", 'field = "a"\ntarget = 10') + """
[[veto]]
id = "major"
title = "较大事故"
when = "bad > 1"

[[veto]]
id = "minor"
title = "一般事故"
when = "bad > 0"
effect = "grade"
grade = "B"

[[consequence]]
id = "advanced"
title = "先进"
when = "score >= 0 and not vetoed"
quota = { count = 2, within = "district", ties = "exclude" }
payout = { kind = "rank_bands", bands = [{ to = 1, amount = 300 }, { to = 3, amount = 100 }] }

[[consequence]]
id = "fund"
title = "奖励资金"
when = "score >= 50"
pool = { total = 1000, by = "score", above = 40 }

[[consequence]]
id = "by_grade"
title = "系数"
when = "score >= 0"
amount = { A = 1.2, B = 1.0 }

[[consequence]]
id = "fixed"
title = "定额"
when = "score >= 90"
amount = 500

[[consequence]]
id = "summons"
title = "约谈"
when = "vetoed"
applies_to = "person"
person_role = "负责人"
person_field = "boss"
"""


def lists_rubric() -> scoring.Rubric:
    return ENGINE.rubric_from_text(rubric_text(LISTS_BODY, fields=LISTS_FIELDS))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(units=st.lists(st.tuples(st.integers(0, 10), st.integers(0, 2), st.sampled_from(["东", "西", ""]),
                                st.sampled_from(["张", "李 四", ""])), min_size=1, max_size=12),
       decided=st.lists(st.tuples(st.integers(0, 11), st.sampled_from(["advanced", "fund", "fixed"]),
                                  st.sampled_from(["grant", "deny"])), max_size=3, unique_by=lambda t: t[:2]),
       chunk=st.integers(1, 5), piece=st.integers(1, 3))
def test_vetoes_and_consequences_of_every_kind_match_the_unit_views(units, decided, chunk, piece) -> None:
    """Quotas within groups (the rank and group in the reason), pools, rank bands, grade tables, fixed
    amounts, named persons, two vetoes and committee decisions: the lists coded column by column are
    the unit views' own, in chunks and pieces of any size."""
    from scoring.overrides import CommitteeDecision
    from scoring.unit_table import document_parts, jsonl_lines

    rows = [{"id": f"u{k}", "a": a, "bad": bad, "district": d, "boss": b} for k, (a, bad, d, b) in enumerate(units)]
    decisions = [CommitteeDecision(f"u{k}", target, action, "", "复核认定", "局长办公会", "2026-01-15", "d.csv",
                                   f"row {n + 2}")
                 for n, (k, target, action) in enumerate(decided) if k < len(units)]
    result = ENGINE.score(lists_rubric(), rows, committee=decisions)
    assert b"".join(document_parts(result, chunk=chunk, piece=piece)).decode() == reference_json(result)
    assert b"".join(jsonl_lines(result, chunk=chunk, piece=piece)).decode() == reference_jsonl(result)


def test_granted_reasons_name_the_rank_quota_group_and_payout() -> None:
    # held_reasons (scoring.explain) builds these a column at a time; the unit views use it too, so the
    # wording is pinned here.
    rows = [{"id": "u0", "a": 10, "bad": 0, "district": "东", "boss": ""},
            {"id": "u1", "a": 9, "bad": 0, "district": "西", "boss": ""},
            {"id": "u2", "a": 8, "bad": 0, "district": "东", "boss": ""},
            {"id": "u3", "a": 3, "bad": 1, "district": "东", "boss": "张"}]
    doc = ENGINE.score(lists_rubric(), rows).to_dict()
    units = {u["id"]: {c["id"]: c for c in u["consequences"]} for u in doc["units"]}
    assert units["u2"]["advanced"]["reason"] == ("`score >= 0 and not vetoed` holds; "
                                                 "rank 3 within quota 2 in district 东; rank 3 is in band 2–3: 100")
    assert units["u1"]["by_grade"]["reason"] == "`score >= 0` holds; amount by grade: A → 1.2"
    assert units["u0"]["fixed"]["reason"] == "`score >= 90` holds"
    assert units["u3"]["summons"] == {"id": "summons", "title": "约谈", "amount": None, "reason": "`vetoed` holds",
                                      "applies_to": "person", "person": "负责人 张"}
    assert list(units["u0"]) == ["advanced", "fund", "by_grade", "fixed"]


# --- writing the pieces ---------------------------------------------------------------------


class FailingSink(io.BytesIO):
    """A file that takes `room` writes, then fails as a full disk does."""

    def __init__(self, room: int) -> None:
        super().__init__()
        self.room = room

    def write(self, data: Any) -> int:
        if self.room == 0:
            raise OSError(28, "No space left on device")
        self.room -= 1
        return super().write(data)


def writer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "scoring-write-parts"]


@pytest.mark.parametrize("room", [0, 1, 5])
def test_a_failed_write_is_raised_and_the_rest_not_made(room: int) -> None:
    from scoring.unit_table import write_parts

    made: list[int] = []

    def parts() -> Iterator[bytes]:
        for k in range(1000):
            made.append(k)
            yield b"%d," % k

    sink = FailingSink(room)
    with pytest.raises(OSError, match="No space left"):
        write_parts(parts(), sink)
    assert sink.getvalue() == b"".join(b"%d," % k for k in range(room))  # in order, up to the failure
    assert len(made) < 1000 and not writer_threads()


def test_a_failure_making_the_pieces_stops_the_writer() -> None:
    from scoring.unit_table import write_parts

    def parts() -> Iterator[bytes]:
        yield b"a"
        yield b"b"
        raise ValueError("broken")

    sink = io.BytesIO()
    with pytest.raises(ValueError, match="broken"):
        write_parts(parts(), sink)
    assert sink.getvalue() == b"ab" and not writer_threads()


@settings(max_examples=30, deadline=None)
@given(words=st.lists(st.text(max_size=6), min_size=1, max_size=8), picks=st.lists(st.integers(0, 7), min_size=1024,
                                                                                    max_size=3000),
       unique=st.booleans())
def test_long_lists_of_text_are_the_standard_library_text(words: list[str], picks: list[int], unique: bool) -> None:
    # Past 1,024 strings a list of few distinct ones encodes each once (scoring/json_text.py).
    from scoring.json_text import dumps_indented

    values = [f"{words[k % len(words)]}{n}" if unique else words[k % len(words)] for n, k in enumerate(picks)]
    doc = {"reasons": values, "nested": [values[:1100]]}
    assert dumps_indented(doc, 2) == json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False)
