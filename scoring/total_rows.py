"""Rows of a sheet that total or average the units above them, not units themselves.

Offices end a sheet with a 合计 (total) or 平均 (average) row, its figures the sums
of every unit's. Read as a unit it would be scored, ranked (first, as a rule, on
sums) and take a quota place from a real unit. Such a row is refused with its
reason, by its id cell: a unit is never called 合计.
"""

from __future__ import annotations

import re

import numpy as np

# Compared after NFKC (done on ids already), spaces and colons removed and case folded: `合　计`, `Total:`.
TOTAL_WORDS = frozenset({
    "合计", "总计", "小计", "共计", "累计", "总合计", "合计数", "总数", "平均", "平均值", "平均数", "均值",
    "total", "totals", "subtotal", "grandtotal", "sum", "average", "mean",
})
WHY = "a total or average row (合计, 平均 ...), not a unit: delete the row; the engine makes its own totals"
_NOISE = re.compile(r"[\s:：]+")


def total_ids(distinct: np.ndarray) -> list[str]:
    """The distinct unit ids that name a total or average row."""
    return [i for i in distinct.tolist() if _NOISE.sub("", str(i)).casefold() in TOTAL_WORDS]
