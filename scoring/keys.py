"""Key columns (unit ids, periods) as integer codes, found once and reused.

`np.unique(ids, return_inverse=True)` sorts every row's fixed-width text: at a
million rows that is most of a second, and the load and the layout asked for
it five times (duplicates, period gaps, period labels, frames, period order).
Here each distinct value is found by hashing (a dict, or Arrow's dictionary
encoding on the fast CSV path), only the distinct values are sorted, and the
codes are kept with the evidence so later stages reuse them. The answer is
exactly `np.unique`'s: the same sorted distinct values, the same inverse.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class KeyCodes:
    """`distinct, codes = np.unique(source, return_inverse=True)`, for the array `source`."""

    source: np.ndarray    # the column described; reused only while it is this very array
    distinct: np.ndarray  # the sorted distinct values, dtype of `source`
    codes: np.ndarray     # int64, one per row: the row's index into `distinct`

    def describes(self, values: np.ndarray | None) -> bool:
        return values is not None and values is self.source

    @property
    def size(self) -> int:
        return int(self.distinct.shape[0])

    def kept(self, keep: np.ndarray, source: np.ndarray) -> KeyCodes:
        """The codes of `source = self.source[keep]`: values no kept row has are dropped, the rest renumbered."""
        codes = self.codes[keep]
        present = np.zeros(self.size, dtype=bool)
        present[codes] = True
        renumber = np.cumsum(present) - 1
        return KeyCodes(source, self.distinct[present], renumber[codes])


def key_codes(values: np.ndarray, first: tuple[np.ndarray, Sequence[str] | np.ndarray] | None = None) -> KeyCodes:
    """The codes of a text column (`values`, numpy text); `first` gives them in first-seen order when known.

    `first` is (codes, distinct values in first-seen order), as a dictionary
    encoding gives them (the values as a list, or as numpy text of `values`' dtype,
    used as it is); without it a dict finds them, one hash per row.
    """
    n = int(values.shape[0])
    if first is None:
        seen: dict[str, int] = {}
        found = np.fromiter((seen.setdefault(v, len(seen)) for v in values.tolist()), dtype=np.int64, count=n)
        listed: Sequence[str] | np.ndarray = list(seen)
    else:
        found, listed = np.asarray(first[0], dtype=np.int64), first[1]
    unsorted = np.asarray(listed, dtype=values.dtype) if len(listed) else np.zeros(0, dtype=values.dtype)
    order = np.argsort(unsorted, kind="stable")
    rank = np.empty(order.shape[0], dtype=np.int64)
    rank[order] = np.arange(order.shape[0])
    return KeyCodes(values, unsorted[order], rank[found] if n else np.zeros(0, dtype=np.int64))


def codes_of(values: np.ndarray, known: KeyCodes | None = None) -> KeyCodes:
    """`known` when it describes `values`, else found afresh."""
    return known if known is not None and known.describes(values) else key_codes(values)
