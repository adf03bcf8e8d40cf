"""Competition ("min": 1,2,2,4) and dense (1,2,2,3) ranks over several keys.

A rank depends only on how many units (or how many distinct keys) come
before a unit's key in its group, not on the order of units within a tie. The
keys the engine ranks by are rounded figures (a score and tie-breaks rounded
to the rubric's precision), so each is a whole number of 10^-precision: the
keys pack into one integer per unit, and the ranks come from counting those
integers (`np.bincount`, no sort at all) when their range is small, as it is
for a score out of 100 at one decimal, or from one stable sort of them
otherwise. That is the ranking a sort over every key (`np.lexsort`, kept for
keys that are not such figures) gives, unit for unit (tests/test_ranking.py),
at a tenth of its cost at a million units.
"""

from __future__ import annotations

import numpy as np

from .rounding import _POW10, _POW10_OFFSET

# Past this the packed integers' range is too wide to count in an array: one sort instead.
_COUNTING_SLOTS_PER_UNIT = 4
_COUNTING_SLOTS_MIN = 1 << 16
# Figures scaled to whole numbers stay exact and far from int64's limit below this.
_EXACT_LIMIT = 2.0**50
_PACK_LIMIT = 1 << 62


def rank_units(
    score: np.ndarray, keys: list[np.ndarray], vetoed: np.ndarray | None, groups: np.ndarray | None, dense: bool,
    places: int | None = None,
) -> np.ndarray:
    """Competition ("min": 1,2,2,4) or dense (1,2,2,3) ranks; NaN scores get NaN.

    Higher is better on every key; vetoed units (when given) rank after all
    others. Ties are units equal on the score and every tie-break key.
    `places`: the score and keys are figures rounded to that many decimals
    (as `round_half_up` gives them), which lets them be ranked by counting.
    """
    n = score.shape[0]
    ranked = ~np.isnan(score)
    group_codes = None if groups is None else np.unique(groups, return_inverse=True)[1].reshape(-1)
    packed = None if places is None else _packed(score, keys, vetoed, ranked, group_codes, places)
    if packed is None:
        order, new_run, new_group = _sorted_by_every_key(score, keys, vetoed, ranked, group_codes)
        rank = _ranks_of_runs(order, new_run, new_group, dense)
    else:
        code, slots, group_size = packed
        if slots <= max(_COUNTING_SLOTS_MIN, _COUNTING_SLOTS_PER_UNIT * n):
            rank = _ranks_by_counting(code, slots, group_size, group_codes, dense)
        else:
            order = np.argsort(code, kind="stable")
            ordered = code[order]
            new_run = np.ones(n, dtype=bool)
            new_group = np.ones(n, dtype=bool)
            np.not_equal(ordered[1:], ordered[:-1], out=new_run[1:])
            group_of = ordered // group_size
            np.not_equal(group_of[1:], group_of[:-1], out=new_group[1:])
            rank = _ranks_of_runs(order, new_run, new_group, dense)
    return np.where(ranked, rank, np.nan)


def _descending_codes(values: np.ndarray, places: int) -> tuple[np.ndarray, int] | None:
    """Each figure as a whole number of 10^-places counted down from the largest (0 for the
    largest), NaN after every figure; and how many codes there are. None where a value is not
    such a figure (an infinity, a value no rounding gave), for the sort over every key."""
    scale = _POW10[places + _POW10_OFFSET]
    with np.errstate(invalid="ignore"):
        whole = values * scale
        np.rint(whole, out=whole)
        # Each figure is whole / scale exactly, so two different figures have different codes
        # (and rint of the product keeps their order): the codes are ranked as the figures are.
        # NaN is no figure, but stays NaN here: it fails the test and is let through by it.
        exact = whole / scale == values
    nan = np.isnan(values)
    if not bool((exact | nan).all()):
        return None  # an infinity, or a value that is not a figure at `places`
    if bool(nan.all()):
        return np.zeros(values.shape, dtype=np.int64), 1
    top, low = float(np.fmax.reduce(whole)), float(np.fmin.reduce(whole))  # NaN ignored
    if max(abs(top), abs(low)) >= _EXACT_LIMIT:
        return None  # too large to count in whole numbers exactly
    nan_code = int(top) - int(low) + 1  # NaN after every figure, as -inf is in the sort over every key
    np.subtract(top, whole, out=whole)
    np.putmask(whole, nan, nan_code)
    return whole.astype(np.int64), nan_code + 1


def _packed(
    score: np.ndarray, keys: list[np.ndarray], vetoed: np.ndarray | None, ranked: np.ndarray,
    group_codes: np.ndarray | None, places: int,
) -> tuple[np.ndarray, int, int] | None:
    """Every key in one int64 per unit, ordered as the units rank: group first, then ranked units
    before the rest, unvetoed before vetoed, higher score, higher tie-breaks in their order.
    Returns (codes, how many codes there can be, codes per group), or None where the keys do
    not pack (not figures at `places`, or too wide together for 62 bits)."""
    parts: list[tuple[np.ndarray, int]] = [((~ranked).astype(np.int64), 2)]
    if vetoed is not None:
        parts.append((vetoed.astype(np.int64), 2))
    for values in [score, *keys]:
        found = _descending_codes(np.asarray(values, dtype=np.float64), places)
        if found is None:
            return None
        parts.append(found)
    group_size = 1
    for _, radix in parts:
        group_size *= radix
    groups = 1 if group_codes is None else int(group_codes.max(initial=0)) + 1
    if group_size * groups >= _PACK_LIMIT:
        return None
    code = np.zeros(score.shape[0], dtype=np.int64) if group_codes is None else group_codes.astype(np.int64)
    for part, radix in parts:
        code *= radix
        code += part
    return code, group_size * groups, group_size


def _ranks_by_counting(code: np.ndarray, slots: int, group_size: int, group_codes: np.ndarray | None,
                       dense: bool) -> np.ndarray:
    """Ranks from how many units ("min") or distinct keys (dense) of the group come before each key."""
    counts = np.bincount(code, minlength=slots)
    if dense:
        counts = (counts > 0).astype(np.int64)
    before = np.cumsum(counts)
    before -= counts  # units (or keys) with a smaller code, in any group
    rank = before[code]
    if group_codes is not None:
        rank -= before[group_codes.astype(np.int64) * group_size]  # those of earlier groups
    out: np.ndarray = rank.astype(np.float64)
    out += 1.0
    return out


def _sorted_by_every_key(
    score: np.ndarray, keys: list[np.ndarray], vetoed: np.ndarray | None, ranked: np.ndarray,
    group_codes: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The units sorted by every key, and where a run of equal keys, and a group, starts."""
    n = score.shape[0]
    sort_keys: list[np.ndarray] = [-np.nan_to_num(k, nan=-np.inf) for k in reversed(keys)]
    sort_keys.append(-np.nan_to_num(score, nan=-np.inf))
    if vetoed is not None:
        sort_keys.append(vetoed.astype(np.int8))
    sort_keys.append((~ranked).astype(np.int8))
    # Without groups there is one: no key for it (a constant key would only cost a pass of the sort).
    if group_codes is not None:
        sort_keys.append(group_codes)
    order = np.lexsort(sort_keys)
    # A run starts where any key changes from the unit before, in sorted order; a key at a time,
    # so no (keys x units) block is built.
    new_run = np.ones(n, dtype=bool)
    new_group = np.ones(n, dtype=bool)
    if n > 1:
        new_run[1:] = False
        for key in sort_keys:
            ks = key[order]
            changed = ks[1:] != ks[:-1]
            new_run[1:] |= changed
            if key is group_codes:
                new_group[1:] = changed
        if group_codes is None:
            new_group[1:] = False
    return order, new_run, new_group


def _ranks_of_runs(order: np.ndarray, new_run: np.ndarray, new_group: np.ndarray, dense: bool) -> np.ndarray:
    """Each unit's rank from the sorted order and where runs of equal keys and groups start."""
    n = order.shape[0]
    position = np.arange(n)
    group_start = np.maximum.accumulate(np.where(new_group, position, 0)) if n else position
    if dense:
        runs = np.cumsum(new_run)
        rank_sorted = runs - runs[group_start] + 1
    else:
        run_start = np.maximum.accumulate(np.where(new_run, position, 0)) if n else position
        rank_sorted = run_start - group_start + 1
    rank = np.empty(n, dtype=np.float64)
    rank[order] = rank_sorted
    return rank
