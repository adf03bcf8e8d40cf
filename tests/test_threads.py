"""Library use from threads: loading and scoring change no process-wide state.

An engineer embedding the engine in a web service loads rubrics and scores
from many threads at once. Nothing on that path may touch state shared by the
whole process (the warning filters, numpy's global error state, the umask):
another thread would see it half-changed. Python's switch interval is set to
a microsecond so that threads interleave as often as possible.
"""

from __future__ import annotations

import json
import sys
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import scoring
from scoring.errors import ExpressionError
from scoring.expr import compile_expression


@pytest.fixture
def fast_switching() -> Iterator[None]:
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(old)


def fingerprint(engine: scoring.Engine, rubric_id: str) -> str:
    rubric = engine.load_rubric(rubric_id)
    assert rubric.sample is not None
    result = engine.score(rubric, rubric.sample)
    doc = result.to_dict()
    del doc["report"]["created"]  # the run time, for the reports' 说明: the one field that differs between runs
    return json.dumps(doc, ensure_ascii=False, sort_keys=True)


def test_sixteen_threads_load_and_score_as_one_would(engine: scoring.Engine, fast_switching: None) -> None:
    ids = [b.id for b in engine.bundled_rubrics()]
    expected = {rid: fingerprint(engine, rid) for rid in ids}
    filters = list(warnings.filters)
    numpy_state = np.geterr()
    jobs = ids * 3

    def job(k: int) -> tuple[str, str]:
        # Half share one engine, as a service would; half build their own.
        own = engine if k % 2 else scoring.Engine()
        return jobs[k], fingerprint(own, jobs[k])

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(job, range(len(jobs))))
    assert len(results) == len(jobs)
    for rid, got in results:
        assert got == expected[rid], rid
    assert list(warnings.filters) == filters and np.geterr() == numpy_state


def test_refused_expressions_stay_refused_while_other_threads_compile(fast_switching: None) -> None:
    # With the old catch_warnings() in the compiler, one thread restoring the
    # filters while another parsed let '1if x else 2' through now and then.
    def refuse_many(_: int) -> int:
        accepted = 0
        for _ in range(300):
            try:
                compile_expression("1if x else 2", allowed_names={"x"})
                accepted += 1
            except ExpressionError:
                pass
            compile_expression("x + 1 > 2", allowed_names={"x"})
        return accepted

    filters = list(warnings.filters)
    with ThreadPoolExecutor(max_workers=16) as pool:
        assert sum(pool.map(refuse_many, range(16))) == 0
    assert list(warnings.filters) == filters


def test_the_expression_compiler_does_not_touch_the_warning_filters(monkeypatch: pytest.MonkeyPatch,
                                                                    engine: scoring.Engine) -> None:
    # The warning filters are process-wide by design: any change while loading
    # or scoring is a thread-safety bug.
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("the warning filters are process-wide; loading must not change them")

    monkeypatch.setattr(warnings, "catch_warnings", forbidden)
    monkeypatch.setattr(warnings, "simplefilter", forbidden)
    monkeypatch.setattr(warnings, "filterwarnings", forbidden)
    # (np.errstate is fine: numpy keeps its error state per thread.)
    for bundled in engine.bundled_rubrics():
        rubric = engine.load_rubric(bundled.id)
        assert rubric.sample is not None
        engine.score(rubric, rubric.sample)
    with pytest.raises(ExpressionError):
        compile_expression("1if x else 2", allowed_names={"x"})
