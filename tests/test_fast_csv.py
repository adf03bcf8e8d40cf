"""The plain-CSV fast path reads exactly what the careful path reads, or declines.

`scoring.fast_csv.plain_csv_evidence` answers only for plain, valid files; for
anything else it returns None and the careful path (the CSV loader's cells
typed by `scoring.evidence.type_table`) reads the file as always.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring
from scoring.evidence import Evidence, type_table
from scoring.fast_csv import plain_csv_evidence
from scoring.testing import from_rubric, rubrics
from scoring_std.loaders import read_csv
from tests.enterprise_plain import plain_text

ENGINE = scoring.Engine()
RUBRIC = ENGINE.load_rubric("enterprise-safety-target")
# The sample without its inspection panel and self-assessment (columns the fast path leaves to the
# careful one): one plain row per enterprise and quarter, as tests/enterprise_plain.py makes it.
SAMPLE = plain_text().encode("utf-8")


def careful(rubric: scoring.Rubric, path: Path, data: bytes) -> Evidence:
    # As the engine types a file: the rubric's member and optional fields, and its evidence checks.
    return type_table(read_csv(path, data), rubric.model, source=str(path), data=data,
                      member_fields=rubric.member_fields, optional=rubric.optional_fields,
                      checks=ENGINE._row_checks(rubric))


def assert_same(a: Evidence, b: Evidence) -> None:
    assert (a.source, a.sha256, a.rows_read) == (b.source, b.sha256, b.rows_read)
    for name in ("unit_ids", "periods", "parents", "kept_rows"):
        x, y = getattr(a, name), getattr(b, name)
        assert (x is None and y is None) or (x.dtype.kind == y.dtype.kind and np.array_equal(x, y)), name
    assert a.columns.keys() == b.columns.keys()
    for name in a.columns:
        x, y = a.columns[name], b.columns[name]
        assert x.dtype == y.dtype, name
        assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), name
        assert np.array_equal(a.missing[name], b.missing[name]), name
    assert a.warnings == b.warnings and a.rejected == b.rejected


def csv_bytes(rubric: scoring.Rubric, rows: list[dict[str, Any]], words: tuple[str, str]) -> bytes:
    info = rubric.model.rubric
    names: list[str] = [info.id_column]
    for row in rows:
        names += [k for k in row if k not in names]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        cells = []
        for name in names:
            value = row.get(name)
            if value is None:
                cells.append("")
            elif isinstance(value, bool):
                cells.append(words[0] if value else words[1])
            elif isinstance(value, float):
                cells.append(repr(value))
            else:
                cells.append(str(value))
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("rubric_id", [b.id for b in ENGINE.bundled_rubrics()])
def test_bundled_samples_take_the_fast_path_and_read_the_same(rubric_id: str) -> None:
    rubric = ENGINE.load_rubric(rubric_id)
    assert rubric.sample is not None
    path = Path(rubric.sample)
    data = path.read_bytes()
    fast = plain_csv_evidence(rubric, path, data)
    if rubric.model.raters is not None or rubric.model.stages is not None:
        # The fast path knows no rater or stage column: it declines the sample, the engine reads it carefully.
        engine_path = ENGINE.load_evidence(rubric, path)
        assert_same(engine_path, careful(rubric, path, data))
        return
    assert fast is not None
    assert_same(fast, careful(rubric, path, data))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), rubric=rubrics(ENGINE), words=st.sampled_from([("是", "否"), ("true", "false"), ("1", "0")]))
def test_fast_path_agrees_or_declines_on_any_evidence(
    data: st.DataObject, rubric: scoring.Rubric, words: tuple[str, str], tmp_path_factory: pytest.TempPathFactory,
) -> None:
    rows = data.draw(from_rubric(rubric, units=(1, 8)))
    raw = csv_bytes(rubric, rows, words)
    path = tmp_path_factory.mktemp("fast") / "evidence.csv"
    fast = plain_csv_evidence(rubric, path, raw)
    try:
        slow = careful(rubric, path, raw)
    except scoring.EvidenceError:
        assert fast is None  # the careful path refuses the file: the fast path never answers for it
        return
    if fast is not None:
        assert_same(fast, slow)


@pytest.mark.parametrize(("old", "new", "why"), [
    ("城关民营加油站", '"城关,民营加油站"', "a quoted cell"),
    (",10000\n", ",\"10,000\"\n", "a number with a thousands separator"),
    (",0.85,", ",85%,", "a rate written as a percentage"),
    (",是,", ",√,", "a yes/no cell the fast path does not read"),
    (",民营加油站,", ",民营加油站 ,", "a choice with a trailing blank"),
    (",3,", ",-3,", "a negative count (a row the checks refuse)"),
    (",3,", ",nan,", "text that reads as NaN"),
    (",3,", ",3.000000000000000000000000000000000000000000000000000000000000000000,",
     "a number longer than MAX_NUMBER_CHARS"),
    ("E001,", "Ｅ001,", "a full-width id (read as E001 by the careful path)"),
])
def test_fast_path_declines_what_needs_care(old: str, new: str, why: str, tmp_path: Path) -> None:
    text = SAMPLE.decode("utf-8")
    assert old in text, why
    changed = text.replace(old, new, 1).encode("utf-8")
    path = tmp_path / "evidence.csv"
    path.write_bytes(changed)
    assert plain_csv_evidence(RUBRIC, path, changed) is None, why
    # The engine still reads it the careful way: scored, or refused with the row named.
    try:
        evidence = ENGINE.load_evidence(RUBRIC, path)
    except scoring.EvidenceError as exc:
        assert exc.rejected and exc.rejected[0].row.startswith("row ")
    else:
        assert_same(evidence, careful(RUBRIC, path, changed))


def test_fast_path_declines_other_encodings_and_extra_columns(tmp_path: Path) -> None:
    path = tmp_path / "evidence.csv"
    gbk = SAMPLE.decode("utf-8").encode("gb18030")
    assert plain_csv_evidence(RUBRIC, path, gbk) is None
    lines = SAMPLE.decode("utf-8").splitlines()
    extra = "\n".join([lines[0] + ",note"] + [line + ",x" for line in lines[1:]]) + "\n"
    assert plain_csv_evidence(RUBRIC, path, extra.encode("utf-8")) is None
    with_bom = b"\xef\xbb\xbf" + SAMPLE
    fast = plain_csv_evidence(RUBRIC, path, with_bom)
    assert fast is not None
    assert_same(fast, careful(RUBRIC, path, with_bom))


def test_a_rubric_with_a_panel_keeps_the_fast_path_for_a_file_without_raters(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The enterprise rubric declares [raters] and [stages]; a file with neither column (one row per
    enterprise and quarter, as a big county export is) is still read by whole columns, and the
    bundled sample, which has both columns, is not."""
    import scoring.engine as engine_module

    answers: list[bool] = []

    def spy(*args: object, **kwargs: object) -> Evidence | None:
        found = plain_csv_evidence(*args, **kwargs)  # type: ignore[arg-type]
        answers.append(found is not None)
        return found

    monkeypatch.setattr(engine_module, "plain_csv_evidence", spy)
    path = tmp_path / "plain.csv"
    path.write_bytes(SAMPLE)
    evidence = ENGINE.load_evidence(RUBRIC, path)
    assert answers == [True] and evidence.raters is None and evidence.stages is None
    assert_same(evidence, careful(RUBRIC, path, SAMPLE))
    assert RUBRIC.sample is not None
    panel = ENGINE.load_evidence(RUBRIC, Path(RUBRIC.sample))
    assert answers == [True, False] and panel.raters is not None and panel.stages is not None
