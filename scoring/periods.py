"""Period labels: which a rubric accepts, and their order.

A rubric names its periods (`periods = ["2026Q1", ...]`, in time order) or a
form (`period_pattern = "quarter"`: 2026Q1..2026Q4). Every label in the
evidence must be one of them; anything else is refused, because the last period
is the year-end row that outcome items read, and a stray label such as
`2026q4` (which sorts after `2026Q4`) would silently become it. A rubric that
declares neither still refuses labels that differ only in case or width
(`2026q4` beside `2026Q4`): the two cannot both be meant.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

from .model import RubricInfo

PATTERNS: dict[str, tuple[re.Pattern[str], str]] = {
    "year": (re.compile(r"\d{4}"), "a year such as 2026"),
    "half": (re.compile(r"\d{4}H[12]"), "a half year such as 2026H1"),
    "quarter": (re.compile(r"\d{4}Q[1-4]"), "a quarter such as 2026Q1"),
    "month": (re.compile(r"\d{4}-(0[1-9]|1[0-2])"), "a month such as 2026-01"),
}


def normalise(label: str) -> str:
    """Full-width letters and digits as ASCII, outer spaces gone: `２０２６Ｑ１ ` is `2026Q1`."""
    return unicodedata.normalize("NFKC", label).strip()


def describe(info: RubricInfo) -> str:
    if info.periods:
        shown = ", ".join(info.periods[:8]) + (" ..." if len(info.periods) > 8 else "")
        return f"one of the rubric's periods ({shown})"
    if info.period_pattern:
        return PATTERNS[info.period_pattern][1]
    return "a period label"


def refused(info: RubricInfo, labels: np.ndarray) -> dict[str, str]:
    """Each distinct refused label with why; `labels` are normalised, blanks skipped."""
    # Sorted as np.unique sorts text (by code point), without it: its first plain call imports numpy.ma
    # (~0.01 s on every job's start-up), and the caller passes distinct labels already.
    distinct = sorted({str(x) for x in labels.tolist()} - {""})
    out: dict[str, str] = {}
    if info.periods:
        allowed = set(info.periods)
        folded = {p.casefold(): p for p in info.periods}
        for label in distinct:
            if label not in allowed:
                near = folded.get(label.casefold())
                hint = f"; did you mean {near!r}?" if near else ""
                out[label] = f"period label not declared: it must be {describe(info)}{hint}"
        return out
    if info.period_pattern:
        pattern = PATTERNS[info.period_pattern][0]
        for label in distinct:
            if not pattern.fullmatch(label):
                out[label] = f"period label not declared: it must be {describe(info)} (period_pattern = {info.period_pattern!r})"
        return out
    seen: dict[str, str] = {}
    for label in distinct:
        other = seen.setdefault(label.casefold(), label)
        if other != label:
            why = f"period labels {other!r} and {label!r} differ only in case; use one (or declare periods in the rubric)"
            out[label] = out[other] = why
    return out


def order(info: RubricInfo, periods: np.ndarray, known: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Rank of each row's period: its place in `periods` when declared; else as numbers if all are, else as text.

    `known` is `np.unique(periods, return_inverse=True)` when the caller has it (scoring.keys)."""
    labels, inverse = np.unique(periods, return_inverse=True) if known is None else known
    inverse = inverse.reshape(-1)
    if info.periods:
        place = {p: k for k, p in enumerate(info.periods)}
        keys = np.array([place.get(str(x), len(place)) for x in labels], dtype=np.int64)
        return keys[inverse]
    try:
        numeric = labels.astype(np.float64)
    except ValueError:
        return inverse
    ranked = np.argsort(numeric, kind="stable")
    rank = np.empty_like(ranked)
    rank[ranked] = np.arange(ranked.size)
    return rank[inverse]


def example_labels(info: RubricInfo, n: int) -> list[str]:
    """`n` labels the rubric accepts, in order (for drawn evidence and templates); fewer if it declares fewer."""
    if info.periods:
        return list(info.periods[:n])
    year = 2026
    if info.period_pattern == "year":
        return [str(year + k) for k in range(n)]
    if info.period_pattern == "half":
        return [f"{year + k // 2}H{k % 2 + 1}" for k in range(n)]
    if info.period_pattern == "quarter":
        return [f"{year + k // 4}Q{k % 4 + 1}" for k in range(n)]
    if info.period_pattern == "month":
        return [f"{year + k // 12}-{k % 12 + 1:02d}" for k in range(n)]
    return [str(k + 1) for k in range(n)]
