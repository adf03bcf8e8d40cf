"""Rows of a sheet that total or average the units above them, not units themselves.

Offices end a sheet with a 合计 (total) or 平均 (average) row, its figures the sums
of every unit's. Read as a unit it would be scored, ranked (first, as a rule, on
sums) and take a quota place from a real unit. Such a row is refused with its
reason, by its id cell: a unit is never called 合计.
"""

from __future__ import annotations

import numpy as np

# Compared after NFKC (done on ids already), spaces and colons removed and case folded: `合　计`, `Total:`.
TOTAL_WORDS = frozenset({
    "合计", "总计", "小计", "共计", "累计", "总合计", "合计数", "合计行", "总数", "平均", "平均值", "平均数",
    "平均分", "均值", "total", "totals", "subtotal", "grandtotal", "sum", "average", "mean",
})
# A short label ending in one of these is a total of something (全县合计, 本页小计, 全年平均): not a unit or
# a period. Long labels, and labels merely starting with one (合计公司), are left alone.
TOTAL_ENDINGS = ("合计", "总计", "小计", "共计", "平均", "平均值", "平均分")
SHORT = 8
WHY = "a total or average row (合计, 平均 ...), not a unit: delete the row; the engine makes its own totals"
# Removed before comparing: every whitespace character (a line break from Alt+Enter in Excel
# included) and colons. One table for the quick search over all labels and for each label.
_NOISE = {c: None for c in range(0x3100) if chr(c).isspace()} | {ord(":"): None, ord("："): None}


# Every total label contains one of these: a million ids are looked at one by one only if one does.
_HINTS = ("合计", "总计", "小计", "共计", "累计", "总数", "平均", "均值", "total", "sum", "average", "mean")


def total_ids(distinct: np.ndarray) -> list[str]:
    """The distinct unit ids (or period labels) that name a total or average row."""
    labels: list[str] = distinct.astype(str).tolist()
    everything = "".join(labels).translate(_NOISE).casefold()  # a hint made across two labels only costs the loop
    if not any(hint in everything for hint in _HINTS):
        return []
    return [i for i in labels if is_total(i)]


def is_total(label: str) -> bool:
    word = label.translate(_NOISE).casefold()
    return word in TOTAL_WORDS or (len(word) <= SHORT and word.endswith(TOTAL_ENDINGS))
