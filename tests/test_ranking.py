"""Ranks by counting packed keys (scoring.ranking) are the ranks of the sort over every key."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import ranking
from scoring.ranking import rank_units
from scoring.rounding import round_half_up


@st.composite
def rankings(draw: st.DrawFn) -> dict[str, object]:
    n = draw(st.integers(0, 40))
    places = draw(st.integers(0, 3))
    # Few distinct figures, so ties are common; negative, zero and NaN among them.
    spread = draw(st.sampled_from([1.0, 3.0, 100.0, 1e6]))
    raw = st.one_of(st.floats(-spread, spread, allow_nan=False), st.just(float("nan")), st.just(0.0))

    def column() -> np.ndarray:
        return round_half_up(np.array(draw(st.lists(raw, min_size=n, max_size=n)), dtype=np.float64), places)

    score = column()
    keys = [column() for _ in range(draw(st.integers(0, 2)))]
    vetoed = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool) if draw(st.booleans()) else None
    groups = (np.array(draw(st.lists(st.sampled_from(["甲", "乙", "b", ""]), min_size=n, max_size=n)), dtype=str)
              if draw(st.booleans()) else None)
    return {"score": score, "keys": keys, "vetoed": vetoed, "groups": groups, "dense": draw(st.booleans()),
            "places": places}


def by_every_key(case: dict[str, object]) -> np.ndarray:
    args = {k: v for k, v in case.items() if k != "places"}
    return rank_units(**args)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(rankings())
def test_counting_gives_the_ranks_of_the_sort(case: dict[str, object]) -> None:
    expected = by_every_key(case)
    got = rank_units(**case)  # type: ignore[arg-type]
    np.testing.assert_array_equal(got, expected)


@settings(max_examples=200, deadline=None)
@given(rankings())
def test_one_sort_of_packed_keys_gives_the_ranks_of_the_sort(case: dict[str, object]) -> None:
    # No counting array allowed: the packed keys are sorted instead.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ranking, "_COUNTING_SLOTS_MIN", 0)
        mp.setattr(ranking, "_COUNTING_SLOTS_PER_UNIT", 0)
        got = rank_units(**case)  # type: ignore[arg-type]
    np.testing.assert_array_equal(got, by_every_key(case))


def test_keys_that_are_not_figures_at_the_places_are_sorted() -> None:
    score = np.array([1.25, 1.2, 1.25, np.inf, np.nan])
    assert ranking._descending_codes(score, 1) is None  # 1.25 is not a figure at one decimal
    got = rank_units(score, [], None, None, False, places=1)
    np.testing.assert_array_equal(got, [2.0, 4.0, 2.0, 1.0, np.nan])
    np.testing.assert_array_equal(got, rank_units(score, [], None, None, False))


def test_known_ranks() -> None:
    score = np.array([90.0, 85.5, 90.0, np.nan, 70.0, 85.5])
    tie = np.array([1.0, 2.0, 3.0, 0.0, 0.0, 2.0])
    vetoed = np.array([False, False, False, False, True, False])
    np.testing.assert_array_equal(rank_units(score, [], None, None, False, places=1), [1, 3, 1, np.nan, 5, 3])
    np.testing.assert_array_equal(rank_units(score, [], None, None, True, places=1), [1, 2, 1, np.nan, 3, 2])
    np.testing.assert_array_equal(rank_units(score, [tie], vetoed, None, False, places=1), [2, 3, 1, np.nan, 5, 3])
    groups = np.array(["a", "b", "a", "b", "b", "a"])
    np.testing.assert_array_equal(rank_units(score, [], None, groups, False, places=1), [1, 1, 1, np.nan, 2, 3])
