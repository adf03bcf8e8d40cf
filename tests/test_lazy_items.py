"""The engine core's memory economy, checked by what it does, not by timing.

`engine.score` sums every indicator's points without keeping them (indicators.ScoredItems):
a result computes an indicator's columns when something first reads them. These tests fail
if scoring starts keeping every indicator again, or if what is computed later differs, by
a single bit, from what the totals were summed from; and they check the chunked, batched
compensated sums of `aggregate` against the plain whole-column `_Sum` they replace.
"""

from __future__ import annotations

import pickle
from decimal import Decimal

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring
import scoring.aggregate as aggregate_mod
from scoring.aggregate import _Sum, aggregate, combine_dimensions
from scoring.indicators import IndicatorColumns, ScoredItems, score_indicator
from scoring.testing import from_rubric, rubrics
from tests.enterprise_plain import plain_text

ENGINE = scoring.Engine()
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def reference_totals(rubric, items, n):
    """The totals as `aggregate` made them before it summed in chunks: whole columns, `_Sum`."""
    model = rubric.model
    sums = {d.id: _Sum(np.zeros(n)) for d in model.dimension}
    maxima = {d.id: _Sum(np.zeros(n)) for d in model.dimension}
    full = {d.id: Decimal(0) for d in model.dimension}
    for ind, col in zip(rubric.indicators, items):
        sums[ind.dimension.id].add(col.points)
        maxima[ind.dimension.id].add(np.where(col.applicable, ind.points, 0.0))
        full[ind.dimension.id] += Decimal(repr(ind.points))
    return combine_dimensions(model, {k: v.value() for k, v in sums.items()},
                              {k: v.value() for k, v in maxima.items()}, full, n)


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def assert_same_totals(a, b) -> None:
    for name in ("base", "bonus", "total", "assessable"):
        assert same_bits(getattr(a, name), getattr(b, name)), name
    for table in ("dimension_points", "dimension_max", "phase_scores"):
        x, y = getattr(a, table), getattr(b, table)
        assert x.keys() == y.keys()
        for k in x:
            assert same_bits(x[k], y[k]), (table, k)


def assert_same_item(a: IndicatorColumns, b: IndicatorColumns) -> None:
    assert same_bits(a.points, b.points)
    assert same_bits(a.applicable, b.applicable)
    assert same_bits(np.asarray(a.value), np.asarray(b.value))


def bundled_result(rubric_id: str = "enterprise-safety-target"):
    rubric = ENGINE.load_rubric(rubric_id)
    # The enterprise sample without its inspection panel and self-assessment (tests/enterprise_plain.py):
    # a panel scores its rated items eagerly, which is not what these tests are about.
    evidence = plain_text() if rubric_id == "enterprise-safety-target" else rubric.sample
    if isinstance(evidence, str):
        import csv
        import io

        evidence = list(csv.DictReader(io.StringIO(evidence)))
    return rubric, ENGINE.score(rubric, evidence)


def test_scoring_keeps_no_indicator_until_one_is_read():
    rubric, result = bundled_result()
    assert isinstance(result.items, ScoredItems)
    assert result.items.kept() == 0  # the totals were summed, nothing held
    assert result.scores.shape[0] > 0
    first = result.items[0]
    assert result.items.kept() == 1 and result.items[0] is first  # read once, then kept
    result.explain(str(result.unit_ids[0]))
    assert result.items.kept() == len(rubric.indicators)


def test_indicators_read_later_are_those_the_totals_were_summed_from():
    for rubric_id in ("enterprise-safety-target", "group-school-supervision"):
        rubric, result = bundled_result(rubric_id)
        n = result.layout.n_units
        eager = [score_indicator(rubric, result.layout, j) for j in range(len(rubric.indicators))]
        for j, col in enumerate(result.items):
            assert_same_item(col, eager[j])
        assert_same_totals(reference_totals(rubric, eager, n), result.totals)


def test_a_pickled_result_computes_the_same_indicators():
    rubric, result = bundled_result()
    again = pickle.loads(pickle.dumps(result))
    assert again.items.kept() == 0
    for a, b in zip(again.items, result.items):
        assert_same_item(a, b)
    assert again.to_dict() == result.to_dict()


@SETTINGS
@given(st.data())
def test_chunked_sums_equal_whole_column_sums(data):
    """Over drawn rubrics and evidence, and chunk and batch sizes small enough to split every
    dimension: the same totals, to the bit, from a lazy sequence and from a plain list."""
    rubric = data.draw(rubrics(ENGINE))
    rows = data.draw(from_rubric(rubric, units=(1, 12)))
    try:
        result = ENGINE.score(rubric, rows)
    except scoring.EvidenceError:
        return  # every row refused: nothing to sum
    n = result.layout.n_units
    # Small chunks and batches split every dimension; few pattern bits send the applicable
    # points through the per-unit path part way, few table bits through sorting.
    sizes = (data.draw(st.integers(1, 5)), data.draw(st.integers(1, 3)), data.draw(st.integers(0, 3)),
             data.draw(st.integers(0, 2)))
    names = ("CHUNK", "BATCH", "PATTERN_BITS", "TABLE_BITS")
    original = [getattr(aggregate_mod, k) for k in names]
    try:
        for k, v in zip(names, sizes):
            setattr(aggregate_mod, k, v)
        lazy = aggregate(rubric, ScoredItems(rubric, result.layout), n)
        eager = [score_indicator(rubric, result.layout, j) for j in range(len(rubric.indicators))]
        listed = aggregate(rubric, eager, n)
    finally:
        for k, v in zip(names, original):
            setattr(aggregate_mod, k, v)
    reference = reference_totals(rubric, eager, n)
    assert_same_totals(reference, lazy)
    assert_same_totals(reference, listed)
    assert_same_totals(reference, result.totals)


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 2), st.floats(0, 1e6), st.booleans()), min_size=1, max_size=40),
       st.integers(1, 9), st.integers(1, 4))
def test_compensated_sum_by_chunks_is_the_sum(entries, n, chunk):
    """`_sum_chunks` is `_Sum.add` operation for operation, whatever the figures (large and tiny mixed),
    for columns and for (points, applicable) terms alike."""
    rng = np.random.default_rng(len(entries))
    total, error = np.zeros(n), np.zeros(n)
    reference = _Sum(np.zeros(n))
    terms = []
    for scale_power, figure, sparse in entries:
        x = figure * rng.random(n) * 10.0 ** (-8 * scale_power)
        if sparse:
            applies = rng.random(n) < 0.5
            terms.append((float(x[0]), applies))
            x = np.where(applies, x[0], 0.0)
        else:
            terms.append(x)
        reference.add(x)
    original = aggregate_mod.CHUNK
    try:
        aggregate_mod.CHUNK = chunk
        aggregate_mod._sum_chunks(total, error, terms, np.empty((5, min(chunk, n))))
    finally:
        aggregate_mod.CHUNK = original
    assert same_bits(total + error, reference.value())


def test_a_csv_report_scores_no_indicator_and_statistics_are_computed_once():
    """The CSV ranking shows totals and dimensions only: writing it must not score every indicator
    (the statistics, which read them, are for the summary and the workbook's sheets)."""
    rubric, result = bundled_result()
    ENGINE.render(result, "csv")
    assert result.items.kept() == 0
    first = result.statistics()
    assert result.items.kept() == len(rubric.indicators)
    assert result.statistics() is first and result.summary()["statistics"] == first.to_dict()
