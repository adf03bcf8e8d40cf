"""Rubrics and results pickle: they go to worker processes, caches and task queues."""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring
from scoring.errors import ExpressionError
from scoring.expr import compile_expression
from scoring.testing import from_rubric, rubrics

ENGINE = scoring.Engine()
BUNDLED = [b.id for b in ENGINE.bundled_rubrics()]


def roundtrip(obj: Any) -> Any:
    return pickle.loads(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))


def scored_content(result: scoring.Result) -> dict[str, Any]:
    """The result document without the run time (the reports' 说明), which two scorings a second apart differ in."""
    doc = result.to_dict()
    doc["report"].pop("created")
    return doc


@pytest.mark.parametrize("rubric_id", BUNDLED)
def test_bundled_rubric_and_result_pickle(rubric_id: str) -> None:
    rubric = ENGINE.load_rubric(rubric_id)
    assert rubric.sample is not None
    again = roundtrip(rubric)
    assert again.id == rubric.id and again.model == rubric.model
    assert [e.source for e in again.vetoes] == [e.source for e in rubric.vetoes]
    # The unpickled rubric scores exactly as the original does.
    result = ENGINE.score(rubric, rubric.sample)
    assert scored_content(ENGINE.score(again, rubric.sample)) == scored_content(result)
    # And the unpickled result says the same, explanations included.
    copy = roundtrip(result)
    assert copy.to_dict() == result.to_dict()
    first = str(result.unit_ids[0])
    assert copy.explain(first).to_text() == result.explain(first).to_text()


def test_expression_pickles_with_its_allowed_names() -> None:
    expr = compile_expression("a + max(b, 2) if flag else -a", allowed_names={"a", "b", "flag"},
                              functions=ENGINE.registry.functions)
    again = roundtrip(expr)
    env = {"a": np.array([1.0, 2.0]), "b": np.array([5.0, 0.0]), "flag": np.array([True, False])}
    assert np.array_equal(again.evaluate(env, 2), expr.evaluate(env, 2))
    assert again.names == expr.names
    # The allow-list travels too: the copy refuses what the original refuses.
    with pytest.raises(ExpressionError, match="unknown name"):
        pickle.loads(pickle.dumps(expr).replace(b"flag else -a", b"flag else -z"))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), rubric=rubrics(ENGINE))
def test_any_rubric_and_its_result_pickle(data: st.DataObject, rubric: scoring.Rubric) -> None:
    rows = data.draw(from_rubric(rubric, units=(1, 6)))
    again = roundtrip(rubric)
    result = ENGINE.score(rubric, rows, on_error="skip")
    assert scored_content(ENGINE.score(again, rows, on_error="skip")) == scored_content(result)
    assert roundtrip(result).to_dict() == result.to_dict()
