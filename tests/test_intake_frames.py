"""DataFrames as evidence: pandas, polars and pyarrow (test extras only) score as the CSV does (issue 9)."""

from __future__ import annotations

import pytest

import scoring
from scoring.frames import frame_to_table, is_frame
from tests.intake_helpers import scores

BUNDLED = [b.id for b in scoring.Engine().bundled_rubrics()]


def _pandas(path):
    pd = pytest.importorskip("pandas")
    return pd.read_csv(path, dtype={"id": str, "parent": str, "period": str})  # numbers typed, blanks NaN


def _polars(path):
    pl = pytest.importorskip("polars")
    return pl.read_csv(path, schema_overrides={"id": pl.String}, infer_schema_length=None)


def _arrow(path):
    pacsv = pytest.importorskip("pyarrow.csv")
    return pacsv.read_csv(path)


@pytest.mark.parametrize("make", [_pandas, _polars, _arrow], ids=["pandas", "polars", "pyarrow"])
@pytest.mark.parametrize("rubric_id", BUNDLED)
def test_a_frame_scores_as_the_csv_does(engine, rubric_id, make):
    rubric = engine.load_rubric(rubric_id)
    frame = make(rubric.sample)
    assert is_frame(frame)
    result = engine.score(rubric, frame)
    assert scores(result) == scores(engine.score(rubric, rubric.sample))
    assert result.provenance.rows_read == result.provenance.rows_scored


def test_nan_none_and_null_are_blank_cells(engine):
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    data = {"id": ["u1", "u2"], "x": [1.0, None]}
    for frame in (pd.DataFrame(data), pl.DataFrame(data)):
        table = frame_to_table(frame)
        assert list(table.columns) == ["id", "x"] and table.column(1)[1] is None


def test_a_frame_without_pyarrow_is_read_through_its_own_to_dict(engine, monkeypatch):
    pd = pytest.importorskip("pandas")
    import builtins

    real_import = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    table = frame_to_table(pd.DataFrame({"id": ["a"], "n": [float("nan")]}))
    assert table.column(0) == ["a"] and table.column(1) == [None]
