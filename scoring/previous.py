"""Last period's results, for consequences that look back (`--previous LAST.json`).

"不合格 two years running → 约谈" and improvement-based rewards need last
year's grade and score. They are read from a result file this engine wrote,
matched to this year's units by id, and offered to consequence conditions as
`previous.score`, `previous.grade`, `previous.rank` and `previous.vetoed`. A
unit with no previous result has those values missing, so a condition that
reads them does not hold for it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import EvidenceError


@dataclass(frozen=True)
class Previous:
    source: str
    rubric_id: str
    rubric_version: str
    units: dict[str, dict[str, Any]] = field(default_factory=dict)


def load_previous(path: str | Path) -> Previous:
    where = str(path)
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise EvidenceError(f"cannot read the previous result: {exc.strerror or exc}", path=where) from None
    except ValueError as exc:
        raise EvidenceError(f"the previous result is not JSON: {exc}", path=where) from None
    try:
        rubric = doc["rubric"]
        units: dict[str, dict[str, Any]] = {}
        for k, unit in enumerate(doc["units"]):
            uid = str(unit["id"])
            if uid in units:
                raise EvidenceError(f"unit {uid!r} appears twice (units[{k}]); a result lists each unit once",
                                    path=where)
            units[uid] = {key: _checked(unit.get(key), key, uid, where) for key in ("score", "rank", "grade", "vetoes")}
        return Previous(where, str(rubric["id"]), str(rubric.get("version", "")), units)
    except (KeyError, TypeError, AttributeError):
        raise EvidenceError(
            "not a result file written by `scoring run --format json` (it needs rubric.id and units[].id)", path=where
        ) from None


def _checked(value: Any, key: str, unit: str, where: str) -> Any:
    """A previous unit's value, of the type a result file holds, or an error naming it."""
    if value is None:
        return None
    ok = {
        "score": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v),
        "rank": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v),
        "grade": lambda v: isinstance(v, str),
        "vetoes": lambda v: isinstance(v, list),
    }[key](value)
    if not ok:
        raise EvidenceError(f"unit {unit!r}: {key} = {value!r} is not what a result file holds", path=where)
    return value


def check_previous(previous: Previous, rubric_id: str, rubric_version: str, unit_ids: np.ndarray) -> list[str]:
    """Refuse another rubric's results; warn about what does not match."""
    if previous.rubric_id != rubric_id:
        raise EvidenceError(
            f"the previous result is for rubric {previous.rubric_id!r}, not {rubric_id!r}; "
            "give last period's result of the same assessment",
            path=previous.source,
        )
    warnings = []
    if previous.rubric_version != rubric_version:
        warnings.append(f"the previous result used rubric version {previous.rubric_version}, this run {rubric_version}")
    current = set(unit_ids.tolist())
    gone = sorted(set(previous.units) - current)
    if gone:
        warnings.append(f"{len(gone)} unit(s) in the previous result are not assessed now ({', '.join(gone[:5])}"
                        + (" ..." if len(gone) > 5 else "") + ")")
    new = sorted(current - set(previous.units))
    if new:
        warnings.append(f"{len(new)} unit(s) have no previous result ({', '.join(new[:5])}"
                        + (" ..." if len(new) > 5 else "") + "); conditions on previous.* do not hold for them")
    return warnings


def previous_columns(previous: Previous | None, unit_ids: np.ndarray) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """`previous.*` columns aligned with `unit_ids`, and where each is missing.

    The previous file's units are read once into arrays; matching them to this
    period's units is a sorted search, not a loop over units.
    """
    n = unit_ids.shape[0]
    units = previous.units if previous else {}
    ids = np.array(list(units), dtype=str)
    order = np.argsort(ids)
    ids = ids[order]

    def column(key: str, convert: Any, empty: Any, dtype: Any) -> np.ndarray:
        values = [u.get(key) for u in units.values()]
        arr = np.array([empty if v is None else convert(v) for v in values], dtype=dtype)
        return arr[order]

    scores = column("score", float, np.nan, np.float64)
    ranks = column("rank", float, np.nan, np.float64)
    grades = column("grade", str, "", str)
    vetoed = column("vetoes", bool, False, bool)
    pos = np.clip(np.searchsorted(ids, unit_ids), 0, max(ids.size - 1, 0))
    found = (ids[pos] == unit_ids) if ids.size else np.zeros(n, dtype=bool)

    def take(arr: np.ndarray, empty: Any) -> np.ndarray:
        if not ids.size:
            return np.full(n, empty, dtype=arr.dtype if arr.dtype.kind != "U" else str)
        return np.where(found, arr[pos], empty)

    columns = {"previous.score": take(scores, np.nan), "previous.grade": take(grades, ""),
               "previous.rank": take(ranks, np.nan), "previous.vetoed": take(vetoed, False).astype(bool)}
    missing = {
        "previous.score": np.isnan(columns["previous.score"]), "previous.grade": ~found | (columns["previous.grade"] == ""),
        "previous.rank": np.isnan(columns["previous.rank"]), "previous.vetoed": ~found,
    }
    return columns, missing
