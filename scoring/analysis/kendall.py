"""Kendall's tau-b between one ranking and many, vectorised over the many.

scipy.stats.kendalltau would do one ranking pair per call; a thousand draws
would be a thousand calls, and scipy would be a dependency for one function.
Here every draw is counted at once with Knight's method: sort the pairs by the
base ranking (then by the draw's), count the draw's inversions by a
bottom-up merge (log2 n passes, each a sort and a searchsorted over all draws),
and correct for ties in either ranking as tau-b does. O(T · n log² n) time.
"""

from __future__ import annotations

import numpy as np


def _dense(values: np.ndarray) -> np.ndarray:
    """Per row, dense integer codes 0.. of the values, equal values equal codes."""
    t, n = values.shape
    order = np.argsort(values, axis=1, kind="stable")
    ordered = np.take_along_axis(values, order, axis=1)
    new = np.ones((t, n), dtype=np.int64)
    new[:, 0] = 0
    if n > 1:
        new[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    codes = np.empty((t, n), dtype=np.int64)
    np.put_along_axis(codes, order, np.cumsum(new, axis=1), axis=1)
    return codes


def inversions(codes: np.ndarray) -> np.ndarray:
    """Per row of non-negative integer codes (T, n): pairs i < j with codes[i] > codes[j]."""
    t, n = codes.shape
    size = 1
    while size < n:
        size *= 2
    top = int(codes.max(initial=0)) + 1
    # Padding with the largest code at the end adds no inversion.
    vals = np.full((t, size), top, dtype=np.int64)
    vals[:, :n] = codes
    span = top + 1
    count = np.zeros(t, dtype=np.int64)
    width = 1
    while width < size:
        pairs = size // (2 * width)
        blocks = vals.reshape(t, pairs, 2, width)
        # One searchsorted for every block pair of every row: offsets keep the
        # left blocks, concatenated, in one sorted sequence.
        offset = (np.arange(t * pairs, dtype=np.int64) * span).reshape(t, pairs, 1)
        left = (blocks[:, :, 0, :] + offset).reshape(-1)
        right = (blocks[:, :, 1, :] + offset).reshape(-1)
        start = np.repeat(np.arange(t * pairs, dtype=np.int64) * width, width)
        not_greater = np.searchsorted(left, right, side="right") - start
        count += (width - not_greater).reshape(t, -1).sum(axis=1)
        vals = np.sort(blocks.reshape(t, pairs, 2 * width), axis=2).reshape(t, size)
        width *= 2
    return count


def _tied_pairs(codes: np.ndarray) -> np.ndarray:
    """Per row, pairs with equal codes: sum over runs of c(c-1)/2."""
    t, n = codes.shape
    flat = (np.arange(t, dtype=np.int64)[:, None] * (n + 1) + codes).reshape(-1)
    counts = np.bincount(flat, minlength=t * (n + 1)).reshape(t, n + 1).astype(np.float64)
    out: np.ndarray = (counts * (counts - 1) / 2).sum(axis=1)
    return out


def kendall_tau_b(base: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """Tau-b between `base` (n,) and each row of `draws` (T, n); NaN where a ranking is all ties."""
    draws = np.atleast_2d(draws)
    t, n = draws.shape
    if n < 2:
        return np.full(t, np.nan)
    x = np.broadcast_to(_dense(base[None, :])[0], (t, n))
    y = _dense(draws)
    order = np.lexsort((y, x), axis=1)
    xs, ys = np.take_along_axis(x, order, axis=1), np.take_along_axis(y, order, axis=1)
    discordant = inversions(ys).astype(np.float64)
    n0 = n * (n - 1) / 2
    n1 = _tied_pairs(x[:1])[0]
    n2 = _tied_pairs(y)
    n3 = _tied_pairs(_dense(xs * (n + 1) + ys))
    concordant = n0 - n1 - n2 + n3 - discordant
    bottom = np.sqrt((n0 - n1) * (n0 - n2))
    with np.errstate(invalid="ignore", divide="ignore"):
        out: np.ndarray = np.where(bottom > 0, (concordant - discordant) / np.where(bottom > 0, bottom, 1.0), np.nan)
    return out
